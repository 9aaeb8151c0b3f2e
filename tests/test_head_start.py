"""The head start (cli/head_start.py): the collector paused while the command imports, and never left paused.

Each case runs in a process of its own, as a command does: the head start starts Playwright's driver
(which a test process with a browser already running cannot start again in its thread) and freezes
what the process built (`gc.freeze`), which is for a command's whole life, not a test session's."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_the_collector_is_paused_while_the_command_imports_and_runs_again_for_the_command():
    out = _run("""
        import gc
        from autopilot.cli.head_start import head_start
        seen = []
        with head_start("json", lambda: seen.append(gc.isenabled())) as (playwright, module, _):
            assert module.__name__ == "json" and playwright.chromium is not None
            print(seen, gc.isenabled(), gc.get_freeze_count() > 0)
        print(gc.isenabled())
    """)
    # paused during the preparation; running for the command, with what the start built set apart
    assert out.splitlines() == ["[False] True True", "True"]


def test_a_preparation_that_fails_leaves_the_collector_running():
    out = _run("""
        import gc
        from autopilot.cli.head_start import head_start
        def broken():
            raise ValueError("un flow cassé")
        try:
            with head_start("json", broken):
                pass
        except ValueError as error:
            print(error, gc.isenabled())
    """)
    assert out == "un flow cassé True"
