"""The journal's keyed chain against someone who holds the database file but not the session's
keyring: every cut, rewrite or forgery is named by `journal verify`, in French."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from test_cli import autopilot
from test_journal import Clock, entry, forget

from autopilot.journal import PURGE, Journal
from autopilot.journal.export import witnesses


@pytest.fixture
def journal(tmp_path) -> Journal:
    return Journal(tmp_path / "journal.sqlite3", clock=Clock("2026-11-29T10:00:00"))


def written(journal: Journal, count: int = 5) -> list:
    return [journal.append(entry(outcome=("terminée", "échec")[n % 2])) for n in range(count)]


def sql(journal: Journal, *statements: str) -> None:
    """What someone with the file can do: drop the guards, then edit, in plain SQLite."""
    connection = sqlite3.connect(journal.path)
    try:
        for statement in statements:
            connection.execute(statement)
        connection.commit()
    finally:
        connection.close()


UNGUARDED = ("DROP TRIGGER IF EXISTS entries_no_update", "DROP TRIGGER IF EXISTS entries_no_delete")


def message(journal: Journal) -> str:
    verdict = journal.verify()
    assert not verdict.ok, "the tampering went unnoticed"
    return verdict.message


def test_deleting_the_last_entry_is_caught(journal):
    written(journal)
    sql(journal, *UNGUARDED, "DELETE FROM entries WHERE id = 5")
    assert "l'entrée 5 a été supprimée" in message(journal)


def test_deleting_the_last_three_entries_is_caught(journal):
    written(journal)
    sql(journal, *UNGUARDED, "DELETE FROM entries WHERE id >= 3")
    assert "les entrées 3 à 5 ont été supprimées" in message(journal)


def test_deleting_every_entry_is_caught(journal):
    written(journal)
    sql(journal, *UNGUARDED, "DELETE FROM entries")
    assert "les entrées 1 à 5 ont été supprimées" in message(journal)


def test_deleting_the_file_is_caught(journal):
    written(journal)
    journal.path.unlink()
    assert "les entrées 1 à 5 ont été supprimées" in message(journal)


def test_ids_are_never_reused(journal):
    written(journal, 3)
    sql(journal, *UNGUARDED, "DELETE FROM entries WHERE id = 3", "UPDATE sqlite_sequence SET seq = 2")
    assert journal.append(entry()).id == 4
    assert "l'entrée 3 manque" in message(journal)


def test_the_purge_table_no_longer_opens_the_delete_guard(journal):
    written(journal, 3)
    connection = sqlite3.connect(journal.path)
    try:
        with pytest.raises(sqlite3.Error):  # the old back door: a row here let DELETE through
            connection.execute("INSERT INTO purge_in_progress (since) VALUES (1)")
        with pytest.raises(sqlite3.IntegrityError, match="ajout seul"):
            connection.execute("DELETE FROM entries WHERE id = 3")
    finally:
        connection.close()


@pytest.mark.parametrize("trigger", ["entries_no_update", "entries_no_delete"])
def test_a_missing_guard_is_caught(journal, trigger):
    written(journal, 2)
    sql(journal, f"DROP TRIGGER {trigger}")
    assert f"le garde-fou « {trigger} » de la base a été supprimé ou modifié" in message(journal)


def test_a_weakened_guard_is_caught(journal):
    written(journal, 2)
    sql(journal, "DROP TRIGGER entries_no_delete",
        "CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries WHEN 0 BEGIN SELECT RAISE(ABORT, 'x'); END")
    assert "le garde-fou « entries_no_delete » de la base a été supprimé ou modifié" in message(journal)


def legacy_hash(row: dict, prev: str) -> str:
    """How the journal hashed entries before its chain was keyed (anyone can recompute it)."""
    content = {name: row[name] for name in ("created_at", "action", "mediateur", "flow_id", "flow_version",
                                            "sandbox", "outcome", "step", "refs", "duration_s", "usager",
                                            "consent_hash", "details")}
    content["sandbox"] = bool(content["sandbox"])
    content["refs"], content["details"] = json.loads(content["refs"]), json.loads(content["details"])
    payload = json.dumps({"id": row["id"], "prev": prev, **content}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def rehash_everything(path: Path, *edits: str) -> None:
    """Edit, then recompute every hash of the chain the way the old, unkeyed journal did."""
    connection = sqlite3.connect(path)
    connection.row_factory = sqlite3.Row
    try:
        for statement in (*UNGUARDED, *edits):
            connection.execute(statement)
        prev = "0" * 64
        for row in connection.execute("SELECT * FROM entries ORDER BY id").fetchall():
            digest = legacy_hash(dict(row), prev)
            connection.execute("UPDATE entries SET prev_hash = ?, hash = ? WHERE id = ?", (prev, digest, row["id"]))
            prev = digest
        connection.commit()
    finally:
        connection.close()


def test_recomputing_every_hash_is_caught(journal):
    written(journal, 4)
    rehash_everything(journal.path, "UPDATE entries SET outcome = 'terminée' WHERE id = 2")
    assert "n'est pas signée par la clé du journal" in message(journal)


def test_a_forged_purge_cannot_anchor_the_chain(journal):
    """Delete the first entries, then add a purge record naming the deleted entry's hash as anchor."""
    first = written(journal, 4)
    forged = {"supprimees": 2, "avant": "2026-11-29T10:00:00", "jusqua": 2, "ancre": first[1].hash}
    sql(journal, *UNGUARDED, "DELETE FROM entries WHERE id <= 2",
        "INSERT INTO entries (created_at, action, details, prev_hash, hash) VALUES "
        f"('2026-11-29T10:00:00', '{PURGE}', '{json.dumps(forged)}', '{first[3].hash}', '{'ab' * 32}')")
    text = message(journal)
    assert "n'est pas signée par la clé du journal" in text or "l'entrée 3 n'a pas d'ancrage" in text


