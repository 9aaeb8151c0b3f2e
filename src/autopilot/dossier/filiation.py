"""The citizen's parents, as the filiation part of the pré-demandes asks for them."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from autopilot.dossier.dates import DateNaissance
from autopilot.dossier.types import DossierModel, Prenoms, Texte


class Parent(DossierModel):
    """Un parent de l'usager."""  # catalogue name `parent`

    model_config = ConfigDict(title="Parent")

    nom: Texte = Field(
        title="Nom de famille",
        description="Nom de naissance du parent.",
        examples=["DUPONT"],
    )
    prenoms: Prenoms = Field(
        title="Prénom(s)",
        description="Prénoms du parent, dans l'ordre, séparés par des virgules.",
        examples=["Jean, Pierre"],
    )
    date_naissance: DateNaissance | None = Field(
        None,
        title="Date de naissance",
        description="JJ/MM/AAAA ; 00 pour un jour ou un mois inconnu ; laisser vide si inconnue.",
        examples=["03/05/1955"],
    )
    lieu_naissance: Texte | None = Field(
        None,
        title="Lieu de naissance",
        description="Commune, avec le département ou le pays ; laisser vide si inconnu.",
        examples=["Lyon (69)"],
    )
