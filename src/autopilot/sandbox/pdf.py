"""The one-page PDF documents the replicas hand out: a timbre, a refund's justificatif, a CSA.

Written by hand, uncompressed, so the sandbox needs no PDF library and a document's text stays
readable in its bytes (tests look for numbers there; `pdftotext` reads it too). The text is
Helvetica in WinAnsiEncoding (cp1252): French accents, « », œ and € print as such; a character
cp1252 lacks prints as "?".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from flask import Response

from autopilot.sandbox.qr import qr_svg

_LEFT, _TOP = 56, 800  # points, on an A4 page (595 × 842)


class Line(NamedTuple):
    """One line of text: its size in points, bold or not."""

    text: str
    size: int = 11
    bold: bool = False


def pdf_document(lines: Sequence[str | Line], *, code_2d: str | None = None) -> bytes:
    """A one-page A4 PDF: one line of Helvetica per item, a `str` being an 11-point line ("" leaves
    a blank line), then, when `code_2d` is given, the 2D code of that number (`qr.qr_svg`).
    """
    ops, y, font = [b"BT", b"1 0 0 1 %d %d Tm" % (_LEFT, _TOP)], _TOP, None
    for line in lines:
        text, size, bold = Line(line) if isinstance(line, str) else line
        if font != (size, bold):  # each line moves down by its own leading, then shows its text
            font = (size, bold)
            ops.append(b"/F%d %d Tf %d TL" % (2 if bold else 1, size, size + 10))
        ops.append(_shown(text) + b" '")
        y -= size + 10
    ops.append(b"ET")
    if code_2d:  # the modules of the code drawn under the text, 4 points each
        for x, row in re.findall(r'<rect x="(\d+)" y="(\d+)" width="1" height="1"/>', qr_svg(code_2d)):
            ops.append(b"%d %d 4 4 re f" % (_LEFT + 4 * int(x), y - 20 - 4 * int(row)))
    stream = b"\n".join(ops)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
         b"/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def pdf_download(content: bytes, filename: str) -> Response:
    """The response that hands a PDF over as a download named `filename`."""
    return Response(content, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _shown(text: str) -> bytes:
    """A PDF string of `text` in cp1252, its backslashes and parentheses escaped."""
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return b"(" + escaped.encode("cp1252", errors="replace") + b")"
