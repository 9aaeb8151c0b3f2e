"""The head start (cli/head_start.py): the collector paused while the command imports, and never left paused."""

from __future__ import annotations

import gc

import pytest

from autopilot.cli.head_start import head_start


@pytest.fixture(autouse=True)
def _unfrozen():
    """The head start sets what it built apart for the process's life (gc.freeze); not this test process's."""
    yield
    gc.unfreeze()


def test_the_collector_is_paused_while_the_command_imports_and_runs_again_for_the_command():
    seen = []

    with head_start("json", lambda: seen.append(gc.isenabled())) as (playwright, module, _):
        assert module.__name__ == "json" and playwright.chromium is not None
        assert seen == [False]  # the preparation ran with the collector paused
        assert gc.isenabled()  # the run itself is collected as usual


def test_a_preparation_that_fails_leaves_the_collector_running():
    def broken() -> None:
        raise ValueError("un flow cassé")

    with pytest.raises(ValueError, match="un flow cassé"), head_start("json", broken):
        pass
    assert gc.isenabled()
