"""Moved to `kit.timbre`: re-exported here while the immatriculation modules (being edited on another branch)
import it from its old path; remove once they import `kit.timbre`."""

from autopilot.sandbox.kit.timbre import (
    CARD_FIELDS,
    card_last_digits,
    check_card,
)

__all__ = ["CARD_FIELDS", "card_last_digits", "check_card"]
