"""The journal: append-only, chained, verifiable, purged after the retention period,
safe with two writers, and never holding the citizen's identity."""

from __future__ import annotations

import multiprocessing
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from citizens import CAMILLE
from test_cli import autopilot

from autopilot import credentials
from autopilot.errors import JournalError
from autopilot.journal import DEMARCHE, PURGE, Entry, Journal, pseudonym
from autopilot.journal.store import KEYRING


class Clock:
    """The only scripted part here: the date."""

    def __init__(self, when: str) -> None:
        self.now = datetime.fromisoformat(when).replace(tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def entry(flow: str = "passeport-pre-demande", outcome: str = "terminée", **extra) -> Entry:
    return Entry(DEMARCHE, flow_id=flow, flow_version=1, outcome=outcome, mediateur="Camille Martin",
                 usager="C.L. 1985", **extra)


@pytest.fixture
def journal(tmp_path) -> Journal:
    return Journal(tmp_path / "journal.sqlite3", clock=Clock("2026-11-29T10:00:00"))


def test_entries_are_chained_and_verify(journal):
    first = journal.append(entry(refs={"numero_predemande": "AB12CD34EF"}))
    second = journal.append(entry(outcome="interrompue", step="Filiation"))

    assert first.prev_hash == "0" * 64 and second.prev_hash == first.hash
    assert [e.id for e in journal.entries()] == [1, 2]
    assert journal.entries()[0].refs == {"numero_predemande": "AB12CD34EF"}
    assert journal.verify().ok and journal.verify().checked == 2


@pytest.mark.parametrize("statement", [
    "UPDATE entries SET outcome = 'terminée' WHERE id = 2",
    "DELETE FROM entries WHERE id = 1",
])
def test_the_database_refuses_updates_and_deletions(journal, statement):
    journal.append(entry())
    journal.append(entry(outcome="échec"))
    with sqlite3.connect(journal.path) as connection, pytest.raises(sqlite3.IntegrityError, match="ajout seul"):
        connection.execute(statement)


def tamper(journal: Journal, statement: str) -> None:
    """What someone with the file could do: drop the guards, then edit."""
    with sqlite3.connect(journal.path) as connection:
        connection.execute("DROP TRIGGER entries_no_update")
        connection.execute("DROP TRIGGER entries_no_delete")
        connection.execute(statement)


def test_an_edited_entry_is_named(journal):
    for outcome in ("terminée", "échec", "terminée"):
        journal.append(entry(outcome=outcome))
    tamper(journal, "UPDATE entries SET outcome = 'terminée' WHERE id = 2")

    verdict = journal.verify()
    assert (verdict.broken_at, verdict.reason) == (2, "son contenu a été modifié")


def test_a_removed_entry_is_noticed_at_the_next_one(journal):
    for _ in range(3):
        journal.append(entry())
    tamper(journal, "DELETE FROM entries WHERE id = 2")

    verdict = journal.verify()
    assert verdict.broken_at == 3
    assert verdict.reason.startswith("le lien avec l'entrée précédente est rompu")


def test_journal_verify_command_fails_on_a_tampered_journal(autopilot_home):
    journal = Journal(Path(autopilot_home) / "data" / "journal.sqlite3")
    journal.append(entry())
    done = autopilot("journal", "verify")
    assert done.returncode == 0 and done.stdout.startswith("Journal intact : ")
    tamper(journal, "UPDATE entries SET mediateur = 'Quelqu''un' WHERE id = (SELECT MIN(id) FROM entries)")
    done = autopilot("journal", "verify")
    assert done.returncode == 9
    assert "ne correspond plus à son empreinte (son contenu a été modifié)" in done.stderr
    forget(journal)  # the session-wide folder goes back to a clean journal


def forget(journal: Journal) -> None:
    """Remove a test's journal file and the head the keyring keeps for it (a fresh journal)."""
    journal.path.unlink()
    credentials.delete(KEYRING, journal.head_name())


def test_purge_removes_old_entries_and_records_itself(journal):
    clock = journal.clock
    clock.now = datetime(2025, 6, 1, tzinfo=UTC)
    journal.append(entry())
    journal.append(entry())
    clock.now = datetime(2026, 11, 1, tzinfo=UTC)
    journal.append(entry(outcome="échec"))
    clock.now = datetime(2026, 11, 29, tzinfo=UTC)

    purge = journal.purge(months=12, mediateur="Sacha Bernard")

    assert [e.id for e in journal.entries()] == [3, 4]
    assert purge.action == PURGE and purge.details["supprimees"] == 2 and purge.details["jusqua"] == 2
    assert journal.verify().ok
    journal.append(entry())
    assert journal.verify().ok and journal.entries()[-1].id == 5


def test_the_monthly_export_has_counts_and_no_personal_data(journal):
    journal.append(entry(refs={"numero_predemande": "AB12CD34EF"}))
    journal.append(entry())
    journal.append(entry(outcome="interrompue", step="Récapitulatif"))
    journal.append(entry(flow="cni-pre-demande"))
    journal.append(entry(flow="cni-suivi", sandbox=True))  # training: not the mairie's activity
    journal.clock.now = datetime(2026, 12, 2, tzinfo=UTC)
    journal.append(entry())

    assert journal.export_month("2026-11") == (
        "mois;demarche;issue;nombre\n"
        "2026-11;cni-pre-demande;terminée;1\n"
        "2026-11;passeport-pre-demande;interrompue;1\n"
        "2026-11;passeport-pre-demande;terminée;2\n"
        "\n"
        "temoin;entree;empreinte\n"  # the journal's head, a witness kept outside the database (ADR 0009)
        f"journal;6;{journal.entries()[-1].hash}\n"
    )


def _write_many(path: str, count: int) -> None:
    journal = Journal(Path(path))
    for _ in range(count):
        journal.append(entry())


def test_two_writers_at_once_lose_no_entry(tmp_path):
    path = str(tmp_path / "journal.sqlite3")
    writers = [multiprocessing.Process(target=_write_many, args=(path, 40)) for _ in range(2)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(60)
    journal = Journal(Path(path))
    assert [e.id for e in journal.entries()] == list(range(1, 81))
    assert journal.verify().ok


def test_an_unwritable_journal_stops_the_demarche_before_it_starts(sandbox, tmp_path):
    data = tmp_path / "usager.yaml"
    data.write_text(yaml.safe_dump(CAMILLE, allow_unicode=True), encoding="utf-8")
    done = autopilot("run", "passeport-pre-demande", "--data", str(data), "--sandbox-url", sandbox.address,
                     "--headless", "--approve-all", env={"AUTOPILOT_HOME": "/proc/autopilot-lecture-seule"})
    assert done.returncode == 9
    assert done.stderr.startswith("Erreur : Le journal (/proc/autopilot-lecture-seule/data/journal.sqlite3)"
                                  " ne peut pas être écrit")
    assert "Aucune démarche ne commence tant que le journal ne peut pas l'enregistrer." in done.stderr
    assert sandbox.received() == []
    with pytest.raises(JournalError):
        Journal(Path("/proc/autopilot-lecture-seule/journal.sqlite3")).check_writable()


def test_the_citizen_is_a_pseudonym():
    values = {"usager": {"nom_naissance": "Lefèvre", "nom_usage": None, "prenoms": "Camille, Louise",
                         "date_naissance": "14/07/1985"}}
    assert pseudonym(values) == "C.L. 1985"
    assert pseudonym(values, "aucun") is None
    assert pseudonym({"motif": "perte"}) is None


def test_each_run_leaves_exactly_one_entry(sandbox, tmp_path, autopilot_home):
    data = tmp_path / "usager.yaml"
    data.write_text(yaml.safe_dump(CAMILLE, allow_unicode=True), encoding="utf-8")
    journal = Journal(Path(autopilot_home) / "data" / "journal.sqlite3")
    before = len(journal.entries())
    done = autopilot("run", "passeport-pre-demande", "--data", str(data), "--sandbox-url", sandbox.address,
                     "--headless", "--approve-all")
    assert done.returncode == 0, done.stderr
    entries = journal.entries()
    assert len(entries) == before + 1
    last = entries[-1]
    [record] = sandbox.received()
    assert (last.flow_id, last.outcome, last.step, last.sandbox, last.mediateur, last.usager) == (
        "passeport-pre-demande", "terminée", None, True, "Formation", "C.L. 1985")
    assert last.refs == {"numero_predemande": record["numero_predemande"]}
    raw = journal.path.read_bytes()
    for personal in ("Lefèvre", "Camille", "14/07/1985", "Rennes", "0612345678"):
        assert personal.encode() not in raw
    assert journal.verify().ok
