"""Moved to `sites.ants_compte`: re-exported here while the immatriculation modules (being edited on another branch)
import it from its old path; remove once they import `sites.ants_compte`."""

from autopilot.sandbox.sites.ants_compte import (
    ANTS_HOST,
    SPACE_PATH,
    VEHICLE_SPACE_PATH,
    current_account,
    login_required,
)

__all__ = ["ANTS_HOST", "SPACE_PATH", "VEHICLE_SPACE_PATH", "current_account", "login_required"]
