"""`autopilot record` as a maintainer uses it: the test attaches to the browser the command opened
(--remote-debugging-port) and demonstrates a démarche on the sandbox — typing, choosing, ticking,
uploading — then ends the recording from the panel. The written flow is loaded as is and run
with ANOTHER citizen's data; what the sandbox received must be that citizen's data."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml
from attached import attach, free_port, needs_display

from autopilot.engine import fingerprints
from autopilot.engine.approver import ScriptedApprover
from autopilot.engine.origins import Origins
from autopilot.engine.runner import Outcome, Runner
from autopilot.engine.session import Session
from autopilot.errors import FlowError, TargetNotFound
from autopilot.flows import load_flow, parse_flow
from autopilot.flows.domains import Trust
from autopilot.flows.inputs import validate_inputs
from autopilot.recorder import naming
from autopilot.recorder.draft import draft_flow
from autopilot.recorder.events import (
    Chosen,
    Clicked,
    FieldFacts,
    ManualEnded,
    ManualMarked,
    PageShown,
    SecretTouched,
    Target,
    Typed,
)
from autopilot.recorder.writer import flow_text

ROOT = Path(__file__).resolve().parents[1]
PASSPORT = "https://passeport.ants.gouv.fr/demarches-en-ligne/pre-demande-passeport"
EXERCISE = "https://exercices.ants.gouv.fr/inscription-atelier"
ACCOUNT = "mairie.enregistrement@exemple.fr"
PASSWORD = "Kz7-enregistre-jamais-42!"  # typed during the recording: must be found nowhere after it

class Recording:
    """`autopilot record` in its own process; the test is the author at its browser."""

    def __init__(self, browser_type, sandbox, url: str, out: Path, home: Path, *extra: str) -> None:
        needs_display()
        port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "autopilot", "record", "--url", url, "--out", str(out),
             "--sandbox-url", sandbox.address, "--remote-debugging-port", str(port), *extra],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "AUTOPILOT_HOME": str(home)},
        )
        self.browser = attach(browser_type, port, self.process)
        self.page = self.browser.contexts[0].pages[0]
        self.body = self.page.locator("body")  # the site; the panel lives outside <body>
        self.panel = self.page.locator("autopilot-recorder")

    def at(self, heading: str) -> None:
        self.body.get_by_role("heading", name=heading, exact=True).wait_for(timeout=20_000)

    def pick(self, label: str, start: str, within=None) -> None:
        """Choose in a select with the keyboard, as a person does (typing the option's first letters)."""
        (within or self.body).get_by_label(label).focus()
        self.page.keyboard.type(start)

    def click_panel(self, name: str) -> None:
        self.panel.get_by_role("button", name=name, exact=True).click(timeout=20_000)

    def finish(self) -> tuple[int, str, str]:
        out, err = self.process.communicate(timeout=60)
        return self.process.returncode, out, err


@pytest.fixture
def home(tmp_path) -> Path:
    folder = tmp_path / "autopilot-home"
    folder.mkdir()
    return folder


def files_holding(folder: Path, secret: str) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file() and secret.encode() in path.read_bytes()]


# --- the passport pré-demande, login included ---------------------------------------------------


