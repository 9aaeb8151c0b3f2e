"""The HistoVec replica in a real browser: it must behave as the real Vue front end does
(docs/teleservices.md §9.1), since the engine and the recorder are tested on it.

Driven with plain Playwright (no engine): what a person sees and does.
"""

from __future__ import annotations

import time
from datetime import date

import pytest
from playwright.sync_api import Page, expect

OWNER = "https://histovec.interieur.gouv.fr/histovec/proprietaire"
TODAY = date(2026, 11, 15)


@pytest.fixture(autouse=True)
def fixed_date(sandbox):
    sandbox.today = TODAY


@pytest.fixture
def owner(page: Page, sandbox) -> Page:
    page.goto(sandbox.url(OWNER))
    return page


def field(page: Page, label: str):
    """The visible input whose label starts with `label` (labels carry « * », a help button and a hint)."""
    return page.locator("label:visible").filter(has_text=label).first.locator("xpath=following-sibling::input[1]")


def fill_siv(page: Page, nom="Lefèvre", prenoms="Camille, Louise", plaque="DB-732-MN", formule="2020DB73205"):
    page.locator("label", has_text="Immatriculation depuis 2009").click()
    field(page, "Nom de naissance").fill(nom)
    field(page, "Prénom(s)").fill(prenoms)
    field(page, "Numéro d'immatriculation").fill(plaque)
    field(page, "Numéro de formule").fill(formule)


def test_the_owner_page_shows_only_the_plate_format_until_a_card_is_picked(owner):
    expect(owner).to_have_title("HistoVec - Propriétaire")
    expect(owner.get_by_role("heading", level=1)).to_have_text("Rassurez vos acheteurs potentiels")
    expect(owner.get_by_role("heading", level=2)).to_have_text("Partagez l'historique de votre véhicule")
    expect(owner.get_by_role("heading", level=3)).to_have_text(
        "Veuillez sélectionner le format d'immatriculation de votre véhicule")
    group = owner.get_by_role("group", name="Sélectionner le type de votre plaque d'immatriculation :")
    expect(group.get_by_role("radio")).to_have_count(3)
    assert owner.locator("form").count() == 0
    assert owner.locator("input").count() == 3  # the three cards, nothing else yet
    assert owner.get_by_role("button").count() == 0 and owner.get_by_role("tab").count() == 0
    box = owner.locator("#plaque-siv").bounding_box()
    assert (box["width"], box["height"]) == (0, 0)  # a card radio: one clicks its label, which has an image
    expect(owner.locator("label[for=plaque-siv] img")).to_be_visible()
    with pytest.raises(Exception, match=r"(?i)timeout"):
        owner.locator("#plaque-siv").check(timeout=1000)


def test_a_plate_before_1995_points_to_the_ants_service(owner):
    owner.locator("label", has_text="Immatriculation avant 1995").click()
    expect(owner.locator(".fr-alert--info")).to_contain_text("Votre véhicule a été immatriculé avant 1995")
    expect(owner.get_by_role("link", name="Obtenir un certificat de situation administrative")).to_have_attribute(
        "href", "https://siv.interieur.gouv.fr/map-usg-ui/do/accueil_certificat")
    assert owner.get_by_role("textbox").count() == 0


