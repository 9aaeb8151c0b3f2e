"""Who is at the desk: the one choice `run`, `demo` and the console make among the mediators."""

from __future__ import annotations

from collections.abc import Sequence

from autopilot.errors import UsageError


def choose_mediateur(given: str | None, names: Sequence[str], *, sandbox: bool) -> str:
    """Who is at the desk among the mediators `names` (the settings'): the name given, the only one
    configured, or « Formation » in the sandbox."""
    if given:
        if names and given not in names:
            raise UsageError(f"« {given} » n'est pas un médiateur enregistré.", f"Médiateurs : {', '.join(names)}.")
        return given
    if len(names) == 1:
        return names[0]
    if sandbox:
        return "Formation"
    if not names:
        raise UsageError("Aucun médiateur n'est enregistré sur ce poste.",
                         "Ajoutez-vous avec `autopilot mediateur add \"Prénom Nom\"` (le compte est partagé :"
                         " chaque démarche dit qui l'a faite).")
    raise UsageError("Plusieurs médiateurs sont enregistrés : dites qui est au bureau.",
                     f"--mediateur \"NOM\", parmi : {', '.join(names)}.")
