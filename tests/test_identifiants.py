"""The identifiers of the driving-licence, vehicle and timbre démarches: every valid form the
mediator may type is normalised, every invalid one is refused with the field named."""

from __future__ import annotations

import os

import pytest

from autopilot.dossier import DossierError, validate_scalar
from autopilot.flows import load_flow
from autopilot.flows.inputs import validate_inputs


def ok(type_name: str, typed):
    return validate_scalar(type_name, typed, label="Champ")


def refused(type_name: str, typed) -> str:
    with pytest.raises(DossierError) as caught:
        validate_scalar(type_name, typed, label="Champ du formulaire")
    ((label, message),) = caught.value.problems
    assert label == "Champ du formulaire"
    return message


@pytest.mark.parametrize("typed, normalised", [
    ("210692106990", "210692106990"),
    ("210692 106990", "210692106990"),  # as printed on the card: two lines of 6
    ("210692-106990", "210692106990"),
    (210692106990, "210692106990"),
    ("ab 12345 c", "AB12345C"),  # an old, pre-harmonisation number
])
def test_neph_valid(typed, normalised):
    assert ok("neph", typed) == normalised


@pytest.mark.parametrize("typed", ["21069210699", "2106921069901", "ABCDEF", "12 34", "210692/10699X0000"])
def test_neph_invalid(typed):
    assert "NEPH" in refused("neph", typed)


@pytest.mark.parametrize("typed, normalised", [("b", "B"), (" c1e ", "C1E"), ("AM", "AM"), ("be", "BE")])
def test_categorie_permis_valid(typed, normalised):
    assert ok("categorie_permis", typed) == normalised


@pytest.mark.parametrize("typed", ["B2", "E", "voiture", ""])
def test_categorie_permis_invalid(typed):
    if typed == "":
        with pytest.raises(DossierError):
            ok("categorie_permis", typed)
        return
    assert "AM, A1, A2, A, B1, B, BE" in refused("categorie_permis", typed)


def test_code_ephoto_loosely_about_22_characters():
    assert ok("code_ephoto", "ab12-cd34-ef56-gh78-ij90-kl") == "AB12CD34EF56GH78IJ90KL"
    assert ok("code_ephoto", "A" * 21) == "A" * 21  # sources say 21 or 22: both accepted
    assert "ePhoto" in refused("code_ephoto", "ABC123")
    assert "ePhoto" in refused("code_ephoto", "A" * 30)
    assert "ePhoto" in refused("code_ephoto", "ÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉ")


def test_reference_plainte():
    assert ok("reference_plainte", "pv 2026/01234") == "PV2026/01234"
    assert "déclaration" in refused("reference_plainte", "A1")
    assert "déclaration" in refused("reference_plainte", "/ABC/")


@pytest.mark.parametrize("typed, normalised", [
    ("AB-123-CD", "AB-123-CD"),
    ("ab 123 cd", "AB-123-CD"),
    ("AB123CD", "AB-123-CD"),
    ("ZZ-999-ZZ", "ZZ-999-ZZ"),
    ("AA-001-WW", "AA-001-WW"),  # WW is reserved on the left only
    ("123 AB 01", "123 AB 01"),
    ("123AB01", "123 AB 01"),
    ("4 A 2A", "4 A 2A"),
    ("9999-ZZZ-974", "9999 ZZZ 974"),
])
def test_plaque_valid(typed, normalised):
    assert ok("plaque", typed) == normalised


@pytest.mark.parametrize("typed", [
    "AI-123-BC",  # no I
    "AB-123-CO",  # no O
    "UB-123-CD",  # no U
    "SS-123-AB",  # SS forbidden
    "AB-123-SS",
    "WW-123-AB",  # temporary registrations only
    "AB-000-CD",  # the series starts at 001
    "AB-12-CD",
    "123 AB 99X",
    "123 AB 977",
    "",
])
def test_plaque_invalid(typed):
    if typed == "":
        with pytest.raises(DossierError):
            ok("plaque", typed)
        return
    assert "AB-123-CD" in refused("plaque", typed)


def test_numero_formule():
    assert ok("numero_formule", "2020 ab 12345") == "2020AB12345"
    assert ok("numero_formule", "2017RV48832") == "2017RV48832"
    for typed in ("2020AB1234", "20AB123456", "2020A123456", "ABCDABCDABC"):
        assert "formule" in refused("numero_formule", typed)


def test_code_cession_is_loose_because_its_format_is_unconfirmed():
    assert ok("code_cession", "xyz12") == "XYZ12"
    assert ok("code_cession", "12345") == "12345"
    assert ok("code_cession", "ABCD-1234-EF") == "ABCD1234EF"
    assert "cession" in refused("code_cession", "AB1")
    assert "cession" in refused("code_cession", "A" * 13)


def test_siret_luhn_and_la_poste():
    assert ok("siret", "732 829 320 00074") == "73282932000074"
    assert ok("siret", "35600000000001") == "35600000000001"  # La Poste: digits sum to a multiple of 5
    assert ok("siret", "35600000000048") == "35600000000048"  # La Poste's head office passes Luhn
    assert "n'existe pas" in refused("siret", "73282932000075")
    assert "14 chiffres" in refused("siret", "7328293200007")


