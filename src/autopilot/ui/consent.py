"""The citizen's agreement (mandat) for the démarches of a visit, and the text it was given on.

Before the first démarche of a visit the mediator records that the citizen agrees to a
**scope** — categories of démarches (« Passeport », « Carte d'identité »…) — for this visit
only. The words shown and printed come from a **versioned template**,
`templates/mandat/AAAA-MM-JJ.html`, the latest of which is used; the SHA-256 of that file is
written in the journal with the agreement and with every démarche done under it, so the mairie
can tell which text a citizen agreed to (as Aidants Connect binds its `template_path` into the
attestation hash). A published version is never edited: a new text is a new file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

TEMPLATES = Path(__file__).parent / "templates" / "mandat"
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")


@dataclass(frozen=True)
class ConsentText:
    """One version of the agreement's text."""

    version: str  # the file's date, AAAA-MM-JJ
    path: Path

    @property
    def template(self) -> str:
        """Its name for Jinja (`mandat/2026-11-29.html`)."""
        return f"mandat/{self.path.name}"

    @property
    def sha256(self) -> str:
        """The SHA-256 of the file as published: what the journal binds."""
        return _digest(self.path)


@cache
def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def current_text(folder: Path = TEMPLATES) -> ConsentText:
    """The latest version of the text (file names are dates, so they sort)."""
    latest = max(folder.glob("*.html"), key=lambda p: p.stem)
    return ConsentText(latest.stem, latest)


@dataclass(frozen=True)
class Consent:
    """The citizen agreed, at `given_at`, to the démarches of `scope` for this visit."""

    number: int  # 1 for the visit's first agreement, 2 once it was widened…
    scope: tuple[str, ...]  # categories of démarches, in the launcher's order
    text: ConsentText
    given_at: datetime
    journal_entry: int | None = None  # the journal's entry recording it
    attestation: Path | None = None  # the printable PDF, in the visit's folder

    def covers(self, category: str) -> bool:
        return category in self.scope


def widened(order: Sequence[str], *parts: Iterable[str]) -> tuple[str, ...]:
    """The union of `parts`, in the launcher's order of categories; unknown names are dropped."""
    wanted = {name for part in parts for name in part}
    return tuple(name for name in order if name in wanted)


def french_date(moment: datetime) -> str:
    """« 29 novembre 2026 »: the date as the attestation says it."""
    day = "1er" if moment.day == 1 else str(moment.day)
    return f"{day} {MONTHS[moment.month - 1]} {moment.year}"
