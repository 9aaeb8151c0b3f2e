"""Reading scanned documents: MRZ lines and 2D-Docs parsed and checked; generated scans read back with
their truth; the form's « Lire un document numérisé »; the scans read deleted at the visit's end.

The documents are generated (tests/documents_factory.py): fictitious people, never real papers.
OCR is slow on a shared machine: a handful here; the 40+ documents run is the bench's (bench/reading.py).
"""

from __future__ import annotations

import dataclasses
import html
import random
import re
from datetime import date

import documents_factory as factory
import pytest
from mrz.base.functions import hash_string

from autopilot import scans
from autopilot.reading import Check, ReadingFailed, mrz, ocr, read_document, twoddoc
from autopilot.ui.desk import Desk
from autopilot.ui.server import create_app

HERE = {"Host": "127.0.0.1:5555", "Origin": "http://127.0.0.1:5555"}
FLOW = "passeport-pre-demande"
CLAIRE = factory.Person("MARTIN", ["CLAIRE", "ANNE"], "F", date(1985, 7, 14), "X4RTBPFW4", date(2031, 5, 2),
                        voie="12 RUE DES LILAS", code_postal="35000", commune="RENNES")


def typed(page: str, name: str) -> str | None:
    """The value of the form's text field `name` in `page`."""
    found = re.search(rf'name="{re.escape(name)}"\s+value="([^"]*)"', page)
    return found.group(1) if found else None


def values(reading) -> dict[str, tuple[str, Check]]:
    return {p.key: (p.value, p.check) for p in reading.proposals}


# --- the zone and the 2D-Doc, from their text ------------------------------------------------


def test_check_digits_agree_with_an_independent_implementation():
    rng = random.Random(1)
    for _ in range(200):
        text = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<") for _ in range(rng.randrange(1, 40)))
        assert mrz.check_digit(text) == hash_string(text)
    assert mrz.check_digit("L898902C3") == "6"  # ICAO 9303 part 4's specimen


def test_a_passport_zone_read_exactly_is_checked_except_what_no_digit_covers():
    zone = mrz.best_zone(factory.passport_mrz(CLAIRE))
    found = values(mrz.proposals(zone))
    assert found == {
        "identite.nom_naissance": ("MARTIN", Check.TO_CONFIRM), "identite.prenoms": ("CLAIRE, ANNE", Check.TO_CONFIRM),
        "identite.sexe": ("F", Check.TO_CONFIRM), "identite.date_naissance": ("14/07/1985", Check.CHECKED),
        "identite.nationalite": ("Française", Check.TO_CONFIRM), "document.numero": ("X4RTBPFW4", Check.CHECKED),
        "document.date_expiration": ("02/05/2031", Check.CHECKED)}


def test_a_misread_digit_is_caught_and_left_to_type():
    one, two = factory.passport_mrz(CLAIRE)
    wrong = two[:13] + "850724" + two[19:]  # OCR read 14 as 24 in the birth date
    found = values(mrz.proposals(mrz.best_zone([one, wrong])))
    assert found["identite.date_naissance"] == ("", Check.UNREADABLE)
    assert found["document.numero"] == ("X4RTBPFW4", Check.TO_CONFIRM)  # the zone's overall check fails too
    shifted = two[:9] + "U" + two[10:]  # a letter where the check digit is: never mapped to a digit
    assert values(mrz.proposals(mrz.best_zone([one, shifted])))["document.numero"] == ("", Check.UNREADABLE)


def test_the_2021_card_and_the_older_card():
    found = values(mrz.proposals(mrz.best_zone(factory.cni_2021_mrz(CLAIRE))))
    assert found["document.numero"] == ("X4RTBPFW4", Check.CHECKED)
    assert found["identite.date_naissance"] == ("14/07/1985", Check.CHECKED)
    old = factory.old_cni_mrz(dataclasses.replace(CLAIRE), random.Random(2))
    found = values(mrz.proposals(mrz.best_zone(old)))
    # the older card's last digit covers both lines: the names are checked too
    assert found["identite.nom_naissance"] == ("MARTIN", Check.CHECKED)
    assert found["identite.prenoms"] == ("CLAIRE, ANNE", Check.CHECKED)
    assert found["identite.sexe"] == ("F", Check.CHECKED)
    assert "document.date_expiration" not in found
    name_misread = [old[0].replace("MARTIN", "MARTlN"), old[1]]
    assert values(mrz.proposals(mrz.best_zone(name_misread)))["identite.nom_naissance"][1] is Check.TO_CONFIRM


