"""What a command talks to: its output streams and the mairie's settings, read once. Tests pass their own."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from autopilot import scans

if TYPE_CHECKING:  # read on first use: imported then (YAML and the settings' models), not at start-up
    from autopilot.config import Config


@dataclass
class Environment:
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    settings: Config | None = None  # None: the settings file, read on first use
    examples: Path | None = None  # a scanner folder chosen for this process only (the demo's examples)

    def say(self, line: str) -> None:
        """One line for the mediator."""
        print(line, file=self.stdout, flush=True)

    @property
    def config(self) -> Config:
        """The settings, read once per process; on first use, so that a wrong file is a user error."""
        if self.settings is None:
            from autopilot.config import Config

            self.settings = Config.load()
        return self.settings

    @property
    def scans_folder(self) -> Path:
        """The scanner folder every command passes down (`autopilot.scans`)."""
        return self.examples or scans.folder(self.config.numerisations)

    @property
    def allowed_sites(self) -> tuple[str, ...]:
        """The sites outside the State's domains the mairie lets its flows visit (`domaines_autorises`)."""
        return tuple(self.config.domaines_autorises)
