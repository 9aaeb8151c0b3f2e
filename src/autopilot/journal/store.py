"""The journal's SQLite file: append-only, one writer at a time, its head kept in the keyring.

The database refuses UPDATE and DELETE (two triggers, the « garde-fous »); only `purge` deletes, the
entries past the retention period, by lifting the delete guard inside its own transaction. Each
entry is signed with the journal's key (HMAC-SHA256, `journal.chain`), its number is never given
twice, and the last entry's number and signature — the head — are written to the keyring in the
same transaction, so that cutting the end of the file shows (ADR 0009).
"""

from __future__ import annotations

import calendar
import contextlib
import hashlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from autopilot import credentials
from autopilot.errors import JournalError
from autopilot.journal import export
from autopilot.journal.chain import GENESIS, Head, Verdict, check, signed
from autopilot.journal.entries import ANCHOR, FIELDS, PURGE, Entry
from autopilot.paths import data_dir

KEYRING = "journal"  # the keyring's `autopilot:journal` entries: the key, and one head per journal file
KEY = "cle"

_TABLE = """CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    action TEXT NOT NULL,
    mediateur TEXT,
    flow_id TEXT,
    flow_version INTEGER,
    sandbox INTEGER NOT NULL DEFAULT 0,
    outcome TEXT,
    step TEXT,
    refs TEXT NOT NULL DEFAULT '{}',
    duration_s REAL,
    usager TEXT,
    consent_hash TEXT,
    details TEXT NOT NULL DEFAULT '{}',
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
)"""
GUARDS = {
    "entries_no_update": "CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries"
                         " BEGIN SELECT RAISE(ABORT, 'journal en ajout seul : modification refusée'); END",
    "entries_no_delete": "CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries"
                         " BEGIN SELECT RAISE(ABORT, 'journal en ajout seul : suppression refusée'); END",
}
# Before ADR 0009 a row in this table let DELETE through: anyone could insert one.
_LEGACY_DELETE_GUARD = ("CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries WHEN NOT EXISTS"
                        " (SELECT 1 FROM purge_in_progress) BEGIN SELECT RAISE(ABORT, 'journal en ajout seul :"
                        " suppression refusée'); END")


