"""A keyring and a display of its own for each pytest-xdist worker.

The tests use the real Secret Service (gnome-keyring), and several write the same fixed entries
(the sandbox's account `sandbox:ants`, the mairie's `ants`): two workers sharing one keyring would
overwrite each other's entries mid-test. Visible browsers (the console, the recorder, the panel
under Xvfb) would share one X display, where a window opened by one worker takes the focus from
the other's. So each worker starts, before any test runs, its own D-Bus session bus with an
unlocked gnome-keyring daemon in a throw-away folder, and its own Xvfb — what `scripts/test` sets
up for a run in one process.
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

PASSWORD = b"autopilot-tests"
SCREEN = "1600x1000x24"  # as scripts/test gives xvfb-run


def start_keyring(folder: Path) -> int:
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


def start_display() -> subprocess.Popen | None:
    """Starts an Xvfb on a free display for this process (when the run has one to replace)."""
    if not os.environ.get("DISPLAY"):
        return None  # no display at all: the tests that need one say so
    read, write = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", SCREEN, "-nolisten", "tcp"],
                              pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as ready:
        number = ready.readline().strip()  # written once the server accepts clients
    if not number:
        server.kill()
        raise RuntimeError("Xvfb did not start for this test worker")
    os.environ["DISPLAY"] = f":{number}"
    return server


def stop(bus_pid: int, display: subprocess.Popen | None) -> None:
    """Ends the bus (the keyring daemon leaves with it) and the display."""
    try:
        os.kill(bus_pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    if display is not None:
        display.terminate()
        display.wait(timeout=10)
