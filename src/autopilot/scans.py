"""The mairie's scanner folder: where the citizen's documents wait to be attached to a démarche.

Only files directly inside that folder can be uploaded (DESIGN: nothing leaves the machine that
the mediator did not put there for this purpose). The folder is, in order: `$AUTOPILOT_SCANS`,
the `numerisations:` entry of config.yaml, else `~/Documents/Documents numérisés` (where
Windows' « Télécopie et numérisation » saves). It is worked out once, by the command line
(`Environment.scans_folder`), and passed down as a value; the functions here take it as `where`
(None: `$AUTOPILOT_SCANS` or the default, for callers that have no settings, such as tests).
"""

from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path

from autopilot.errors import DossierError

ENV = "AUTOPILOT_SCANS"
DEFAULT = Path.home() / "Documents" / "Documents numérisés"
HINT = "Numérisez le document dans ce dossier, ou indiquez le bon nom de fichier."


def folder(configured: str | None = None) -> Path:
    """The scanner folder: `$AUTOPILOT_SCANS`, else `configured` (the settings' `numerisations`), else
    the default (it may not exist yet)."""
    chosen = os.environ.get(ENV) or configured
    return Path(chosen).expanduser() if chosen else DEFAULT


def available(where: Path | None = None) -> list[str]:
    """The names of the documents in the scanner folder, most recent first (hidden files left out)."""
    where = where or folder()
    if not where.is_dir():
        return []
    inside = where.resolve()
    # a link pointing out of the folder would only be refused by `find`: not listed at all
    files = [p for p in where.iterdir() if p.is_file() and not p.name.startswith(".") and p.resolve().parent == inside]
    return [p.name for p in sorted(files, key=lambda p: (-p.stat().st_mtime, p.name))]


def find(name: str, *, label: str, where: Path | None = None) -> Path:
    """The path of the scan `name`, checked to be a file directly inside the scanner folder.

    DossierError names the field (`label`) when the file is missing or lies elsewhere (a link
    pointing out of the folder counts as elsewhere).
    """
    where = where or folder()
    path = where / name
    try:
        inside = path.resolve(strict=True).parent == where.resolve(strict=True)
    except OSError:
        inside = False
    if not inside or not path.is_file():
        raise DossierError([(label, f"le fichier « {name} » n'est pas dans le dossier des numérisations ({where}).")],
                           HINT)
    return path


class Read:
    """The scans read during a visit (« Lire un document numérisé »): at the visit's end they are
    deleted from the scanner folder, except those the mediator keeps — nothing of the citizen stays
    on the PC, the scanner folder included. `keep_by_default` is the setting `numerisations_lues: garder`.
    """

    def __init__(self, where: Path | None = None, *, keep_by_default: bool = False) -> None:
        self.where = where or folder()  # the scanner folder they were read in
        self.keep_by_default = keep_by_default
        self.names: list[str] = []

    def add(self, name: str) -> None:
        """Remember that `name` was read during this visit."""
        if name not in self.names:
            self.names.append(name)

    def end(self, keep: Collection[str] | None = None) -> tuple[list[str], list[str]]:
        """Delete the scans read, except `keep` (None: the setting's default). Returns (deleted, kept)."""
        kept = [n for n in self.names if (self.keep_by_default if keep is None else n in keep)]
        deleted = []
        for name in self.names:
            if name in kept:
                continue
            try:
                find(name, label=name, where=self.where).unlink()
            except (DossierError, OSError):
                continue  # already gone, or moved out of the folder: nothing of ours to delete
            deleted.append(name)
        self.names = []
        return deleted, kept
