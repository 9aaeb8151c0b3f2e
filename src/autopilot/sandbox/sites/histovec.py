"""Replica of HistoVec (histovec.interieur.gouv.fr): the certificat de situation administrative (CSA).

Written to the facts of docs/teleservices.md §9.1 (HistoVec's public Vue source): a single-page
application. Every route under `/histovec/` gets the same page (`templates/histovec/app.html`);
the browser builds the owner's form and the report in plain JavaScript (`static/histovec/app.js`),
changes route with `history.pushState` (no page load), and asks this module's JSON API:

- `SEARCH_API` (POST, JSON) — the search the owner's form sends; 200 with the report's data, 404
  when no vehicle matches (`histovec_vehicules.find`), 400 on a malformed search. It answers after
  the vehicle's own delay plus the `data_delay_s` fault knob: the page shows its loader meanwhile.
- `CSA_API/<rapport>` (GET) — `rapport.pdf`, the « Certificat de situation administrative
  détaillé » dated the sandbox's today, valid 15 days, as a download (the real site builds it in
  the browser).

Records: each search received `{"kind": "histovec-recherche", "data" (the JSON minus `uuid`),
"uuid" (the page's `localStorage.userId`), "plaque" (the vehicle found, or None), "rapport",
"received_at"}`; each CSA downloaded `{"kind": "histovec-csa", "rapport", "plaque", "edite_le"
(JJ/MM/AAAA), "situation" (the Synthèse's sentences), "received_at"}`.
"""

from __future__ import annotations

import secrets
import time
from datetime import timedelta
from typing import Any

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request

from autopilot.sandbox.kit.pdf import Line, pdf_document, pdf_download
from autopilot.sandbox.kit.state import current_state, now_iso
from autopilot.sandbox.kit.training import Link, Table
from autopilot.sandbox.sites import histovec_vehicules as vehicules

HOST = "histovec.interieur.gouv.fr"
HOSTS = (HOST,)
BASE = "/histovec"
FORM_PATH = "/histovec/proprietaire"
SEARCH_API = "/histovec/public/v1/report_by_data"
CSA_API = "/histovec/public/v1/csa"
SERVICES = {HOST: {
    "name": "HistoVec",
    "tagline": "L'historique des véhicules d'occasion - Ministère de l'Intérieur",
    "home": FORM_PATH,
}}
SITE = "histovec"
VALIDITE = timedelta(days=15)  # a CSA must be less than 15 days old at the sale
# The fields a search may send (docs/teleservices.md §9.1); anything else is refused.
SEARCH_FIELDS = {"type_immatriculation", "type_personne", "nom", "prenoms", "nom_prenoms", "raison_sociale", "siren",
                 "plaque", "numero_formule", "date_emission", "uuid"}

HOME = (Link("Immatriculation", "Certificat de situation administrative, dit « de non-gage » (HistoVec)",
             HOST, FORM_PATH),)

bp = Blueprint("histovec", __name__)


def training() -> list[Table]:
    """The vehicles HistoVec knows, as their certificates print them: one table per plate and holder kind."""
    def situation(v: vehicules.Vehicule) -> str:
        return " ".join(v.synthese())

    known = vehicules.VEHICULES
    note = ("Dans le bac à sable, HistoVec a ses propres véhicules, distincts de ceux du site de l'immatriculation. "
            "Noms comme sur le certificat : majuscules, accents et virgules ne comptent pas.")
    return [
        Table("Immatriculation", "Véhicules connus de HistoVec : immatriculation depuis 2009, particulier",
              ("Numéro d'immatriculation", "Numéro de formule", "Nom de naissance", "Prénom(s)", "Situation"),
              tuple((v.plaque, v.numero_formule, v.nom, v.prenoms, situation(v))
                    for v in known if not v.fni and v.nom), note=note),
        Table("Immatriculation", "Véhicules connus de HistoVec : immatriculation depuis 2009, personne morale",
              ("Numéro d'immatriculation", "Numéro de formule", "Raison sociale", "Numéro SIREN", "Situation"),
              tuple((v.plaque, v.numero_formule, v.raison_sociale, v.siren, situation(v))
                    for v in known if not v.fni and v.raison_sociale)),
        Table("Immatriculation", "Véhicules connus de HistoVec : immatriculation avant 2009, particulier",
              ("Numéro d'immatriculation", "Date d'émission du certificat d'immatriculation",
               "Nom de naissance et prénom(s)", "Situation"),
              tuple((v.plaque, v.date_certificat, v.titulaire, situation(v)) for v in known if v.fni and v.nom)),
        Table("Immatriculation", "Véhicules connus de HistoVec : immatriculation avant 2009, personne morale",
              ("Numéro d'immatriculation", "Date d'émission du certificat d'immatriculation", "Raison sociale",
               "Numéro SIREN", "Situation"),
              tuple((v.plaque, v.date_certificat, v.raison_sociale, v.siren, situation(v))
                    for v in known if v.fni and v.raison_sociale)),
    ]