class Journal:
    """The journal file; each call opens its own short transaction (several processes may write)."""

    def __init__(self, path: Path | None = None, *, clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 signed: bool = True):
        self.path = path or data_dir() / "journal.sqlite3"
        self.clock = clock
        self.signed = signed  # False: the training journal of a machine without keyring (`for_runs`)
        self._key: bytes | None = None

    @classmethod
    def for_runs(cls, *, sandbox: bool) -> Journal:
        """The journal runs write to: the signed one; for the sandbox on a machine without any keyring
        (the demo on a bare server), a training journal of its own, unsigned, beside it."""
        if sandbox and not credentials.keyring_available():
            return cls(data_dir() / "journal-formation.sqlite3", signed=False)
        return cls()

    # --- writing --------------------------------------------------------------------

    def check_writable(self) -> None:
        """JournalError now, before a démarche starts, if no entry could be written at its end."""
        if self.signed:
            self._signing_key()
            self._head()
        with self._writing() as connection:
            connection.execute("INSERT INTO entries (created_at, action, prev_hash, hash) VALUES ('', '', '', '')")
            connection.execute("ROLLBACK")

    def append(self, entry: Entry) -> Entry:
        """Write one entry at the end of the chain; returns it with its number, date and signature."""
        with self._head_restored_on_failure() as moved, self._writing() as connection:
            return self._append(connection, entry, moved)

    def purge(self, *, months: int, mediateur: str | None = None) -> Entry:
        """Delete entries older than `months`, and record the purge (its signature anchors the chain)."""
        cutoff = _months_before(self.clock(), months).isoformat(timespec="seconds")
        with self._head_restored_on_failure() as moved, self._writing() as connection:
            if _guard_sql(connection, "entries_no_delete") != _normal(GUARDS["entries_no_delete"]):
                raise JournalError("Le garde-fou du journal a été modifié : la purge est refusée.",
                                   "Lancez `autopilot journal verify` et signalez-le au responsable de la mairie.")
            old = connection.execute(
                "SELECT id, hash FROM entries WHERE created_at < ? AND id < (SELECT MAX(id) FROM entries) ORDER BY id",
                (cutoff,),
            ).fetchall()
            details: dict[str, Any] = {"supprimees": len(old), "avant": cutoff}
            if old:
                connection.execute("DROP TRIGGER entries_no_delete")  # lifted inside this transaction only
                connection.execute("DELETE FROM entries WHERE id <= ?", (old[-1]["id"],))
                connection.execute(GUARDS["entries_no_delete"])
                details.update(jusqua=old[-1]["id"], ancre=old[-1]["hash"])
            return self._append(connection, Entry(PURGE, mediateur=mediateur, details=details), moved)

    def _append(self, connection: sqlite3.Connection, entry: Entry, moved: list[str | None]) -> Entry:
        """Sign and insert `entry`; the head moves to it (its previous value noted in `moved`)."""
        if not self.signed:
            return self._insert(connection, None, entry, _last(connection), None)
        key = self._signing_key()
        last = _last(connection)
        previous = credentials.lookup(KEYRING, self.head_name())
        head = Head.decode(previous)
        if last is not None and head is None and not signed(last, key):
            # a journal from before the key: its entries are bound as they are, by a signed anchor
            count = connection.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
            anchor = Entry(ANCHOR, details={"anterieures": count, "jusqua": last.id, "empreinte": last.hash})
            last = self._insert(connection, key, anchor, last, None)
        stored = self._insert(connection, key, entry, last, head)
        moved.append(previous)
        credentials.store(KEYRING, self.head_name(), Head(stored.id, stored.hash).encode())
        return stored

    def _insert(self, connection: sqlite3.Connection, key: bytes | None, entry: Entry, last: Entry | None,
                head: Head | None) -> Entry:
        """Insert `entry` after `last`, numbered after every number ever given (the head's included)."""
        sequence = connection.execute("SELECT seq FROM sqlite_sequence WHERE name = 'entries'").fetchone()
        number = max(sequence[0] if sequence else 0, last.id if last else 0, head.id if head else 0) + 1
        prev_hash = last.hash if last is not None else GENESIS
        stamped = entry.replace(id=number, created_at=entry.created_at or self.clock().isoformat(timespec="seconds"))
        digest = stamped.mac(key, prev_hash) if key is not None else stamped.legacy_digest(prev_hash)
        stored = stamped.replace(prev_hash=prev_hash, hash=digest)
        connection.execute(
            f"INSERT INTO entries (id, {', '.join(FIELDS)}, prev_hash, hash) VALUES ({', '.join('?' * (len(FIELDS) + 3))})",
            (stored.id, *[export.column(stored, name) for name in FIELDS], stored.prev_hash, stored.hash),
        )
        return stored

    # --- reading --------------------------------------------------------------------

    def entries(self, *, limit: int | None = None) -> list[Entry]:
        """Entries, newest last (the last `limit` ones when given)."""
        entries, _ = self._read()
        return entries[-limit:] if limit else entries

    def verify(self, *, witnesses: Iterable[tuple[int, str]] = ()) -> Verdict:
        """Check signatures, links, numbering, the head and the guards; name the first problem.

        `witnesses`: (entry number, signature) pairs read from monthly exports.
        """
        entries, guards = self._read()
        stored_key = credentials.lookup(KEYRING, KEY)
        verdict = check(entries, bytes.fromhex(stored_key) if stored_key else b"", self._head(), witnesses)
        if not verdict.ok and stored_key is None:
            return Verdict(verdict.checked, problem="la clé du journal n'est pas dans le trousseau de ce poste : ses"
                                                    " signatures ne peuvent pas être vérifiées (trousseau remplacé,"
                                                    " ou journal venu d'un autre poste)")
        if verdict.ok and entries:
            old_journal = verdict.unauthenticated == len(entries)
            for name, expected in GUARDS.items():
                allowed = {_normal(expected)} | ({_normal(_LEGACY_DELETE_GUARD)} if old_journal else set())
                if guards.get(name) not in allowed:
                    return Verdict(verdict.checked, problem=f"le garde-fou « {name} » de la base a été supprimé ou"
                                                            " modifié (il interdit de modifier ou supprimer une entrée)")
        return verdict

    def monthly_counts(self, month: str, *, sandbox: bool | None = None) -> list[tuple[str, str, int]]:
        """(flow, outcome, count) for the démarches of month `AAAA-MM` (only sandbox or real ones if given)."""
        return export.monthly_counts(self.entries(), month, sandbox=sandbox)

    def export_month(self, month: str) -> str:
        """The month's counts of real démarches as CSV — no personal data — and the journal's head as witness."""
        entries = self.entries()
        head = self._head() or (Head(entries[-1].id, entries[-1].hash) if entries else Head(0, GENESIS))
        return export.month_csv(entries, month, head)

    # --- the file and the keyring ----------------------------------------------------

    def _read(self) -> tuple[list[Entry], dict[str, str]]:
        """The entries and the guards' definitions, without creating or changing anything."""
        if not self.path.exists():
            return [], {}
        try:
            connection = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
            connection.row_factory = sqlite3.Row
            try:
                tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
                rows = connection.execute("SELECT * FROM entries ORDER BY id").fetchall() if "entries" in tables else []
                guards = {row["name"]: _normal(row["sql"]) for row in
                          connection.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")}
            finally:
                connection.close()
        except sqlite3.Error as error:
            raise JournalError(f"Le journal ({self.path}) ne peut pas être lu : {error}.",
                               "Vérifiez que le fichier est accessible ; ne le réparez pas vous-même.") from None
        return [_entry(row) for row in rows], guards

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            connection.execute("PRAGMA busy_timeout = 30000")
        except (OSError, sqlite3.Error) as error:
            raise _unwritable(self.path, error) from None
        connection.row_factory = sqlite3.Row
        return connection

    @contextlib.contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """A connection holding the write lock (one writer at a time: no entry lost, no fork).

        Creates or upgrades the schema first; commits when the block ends normally; any
        database error becomes a JournalError.
        """
        connection = self._connect()
        try:
            connection.execute("BEGIN IMMEDIATE")
            _prepare(connection)
            yield connection
            if connection.in_transaction:
                connection.execute("COMMIT")
        except sqlite3.Error as error:
            raise _unwritable(self.path, error) from None
        finally:
            connection.close()

    @contextlib.contextmanager
    def _head_restored_on_failure(self) -> Iterator[list[str | None]]:
        """The head goes back to what it was if the transaction that moved it did not commit."""
        moved: list[str | None] = []  # the head's value before this transaction moved it
        try:
            yield moved
        except JournalError:
            if moved:
                if moved[0] is None:
                    credentials.delete(KEYRING, self.head_name())
                else:
                    credentials.store(KEYRING, self.head_name(), moved[0])
            raise

    def _signing_key(self) -> bytes:
        if self._key is None:
            self._key = bytes.fromhex(credentials.generated(KEYRING, KEY))
        return self._key

    def head_name(self) -> str:
        """The keyring entry holding this file's head (one per journal file: tests write many, a mairie one)."""
        return "tete-" + hashlib.sha256(str(self.path.resolve()).encode("utf-8")).hexdigest()[:16]

    def _head(self) -> Head | None:
        if not self.signed:
            return None
        return Head.decode(credentials.lookup(KEYRING, self.head_name()))


def _prepare(connection: sqlite3.Connection) -> None:
    """A new file gets the table and its guards; a file from before ADR 0009 gets the new delete guard."""
    exists = connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'entries'").fetchone()
    if not exists:
        connection.execute(_TABLE)
        for sql in GUARDS.values():
            connection.execute(sql)
    elif _guard_sql(connection, "entries_no_delete") == _normal(_LEGACY_DELETE_GUARD):
        connection.execute("DROP TRIGGER entries_no_delete")
        connection.execute(GUARDS["entries_no_delete"])
    connection.execute("DROP TABLE IF EXISTS purge_in_progress")


def _last(connection: sqlite3.Connection) -> Entry | None:
    row = connection.execute("SELECT * FROM entries ORDER BY id DESC LIMIT 1").fetchone()
    return _entry(row) if row is not None else None


def _guard_sql(connection: sqlite3.Connection, name: str) -> str | None:
    row = connection.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (name,)).fetchone()
    return _normal(row[0]) if row is not None else None


def _normal(sql: str | None) -> str | None:
    return " ".join(sql.split()) if sql is not None else None


def _entry(row: sqlite3.Row) -> Entry:
    return export.entry_from_row(dict(row))


def _months_before(moment: datetime, months: int) -> datetime:
    year, index = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    day = min(moment.day, calendar.monthrange(year, index + 1)[1])
    return moment.replace(year=year, month=index + 1, day=day)


def _unwritable(path: Path, error: Exception) -> JournalError:
    return JournalError(
        f"Le journal ({path}) ne peut pas être écrit : {error}.",
        "Vérifiez que le disque n'est pas plein et que le dossier est accessible en écriture."
        " Aucune démarche ne commence tant que le journal ne peut pas l'enregistrer.",
    )
