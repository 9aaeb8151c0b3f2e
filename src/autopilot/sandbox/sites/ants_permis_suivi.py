"""Replica of the suivi of a demande de permis de conduire, in "Mon espace conduite" on
ants.gouv.fr (login with the ANTS account); the demande itself is `ants_permis`.

The paths, the labels and the statuses are NOT confirmed [?] (docs/teleservices.md §4):

- `/monespace/mon-espace-conduite` "Mon espace conduite": links "Faire une demande de permis de
  conduire" (the way in of `ants_permis`, its "Mon espace"), "Suivre ma demande de permis de conduire".
- `.../suivi-permis` "Suivre ma demande de permis de conduire": field "Numéro de dossier" (case,
  spaces and dashes do not count), button "Rechercher"; Post/Redirect/Get to the result.
- `.../suivi-permis/<NUMERO>` "Suivi de votre demande": "Statut : …", an explanation and the dated
  steps (`STATUTS`).

It finds the `SEEDED` dossiers (one per status after the first) and every demande recorded by
`ants_permis` (kind "permis-demande", status "Demande enregistrée" from its `enregistree_le`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request

from autopilot.sandbox.kit.demandes import (
    normalise_numero,
    numero_is_plausible,
    same_numero,
)
from autopilot.sandbox.kit.hosts import local_url
from autopilot.sandbox.kit.state import current_state
from autopilot.sandbox.kit.training import Link, Table
from autopilot.sandbox.sites import ants_permis
from autopilot.sandbox.sites.ants_compte import (
    ANTS_HOST,
    DRIVING_SPACE_PATH,
    SPACE_PATH,
    login_required,
)

SUIVI_PATH = ants_permis.SUIVI_PATH  # the confirmation of a demande links to it

# The statuses of a demande de permis, in order (wording [?]).
STATUTS = ("Demande enregistrée", "En cours d'instruction", "En cours de fabrication", "Envoyé par courrier")
EXPLANATIONS = {
    "Demande enregistrée": "Votre demande est enregistrée. Elle sera examinée par un service instructeur.",
    "En cours d'instruction": "Votre demande est en cours d'instruction. Vous pourriez être contacté si une "
    "pièce manque.",
    "En cours de fabrication": "Votre demande a été acceptée : votre permis de conduire est en cours de fabrication.",
    "Envoyé par courrier": "Votre permis de conduire vous a été envoyé par courrier à l'adresse de votre domicile.",
}
SUIVI_TITLE = "Suivre ma demande de permis de conduire"
SUIVI_MESSAGES = {
    "missing": "Veuillez renseigner le numéro de dossier.",
    "format": "Le numéro de dossier ne doit contenir que des lettres, des chiffres et des tirets "
    "(entre 6 et 30 caractères).",
    "unknown": "Aucun dossier ne correspond à ce numéro.",
}
# The dossiers the suivi starts with, one per status after the first: (numero, motif, history).
SEEDED = (
    ("PC2610004217", "perte", (("Demande enregistrée", "2026-10-05"), ("En cours d'instruction", "2026-10-09"))),
    ("PC2609003958", "vol", (("Demande enregistrée", "2026-09-02"), ("En cours d'instruction", "2026-09-04"),
                             ("En cours de fabrication", "2026-09-21"))),
    ("PC2608001234", "expiration", (("Demande enregistrée", "2026-08-17"), ("En cours d'instruction", "2026-08-19"),
                                    ("En cours de fabrication", "2026-09-01"), ("Envoyé par courrier", "2026-09-08"))),
)

HOME = (Link("Permis de conduire", "Suivre une demande de permis de conduire", ANTS_HOST, SUIVI_PATH),)


def training() -> list[Table]:
    """The seeded dossiers, to search in the suivi."""
    return [Table(
        "Permis de conduire", "Demandes de permis de conduire à suivre", ("Numéro de dossier", "Motif", "Statut"),
        tuple((numero, ants_permis.LABELS["motif"][motif], historique[-1][0]) for numero, motif, historique in SEEDED),
        note="Les demandes faites dans le bac à sable se suivent aussi, avec leur numéro de dossier.",
    )]


def _dossier(numero: str) -> dict[str, Any] | None:
    """The dossier with this number (case, spaces and dashes do not count): seeded, or recorded by `ants_permis`."""
    for seeded, motif, historique in SEEDED:
        if same_numero(seeded, numero):
            return {"numero": seeded, "motif": motif, "historique": list(historique)}
    for record in current_state().received(ants_permis.KIND):
        if same_numero(record["numero_dossier"], numero):
            return {"numero": record["numero_dossier"], "motif": record["data"]["motif"],
                    "historique": [(STATUTS[0], record["enregistree_le"])]}
    return None


bp = Blueprint("ants_permis_suivi", __name__)


def _route(path: str, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def register(view: Callable[..., Any]) -> Callable[..., Any]:
        bp.add_url_rule(path, view.__name__, login_required(view), host=ANTS_HOST, **options)
        return view

    return register


@_route(DRIVING_SPACE_PATH)
def espace_conduite() -> str:
    return render_template("permis/espace.html", titre="Mon espace conduite", space_url=SPACE_PATH,
                           demande_url=local_url(ants_permis.PERMIS_HOST, ants_permis.SPACE_PATH),
                           suivi_url=SUIVI_PATH)


@_route(SUIVI_PATH, methods=["GET", "POST"])
def suivi() -> str | Response:
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        raw = request.form.get("numero_dossier", "")
        numero = normalise_numero(raw)
        found = _dossier(numero) if numero_is_plausible(numero) else None
        if found:
            return redirect(f"{SUIVI_PATH}/{found['numero']}", 303)
        reason = "missing" if not numero else "format" if not numero_is_plausible(numero) else "unknown"
        values, errors = {"numero_dossier": raw}, {"numero_dossier": SUIVI_MESSAGES[reason]}
    return render_template("permis/suivi.html", titre=SUIVI_TITLE, values=values, errors=errors,
                           space_url=SPACE_PATH, driving_url=DRIVING_SPACE_PATH)


@_route(SUIVI_PATH + "/<numero>")
def suivi_resultat(numero: str) -> str:
    dossier = _dossier(numero)
    if dossier is None:
        abort(404)
    reached = {statut: date.fromisoformat(day).strftime("%d/%m/%Y") for statut, day in dossier["historique"]}
    statut = dossier["historique"][-1][0]
    return render_template(
        "permis/suivi_resultat.html", titre="Suivi de votre demande", dossier=dossier, statut=statut,
        motif=ants_permis.LABELS["motif"][dossier["motif"]], explication=EXPLANATIONS[statut],
        etapes=[(s, reached.get(s)) for s in STATUTS], search_url=SUIVI_PATH, search_title=SUIVI_TITLE,
        space_url=SPACE_PATH, driving_url=DRIVING_SPACE_PATH,
    )
