"""The journal: one append-only entry per démarche run, chained by hashes (SQLite).

Who did what, for whom, when — without the citizen's identity: an entry keeps a pseudonym
(initials and year of birth by default), the flow and its version, the outcome, the step
where it ended, the reference numbers obtained and the duration. The database refuses
UPDATE and DELETE (triggers); each entry carries the hash of the previous one, so
`verify` names the first entry that was altered. Only `purge` deletes, entries past the
retention period, and it records itself with the hash it anchors the chain on.
"""

from __future__ import annotations

import calendar
import contextlib
import csv
import hashlib
import io
import json
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from autopilot.engine.runner import Outcome, RunResult
from autopilot.errors import JournalError
from autopilot.flows.model import Flow
from autopilot.paths import data_dir

GENESIS = "0" * 64
DEMARCHE = "demarche"
PURGE = "purge"
CONSENT = "consentement"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
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
);
CREATE TABLE IF NOT EXISTS purge_in_progress (since INTEGER);
CREATE TRIGGER IF NOT EXISTS entries_no_update BEFORE UPDATE ON entries
BEGIN SELECT RAISE(ABORT, 'journal en ajout seul : modification refusée'); END;
CREATE TRIGGER IF NOT EXISTS entries_no_delete BEFORE DELETE ON entries
WHEN NOT EXISTS (SELECT 1 FROM purge_in_progress)
BEGIN SELECT RAISE(ABORT, 'journal en ajout seul : suppression refusée'); END;
"""

_FIELDS = ("created_at", "action", "mediateur", "flow_id", "flow_version", "sandbox", "outcome", "step", "refs",
           "duration_s", "usager", "consent_hash", "details")


@dataclass(frozen=True)
class Entry:
    """One line of the journal, as stored."""

    action: str
    created_at: str = ""
    mediateur: str | None = None
    flow_id: str | None = None
    flow_version: int | None = None
    sandbox: bool = False
    outcome: str | None = None
    step: str | None = None
    refs: dict[str, str] = field(default_factory=dict)
    duration_s: float | None = None
    usager: str | None = None
    consent_hash: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    id: int | None = None
    prev_hash: str = ""
    hash: str = ""

    def digest(self, prev_hash: str) -> str:
        """The hash of this entry chained on `prev_hash`."""
        content = {name: getattr(self, name) for name in _FIELDS}
        content["sandbox"] = bool(content["sandbox"])
        payload = json.dumps({"id": self.id, "prev": prev_hash, **content}, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Verdict:
    """The result of `verify`: ok, or the first entry that breaks the chain."""

    checked: int
    broken_at: int | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def pseudonym(values: Mapping[str, Any], mode: str = "initiales_annee") -> str | None:
    """The citizen as the journal names them: « C.L. 1985 » by default, never the identity."""
    if mode == "aucun":
        return None
    for value in values.values():
        if isinstance(value, Mapping) and "nom_naissance" in value and "date_naissance" in value:
            first = (value.get("prenoms") or "?").strip()[:1].upper()
            last = (value.get("nom_usage") or value.get("nom_naissance") or "?").strip()[:1].upper()
            year = str(value.get("date_naissance") or "")[-4:]
            return f"{first}.{last}. {year}".strip()
    return None


def run_entry(flow: Flow, values: Mapping[str, Any], result: RunResult, *, mediateur: str | None, sandbox: bool,
              duration_s: float, pseudonyms: str = "initiales_annee", consent_hash: str | None = None) -> Entry:
    """The entry for one démarche run: outcome, where it ended, references — the citizen pseudonymised.

    `consent_hash`: the SHA-256 of the agreement's text the citizen accepted (the console).
    """
    return Entry(
        DEMARCHE,
        mediateur=mediateur,
        flow_id=flow.id,
        flow_version=flow.version,
        sandbox=sandbox,
        outcome=str(result.outcome),
        step=result.step if result.outcome is not Outcome.COMPLETED else None,
        refs={name: value for name, value in result.outputs.items()
              if name not in flow.outputs or flow.outputs[name].journal},
        duration_s=round(duration_s, 1),
        usager=pseudonym(values, pseudonyms),
        details={"erreur": result.error.code} if result.error is not None else {},
        consent_hash=consent_hash,
    )


def consent_entry(scope: Sequence[str], version: str, text_hash: str, values: Mapping[str, Any], *,
                  mediateur: str | None, sandbox: bool, pseudonyms: str = "initiales_annee") -> Entry:
    """The entry for the citizen's agreement to the démarches of `scope` (categories), for the visit.

    `consent_hash` is the SHA-256 of the text's file (version `version`), as in every démarche
    entry done under this agreement.
    """
    return Entry(
        CONSENT,
        mediateur=mediateur,
        sandbox=sandbox,
        usager=pseudonym(values, pseudonyms),
        consent_hash=text_hash,
        details={"perimetre": list(scope), "modele": version},
    )


class Journal:
    """The journal file; each call opens its own short transaction (several processes may write)."""

    def __init__(self, path: Path | None = None, *, clock: Callable[[], datetime] = lambda: datetime.now(UTC)):
        self.path = path or data_dir() / "journal.sqlite3"
        self.clock = clock

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            connection.execute("PRAGMA busy_timeout = 30000")
            connection.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as error:
            raise _unwritable(self.path, error) from None
        connection.row_factory = sqlite3.Row
        return connection

    @contextlib.contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """A connection holding the write lock (one writer at a time: no entry lost, no fork).

        Commits when the block ends normally; any database error becomes a JournalError.
        """
        connection = self._connect()
        try:
            connection.execute("BEGIN IMMEDIATE")
            yield connection
            if connection.in_transaction:
                connection.execute("COMMIT")
        except sqlite3.Error as error:
            raise _unwritable(self.path, error) from None
        finally:
            connection.close()

    def check_writable(self) -> None:
        """JournalError now, before a démarche starts, if no entry could be written at its end."""
        with self._writing() as connection:
            connection.execute("INSERT INTO purge_in_progress (since) VALUES (NULL)")
            connection.execute("ROLLBACK")

    def append(self, entry: Entry) -> Entry:
        """Write one entry at the end of the chain; returns it with id, date and hashes."""
        with self._writing() as connection:
            last = connection.execute("SELECT id, hash FROM entries ORDER BY id DESC LIMIT 1").fetchone()
            anchor = self._anchor(connection)
            prev_hash = last["hash"] if last else anchor
            next_id = (last["id"] if last else self._last_purged(connection)) + 1
            stamped = _replace(entry, id=next_id, created_at=entry.created_at or self.clock().isoformat(timespec="seconds"))
            stored = _replace(stamped, prev_hash=prev_hash, hash=stamped.digest(prev_hash))
            connection.execute(
                f"INSERT INTO entries (id, {', '.join(_FIELDS)}, prev_hash, hash) VALUES ({', '.join('?' * (len(_FIELDS) + 3))})",
                (stored.id, *[_column(stored, name) for name in _FIELDS], stored.prev_hash, stored.hash),
            )
        return stored

    def entries(self, *, limit: int | None = None) -> list[Entry]:
        """Entries, newest last (the last `limit` ones when given)."""
        connection = self._connect()
        try:
            rows = connection.execute("SELECT * FROM entries ORDER BY id").fetchall()
        finally:
            connection.close()
        entries = [_entry(row) for row in rows]
        return entries[-limit:] if limit else entries

    def verify(self) -> Verdict:
        """Recompute the chain; name the first entry whose content or link does not match."""
        connection = self._connect()
        try:
            rows = connection.execute("SELECT * FROM entries ORDER BY id").fetchall()
            prev_hash = self._anchor(connection, before=rows[0]["id"] if rows else None)
        finally:
            connection.close()
        for row in rows:
            entry = _entry(row)
            if entry.prev_hash != prev_hash:
                return Verdict(len(rows), entry.id, "le lien avec l'entrée précédente est rompu (entrée supprimée ou insérée)")
            if entry.digest(prev_hash) != entry.hash:
                return Verdict(len(rows), entry.id, "son contenu a été modifié")
            prev_hash = entry.hash
        return Verdict(len(rows))

    def purge(self, *, months: int, mediateur: str | None = None) -> Entry:
        """Delete entries older than `months`, then record the purge (anchoring the chain)."""
        cutoff = _months_before(self.clock(), months).isoformat(timespec="seconds")
        with self._writing() as connection:
            old = connection.execute(
                "SELECT id, hash FROM entries WHERE created_at < ? AND id < (SELECT MAX(id) FROM entries) ORDER BY id",
                (cutoff,),
            ).fetchall()
            last_purged = old[-1] if old else None
            if last_purged is not None:
                connection.execute("INSERT INTO purge_in_progress (since) VALUES (?)", (last_purged["id"],))
                connection.execute("DELETE FROM entries WHERE id <= ?", (last_purged["id"],))
                connection.execute("DELETE FROM purge_in_progress")
        details = {"supprimees": len(old), "avant": cutoff}
        if last_purged is not None:
            details.update(jusqua=last_purged["id"], ancre=last_purged["hash"])
        return self.append(Entry(PURGE, mediateur=mediateur, details=details))

    def monthly_counts(self, month: str, *, sandbox: bool | None = None) -> list[tuple[str, str, int]]:
        """(flow, outcome, count) for the démarches of month `AAAA-MM` (only sandbox or real ones if given)."""
        counts: dict[tuple[str, str], int] = {}
        for entry in self.entries():
            if sandbox is not None and entry.sandbox != sandbox:
                continue
            if entry.action == DEMARCHE and entry.created_at.startswith(month):
                key = (entry.flow_id or "?", entry.outcome or "?")
                counts[key] = counts.get(key, 0) + 1
        return [(flow, outcome, n) for (flow, outcome), n in sorted(counts.items())]

    def export_month(self, month: str) -> str:
        """The month's counts of real démarches per démarche and outcome as CSV — no personal data.

        Training runs on the sandbox are not the mairie's activity: they are left out.
        """
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\n")
        writer.writerow(["mois", "demarche", "issue", "nombre"])
        for flow, outcome, count in self.monthly_counts(month, sandbox=False):
            writer.writerow([month, flow, outcome, count])
        return out.getvalue()

    @staticmethod
    def _anchor(connection: sqlite3.Connection, before: int | None = None) -> str:
        """Where the chain starts: the hash anchored by the latest purge, or the genesis."""
        for row in connection.execute("SELECT details FROM entries WHERE action = ? ORDER BY id DESC", (PURGE,)):
            details = json.loads(row["details"])
            if "ancre" in details and (before is None or details["jusqua"] < before):
                return details["ancre"]
        return GENESIS

    @staticmethod
    def _last_purged(connection: sqlite3.Connection) -> int:
        row = connection.execute("SELECT seq FROM sqlite_sequence WHERE name = 'entries'").fetchone()
        return row[0] if row else 0


def _replace(entry: Entry, **changes: Any) -> Entry:
    return Entry(**{**asdict(entry), **changes})


def _column(entry: Entry, name: str) -> Any:
    value = getattr(entry, name)
    if name in ("refs", "details"):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if name == "sandbox":
        return int(bool(value))
    return value


def _entry(row: sqlite3.Row) -> Entry:
    data = dict(row)
    data["refs"] = json.loads(data["refs"])
    data["details"] = json.loads(data["details"])
    data["sandbox"] = bool(data["sandbox"])
    return Entry(**data)


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
