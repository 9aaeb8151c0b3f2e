"""Moved to `kit.state`: re-exported here while the immatriculation modules (being edited on another branch)
import it from its old path; remove once they import `kit.state`."""

from autopilot.sandbox.kit.state import (
    current_state,
    now_iso,
)

__all__ = ["current_state", "now_iso"]
