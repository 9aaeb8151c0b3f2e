"""Training démarche on exercices.ants.gouv.fr: not a replica, an exercise of what real forms do.

« Inscription à un atelier numérique » of the mairie, without login, in three pages and a
confirmation, each page a DSFR form (Post/Redirect/Get, the site's own error messages). The
pages gather what the replicas lack and the real sites have: a date typed in three inputs, a
field that appears only after a choice, a field inside a same-origin iframe, a file upload and
a field with no label. Under `START_PATH` (= S):

1. `S` — « Vos informations »: nom ("Nom de famille"), prenom ("Prénom"), the fieldset « Date de
   naissance » with naissance_jour / naissance_mois / naissance_annee ("Jour", "Mois", "Année"),
   the radios « Situation » (salarie | retraite | demandeur_emploi | autre), then
   situation_precision ("Précisez votre situation"), shown by a script only for « Autre
   situation » and then required; the select « Atelier souhaité » (codes ≠ texts, `ATELIERS`),
   courriel ("Adresse électronique", type email), the checkbox rappel_sms.
2. `S/justificatifs` — « Justificatifs »: justificatif ("Justificatif de domicile", a pdf, jpg or
   png file, recorded as justificatif_nom and justificatif_sha256); quotient_familial, typed in
   the iframe « Calcul du quotient familial » (`S/quotient`, same origin) whose script copies it
   into a hidden input of the page's form; code_parrainage, an input with a placeholder and no
   label (optional, 6 letters or digits).
3. `S/recapitulatif` — « Récapitulatif »: the checkbox attestation; button « Envoyer ma demande ».

Then `S/confirmation/<numero>` — « Demande envoyée », "Numéro de dossier : …". The record:
`{"kind": "exercice-inscription-atelier", "numero_dossier", "received_at", "account", "data"}` where
`account` names the visitor and `data` holds every field above as submitted (unticked checkboxes
absent). The draft is kept per browser (a cookie), in the state's drafts (a `kit.wizard.Wizard`).
"""

from __future__ import annotations

import re
import secrets
import string
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request

from autopilot.sandbox.kit import visitors
from autopilot.sandbox.kit.training import Link
from autopilot.sandbox.kit.validation import FormCheck
from autopilot.sandbox.kit.wizard import Pages, Submission, Wizard, WizardPage

HOST = "exercices.ants.gouv.fr"
START_PATH = "/inscription-atelier"
KIND = "exercice-inscription-atelier"
SERVICE = {
    "name": "Exercices de formation autopilot",
    "tagline": "Des formulaires d'entraînement : rien n'est envoyé à l'administration",
    "official": False,
}
VISITOR_COOKIE = "exercices_visiteur"
HOME = (Link("Exercice", "Inscription à un atelier numérique (date en trois cases, pièce jointe, cadre intégré)",
             HOST, START_PATH),)

SITUATIONS = [
    ("salarie", "Salarié ou salariée"),
    ("retraite", "Retraité ou retraitée"),
    ("demandeur_emploi", "Demandeur ou demandeuse d'emploi"),
    ("autre", "Autre situation"),
]
ATELIERS = [
    ("premiers_pas", "Premiers pas sur l'ordinateur"),
    ("messagerie", "Messagerie électronique"),
    ("demarches", "Démarches en ligne"),
    ("smartphone", "Utiliser son smartphone"),
]
UPLOAD_MAX = 2 * 1024 * 1024

bp = Blueprint("exercices", __name__)


def _check_informations(c: FormCheck, pages: Pages) -> None:
    c.person_name("nom", "le nom de famille")
    c.person_name("prenom", "le prénom")
    parts = [c.value(f"naissance_{part}") for part in ("jour", "mois", "annee")]
    if not all(parts):
        c.fail("date_naissance", "Veuillez renseigner le jour, le mois et l'année de naissance.")
    elif not all(part.isdigit() for part in parts) or len(parts[2]) != 4:
        c.fail("date_naissance", "La date de naissance doit être composée de nombres, par exemple 14 7 1985.")
    else:
        c.values["date_naissance"] = f"{int(parts[0]):02d}/{int(parts[1]):02d}/{parts[2]}"
        c.date("date_naissance", "la date de naissance")
    c.choice("situation", "votre situation", [code for code, _ in SITUATIONS])
    if c.value("situation") == "autre":
        c.required("situation_precision", "votre situation")
    c.choice("atelier", "l'atelier souhaité", [code for code, _ in ATELIERS])
    c.email("courriel", required=True)


def _check_justificatifs(c: FormCheck, pages: Pages) -> None:
    record = c.upload("justificatif", request.files.get("justificatif"), "un justificatif de domicile",
                      max_bytes=UPLOAD_MAX, wrong_type="Le justificatif doit être un fichier pdf, jpg ou png.",
                      too_big="Le justificatif doit peser moins de 2 Mo.")
    if record:
        c.values["justificatif_nom"], c.values["justificatif_sha256"] = record["nom"], record["sha256"]
    if c.required("quotient_familial", "le quotient familial (calculé dans le cadre « Calcul du quotient familial »)") \
            and not c.value("quotient_familial").isdigit():
        c.fail("quotient_familial", "Le quotient familial est un nombre entier d'euros, par exemple 780.")
    code = c.value("code_parrainage")
    if code and not re.fullmatch(r"[A-Za-z0-9]{6}", code):
        c.fail("code_parrainage", "Le code de parrainage comporte 6 lettres ou chiffres.")


def _check_recapitulatif(c: FormCheck, pages: Pages) -> None:
    c.ticked("attestation", "Vous devez attester l'exactitude des informations pour envoyer votre demande.")


def _without_derived(values: dict[str, Any], pages: Pages) -> dict[str, Any]:
    """The page as typed: the date the check composed is not part of what the form sends."""
    return {name: value for name, value in values.items() if name != "date_naissance"}


def _submit(submission: Submission) -> Response:
    numero = "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(8))
    WIZARD.record(submission, numero)
    return redirect(WIZARD.confirmation_path(numero), 303)


WIZARD = Wizard(
    kind=KIND, host=HOST, start_path=START_PATH, titre="Inscription à un atelier numérique",
    templates="exercices",
    pages=(
        WizardPage("informations", "Vos informations", (
            "nom", "prenom", "naissance_jour", "naissance_mois", "naissance_annee", "situation",
            "situation_precision", "atelier", "courriel", "rappel_sms",
        ), _check_informations, save=_without_derived),
        WizardPage("justificatifs", "Justificatifs", ("quotient_familial", "code_parrainage"), _check_justificatifs),
    ),
    recap=WizardPage("recapitulatif", "Récapitulatif", ("attestation",), _check_recapitulatif),
    submit=_submit, owner=lambda: f"visiteur:{visitors.current(VISITOR_COOKIE)}",
    guard=visitors.remembering(VISITOR_COOKIE), back=lambda: None,
    summary=lambda pages: {"draft": WIZARD.merged(pages)},
    context={"situations": SITUATIONS, "ateliers": ATELIERS,
             "labels": {"situation": dict(SITUATIONS), "atelier": dict(ATELIERS)}},
    confirmation=lambda record: render_template("exercices/confirmation.html", demarche=WIZARD,
                                                numero=record["numero_dossier"], titre="Demande envoyée"),
    jeton=False,  # the récapitulatif's form names no draft: it sends the visitor's current one
)
WIZARD.register(bp)


@bp.route(START_PATH + "/quotient", host=HOST)
def quotient() -> str:
    return render_template("exercices/quotient.html")


@bp.route("/", host=HOST)
def home() -> Response:
    return redirect(START_PATH, 303)
