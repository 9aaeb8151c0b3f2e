"""Fictitious citizens for the tests, and what the administration must receive for each."""

from __future__ import annotations

import copy

CAMILLE = {
    "motif": "premiere_demande",
    "usager": {
        "nom_naissance": "Lefèvre",
        "prenoms": "Camille, Louise",
        "sexe": "F",
        "date_naissance": "14/07/1985",
        "commune_naissance": "Rennes",
        "departement_naissance": "35",
        "pays_naissance": "France",
        "nationalite": "Française",
        "taille": 168,
        "couleur_yeux": "Marron",
    },
    "adresse": {"voie": "12 rue des Lilas", "code_postal": "35000", "commune": "Rennes"},
    "contact": {"telephone_portable": "06 12 34 56 78"},
    "parent1": {"nom": "Lefèvre", "prenoms": "Jean", "date_naissance": "02/03/1955", "lieu_naissance": "Brest"},
    "parent2": {"nom": "Morvan", "prenoms": "Anne"},
    "timbre": "1234 5678 9012 3456",
}

YANNICK = {
    "motif": "renouvellement",
    "usager": {
        "nom_naissance": "Le Goff",
        "nom_usage": "Kervella",
        "prenoms": "Yannick",
        "sexe": "masculin",
        "date_naissance": "1960-01-31",
        "commune_naissance": "Quimper",
        "departement_naissance": "29",
        "taille": "181",
        "couleur_yeux": "bleus",
    },
    "adresse": {"voie": "3 place de la Mairie", "complement": "Appartement 4", "code_postal": "29 000",
                "commune": "Quimper"},
    "contact": {"telephone_portable": "+33 7 98 76 54 32", "courriel": "y.kervella@exemple.fr"},
    "parent1": {"nom": "Le Goff", "prenoms": "Pierre, Marie"},
    "timbre": "9876543210987654",
}


def citizen(base: dict, **changes) -> dict:
    """A copy of `base` with some top-level inputs replaced."""
    data = copy.deepcopy(base)
    data.update(changes)
    return data


# What the passport pré-demande form must have sent for each citizen, field by field:
# written by hand from the data as typed (not from the flow), normalised as the mediator's
# form normalises it (dates JJ/MM/AAAA, phone digits, « masculin » → M, « bleus » → Bleus).
CAMILLE_RECEIVED = {
    "motif": "premiere_demande", "nom_naissance": "Lefèvre", "nom_usage": "", "prenoms": "Camille, Louise",
    "sexe": "F", "date_naissance": "14/07/1985", "pays_naissance": "France", "departement_naissance": "35",
    "commune_naissance": "Rennes", "nationalite": "Française", "taille": "168", "couleur_yeux": "Marron",
    "voie": "12 rue des Lilas", "complement": "", "code_postal": "35000", "commune": "Rennes",
    "telephone": "0612345678", "courriel": "",
    "parent1_nom": "Lefèvre", "parent1_prenoms": "Jean", "parent1_date_naissance": "02/03/1955",
    "parent1_lieu_naissance": "Brest", "parent2_nom": "Morvan", "parent2_prenoms": "Anne",
    "parent2_date_naissance": "", "parent2_lieu_naissance": "", "certification": "oui",
    "timbre_choix": "deja", "numero_timbre": "1234567890123456", "timbre_montant": "86",
}

YANNICK_RECEIVED = {
    "motif": "renouvellement", "nom_naissance": "Le Goff", "nom_usage": "Kervella", "prenoms": "Yannick",
    "sexe": "M", "date_naissance": "31/01/1960", "pays_naissance": "France", "departement_naissance": "29",
    "commune_naissance": "Quimper", "nationalite": "Française", "taille": "181", "couleur_yeux": "Bleus",
    "voie": "3 place de la Mairie", "complement": "Appartement 4", "code_postal": "29000",
    "commune": "Quimper", "telephone": "0798765432", "courriel": "y.kervella@exemple.fr",
    "parent1_nom": "Le Goff", "parent1_prenoms": "Pierre, Marie", "parent1_date_naissance": "",
    "parent1_lieu_naissance": "", "parent2_nom": "", "parent2_prenoms": "", "parent2_date_naissance": "",
    "parent2_lieu_naissance": "", "parent2_inconnu": "oui", "certification": "oui",
    "timbre_choix": "deja", "numero_timbre": "9876543210987654", "timbre_montant": "86",
}