def demonstrate_passport(rec: Recording) -> None:
    """A first-time passport pré-demande, as the mediator would do it for Camille."""
    body = rec.body
    rec.at("Connexion à mon compte")
    body.get_by_label("Identifiant").fill(ACCOUNT)
    body.get_by_label("Mot de passe").press_sequentially(PASSWORD)
    body.get_by_role("button", name="Se connecter").click()
    rec.at("Motif de la demande")
    body.get_by_label("Première demande").check(force=True)
    body.get_by_role("button", name="Suivant").click()
    rec.at("État civil")
    body.get_by_label("Nom de naissance").press_sequentially("Lefevre")  # keystrokes, then corrected
    body.get_by_label("Nom de naissance").fill("Lefèvre")
    body.get_by_label("Prénom(s)").fill("Camille, Louise")
    body.get_by_label("Féminin").check(force=True)
    body.get_by_label("Date de naissance").fill("14/07/1985")
    rec.pick("Pays de naissance", "Fra")
    body.get_by_label("Département de naissance").fill("35")
    body.get_by_label("Commune de naissance").fill("Rennes")
    rec.pick("Nationalité", "Fran")
    body.get_by_label("Taille").fill("168")
    rec.pick("Couleur des yeux", "Mar")
    body.get_by_role("button", name="Suivant").click()
    rec.at("Adresse")
    body.get_by_label("Numéro et libellé de la voie").fill("12 rue des Lilas")
    body.get_by_label("Code postal").fill("35000")
    body.get_by_label("Commune", exact=True).fill("Rennes")
    body.get_by_label("Numéro de téléphone portable").fill("06 12 34 56 78")
    body.get_by_role("button", name="Suivant").click()
    rec.at("Filiation")
    body.locator("#parent1").get_by_label("Nom de famille").fill("Lefèvre")
    body.locator("#parent1").get_by_label("Prénom(s)").fill("Jean")
    body.locator("#parent2").get_by_label("Nom de famille").fill("Morvan")
    body.locator("#parent2").get_by_label("Prénom(s)").fill("Anne")
    body.get_by_role("button", name="Suivant").click()
    rec.at("Timbre fiscal")
    body.get_by_label("J'ai déjà un timbre fiscal électronique").check(force=True)
    body.get_by_label("Numéro du timbre fiscal").fill("1234 5678 9012 3456")
    body.get_by_role("button", name="Suivant").click()
    rec.at("Récapitulatif")
    body.get_by_label("Je certifie sur l'honneur l'exactitude des informations fournies").check(force=True)
    body.get_by_role("button", name="Valider ma pré-demande").click()
    rec.at("Votre pré-demande est enregistrée")


YANNICK = {
    "motif_demande": "renouvellement", "nom_naissance": "Le Goff", "prenoms": "Yannick", "sexe": "M",
    "date_naissance": "31/01/1960", "pays_naissance": "France", "departement_naissance": "29",
    "commune_naissance": "Quimper", "nationalite": "Française", "taille": 181, "couleur_yeux": "Bleus",
    "numero_libelle_voie": "3 place de la Mairie", "code_postal": "29000", "commune": "Quimper",
    "numero_telephone_portable": "07 98 76 54 32", "parent_1_nom_famille": "Le Goff",
    "parent_1_prenoms": "Pierre, Marie", "parent_2_nom_famille": "Kervella", "parent_2_prenoms": "Anne",
    "timbre_fiscal": "deja", "numero_timbre_fiscal": "9876 5432 1098 7654",
}
# Written by hand from YANNICK, as the pré-demande form must send it (not from the flow).
YANNICK_RECEIVED = {
    "motif": "renouvellement", "nom_naissance": "Le Goff", "nom_usage": "", "prenoms": "Yannick", "sexe": "M",
    "date_naissance": "31/01/1960", "pays_naissance": "France", "departement_naissance": "29",
    "commune_naissance": "Quimper", "nationalite": "Française", "taille": "181", "couleur_yeux": "Bleus",
    "voie": "3 place de la Mairie", "complement": "", "code_postal": "29000", "commune": "Quimper",
    "telephone": "0798765432", "courriel": "", "parent1_nom": "Le Goff", "parent1_prenoms": "Pierre, Marie",
    "parent1_date_naissance": "", "parent1_lieu_naissance": "", "parent2_nom": "Kervella", "parent2_prenoms": "Anne",
    "parent2_date_naissance": "", "parent2_lieu_naissance": "", "certification": "oui",
    "timbre_choix": "deja", "numero_timbre": "9876543210987654", "timbre_montant": "86",
}


