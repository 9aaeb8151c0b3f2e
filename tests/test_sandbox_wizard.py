"""`kit.wizard.Wizard` on its own: a three-page démarche declared as a new replica would declare it.

The replicas' tests (pré-demandes, permis, timbres) check each site; these check the machinery they
share, through Flask's test client: the order of the pages, a page that applies only given an
earlier answer, the way back to the récapitulatif, the jeton of a form posted twice, the
confirmation kept to its owner. The templates are three lines each, so what is read is what the
wizard gave them.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from flask import Blueprint, Flask, current_app, redirect
from jinja2 import DictLoader

from autopilot.sandbox.kit.state import EXTENSION_KEY, SandboxState
from autopilot.sandbox.kit.validation import FormCheck
from autopilot.sandbox.kit.wizard import Pages, Submission, Wizard, WizardPage

HOST = "essai.gouv.fr"
START = "/demarche"
STEP = "{{ step_title }} ({{ number }}/{{ total }}) previous={{ previous_url }} next={{ next_title }}" \
       " values={{ values | dictsort }} errors={{ errors | dictsort }}"


def _check_motif(c: FormCheck, pages: Pages) -> None:
    c.choice("motif", "le motif", ["perte", "vol"])


def _check_nom(c: FormCheck, pages: Pages) -> None:
    if c.required("nom", "le nom"):
        c.values["nom"] = c.value("nom").upper()  # kept as the administration keeps it


def _check_certification(c: FormCheck, pages: Pages) -> None:
    c.ticked("certification", "Vous devez certifier.")


def _submit(submission: Submission) -> object:
    numero = f"N{len(_records()) + 1}"
    WIZARD.record(submission, numero)
    return redirect(WIZARD.confirmation_path(numero), 303)


OWNER = {"name": "alice"}
WIZARD = Wizard(
    kind="essai", host=HOST, start_path=START, titre="Démarche d'essai", templates="essai",
    pages=(
        WizardPage("motif", "Motif", ("motif",), _check_motif),
        WizardPage("vol", "Déclaration de vol", ("commissariat",), applies=lambda pages: pages.get("motif", {}).get("motif") == "vol"),
        WizardPage("identite", "Identité", ("nom",), _check_nom),
    ),
    recap=WizardPage("recapitulatif", "Récapitulatif", ("certification",), _check_certification),
    submit=_submit, owner=lambda: OWNER["name"], back=lambda: "/accueil",
    summary=lambda pages: {"d": WIZARD.merged(pages)},
    confirmation=lambda record: f"confirmation {record['numero_dossier']} {record['data']}",
)


def _records() -> list[dict]:
    return current_app.extensions[EXTENSION_KEY].received("essai")


@pytest.fixture
def client():
    app = Flask(__name__, host_matching=True, static_folder=None)
    app.extensions[EXTENSION_KEY] = SandboxState(otp=False)
    app.jinja_env.loader = DictLoader({
        **{f"essai/{name}.html": STEP for name in ("motif", "vol", "identite")},
        "essai/recapitulatif.html": STEP + " jeton={{ jeton }} d={{ d | dictsort }}",
    })
    bp = Blueprint("essai", __name__)
    WIZARD.register(bp)
    app.register_blueprint(bp)
    OWNER["name"] = "alice"
    return app.test_client()


def _read(reply):
    reply.shown = unescape(reply.get_data(as_text=True))  # the page as text, entities decoded
    return reply


def get(client, path: str):
    return _read(client.get(path, headers={"Host": HOST}))


def post(client, path: str, data: dict):
    return _read(client.post(path, data=data, headers={"Host": HOST}))


def test_pages_come_in_order_and_only_those_that_apply(client):
    assert get(client, START + "/identite").headers["Location"] == START  # the first page is missing
    first = get(client, START).shown
    assert first.startswith("Motif (1/3) previous=/accueil next=Identité")  # no theft: 3 steps
    assert post(client, START, {"motif": "vol"}).headers["Location"] == START + "/vol"
    assert get(client, START + "/vol").shown.startswith("Déclaration de vol (2/4) previous=/demarche next=Identité")
    assert get(client, START + "/identite").headers["Location"] == START + "/vol"
    post(client, START + "/vol", {"commissariat": "Brest"})
    assert post(client, START + "/identite", {"nom": "Martin"}).headers["Location"] == START + "/recapitulatif"
    post(client, START, {"motif": "perte"})  # the theft page no longer applies
    assert get(client, START + "/vol").headers["Location"] == START + "/recapitulatif"
    recap = get(client, START + "/recapitulatif").shown
    assert recap.startswith("Récapitulatif (3/3)") and "('motif', 'perte'), ('nom', 'MARTIN')" in recap
    assert "commissariat" not in recap


def test_errors_show_the_page_again_as_typed_and_keep_nothing(client):
    reply = post(client, START, {"motif": "autre"})
    assert reply.status_code == 200
    assert "values=[('motif', 'autre')]" in reply.shown and "errors=[('motif'," in reply.shown
    assert get(client, START + "/identite").headers["Location"] == START


def test_a_change_from_the_recapitulatif_goes_back_there(client):
    post(client, START, {"motif": "perte"})
    post(client, START + "/identite", {"nom": "Martin"})
    assert post(client, START + "?retour=recapitulatif", {"motif": "perte"}).headers["Location"] == \
        START + "/recapitulatif"


def test_a_form_posted_twice_is_recorded_twice_and_only_its_owner_sees_it(client):
    post(client, START, {"motif": "perte"})
    post(client, START + "/identite", {"nom": "Martin"})
    jeton = re.search(r"jeton=(\S+)", get(client, START + "/recapitulatif").shown).group(1)
    refused = post(client, START + "/recapitulatif", {"jeton": jeton})
    assert refused.status_code == 200 and "Vous devez certifier." in refused.shown
    first = post(client, START + "/recapitulatif", {"jeton": jeton, "certification": "oui"})
    second = post(client, START + "/recapitulatif", {"jeton": jeton, "certification": "oui"})
    assert (first.headers["Location"], second.headers["Location"]) == (
        START + "/confirmation/N1", START + "/confirmation/N2")
    shown = get(client, START + "/confirmation/N1").shown
    assert "'nom': 'MARTIN'" in shown and "'certification': 'oui'" in shown
    assert get(client, START).shown.startswith("Motif (1/3)") and "values=[]" in get(client, START).shown  # a new draft
    OWNER["name"] = "bob"
    assert get(client, START + "/confirmation/N1").status_code == 404
    assert post(client, START + "/recapitulatif", {"jeton": jeton, "certification": "oui"}).headers["Location"] == START
