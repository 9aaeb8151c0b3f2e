"""Moved to `kit.validation`: re-exported here while the immatriculation modules (being edited on another branch)
import it from its old path; remove once they import `kit.validation`."""

from autopilot.sandbox.kit.validation import (
    FormCheck,
    luhn_valid,
)

__all__ = ["FormCheck", "luhn_valid"]
