"""The citizen's postal address."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from autopilot.dossier.types import CodePostal, DossierModel, Texte


class Adresse(DossierModel):
    """Adresse du domicile de l'usager."""  # catalogue name `adresse`

    model_config = ConfigDict(title="Adresse")

    voie: Texte = Field(
        title="Numéro et libellé de la voie",
        description="Tels qu'ils figurent sur le justificatif de domicile.",
        examples=["12 rue de la République"],
    )
    complement: Texte | None = Field(
        None,
        title="Complément d'adresse",
        description="Bâtiment, étage, lieu-dit… ; laisser vide sinon.",
        examples=["Bâtiment B, 3e étage"],
    )
    code_postal: CodePostal = Field(
        title="Code postal",
        description="5 chiffres.",
        examples=["75001"],
    )
    commune: Texte = Field(
        title="Commune",
        description="Nom de la commune.",
        examples=["Paris"],
    )
    pays: Texte = Field(
        "France",
        title="Pays",
        description="Pays de résidence.",
        examples=["France"],
    )
