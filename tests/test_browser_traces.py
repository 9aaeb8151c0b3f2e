"""What the browser writes on the mediator's PC outside its throw-away profile: nothing that stays.

Chromium keeps a crash-report database in the user's settings folder (`~/.config/chromium/Crash
Reports` on Linux), outside the temporary profile Playwright deletes; a renderer's crash dump holds
the page's memory, the citizen's data included. autopilot points it at a folder of its own, removed
when the browser closes.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

_LAUNCH = """
import sys
import tempfile
from pathlib import Path
from playwright.sync_api import sync_playwright
from autopilot.engine.browser import BrowserSettings, crash_folder, launch

with sync_playwright() as playwright:
    browser = launch(playwright, BrowserSettings(None, headless=True, debugging_port=None))
    page = browser.new_context().new_page()
    page.set_content("<p>Camille Lefèvre, née le 14/07/1985</p>")
    during = crash_folder(browser)
    print("during:", during is not None and during.is_dir() and Path(during).is_relative_to(sys.argv[1]))
    browser.close()
    print("after:", during is not None and during.exists())
"""


@pytest.fixture
def isolated():
    """An OS home and temp folder of their own, with a short path: the browser's sockets live in its
    profile, made in the temp folder, and a socket's path is limited to 108 bytes."""
    with tempfile.TemporaryDirectory(prefix="ap-") as folder:
        home, temp = Path(folder) / "home", Path(folder) / "tmp"
        home.mkdir()
        temp.mkdir()
        yield {**os.environ, "HOME": str(home), "TMPDIR": str(temp), "XDG_CONFIG_HOME": str(home / ".config"),
               "XDG_CACHE_HOME": str(home / ".cache")}


def test_the_browser_leaves_no_crash_report_folder_behind(isolated):
    home, temp = isolated["HOME"], isolated["TMPDIR"]
    done = subprocess.run([sys.executable, "-c", _LAUNCH, temp], capture_output=True, text=True, env=isolated,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines() == ["during: True", "after: False"]
    left = [str(path) for root in (home, temp) for path in Path(root).rglob("*")
            if "Crash" in path.name or "crash" in path.name]
    assert left == []


_HOLD = """
import sys
import time
from playwright.sync_api import sync_playwright
from autopilot.engine.browser import BrowserSettings, crash_folder, launch

with sync_playwright() as playwright:
    browser = launch(playwright, BrowserSettings(None, headless=True, debugging_port=None))
    print(crash_folder(browser), flush=True)
    time.sleep(600)
"""


def test_the_crash_folder_of_a_killed_run_goes_at_the_next_start(isolated):
    # each in a process group of its own: SIGKILL ends the run with its Playwright driver and browser
    holding = [subprocess.Popen([sys.executable, "-c", _HOLD], stdout=subprocess.PIPE, text=True, env=isolated,
                                start_new_session=True) for _ in range(2)]
    try:
        killed, living = (Path(process.stdout.readline().strip()) for process in holding)
        _kill_group(holding[0])  # nothing of autopilot runs after it
        assert killed.is_dir() and living.is_dir()
        done = subprocess.run([sys.executable, "-c", _LAUNCH, isolated["TMPDIR"]], capture_output=True, text=True,
                              env=isolated, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        assert not killed.exists()  # the next start removed the killed run's folder
        assert living.is_dir()  # a running autopilot's folder is its own
    finally:
        for process in holding:
            _kill_group(process)


def _kill_group(process: subprocess.Popen) -> None:
    """SIGKILL to the process's group, then wait until none of it is left (its files are no longer written)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