def test_siren_luhn():
    assert ok("siren", "732 829 320") == "732829320"
    assert ok("siren", "552-100-554") == "552100554"
    assert "n'existe pas" in refused("siren", "732829321")
    assert "9 chiffres" in refused("siren", "73282932")
    assert "9 chiffres" in refused("siren", "73282932000074")  # a SIRET is not a SIREN


def test_kilometrage():
    assert ok("kilometrage", "84 500") == 84500
    assert ok("kilometrage", "84500 km") == 84500
    assert ok("kilometrage", 0) == 0
    for typed in ("-5", "2 000 001", "beaucoup", "84,5"):
        assert "kilométrage" in refused("kilometrage", typed)


def test_heure():
    assert ok("heure", "14h30") == "14:30"
    assert ok("heure", "9:05") == "09:05"
    assert ok("heure", "14h") == "14:00"
    assert ok("heure", 870) == "14:30"  # YAML 1.1 reads an unquoted 14:30 as 870 minutes
    for typed in ("24:00", "12:60", "midi", "1430"):
        assert "HH:MM" in refused("heure", typed)


def test_montant_and_reference_transaction():
    assert ok("montant", "86 €") == "86"
    assert ok("montant", "86,50") == "86,50"
    assert ok("montant", "86.5") == "86,50"
    assert ok("montant", 225) == "225"
    for typed in ("0", "-86", "86,505", "quatre-vingt"):
        assert "euros" in refused("montant", typed)
    assert ok("reference_transaction", "ab-1234 5678") == "AB-12345678"
    assert "transaction" in refused("reference_transaction", "AB1")


def test_scan_is_a_plain_file_name():
    assert ok("scan", "justificatif-domicile.pdf") == "justificatif-domicile.pdf"
    for typed in ("../etc/passwd", "/tmp/x.pdf", "C:\\x.pdf", "sous/dossier.pdf", ".cache"):
        assert "nom de fichier" in refused("scan", typed)


FLOW_WITH_SCAN_AND_CONDITION = """\
id: essai
title: Essai
category: Essai
version: 1
domains: [exemple.gouv.fr]
inputs:
  motif: {type: choice, label: Motif de la demande, options: [vol, perte]}
  reference: {type: reference_plainte, label: Référence de la déclaration de vol, required: {motif: vol}}
  justificatif: {type: scan, label: Justificatif de domicile, required: false}
steps:
  - title: Début
    goto: https://exemple.gouv.fr/
    fill:
      - {label: "Référence", value: "{{ reference }}", when: {motif: vol}}
      - {upload: "Justificatif", file: "{{ justificatif }}"}
"""


def test_conditional_requirement_and_scans_checked_before_the_browser(tmp_path, scans):
    path = tmp_path / "essai.yaml"
    path.write_text(FLOW_WITH_SCAN_AND_CONDITION, encoding="utf-8")
    flow = load_flow(path)
    assert validate_inputs(flow, {"motif": "perte"})["reference"] is None
    with pytest.raises(DossierError) as caught:
        validate_inputs(flow, {"motif": "vol", "justificatif": "absent.pdf"})
    assert caught.value.problems == [
        ("Référence de la déclaration de vol", "obligatoire quand « Motif de la demande » est vol."),
        ("Justificatif de domicile",
         f"le fichier « absent.pdf » n'est pas dans le dossier des numérisations ({scans})."),
    ]
    values = validate_inputs(flow, {"motif": "vol", "reference": "PV-1234", "justificatif": "rib.pdf"})
    assert values["justificatif"] == "rib.pdf"


def test_a_link_out_of_the_scanner_folder_is_refused(tmp_path, scans):
    outside = tmp_path / "secret.pdf"
    outside.write_bytes(b"%PDF-1.4")
    link = scans / "lien.pdf"
    os.symlink(outside, link)
    try:
        path = tmp_path / "essai.yaml"
        path.write_text(FLOW_WITH_SCAN_AND_CONDITION, encoding="utf-8")
        with pytest.raises(DossierError, match="n'est pas dans le dossier"):
            validate_inputs(load_flow(path), {"motif": "perte", "justificatif": "lien.pdf"})
    finally:
        link.unlink()


def test_a_montant_may_list_the_amounts_its_demarche_allows():
    amounts = ["17", "25", "42", "86"]
    assert validate_scalar("montant", "86,00 €", label="Montant du timbre", options=amounts) == "86"
    with pytest.raises(DossierError) as caught:
        validate_scalar("montant", "225", label="Montant du timbre", options=amounts)
    assert caught.value.problems == [
        ("Montant du timbre", "montant non prévu pour cette démarche ; montants possibles (€) : 17, 25, 42, 86.")]


def test_a_companys_phone_may_be_a_landline():
    assert ok("telephone_fixe_ou_portable", "02 99 12 34 56") == "0299123456"
    assert ok("telephone_fixe_ou_portable", "+33 6 12 34 56 78") == "0612345678"
    for typed in ("2 99 12 34 56", "00 99 12 34 56", "02 99 12 34"):
        assert "10 chiffres" in refused("telephone_fixe_ou_portable", typed)
    assert "portable" in refused("telephone", "02 99 12 34 56")  # a citizen's SMS number stays a mobile