@pytest.mark.headed  # the author's browser is a visible one (xvfb-run in CI)
def test_a_recorded_passport_pre_demande_replays_for_another_citizen(browser_type, sandbox, library, page, tmp_path,
                                                                     home):
    sandbox.add_account(ACCOUNT, PASSWORD)
    out = tmp_path / "passeport.yaml"
    rec = Recording(browser_type, sandbox, PASSPORT, out, home, "--title", "Pré-demande de passeport (enregistrée)")
    demonstrate_passport(rec)
    rec.click_panel("Terminer l'enregistrement")
    status, stdout, stderr = rec.finish()

    assert status == 0, stderr
    text = out.read_text(encoding="utf-8")
    for where in (text, stdout, stderr):
        assert PASSWORD not in where
    assert files_holding(home, PASSWORD) == []
    assert "Lefèvre" not in text  # the demonstrated values stay out without --examples
    etat_civil = [action.target for action in load_flow(out).steps[1].fill]
    assert etat_civil.count("Nom de naissance") == 1  # keystrokes then a correction: one fill
    flow = load_flow(out)
    assert flow.account == "ants"  # the login is the account's: its password is secret: ants.mot_de_passe
    assert set(flow.domains) == {"ants.gouv.fr", "passeport.ants.gouv.fr"}
    assert [s.title for s in flow.steps] == ["Motif de la demande", "État civil", "Adresse", "Filiation",
                                             "Timbre fiscal", "Récapitulatif", "Votre pré-demande est enregistrée"]
    assert flow.steps[0].goto == PASSPORT
    assert {name: spec.type for name, spec in flow.inputs.items() if spec.type != "texte"} == {
        "motif_demande": "choice", "sexe": "choice", "date_naissance": "date", "taille": "entier",
        "couleur_yeux": "choice", "code_postal": "code_postal", "numero_telephone_portable": "telephone",
        "timbre_fiscal": "choice", "numero_timbre_fiscal": "numero_timbre",
    }
    recap = flow.steps[5]
    assert (recap.gate, recap.next.button) == ("submit", "Valider ma pré-demande")
    assert [(a.within, a.label) for a in flow.steps[3].fill][:2] == [("Parent 1", "Nom de famille"),
                                                                      ("Parent 1", "Prénom(s)")]
    commune = fingerprints.load(out)["Adresse"]["text::Commune"]  # beside the flow, to propose repairs
    assert (commune.id, commune.name, commune.autocomplete, commune.type) == ("commune", "commune", "address-level2",
                                                                              "text")

    lines: list[str] = []
    session = Session(page, library, ScriptedApprover(), origins=Origins(sandbox.port),
                      secrets={"ants.mot_de_passe": PASSWORD}.__getitem__, accounts={"ants": {"identifiant": ACCOUNT}},
                      report=lines.append)
    result = session.run(flow, validate_inputs(flow, YANNICK))

    assert result.outcome is Outcome.COMPLETED, (result.error, lines)
    recorded, replayed = sandbox.received("passeport-pre-demande")
    assert recorded["data"]["nom_naissance"] == "Lefèvre"
    assert replayed["data"] == YANNICK_RECEIVED
    assert replayed["account"] == ACCOUNT


# --- the exercise: a date in three inputs, a revealed field, an iframe, an upload, no label -------