def test_what_a_check_digit_cannot_see_is_never_proposed_as_checked():
    """Found by the bench: OCR reads the '<' after a name as 'K' (« SIMONK »), and K (20) weighs what
    '<' (0) weighs modulo 10 — the older card's final digit still holds; likewise G and 6 in a number."""
    old = factory.old_cni_mrz(dataclasses.replace(CLAIRE, nom="SIMON"), random.Random(4))
    misread = [old[0].replace("SIMON<", "SIMONK"), old[1]]
    zone = mrz.best_zone(misread)
    assert zone.composite  # the check digit is blind to it
    found = values(mrz.proposals(zone))
    assert found["identite.nom_naissance"] == ("SIMONK", Check.TO_CONFIRM)
    assert found["identite.date_naissance"] == ("14/07/1985", Check.CHECKED)
    six = values(mrz.proposals(mrz.best_zone(factory.passport_mrz(dataclasses.replace(CLAIRE, numero="X46TBPFW4")))))
    assert six["document.numero"] == ("X46TBPFW4", Check.TO_CONFIRM)


def test_a_bill_2d_doc_gives_name_and_address():
    code = factory.two_d_doc(CLAIRE, issued=date(2026, 11, 2))
    doc = twoddoc.decode(code)
    assert (doc.header.version, doc.header.authority, doc.header.doc_type) == (4, "FR00", "01")
    assert doc.header.issued == date(2026, 11, 2)
    reading = twoddoc.proposals(doc)
    assert values(reading) == {
        "identite.nom_naissance": ("MARTIN", Check.TO_CONFIRM), "identite.prenoms": ("CLAIRE", Check.TO_CONFIRM),
        "adresse.voie": ("12 RUE DES LILAS", Check.CHECKED), "adresse.code_postal": ("35000", Check.CHECKED),
        "adresse.commune": ("RENNES", Check.CHECKED), "adresse.pays": ("France", Check.CHECKED)}
    assert twoddoc.UNSIGNED in reading.notes
    assert reading.source == "lu dans le 2D-Doc de la facture"
    with pytest.raises(twoddoc.NotA2DDoc, match="pas un justificatif de domicile"):
        twoddoc.proposals(twoddoc.decode(factory.two_d_doc(CLAIRE, issued=date(2026, 1, 1), doc_type="04")))
    with pytest.raises(twoddoc.NotA2DDoc, match="version 7"):
        twoddoc.decode("DC07" + code[4:])


# --- generated scans, read back -------------------------------------------------------------


@pytest.mark.parametrize("kind,pdf", [("passeport", True), ("cni-2021", False), ("cni-ancienne", False),
                                      ("facture", True)])
def test_a_generated_scan_proposes_the_truth_or_says_it_cannot(kind, pdf, tmp_path):
    made = factory.make(kind, tmp_path, random.Random(11), person=CLAIRE, pdf=pdf, dpi=300)
    truth = {"identite.nom_naissance": "MARTIN", "identite.date_naissance": "14/07/1985",
             "document.numero": made.person.numero, "document.date_expiration": "02/05/2031",
             "adresse.voie": "12 RUE DES LILAS", "adresse.code_postal": "35000", "adresse.commune": "RENNES"}
    reading = read_document(made.path)
    checked = {p.key: p.value for p in reading.proposals if p.check is Check.CHECKED}
    assert checked, reading.proposals
    for key, value in checked.items():  # a value proposed as checked is the truth, always
        assert value == truth.get(key, value), (key, value)
    if kind == "facture":
        assert checked["adresse.voie"] == "12 RUE DES LILAS"


def test_without_tesseract_the_bill_still_reads_and_the_card_says_what_to_install(library, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))  # a desk where tesseract is not installed
    monkeypatch.delenv(ocr.ENV, raising=False)
    assert not ocr.available()
    desk = Desk(library, mediateur="Camille Martin", sandbox=False, mairie=None, visits=tmp_path / "visites")
    form = html.unescape(create_app(desk, "jeton", "http://127.0.0.1:5555").test_client().get(
        f"/jeton/demarches/{FLOW}", headers=HERE).text)
    assert "demande le logiciel Tesseract OCR, absent de ce poste. Sous Windows, installez" in form
    assert "Les codes 2D-Doc des factures se lisent sans lui." in form
    bill = factory.make("facture", tmp_path, random.Random(3), person=CLAIRE)
    assert values(read_document(bill.path))["adresse.commune"] == ("RENNES", Check.CHECKED)
    card = factory.make("passeport", tmp_path, random.Random(3), person=CLAIRE)
    with pytest.raises(ReadingFailed) as refused:
        read_document(card.path)
    assert "demande le logiciel Tesseract OCR, absent de ce poste" in refused.value.message
    assert "apt install tesseract-ocr" in refused.value.message


