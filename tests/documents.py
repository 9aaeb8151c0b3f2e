"""Reading the documents the sandbox hands out as a person or a scanner would: the text of a PDF
through poppler's `pdftotext`, its 2D codes through zxing-cpp's reader on the page rendered by
poppler's `pdftoppm` (scripts/setup --test installs poppler-utils; zxing-cpp is in the test extra)."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

import zxingcpp
from PIL import Image


def _tool(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} is missing: run the tests with scripts/test"
    return found


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF as `pdftotext` reads it, in reading order."""
    return subprocess.run([_tool("pdftotext"), "-enc", "UTF-8", "-", "-"], input=pdf,
                          capture_output=True, check=True).stdout.decode("utf-8")


def pdf_lines(pdf: bytes) -> list[str]:
    """The PDF's non-blank lines of text."""
    return [line for line in pdf_text(pdf).splitlines() if line.strip() and line != "\f"]


def pdf_pages(pdf: bytes) -> int:
    """How many pages `pdfinfo` counts (it fails on a PDF it cannot open)."""
    info = subprocess.run([_tool("pdfinfo"), "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def codes_in_pdf(pdf: bytes, page: int = 1) -> list[tuple[str, str]]:
    """The 2D codes found on a page of the PDF rendered at 150 dpi: (symbology, content)."""
    with tempfile.TemporaryDirectory() as folder:
        source, root = Path(folder) / "document.pdf", Path(folder) / "page"
        source.write_bytes(pdf)
        subprocess.run([_tool("pdftoppm"), "-r", "150", "-png", "-singlefile", "-f", str(page),
                        str(source), str(root)], check=True, capture_output=True)
        return codes_in_picture(root.with_suffix(".png").read_bytes())


def codes_in_picture(png: bytes) -> list[tuple[str, str]]:
    """The 2D codes zxing-cpp finds in a PNG picture: (symbology, content)."""
    with Image.open(io.BytesIO(png)) as picture:
        return [(code.format.name, code.text) for code in zxingcpp.read_barcodes(picture.convert("L"))]
