"""The citizen-data catalogue the flow language uses: the models a flow input may name
(`usager: identite`), the scalar types (`{type: numero_timbre}`), and their validation
into plain values or one DossierError listing every problem."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticCustomError

from autopilot.dossier import messages
from autopilot.dossier.adresse import Adresse
from autopilot.dossier.contact import Contact
from autopilot.dossier.dates import heure, jj_mm_aaaa
from autopilot.dossier.documents import scan
from autopilot.dossier.filiation import Parent
from autopilot.dossier.identifiants import (
    numero_demande,
    numero_predemande,
    numero_timbre,
)
from autopilot.dossier.identite import Identite
from autopilot.dossier.paiement import montant, reference_transaction
from autopilot.dossier.permis import (
    categorie_permis,
    code_ephoto,
    neph,
    reference_plainte,
)
from autopilot.dossier.types import (
    booleen,
    choice,
    code_postal,
    courriel,
    entier,
    is_blank,
    telephone,
    telephone_fixe_ou_portable,
    texte,
)
from autopilot.dossier.vehicule import (
    code_cession,
    kilometrage,
    numero_dossier,
    numero_formule,
    plaque,
    siren,
    siret,
)
from autopilot.errors import DossierError, DossierProblem

MODELS: Mapping[str, type[BaseModel]] = MappingProxyType(
    {"identite": Identite, "adresse": Adresse, "parent": Parent, "contact": Contact}
)

_SCALARS: Mapping[str, Callable[[Any], Any]] = {
    "texte": texte,
    "date": jj_mm_aaaa,
    "entier": entier,
    "booleen": booleen,
    "code_postal": code_postal,
    "telephone": telephone,
    "telephone_fixe_ou_portable": telephone_fixe_ou_portable,
    "courriel": courriel,
    "numero_timbre": numero_timbre,
    "numero_predemande": numero_predemande,
    "numero_demande": numero_demande,
    "heure": heure,
    "montant": montant,
    "reference_transaction": reference_transaction,
    "scan": scan,
    # driving licence
    "neph": neph,
    "categorie_permis": categorie_permis,
    "code_ephoto": code_ephoto,
    "reference_plainte": reference_plainte,
    # vehicle registration
    "plaque": plaque,
    "numero_formule": numero_formule,
    "code_cession": code_cession,
    "siret": siret,
    "siren": siren,
    "kilometrage": kilometrage,
    "numero_dossier": numero_dossier,
}
SCALAR_TYPES: frozenset[str] = frozenset(_SCALARS) | {"choice"}
LISTED_TYPES: frozenset[str] = frozenset({"montant"})
"""Scalar types (besides `choice`) whose input may list its allowed values (`options`)."""


def model_for(name: str) -> type[BaseModel] | None:
    """The model a flow input names (`identite`, `adresse`…), or None if there is none."""
    return MODELS.get(name)


def _model(name: str) -> type[BaseModel]:
    model = MODELS.get(name)
    if model is None:
        raise KeyError(f"unknown dossier model {name!r}; known: {', '.join(MODELS)}")
    return model


def field_paths(model_name: str) -> frozenset[str]:
    """The field names a template may read on that model (`usager.nom_naissance`)."""
    return frozenset(_model(model_name).model_fields)


def field_label(model_name: str, field: str) -> str:
    """The French title of a field, as the form shows it."""
    info = _model(model_name).model_fields.get(field)
    if info is None or info.title is None:
        raise KeyError(f"unknown field {field!r} of dossier model {model_name!r}")
    return info.title


def _prefixed(label: str, section: str | None) -> str:
    return f"{section} — {label}" if section else label


def validate_record(
    model_name: str, raw: Mapping[str, Any], *, section: str | None = None
) -> dict[str, Any]:
    """Normalise one record of the model as plain values, or raise every problem at once."""
    model = _model(model_name)
    if not isinstance(raw, Mapping):
        raise TypeError(f"a record must be a mapping, not {type(raw).__name__}")
    try:
        record = model.model_validate(dict(raw))
    except ValidationError as error:
        problems = []
        for detail in error.errors():
            key = str(detail["loc"][0]) if detail["loc"] else model_name
            info = model.model_fields.get(key)
            label = info.title if info is not None and info.title else key
            problems.append(DossierProblem(_prefixed(label, section), messages.translate(detail),
                                    key if info is not None else ""))
        raise DossierError(problems) from None
    return record.model_dump(mode="json")


def needless(model_name: str, record: Mapping[str, Any], field: str) -> str | None:
    """Why a field of a record is not needed given its other values (a birth abroad has no département)."""
    return _model(model_name).needless(record, field)


def validate_scalar(
    type_name: str,
    raw: Any,
    *,
    label: str,
    options: Sequence[str] | None = None,
    required: bool = True,
) -> Any:
    """Normalise one value of a scalar type; a missing optional value gives None.

    `options` lists the values allowed: a choice's codes, or the amounts a `montant` may take
    (a refund's timbre: 17, 25, 42 or 86 €), compared once normalised.
    """
    if type_name not in SCALAR_TYPES:
        raise ValueError(f"unknown scalar type {type_name!r}")
    if type_name == "choice" and not options:
        raise ValueError("the scalar type 'choice' needs options")
    if is_blank(raw):
        if required:
            raise DossierError([(label, messages.MISSING)])
        return None
    try:
        if type_name == "choice":
            return choice(raw, [str(option) for option in options or ()])
        value = _SCALARS[type_name](raw)
    except PydanticCustomError as error:
        raise DossierError([(label, error.message())]) from None
    if options and type_name in LISTED_TYPES and value not in {_SCALARS[type_name](o) for o in options}:
        allowed = ", ".join(str(_SCALARS[type_name](o)) for o in options)
        raise DossierError([(label, messages.NOT_LISTED.format(options=allowed))])
    return value
