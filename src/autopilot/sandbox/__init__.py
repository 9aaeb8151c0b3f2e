"""Local replicas of the ANTS teleservices, for mediator training and for the tests.

The sandbox stands in for the real administration, so it imports nothing from the rest of
autopilot. See DESIGN.md §5 and `server.Sandbox`.
"""

from autopilot.sandbox.demo_account import DEMO_ACCOUNT

__all__ = ["DEMO_ACCOUNT", "Faults", "Sandbox"]


def __getattr__(name: str):
    """The server (Flask and every replica) loaded only when asked for: a client needing only the demo
    account (`autopilot run --sandbox-url`) does not pay for it."""
    if name == "Sandbox":
        from autopilot.sandbox.server import Sandbox

        return Sandbox
    if name == "Faults":
        from autopilot.sandbox.kit.faults import Faults

        return Faults
    raise AttributeError(f"module 'autopilot.sandbox' has no attribute {name!r}")