@pytest.mark.parametrize("card, holder, labels", [
    ("depuis 2009", "Particulier", ["Nom de naissance", "Prénom(s)", "Numéro d'immatriculation", "Numéro de formule"]),
    ("depuis 2009", "Personne morale",
     ["Raison sociale", "Numéro S\u200bI\u200bR\u200bE\u200bN", "Numéro d'immatriculation", "Numéro de formule"]),
    ("avant 2009", "Particulier",
     ["Nom de naissance et prénom(s)", "Numéro d'immatriculation", "Date d'émission du certificat d'immatriculation"]),
    ("avant 2009", "Personne morale", ["Raison sociale", "Numéro S\u200bI\u200bR\u200bE\u200bN",
                                       "Numéro d'immatriculation", "Date d'émission du certificat d'immatriculation"]),
])
def test_the_four_forms_and_their_labels(owner, card, holder, labels):
    owner.locator("label", has_text=f"Immatriculation {card}").click()
    owner.get_by_role("tab", name=holder).click()
    expect(owner.get_by_role("tab", name=holder)).to_have_attribute("aria-selected", "true")
    shown = owner.locator("label:visible").evaluate_all(
        "(ls) => ls.filter((l) => !l.closest('.fr-radio-rich')).map((l) => l.firstChild.textContent)")
    assert shown == labels
    assert owner.locator("input.fr-input").count() > len(labels)  # the other tab's inputs stay, hidden
    first = owner.locator("label:visible").filter(has_text=labels[0]).first
    assert first.evaluate("(l) => l.querySelector('em').textContent") == " *"
    assert first.evaluate("(l) => l.querySelector('[role=button]').textContent").startswith("Où l")
    expect(owner.get_by_text("Date de première immatriculation")).to_have_count(0)


def test_labels_hold_a_marker_a_help_button_and_a_hint(owner):
    owner.locator("label", has_text="Immatriculation depuis 2009").click()
    label = owner.locator("label:visible").filter(has_text="Nom de naissance").first
    text = label.evaluate("(l) => { const c = l.cloneNode(true); c.querySelector('.fr-hint-text').remove();"
                          " return c.textContent.replace(/\\s+/g, ' ').trim(); }")
    assert text == "Nom de naissance * Où le trouver"
    label.get_by_role("button", name="Où le trouver").click()
    modal = owner.get_by_role("dialog")
    expect(modal).to_be_visible()
    expect(modal).to_contain_text("C.1.1")
    modal.get_by_role("button", name="Fermer").click()
    expect(modal).to_be_hidden()


def test_rechercher_waits_for_a_valid_form_and_messages_come_while_typing(owner):
    owner.locator("label", has_text="Immatriculation depuis 2009").click()
    search = owner.get_by_role("button", name="Rechercher")
    expect(search).to_be_disabled()
    formule = field(owner, "Numéro de formule")
    expect(formule).to_have_attribute("aria-invalid", "true")  # empty and required, before any typing
    expect(owner.locator(".fr-message--error")).to_have_count(0)  # ... which is not an error shown
    fill_siv(owner, formule="2020DB7320")
    expect(owner.locator(".fr-input-group--error .fr-message--error")).to_have_text(
        'Le numéro de formule doit respecter le format "2013BZ80335".')
    expect(search).to_be_disabled()
    formule.fill("2020DB73205")
    expect(owner.locator(".fr-message--error")).to_have_count(0)
    expect(search).to_be_enabled()
    owner.get_by_role("button", name="Effacer").click()
    expect(formule).to_have_value("")
    expect(search).to_be_disabled()


