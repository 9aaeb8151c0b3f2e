"""The benchmarks' code path, once: `python -m bench --smoke` runs one iteration of every
measurement on the real sandbox and browser. Nothing here asserts on time: the figures of a
single run on a shared machine prove nothing; the table, the ratios and the counts must exist
and hold together."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MEASUREMENTS = ("Engine overhead", "The same, against the script ticking its choices as a person", "Protocol messages", "Whole process, wall", "Whole process, CPU", "Start-up",
                "Flow validation", "Workload `passeport-pre-demande`", "Peak RSS",
                "Console: consent click → first step ready, no login",
                "Console: consent click → first step ready, with the login", "Console: « Arrêter la démarche »")


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    """The page and the raw figures of one `--smoke` run (written to a temporary folder)."""
    folder = tmp_path_factory.mktemp("bench")
    page, figures = folder / "RESULTS.md", folder / "figures.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--out", str(page), "--json", str(figures)],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return page.read_text(encoding="utf-8"), json.loads(figures.read_text(encoding="utf-8"))


def test_the_table_has_one_row_per_measurement(smoke):
    page, figures = smoke
    assert page.startswith("# Benchmarks\n")
    assert "| measurement | autopilot: median (min – max) | baseline: median (min – max) | ratio |" in page
    names = [row["measurement"] for row in figures["rows"]]
    for measurement in MEASUREMENTS:
        assert sum(name.startswith(measurement) for name in names) == 1, (measurement, names)
        assert any(line.startswith(f"| {measurement}") for line in page.splitlines()), measurement
    assert "not measured" not in page


def test_ratios_are_finite_numbers(smoke):
    _, figures = smoke
    for row in figures["rows"]:
        if row["ratio"] is not None:
            assert isinstance(row["ratio"], float) and math.isfinite(row["ratio"]) and row["ratio"] > 0, row
        assert row["met"] in (True, False), row
        assert row["autopilot"]["n"] >= 1 and row["autopilot"]["median"] > 0, row


def test_both_sides_of_the_overhead_sent_the_same_pre_demande(smoke):
    _, figures = smoke
    overhead = next(data for title, data in figures["sections"].items() if title.startswith("1."))
    assert overhead["failure"] is None
    assert overhead["mismatches"] == []
    assert sum(overhead["calls"]["autopilot"].values()) > 0 < sum(overhead["calls"]["hand-written"].values())
    for side in ("autopilot", "hand-written"):  # the time in each method's calls, for the methods called
        spent = overhead["seconds_in_calls"][side]
        assert set(spent) <= set(overhead["calls"][side]) and sum(spent.values()) > 0, side


def test_workload_counts_are_positive_and_hold_together(smoke):
    _, figures = smoke
    workload = next(data for title, data in figures["sections"].items() if title.startswith("4."))
    passeport = workload["passeport-pre-demande"]
    assert passeport["problem"] is None
    for name in ("pages", "fields_on_pages", "hand_fields", "hand_characters", "hand_clicks", "form_fields",
                 "form_characters", "approvals", "login_fields"):
        assert isinstance(passeport[name], int) and passeport[name] > 0, name
    assert passeport["fields_on_pages"] >= passeport["hand_fields"]  # nothing filled that is not on a page
    assert passeport["approvals"] <= passeport["pages"]
    assert passeport["login_fields"] == 2  # identifiant and password: typed by hand, never with autopilot
    assert passeport["hand_characters"] > passeport["form_characters"]


def test_the_smoke_workload_runs_a_chain_and_lets_the_person_act(smoke):
    _, figures = smoke
    workload = next(data for title, data in figures["sections"].items() if title.startswith("4."))
    assert set(workload) == {"passeport-pre-demande", "immatriculation-cession", "immatriculation-changement-titulaire",
                             "permis-solde-points"}  # bench.workload.SMOKE
    assert {flow: data["problem"] for flow, data in workload.items()} == dict.fromkeys(workload)
    # the code de cession of the cession run fed the changement de titulaire, which the citizen paid:
    # card number, expiry, cryptogram and « Payer », after logging in with their own FranceConnect
    # (the button, the provider, identifiant and mot de passe, « Se connecter »), counted apart
    titulaire = workload["immatriculation-changement-titulaire"]
    assert (titulaire["person_fields"], titulaire["person_clicks"]) == (3 + 2, 1 + 3)
    assert (workload["permis-solde-points"]["person_fields"], workload["permis-solde-points"]["person_clicks"]) == (1, 1)
    assert (workload["passeport-pre-demande"]["person_fields"], workload["passeport-pre-demande"]["person_clicks"]) == (0, 0)
    rows = [row for row in figures["rows"] if row["measurement"].startswith("Workload")]
    assert len(rows) == len(workload)  # one summary row per démarche



def test_the_console_was_timed_against_the_same_page_loads_by_hand(smoke):
    _, figures = smoke
    console = next(data for title, data in figures["sections"].items() if title.startswith("6."))
    assert console["failure"] is None
    for wait in ("no login", "login", "stop", "stop (after the login)"):
        assert console["console"][wait]["n"] == 1 and console["console"][wait]["median"] > 0, wait
    for wait in ("no login", "login", "stop"):
        assert console["by_hand"][wait]["n"] == 1 and console["by_hand"][wait]["median"] > 0, wait
    # where the time goes: the console's answer to the consent, then the site's first page, then the panel
    # and the stop's (the run's end, the console's page) and the panel's deliberate arming
    assert len(console["marks"]) == 6 + 2 + 1, console["marks"]


def test_the_whole_process_cpu_counts_the_browser_s_orphaned_renderers(smoke):
    _, figures = smoke
    whole = next(data for title, data in figures["sections"].items() if title.startswith("1b."))
    assert whole["failure"] is None and whole["whole_tree"] is True
    for side in ("a", "b"):  # Chromium's renderers outlive their zygote: only the reaping counts them
        assert whole["cpu"][side]["median"] > whole["cpu_waited"][side]["median"], side


# A process whose child burns CPU after its parent has ended: the shape of Chromium's zygote and renderers.
_ORPHANING = """
import os, time
if os.fork() == 0:
    end = time.process_time() + 0.3
    while time.process_time() < end:
        pass
    os._exit(0)
os._exit(0)
"""


def test_an_orphan_s_cpu_is_counted_by_the_reaping_and_missed_by_wait4():
    from bench.processes import children, orphans_cpu, reaping

    with reaping() as on:
        assert on
        known = children()
        child = subprocess.Popen([sys.executable, "-c", _ORPHANING])
        _, _, usage = os.wait4(child.pid, 0)
        orphans, count = orphans_cpu(known)
    assert usage.ru_utime + usage.ru_stime < 0.2  # the parent's own and what it waited for: not the orphan's
    assert count == 1 and orphans >= 0.29
