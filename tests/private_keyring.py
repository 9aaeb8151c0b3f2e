"""A keyring of its own for each pytest-xdist worker.

The tests use the real Secret Service (gnome-keyring), and several write the same fixed entries
(the sandbox's account `sandbox:ants`, the mairie's `ants`). Two workers sharing one keyring
would overwrite each other's entries mid-test, so each worker starts its own D-Bus session bus
and gnome-keyring daemon (unlocked, in a throw-away folder) before any test runs, exactly as
`scripts/test` does for a run in one process.
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

PASSWORD = b"autopilot-tests"


def start(folder: Path) -> int:
    """Starts a bus and a keyring daemon for this process; returns the bus's process id."""
    bus = subprocess.run(["dbus-daemon", "--session", "--fork", "--print-address=1", "--print-pid=1"],
                         capture_output=True, text=True, check=True)
    address, pid = bus.stdout.split()[:2]
    os.environ["DBUS_SESSION_BUS_ADDRESS"] = address
    os.environ["XDG_DATA_HOME"] = str(folder)
    # The daemon forks and keeps its output open: nothing may wait for it to close.
    subprocess.run(["gnome-keyring-daemon", "--unlock", "--components=secrets"], input=PASSWORD,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, timeout=30)
    return int(pid)


def stop(bus_pid: int) -> None:
    """Ends the bus; the keyring daemon leaves with it."""
    try:
        os.kill(bus_pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
