"""A scanned document, named by its file name in the mairie's scanner folder.

The dossier only checks that the name is a plain file name; whether the file is there is checked
against the scanner folder (`autopilot.scans`) before the browser opens.
"""

from __future__ import annotations

from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from autopilot.dossier import messages
from autopilot.dossier.messages import invalid
from autopilot.dossier.types import as_text


def scan(value: Any) -> str:
    """A file name without any folder part ("domicile.pdf"); "../x" or "C:\\x" are refused."""
    text = as_text(value, messages.SCAN_NAME)
    name = PurePosixPath(text).name
    if not text or name != text or PureWindowsPath(text).name != text or text.startswith(".") or "\0" in text:
        raise invalid(messages.SCAN_NAME)
    return text
