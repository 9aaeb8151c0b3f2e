"""Moved to `kit.training`: re-exported here while the immatriculation modules (being edited on another branch)
import it from its old path; remove once they import `kit.training`."""

from autopilot.sandbox.kit.training import (
    Link,
    Table,
)

__all__ = ["Link", "Table"]
