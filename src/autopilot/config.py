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
        """The settings, or empty ones when the file does not exist yet."""
        path = path or config_path()
        if not path.exists():
            return cls()
        try:
            raw: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as error:
            raise UsageError(f"{path} : fichier de réglages illisible ({error}).", "Corrigez-le ou supprimez-le.") from None
        if not isinstance(raw, dict):
            raise UsageError(f"{path} : fichier de réglages illisible.", "Corrigez-le ou supprimez-le.")
        domains = raw.get("domaines_autorises") or []
        if not isinstance(domains, list) or not all(isinstance(d, str) for d in domains):
            raise UsageError(f"{path} : « domaines_autorises » doit être une liste de noms de domaine.",
                             "Par exemple : domaines_autorises: [rendez-vous.saint-exemple.fr]")
        return cls(raw.get("mairie"), list(raw.get("mediateurs") or []), dict(raw.get("comptes") or {}),
                   dict(raw.get("journal") or {}), raw.get("numerisations"),
                   str(raw.get("numerisations_lues") or "effacer"),
                   domaines_autorises=[d.strip().lower() for d in domains],
                   port_de_debogage=raw.get("port_de_debogage"))

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
