"""Replica of the passport pré-demande on passeport.ants.gouv.fr (login with the ANTS account).

Served by `predemande.PreDemande` (which documents the pages, the buttons and the records); the
start path is NOT confirmed [?]. Six pages, "Étape n sur 6", each recording these `data` keys:

1. `/demarches-en-ligne/pre-demande-passeport` — "Motif de la demande":
   motif (premiere_demande | renouvellement | perte | vol).
2. `.../etat-civil` — "État civil": nom_naissance, nom_usage, prenoms, sexe (F | M),
   date_naissance (JJ/MM/AAAA), pays_naissance, departement_naissance, commune_naissance,
   nationalite, taille, couleur_yeux.
3. `.../adresse` — "Adresse": voie, complement, code_postal, commune, telephone, courriel.
4. `.../filiation` — "Filiation": parent1_nom, parent1_prenoms, parent1_date_naissance,
   parent1_lieu_naissance, parent2_nom, parent2_prenoms, parent2_date_naissance,
   parent2_lieu_naissance, parent2_inconnu.
5. `.../timbre` — "Timbre fiscal", always (docs/teleservices.md §2): timbre_choix, numero_timbre,
   timbre_montant — 86 € for an adult, 42 € aged 15 to 17, 17 € under 15, by the age on the
   sandbox's today. Purchase: `.../timbre/achat`, then `.../timbre/paiement-accepte`.
6. `.../recapitulatif` — "Récapitulatif": certification; button "Valider ma pré-demande".

Then `.../confirmation/<numero>` — "Votre pré-demande est enregistrée". Records are of kind
`passeport-pre-demande`.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, redirect

from autopilot.sandbox.kit import timbre
from autopilot.sandbox.kit.training import Link
from autopilot.sandbox.sites import predemande

PASSPORT_HOST = "passeport.ants.gouv.fr"
START_PATH = "/demarches-en-ligne/pre-demande-passeport"
RECAP_PATH = START_PATH + "/recapitulatif"
KIND = "passeport-pre-demande"
HOME = (Link("Passeport", "Pré-demande de passeport (avec le timbre fiscal)", PASSPORT_HOST, START_PATH),)


def _timbre_usage(pages: predemande.Pages, today: date) -> str:
    return timbre.passport_usage(pages["etat_civil"]["date_naissance"], today)


PASSEPORT = predemande.PreDemande(
    kind=KIND, host=PASSPORT_HOST, start_path=START_PATH,
    nom="passeport", ancien="votre ancien passeport",
    steps=(
        predemande.MOTIF,
        predemande.etat_civil_step(
            couleur_yeux=True,
            nationalite_message="Le passeport français est délivré aux personnes de nationalité française.",
        ),
        predemande.ADRESSE,
        predemande.FILIATION,
    ),
    needs_timbre=lambda pages: True,
    timbre_usage=_timbre_usage,
)

bp = Blueprint("ants_passeport", __name__)
PASSEPORT.register(bp)


@bp.route("/", host=PASSPORT_HOST)
def home() -> Response:
    return redirect(START_PATH, 303)
