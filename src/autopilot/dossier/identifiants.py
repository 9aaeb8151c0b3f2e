"""Identifiers the teleservices give or ask for: numéro de timbre fiscal, numéro de
pré-demande, numéro de demande. Spaces are accepted on input and removed."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator

from autopilot.dossier import messages
from autopilot.dossier.messages import invalid
from autopilot.dossier.types import as_text

# Confirmed (docs/teleservices.md §3): the timbre fiscal électronique has 16 digits.
NUMERO_TIMBRE_PATTERN = re.compile(r"\d{16}")
# UNCONFIRMED ([?] in docs/teleservices.md §1, §8): the format of the numéro de pré-demande was not
# found (believed to be 10 alphanumerics). Kept loose on purpose: 6 to 20 letters or digits.
NUMERO_PREDEMANDE_PATTERN = re.compile(r"[A-Z0-9]{6,20}")
# UNCONFIRMED ([?] in docs/teleservices.md §1, §4, §8): the numéro de demande printed on the
# récépissé has no known format. Kept loose: 6 to 30 letters, digits or inner dashes.
NUMERO_DEMANDE_PATTERN = re.compile(r"[A-Z0-9][A-Z0-9-]{4,28}[A-Z0-9]")


def _compact(value: Any, message: str) -> str:
    """The identifier as typed, without spaces, in upper case."""
    return "".join(as_text(value, message).split()).upper()


def numero_timbre(value: Any) -> str:
    """The 16 digits of a timbre fiscal électronique ("1234 5678 …" → "12345678…")."""
    text = _compact(value, messages.NUMERO_TIMBRE)
    if not NUMERO_TIMBRE_PATTERN.fullmatch(text):
        raise invalid(messages.NUMERO_TIMBRE)
    return text


def numero_predemande(value: Any) -> str:
    """A numéro de pré-demande ANTS, in upper case, loosely checked (format unconfirmed)."""
    text = _compact(value, messages.NUMERO_PREDEMANDE)
    if not NUMERO_PREDEMANDE_PATTERN.fullmatch(text):
        raise invalid(messages.NUMERO_PREDEMANDE)
    return text


def numero_demande(value: Any) -> str:
    """A numéro de demande (récépissé), in upper case, loosely checked (format unconfirmed)."""
    text = _compact(value, messages.NUMERO_DEMANDE)
    if not NUMERO_DEMANDE_PATTERN.fullmatch(text):
        raise invalid(messages.NUMERO_DEMANDE)
    return text


NumeroTimbre = Annotated[str, BeforeValidator(numero_timbre)]
NumeroPredemande = Annotated[str, BeforeValidator(numero_predemande)]
NumeroDemande = Annotated[str, BeforeValidator(numero_demande)]
