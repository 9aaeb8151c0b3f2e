"""Replica of the suivi of a demande de titre in the ANTS account (login required).

"Suivre les différentes étapes de votre demande directement sur votre compte usager de l'ANTS",
with the numéro de demande printed on the récépissé (docs/teleservices.md §1). Paths and labels are NOT
confirmed [?] (`ants_compte.SUIVI_PATHS`):

- `/monespace/mon-espace-identite/suivi-passeport` — h1 "Suivre ma demande de passeport", and
  `/monespace/mon-espace-identite/suivi-carte-identite` — h1 "Suivre ma demande de carte
  d'identité": field "Numéro de demande" (hint: printed on the récépissé), button "Rechercher".
  A valid POST -> 303 to the result; otherwise the page again with the error (empty, malformed,
  or "Aucune demande ne correspond à ce numéro." — also for a demande of the other titre).
- `<suivi path>/<NUMERO>` — h1 "Suivi de votre demande": "Numéro de demande : …", "Titre :
  Passeport" (or "Carte nationale d'identité"), "Statut : …", then every step in order, dated
  when reached, "À venir" otherwise; link "Faire une autre recherche".

Nothing is recorded: the demandes come from `demandes.SEEDED` and `Sandbox.add_demande`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request

from autopilot.sandbox.kit.demandes import (
    STATUTS,
    TITRES,
    Demande,
    normalise_numero,
    numero_is_plausible,
)
from autopilot.sandbox.kit.state import current_state
from autopilot.sandbox.kit.training import Link, Table
from autopilot.sandbox.sites.ants_compte import (
    ANTS_HOST,
    IDENTITY_SPACE_PATH,
    SPACE_PATH,
    SUIVI_PATHS,
    login_required,
)

TITLES = {"passeport": "Suivre ma demande de passeport", "cni": "Suivre ma demande de carte d'identité"}
MESSAGES = {
    "missing": "Veuillez renseigner le numéro de demande.",
    "format": "Le numéro de demande ne doit contenir que des lettres, des chiffres et des tirets "
    "(entre 6 et 30 caractères).",
    "unknown": "Aucune demande ne correspond à ce numéro.",
}
# What each status means for the citizen, under the status on the result page.
EXPLANATIONS = {
    "Pré-demande enregistrée": "Votre pré-demande est enregistrée. "
    "Présentez-vous en mairie avec votre numéro de pré-demande.",
    "Demande déposée en mairie": "Votre demande a été déposée en mairie et transmise pour instruction.",
    "En cours d'instruction": "Votre demande est en cours d'instruction. "
    "Vous pourriez être contacté si une pièce manque.",
    "En cours de fabrication": "Votre demande a été acceptée : votre titre est en cours de fabrication.",
    "Disponible en mairie": "Votre titre est disponible dans la mairie où vous avez déposé votre demande. "
    "Présentez-vous avec votre récépissé.",
    "Remis au demandeur": "Votre titre vous a été remis.",
}

HOME = (
    Link("Carte d'identité", "Suivre une demande de carte d'identité", ANTS_HOST, SUIVI_PATHS["cni"]),
    Link("Passeport", "Suivre une demande de passeport", ANTS_HOST, SUIVI_PATHS["passeport"]),
)
_CATEGORIES = {"cni": "Carte d'identité", "passeport": "Passeport"}
_TRAINING_TITLES = {"cni": "Demandes de carte d'identité à suivre", "passeport": "Demandes de passeport à suivre"}


def training() -> list[Table]:
    """The demandes the suivi knows (seeded, or added by `Sandbox.add_demande`), one table per titre."""
    demandes = current_state().demandes()
    return [
        Table(_CATEGORIES[titre], _TRAINING_TITLES[titre], ("Numéro de demande", "Statut"),
              tuple((d["numero"], d["statut"]) for d in demandes if d["titre"] == titre),
              note="Le numéro de demande est imprimé sur le récépissé remis en mairie "
                   "(ce n'est pas le numéro de pré-demande).")
        for titre in ("cni", "passeport")
    ]


bp = Blueprint("ants_suivi", __name__)


def _search(titre: str) -> Any:
    if request.method == "GET":
        return _render_search(titre, values={}, errors={})
    raw = request.form.get("numero_demande", "")
    numero = normalise_numero(raw)
    found = current_state().demande(numero) if numero_is_plausible(numero) else None
    if not numero:
        error = MESSAGES["missing"]
    elif not numero_is_plausible(numero):
        error = MESSAGES["format"]
    elif found is None or found["titre"] != titre:
        error = MESSAGES["unknown"]
    else:
        return redirect(f"{SUIVI_PATHS[titre]}/{found['numero']}", 303)
    return _render_search(titre, values={"numero_demande": raw}, errors={"numero_demande": error})


def _render_search(titre: str, *, values: dict[str, str], errors: dict[str, str]) -> str:
    return render_template(
        "compte/suivi.html", titre=TITLES[titre], values=values, errors=errors,
        space_url=SPACE_PATH, identity_url=IDENTITY_SPACE_PATH,
    )


def _result(titre: str, numero: str) -> str:
    demande = current_state().demande(numero)
    if demande is None or demande["titre"] != titre:
        abort(404)
    return render_template(
        "compte/suivi_resultat.html", demande=demande, titre_label=TITRES[titre],
        etapes=_steps(demande), explication=EXPLANATIONS[demande["statut"]],
        search_url=SUIVI_PATHS[titre], search_title=TITLES[titre],
        space_url=SPACE_PATH, identity_url=IDENTITY_SPACE_PATH,
    )


def _steps(demande: Demande) -> list[tuple[str, str | None]]:
    """Every status in order with its date (JJ/MM/AAAA) when reached; None for those to come.

    A status skipped by the history (a demande made without pré-demande) is not listed.
    """
    reached = {statut: date.fromisoformat(day).strftime("%d/%m/%Y") for statut, day in demande["historique"]}
    first = STATUTS.index(demande["historique"][0][0])
    return [(statut, reached.get(statut)) for statut in STATUTS[first:]
            if statut in reached or STATUTS.index(statut) > STATUTS.index(demande["statut"])]


for _titre, _path in SUIVI_PATHS.items():
    bp.add_url_rule(
        _path, f"search_{_titre}", login_required(lambda t=_titre: _search(t)),
        methods=["GET", "POST"], host=ANTS_HOST,
    )
    bp.add_url_rule(
        _path + "/<numero>", f"result_{_titre}", login_required(lambda numero, t=_titre: _result(t, numero)),
        host=ANTS_HOST,
    )
