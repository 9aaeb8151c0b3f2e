"""Replica of HistoVec (histovec.interieur.gouv.fr): the certificat de situation administrative (CSA).

TELESERVICES.md §5 « Certificat de non-gage / CSA ». The real host, paths and field labels are
NOT confirmed [?]; the inputs are those secondary sources list (from the certificat
d'immatriculation). No login: only the holder knows what the certificate prints. Pages:

- `HOME_PATH` — h1 « HistoVec », a link to the owner's form.
- `FORM_PATH` — h1 « Obtenir le rapport de mon véhicule »: the radios « Le titulaire du certificat
  est » (titulaire: particulier | societe); in the fieldset « Personne physique » « Nom » (nom) and
  « Prénom(s) » (prenoms), in the fieldset « Personne morale » « Raison sociale » (raison_sociale)
  and « Numéro SIREN » (siren, 9 digits, Luhn); « Numéro d'immatriculation » (plaque: SIV
  AB-123-CD or FNI 123 AB 01, spaces or dashes), « Date de première immatriculation »
  (date_premiere_immatriculation), « Date du certificat d'immatriculation » (date_certificat);
  button « Afficher le rapport ». Only the holder's fields of the chosen kind are read. Names
  are compared without case, accents or punctuation [?]; anything that does not match a
  vehicle of `VEHICULES` gets `NOT_FOUND` (one message, whatever was wrong, as the site does
  not tell a stranger which part was right). A match -> 303 to `RAPPORT_PATH/<id>`.
- `RAPPORT_PATH/<id>` — h1 « Certificat de situation administrative »: the vehicle, « Date
  d'édition » (the sandbox's today), « Valable pour une vente jusqu'au » (+15 days), and under
  « Situation administrative » either `CLEAN` or the vehicle's mentions (gage, oppositions,
  vol); the link « Télécharger le certificat de situation administrative (PDF) » ->
  `RAPPORT_PATH/<id>/csa.pdf`, a one-page PDF with the same text, its edition date and a QR
  code carrying the report's address.

Each report shown is recorded: `{"kind": "histovec-csa", "rapport", "plaque", "edite_le"
(JJ/MM/AAAA), "situation" (list of texts), "received_at", "data"}`, `data` being the form as
submitted. A report asked twice is recorded twice.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request

from autopilot.sandbox.immatriculation_vehicules import normalise_plaque
from autopilot.sandbox.pdf import Line, pdf_document, pdf_download
from autopilot.sandbox.state import current_state, now_iso
from autopilot.sandbox.training import Link, Table
from autopilot.sandbox.validation import FormCheck, luhn_valid

HOST = "histovec.interieur.gouv.fr"
HOSTS = (HOST,)
HOME_PATH = "/histovec/home"
FORM_PATH = "/histovec/proprietaire"
RAPPORT_PATH = "/histovec/rapport"
SERVICES = {HOST: {
    "name": "HistoVec",
    "tagline": "L'historique des véhicules d'occasion - Ministère de l'Intérieur",
    "home": HOME_PATH,
}}
KIND = "histovec-csa"
SITE = "histovec"
VALIDITE_VENTE = timedelta(days=15)  # a CSA must be less than 15 days old at the sale

CLEAN = "La situation administrative du véhicule ne fait apparaître aucune particularité."
NOT_FOUND = ("Aucun véhicule ne correspond aux informations saisies. Vérifiez qu'elles sont identiques "
             "à celles figurant sur le certificat d'immatriculation du véhicule.")
TITULAIRES = [("particulier", "Un particulier (personne physique)"), ("societe", "Une société (personne morale)")]
FIELDS = ("titulaire", "nom", "prenoms", "raison_sociale", "siren", "plaque",
          "date_premiere_immatriculation", "date_certificat")



@dataclass(frozen=True)
class Vehicule:
    """A vehicle as its certificat d'immatriculation prints it, with its administrative situation."""

    plaque: str
    marque: str
    premiere_immatriculation: str  # JJ/MM/AAAA (rubrique B)
    date_certificat: str  # JJ/MM/AAAA (rubrique I)
    titulaire: str  # rubrique C.1: « NOM PRÉNOMS » or the raison sociale
    nom: str = ""
    prenoms: str = ""
    raison_sociale: str = ""
    siren: str = ""
    mentions: tuple[str, ...] = ()