@pytest.mark.headed
def test_a_recorded_exercise_with_revealed_framed_and_unlabelled_fields_replays(browser_type, sandbox, tmp_path, home,
                                                                               scans):
    shown = tmp_path / "quittance-loyer.pdf"
    shown.write_bytes(b"%PDF-1.4 quittance de Lea Durand")
    out = tmp_path / "atelier.yaml"
    rec = Recording(browser_type, sandbox, EXERCISE, out, home, "--title", "Inscription à un atelier numérique",
                    "--examples")
    body = rec.body
    rec.at("Vos informations")
    body.get_by_label("Nom de famille").fill("Durand")
    body.get_by_label("Prénom", exact=True).fill("Léa")
    body.get_by_label("Jour").fill("3")
    body.get_by_label("Mois").fill("9")
    body.get_by_label("Année").fill("1950")
    body.get_by_label("Autre situation").check(force=True)
    body.get_by_label("Précisez votre situation").fill("Étudiante")  # shown by the choice just made
    rec.pick("Atelier souhaité", "Mes")
    body.get_by_label("Adresse électronique").fill("lea.durand@exemple.fr")
    body.get_by_label("Je souhaite recevoir un rappel par SMS la veille de l'atelier").check(force=True)
    body.get_by_role("button", name="Suivant").click()
    rec.at("Justificatifs")
    body.get_by_label("Justificatif de domicile").set_input_files(str(shown))
    rec.page.frame_locator("iframe[title='Calcul du quotient familial']").get_by_label("Quotient familial").fill("780")
    body.locator("[name=code_parrainage]").fill("ABC123")  # an input without label
    body.get_by_role("button", name="Suivant").click()
    rec.at("Récapitulatif")
    body.get_by_label("J'atteste sur l'honneur l'exactitude des informations fournies").check(force=True)
    body.get_by_role("button", name="Envoyer ma demande").click()
    rec.at("Demande envoyée")
    rec.click_panel("Terminer l'enregistrement")
    status, stdout, stderr = rec.finish()

    assert status == 0, stderr
    text = out.read_text(encoding="utf-8")
    assert "champ sans libellé, repéré par CSS (input[name='code_parrainage'])" in stdout
    assert "# ATTENTION : champ sans libellé, repéré par CSS (input[name='code_parrainage'])" in text
    assert "  # exemple : 03/09/1950\n  date_naissance: {type: date" in text  # --examples: values as comments
    flow = load_flow(out)
    informations, justificatifs, recap, _ = flow.steps
    assert [(a.within, a.label, a.value.source) for a in informations.fill[2:5]] == [
        ("Date de naissance", "Jour", "{{ date_naissance | jour }}"),
        ("Date de naissance", "Mois", "{{ date_naissance | mois }}"),
        ("Date de naissance", "Année", "{{ date_naissance | annee }}"),
    ]
    precision = informations.fill[6]
    assert (precision.label, precision.revealed, precision.when[0].dotted, precision.when[0].values) == (
        "Précisez votre situation", True, "situation", ("autre",))
    assert flow.inputs["atelier_souhaite"].options == ("premiers_pas", "messagerie", "demarches", "smartphone")
    assert [a.css for a in justificatifs.fill] == [None, None, "input[name='code_parrainage']"]
    assert recap.gate == "submit"

    other = scans / "facture-eau.png"  # only the scanner folder's documents can be attached
    other.write_bytes(b"\x89PNG facture d'eau de Paul Martin")
    data = tmp_path / "paul.yaml"
    data.write_text(yaml.safe_dump({
        "nom_famille": "Martin", "prenom": "Paul", "date_naissance": "21/12/1948", "situation": "autre",
        "precisez_situation": "Aidant familial", "atelier_souhaite": "smartphone",
        "adresse_electronique": "paul.martin@exemple.fr", "je_souhaite_recevoir_rappel_sms": "non",
        "justificatif_domicile": other.name, "quotient_familial": 1020, "code_parrainage": "XYZ789",
    }, allow_unicode=True), encoding="utf-8")
    try:
        done = subprocess.run([sys.executable, "-m", "autopilot", "run", str(out), "--data", str(data), "--headless",
                               "--approve-all", "--sandbox-url", sandbox.address], cwd=ROOT, capture_output=True,
                              text=True, timeout=120, env={**os.environ, "AUTOPILOT_HOME": str(home)})
        sent = hashlib.sha256(other.read_bytes()).hexdigest()
    finally:
        other.unlink()  # the scanner folder is the session's: leave it as it was

    assert done.returncode == 0, done.stdout + done.stderr  # `run` loads the file as `flows check` does
    replayed = sandbox.received("exercice-inscription-atelier")[-1]
    assert replayed["data"] == {
        "nom": "Martin", "prenom": "Paul", "naissance_jour": "21", "naissance_mois": "12", "naissance_annee": "1948",
        "situation": "autre", "situation_precision": "Aidant familial", "atelier": "smartphone",
        "courriel": "paul.martin@exemple.fr", "quotient_familial": "1020", "code_parrainage": "XYZ789",
        "justificatif_nom": "facture-eau.png", "justificatif_sha256": sent,
        "attestation": "oui",
    }


@pytest.mark.headed
def test_cancelling_a_recording_writes_nothing(browser_type, sandbox, tmp_path, home):
    out = tmp_path / "rien.yaml"
    rec = Recording(browser_type, sandbox, EXERCISE, out, home)
    rec.at("Vos informations")
    rec.body.get_by_label("Nom de famille").fill("Durand")
    rec.click_panel("Annuler")
    rec.click_panel("Abandonner l'enregistrement")
    status, stdout, _ = rec.finish()

    assert status == 10
    assert stdout.splitlines()[-1] == "Enregistrement annulé : aucun fichier n'a été écrit."
    assert not out.exists()


