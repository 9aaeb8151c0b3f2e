"""The QR codes printed on the replicas' documents, made with segno: real codes a phone or the
mairie's scanner reads.

What each document's code carries, and how sure we are of it, is listed in
docs/adr/0012-sandbox-documents.md (pré-demande: its numéro; timbre: its 16 digits; CSA: the
report's address). Error correction is segno's default, raised as far as the symbol's size
allows, as printed documents need.
"""

from __future__ import annotations

import io

import segno

_QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks


def qr_svg(numero: str, *, title: str | None = None) -> str:
    """The QR code carrying `numero`, as an SVG picture that scales to the size it is shown at."""
    out = io.BytesIO()
    _code(numero).save(
        out, kind="svg", xmldecl=False, omitsize=True, border=_QUIET_ZONE, light="#fff",
        title=title or f"QR code {numero}", svgclass="fr-qr-code", lineclass=None,
    )
    return out.getvalue().decode()


def qr_matrix(content: str) -> list[list[bool]]:
    """The modules of the QR code carrying `content`, row by row, dark = True (no quiet zone)."""
    return [[bool(module) for module in row] for row in _code(content).matrix]


def _code(content: str) -> segno.QRCode:
    return segno.make_qr(content, error="m")
