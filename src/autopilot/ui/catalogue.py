"""The démarches as the launcher lists them: by category, in the order of the mission."""

from __future__ import annotations

import unicodedata
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
