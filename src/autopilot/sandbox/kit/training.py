"""What the training home page (`control.home`) shows of a site: its start pages and its exercise data.

A `kit.replica.Replica` record of `replicas.REPLICAS` holds:

- `home`, a tuple of `Link`: the pages a trainee starts a démarche from (a site module's `HOME`);
- `training`, a function returning a list of `Table`: the fictitious data the site already knows,
  for the démarches that need it (a NEPH and its code confidentiel, a vehicle and its certificate).
  A function, not a constant: some of it follows the sandbox's state (a demande added by
  `Sandbox.add_demande`, the new holder of a vehicle after a changement de titulaire).

Both name a `category`, one of `CATEGORIES`: the page groups the links, then the tables, by
category in that order (the mission's, as the launcher lists the démarches). A table's columns
say what to type, in the site's words; its rows hold the values as a trainee types them.
"""

from __future__ import annotations

from dataclasses import dataclass

CATEGORIES = (
    "Compte ANTS de la mairie", "Paiement par carte bancaire", "Carte d'identité", "Passeport",
    "Permis de conduire", "Immatriculation", "Timbres fiscaux", "Exercice",
)


@dataclass(frozen=True)
class Link:
    """A page a démarche starts from: its title on the home page, its real host and path."""

    category: str
    title: str
    host: str
    path: str

    def __post_init__(self) -> None:
        if self.category not in CATEGORIES:
            raise ValueError(f"unknown category {self.category!r} for the link {self.title!r}")

    @property
    def real_url(self) -> str:
        return f"https://{self.host}{self.path}"


@dataclass(frozen=True)
class Table:
    """Exercise data: one row per fictitious case, under `columns`; `note` says what it serves."""

    category: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str = ""

    def __post_init__(self) -> None:
        if self.category not in CATEGORIES:
            raise ValueError(f"unknown category {self.category!r} for the table {self.title!r}")
        if any(len(row) != len(self.columns) for row in self.rows):
            raise ValueError(f"the table {self.title!r} has a row that does not fit its {len(self.columns)} columns")
