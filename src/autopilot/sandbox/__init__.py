"""Local replicas of the ANTS teleservices, for mediator training and for the tests.

The sandbox stands in for the real administration, so it imports nothing from the rest of
autopilot. See DESIGN.md §5 and `server.Sandbox`.
"""

from autopilot.sandbox.ants_compte import DEMO_ACCOUNT
from autopilot.sandbox.faults import Faults
from autopilot.sandbox.server import Sandbox

__all__ = ["DEMO_ACCOUNT", "Faults", "Sandbox"]
