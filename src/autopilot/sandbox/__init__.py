"""Local replicas of the ANTS teleservices, for mediator training and for the tests.

The sandbox stands in for the real administration, so it imports nothing from the rest of
autopilot. See DESIGN.md §5 and `server.Sandbox`.
"""

from autopilot.sandbox.kit.faults import Faults
from autopilot.sandbox.server import Sandbox
from autopilot.sandbox.sites.ants_compte import DEMO_ACCOUNT

__all__ = ["DEMO_ACCOUNT", "Faults", "Sandbox"]
