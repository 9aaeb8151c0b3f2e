"""Vehicle-registration identifiers: plates, numéro de formule, code de cession, SIRET, SIREN, kilométrage.

Confirmed (docs/teleservices.md §5): SIV plates are `AA-123-AA` without I, O, U, never SS, WW reserved
(on the left) for temporary registrations, series from 001; pre-2009 FNI plates read `123 AB 01`;
the numéro de formule is the year, 2 letters and 5 digits. UNCONFIRMED [?]: the code de cession
(sources give 4 to 11 characters) and the numéro de dossier have no published format and are
checked loosely. Input is accepted with spaces or dashes and normalised.
"""

from __future__ import annotations

import re
from typing import Any

from autopilot.dossier import messages
from autopilot.dossier.messages import invalid
from autopilot.dossier.types import as_text

_LETTER = "[A-HJ-NP-TV-Z]"  # no I, O, U
_SIV = re.compile(rf"({_LETTER}{{2}})[\s-]?(\d{{3}})[\s-]?({_LETTER}{{2}})")
_FNI = re.compile(r"(\d{1,4})[\s-]?([A-Z]{1,3})[\s-]?(\d{2}|2A|2B|97[1-6])")
_FORMULE = re.compile(r"\d{4}[A-Z]{2}\d{5}")
_CODE_CESSION = re.compile(r"[A-Z0-9]{4,12}")
_NUMERO_DOSSIER = re.compile(r"[A-Z0-9][A-Z0-9-]{4,28}[A-Z0-9]")
KILOMETRAGE_MAX = 2_000_000
# La Poste's establishments share one SIREN whose SIRET do not all follow Luhn: theirs may instead
# have digits adding up to a multiple of 5 (its head office, 35600000000048, passes Luhn).
_LA_POSTE_SIREN = "356000000"


def plaque(value: Any) -> str:
    """A plate as the certificate prints it: `AB-123-CD` (SIV) or `123 AB 01` (FNI)."""
    text = " ".join(as_text(value, messages.PLAQUE).upper().split())
    if match := _SIV.fullmatch(text):
        left, digits, right = match.groups()
        if "SS" in (left, right) or left == "WW" or digits == "000":
            raise invalid(messages.PLAQUE)
        return f"{left}-{digits}-{right}"
    if match := _FNI.fullmatch(text):
        return " ".join(match.groups())
    raise invalid(messages.PLAQUE)


def is_fni(plate: str) -> bool:
    """True for a pre-2009 plate (normalised by `plaque`): no numéro de formule on its certificate."""
    return " " in plate


def numero_formule(value: Any) -> str:
    """The numéro de formule of a post-2009 certificate ("2020 ab 12345" → "2020AB12345")."""
    text = re.sub(r"[\s-]", "", as_text(value, messages.NUMERO_FORMULE)).upper()
    if not _FORMULE.fullmatch(text):
        raise invalid(messages.NUMERO_FORMULE)
    return text


def code_cession(value: Any) -> str:
    """The code de cession the seller was shown, in upper case, loosely checked (format unconfirmed)."""
    text = re.sub(r"[\s-]", "", as_text(value, messages.CODE_CESSION)).upper()
    if not _CODE_CESSION.fullmatch(text):
        raise invalid(messages.CODE_CESSION)
    return text


def siret(value: Any) -> str:
    """A SIRET: 14 digits passing Luhn (or, for La Poste, its own rule), spaces removed."""
    text = re.sub(r"[\s.-]", "", as_text(value, messages.SIRET))
    if not re.fullmatch(r"\d{14}", text):
        raise invalid(messages.SIRET)
    la_poste = text.startswith(_LA_POSTE_SIREN) and sum(map(int, text)) % 5 == 0
    if not (la_poste or luhn_valid(text)):
        raise invalid(messages.SIRET_CHECKSUM)
    return text


def siren(value: Any) -> str:
    """A SIREN: 9 digits passing Luhn, spaces removed (the company's number a CSA may ask for)."""
    text = re.sub(r"[\s.-]", "", as_text(value, messages.SIREN))
    if not re.fullmatch(r"\d{9}", text):
        raise invalid(messages.SIREN)
    if not luhn_valid(text):
        raise invalid(messages.SIREN_CHECKSUM)
    return text


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum of a string of digits."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        doubled = int(char) * (2 if position % 2 else 1)
        total += doubled - 9 if doubled > 9 else doubled
    return total % 10 == 0


def kilometrage(value: Any) -> int:
    """The odometer reading in km ("84 500", "84500 km" → 84500)."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = re.sub(r"\s|\u202f|km$", "", as_text(value, messages.KILOMETRAGE).lower())
        if not text.isdigit():
            raise invalid(messages.KILOMETRAGE)
        number = int(text)
    if not 0 <= number <= KILOMETRAGE_MAX:
        raise invalid(messages.KILOMETRAGE)
    return number


def numero_dossier(value: Any) -> str:
    """A numéro de dossier ANTS, in upper case, loosely checked (format unconfirmed)."""
    text = "".join(as_text(value, messages.NUMERO_DOSSIER).split()).upper()
    if not _NUMERO_DOSSIER.fullmatch(text):
        raise invalid(messages.NUMERO_DOSSIER)
    return text
