"""Payments as the citizen's receipts show them: an amount in euros, a transaction reference.

The transaction reference of a timbre purchase has no published format (docs/teleservices.md §3 only
names it "Référence de la transaction" / "Transaction associée"): it is checked loosely.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from autopilot.dossier import messages
from autopilot.dossier.messages import invalid
from autopilot.dossier.types import as_text

_AMOUNT = re.compile(r"(\d{1,6})(?:[.,](\d{1,2}))?")
_REFERENCE = re.compile(r"[A-Z0-9][A-Z0-9-]{4,38}[A-Z0-9]")


def montant(value: Any) -> str:
    """An amount in euros, written as the French sites print it: "86", "86,50" ("86.5 €" → "86,50")."""
    if isinstance(value, bool):
        raise invalid(messages.MONTANT)
    if isinstance(value, (int, float, Decimal)):
        value = f"{Decimal(str(value)):.2f}"
    text = re.sub(r"\s|\u202f|€|eur(?:os?)?$", "", as_text(value, messages.MONTANT).lower())
    match = _AMOUNT.fullmatch(text)
    if not match:
        raise invalid(messages.MONTANT)
    euros, cents = int(match.group(1)), (match.group(2) or "").ljust(2, "0")
    if euros == 0 and cents in ("", "00"):
        raise invalid(messages.MONTANT)
    return str(euros) if cents in ("", "00") else f"{euros},{cents}"


def reference_transaction(value: Any) -> str:
    """The reference printed on a purchase receipt, spaces removed, in upper case."""
    text = "".join(as_text(value, messages.REFERENCE_TRANSACTION).split()).upper()
    if not _REFERENCE.fullmatch(text):
        raise invalid(messages.REFERENCE_TRANSACTION)
    return text
