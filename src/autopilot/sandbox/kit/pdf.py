"""The one-page PDF documents the replicas hand out: a timbre, a refund's justificatif, a CSA, a
pré-demande's récapitulatif.

Written with fpdf2 in DejaVu Sans (`fonts.document_font`), embedded and subset, so any text prints
as typed: accents, « », €, œ and names outside the Latin-1 letters (« Łukasz », « Nguyễn »). Text is
read back with `pdftotext`; the 2D code is a real QR code (`qr.qr_matrix`) a phone or zxing reads.
Why these libraries: docs/adr/0012-sandbox-documents.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from flask import Response
from fpdf import FPDF

from autopilot.sandbox.kit.fonts import document_font
from autopilot.sandbox.kit.qr import qr_matrix

_WIDTH, _HEIGHT = 595, 842  # an A4 page, in points
_LEFT, _TOP = 56, 42  # points from the page's left and top edges
_RIGHT = 28  # points kept free at the right edge: a line wider than the rest wraps
_TEXT_WIDTH = _WIDTH - _LEFT - _RIGHT
_MODULE = 4  # points per module of the 2D code
_CODE_GAP = 16  # points between the last line's baseline and the top of the 2D code
_FAMILY = "DejaVu"


class Line(NamedTuple):
    """One line of text: its size in points, bold or not."""

    text: str
    size: int = 11
    bold: bool = False


def pdf_document(lines: Sequence[str | Line], *, code_2d: str | None = None, code_beside: bool = False,
                 title: str | None = None) -> bytes:
    """An A4 PDF: one line of DejaVu Sans per item, a `str` being an 11-point line ("" leaves a blank
    line), and, when `code_2d` is given, a QR code carrying exactly that text: under the text, or
    with `code_beside` in the top right corner, under the first line. A line too wide for the page
    wraps at its spaces; text longer than a page goes on to the next.
    """
    pdf = _page(title)
    code_side = _MODULE * len(qr_matrix(code_2d)) if code_2d else 0
    code_bottom = 0.0  # where the code beside the text ends: lines above it leave it room
    y = _TOP
    for number, line in enumerate(lines):
        text, size, bold = Line(line) if isinstance(line, str) else line
        pdf.set_font(_FAMILY, "B" if bold else "", size)
        beside = y + 10 < code_bottom
        for part in _wrapped(pdf, text, _TEXT_WIDTH - (code_side + _CODE_GAP if beside else 0)):
            y += size + 10  # each line moves down by its own leading, then shows its text
            if y > _HEIGHT - _TOP:
                pdf.add_page()
                y = _TOP + size + 10
            pdf.text(_LEFT, y, part)
        if number == 0 and code_2d and code_beside:  # under the title, which may be long, beside the rest
            _draw_code(pdf, code_2d, _WIDTH - _RIGHT - code_side, y + _CODE_GAP / 2)
            code_bottom = y + _CODE_GAP / 2 + code_side
    if code_2d and not code_beside:
        if y + _CODE_GAP + code_side > _HEIGHT - _TOP:
            pdf.add_page()
            y = _TOP - _CODE_GAP
        _draw_code(pdf, code_2d, _LEFT, y + _CODE_GAP)
    return bytes(pdf.output())


def pdf_download(content: bytes, filename: str) -> Response:
    """The response that hands a PDF over as a download named `filename`."""
    return Response(content, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _page(title: str | None) -> FPDF:
    """A blank A4 page in points, with the document font, no automatic page break."""
    regular, bold = document_font()
    pdf = FPDF(unit="pt", format=(_WIDTH, _HEIGHT))
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0)
    pdf.add_font(_FAMILY, "", regular)
    pdf.add_font(_FAMILY, "B", bold)
    if title:
        pdf.set_title(title)
    pdf.set_creator("Bac à sable de formation autopilot")
    pdf.add_page()
    return pdf


def _wrapped(pdf: FPDF, text: str, width: float) -> list[str]:
    """`text` cut at spaces into parts no wider than `width` in the current font (a longer word stays whole)."""
    parts = [""]
    for word in text.split(" "):
        joined = f"{parts[-1]} {word}" if parts[-1] else word
        if parts[-1] and pdf.get_string_width(joined) > width:
            parts.append(word)
        else:
            parts[-1] = joined
    return parts


def _draw_code(pdf: FPDF, content: str, left: float, top: float) -> None:
    """The QR code of `content`, its top-left corner at (`left`, `top`), dark modules filled."""
    pdf.set_fill_color(0, 0, 0)
    for row, modules in enumerate(qr_matrix(content)):
        column = 0
        while column < len(modules):  # one rectangle per run of dark modules, so no seam shows between them
            if not modules[column]:
                column += 1
                continue
            run = column
            while run < len(modules) and modules[run]:
                run += 1
            pdf.rect(left + column * _MODULE, top + row * _MODULE, (run - column) * _MODULE, _MODULE, style="F")
            column = run
