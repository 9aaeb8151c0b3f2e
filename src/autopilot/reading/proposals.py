"""What a reading proposes: values for the citizen's form, each with where it was read and how it was checked.

Nothing here fills anything: the console shows a `Reading` and the mediator accepts or corrects each
`Proposal` before it goes into the form (docs/adr/0008-reading-scanned-documents.md).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Check(enum.Enum):
    """How far a read value can be trusted."""

    CHECKED = "vérifié"  # a check digit (MRZ) or the 2D-Doc's own error correction vouches for it
    TO_CONFIRM = "à comparer"  # read, but nothing vouches for it: the mediator compares it with the document
    UNREADABLE = "illisible"  # its check failed: nothing is proposed, the field is left to type


@dataclass(frozen=True)
class Proposal:
    """One value for one field of the form (`target`: model type and field, e.g. ("identite", "nom_naissance"))."""

    target: tuple[str, str]
    label: str  # as the form shows the field
    value: str  # "" when unreadable
    check: Check
    note: str = ""  # why it is to confirm or unreadable, in French

    @property
    def key(self) -> str:
        return ".".join(self.target)

    @property
    def status(self) -> str:
        """The check as the mediator reads it."""
        text = {Check.CHECKED: "Vérifié", Check.TO_CONFIRM: "À comparer avec le document",
                Check.UNREADABLE: "Illisible — à saisir"}[self.check]
        return f"{text} ({self.note})" if self.note else text


@dataclass
class Reading:
    """What was read in one scanned document."""

    document: str  # « passeport », « carte d'identité », « facture »…
    source: str  # « lu dans la bande MRZ du passeport »
    proposals: list[Proposal] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # shown above the values (« signature non vérifiée »)
    caught: bool = False  # a check caught a misread at least once while reading (the bench counts it)

    def proposal(self, target: tuple[str, str]) -> Proposal | None:
        """The proposal for `target`, if any."""
        return next((p for p in self.proposals if p.target == target), None)

    @property
    def unreadable(self) -> list[Proposal]:
        return [p for p in self.proposals if p.check is Check.UNREADABLE]


class ReadingFailed(Exception):
    """Nothing could be read in the document; `message` says why and what to do, in French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