# The vehicles HistoVec knows (fictional). Holders' names as printed on their certificates.
VEHICULES = (
    Vehicule("AB-123-CD", "RENAULT CLIO", "15/03/2018", "02/06/2021", "MARTIN JEANNE MARIE",
             nom="MARTIN", prenoms="JEANNE MARIE"),
    Vehicule("FG-456-HJ", "PEUGEOT 308", "20/09/2019", "20/09/2019", "DUPONT KARIM",
             nom="DUPONT", prenoms="KARIM",
             mentions=("Gage inscrit le 12/01/2024 au profit de CRÉDIT AUTO EXEMPLE.",)),
    Vehicule("123 AB 75", "CITROËN XSARA", "12/05/1999", "10/10/2005", "MOREAU LUCIEN",
             nom="MOREAU", prenoms="LUCIEN",
             mentions=(("Opposition au transfert du certificat d'immatriculation (OTCI) inscrite le "
                       "03/02/2025 par le Trésor public."),)),
    # The demo citizen's car, also known to the ANTS vehicle site (`immatriculation_vehicules`).
    Vehicule("DB-732-MN", "RENAULT CLIO", "17/09/2020", "17/09/2020", "LEFÈVRE CAMILLE LOUISE",
             nom="LEFÈVRE", prenoms="CAMILLE LOUISE"),
    Vehicule("KL-789-MN", "RENAULT KANGOO", "04/07/2020", "04/07/2020", "TRANSPORTS LEFÈVRE",
             raison_sociale="TRANSPORTS LEFÈVRE", siren="732829320"),
    Vehicule("PR-321-ST", "TOYOTA YARIS", "30/01/2022", "30/01/2022", "BERNARD SOPHIE",
             nom="BERNARD", prenoms="SOPHIE",
             mentions=("Gage inscrit le 30/01/2022 au profit de BANQUE EXEMPLE.",
                       "Opposition judiciaire inscrite le 18/06/2025.")),
)

HOME = (Link("Immatriculation", "Certificat de situation administrative, dit « de non-gage » (HistoVec)",
             HOST, HOME_PATH),)

bp = Blueprint("histovec", __name__)


def training() -> list[Table]:
    """The vehicles HistoVec knows, as their certificates print them: one table per kind of holder."""
    def situation(vehicule: Vehicule) -> str:
        # A mention's kind is its text up to « inscrit(e) le … » (gage, opposition…).
        return ", ".join(re.split(r" inscrite? ", m)[0] for m in vehicule.mentions) or "Aucune particularité"

    dates = ("Date de première immatriculation", "Date du certificat d'immatriculation")
    note = ("Dans le bac à sable, HistoVec a ses propres véhicules, distincts de ceux du site de l'immatriculation. "
            "Nom et prénoms comme sur le certificat : majuscules, accents et virgules ne comptent pas.")
    return [
        Table("Immatriculation", "Véhicules connus de HistoVec : titulaire particulier",
              ("Numéro d'immatriculation", "Nom", "Prénom(s)", *dates, "Situation"),
              tuple((v.plaque, v.nom, v.prenoms, v.premiere_immatriculation, v.date_certificat, situation(v))
                    for v in VEHICULES if not v.raison_sociale), note=note),
        Table("Immatriculation", "Véhicules connus de HistoVec : titulaire société",
              ("Numéro d'immatriculation", "Raison sociale", "Numéro SIREN", *dates, "Situation"),
              tuple((v.plaque, v.raison_sociale, v.siren, v.premiere_immatriculation, v.date_certificat,
                     situation(v)) for v in VEHICULES if v.raison_sociale)),
    ]


def _plaque(raw: str) -> str | None:
    """The plate as the SIV writes it (`normalise_plaque`); None when it is not one.

    HistoVec ignores every space and dash, where the ANTS forms take them between the groups only.
    """
    return normalise_plaque("".join(raw.replace("-", " ").split()))


def _same_name(typed: str, printed: str) -> bool:
    def plain(text: str) -> str:
        stripped = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
        return " ".join(re.sub(r"[^a-z0-9]+", " ", stripped.casefold()).split())

    return plain(typed) == plain(printed)


def _check(c: FormCheck) -> None:
    c.choice("titulaire", "le type de titulaire", [code for code, _ in TITULAIRES])
    if c.value("titulaire") == "particulier":
        c.required("nom", "le nom du titulaire")
        c.required("prenoms", "le ou les prénoms du titulaire")
    elif c.value("titulaire") == "societe":
        c.required("raison_sociale", "la raison sociale")
        if c.required("siren", "le numéro SIREN"):
            siren = c.value("siren").replace(" ", "")
            if not re.fullmatch(r"\d{9}", siren):
                c.fail("siren", "Le numéro SIREN doit comporter 9 chiffres.")
            elif not luhn_valid(siren):
                c.fail("siren", "Le numéro SIREN n'est pas valide.")
    if c.required("plaque", "le numéro d'immatriculation"):
        if _plaque(c.value("plaque")) is None:
            c.fail("plaque", "Le numéro d'immatriculation n'est pas valide (exemples : AB-123-CD ou 123 AB 01).")
    c.date("date_premiere_immatriculation", "la date de première immatriculation")
    c.date("date_certificat", "la date du certificat d'immatriculation")
    first, certificate = c.value("date_premiere_immatriculation"), c.value("date_certificat")
    if not c.errors.keys() & {"date_premiere_immatriculation", "date_certificat"} and \
            _day(certificate) < _day(first):
        c.fail("date_certificat", "La date du certificat d'immatriculation ne peut pas être antérieure "
                                  "à la date de première immatriculation.")


def _day(jj_mm_aaaa: str) -> date:
    day, month, year = (int(part) for part in jj_mm_aaaa.split("/"))
    return date(year, month or 1, day or 1)


