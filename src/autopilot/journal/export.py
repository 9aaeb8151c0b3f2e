"""The journal's entries as rows and as the mairie's monthly statistics (CSV, no personal data).

Every export ends with the journal's head at the time — the last entry's number and signature —
as a witness kept outside the database: `Journal.verify(witnesses=…)` checks the journal still
holds that entry as it was (ADR 0009).
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Sequence
from typing import Any

from autopilot.journal.chain import Head
from autopilot.journal.entries import DEMARCHE, Entry

WITNESS_HEADER = ("temoin", "entree", "empreinte")


def column(entry: Entry, name: str) -> Any:
    """The value of field `name` as stored in its SQLite column."""
    value = getattr(entry, name)
    if name in ("refs", "details"):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if name == "sandbox":
        return int(bool(value))
    return value


def entry_from_row(row: dict[str, Any]) -> Entry:
    """An entry from its SQLite row."""
    row["refs"] = json.loads(row["refs"])
    row["details"] = json.loads(row["details"])
    row["sandbox"] = bool(row["sandbox"])
    return Entry(**row)


def monthly_counts(entries: Sequence[Entry], month: str, *, sandbox: bool | None = None) -> list[tuple[str, str, int]]:
    """(flow, outcome, count) for the démarches of month `AAAA-MM` (only sandbox or real ones if given)."""
    counts: dict[tuple[str, str], int] = {}
    for entry in entries:
        if sandbox is not None and entry.sandbox != sandbox:
            continue
        if entry.action == DEMARCHE and entry.created_at.startswith(month):
            key = (entry.flow_id or "?", entry.outcome or "?")
            counts[key] = counts.get(key, 0) + 1
    return [(flow, outcome, n) for (flow, outcome), n in sorted(counts.items())]


def month_csv(entries: Sequence[Entry], month: str, head: Head) -> str:
    """The month's counts of real démarches per démarche and outcome, then the head as witness.

    Training runs on the sandbox are not the mairie's activity: they are left out.
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["mois", "demarche", "issue", "nombre"])
    for flow, outcome, count in monthly_counts(entries, month, sandbox=False):
        writer.writerow([month, flow, outcome, count])
    writer.writerow([])
    writer.writerow(WITNESS_HEADER)
    writer.writerow(["journal", head.id, head.mac])
    return out.getvalue()


def witnesses(text: str) -> list[tuple[int, str]]:
    """The (entry number, signature) witnessed in an export's text; none if it holds no witness."""
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    found = []
    for header, values in itertools.pairwise(rows):
        if tuple(header) == WITNESS_HEADER and len(values) == 3 and values[1].isdigit():
            found.append((int(values[1]), values[2]))
    return found
