"""The replicated sites, in one place: the server serves them, the training home page lists them.

Its own module so that `server` and `control` both import it (`server` imports `control`). The
order is the home page's within each category: the account, the card payment the sites share,
the identity titles, the driving licence, the vehicles, the timbres, then the exercise (which is
not a replica: it wears the sandbox's header).
"""

from __future__ import annotations

from autopilot.sandbox.kit import timbre
from autopilot.sandbox.kit.replica import Replica
from autopilot.sandbox.sites import (
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
    timbre_justice,
    timbres_impots,
    timbres_remboursement,
)

ANTS = (ants_compte.ANTS_HOST,)

REPLICAS = (
    Replica("ants_compte", ants_compte.bp, ANTS, home=ants_compte.HOME),
    Replica("carte_de_test", None, training=timbre.training),
    Replica("ants_cni", ants_cni.bp, (ants_cni.CNI_HOST,), home=ants_cni.HOME),
    Replica("ants_passeport", ants_passeport.bp, (ants_passeport.PASSPORT_HOST,), home=ants_passeport.HOME),
    Replica("ants_suivi", ants_suivi.bp, ANTS, home=ants_suivi.HOME, training=ants_suivi.training),
    Replica("ants_permis", ants_permis.bp, ants_permis.HOSTS, home=ants_permis.HOME),
    Replica("ants_permis_suivi", ants_permis_suivi.bp, ANTS, home=ants_permis_suivi.HOME,
            training=ants_permis_suivi.training),
    Replica("resultats_permis", resultats_permis.bp, resultats_permis.HOSTS, resultats_permis.SERVICES,
            resultats_permis.HOME, resultats_permis.training),
    Replica("telepoints", telepoints.bp, telepoints.HOSTS, telepoints.SERVICES, telepoints.HOME, telepoints.training),
    Replica("ants_immatriculation", ants_immatriculation.bp, (*ants_immatriculation.HOSTS, *ANTS),  # + the vehicle space
            home=ants_immatriculation.HOME, training=ants_immatriculation.training),
    Replica("ants_immatriculation_titulaire", ants_immatriculation_titulaire.bp,
            ants_immatriculation_titulaire.HOSTS),
    Replica("ants_franceconnect", ants_franceconnect.bp, ants_franceconnect.HOSTS, home=ants_franceconnect.HOME),
    Replica("franceconnect", franceconnect.bp, franceconnect.HOSTS, franceconnect.SERVICES, franceconnect.HOME,
            franceconnect.training),
    Replica("ants_habilitation", ants_habilitation.bp, ants_habilitation.HOSTS, home=ants_habilitation.HOME,
            training=ants_habilitation.training),
    Replica("histovec", histovec.bp, histovec.HOSTS, histovec.SERVICES, histovec.HOME, histovec.training),
    Replica("simulateur_cout", simulateur_cout.bp, simulateur_cout.HOSTS, simulateur_cout.SERVICES,
            simulateur_cout.HOME),
    Replica("timbres_impots", timbres_impots.bp, timbres_impots.HOSTS, timbres_impots.SERVICES, timbres_impots.HOME),
    Replica("timbres_remboursement", timbres_remboursement.bp, timbres_remboursement.HOSTS,
            home=timbres_remboursement.HOME),
    Replica("timbre_justice", timbre_justice.bp, timbre_justice.HOSTS, timbre_justice.SERVICES, timbre_justice.HOME,
            timbre_justice.training),
    Replica("exercices", exercices.bp, (exercices.HOST,), {exercices.HOST: exercices.SERVICE}, exercices.HOME),
)
