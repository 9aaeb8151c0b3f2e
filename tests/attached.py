"""Attaching a test to the browser an `autopilot` process opened (--remote-debugging-port),
the way assistive tools do: the test then acts as the mediator in that very window."""

from __future__ import annotations

import os
import socket
import subprocess
import time

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import Error as PlaywrightError


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def needs_display() -> None:
    """Visible browsers run under Xvfb in CI; elsewhere without a screen the test is skipped."""
    if not os.environ.get("DISPLAY"):
        if os.environ.get("CI"):
            pytest.fail("CI must run the tests under xvfb-run (scripts/test does)")
        pytest.skip("no display: run under xvfb-run, as scripts/test does")


def attach(browser_type, port: int, process: subprocess.Popen, *, seconds: float = 30) -> Browser:
    """The process's browser once it has a page; AssertionError with its output if it never does."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            browser = browser_type.connect_over_cdp(f"http://127.0.0.1:{port}")
            if browser.contexts and browser.contexts[0].pages:
                return browser
            browser.close()
        except PlaywrightError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"autopilot did not open its browser: {process.communicate()}")
        time.sleep(0.2)
