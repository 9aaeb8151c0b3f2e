"""The mairie's settings file (never a secret): accounts' identifiants, mairie, mediators.

```yaml
mairie: Mairie de Saint-Exemple
mediateurs: [Camille Martin, Sacha Bernard]
comptes:
  ants: {identifiant: espace-numerique@saint-exemple.fr}
journal: {pseudonyme: initiales_annee, conservation_mois: 12}   # pseudonyme: initiales_annee | aucun
numerisations: C:/Users/Public/Documents/Scans   # the scanner folder (`autopilot.scans`)
numerisations_lues: effacer   # effacer (default) | garder: the scans read in a visit, at its end
domaines_autorises: [rendez-vous.saint-exemple.fr]   # sites outside the State's domains a flow may visit
port_de_debogage: autorise   # --remote-debugging-port on the real sites (docs/adr/0013-trust-boundaries.md)
```
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from autopilot.errors import UsageError
from autopilot.paths import config_dir
from autopilot.yaml_source import EmptyDocument, Located, YamlProblem, read_yaml

_FIX = "Corrigez-le (chaque réglage écrit en clair, sans ancres « & » ni alias « * ») ou supprimez-le."


def config_path() -> Path:
    return config_dir() / "config.yaml"


@dataclass
class Config:
    mairie: str | None = None
    mediateurs: list[str] = field(default_factory=list)
    comptes: dict[str, dict[str, str]] = field(default_factory=dict)
    journal: dict[str, Any] = field(default_factory=dict)
    numerisations: str | None = None
    numerisations_lues: str = "effacer"
    domaines_autorises: list[str] = field(default_factory=list)
    port_de_debogage: str | None = None

    @property
    def debugging_port_allowed(self) -> bool:
        """Whether the mairie lets `--remote-debugging-port` attach to a browser on the real sites."""
        return str(self.port_de_debogage or "").strip().lower() in ("autorise", "autorisé")

    @property
    def pseudonyme(self) -> str:
        """How the journal names the citizen: initiales_annee (default) or aucun."""
        return str(self.journal.get("pseudonyme", "initiales_annee"))

    @property
    def garder_numerisations_lues(self) -> bool:
        """Whether the scans read in a visit are kept at its end by default (else deleted unless kept)."""
        return self.numerisations_lues == "garder"

    @property
    def conservation_mois(self) -> int:
        """How many months journal entries are kept (default 12)."""
        return int(self.journal.get("conservation_mois", 12))

    @classmethod
    def load(cls, path: Path | None = None) -> Config:
        """The settings, or empty ones when the file does not exist yet.

        Read once per process (the command line's `Environment`) and passed down. A wrong file
        is a UsageError naming the file, the line and the key; it is read like a flow, its YAML
        expansion bounded (`autopilot.yaml_source`).
        """
        path = path or config_path()
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls()
        except (OSError, UnicodeDecodeError) as error:
            reason = "il n'est pas en UTF-8" if isinstance(error, UnicodeDecodeError) else error.strerror
            raise UsageError(f"{path} : fichier de réglages illisible ({reason}).", _FIX) from None
        try:
            located = read_yaml(text, alias_hint=_FIX)
        except EmptyDocument:
            return cls()
        except YamlProblem as problem:
            raise UsageError(f"{path}:{problem.line}: fichier de réglages illisible : {problem.message}.",
                             problem.hint or _FIX) from None
        if not isinstance(located.data, dict):
            raise UsageError(f"{path}:1: fichier de réglages illisible : un tableau de clés est attendu"
                             " (mairie:, mediateurs:, comptes:…).", _FIX)
        return _Reader(path, located).config(cls)

    def save(self, path: Path | None = None) -> None:
        path = path or config_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"mairie": self.mairie, "mediateurs": self.mediateurs, "comptes": self.comptes}
        if self.journal:
            data["journal"] = self.journal
        if self.numerisations:
            data["numerisations"] = self.numerisations
        if self.numerisations_lues != "effacer":
            data["numerisations_lues"] = self.numerisations_lues
        if self.domaines_autorises:
            data["domaines_autorises"] = self.domaines_autorises
        if self.port_de_debogage:
            data["port_de_debogage"] = self.port_de_debogage
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


class _Reader:
    """Each setting checked for its type, a wrong one named by file, line and key."""

    def __init__(self, path: Path, located: Located) -> None:
        self.path = path
        self.located = located
        self.raw: dict[str, Any] = located.data

    def wrong(self, key: str, expected: str, example: str) -> UsageError:
        line = self.located.line_of((key,))
        return UsageError(f"{self.path}:{line}: « {key} » : {expected}.", f"Par exemple : {example}")

    def text(self, key: str, example: str) -> str | None:
        value = self.raw.get(key)
        if value is not None and not isinstance(value, str):
            raise self.wrong(key, "un texte est attendu", example)
        return value

    def texts(self, key: str, expected: str, example: str) -> list[str]:
        value = self.raw.get(key) or []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.wrong(key, expected, example)
        return value

    def table(self, key: str, example: str) -> dict[str, Any]:
        value = self.raw.get(key) or {}
        if not isinstance(value, dict):
            raise self.wrong(key, "un tableau de clés est attendu", example)
        return dict(value)

    def config(self, cls: type[Config]) -> Config:
        comptes = self.table("comptes", "comptes: {ants: {identifiant: espace-numerique@saint-exemple.fr}}")
        if not all(isinstance(account, dict) for account in comptes.values()):
            raise self.wrong("comptes", "chaque compte est un tableau de clés",
                             "comptes: {ants: {identifiant: espace-numerique@saint-exemple.fr}}")
        journal = self.table("journal", "journal: {pseudonyme: initiales_annee, conservation_mois: 12}")
        months = journal.get("conservation_mois", 12)
        if isinstance(months, bool) or not isinstance(months, int) or months < 1:
            raise self.wrong("journal", "« conservation_mois » est un nombre de mois", "journal: {conservation_mois: 12}")
        kept = self.text("numerisations_lues", "numerisations_lues: garder") or "effacer"
        if kept not in ("effacer", "garder"):
            raise self.wrong("numerisations_lues", "« effacer » ou « garder » est attendu", "numerisations_lues: garder")
        domains = self.texts("domaines_autorises", "une liste de noms de domaine est attendue",
                             "domaines_autorises: [rendez-vous.saint-exemple.fr]")
        mairie = self.raw.get("mairie")
        return cls(None if mairie is None else str(mairie),
                   [str(name) for name in self.texts("mediateurs", "une liste de noms est attendue",
                                                     "mediateurs: [Camille Martin, Sacha Bernard]")],
                   comptes, journal, self.text("numerisations", "numerisations: C:/Users/Public/Documents/Scans"),
                   kept, domaines_autorises=[d.strip().lower() for d in domains],
                   port_de_debogage=self.text("port_de_debogage", "port_de_debogage: autorise"))