# --- what the engine does with a revealed field that does not show -------------------------------


def test_a_revealed_field_that_does_not_show_stops_the_step_after_the_fields_before_it(page, sandbox):
    flow = parse_flow(f"""
id: exercice
title: Exercice
category: Exercices
version: 1
domains: [exercices.ants.gouv.fr]
steps:
  - title: Vos informations
    goto: {EXERCISE}
    expect: {{heading: "Vos informations"}}
    fill:
      - {{label: "Nom de famille", value: "Martin"}}
      - {{choose: "Situation", value: "Retraité ou retraitée"}}
      - {{label: "Précisez votre situation", value: "Aidant familial", revealed: true}}
    next: {{button: "Suivant"}}
""")
    approver = ScriptedApprover()
    result = Runner(page, flow, {}, approver, origins=Origins(sandbox.port)).run()

    assert (result.outcome, result.step) == (Outcome.STOPPED, "Vos informations")  # the mediator stopped there
    assert isinstance(result.error, TargetNotFound)
    assert approver.seen[-1].message == (
        "Étape « Vos informations » : introuvable sur la page : champ « Précisez votre situation »."
        " Le site a peut-être changé : vérifiez la page et mettez le flow à jour."
        " Les champs qui le précèdent sur cette page sont remplis ; rien n'a été envoyé."
    )
    assert page.locator("body").get_by_label("Nom de famille").input_value() == "Martin"
    assert sandbox.received() == []


# --- naming and drafting, without a browser ------------------------------------------------------


@pytest.mark.parametrize(("label", "within", "name"), [
    ("Nom de naissance", None, "nom_naissance"),
    ("Nom d'usage (facultatif)", None, "nom_usage"),
    ("Prénom(s)", "Parent 2", "parent_2_prenoms"),
    ("Numéro et libellé de la voie", None, "numero_libelle_voie"),
    ("2e adresse", None, "champ_2e_adresse"),
])
def test_input_names_come_from_the_labels(label, within, name):
    assert naming.input_name(label, within) == name


@pytest.mark.parametrize(("facts", "value", "kind"), [
    (FieldFacts("Date de naissance", hint="Format attendu : JJ/MM/AAAA"), "14/07/1985", ("date", "jj_mm_aaaa")),
    (FieldFacts("Adresse électronique", input_type="email"), "a@b.fr", ("courriel", None)),
    (FieldFacts("Code postal"), "35000", ("code_postal", None)),
    (FieldFacts("Téléphone", input_type="tel"), "0612345678", ("telephone", None)),
    (FieldFacts("Taille", inputmode="numeric"), "168", ("entier", None)),
    (FieldFacts("Référence du timbre"), "1234 5678 9012 3456", ("numero_timbre", None)),
    (FieldFacts("Département de naissance"), "35", ("texte", None)),
])
def test_input_types_come_from_the_page_then_the_value(facts, value, kind):
    assert naming.text_type(facts, value) == kind


def on(site: str):
    """Where an event happened: `on(site)(heading, doc)` gives the page's heading, address and document."""
    return lambda heading, doc: {"doc": doc, "url": f"https://{site}/{doc}", "heading": heading}