def test_a_real_purge_still_verifies(journal):
    journal.clock.now = datetime(2025, 6, 1, tzinfo=UTC)
    written(journal, 3)
    journal.clock.now = datetime(2026, 11, 29, tzinfo=UTC)
    journal.append(entry())
    journal.purge(months=12)
    verdict = journal.verify()
    assert verdict.ok, verdict.message
    assert [e.id for e in journal.entries()] == [4, 5]


def test_verify_names_the_tampering_in_french_on_the_command_line(autopilot_home):
    journal = Journal(Path(autopilot_home) / "data" / "journal.sqlite3")
    written(journal, 3)
    done = autopilot("journal", "verify")
    assert done.returncode == 0, done.stderr
    last = journal.entries()[-1].id
    sql(journal, *UNGUARDED, f"DELETE FROM entries WHERE id = {last}")
    done = autopilot("journal", "verify")
    assert done.returncode == 9
    assert done.stderr.startswith(f"Erreur : Journal altéré : l'entrée {last} a été supprimée")
    assert "Ne réparez rien" in done.stderr
    forget(journal)  # the session-wide folder goes back to a clean journal


def test_the_monthly_export_carries_the_head_as_a_witness(journal):
    journal.append(entry())
    last = journal.append(entry())
    text = journal.export_month("2026-11")
    assert text.endswith(f"\ntemoin;entree;empreinte\njournal;{last.id};{last.hash}\n")
    assert witnesses(text) == [(last.id, last.hash)]
    assert journal.verify(witnesses=witnesses(text)).ok
    sql(journal, *UNGUARDED, f"DELETE FROM entries WHERE id = {last.id}")
    assert f"l'entrée {last.id} a été supprimée" in message(journal)


def test_a_witness_from_an_export_catches_a_rewritten_history(journal):
    """Even with the keyring's head lost, an export's witness names the entry that changed."""
    written(journal, 3)
    witness = (2, journal.entries()[1].hash)
    rehash_everything(journal.path, "UPDATE entries SET outcome = 'échec' WHERE id = 2")
    verdict = journal.verify(witnesses=[witness])
    assert not verdict.ok and "l'entrée 2 ne correspond plus au témoin" in verdict.message


