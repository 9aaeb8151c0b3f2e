"""A pré-demande's récapitulatif as the PDF the citizen downloads and shows at the mairie: its
numéro, its QR code (what the mairie's recueil station scans, docs/adr/0012-sandbox-documents.md)
and the same sections and rows as the récapitulatif page, read from that page's own template so the
two never differ."""

from __future__ import annotations

from html.parser import HTMLParser

from autopilot.sandbox.kit.pdf import Line, pdf_document

NOTICE = ("Document à présenter en mairie avec les pièces justificatives. "
          "Ce récapitulatif ne vaut pas titre d'identité.")


def recapitulatif_pdf(*, nom: str, numero: str, received_on: str, valid_until: str, summary_html: str) -> bytes:
    """The récapitulatif of pré-demande `numero` (of a `nom`: "passeport", "carte d'identité"),
    from the rendered `predemande/_summary.html`."""
    lines: list[str | Line] = [
        Line(f"Récapitulatif de pré-demande de {nom}", 16, bold=True),
        Line(f"Numéro de pré-demande : {numero}", 14, bold=True),
        Line(f"Enregistrée le {received_on}. Valable 1 an, jusqu'au {valid_until}.", 10),
    ]
    for title, rows in summary_sections(summary_html):
        # 9-point rows under 11-point titles: the longest récapitulatif still fits on one page
        lines += [Line("", 0), Line(title, 11, bold=True), *(Line(f"{label} : {value}", 9) for label, value in rows)]
    lines += ["", Line(NOTICE, 8)]
    return pdf_document(lines, code_2d=numero, code_beside=True,
                        title=f"Récapitulatif de la pré-demande {numero}")


def summary_sections(summary_html: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The récapitulatif's sections, each its title and its (label, value) rows, in page order."""
    reader = _SummaryReader()
    reader.feed(summary_html)
    reader.close()
    return reader.sections


class _SummaryReader(HTMLParser):
    """Collects the text of each `h2` (a section) and of each `dt`/`dd` pair (a row)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[tuple[str, list[tuple[str, str]]]] = []
        self._tag: str | None = None
        self._text: list[str] = []
        self._label = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h2", "dt", "dd"):
            self._tag, self._text = tag, []

    def handle_data(self, data: str) -> None:
        if self._tag:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag != self._tag:
            return
        text = " ".join("".join(self._text).split())
        if tag == "h2":
            self.sections.append((text, []))
        elif tag == "dt":
            self._label = text
        else:
            self.sections[-1][1].append((self._label, text))
        self._tag = None
