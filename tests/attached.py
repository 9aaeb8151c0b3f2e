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


ATTACHED: list[subprocess.Popen] = []
"""The processes a test attached to: `tests/conftest.py` ends those still running after the test."""


def attach(browser_type, port: int, process: subprocess.Popen, *, seconds: float = 120) -> Browser:
    """The process's browser once it has a page; AssertionError with its output if it never does.

    `seconds` is generous: on a loaded machine an `autopilot demo` writes its example documents and
    starts its sandbox before its browser. A process that never opens one is ended before its output
    is read (reading it while it runs would wait for ever)."""
    ATTACHED.append(process)
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
            if process.poll() is None:
                process.kill()
            raise AssertionError(f"autopilot did not open its browser: {process.communicate(timeout=30)}")
        time.sleep(0.2)


def end_attached() -> None:
    """End the attached processes a test left running (a failed assertion mid-visit): none outlives it."""
    while ATTACHED:
        process = ATTACHED.pop()
        if process.poll() is None:
            process.terminate()
            try:
                process.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate(timeout=20)
