"""Shared fixtures: one real Chromium per session (pytest-playwright), a fresh context
per test, and the real sandbox server started once on a free port."""

from __future__ import annotations

import os
import shutil

import pytest

from autopilot.sandbox import Sandbox

CHROMIUM_FLAGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch the machine's Chromium when Playwright's own build is absent."""
    args = dict(browser_type_launch_args)
    flags = list(CHROMIUM_FLAGS)
    if os.geteuid() == 0:
        flags.append("--no-sandbox")
    args["args"] = flags
    system_chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if system_chromium and "executable_path" not in args:
        args["executable_path"] = system_chromium
    return args


@pytest.fixture(scope="session")
def sandbox():
    """The sandbox server, started once for the whole session."""
    server = Sandbox().start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _fresh_sandbox(request):
    """Each test starts from an empty sandbox: no records, no faults, no sessions."""
    yield
    if "sandbox" in request.fixturenames:
        request.getfixturevalue("sandbox").reset()