def find_vehicule(c: FormCheck) -> Vehicule | None:
    """The vehicle whose certificate prints exactly what the checked form holds."""
    plaque = _plaque(c.value("plaque"))
    for vehicule in VEHICULES:
        if (vehicule.plaque, vehicule.premiere_immatriculation, vehicule.date_certificat) != (
                plaque, c.value("date_premiere_immatriculation"), c.value("date_certificat")):
            continue
        if c.value("titulaire") == "particulier":
            if vehicule.nom and _same_name(c.value("nom"), vehicule.nom) and \
                    _same_name(c.value("prenoms"), vehicule.prenoms):
                return vehicule
        elif vehicule.siren and vehicule.siren == c.value("siren").replace(" ", "") and \
                _same_name(c.value("raison_sociale"), vehicule.raison_sociale):
            return vehicule
    return None


# -- views ---------------------------------------------------------------------------------


@bp.route("/", host=HOST)
def root() -> Response:
    return redirect(HOME_PATH, 303)


@bp.route(HOME_PATH, host=HOST)
def home() -> str:
    return render_template("histovec/home.html", titre="HistoVec", form_url=FORM_PATH)


@bp.route(FORM_PATH, methods=["GET", "POST"], host=HOST)
def formulaire() -> Any:
    state = current_state()
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    alert = None
    if request.method == "POST":
        values = {name: request.form.get(name, "") for name in FIELDS}
        check = FormCheck(values, today=state.today())
        _check(check)
        errors = check.errors
        vehicule = None if errors else find_vehicule(check)
        if vehicule is not None:
            return redirect(f"{RAPPORT_PATH}/{_edit(vehicule, values)}", 303)
        if not errors:
            alert = NOT_FOUND
    return render_template("histovec/formulaire.html", titre="Obtenir le rapport de mon véhicule",
                           values=values, errors=errors, alert=alert, titulaires=TITULAIRES)


def _edit(vehicule: Vehicule, values: dict[str, str]) -> str:
    """Edit a CSA of `vehicule` dated today, record it, and return its id."""
    state = current_state()
    rapport = secrets.token_urlsafe(12)
    edited = state.today()
    with state.lock:
        state.site(SITE).setdefault("rapports", {})[rapport] = {"plaque": vehicule.plaque, "le": edited}
    state.record({
        "kind": KIND, "rapport": rapport, "plaque": vehicule.plaque, "edite_le": edited.strftime("%d/%m/%Y"),
        "situation": list(vehicule.mentions) or [CLEAN], "received_at": now_iso(), "data": dict(values),
    })
    return rapport


def _rapport(rapport: str) -> tuple[Vehicule, date]:
    state = current_state()
    with state.lock:
        found = dict(state.site(SITE).get("rapports", {}).get(rapport) or {})
    if not found:
        abort(404)
    return next(v for v in VEHICULES if v.plaque == found["plaque"]), found["le"]


def _lines(vehicule: Vehicule, edited: date) -> list[tuple[str, str]]:
    return [
        ("Numéro d'immatriculation", vehicule.plaque),
        ("Marque et modèle", vehicule.marque),
        ("Date de première immatriculation", vehicule.premiere_immatriculation),
        ("Date du certificat d'immatriculation", vehicule.date_certificat),
        ("Titulaire", vehicule.titulaire + (f" (SIREN {vehicule.siren})" if vehicule.siren else "")),
        ("Date d'édition", edited.strftime("%d/%m/%Y")),
        ("Valable pour une vente jusqu'au", (edited + VALIDITE_VENTE).strftime("%d/%m/%Y")),
    ]


@bp.route(RAPPORT_PATH + "/<rapport>", host=HOST)
def rapport_view(rapport: str) -> str:
    vehicule, edited = _rapport(rapport)
    return render_template(
        "histovec/rapport.html", titre="Certificat de situation administrative",
        lignes=_lines(vehicule, edited), mentions=vehicule.mentions, clean=CLEAN,
        pdf_url=f"{RAPPORT_PATH}/{rapport}/csa.pdf", form_url=FORM_PATH,
    )


@bp.route(RAPPORT_PATH + "/<rapport>/csa.pdf", host=HOST)
def rapport_pdf(rapport: str) -> Response:
    vehicule, edited = _rapport(rapport)
    lines = [f"{label} : {value}" for label, value in _lines(vehicule, edited)]
    lines += ["", "Situation administrative :", *(vehicule.mentions or [CLEAN]),
              "", "Document édité par HistoVec (bac à sable de formation).",
              "À remettre à l'acheteur : il doit dater de moins de 15 jours lors de la vente."]
    name = f"CSA-{vehicule.plaque.replace(' ', '-')}-{edited:%Y%m%d}.pdf"
    # The real CSA's QR code leads back to the report on HistoVec (docs/adr/0012-sandbox-documents.md).
    report = f"https://{HOST}{RAPPORT_PATH}/{rapport}"
    return pdf_download(pdf_document([Line("Certificat de situation administrative", 16, bold=True), *lines],
                                     code_2d=report), name)
