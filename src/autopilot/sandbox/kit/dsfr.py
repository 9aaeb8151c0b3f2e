"""The official DSFR (the State's design system) that the replicas wear, as the real sites do (ADR 0010).

`scripts/setup` installs npm's `@gouvfr/dsfr` package into `.cache/dsfr` (never vendored);
`AUTOPILOT_DSFR_DIST` may name another copy of its `dist/` folder. The sandbox serves that
folder at `/static/dsfr/<path>` on every host. Without it (a mediator's PC without npm) the
pages fall back to the sandbox's own look-alike stylesheet, and the sandbox says so once.
"""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path

ENV_VAR = "AUTOPILOT_DSFR_DIST"
VERSION = "1.15.3"  # the one scripts/setup installs
PACKAGE = Path(__file__).resolve().parents[4] / ".cache" / "dsfr" / "node_modules" / "@gouvfr" / "dsfr"
_told = False


@cache
def dist_dir() -> Path | None:
    """The official `dist/` folder (with dsfr.min.css), or None when it is not installed."""
    configured = os.environ.get(ENV_VAR)
    folder = Path(configured) if configured else PACKAGE / "dist"
    return folder if (folder / "dsfr.min.css").is_file() else None


def example_dir() -> Path | None:
    """The package's `example/` folder (its component and pattern pages), when installed."""
    dist = dist_dir()
    folder = dist.parent / "example" if dist is not None else None
    return folder if folder is not None and folder.is_dir() else None


def tell_if_missing() -> None:
    """Say once per process that the replicas wear the simplified stylesheet."""
    global _told
    if dist_dir() is None and not _told:
        _told = True
        print("Bac à sable : le DSFR officiel n'est pas installé (scripts/setup l'installe avec npm) ;"
              " les pages utilisent la feuille de style simplifiée du bac à sable.", file=sys.stderr)
