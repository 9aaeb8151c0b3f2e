"""Moved to `kit.hosts`: re-exported here while the immatriculation modules (being edited on another branch)
import it from its old path; remove once they import `kit.hosts`."""

from autopilot.sandbox.kit.hosts import (
    local_url,
)

__all__ = ["local_url"]
