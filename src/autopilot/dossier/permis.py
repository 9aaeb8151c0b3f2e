"""Driving-licence identifiers: NEPH, catégories, ePhoto code, police declaration reference.

Confirmed (docs/teleservices.md §4): the NEPH has 12 digits, printed on the back of the card licence as
two lines of 6; older pre-harmonisation numbers may contain letters, so they are accepted loosely.
Its inner structure is not validated (only non-official sources describe it). UNCONFIRMED [?]: the
ePhoto code is "about 22" alphanumerics (sources say 21 or 22), and the police declaration
reference has no published format; both are checked loosely.
"""

from __future__ import annotations

import re
from typing import Any

from autopilot.dossier import messages
from autopilot.dossier.messages import invalid
from autopilot.dossier.types import as_text

# The categories of the European licence as printed on the French card (code de la route R221-4).
CATEGORIES_PERMIS = ("AM", "A1", "A2", "A", "B1", "B", "BE", "C1", "C1E", "C", "CE", "D1", "D1E", "D", "DE")

_SEPARATORS = re.compile(r"[\s.\-/]")
_NEPH = re.compile(r"\d{12}")
# An old licence number: letters and digits, at least one digit, shorter or longer than 12.
_OLD_NUMBER = re.compile(r"(?=.*\d)[A-Z0-9]{6,15}")
_EPHOTO = re.compile(r"[A-Z0-9]{18,26}")
_PLAINTE = re.compile(r"[A-Z0-9][A-Z0-9/-]{2,38}[A-Z0-9]")


def neph(value: Any) -> str:
    """A licence number: 12 digits ("210692 106990" → "210692106990"), or an old one with letters."""
    text = _SEPARATORS.sub("", as_text(value, messages.NEPH)).upper()
    if _NEPH.fullmatch(text) or (not text.isdigit() and _OLD_NUMBER.fullmatch(text)):
        return text
    raise invalid(messages.NEPH)


def categorie_permis(value: Any) -> str:
    """One licence category, in upper case ("b" → "B", "c1e" → "C1E")."""
    text = "".join(as_text(value, messages.CATEGORIE_PERMIS).split()).upper()
    if text not in CATEGORIES_PERMIS:
        raise invalid(messages.CATEGORIE_PERMIS.format(options=", ".join(CATEGORIES_PERMIS)))
    return text


def code_ephoto(value: Any) -> str:
    """The ePhoto code of an approved booth or photographer, without separators, in upper case."""
    text = _SEPARATORS.sub("", as_text(value, messages.CODE_EPHOTO)).upper()
    if not _EPHOTO.fullmatch(text):
        raise invalid(messages.CODE_EPHOTO)
    return text


def reference_plainte(value: Any) -> str:
    """The reference of a theft declaration (police or gendarmerie), spaces removed, in upper case."""
    text = "".join(as_text(value, messages.REFERENCE_PLAINTE).split()).upper()
    if not _PLAINTE.fullmatch(text):
        raise invalid(messages.REFERENCE_PLAINTE)
    return text
