"""Repair proposals: when a target's label is not found (or found several times), the controls of
the page that are most likely the one the flow meant, ranked, each with why.

The ranking trusts the facts a site rarely changes when it rewords a label (docs/adr/0014-fingerprints.md):
the same `name`, `id` or `autocomplete` weigh most, then the same place among the controls and the
same fieldset; a label that merely shares words weighs least. So a renamed « Commune » (now
« Ville », name=commune) ranks above « Commune déléguée » (another name), whose label only
contains the old one. Nothing here fills anything: a proposal is shown, the mediator decides.
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

    def describe(self) -> str:
        """« libellé « Commune » introuvable, candidat « Ville » (même name=commune) »."""
        what = "introuvable" if self.count == 0 else f"présent {self.count} fois"
        text = f"libellé « {self.target.text} » {what}"
        if self.proposals:
            text += ", candidat " + self.proposals[0].describe()
        return text


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
        problems.append(Problem(target, count, tuple(rank(target, known.get(target_key(target)), candidates))))
    return problems
