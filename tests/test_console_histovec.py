"""The non-gage in the mediator's console, on the HistoVec replica (docs/teleservices.md §9.1): the
certificate the site gives lands in the visit's folder, and what the site left in the browser
(sessionStorage.formData, localStorage.userId) does not outlive the visit."""

from __future__ import annotations

from playwright.sync_api import expect
from test_console import Console, pdf_text

from autopilot.ui.form import check

NON_GAGE = "Certificat de non-gage (situation administrative)"
LEFEVRE = {"plaque": "DB-732-MN", "numero_formule": "2020DB73205", "titulaire_nom": "Lefèvre",
           "titulaire_prenoms": "Camille, Louise"}
STEPS = [("Le véhicule et son titulaire", False), ("Rapport du véhicule", False)]
STORAGE = "() => [sessionStorage.getItem('formData'), localStorage.getItem('userId')]"


def test_the_form_weighs_a_requirement_on_an_absent_input_against_the_whole_form(library):
    # `required: {not: numero_formule}`: checked field by field, the date looked required whatever was typed.
    flow = library.find("immatriculation-non-gage").flow
    values, problems = check(flow, LEFEVRE)
    assert not problems, problems.summary
    assert values["date_certificat"] is None and values["numero_formule"] == "2020DB73205"
    values, problems = check(flow, {"plaque": "852 BCD 69", "titulaire_nom": "Garnier", "titulaire_prenoms": "Paul"})
    assert values is None
    assert [text for _, text in problems.summary] == [
        "Date d'émission du certificat d'immatriculation : obligatoire quand « Numéro de formule » est absent."]


def start_non_gage(app: Console, *, typed: dict | None, consent: bool) -> None:
    app.page.get_by_role("link", name=NON_GAGE, exact=True).click()
    if typed:
        app.type_citizen(typed)
    app.page.get_by_role("button", name="Commencer la démarche").click()
    if consent:
        app.agree()


def site_storage_at_first_step(app: Console) -> list[str | None]:
    """What HistoVec's page holds in the tab's storage while the panel shows the first step."""
    app.panel.get_by_role("heading", name=STEPS[0][0], exact=True).wait_for(timeout=20_000)
    return app.page.evaluate(STORAGE)


def test_the_csa_is_kept_in_the_visit_folder_and_the_sites_storage_goes_with_the_visit(browser_type, sandbox,
                                                                                        tmp_path):
    app = Console(browser_type, sandbox, tmp_path / "home")
    start_non_gage(app, typed=LEFEVRE, consent=True)
    form_data, user_id = site_storage_at_first_step(app)
    assert form_data is None and user_id  # a first visit: HistoVec has just set its userId
    app.approve(STEPS)
    app.see_result(timeout=30_000)
    expect(app.page.get_by_role("heading", name="Démarche terminée")).to_be_visible(timeout=30_000)
    [folder] = app.visits.iterdir()
    # The site's certificate, and the récapitulatif named by the démarche's number: no result about the
    # person (« NON », a gage's date and creditor) in a file name.
    assert sorted(p.name for p in folder.glob("*.pdf")) == [
        "1-certificat-situation-administrative.pdf", "attestation-1.pdf", "immatriculation-non-gage-1.pdf"]
    [pdf] = folder.glob("*certificat-situation-administrative.pdf")
    text = pdf_text(pdf)
    assert "Certificat de situation administrative détaillé" in text and "DB-732-MN" in text
    [search] = sandbox.received("histovec-recherche")
    assert search["uuid"] == user_id and search["data"]["nom"] == "Lefèvre"

    # The same visit, the same tab: the site finds its leftovers (the last search, the same userId).
    app.page.get_by_role("link", name="Autre démarche pour cet usager").click()
    start_non_gage(app, typed=None, consent=False)
    form_data, again = site_storage_at_first_step(app)
    assert "DB-732-MN" in form_data and again == user_id
    app.approve(STEPS)
    app.see_result(timeout=30_000)
    expect(app.page.get_by_role("heading", name="Démarche terminée")).to_be_visible(timeout=30_000)

    # The next visit: a fresh browser context, nothing of the site's storage left.
    app.page.get_by_role("button", name="Terminer la visite").click()  # then the confirmation
    app.follow_new_window(app.page.get_by_role("button", name="Oui, terminer la visite").click)
    start_non_gage(app, typed={**LEFEVRE, "plaque": "KL-789-MN", "numero_formule": "2020KL78902",
                               "titulaire_nom": "", "titulaire_prenoms": "", "raison_sociale": "Transports Lefèvre"},
                   consent=True)
    form_data, new_user_id = site_storage_at_first_step(app)
    assert form_data is None and new_user_id != user_id
    app.approve(STEPS)
    app.see_result(timeout=30_000)
    expect(app.page.get_by_role("heading", name="Démarche terminée")).to_be_visible(timeout=30_000)
    first, second, third = sandbox.received("histovec-recherche")
    assert first["uuid"] == second["uuid"] != third["uuid"]
    assert third["data"]["raison_sociale"] == "Transports Lefèvre"
    status, _, err = app.close_window()
    assert status == 0, err
