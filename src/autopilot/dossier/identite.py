"""The citizen's civil status, as the CNI and passport pré-demandes ask for it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ConfigDict, Field

from autopilot.dossier.dates import DateNaissance
from autopilot.dossier.types import (
    COULEURS_YEUX,
    SEXES,
    CouleurYeux,
    DossierModel,
    Prenoms,
    Sexe,
    Taille,
    Texte,
)


class Identite(DossierModel):
    """État civil de l'usager."""  # catalogue name `identite`; the docstring is the form's hint

    model_config = ConfigDict(title="Identité")

    nom_naissance: Texte = Field(
        title="Nom de naissance",
        description="Nom de famille inscrit sur l'acte de naissance.",
        examples=["DUPONT"],
    )
    nom_usage: Texte | None = Field(
        None,
        title="Nom d'usage",
        description="Nom d'époux ou d'épouse, ou autre nom d'usage ; laisser vide sinon.",
        examples=["MARTIN"],
    )
    prenoms: Prenoms = Field(
        title="Prénom(s)",
        description="Tous les prénoms, dans l'ordre de l'acte, séparés par des virgules.",
        examples=["Marie, Claire, Louise"],
    )
    sexe: Sexe = Field(
        title="Sexe",
        description="F (féminin) ou M (masculin).",
        examples=["F"],
        json_schema_extra={"enum": list(SEXES)},
    )
    date_naissance: DateNaissance = Field(
        title="Date de naissance",
        description="JJ/MM/AAAA ; 00 pour un jour ou un mois inconnu de l'état civil.",
        examples=["14/07/1985"],
    )
    commune_naissance: Texte = Field(
        title="Commune de naissance",
        description="Commune de naissance, ou ville pour une naissance à l'étranger.",
        examples=["Lyon"],
    )
    departement_naissance: Texte | None = Field(
        None,
        title="Département de naissance",
        description="Numéro ou nom (ex. 69, 2A, 971) ; vide pour une naissance à l'étranger.",
        examples=["69"],
    )
    pays_naissance: Texte = Field(
        "France",
        title="Pays de naissance",
        description="Pays de naissance, tel qu'il figure sur l'acte.",
        examples=["France"],
    )
    nationalite: Texte = Field(
        "Française",
        title="Nationalité",
        description="Nationalité de l'usager.",
        examples=["Française"],
    )
    taille: Taille | None = Field(
        None,
        title="Taille",
        description="En centimètres, sans virgule.",
        examples=[172],
    )
    couleur_yeux: CouleurYeux | None = Field(
        None,
        title="Couleur des yeux",
        description="Demandée pour un passeport : " + ", ".join(COULEURS_YEUX) + ".",
        examples=["Marron"],
        json_schema_extra={"enum": list(COULEURS_YEUX)},
    )

    @classmethod
    def needless(cls, record: Mapping[str, Any], field: str) -> str | None:
        # The lieu de naissance is commune + département + pays (docs/teleservices.md §1): no
        # département for a birth abroad.
        if field == "departement_naissance" and str(record.get("pays_naissance") or "").casefold() != "france":
            return "naissance à l'étranger"
        return None
