"""Where the sandbox's documents find their font: DejaVu Sans, regular and bold.

DejaVu Sans covers every Latin script a citizen's name or address may use (« Łukasz », « Nguyễn »,
« Œuvre »), « », € and œ, under a free licence (docs/adr/0012-sandbox-documents.md). It is looked
for, in this order:

1. the system's fonts: on Debian the package `fonts-dejavu-core` (installed by `scripts/setup`),
   elsewhere any folder the usual font installers write to (Linux, macOS, Windows);
2. the copy that matplotlib ships in its `mpl-data` folder: the sandbox extra installs matplotlib
   on Windows and macOS, which have no DejaVu of their own. The package is only located, not
   imported.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import sys
from pathlib import Path
from typing import NamedTuple

REGULAR, BOLD = "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"


class FontFiles(NamedTuple):
    """The two TrueType files a document is written with."""

    regular: Path
    bold: Path


class FontMissing(RuntimeError):
    """No DejaVu Sans on this machine: the documents cannot be written."""


@functools.cache
def document_font() -> FontFiles:
    """DejaVu Sans from the system, else from matplotlib; `FontMissing` (in French) when neither has it."""
    for folder in (*_system_folders(), *_package_folders()):
        found = _in_folder(folder)
        if found:
            return found
    raise FontMissing(
        "Police DejaVu Sans introuvable : les documents du bac à sable ne peuvent pas être écrits. "
        "Installez-la (Debian : apt-get install fonts-dejavu-core) ou relancez scripts/setup."
    )


def _in_folder(folder: Path) -> FontFiles | None:
    """The two files directly in `folder` or, for the big system folders, anywhere below it."""
    if not folder.is_dir():
        return None
    regular, bold = folder / REGULAR, folder / BOLD
    if regular.is_file() and bold.is_file():
        return FontFiles(regular, bold)
    for candidate in sorted(folder.rglob(REGULAR)):  # e.g. …/truetype/dejavu/ on Debian
        if (candidate.parent / BOLD).is_file():
            return FontFiles(candidate, candidate.parent / BOLD)
    return None


def _system_folders() -> list[Path]:
    home = Path.home()
    if sys.platform == "win32":
        windir = Path(os.environ.get("WINDIR", r"C:\Windows"))
        local = os.environ.get("LOCALAPPDATA")
        return [windir / "Fonts", *([Path(local) / "Microsoft" / "Windows" / "Fonts"] if local else [])]
    if sys.platform == "darwin":
        return [home / "Library" / "Fonts", Path("/Library/Fonts"), Path("/opt/homebrew/share/fonts"),
                Path("/usr/local/share/fonts")]
    data_dirs = os.environ.get("XDG_DATA_DIRS", "/usr/local/share:/usr/share").split(os.pathsep)
    return [home / ".local" / "share" / "fonts", home / ".fonts",
            *(Path(d) / "fonts" for d in data_dirs if d)]


def _package_folders() -> list[Path]:
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        return []
    return [Path(location) / "mpl-data" / "fonts" / "ttf" for location in spec.submodule_search_locations]
