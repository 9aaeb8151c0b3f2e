"""The démarches as the launcher lists them: by category, in the order of the mission."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from autopilot.flows import Flow, Library

# The order of the « mission relation titre »; any other category follows, alphabetically.
MISSION_ORDER = ("Carte d'identité", "Passeport", "Permis de conduire", "Immatriculation", "Timbres fiscaux")


@dataclass(frozen=True)
class Category:
    name: str
    flows: tuple[Flow, ...]


def categories(library: Library) -> list[Category]:
    """The library's démarches grouped by category, mission categories first."""
    grouped: dict[str, list[Flow]] = {}
    for entry in library.demarches:
        grouped.setdefault(entry.flow.category, []).append(entry.flow)

    def rank(name: str) -> tuple[int, str]:
        return (MISSION_ORDER.index(name), "") if name in MISSION_ORDER else (len(MISSION_ORDER), folded(name))

    return [Category(name, tuple(sorted(grouped[name], key=lambda f: folded(f.title))))
            for name in sorted(grouped, key=rank)]


def folded(text: str) -> str:
    """Lower case without accents, spaces collapsed: what the search compares (console.js does the same)."""
    decomposed = unicodedata.normalize("NFD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def search_text(flow: Flow) -> str:
    """Everything a search for this démarche may match: title, category, summary, what to bring."""
    return folded(" ".join([flow.title, flow.category, flow.summary or "", *flow.bring]))