# -- the single-page application ------------------------------------------------------------------


@bp.route("/", host=HOST)
def root() -> Response:
    return redirect(FORM_PATH, 303)


@bp.route(FORM_PATH, host=HOST)
@bp.route(BASE + "/", host=HOST)
@bp.route(BASE + "/<path:route>", host=HOST)
def application(route: str = "") -> str:
    """Every route of the application is the same page: the browser renders the route itself."""
    return render_template("histovec/app.html", titre="HistoVec", search_api=SEARCH_API, csa_api=CSA_API)


# -- the JSON API ---------------------------------------------------------------------------------


@bp.route(SEARCH_API, methods=["POST"], host=HOST)
def search() -> Any:
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not set(body) <= SEARCH_FIELDS or \
            not all(isinstance(value, str) for value in body.values()):
        return jsonify({"message": "Requête invalide"}), 400
    state = current_state()
    data = {name: value for name, value in body.items() if name != "uuid"}
    vehicule = vehicules.find(data)
    time.sleep(state.faults.data_delay_s + (vehicule.delai_s if vehicule else 0))
    rapport = secrets.token_urlsafe(12) if vehicule else None
    if vehicule is not None:
        with state.lock:
            state.site(SITE).setdefault("rapports", {})[rapport] = vehicule.plaque
    state.record({"kind": "histovec-recherche", "data": data, "uuid": body.get("uuid"),
                  "plaque": vehicule.plaque if vehicule else None, "rapport": rapport, "received_at": now_iso()})
    if vehicule is None:
        return jsonify({"message": "Ce véhicule est inconnu d'HistoVec"}), 404
    return jsonify(_report(vehicule, rapport))


def _report(v: vehicules.Vehicule, rapport: str | None) -> dict[str, Any]:
    """What the report page shows, as the API gives it."""
    return {
        "rapport": rapport,
        "mis_a_jour_le": current_state().today().strftime("%d/%m/%Y"),
        "synthese": v.synthese(),
        "vehicule": [("Numéro d'immatriculation", v.plaque), ("Marque", v.marque), ("Modèle", v.modele),
                     ("Date de première immatriculation", v.premiere_immatriculation)],
        "titulaire": [("Titulaire", v.titulaire), *((("Numéro SIREN", v.siren),) if v.siren else ()),
                      ("Date d'émission du certificat d'immatriculation", v.date_certificat)],
        "situation": v.situation(),
        "vole": v.vole,
        "historique": [(v.premiere_immatriculation, "Première immatriculation"),
                       *(((v.date_certificat, "Changement de titulaire"),)
                         if v.date_certificat != v.premiere_immatriculation else ())],
    }


@bp.route(CSA_API + "/<rapport>", host=HOST)
def csa(rapport: str) -> Response:
    """« Imprimer le CSA »: the certificate as a PDF download, dated today, valid 15 days."""
    state = current_state()
    with state.lock:
        plate = state.site(SITE).get("rapports", {}).get(rapport)
    if plate is None:
        abort(404)
    v = next(v for v in vehicules.VEHICULES if v.plaque == plate)
    today = state.today()
    lines: list[str | Line] = [
        Line("Certificat de situation administrative détaillé", 16, bold=True), "",
        f"Certificat attestant la situation administrative au : {today:%d/%m/%Y}",
        f"Valable 15 jours, jusqu'au {today + VALIDITE:%d/%m/%Y}, pour la vente du véhicule.", "",
        *(f"{label} : {value}" for label, value in _report(v, rapport)["vehicule"]),
        f"Titulaire : {v.titulaire}", "",
        *(f"{heading} : {' ; '.join(items)}" for heading, items in v.situation().items()),
        f"Déclaré volé : {'OUI' if v.vole else vehicules.NON}", "",
        *v.synthese(), "", "Document édité par HistoVec (bac à sable de formation).",
    ]
    state.record({"kind": "histovec-csa", "rapport": rapport, "plaque": v.plaque, "edite_le": f"{today:%d/%m/%Y}",
                  "situation": v.synthese(), "received_at": now_iso()})
    # The real CSA's QR code leads back to HistoVec (docs/teleservices.md §9.8, its URL [?]): here, to this
    # certificate's own address, which serves it again.
    return pdf_download(pdf_document(lines, code_2d=f"https://{HOST}{CSA_API}/{rapport}"), "rapport.pdf")
