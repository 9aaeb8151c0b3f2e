"""Reusable field types of the citizen's data: each a validator that normalises what the
mediator typed or raises a French message, and an annotated type built on it.

Every validator here is also a scalar type of the catalogue (`texte`, `entier`, `booleen`,
`choice`, `code_postal`, `telephone`, `courriel`) so flow inputs and model fields agree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, model_validator

from autopilot.dossier import messages
from autopilot.dossier.messages import invalid

SEXES = ("F", "M")
_SEXE_WORDS = {
    "f": "F", "féminin": "F", "feminin": "F", "femme": "F",
    "m": "M", "masculin": "M", "homme": "M",
}
COULEURS_YEUX = ("Bleus", "Verts", "Marron", "Noirs", "Gris", "Noisette", "Vairons", "Autre")
TAILLE_MIN, TAILLE_MAX = 30, 250
_BOOLEAN_WORDS = {"oui": True, "true": True, "1": True, "non": False, "false": False, "0": False}
_TAILLE = re.compile(r"(\d{2,3})\s*(?:cm)?", re.IGNORECASE)
_CODE_POSTAL = re.compile(r"\d{5}")
_TELEPHONE = re.compile(r"0[67]\d{8}")
_ANY_PHONE = re.compile(r"0[1-9]\d{8}")
_TELEPHONE_SEPARATORS = re.compile(r"[\s.\-()]")
_INTERNATIONAL_PREFIX = re.compile(r"^(?:\+|00)33(?:0)?")  # +33 6…, 0033 6…, +33 (0)6…
_COURRIEL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


def is_blank(value: Any) -> bool:
    """True for what an untouched form field sends: nothing, or only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def as_text(value: Any, message: str) -> str:
    """`value` as stripped text (numbers from YAML included), else `message` is raised."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise invalid(message)


class DossierModel(BaseModel):
    """Base of the citizen-data models: unknown keys refused, blank fields taken as absent."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _drop_blank_fields(cls, data: Any) -> Any:
        # A blank known field is absent: a required one is then "obligatoire", an optional
        # one takes its default. A blank unknown key is kept so that it is still reported.
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not (k in cls.model_fields and is_blank(v))}
        return data

    @classmethod
    def needless(cls, record: Mapping[str, Any], field: str) -> str | None:
        """Why `field` is not needed given the record's other values (a démarche requiring it lets
        it be empty then), or None; fields are needed whenever asked by default."""
        return None


def texte(value: Any) -> str:
    """Free text, stripped, inner runs of spaces collapsed."""
    text = " ".join(as_text(value, messages.TEXT).split())
    if not text:
        raise invalid(messages.MISSING)
    return text


def prenoms(value: Any) -> str:
    """Given names as typed, in order, separated by ", " ("Marie,Claire" → "Marie, Claire")."""
    names = [" ".join(name.split()) for name in as_text(value, messages.TEXT).split(",")]
    text = ", ".join(name for name in names if name)
    if not text:
        raise invalid(messages.MISSING)
    return text


def entier(value: Any) -> int:
    """A whole number, typed as digits or given as an int."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"[+-]?\d+", value.strip()):
        return int(value)
    raise invalid(messages.INTEGER)


def booleen(value: Any) -> bool:
    """Yes or no: oui/non, true/false, 1/0 in any case."""
    if isinstance(value, bool):
        return value
    key = str(value).strip().casefold() if isinstance(value, (str, int)) else None
    if key not in _BOOLEAN_WORDS:
        raise invalid(messages.BOOLEAN)
    return _BOOLEAN_WORDS[key]


def choice(value: Any, options: Sequence[str]) -> str:
    """One of `options`, matched without regard to case and returned as the option is spelt."""
    key = value.strip().casefold() if isinstance(value, str) else None
    for option in options:
        if option.casefold() == key:
            return option
    raise invalid(messages.CHOICE, options=", ".join(options))


def sexe(value: Any) -> str:
    """"F" or "M", from F/M, féminin/masculin or femme/homme in any case."""
    word = value.strip().casefold() if isinstance(value, str) else None
    if word not in _SEXE_WORDS:
        raise invalid(messages.CHOICE, options=", ".join(SEXES))
    return _SEXE_WORDS[word]


def couleur_yeux(value: Any) -> str:
    """One of COULEURS_YEUX, in any case."""
    return choice(value, COULEURS_YEUX)


def taille(value: Any) -> int:
    """A height in centimetres, from 30 to 250 ("172" and "172 cm" accepted)."""
    if isinstance(value, int) and not isinstance(value, bool):
        centimetres = value
    elif isinstance(value, str) and (match := _TAILLE.fullmatch(value.strip())):
        centimetres = int(match.group(1))
    else:
        raise invalid(messages.TAILLE)
    if not TAILLE_MIN <= centimetres <= TAILLE_MAX:
        raise invalid(messages.TAILLE)
    return centimetres


def code_postal(value: Any) -> str:
    """Five digits, spaces removed ("75 001" → "75001")."""
    text = "".join(as_text(value, messages.CODE_POSTAL).split())
    if not _CODE_POSTAL.fullmatch(text):
        raise invalid(messages.CODE_POSTAL)
    return text


def telephone(value: Any) -> str:
    """A French mobile number normalised to "0612345678" (spaces, dots, dashes, +33 accepted)."""
    text = _TELEPHONE_SEPARATORS.sub("", as_text(value, messages.TELEPHONE))
    text = _INTERNATIONAL_PREFIX.sub("0", text)
    if not _TELEPHONE.fullmatch(text):
        raise invalid(messages.TELEPHONE)
    return text


def telephone_fixe_ou_portable(value: Any) -> str:
    """Any French number, landline or mobile ("02 99 12 34 56" → "0299123456"): a company's line."""
    text = _TELEPHONE_SEPARATORS.sub("", as_text(value, messages.TELEPHONE_FIXE))
    text = _INTERNATIONAL_PREFIX.sub("0", text)
    if not _ANY_PHONE.fullmatch(text):
        raise invalid(messages.TELEPHONE_FIXE)
    return text


def courriel(value: Any) -> str:
    """An e-mail address, lightly checked: something@domain.tld, no spaces."""
    text = as_text(value, messages.COURRIEL)
    if not _COURRIEL.fullmatch(text):
        raise invalid(messages.COURRIEL)
    return text


Texte = Annotated[str, BeforeValidator(texte)]
Prenoms = Annotated[str, BeforeValidator(prenoms)]
Entier = Annotated[int, BeforeValidator(entier)]
Booleen = Annotated[bool, BeforeValidator(booleen)]
Sexe = Annotated[str, BeforeValidator(sexe)]
CouleurYeux = Annotated[str, BeforeValidator(couleur_yeux)]
Taille = Annotated[int, BeforeValidator(taille)]
CodePostal = Annotated[str, BeforeValidator(code_postal)]
Telephone = Annotated[str, BeforeValidator(telephone)]
Courriel = Annotated[str, BeforeValidator(courriel)]
