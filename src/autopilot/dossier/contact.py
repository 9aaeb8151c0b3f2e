"""How the administration reaches the citizen: the SMS number and an optional e-mail."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from autopilot.dossier.types import Courriel, DossierModel, Telephone


class Contact(DossierModel):
    """Coordonnées où l'administration joint l'usager."""  # catalogue name `contact`

    model_config = ConfigDict(title="Coordonnées")

    telephone_portable: Telephone = Field(
        title="Téléphone portable",
        description=(
            "06 ou 07 suivi de 8 chiffres ; reçoit le SMS annonçant que le titre est prêt."
        ),
        examples=["06 12 34 56 78"],
    )
    courriel: Courriel | None = Field(
        None,
        title="Adresse électronique",
        description="Facultative ; laisser vide si l'usager n'en a pas.",
        examples=["prenom.nom@exemple.fr"],
    )
