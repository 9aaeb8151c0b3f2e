"""Tesseract OCR on the machine-readable zone, run as a program (Debian's `tesseract-ocr`, or the
Windows installer's `tesseract.exe`); the image goes through a pipe, so no copy of it is written.

The zone's characters are only A–Z, 0–9 and '<' (ICAO 9303): a whitelist keeps OCR from
reading anything else. Tesseract is optional: without it the 2D-Doc still reads (`available`).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

from PIL import Image, ImageOps

ENV = "AUTOPILOT_TESSERACT"  # a tesseract program elsewhere than on PATH
WINDOWS_DEFAULT = Path(os.environ.get("PROGRAMFILES", r"C:\Program Files")) / "Tesseract-OCR" / "tesseract.exe"
WHITELIST = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
TIMEOUT_S = 30
MISSING = ("La lecture des bandes MRZ (passeports, cartes d'identité) demande le logiciel Tesseract OCR, absent de"
           " ce poste. Sous Windows, installez « Tesseract OCR » (programme d'installation de l'université de"
           " Mannheim, dans C:\\Program Files\\Tesseract-OCR) ; sous Debian ou Ubuntu : apt install tesseract-ocr."
           " Les codes 2D-Doc des factures se lisent sans lui.")


class OcrUnavailable(Exception):
    """Tesseract is not installed on this desk (or does not run)."""


def program() -> str | None:
    """The tesseract program to run, or None when this desk has none."""
    configured = os.environ.get(ENV)
    if configured:
        return configured if Path(configured).is_file() else None
    found = shutil.which("tesseract")
    if found:
        return found
    if sys.platform == "win32" and WINDOWS_DEFAULT.is_file():
        return str(WINDOWS_DEFAULT)
    return None


def available() -> bool:
    """Whether MRZ zones can be read on this desk."""
    return program() is not None


def read_text(image: Image.Image) -> str:
    """The text tesseract reads in `image`, one line per text line, with the MRZ whitelist."""
    tesseract = program()
    if tesseract is None:
        raise OcrUnavailable(MISSING)
    data = io.BytesIO()
    image.save(data, "PNG")
    try:
        done = subprocess.run([tesseract, "stdin", "stdout", "--psm", "6", "-c", f"tessedit_char_whitelist={WHITELIST}"],
                              input=data.getvalue(), capture_output=True, timeout=TIMEOUT_S, check=False,
                              env={**os.environ, "OMP_THREAD_LIMIT": "1"})  # one thread: a desk PC is busy enough
    except (OSError, subprocess.TimeoutExpired) as error:
        raise OcrUnavailable(f"Tesseract OCR n'a pas pu lire l'image ({type(error).__name__}). {MISSING}") from None
    if done.returncode != 0:
        raise OcrUnavailable("Tesseract OCR a échoué : " + done.stderr.decode("utf-8", "replace").strip()[:200])
    return done.stdout.decode("utf-8", "replace")


def zone_views(image: Image.Image) -> list[Image.Image]:
    """The views of a card to OCR in turn: its lower part (where the zone is), then the same cleaned up."""
    gray = ImageOps.grayscale(image)
    width, height = gray.size
    lower = gray.crop((0, int(height * 0.55), width, height))
    contrasted = ImageOps.autocontrast(lower, cutoff=1)
    dpi = image.info.get("dpi", (300, 300))[0] or 300
    scale = 300 / float(dpi)
    larger = contrasted.resize((int(lower.width * scale), int(lower.height * scale)), Image.LANCZOS) \
        if abs(scale - 1) > 0.1 else contrasted.point(lambda p: 255 if p > 150 else 0)
    return [lower, larger]


def whole(image: Image.Image) -> Image.Image:
    """The whole page, when the zone is not in the lower part (a card scanned on an A4 page)."""
    return ImageOps.grayscale(image)
