"""The documents the replicas hand out, read as the mairie reads them: each PDF opens, its text
reads back exactly with `pdftotext` (accents, « », €, œ, and names outside Latin-1 such as
« Łukasz » or « Nguyễn »), and its QR code, scanned by zxing-cpp on the rendered page, carries what
the replica recorded. The pré-demande and the timbre come from real démarches run in the browser;
the others from the replicas' own pages."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from citizens import CAMILLE, citizen
from documents import codes_in_pdf, codes_in_picture, pdf_lines, pdf_pages
from paying import citizen_pays
from test_sandbox import ADRESSE, FILIATION, LOGIN, Client
from test_sandbox_histovec import OWNER, fill_siv
from test_sandbox_identite import CNI, ETAT_CIVIL_CNI, _fill, _validate
from test_sandbox_timbres import MAIL, PASSPORT_ADULT, REFUND, SITE, buy, download, only, search
from test_sandbox_vehicule_services import Browser

from autopilot.engine.runner import Outcome
from autopilot.sandbox.kit import timbre
from autopilot.sandbox.kit.pdf import Line, pdf_document

TODAY = date(2026, 11, 15)
MAIRIE = "mairie.demo@ants.bac-a-sable.fr"
# A citizen whose address and family carry what cp1252 could not print.
LUKASZ = citizen(
    CAMILLE,
    adresse={"voie": "12 rue du Cœur-Volant", "complement": "Résidence « Les Œillets », chez Łukasz Nguyễn",
             "code_postal": "35000", "commune": "Rennes"},
    parent1={**CAMILLE["parent1"], "lieu_naissance": "Łódź (Pologne)"},
)


@pytest.fixture(autouse=True)
def fixed_date(sandbox):
    sandbox.today = TODAY


def downloaded(page, link: str) -> tuple[bytes, str]:
    """What clicking the link `link` downloads, as the browser saves it: its bytes and its name."""
    with page.expect_download() as started:
        page.get_by_role("link", name=link).click()
    return Path(started.value.path()).read_bytes(), started.value.suggested_filename


def scanned_on_screen(page, url: str) -> list[tuple[str, str]]:
    """The codes zxing-cpp finds on a screenshot of `url` opened in the browser (an SVG picture)."""
    page.goto(url)
    return codes_in_picture(page.screenshot())


def test_the_predemande_recapitulatif_reads_back_and_its_qr_code_recalls_the_predemande(run_demarche, sandbox, page):
    result, _, _ = run_demarche("passeport-pre-demande", LUKASZ)
    assert result.outcome is Outcome.COMPLETED, result.error
    (record,) = sandbox.received("passeport-pre-demande")
    numero, d = record["numero_predemande"], record["data"]
    assert (d["complement"], d["parent1_lieu_naissance"]) == ("Résidence « Les Œillets », chez Łukasz Nguyễn",
                                                              "Łódź (Pologne)")
    received = datetime.fromisoformat(record["received_at"])
    confirmation = page.url

    pdf, name = downloaded(page, "Télécharger le récapitulatif")
    assert name == f"recapitulatif-predemande-{numero}.pdf" and pdf_pages(pdf) == 1
    assert pdf_lines(pdf) == [
        "Récapitulatif de pré-demande de passeport",
        f"Numéro de pré-demande : {numero}",
        f"Enregistrée le {received:%d/%m/%Y à %H:%M}. Valable 1 an, jusqu'au {received:%d/%m}/{received.year + 1}.",
        "Motif de la demande", "Motif : Première demande",
        "État civil", "Nom de naissance : Lefèvre", "Nom d'usage : Non renseigné", "Prénom(s) : Camille, Louise",
        "Sexe : Féminin", "Date de naissance : 14/07/1985", "Pays de naissance : France",
        "Département de naissance : 35", "Commune de naissance : Rennes", "Nationalité : Française",
        "Taille : 168 cm", "Couleur des yeux : Marron",
        "Adresse", "Numéro et libellé de la voie : 12 rue du Cœur-Volant",
        "Complément d'adresse : Résidence « Les Œillets », chez Łukasz Nguyễn", "Code postal : 35000",
        "Commune : Rennes", "Numéro de téléphone portable : 0612345678", "Adresse électronique : Non renseigné",
        "Filiation", "Parent 1 : Jean Lefèvre",
        "Date et lieu de naissance du parent 1 : 02/03/1955, Łódź (Pologne)",
        "Parent 2 : Anne Morvan", "Date et lieu de naissance du parent 2 : Non renseigné",
        "Timbre fiscal", "Timbre fiscal : Timbre fiscal électronique déjà acheté",
        "Numéro du timbre fiscal : 1234 5678 9012 3456", "Montant : 86 €",
        "Document à présenter en mairie avec les pièces justificatives. "
        "Ce récapitulatif ne vaut pas titre d'identité.",
    ]
    # The recueil station scans the printed QR code, or the one on the citizen's phone.
    assert codes_in_pdf(pdf) == [("QRCode", numero)]
    assert scanned_on_screen(page, confirmation + "/qr-code.svg") == [("QRCode", numero)]


def test_the_timbre_reads_back_and_its_code_carries_its_number(run_demarche, sandbox, page):
    buyer = {"reception": "courriel", "courriel": MAIRIE, "demandeur": "majeur"}
    result, _, _ = run_demarche("timbre-passeport", buyer, citizen_pays(page))
    assert result.outcome is Outcome.COMPLETED, result.error
    sold = only(sandbox, "timbres-achat")
    assert "acheteur" not in sold  # a timbre is not nominative

    # « Télécharger les documents »: saved by the démarche into the visit's folder.
    saved = Path(result.outputs["documents"])
    pdf = saved.read_bytes()
    assert pdf_pages(pdf) == 1
    assert pdf_lines(pdf) == [
        "Timbre fiscal électronique",
        f"Numéro du timbre : {timbre.grouped(sold['numero_timbre'])}",
        "Montant : 86 €",
        f"Usage : {sold['libelle']}",
        "Date d'achat : 15/11/2026",
        "Valable jusqu'au : 15/11/2027",
        "Ce timbre n'est pas nominatif. Présentez ce document ou son numéro à l'administration.",
        "Justificatif de paiement",
        f"Référence de la transaction : {sold['reference_transaction']}",
        "Montant payé : 86 €",
        f"Payé par la carte bancaire se terminant par {sold['carte_fin']}",
    ]
    assert codes_in_pdf(pdf) == [("QRCode", sold["numero_timbre"])]
    svg = f"{SITE}/pages/achat/code2d/{sold['reference_transaction']}/{sold['numero_timbre']}.svg"
    assert scanned_on_screen(page, sandbox.url(svg)) == [("QRCode", sold["numero_timbre"])]


def test_the_refund_justificatif_reads_back_and_carries_no_code(sandbox):
    buyer = Client(sandbox)
    buy(buyer, PASSPORT_ADULT, reception=MAIL)
    sold = only(sandbox, "timbres-achat")
    sandbox.today = date(2026, 11, 20)
    assert search(buyer, sold).status == 303
    confirm = buyer.get(REFUND + "/confirmation.jsp")
    jeton = re.search(r'name="jeton" value="([^"]+)"', confirm.text).group(1)
    buyer.post(REFUND + "/confirmation.jsp", {"jeton": jeton})
    record = only(sandbox, "timbres-remboursement")
    numero = record["numero_remboursement"]

    pdf, content_type = download(buyer, REFUND + f"/{numero}/justificatif.pdf")
    assert content_type == "application/pdf" and pdf_pages(pdf) == 1
    assert pdf_lines(pdf) == [
        "Justificatif de remboursement d'un timbre fiscal électronique",
        f"Numéro de la demande de remboursement : {numero}",
        f"Numéro du timbre : {timbre.grouped(sold['numero_timbre'])}",
        "Montant remboursé : 86 €",
        "Date d'achat du timbre : 15/11/2026",
        "Remboursé sur la carte bancaire se terminant par 1111",
        f"Demande enregistrée le {datetime.fromisoformat(record['received_at']):%d/%m/%Y}",
    ]
    assert codes_in_pdf(pdf) == []  # no code is known on the real justificatif


def test_the_csa_reads_back_and_its_qr_code_leads_back_to_the_certificate(page, sandbox):
    page.goto(sandbox.url(OWNER))
    fill_siv(page)
    page.get_by_role("button", name="Rechercher").click()
    with page.expect_download() as printed:
        page.get_by_role("button", name="Imprimer le CSA").click()
    pdf = Path(printed.value.path()).read_bytes()
    (record,) = sandbox.received("histovec-csa")
    assert pdf_pages(pdf) == 1
    lines = pdf_lines(pdf)
    assert lines[0] == "Certificat de situation administrative détaillé"
    assert "Certificat attestant la situation administrative au : 15/11/2026" in lines
    address = f"https://histovec.interieur.gouv.fr/histovec/public/v1/csa/{record['rapport']}"
    assert codes_in_pdf(pdf) == [("QRCode", address)]
    again, content_type = download(Client(sandbox), address)  # the code's address serves the same certificate
    assert content_type == "application/pdf" and pdf_lines(again) == lines


def test_without_the_sandbox_extra_the_command_says_how_to_install_it():
    """`autopilot sandbox` on an install without the extra: a French message, no traceback."""
    hide_fpdf = "import sys; sys.modules['fpdf'] = None; from autopilot.cli import main; sys.exit(main(['sandbox']))"
    done = subprocess.run([sys.executable, "-c", hide_fpdf], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines() == [
        "Erreur : le bac à sable a besoin de son extra « sandbox » (documents PDF et QR codes).",
        "  → Relancez scripts/setup, ou : .venv/bin/pip install -e '.[sandbox]'.",
    ]


def test_the_cni_recapitulatif_has_no_timbre_and_needs_the_account(sandbox):
    user = Browser(sandbox)
    assert user.login().status == 303
    adresse = {**ADRESSE, "complement": "chez Nguyễn Văn Đức"}
    _fill(user, [(CNI, {"motif": "premiere_demande"}), (CNI + "/etat-civil", ETAT_CIVIL_CNI),
                 (CNI + "/adresse", adresse), (CNI + "/filiation", FILIATION)])
    done = _validate(user, CNI)
    (record,) = sandbox.received("cni-pre-demande")
    numero = record["numero_predemande"]
    assert done.location == sandbox.url(f"{CNI}/confirmation/{numero}")
    address = f"{CNI}/confirmation/{numero}/recapitulatif.pdf"

    status, headers, pdf = user.raw(address)
    assert (status, headers["Content-Type"]) == (200, "application/pdf") and pdf_pages(pdf) == 1
    lines = pdf_lines(pdf)
    assert lines[:2] == ["Récapitulatif de pré-demande de carte d'identité", f"Numéro de pré-demande : {numero}"]
    assert [line for line in lines[3:-1] if ":" not in line] == ["Motif de la demande", "État civil", "Adresse",
                                                                 "Filiation"]  # the section titles: no timbre
    assert f"Nom de naissance : {ETAT_CIVIL_CNI['nom_naissance']}" in lines
    assert "Complément d'adresse : chez Nguyễn Văn Đức" in lines and "Couleur des yeux" not in " ".join(lines)
    assert codes_in_pdf(pdf) == [("QRCode", numero)]
    stranger = Browser(sandbox).get(address, follow=False)
    assert stranger.status == 303 and stranger.location.startswith(sandbox.url(LOGIN))
    assert user.get(address.replace(numero, "AAAAAAAAAA")).status == 404


def test_a_line_too_wide_wraps_and_a_long_document_goes_on_to_a_second_page():
    """Nothing a citizen typed runs off the page: long values wrap, long documents go on."""
    address = "Résidence « Les Œillets », bâtiment B, escalier 4, chez Łukasz Nguyễn, " * 3
    pdf = pdf_document([Line("Titre", 16, bold=True), f"Complément d'adresse : {address.strip()}",
                        *(f"Ligne {n}" for n in range(40))], code_2d="1234567890123456")
    assert pdf_pages(pdf) == 2
    text = " ".join(pdf_lines(pdf))
    assert f"Complément d'adresse : {address.strip()}" in text  # its parts, one after the other
    assert text.endswith("Ligne 38 Ligne 39")
    assert codes_in_pdf(pdf) == [] and codes_in_pdf(pdf, page=2) == [("QRCode", "1234567890123456")]
