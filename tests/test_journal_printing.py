"""The journal as the mediator reads it: entries in words (never a stored dict), `journal --limit`,
and an export that says the sandbox's démarches are not counted."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from citizens import CAMILLE
from test_cli import autopilot
from test_journal import entry, forget
from test_permis import demande

from autopilot.engine.panel import panel_state
from autopilot.engine.runner import Outcome
from autopilot.journal import Journal
from autopilot.journal.entries import consent_entry


def test_journal_lists_a_consent_in_words_and_takes_a_limit(autopilot_home):
    journal = Journal(Path(autopilot_home) / "data" / "journal.sqlite3")
    try:
        journal.append(consent_entry(["Passeport", "Permis de conduire"], "2026-11-29", "0" * 64,
                                     CAMILLE, mediateur="Camille Martin", sandbox=False))
        for _ in range(6):
            journal.append(entry())

        listed = autopilot("journal", "list", "--limit", "7")
        assert listed.returncode == 0, listed.stderr
        consent = listed.stdout.splitlines()[0]
        assert "accord de l'usager (réel)" in consent and "pour : Passeport, Permis de conduire" in consent
        assert "(texte du 2026-11-29)" in consent
        assert "{" not in listed.stdout and "'perimetre'" not in listed.stdout  # not Python's repr

        short = autopilot("journal", "--limit", "5")  # the README's spelling, without « list »
        assert short.returncode == 0, short.stderr
        assert len(short.stdout.splitlines()) == 5
        assert len(autopilot("journal", "list", "--limit", "2").stdout.splitlines()) == 2

        wrong = autopilot("journal", "--limit", "cinq")
        assert wrong.returncode != 0 and "Traceback" not in wrong.stderr
        assert "invalid" not in wrong.stderr and "cinq" in wrong.stderr
    finally:
        forget(journal)


def test_the_export_says_the_sandbox_runs_are_not_counted(autopilot_home, tmp_path):
    journal = Journal(Path(autopilot_home) / "data" / "journal.sqlite3")
    try:
        for _ in range(10):
            journal.append(entry(sandbox=True))
        month = journal.entries()[-1].created_at[:7]

        printed = autopilot("journal", "export", "--month", month)
        assert printed.returncode == 0, printed.stderr
        assert printed.stdout.splitlines()[0] == "mois;demarche;issue;nombre"  # the CSV stays pure
        assert printed.stdout.splitlines()[1] == ""  # no real démarche: the header only
        assert (f"aucune démarche réelle en {month} : seul l'en-tête est écrit ;"
                " 10 démarche(s) du bac à sable (formation) non comptée(s)") in printed.stderr

        journal.append(entry())
        out = tmp_path / "stats.csv"
        written = autopilot("journal", "export", "--month", month, "--out", str(out))
        assert written.returncode == 0, written.stderr
        assert (f"écrites dans {out} : 1 démarche(s) réelle(s) comptée(s) ;"
                " 10 démarche(s) du bac à sable (formation) non comptée(s).") in written.stdout
    finally:
        forget(journal)


def test_a_value_says_where_it_comes_from_in_the_mediators_words(library, run_demarche, sandbox, scans):
    from autopilot.flows.inputs import source_label

    account = library.find("compte-ants").flow
    assert source_label(account, ("compte", "identifiant")) == "compte de la mairie — identifiant"
    # What the panel prints after « Source : » for every field of a whole démarche: the mairie's
    # account logged in with its password, fixed choices, the citizen's data and scans.
    sandbox.today = date(2026, 11, 15)
    result, approver, _ = run_demarche("permis-demande", demande("deterioration"))
    assert result.outcome is Outcome.COMPLETED, result.error
    printed = {row["source"] for view in approver.seen
               for row in panel_state(view, seq=1, token="t", decidable=True, collapsed=False)["fields"]}
    assert {"compte de la mairie — mot de passe enregistré sur ce poste", "valeur prévue par la démarche",
            "Identité — Nom de naissance"} <= printed, printed
    for source in printed:
        for technical in ("valeur fixe du flow", "trousseau", "flow", "{{", "usager.", "_"):
            assert technical not in source, source
