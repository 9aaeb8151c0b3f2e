"""Repair proposals: when a target's label is not found (or found several times), the controls of
the page that are most likely the one the flow meant, ranked, each with why.

The ranking trusts the facts a site rarely changes when it rewords a label (docs/adr/0014-fingerprints.md):
the same `name`, `id` or `autocomplete` weigh most, then the same place among the controls and the
same fieldset; a label that merely shares words weighs least. So a renamed « Commune » (now
« Ville », name=commune) ranks above « Commune déléguée » (another name), whose label only
contains the old one. Nothing here fills anything: a proposal is shown, the mediator decides.

Two changes are named rather than proposed for: a text field whose label now heads a group of several
inputs (a date of birth become Jour / Mois / Année: a `split`, for which no single control is right,
so nothing is proposed), and, once a page is filled, a field found by its label but elsewhere than its
fingerprint says (`moved`: another fieldset, or another order among the step's fields).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import Page

from autopilot.engine.fingerprints import Control, controls, locate_counts, target_key
from autopilot.engine.locate import FieldTarget

# How much each shared fact counts; a candidate needs MINIMUM to be proposed at all.
WEIGHTS = {"name": 5, "id": 4, "autocomplete": 3, "place": 2, "legend": 1, "type": 1, "label": 1}
MINIMUM = 2
_VAGUE_AUTOCOMPLETE = {"", "on", "off"}


@dataclass(frozen=True)
class Proposal:
    """A control that may be the one a target meant, with its score and the reasons, in French."""

    control: Control
    score: int
    reasons: tuple[str, ...]

    def describe(self) -> str:
        """« Ville » (même name=commune, même place)."""
        return f"« {self.control.label or '(sans libellé)'} » ({', '.join(self.reasons)})"

    def selector(self) -> str:
        """A CSS selector that designates this control (its id when it has one, else its name)."""
        if self.control.id:
            return f"#{self.control.id}" if re.fullmatch(r"[A-Za-z][\w-]*", self.control.id) \
                else f"[id=\"{self.control.id}\"]"
        if self.control.type == "radio":
            return f"fieldset:has(input[name=\"{self.control.name}\"])"
        return f"[name=\"{self.control.name}\"]"


@dataclass(frozen=True)
class Problem:
    """A target of a step the page does not show exactly once, and the proposals for it."""

    target: FieldTarget
    count: int
    proposals: tuple[Proposal, ...]
    parts: tuple[str, ...] = ()  # the labels of the inputs a split field became (then nothing is proposed)

    def describe(self) -> str:
        """« libellé « Commune » introuvable, candidat « Ville » (même name=commune) »."""
        if self.parts:
            return f"champ découpé en {_count(len(self.parts))} : {split_labels(self)}"
        what = "introuvable" if self.count == 0 else f"présent {self.count} fois"
        text = f"libellé « {self.target.text} » {what}"
        if self.proposals:
            text += ", candidat " + self.proposals[0].describe()
        return text


def split_labels(problem: Problem) -> str:
    """« « Date de naissance » → « Jour », « Mois », « Année » »."""
    return f"« {problem.target.text} » → " + ", ".join(f"« {part} »" for part in problem.parts)


def _count(number: int) -> str:
    return {2: "deux", 3: "trois", 4: "quatre"}.get(number, str(number))


def _same_words(a: str, b: str) -> bool:
    return " ".join(a.replace("*", " ").split()).casefold() == " ".join(b.replace("*", " ").split()).casefold()


def _words(text: str) -> set[str]:
    return {w for w in re.split(r"[^\w]+", text.lower()) if len(w) >= 3}


def score(wanted: FieldTarget, known: Control | None, candidate: Control) -> Proposal:
    """How much `candidate` looks like the target (its fingerprint `known`, when there is one)."""
    points, reasons = 0, []
    if known is not None:
        if known.name and candidate.name == known.name:
            points += WEIGHTS["name"]
            reasons.append(f"même name={known.name}")
        if known.id and candidate.id == known.id:
            points += WEIGHTS["id"]
            reasons.append(f"même id={known.id}")
        if known.autocomplete not in _VAGUE_AUTOCOMPLETE and candidate.autocomplete == known.autocomplete:
            points += WEIGHTS["autocomplete"]
            reasons.append(f"même autocomplete={known.autocomplete}")
        if known.place >= 0 and candidate.place == known.place:
            points += WEIGHTS["place"]
            reasons.append("même place")
        if known.legend and candidate.legend == known.legend:
            points += WEIGHTS["legend"]
        if known.type and candidate.type == known.type:
            points += WEIGHTS["type"]
    want, have = _words(wanted.text), _words(candidate.label)
    if want and have and len(want & have) / len(want | have) >= 0.5:
        points += WEIGHTS["label"]
        reasons.append("libellé proche")
    if candidate.label.strip().lower() != wanted.text.strip().lower():
        reasons.append(f"libellé devenu « {candidate.label} »")
    return Proposal(candidate, points, tuple(reasons))


def rank(wanted: FieldTarget, known: Control | None, candidates: list[Control], limit: int = 3) -> list[Proposal]:
    """The candidates worth proposing, best first (ties keep the page order)."""
    scored = [score(wanted, known, c) for c in candidates]
    kept = [p for p in scored if p.score >= MINIMUM]
    return sorted(kept, key=lambda p: -p.score)[:limit]


def diagnose(page: Page, targets: list[FieldTarget], known: dict[str, Control]) -> list[Problem]:
    """The targets the page does not show exactly once, with ranked proposals for each."""
    plain = [t for t in targets if not t.css]
    if not plain:
        return []
    _, counts = locate_counts(page, plain)
    problems = []
    for target, count in zip(plain, counts, strict=True):
        if count == 1:
            continue
        candidates = [control for control, _ in controls(page, target.kind)]
        parts = tuple(c.label for c in candidates if c.legend and _same_words(c.legend, target.text))
        if count == 0 and target.kind == "text" and len(parts) >= 2:  # split: no piece alone is the field
            problems.append(Problem(target, count, (), parts))
            continue
        problems.append(Problem(target, count, tuple(rank(target, known.get(target_key(target)), candidates))))
    return problems


def moved(known: dict[str, Control], seen: dict[str, Control]) -> list[str]:
    """The fields found by their label but no longer where their fingerprints put them, described:
    in another fieldset, or out of their order among the step's fields (controls added elsewhere on
    the page shift every place, so the order is compared, not the places)."""
    both = [key for key in seen if key in known]
    said = []
    for key in both:
        before, now = known[key].legend, seen[key].legend
        if before != now:
            said.append(f"champ déplacé : « {seen[key].label} » ({_where(before)} → {_where(now)})")
    placed = sorted((k for k in both if known[k].place >= 0 and seen[k].place >= 0), key=lambda k: known[k].place)
    kept = _longest_in_order([seen[k].place for k in placed])
    for index, key in enumerate(placed):
        if index not in kept and known[key].legend == seen[key].legend:
            said.append(f"champ déplacé : « {seen[key].label} » (ailleurs dans la page)")
    return said


def _where(legend: str) -> str:
    return f"rubrique « {legend} »" if legend else "hors rubrique"


def _longest_in_order(places: list[int]) -> set[int]:
    """The indexes of a longest increasing run of `places` (the fields that kept their order)."""
    best: list[list[int]] = []
    for i, place in enumerate(places):
        best.append(max((best[j] for j in range(i) if places[j] < place), key=len, default=[]) + [i])
    return set(max(best, key=len, default=[]))