def test_a_file_that_is_no_document_is_refused_in_french(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("rien")
    with pytest.raises(ReadingFailed, match="ni un PDF ni une image"):
        read_document(text)
    broken = tmp_path / "abime.pdf"
    broken.write_bytes(b"%PDF-1.4 tronque")
    with pytest.raises(ReadingFailed, match="illisible"):
        read_document(broken)


# --- the console's form ---------------------------------------------------------------------


@pytest.fixture
def scanner(tmp_path, monkeypatch):
    folder = tmp_path / "numerisations"
    folder.mkdir()
    monkeypatch.setenv(scans.ENV, str(folder))
    return folder


def test_the_form_reads_a_bill_and_takes_only_the_accepted_values(library, scanner, tmp_path):
    desk = Desk(library, mediateur="Camille Martin", sandbox=False, mairie=None, visits=tmp_path / "visites")
    client = create_app(desk, "jeton", "http://127.0.0.1:5555").test_client()
    bill = factory.make("facture", scanner, random.Random(5), person=CLAIRE)
    (scanner / "autre.pdf").write_bytes(b"%PDF-1.4")
    page = html.unescape(client.get(f"/jeton/demarches/{FLOW}", headers=HERE).text)
    assert "Lire un document numérisé" in page and bill.path.name in page

    read = html.unescape(client.post(f"/jeton/demarches/{FLOW}", headers=HERE, data={
        "_lecture_document": bill.path.name, "lire": "1", "usager.taille": "168"}).text)
    assert "Lu dans le 2D-Doc de la facture." in read
    assert "Signature non vérifiée" in read
    assert typed(read, "_lu.adresse.voie") == "12 RUE DES LILAS"
    assert typed(read, "usager.taille") == "168"  # what was typed stays
    assert typed(read, "adresse.voie") == ""  # nothing in the form before it is accepted

    taken = html.unescape(client.post(f"/jeton/demarches/{FLOW}", headers=HERE, data={
        "reprendre": "1", "_accepter": ["adresse.voie", "adresse.commune"], "_lu.adresse.voie": "12 rue des Lilas",
        "_lu.adresse.commune": "RENNES", "_lu.adresse.code_postal": "35000", "usager.taille": "168"}).text)
    assert "2 valeurs reprises du document lu" in taken
    assert typed(taken, "adresse.voie") == "12 rue des Lilas"  # as corrected
    assert typed(taken, "adresse.commune") == "RENNES"
    assert typed(taken, "adresse.code_postal") == ""  # not ticked: not taken
    assert typed(taken, "_lu.adresse.voie") is None  # the reading is done
    assert desk.scans_read.names == [bill.path.name]


def test_the_scans_read_go_at_the_end_of_the_visit_unless_kept(library, scanner, tmp_path):
    desk = Desk(library, mediateur="Camille Martin", sandbox=False, mairie=None, visits=tmp_path / "visites")
    client = create_app(desk, "jeton", "http://127.0.0.1:5555").test_client()
    for name in ("passeport.png", "facture.png", "pas-lu.png"):
        (scanner / name).write_bytes(b"\x89PNG")
    for name in ("passeport.png", "facture.png"):
        desk.scans_read.add(name)
    desk.visit.remember(library.find(FLOW).flow, {"motif": "premiere_demande"})
    bar = html.unescape(client.get("/jeton/", headers=HERE).text)
    assert "Documents numérisés lus pendant la visite" in bar and "Garder facture.png" in bar
    kept = {"numerisations": "1", "garder": ["facture.png"]}
    asked = client.post("/jeton/visite/terminer", headers=HERE, data=kept).text  # the second click carries the ticks
    assert '<input type="hidden" name="garder" value="facture.png">' in asked and len(list(scanner.iterdir())) == 3
    client.post("/jeton/visite/terminer", headers=HERE, data={**kept, "confirme": "oui"})
    assert sorted(p.name for p in scanner.iterdir()) == ["facture.png", "pas-lu.png"]
    notice = html.unescape(client.get("/jeton/", headers=HERE).text)
    assert "Documents numérisés effacés : passeport.png." in notice
    assert "Documents numérisés gardés : facture.png." in notice

    keeping = Desk(library, mediateur="Camille Martin", sandbox=False, mairie=None, visits=tmp_path / "v2",
                   keep_scans_read=True)  # numerisations_lues: garder
    keeping.scans_read.add("pas-lu.png")
    keeping.end_visit(force=True)  # the window closed: the setting decides
    assert (scanner / "pas-lu.png").exists()
    desk.scans_read.add("pas-lu.png")
    desk.end_visit(force=True)
    assert not (scanner / "pas-lu.png").exists()
