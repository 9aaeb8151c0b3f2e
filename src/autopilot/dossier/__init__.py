"""Citizen-data models and identifier validation: what the mediator types once, checked and
normalised before any teleservice is filled. No I/O here.

    from autopilot.dossier import validate_record
    validate_record("identite", {"nom_naissance": "Dupont", ...}, section="Usager")
"""

from autopilot.dossier.adresse import Adresse
from autopilot.dossier.catalogue import (
    MODELS,
    SCALAR_TYPES,
    field_label,
    field_paths,
    model_for,
    needless,
    validate_record,
    validate_scalar,
)
from autopilot.dossier.contact import Contact
from autopilot.dossier.dates import Date, DateNaissance
from autopilot.dossier.filiation import Parent
from autopilot.dossier.identifiants import NumeroDemande, NumeroPredemande, NumeroTimbre
from autopilot.dossier.identite import Identite
from autopilot.dossier.types import CodePostal, Courriel, Telephone
from autopilot.errors import DossierError

__all__ = [
    "MODELS",
    "SCALAR_TYPES",
    "Adresse",
    "CodePostal",
    "Contact",
    "Courriel",
    "Date",
    "DateNaissance",
    "DossierError",
    "Identite",
    "NumeroDemande",
    "NumeroPredemande",
    "NumeroTimbre",
    "Parent",
    "Telephone",
    "field_label",
    "field_paths",
    "model_for",
    "needless",
    "validate_record",
    "validate_scalar",
]
