"""`kit.wizard.Wizard`'s hooks for a login the submission ends (`form_guard`) and for what a payment
adds beside the data (`Submission.extras`), on a two-page démarche through Flask's test client.

The immatriculation replica uses both (the citizen's FranceConnect login, the card payment); here
they are checked on their own: the login guards the pages and the récapitulatif but not the
confirmation reached once it is over, and the payment lands in the record, never in its data.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Blueprint, Flask, current_app, redirect, request
from jinja2 import DictLoader

from autopilot.sandbox.kit.state import EXTENSION_KEY, SandboxState, current_state
from autopilot.sandbox.kit.validation import FormCheck
from autopilot.sandbox.kit.wizard import Pages, Submission, Wizard, WizardPage

HOST = "essai.gouv.fr"
START = "/demarche"
LOGGED = {"in": False}  # the citizen's own login, which the submission ends


def _citizen_login(view: Any) -> Any:
    def guarded() -> Any:
        return view() if LOGGED["in"] else redirect("/connexion-usager", 303)

    return guarded


def _check_nom(c: FormCheck, pages: Pages) -> None:
    c.required("nom", "le nom")


def _certified(c: FormCheck, pages: Pages) -> None:
    c.ticked("certification", "Vous devez certifier.")


def _to_payment(submission: Submission) -> Any:
    return redirect(START + "/paiement", 303)


def _payment() -> Any:
    draft = WIZARD.draft()
    carte = request.form["carte"]
    return WIZARD.finish(WIZARD.submission(draft["jeton"], draft["pages"], {}, paiement={"carte_fin": carte[-4:]}))


def _submit(submission: Submission) -> Any:
    numero = f"N{len(current_app.extensions[EXTENSION_KEY].received('essai')) + 1}"
    WIZARD.record(submission, numero)
    LOGGED["in"] = False
    return redirect(WIZARD.confirmation_path(numero), 303)


WIZARD = Wizard(
    kind="essai", host=HOST, start_path=START, titre="Démarche d'essai", templates="essai",
    pages=(WizardPage("identite", "Identité", ("nom",), _check_nom),),
    recap=WizardPage("recapitulatif", "Récapitulatif", ("certification",), _certified),
    submit=_submit, owner=lambda: "alice", back=lambda: None, form_guard=_citizen_login,
    interpose=_to_payment, jeton=False,
    confirmation=lambda record: f"confirmation {sorted(record)} data={sorted(record['data'])}",
)


@pytest.fixture
def client():
    app = Flask(__name__, host_matching=True, static_folder=None)
    app.extensions[EXTENSION_KEY] = SandboxState(otp=False)
    app.jinja_env.loader = DictLoader({"essai/identite.html": "{{ step_title }}",
                                       "essai/recapitulatif.html": "{{ step_title }}"})
    bp = Blueprint("essai", __name__)
    WIZARD.register(bp)
    WIZARD.serve(bp, START + "/paiement", "paiement", _payment, methods=("POST",))
    app.register_blueprint(bp)
    LOGGED["in"] = False
    return app.test_client()


def _post(client, path: str, data: dict):
    return client.post(path, data=data, headers={"Host": HOST})


def test_the_form_guard_keeps_the_pages_but_not_the_confirmation(client):
    assert client.get(START, headers={"Host": HOST}).headers["Location"] == "/connexion-usager"
    assert _post(client, START + "/recapitulatif", {"certification": "oui"}).headers["Location"] == "/connexion-usager"
    LOGGED["in"] = True
    _post(client, START, {"nom": "Martin"})
    assert _post(client, START + "/recapitulatif", {"certification": "oui"}).headers["Location"] == START + "/paiement"
    done = _post(client, START + "/paiement", {"carte": "4111111111111111"})

    assert done.headers["Location"] == START + "/confirmation/N1"
    assert LOGGED["in"] is False  # over with the submission, yet the confirmation shows
    shown = client.get(START + "/confirmation/N1", headers={"Host": HOST}).get_data(as_text=True)
    assert shown == ("confirmation ['account', 'data', 'kind', 'numero_dossier', 'paiement', 'received_at']"
                     " data=['nom']")


def test_the_extras_of_a_payment_are_kept_beside_the_data(client):
    LOGGED["in"] = True
    _post(client, START, {"nom": "Martin"})
    _post(client, START + "/recapitulatif", {"certification": "oui"})
    _post(client, START + "/paiement", {"carte": "4111111111111111"})

    with client.application.app_context():
        record, = current_state().received("essai")
    assert record["paiement"] == {"carte_fin": "1111"}
    assert record["data"] == {"nom": "Martin"}
