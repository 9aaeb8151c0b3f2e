"""« Lire un document numérisé » used as a mediator does, in `autopilot console`: a passport and a bill
read into the passport pré-demande's form, the values accepted one by one, the démarche run to the
end with no identity nor address typed; at the visit's end the passport's scan is deleted from the
scanner folder and the bill, kept by the mediator, stays — nothing else of the citizen is left.
"""

from __future__ import annotations

import random
from datetime import date

import documents_factory as factory
from PIL import Image
from playwright.sync_api import expect
from test_consent import scan
from test_console import FLOW, Console

from autopilot.reading import mrz

MAELLE = factory.Person("KERGUELEN", ["MAELLE", "ANNE"], "F", date(1985, 7, 14), "X4RTBPFW4", date(2031, 5, 2),
                        voie="12 RUE DES LILAS", code_postal="35000", commune="RENNES")
# What the MRZ and the 2D-Doc do not carry, typed by the mediator: none of it is identity or address read.
TYPED = {"motif": "premiere_demande",
         "usager": {"commune_naissance": "Brest", "departement_naissance": "29", "taille": "168",
                    "couleur_yeux": "Marron"},
         "contact": {"telephone_portable": "06 12 34 56 78"},
         "parent1": {"nom": "Kerguelen", "prenoms": "Yves"}, "timbre": "1234 5678 9012 3456"}
READ = {"usager": {"nom_naissance": "KERGUELEN", "prenoms": "MAELLE, ANNE", "sexe": "F",
                   "date_naissance": "14/07/1985", "pays_naissance": "France", "nationalite": "Française"},
        "adresse": {"voie": "12 RUE DES LILAS", "code_postal": "35000", "commune": "RENNES"}}
RECEIVED = {
    "motif": "premiere_demande", "nom_naissance": "KERGUELEN", "nom_usage": "", "prenoms": "MAELLE, ANNE",
    "sexe": "F", "date_naissance": "14/07/1985", "pays_naissance": "France", "departement_naissance": "29",
    "commune_naissance": "Brest", "nationalite": "Française", "taille": "168", "couleur_yeux": "Marron",
    "voie": "12 RUE DES LILAS", "complement": "", "code_postal": "35000", "commune": "RENNES",
    "telephone": "0612345678", "courriel": "", "parent1_nom": "Kerguelen", "parent1_prenoms": "Yves",
    "parent1_date_naissance": "", "parent1_lieu_naissance": "", "parent2_nom": "", "parent2_prenoms": "",
    "parent2_date_naissance": "", "parent2_lieu_naissance": "", "parent2_inconnu": "oui", "certification": "oui",
    "timbre_choix": "deja", "numero_timbre": "1234567890123456", "timbre_montant": "86",
}


def read_and_accept(app: Console, name: str, labels: list[str]) -> dict[str, tuple[str, str]]:
    """Read `name` and tick « Accepter » for `labels`; returns what the table showed: label → (value, check)."""
    page = app.page
    page.get_by_label("Document à lire").select_option(name)
    page.get_by_role("button", name="Lire un document numérisé").click()
    table = page.get_by_role("region", name=f"Valeurs lues dans {name}")
    expect(table).to_be_visible(timeout=60_000)  # OCR takes seconds on a busy PC
    shown = {}
    for row in table.get_by_role("row").all()[1:]:
        cells = row.locator("th, td")
        label = cells.nth(0).inner_text().strip()
        field = cells.nth(1).locator("input")
        shown[label] = (field.input_value() if field.count() else "", cells.nth(2).inner_text().strip())
    for label in labels:
        table.get_by_label(f"Accepter : {label}", exact=True).check()
    table.get_by_role("button", name="Reprendre les valeurs acceptées").click()
    expect(page.get_by_role("status")).to_contain_text("reprise")
    return shown


def test_a_passport_and_a_bill_read_into_the_pre_demande(browser_type, sandbox, library, tmp_path):
    folder = tmp_path / "numerisations"
    folder.mkdir()
    passport = factory.make("passeport", folder, random.Random(3), person=MAELLE, dpi=300)
    bill = factory.make("facture", folder, random.Random(3), person=MAELLE, pdf=True, dpi=200)
    other = folder / "document-d-un-autre.png"
    Image.new("L", (40, 40), 255).save(other)
    home = tmp_path / "home"
    app = Console(browser_type, sandbox, home, env={"AUTOPILOT_SCANS": str(folder)})
    page = app.page
    page.get_by_role("link", name="Pré-demande de passeport", exact=True).click()

    shown = read_and_accept(app, passport.path.name, ["Nom de naissance", "Prénom(s)", "Sexe", "Date de naissance",
                                                      "Nationalité"])
    assert shown["Date de naissance"] == ("14/07/1985", "Vérifié (clé de contrôle correcte)")
    assert shown["Nom de naissance"] == ("KERGUELEN", "À comparer avec le document (" + mrz.NO_KEY + ")")
    expect(page.get_by_role("status")).to_have_text(
        "5 valeurs reprises du document lu : vérifiez le formulaire avant de commencer.")
    expect(app.field("Identité", "Nom de naissance")).to_have_value("KERGUELEN")

    shown = read_and_accept(app, bill.path.name, ["Numéro et libellé de la voie", "Code postal", "Commune"])
    assert shown["Commune"] == ("RENNES", "Vérifié (en-tête et type du 2D-Doc reconnus)")
    assert shown["Nom de naissance"][0] == "KERGUELEN"  # offered again, not taken: the passport's stands
    expect(app.field("Adresse", "Commune")).to_have_value("RENNES")

    app.type_citizen(TYPED)  # only what no document carries
    given = {name: {**value, **READ.get(name, {})} if isinstance(value, dict) else value for name, value in TYPED.items()}
    app.run_to_the_end(library, {**READ, **given}, login=True, consent=True)
    [record] = sandbox.received(FLOW)
    assert record["data"] == RECEIVED

    # The visit ends: the scans read are listed; the mediator keeps the bill.
    ending = page.get_by_role("region", name="Et maintenant ?")
    expect(ending.get_by_role("group", name="Documents numérisés lus pendant la visite")).to_be_visible()
    ending.get_by_label(f"Garder {bill.path.name}").check()
    ending.get_by_role("button", name="Terminer la visite").click()  # then the confirmation
    app.follow_new_window(page.get_by_role("button", name="Oui, terminer la visite").click)
    expect(app.page.get_by_role("status")).to_contain_text(
        f"Documents numérisés effacés : {passport.path.name}. Documents numérisés gardés : {bill.path.name}.")
    assert sorted(p.name for p in folder.iterdir()) == sorted([bill.path.name, other.name])
    wanted = {"nom": [b"KERGUELEN", b"Kerguelen", b"kerguelen"], "prénoms": [b"MAELLE", b"Maelle"]}
    assert scan([home, folder], wanted) == []
    status, _, err = app.close_window()
    assert status == 0, err
    assert "Traceback" not in err
