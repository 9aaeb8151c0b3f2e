"""The documents a vehicle démarche hands out once recorded, as the PDF downloads the citizen keeps
(docs/adr/0012-sandbox-documents.md): the accusé d'enregistrement and, when a new certificate is
made, the certificat provisoire d'immatriculation (CPI), valid one month in France only
(docs/teleservices.md §5, F18142). Their layout is NOT confirmed [?]; their rows are the
confirmation's récapitulatif (`immatriculation_recapitulatif.summary`)."""

from __future__ import annotations

from typing import Any

from autopilot.sandbox.kit.pdf import Line, pdf_document

FILENAMES = {"accuse": "accuse-enregistrement-{numero}.pdf", "cpi": "certificat-provisoire-{numero}.pdf"}
CPI_NOTICE = ("Ce certificat provisoire permet de circuler en France uniquement, pendant 1 mois, en attendant "
              "le certificat d'immatriculation définitif envoyé par courrier sécurisé.")


def document_pdf(kind: str, titre: str, context: dict[str, Any]) -> bytes:
    """The `kind` ("accuse" or "cpi") of the démarche `titre`, from its confirmation's `context`."""
    d, numero = context["d"], context["numero"]
    if kind == "cpi":
        lines: list[str | Line] = [
            Line("Certificat provisoire d'immatriculation", 16, bold=True),
            Line(f"Immatriculation : {d['immatriculation']}", 14, bold=True),
            f"Numéro de dossier : {numero}",
            Line(f"Valable jusqu'au : {context['cpi_until']}", 12, bold=True),
            Line(CPI_NOTICE, 9),
        ]
    else:
        lines = [
            Line("Accusé d'enregistrement", 16, bold=True),
            Line(titre, 12),
            Line(f"Numéro de dossier : {numero}", 14, bold=True),
            f"Enregistré le {context['received_on']}.",
        ]
        if paiement := context["record"].get("paiement"):
            lines.append(f"Paiement accepté : {paiement['montant']} € (carte se terminant par {paiement['carte_fin']}).")
    for title, rows in context["sections"]:
        lines += [Line("", 0), Line(title, 11, bold=True), *(Line(f"{label} : {value}", 9) for label, value in rows)]
    name = "Certificat provisoire" if kind == "cpi" else "Accusé d'enregistrement"
    return pdf_document(lines, title=f"{name} {numero}")
