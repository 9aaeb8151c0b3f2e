"""Value templates: `{{ usager.date_naissance | jj_mm_aaaa }}` and nothing more.

A template is literal text with placeholders. A placeholder names an input path
(`usager.nom_naissance`) and zero or more filters from a fixed list. There are no
expressions, no arguments, no attribute calls: a flow cannot run code (DESIGN §4.5).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}")
_PATH = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
_DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")


class TemplateSyntaxError(ValueError):
    """A template that cannot be parsed; the message is French."""


def _date_part(value: str, group: int) -> str:
    match = _DATE.match(value)
    if not match:
        raise ValueError(f"« {value} » n'est pas une date JJ/MM/AAAA")
    return match.group(group)


def _iso(value: str) -> str:
    return f"{_date_part(value, 3)}-{_date_part(value, 2)}-{_date_part(value, 1)}"


def _third(value: str, part: int) -> str:
    """Part 1, 2 or 3 of `value` without spaces cut in three, the first parts one longer when it does not divide."""
    compact = "".join(value.split())
    size, extra = divmod(len(compact), 3)
    start = sum(size + (i < extra) for i in range(part - 1))
    return compact[start:start + size + (part - 1 < extra)]


def _strip_accents(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


FILTERS: Mapping[str, Callable[[str], str]] = {
    "majuscules": str.upper,
    "minuscules": str.lower,
    "sans_accents": _strip_accents,
    "chiffres": lambda v: "".join(c for c in v if c.isdigit()),
    "sans_espaces": lambda v: "".join(v.split()),
    "premier": lambda v: v.split(",")[0].strip(),
    "jj_mm_aaaa": lambda v: f"{_date_part(v, 1)}/{_date_part(v, 2)}/{_date_part(v, 3)}",
    "aaaa_mm_jj": _iso,
    "jour": lambda v: _date_part(v, 1),
    "mois": lambda v: _date_part(v, 2),
    "annee": lambda v: _date_part(v, 3),
    "tiers_1": lambda v: _third(v, 1),  # a number typed in three boxes (Télépoints, flows/permis/solde-points.yaml)
    "tiers_2": lambda v: _third(v, 2),
    "tiers_3": lambda v: _third(v, 3),
}
"""The only filters a flow may use, each str -> str."""


@dataclass(frozen=True)
class Placeholder:
    path: tuple[str, ...]
    filters: tuple[str, ...]

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True)
class Template:
    """A parsed template: alternating literal text and placeholders."""

    source: str
    parts: tuple[str | Placeholder, ...]

    @property
    def placeholders(self) -> tuple[Placeholder, ...]:
        return tuple(p for p in self.parts if isinstance(p, Placeholder))

    @property
    def is_literal(self) -> bool:
        return not self.placeholders

    def render(self, values: Mapping[str, Any]) -> str:
        """Fill the placeholders from `values`; a missing or empty value renders as ""."""
        out: list[str] = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
                continue
            value = lookup(values, part.path)
            if value is None or value == "":
                if len(self.parts) == 1:
                    return ""
                continue
            text = _as_text(value)
            for name in part.filters:
                text = FILTERS[name](text)
            out.append(text)
        return "".join(out)


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "oui" if value else "non"
    return str(value)


def lookup(values: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    """The value at `path` in nested mappings, or None."""
    current: Any = values
    for key in path:
        if not isinstance(current, Mapping) or key not in current:
            return None
        current = current[key]
    return current


def parse(source: str) -> Template:
    """Parse a template; raise TemplateSyntaxError with a French message."""
    parts: list[str | Placeholder] = []
    position = 0
    for match in _PLACEHOLDER.finditer(source):
        if match.start() > position:
            parts.append(source[position : match.start()])
        parts.append(_parse_placeholder(match.group(1)))
        position = match.end()
    rest = source[position:]
    if "{{" in rest or "}}" in rest or "{%" in source:
        raise TemplateSyntaxError(f"modèle mal formé : « {source} » (accolades non appariées ou bloc interdit)")
    if rest:
        parts.append(rest)
    return Template(source, tuple(parts))


def _parse_placeholder(inner: str) -> Placeholder:
    pieces = [p.strip() for p in inner.split("|")]
    path = pieces[0]
    if not _PATH.match(path):
        raise TemplateSyntaxError(
            f"« {{{{{inner}}}}} » : seul un nom de donnée est permis (ex. usager.nom_naissance),"
            " sans expression ni appel"
        )
    for name in pieces[1:]:
        if name not in FILTERS:
            raise TemplateSyntaxError(
                f"filtre inconnu « {name} » ; filtres possibles : {', '.join(sorted(FILTERS))}"
            )
    return Placeholder(tuple(path.split(".")), tuple(pieces[1:]))
