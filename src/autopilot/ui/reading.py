"""« Lire un document numérisé » in the citizen's form: a scan read, its values proposed, accepted one by one.

The reading's values are shown beside the form with their source and check (`autopilot.reading`);
only those the mediator ticks « Accepter » — as read or as corrected — go into the form's fields,
and the form is then started as usual: nothing from a reading reaches a site without the mediator.
The scans read are remembered for the end of the visit (`scans.Read`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from autopilot import scans
from autopilot.errors import DossierError
from autopilot.reading import Check, Proposal, Reading, ReadingFailed, ocr, read_document
from autopilot.ui.form import Section

CHOSEN = "_lecture_document"  # the select of the scanner folder's documents
READ = "lire"  # the button « Lire un document numérisé »
TAKE = "reprendre"  # the button « Reprendre les valeurs acceptées »
VALUE = "_lu."  # + field key: a proposed value, as the mediator may have corrected it
ACCEPTED = "_accepter"  # field keys ticked « Accepter »
UNEXPECTED = "Le document n'a pas pu être lu ({problem}) : saisissez les informations."


@dataclass(frozen=True)
class Row:
    """A proposal placed in the form: `key` is the form's field it fills, None when the form has none."""

    proposal: Proposal
    key: str | None

    @property
    def id(self) -> str:
        return "lu-" + (self.key or self.proposal.key).replace(".", "-")


@dataclass
class Shown:
    """What the form shows of a reading: the document read, its rows, or why it could not be."""

    name: str
    reading: Reading | None = None
    problem: str | None = None
    rows: tuple[Row, ...] = ()

    @property
    def in_form(self) -> list[Row]:
        return [row for row in self.rows if row.key is not None]

    @property
    def elsewhere(self) -> list[Row]:
        """Values read that this démarche does not ask (a document's number, its expiry…)."""
        return [row for row in self.rows if row.key is None and row.proposal.check is not Check.UNREADABLE]


def ocr_missing() -> str | None:
    """What to install for the MRZ, when this desk has no tesseract (the 2D-Doc reads without it)."""
    return None if ocr.available() else ocr.MISSING


def targets(sections: Sequence[Section], known: Mapping[str, object]) -> dict[tuple[str, str], str]:
    """(model type, field) → the form's field key, for the inputs still to fill (first of each type)."""
    found: dict[tuple[str, str], str] = {}
    for section in sections:
        if not section.record or section.name in known:
            continue
        for item in section.fields:
            found.setdefault((section.type, item.name), item.key)
    return found


def read(name: str, sections: Sequence[Section], known: Mapping[str, object], used: scans.Read) -> Shown:
    """Read the scan `name` of the scanner folder (`used`'s) and place its proposals in the form."""
    try:
        path: Path = scans.find(name, label="Document à lire", where=used.where)
    except DossierError as error:
        message = error.problems[0].message
        return Shown(name, problem=message[:1].upper() + message[1:])
    used.add(name)  # read or not, the citizen's document was opened: it is listed at the visit's end
    try:
        reading = read_document(path)
    except ReadingFailed as error:
        return Shown(name, problem=error.message)
    except Exception as error:  # a library's failure on a strange file: said in French, the form stays usable
        return Shown(name, problem=UNEXPECTED.format(problem=type(error).__name__))
    places = targets(sections, known)
    return Shown(name, reading, rows=tuple(Row(p, places.get(p.target)) for p in reading.proposals))


def take(posted: Mapping[str, str], accepted: Sequence[str], keys: Sequence[str]) -> tuple[dict[str, str], int]:
    """The form with the accepted values in their fields (as corrected); and how many were taken."""
    form = {k: v for k, v in posted.items() if not k.startswith(VALUE) and k not in (CHOSEN, READ, TAKE, ACCEPTED)}
    taken = 0
    for key in accepted:
        value = posted.get(VALUE + key, "").strip()
        if key in keys and value:
            form[key] = value
            taken += 1
    return form, taken
