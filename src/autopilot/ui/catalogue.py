"""The démarches as the launcher lists them: by category, in the order of the mission."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from autopilot.flows import Flow, Library


@dataclass(frozen=True)
class Category:
    name: str
    flows: tuple[Flow, ...]


def categories(library: Library) -> list[Category]:
    """The library's démarches grouped by category, in the mission's order (`Library.by_category`)."""
    return [Category(name, tuple(sorted((e.flow for e in entries), key=lambda f: folded(f.title))))
            for name, entries in library.by_category()]


def folded(text: str) -> str:
    """Lower case without accents, spaces collapsed: what the search compares (console.js does the same)."""
    decomposed = unicodedata.normalize("NFD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def search_text(flow: Flow) -> str:
    """Everything a search for this démarche may match: title, category, summary, what to bring."""
    return folded(" ".join([flow.title, flow.category, flow.summary or "", *flow.bring]))


OUTCOME_WORDS = {"terminée": ("terminée", "terminées"), "interrompue": ("interrompue", "interrompues"),
                 "échec": ("échec", "échecs")}


def month_line(done: Mapping[str, int] | None) -> str | None:
    """« Ce mois-ci : 2 terminées, 1 interrompue »: a démarche's runs this month (from the journal)."""
    parts = [f"{done[outcome]} {one if done[outcome] == 1 else many}"
             for outcome, (one, many) in OUTCOME_WORDS.items() if done and done.get(outcome)]
    return "Ce mois-ci : " + ", ".join(parts) if parts else None