def test_journal_verify_does_not_load_the_browser_library():
    probe = ("import sys, autopilot.cli.journal_command, autopilot.journal;"
             "assert 'playwright' not in sys.modules, sorted(m for m in sys.modules if 'playwright' in m)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


OLD_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL, action TEXT NOT NULL, mediateur TEXT,
    flow_id TEXT, flow_version INTEGER, sandbox INTEGER NOT NULL DEFAULT 0, outcome TEXT, step TEXT,
    refs TEXT NOT NULL DEFAULT '{}', duration_s REAL, usager TEXT, consent_hash TEXT,
    details TEXT NOT NULL DEFAULT '{}', prev_hash TEXT NOT NULL, hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS purge_in_progress (since INTEGER);
CREATE TRIGGER IF NOT EXISTS entries_no_update BEFORE UPDATE ON entries
BEGIN SELECT RAISE(ABORT, 'journal en ajout seul : modification refusée'); END;
CREATE TRIGGER IF NOT EXISTS entries_no_delete BEFORE DELETE ON entries
WHEN NOT EXISTS (SELECT 1 FROM purge_in_progress)
BEGIN SELECT RAISE(ABORT, 'journal en ajout seul : suppression refusée'); END;
"""


def old_journal(path: Path, count: int) -> None:
    """A journal as the code before the keyed chain wrote it (the mairie's PC has one)."""
    connection = sqlite3.connect(path)
    try:
        connection.executescript(OLD_SCHEMA)
        for n in range(count):
            connection.execute(
                "INSERT INTO entries (created_at, action, mediateur, flow_id, flow_version, outcome, usager,"
                " prev_hash, hash) VALUES (?, 'demarche', 'Camille Martin', 'cni-pre-demande', 1, 'terminée',"
                " 'C.L. 1985', '', '')", (f"2026-10-0{n + 1}T09:00:00",))
        connection.commit()
    finally:
        connection.close()
    rehash_everything(path)
    connection = sqlite3.connect(path)
    connection.executescript(OLD_SCHEMA)  # its guards back, as the old code left them
    connection.close()


def test_an_old_journal_is_not_called_forged(tmp_path):
    path = tmp_path / "journal.sqlite3"
    old_journal(path, 3)
    journal = Journal(path, clock=Clock("2026-12-06T10:00:00"))

    verdict = journal.verify()
    assert verdict.ok, verdict.message
    assert verdict.unauthenticated == 3
    assert "3 entrée(s) non authentifiée(s) (écrites avant la clé du journal, pas encore ancrées)" in verdict.message


def test_an_old_journal_is_anchored_at_its_first_keyed_write(tmp_path):
    path = tmp_path / "journal.sqlite3"
    old_journal(path, 3)
    journal = Journal(path, clock=Clock("2026-12-06T10:00:00"))
    journal.append(entry())

    anchor, new = journal.entries()[3:]
    assert (anchor.id, anchor.action, new.id) == (4, "ancrage", 5)
    assert anchor.details == {"anterieures": 3, "jusqua": 3, "empreinte": journal.entries()[2].hash}
    verdict = journal.verify()
    assert verdict.ok, verdict.message
    assert verdict.message.startswith("Journal intact : 5 entrée(s) vérifiée(s), dont 3 entrée(s) non authentifiée(s)"
                                      " (écrites avant la clé du journal, ancrées le 2026-12-06).")
    # the old back door is gone, and the old entries are now bound by the anchor
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT name FROM sqlite_master WHERE name = 'purge_in_progress'").fetchall() == []
    rehash_everything(path, "UPDATE entries SET outcome = 'échec' WHERE id = 2")
    assert not journal.verify().ok


def resign_from(journal: Journal, first: int, *edits: str) -> None:
    """What someone holding the session's keyring can do (ADR 0009): edit, then sign every entry again
    from `first` with the journal's own key, and move the head the keyring keeps."""
    from autopilot import credentials
    from autopilot.journal.chain import Head
    from autopilot.journal.export import entry_from_row
    from autopilot.journal.store import KEY, KEYRING

    key = bytes.fromhex(credentials.lookup(KEYRING, KEY))
    connection = sqlite3.connect(journal.path)
    connection.row_factory = sqlite3.Row
    try:
        guards = [row["sql"] for row in connection.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger'")]
        for statement in (*UNGUARDED, *edits):
            connection.execute(statement)
        rows = connection.execute("SELECT * FROM entries ORDER BY id").fetchall()
        prev = rows[first - 2]["hash"] if first > 1 else "0" * 64
        for row in rows[first - 1:]:
            fields = {name: value for name, value in dict(row).items() if name not in ("prev_hash", "hash")}
            digest = entry_from_row(fields).mac(key, prev)
            connection.execute("UPDATE entries SET prev_hash = ?, hash = ? WHERE id = ?", (prev, digest, row["id"]))
            prev = digest
        for guard in guards:  # put back as they were: the database shows no trace of the edit
            connection.execute(guard)
        connection.commit()
    finally:
        connection.close()
    credentials.store(KEYRING, journal.head_name(), Head(rows[-1]["id"], prev).encode())


def test_journal_verify_temoin_catches_a_history_re_signed_with_the_keyring(tmp_path, monkeypatch):
    """The chain alone cannot see a rewrite signed with the stolen key; the export's witness can."""
    monkeypatch.setenv("AUTOPILOT_HOME", str(tmp_path / "home"))  # a journal of its own, whatever ran before
    journal = Journal(tmp_path / "home" / "data" / "journal.sqlite3")
    written(journal, 3)
    export = tmp_path / "export.csv"
    done = autopilot("journal", "export", "--month", "2026-11", "--out", str(export))
    assert done.returncode == 0, done.stderr
    done = autopilot("journal", "verify", "--temoin", str(export))
    assert done.returncode == 0, done.stderr
    assert f"Témoins concordants : 1 (dans {export})." in done.stdout

    resign_from(journal, 2, "UPDATE entries SET outcome = 'terminée', mediateur = 'Quelqu''un' WHERE id = 2")
    assert autopilot("journal", "verify").returncode == 0  # the chain alone is fooled
    done = autopilot("journal", "verify", "--temoin", str(export))
    assert done.returncode == 9
    assert done.stderr.startswith("Erreur : Journal altéré : l'entrée 3 ne correspond plus au témoin d'un export")
    assert "Traceback" not in done.stderr
    forget(journal)  # the session-wide folder goes back to a clean journal


@pytest.mark.parametrize("content, said", [
    (None, "fichier introuvable"),
    ("mois;demarche;issue;nombre\n", "aucun témoin (ligne « temoin;entree;empreinte »)"),
])
def test_journal_verify_temoin_refuses_a_file_without_a_witness(autopilot_home, tmp_path, content, said):
    given = tmp_path / "pas-un-export.csv"
    if content is not None:
        given.write_text(content, encoding="utf-8")
    done = autopilot("journal", "verify", "--temoin", str(given))
    assert done.returncode == 2
    assert done.stderr.startswith(f"Erreur : {given} : {said}")
    assert "Traceback" not in done.stderr
