"""What a command talks to: its output streams. Tests pass their own."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import TextIO


@dataclass
class Environment:
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)

    def say(self, line: str) -> None:
        """One line for the mediator."""
        print(line, file=self.stdout, flush=True)
