"""How long each test file takes, to hand the longest files out first to the xdist workers.

`scripts/test` keeps each file on one worker (`--dist loadfile`). pytest-xdist then hands the files
out by their number of tests, so a file of few but long tests (the bench's smoke run, the console's
journeys) came last and one worker ran it alone while the other had finished. Handing out the
longest first (tests/conftest.py) leaves only short files for the end.

Seconds of setup, call and teardown per file, from `scripts/test -q --durations=0` (whole suite, the
machine loaded, 2026-12-07): only their order matters. A file not listed counts `UNLISTED_PER_TEST`
seconds per test. Refresh after a file grows or shrinks much (and add the files it misses at 0):
`python tests/file_weights.py < durations.txt` prints the table from a `--durations=0` output.
"""

from __future__ import annotations

import re
import sys
from collections import Counter

UNLISTED_PER_TEST = 1.5

SECONDS = {
    "test_console.py": 285,
    "test_consent.py": 191,
    "test_security.py": 184,
    "test_immatriculation.py": 169,
    "test_drift.py": 157,
    "test_vehicule_services.py": 124,
    "test_cli.py": 120,
    "test_timbres.py": 118,
    "test_bench.py": 117,
    "test_identite.py": 113,
    "test_runner.py": 103,
    "test_panel_run.py": 95,
    "test_account.py": 94,
    "test_dsfr_conformance.py": 92,
    "test_panel.py": 91,
    "test_simulateur.py": 89,
    "test_engine_front_ends.py": 85,
    "test_form_agrees_with_sites.py": 81,
    "test_who_stopped.py": 80,
    "test_choice_guard.py": 80,
    "test_money_kept.py": 76,
    "test_scans.py": 76,
    "test_permis.py": 73,
    "test_reading_console.py": 65,
    "test_layers.py": 58,
    "test_recorder.py": 55,
    "test_console_ending.py": 55,
    "test_console_histovec.py": 47,
    "test_run_ending.py": 46,
    "test_permis_services.py": 40,
    "test_journal.py": 34,
    "test_sandbox_documents.py": 34,
    "test_sandbox_histovec.py": 32,
    "test_site_documents.py": 31,
    "test_browser_traces.py": 30,
    "test_franceconnect.py": 26,
    "test_journal_chain.py": 25,
    "test_session_expiry.py": 25,
    "test_choices_after_changes.py": 25,
    "test_recorder_histovec.py": 21,
    "test_sandbox_identite.py": 19,
    "test_reading.py": 19,
    "test_sandbox.py": 16,
    "test_journal_printing.py": 13,
    "test_window.py": 12,
    "test_sandbox_permis.py": 9,
    "test_buttons_by_name.py": 8,
    "test_page_library.py": 8,
    "test_sandbox_vehicule_services.py": 7,
    "test_sandbox_home.py": 6,
    "test_sandbox_dsfr.py": 6,
    "test_parser.py": 6,
    "test_crash.py": 6,
    "test_printer.py": 5,
    "test_browser_locale.py": 5,
    "test_sandbox_immatriculation.py": 5,
    "test_sandbox_timbres.py": 5,
    "test_sandbox_permis_services.py": 4,
    "test_keyring_backend.py": 3,
    "test_sandbox_timbre_justice.py": 3,
    "test_sandbox_simulateur.py": 2,
    "test_console_routes.py": 2,
    "test_settings.py": 1,
    "test_console_words.py": 1,
    "test_loader.py": 0,
    "test_dossier.py": 0,
    "test_identifiants.py": 0,
    "test_sandbox_replicas.py": 0,
    "test_flow_download.py": 0,
    "test_sandbox_wizard.py": 0,
    "test_flow_syntax.py": 0,
    "test_sandbox_wizard_hooks.py": 0,
    # measured alone (2026-12-07), not yet in a whole-suite run
}


def longest_first(items: list) -> list:
    """The collected tests, file by file from the longest file, each file's tests in their own order."""
    counts = Counter(item.path.name for item in items)

    def weight(item) -> float:
        name = item.path.name
        return SECONDS.get(name, counts[name] * UNLISTED_PER_TEST)

    return sorted(items, key=lambda item: -weight(item))  # stable: a file's tests keep their order


if __name__ == "__main__":
    totals: Counter = Counter()
    for line in sys.stdin:
        found = re.match(r"\s*([\d.]+)s (?:setup|call|teardown)\s+tests/([^:]+)::", line)
        if found:
            totals[found[2]] += float(found[1])
    for name, seconds in totals.most_common():
        print(f'    "{name}": {round(seconds)},')