def test_codes_cards_and_payments_become_manual_steps_without_values():
    at = on("impots.gouv.fr")
    events = [
        PageShown(**at("Connexion", "a")),
        Typed(**at("Connexion", "a"), target=Target("text", "Identifiant"), facts=FieldFacts("Identifiant"),
              value="jean@exemple.fr"),
        SecretTouched(**at("Connexion", "a"), target=Target("text", "Mot de passe"), facts=FieldFacts("Mot de passe")),
        Clicked(**at("Connexion", "a"), target=Target("click", "Se connecter", role="button")),
        PageShown(**at("Code de sécurité", "b")),
        SecretTouched(**at("Code de sécurité", "b"), target=Target("text", "Code"), facts=FieldFacts("Code"),
                      reason="code"),
        Clicked(**at("Code de sécurité", "b"), target=Target("click", "Valider", role="button")),
        PageShown(**at("Paiement", "c")),
        SecretTouched(**at("Paiement", "c"), target=Target("text", "Numéro de carte"),
                      facts=FieldFacts("Numéro de carte"), reason="card"),
        Clicked(**at("Paiement", "c"), target=Target("click", "Payer 25 €", role="button")),
        PageShown(**at("Paiement accepté", "d")),
    ]
    draft = draft_flow(events, start_url="https://impots.gouv.fr/a", title="Exemple", to_real=lambda url: url)
    text = flow_text(draft, examples=True, recorded_on=date(2026, 1, 5))
    with pytest.raises(FlowError, match="aucun flow de compte « impots »"):
        parse_flow(text)  # a password is typed only where its account flow says (ADR 0013): write it first
    flow = parse_flow(text, trust=Trust(accounts={"impots": ("impots.gouv.fr",)}))

    login, code, payment, _ = flow.steps
    assert (flow.account, login.fill[1].secret, login.next.button) == ("impots", "impots.mot_de_passe", "Se connecter")
    assert code.manual is not None and code.manual.until.heading == "Paiement" and code.next is None
    assert (payment.gate, payment.manual.until.heading, payment.next) == ("payment", "Paiement accepté", None)
    assert "aucun flow de compte flows/accounts/impots.yaml" in draft.warnings[0]


def test_a_manual_step_marked_mid_page_splits_the_page():
    at = on("exercices.ants.gouv.fr")
    events = [
        PageShown(**at("Vos informations", "a")),
        Typed(**at("Vos informations", "a"), target=Target("text", "Nom de famille"), facts=FieldFacts("Nom de famille"),
              value="Durand"),
        ManualMarked(**at("Vos informations", "a"), instruction="Faites saisir le prénom par l'usager."),
        ManualEnded(**at("Vos informations", "a")),
        Typed(**at("Vos informations", "a"), target=Target("text", "Commune"), facts=FieldFacts("Commune"),
              value="Rennes"),
        Clicked(**at("Vos informations", "a"), target=Target("click", "Suivant", role="button")),
        PageShown(**at("Justificatifs", "b")),
    ]
    draft = draft_flow(events, start_url="https://exercices.ants.gouv.fr/a", title=None, to_real=lambda url: url)
    flow = parse_flow(flow_text(draft, examples=False, recorded_on=date(2026, 1, 5)))

    before, manual, last = flow.steps
    assert (before.title, [a.label for a in before.fill], before.next, before.manual) == (
        "Vos informations", ["Nom de famille"], None, None)
    assert (manual.title, manual.manual.instruction, manual.manual.until) == (
        "Vos informations — action manuelle", "Faites saisir le prénom par l'usager.", None)
    assert ([a.label for a in manual.fill], manual.next.button) == (["Commune"], "Suivant")
    assert (last.title, last.goto) == ("Justificatifs", None)
    assert flow.id == "informations"  # from the first heading, as no --title was given


def test_a_click_followed_by_an_action_on_the_next_page_leads_there_even_before_that_page_was_announced():
    """The page's announcement (a client-side route's PageShown) may come after the first action
    on it: that action's own heading and address already say the click led to another page."""
    form = {"doc": "a", "url": "https://histovec.interieur.gouv.fr/histovec/proprietaire", "heading": "Votre véhicule"}
    report = {"doc": "a", "url": "https://histovec.interieur.gouv.fr/histovec/rapport", "heading": "Rapport"}
    events = [
        PageShown(**form),
        Typed(**form, target=Target("text", "Immatriculation"), facts=FieldFacts("Immatriculation"), value="AB-123-CD"),
        Clicked(**form, target=Target("click", "Rechercher", role="button")),
        Chosen(**report, target=Target("choose", "Onglets"), facts=FieldFacts("Onglets", input_type="tab",
               options=(("gages", "Gages"), ("vol", "Vol"))), value="vol", text="Vol"),
        PageShown(**report),
    ]
    draft = draft_flow(events, start_url=form["url"], title="Rapport", to_real=lambda url: url)
    flow = parse_flow(flow_text(draft, examples=False, recorded_on=date(2026, 1, 5)))

    search, shown = flow.steps
    assert ([a.label for a in search.fill], search.next.button) == (["Immatriculation"], "Rechercher")
    assert (shown.goto, shown.expect.heading, [a.target for a in shown.fill]) == (None, "Rapport", ["Onglets"])
