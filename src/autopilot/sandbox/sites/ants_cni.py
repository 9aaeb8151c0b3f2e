"""Replica of the CNI (carte nationale d'identité) pré-demande, on the passport site's host.

Served by `predemande.PreDemande` (which documents the pages, the buttons and the records). The
start path is NOT confirmed [?]: the real service has lived on predemande-cni.ants.gouv.fr and on
passeport.ants.gouv.fr (docs/teleservices.md §0). The CNI is free, except for a 25 € timbre when the
previous card was lost or stolen (§1). Pages, "Étape n sur 5" (6 with the timbre), and the `data`
keys each records:

1. `/demarches-en-ligne/pre-demande-cni` — "Motif de la demande":
   motif (premiere_demande | renouvellement | perte | vol).
2. `.../etat-civil` — "État civil": as the passport's, without couleur_yeux.
3. `.../adresse` — "Adresse": as the passport's.
4. `.../filiation` — "Filiation": as the passport's.
5. `.../timbre` — "Timbre fiscal", for "Perte" or "Vol" only: timbre_choix, numero_timbre,
   timbre_montant ("25"). Purchase: `.../timbre/achat`, then `.../timbre/paiement-accepte`.
6. `.../recapitulatif` — "Récapitulatif": certification; button "Valider ma pré-demande".

Then `.../confirmation/<numero>` — "Votre pré-demande est enregistrée". Records are of kind
`cni-pre-demande`.
"""

from __future__ import annotations

from flask import Blueprint

from autopilot.sandbox.kit.training import Link
from autopilot.sandbox.sites import predemande

CNI_HOST = "passeport.ants.gouv.fr"
START_PATH = "/demarches-en-ligne/pre-demande-cni"
RECAP_PATH = START_PATH + "/recapitulatif"
KIND = "cni-pre-demande"
HOME = (Link("Carte d'identité", "Pré-demande de carte d'identité", CNI_HOST, START_PATH),)
MOTIFS_WITH_TIMBRE = ("perte", "vol")

CNI = predemande.PreDemande(
    kind=KIND, host=CNI_HOST, start_path=START_PATH,
    nom="carte d'identité", ancien="votre ancienne carte d'identité",
    steps=(
        predemande.MOTIF,
        predemande.etat_civil_step(
            couleur_yeux=False,
            nationalite_message="La carte nationale d'identité est délivrée aux personnes de nationalité française.",
        ),
        predemande.ADRESSE,
        predemande.FILIATION,
    ),
    needs_timbre=lambda pages: pages.get("motif", {}).get("motif") in MOTIFS_WITH_TIMBRE,
    timbre_usage=lambda pages, today: "cni_perte_vol",
)

bp = Blueprint("ants_cni", __name__)
CNI.register(bp)