def test_the_report_comes_by_push_state_under_a_loader_then_the_data(owner, sandbox):
    sandbox.faults.data_delay_s = 1.5
    loads = []
    owner.on("load", lambda _: loads.append(owner.url))
    fill_siv(owner, "Dupont", "Karim", "FG-456-HJ", "2019FG45601")
    owner.get_by_role("button", name="Rechercher").click()
    expect(owner).to_have_url(sandbox.url("https://histovec.interieur.gouv.fr/histovec/rapport-vendeur"))
    expect(owner.get_by_role("heading", level=1)).to_have_text("Rapport de votre véhicule")
    # Before the data: the defaults under the overlay, even for this gaged vehicle.
    expect(owner.locator(".loader-container")).to_be_visible()
    expect(owner.locator("#rapport-synthese")).to_contain_text("Rien à signaler")
    expect(owner.get_by_role("alert")).to_contain_text("Fraîcheur des données")
    expect(owner.locator(".loader-container")).to_have_count(0, timeout=5000)
    expect(owner.locator("#rapport-synthese")).to_contain_text("Le véhicule est gagé (12/01/2024 - CRÉDIT AUTO EXEMPLE).")
    expect(owner.get_by_text("Datant du 15/11/2026")).to_be_visible()
    assert loads == []  # no document was loaded
    assert [t.strip() for t in owner.get_by_role("tab").all_inner_texts()] == [
        "Synthèse", "Véhicule", "Titulaire et Titre", "Situation administrative", "Historique"]
    owner.get_by_role("tab", name="Situation administrative").click()
    panel = owner.get_by_role("tabpanel")
    for heading in ("Gages", "Oppositions", "Déclarations valant saisie", "Suspensions"):
        expect(panel.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(panel).to_contain_text("12/01/2024 - CRÉDIT AUTO EXEMPLE")
    expect(panel.get_by_text("Déclaré volé", exact=True)).to_be_visible()
    expect(panel.get_by_text("Déclaré volée", exact=True)).to_be_visible()
    with owner.expect_download() as download:
        owner.get_by_role("button", name="Imprimer le CSA").click()
    assert download.value.suggested_filename == "rapport.pdf"
    [search] = sandbox.received("histovec-recherche")
    assert search["data"] == {"type_immatriculation": "siv", "type_personne": "particulier", "nom": "Dupont",
                              "prenoms": "Karim", "plaque": "FG-456-HJ", "numero_formule": "2019FG45601"}
    assert sandbox.received("histovec-csa")[0]["rapport"] == search["rapport"]


def test_an_unknown_vehicle_and_an_unexpected_error(owner, sandbox):
    fill_siv(owner, nom="Inconnu")
    owner.get_by_role("button", name="Rechercher").click()
    expect(owner.get_by_role("heading", level=1)).to_have_text("Page non trouvée")
    expect(owner.get_by_text("Ce véhicule est inconnu d'HistoVec")).to_be_visible()
    assert "/histovec/?errorTitle=" in owner.url
    sandbox.faults.server_error_paths.add("/histovec/public/v1/report_by_data")
    owner.goto(sandbox.url(OWNER))
    owner.get_by_role("button", name="Rechercher").click()  # the last search, kept by the tab
    expect(owner.get_by_role("heading", level=1)).to_have_text("Erreur inattendue")
    assert owner.url.endswith("/histovec/erreur-inattendue")


def test_the_last_search_is_kept_by_the_tab_and_the_user_id_by_the_browser(owner, sandbox, context):
    fill_siv(owner)
    owner.get_by_role("button", name="Rechercher").click()
    expect(owner.locator(".loader-container")).to_have_count(0)
    owner.goto(sandbox.url(OWNER))
    expect(owner.locator("#plaque-siv")).to_be_checked()
    expect(field(owner, "Nom de naissance")).to_have_value("Lefèvre")  # pre-filled from sessionStorage.formData
    assert "DB-732-MN" in owner.evaluate("sessionStorage.getItem('formData')")
    user_id = owner.evaluate("localStorage.getItem('userId')")
    other = context.new_page()  # another tab of the same browser: the same userId, no formData
    other.goto(sandbox.url(OWNER))
    assert other.evaluate("[localStorage.getItem('userId'), sessionStorage.getItem('formData')]") == [user_id, None]
    assert sandbox.received("histovec-recherche")[0]["uuid"] == user_id


def test_a_vehicles_own_delay_keeps_the_loader_for_three_seconds(owner, sandbox):
    fill_siv(owner, "Roussel", "Nadia", "HT-562-VB", "2021HT56204")
    started = time.monotonic()
    owner.get_by_role("button", name="Rechercher").click()
    expect(owner.locator("#rapport-synthese")).to_contain_text("Le véhicule est gagé", timeout=10_000)
    assert time.monotonic() - started >= 3
