"""Checking the journal's chain: every entry signed with the journal's key, linked to the one
before, numbered without a gap, and ending at the head kept outside the database (ADR 0009).

Pure functions over the entries as read: the store (`journal.store`) does the reading. A journal
written before the chain was keyed keeps its old entries, hashed without a key: they are counted
as « non authentifiées » up to the `ancrage` entry that binds them, never called forged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from autopilot.journal.entries import ANCHOR, PURGE, Entry

GENESIS = "0" * 64


@dataclass(frozen=True)
class Head:
    """The last entry written: its number and its signature (kept in the keyring, and in exports)."""

    id: int
    mac: str

    def encode(self) -> str:
        return f"{self.id}:{self.mac}"

    @classmethod
    def decode(cls, text: str | None) -> Head | None:
        if not text or ":" not in text:
            return None
        number, _, mac = text.partition(":")
        return cls(int(number), mac) if number.isdigit() else None


@dataclass(frozen=True)
class Verdict:
    """The result of `verify`: intact, or the first problem found."""

    checked: int
    broken_at: int | None = None  # the entry where the problem shows
    reason: str | None = None  # what is wrong with that entry's own content or link
    problem: str | None = None  # the whole sentence, for a problem that is not one entry's content
    unauthenticated: int = 0  # entries written before the chain was keyed
    anchored_on: str | None = None  # the date of the `ancrage` entry that binds them
    head: Head | None = None

    @property
    def ok(self) -> bool:
        return self.reason is None and self.problem is None

    @property
    def message(self) -> str:
        """What `journal verify` says, in French."""
        if self.reason is not None:
            return f"Journal altéré : l'entrée {self.broken_at} ne correspond plus à son empreinte ({self.reason})."
        if self.problem is not None:
            return f"Journal altéré : {self.problem}."
        text = f"Journal intact : {self.checked} entrée(s) vérifiée(s)"
        if self.unauthenticated:
            when = f", ancrées le {self.anchored_on[:10]}" if self.anchored_on else ", pas encore ancrées"
            text += (f", dont {self.unauthenticated} entrée(s) non authentifiée(s) (écrites avant la clé du"
                     f" journal{when})")
        return text + "."


def signed(entry: Entry, key: bytes) -> bool:
    """Whether `entry` carries the journal key's signature (over its own number and link)."""
    return entry.mac(key, entry.prev_hash) == entry.hash


def check(entries: Sequence[Entry], key: bytes, head: Head | None,
          witnesses: Iterable[tuple[int, str]] = ()) -> Verdict:
    """Walk the chain; the first problem found, or how many entries hold."""
    walked = _walk(entries, key)
    if isinstance(walked, Verdict):
        return walked
    unauthenticated, anchored_on = walked
    count = len(entries)
    witnessed = _witnessed(entries, witnesses)
    if witnessed is not None:
        return Verdict(count, witnessed[0], problem=witnessed[1], head=head)
    if head is not None and unauthenticated and anchored_on is None:
        # the head shows this journal was keyed: an entry the key does not sign was rewritten
        return Verdict(count, entries[0].id, "son contenu a été modifié : son empreinte a été recalculée, mais elle"
                                             " n'est pas signée par la clé du journal")
    cut = _tail(entries, head)
    if cut is not None:
        return Verdict(count, cut[0], problem=cut[1], head=head)
    return Verdict(count, None, unauthenticated=unauthenticated, anchored_on=anchored_on, head=head)


def _walk(entries: Sequence[Entry], key: bytes) -> Verdict | tuple[int, str | None]:
    """(unauthenticated count, anchoring date) if every link holds; else the verdict naming the break."""
    count = len(entries)
    if not entries:
        return 0, None
    first = entries[0]
    start = _start(entries, key)
    if start is None:
        return Verdict(count, first.id, problem=f"l'entrée {first.id} n'a pas d'ancrage : les entrées 1 à"
                                                f" {first.id - 1} ont été supprimées sans purge signée")
    prev_hash, prev_id = start
    keyed, unauthenticated, anchored_on = False, 0, None
    for entry in entries:
        if entry.prev_hash != prev_hash:
            return Verdict(count, entry.id, "le lien avec l'entrée précédente est rompu (entrée supprimée ou insérée)")
        if signed(entry, key):
            if prev_id is not None and entry.id != prev_id + 1:
                return Verdict(count, entry.id, problem=f"{_span(prev_id + 1, entry.id - 1)} avant l'entrée"
                                                        f" {entry.id} (numérotation interrompue)")
            if unauthenticated and not keyed:
                if entry.action != ANCHOR or entry.details.get("empreinte") != prev_hash:
                    return Verdict(count, entry.id, "elle suit des entrées non authentifiées sans les ancrer")
                anchored_on = entry.created_at
            keyed = True
        elif entry.legacy_digest(prev_hash) != entry.hash:
            return Verdict(count, entry.id, "son contenu a été modifié")
        elif keyed:
            return Verdict(count, entry.id, "son contenu a été modifié : son empreinte a été recalculée, mais elle"
                                            " n'est pas signée par la clé du journal")
        else:
            unauthenticated += 1
        prev_hash, prev_id = entry.hash, entry.id
    return unauthenticated, anchored_on


def _start(entries: Sequence[Entry], key: bytes) -> tuple[str, int | None] | None:
    """(the hash the first entry links to, the number before it when known); None: no valid anchor."""
    first = entries[0]
    if first.id == 1:
        return GENESIS, 0
    for entry in entries:  # a signed purge that deleted up to just before the first entry
        if entry.action == PURGE and entry.details.get("jusqua") == first.id - 1 and signed(entry, key):
            return entry.details.get("ancre", ""), first.id - 1
    if not signed(first, key):  # an old journal's own purge: what follows is unauthenticated anyway
        for entry in entries:
            if entry.action == PURGE and entry.details.get("jusqua") == first.id - 1 and not signed(entry, key):
                return entry.details.get("ancre", ""), None
    return None


def _tail(entries: Sequence[Entry], head: Head | None) -> tuple[int, str] | None:
    """The entries cut from the end: what the chain ends with, against the head kept outside."""
    if head is None:
        return None
    last = entries[-1] if entries else None
    if last is None or last.id < head.id:
        start = last.id + 1 if last is not None else 1
        return head.id, f"{_span(start, head.id, verb=True)} (la dernière écrite est la {head.id})"
    if last.id == head.id and last.hash != head.mac:
        return last.id, f"l'entrée {last.id} n'est plus la dernière entrée écrite (remplacée)"
    if last.id > head.id:
        return last.id, f"l'entrée {last.id} a été ajoutée hors d'autopilot (après la dernière entrée écrite)"
    return None


def _witnessed(entries: Sequence[Entry], witnesses: Iterable[tuple[int, str]]) -> tuple[int, str] | None:
    """An entry whose signature differs from the one an export recorded as the head then."""
    by_id = {entry.id: entry for entry in entries}
    first = entries[0].id if entries else None
    for number, mac in witnesses:
        entry = by_id.get(number)
        if entry is None:
            if first is not None and number < first:
                continue  # purged since: the signed purge vouches for what it removed
            return number, f"{_span(number, number, verb=True)} depuis l'export qui l'atteste"
        if entry.hash != mac:
            return number, f"l'entrée {number} ne correspond plus au témoin d'un export (contenu réécrit)"
    return None


def _span(first: int, last: int, *, verb: bool = False) -> str:
    if first == last:
        return f"l'entrée {first} " + ("a été supprimée" if verb else "manque")
    return f"les entrées {first} à {last} " + ("ont été supprimées" if verb else "manquent")
