"""The demandes de titre (passeport, CNI) that the administration instructs, as the suivi shows them.

A demande starts at the mairie, when the fingerprints are taken: its numéro de demande is printed on
the récépissé. It is NOT the numéro de pré-demande. Its format is NOT confirmed [?]
(docs/teleservices.md §1, §8.2): the sandbox numbers them `AAAA-PAS-NNNNNN` and `AAAA-CNI-NNNNNN`, and
the suivi accepts, loosely, any 6 to 30 letters, digits or dashes once the spaces are removed, and
finds a demande whatever the case and the spaces or dashes typed (`same_numero`).

A demande is a plain dict: `{"numero", "titre": "passeport" | "cni", "statut", "historique":
[(statut, "AAAA-MM-JJ"), ...]}`, the history oldest first and ending with the current status.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

Demande = dict[str, Any]

TITRES = {"passeport": "Passeport", "cni": "Carte nationale d'identité"}

# The statuses of a demande, in the order a demande goes through them (wording [?]).
STATUTS = (
    "Pré-demande enregistrée",
    "Demande déposée en mairie",
    "En cours d'instruction",
    "En cours de fabrication",
    "Disponible en mairie",
    "Remis au demandeur",
)

# Typical days between a status and the next, to date a history that was not given.
_DAYS_BEFORE = {
    "Demande déposée en mairie": 8,
    "En cours d'instruction": 1,
    "En cours de fabrication": 12,
    "Disponible en mairie": 6,
    "Remis au demandeur": 5,
}

_NUMERO = re.compile(r"[A-Z0-9-]{6,30}")


def _seed(numero: str, titre: str, *historique: tuple[str, str]) -> Demande:
    return {"numero": numero, "titre": titre, "statut": historique[-1][0], "historique": list(historique)}


# The demandes the sandbox starts with (and `reset()` brings back), one per stage worth training on.
SEEDED: tuple[Demande, ...] = (
    _seed("2026-PAS-004217", "passeport",
          ("Pré-demande enregistrée", "2026-10-05"), ("Demande déposée en mairie", "2026-10-14"),
          ("En cours d'instruction", "2026-10-15")),
    _seed("2026-PAS-003958", "passeport",
          ("Pré-demande enregistrée", "2026-09-02"), ("Demande déposée en mairie", "2026-09-10"),
          ("En cours d'instruction", "2026-09-11"), ("En cours de fabrication", "2026-09-22"),
          ("Disponible en mairie", "2026-09-30")),
    _seed("2026-CNI-000123", "cni",
          ("Pré-demande enregistrée", "2026-10-20"), ("Demande déposée en mairie", "2026-10-28")),
    _seed("2026-CNI-000087", "cni",
          ("Demande déposée en mairie", "2026-10-06"), ("En cours d'instruction", "2026-10-07"),
          ("En cours de fabrication", "2026-10-21")),
    _seed("2025-CNI-009912", "cni",
          ("Pré-demande enregistrée", "2025-11-03"), ("Demande déposée en mairie", "2025-11-12"),
          ("En cours d'instruction", "2025-11-13"), ("En cours de fabrication", "2025-11-24"),
          ("Disponible en mairie", "2025-12-02"), ("Remis au demandeur", "2025-12-09")),
)


def normalise_numero(raw: str) -> str:
    """The number as the suivi looks it up: no spaces, upper case."""
    return "".join(raw.split()).upper()


def same_numero(a: str, b: str) -> bool:
    """Whether two typed numbers name the same demande: case, spaces and dashes do not count."""
    def key(numero: str) -> str:
        return "".join(numero.split()).replace("-", "").upper()

    return key(a) == key(b)


def numero_is_plausible(numero: str) -> bool:
    """The loose format check of a normalised numéro de demande (the real format is unknown)."""
    return bool(_NUMERO.fullmatch(numero))


def new_demande(
    numero: str, titre: str, statut: str, historique: list[tuple[str, str]] | None, today: date
) -> Demande:
    """A checked demande; without `historique`, every status up to `statut`, the last one today."""
    numero = normalise_numero(numero)
    if not numero_is_plausible(numero):
        raise ValueError(f"numéro de demande {numero!r}: expected 6 to 30 letters, digits or dashes")
    if titre not in TITRES:
        raise ValueError(f"titre {titre!r}: expected one of {', '.join(TITRES)}")
    if statut not in STATUTS:
        raise ValueError(f"statut {statut!r}: expected one of {', '.join(STATUTS)}")
    if historique is None:
        historique, day = [], today
        for reached in reversed(STATUTS[: STATUTS.index(statut) + 1]):
            historique.insert(0, (reached, day.isoformat()))
            day -= timedelta(days=_DAYS_BEFORE.get(reached, 0))
    else:
        historique = [(str(s), str(d)) for s, d in historique]
        _check_historique(historique, statut)
    return {"numero": numero, "titre": titre, "statut": statut, "historique": historique}


def _check_historique(historique: list[tuple[str, str]], statut: str) -> None:
    if not historique or historique[-1][0] != statut:
        raise ValueError(f"historique: must end with the current statut {statut!r}")
    previous: tuple[int, date] | None = None
    for reached, day in historique:
        if reached not in STATUTS:
            raise ValueError(f"historique: unknown statut {reached!r}")
        try:
            when = date.fromisoformat(day)
        except ValueError:
            raise ValueError(f"historique: date {day!r} of {reached!r} is not AAAA-MM-JJ") from None
        current = (STATUTS.index(reached), when)
        if previous and (current[0] <= previous[0] or current[1] < previous[1]):
            raise ValueError("historique: statuses must follow the order of STATUTS, dates never going back")
        previous = current
