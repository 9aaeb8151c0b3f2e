"""The replicated sites, in one place: the server serves them, the training home page lists them.

Its own module so that `server` and `control` both import it (`server` imports `control`).
"""

from __future__ import annotations

from autopilot.sandbox import (
    ants_cni,
    ants_compte,
    ants_franceconnect,
    ants_habilitation,
    ants_immatriculation,
    ants_immatriculation_titulaire,
    ants_passeport,
    ants_permis,
    ants_permis_suivi,
    ants_suivi,
    exercices,
    franceconnect,
    histovec,
    resultats_permis,
    simulateur_cout,
    telepoints,
    timbre,
    timbre_justice,
    timbres_impots,
    timbres_remboursement,
)

# Each exposes `bp`, its real `HOSTS` and, for a host that is not an ANTS one, `SERVICES` (see `server`).
REPLICAS = (
    ants_compte, ants_suivi, ants_passeport, ants_cni, ants_permis, ants_permis_suivi, resultats_permis,
    telepoints, ants_immatriculation, ants_immatriculation_titulaire, ants_habilitation, histovec,
    simulateur_cout, timbres_impots, timbres_remboursement, timbre_justice,
)
REPLICAS += (ants_franceconnect, franceconnect)  # the citizen's own login in a vehicle démarche
# What the training home page collects `HOME` links and `training()` tables from (`training`), in
# the order it shows them within a category: the replicas, the card payment they share, the exercise.
ON_HOME_PAGE = (
    ants_compte, timbre, ants_cni, ants_passeport, ants_suivi, ants_permis, ants_permis_suivi, resultats_permis,
    telepoints, ants_immatriculation, ants_immatriculation_titulaire, ants_habilitation, histovec, simulateur_cout,
    timbres_impots, timbres_remboursement, timbre_justice, exercices,
)
ON_HOME_PAGE += (ants_franceconnect, franceconnect)
