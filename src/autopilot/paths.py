"""Per-OS folders for configuration, data and cache (no hard-coded paths).

Windows: %APPDATA% / %LOCALAPPDATA%; macOS: ~/Library/…; elsewhere the XDG folders.
`AUTOPILOT_HOME` puts everything under one folder (tests, portable installs).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP = "autopilot"


def _home_override(kind: str) -> Path | None:
    root = os.environ.get("AUTOPILOT_HOME")
    return Path(root) / kind if root else None


def config_dir() -> Path:
    """Where settings live (never secrets: those are in the OS keyring)."""
    if (override := _home_override("config")) is not None:
        return override
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming")) / APP
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / APP


def data_dir() -> Path:
    """Where the journal lives."""
    if (override := _home_override("data")) is not None:
        return override
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local")) / APP
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / APP


def cache_dir() -> Path:
    """Where throw-away files go."""
    if (override := _home_override("cache")) is not None:
        return override
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local")) / APP / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / APP
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / APP
