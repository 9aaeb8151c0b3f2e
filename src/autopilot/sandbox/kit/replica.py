"""What the sandbox knows of a replicated site: `Replica`, one record per site (or part of one).

`replicas.REPLICAS` lists them in order; the server registers their blueprints and hosts, wears
their `services` header, and the training home page (`control.home`) shows their `home` links and
`training` tables (see `kit.training`), in that order within each category.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint

from autopilot.sandbox.kit.training import Link, Table


def _no_tables() -> list[Table]:
    return []


@dataclass(frozen=True, eq=False)
class Replica:
    """A site the sandbox serves: its routes, its real hosts, its header, what the home page shows of it."""

    name: str
    # None for what several replicas share and only the home page shows (the test card of `kit.timbre`).
    blueprint: Blueprint | None
    hosts: tuple[str, ...] = ()
    # The header of each host that is not an ANTS one: name, tagline, "home" (its path, "/" by default)
    # and "official": False for a page that is not a State site's (the exercises: their home is the sandbox's).
    services: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    home: tuple[Link, ...] = ()
    # A function, not a constant: some exercise data follows the sandbox's state (an added demande).
    training: Callable[[], list[Table]] = _no_tables

    def __post_init__(self) -> None:
        if self.blueprint is None and self.hosts:
            raise ValueError(f"the replica {self.name!r} has hosts but no blueprint to serve them")
        if not set(self.services) <= set(self.hosts):
            raise ValueError(f"the replica {self.name!r} describes a host it does not serve")
