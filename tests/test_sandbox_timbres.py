"""The replica of timbres.impots.gouv.fr over real HTTP: the basket, its payment, the stamps' delivery and
documents, and the refund through its screens (pop-up, « Usager », « En ligne », R55925's steps).

"Today" is set through `Sandbox.today`; the refund window (3 days to 18 months) is tried at its
edges. What "the administration" received is read back with `sandbox.received`.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from documents import pdf_text
from test_sandbox import Client, Reply
from test_sandbox_identite import (
    CARTE,
    PASSEPORT,
    _born,
    _fill,
    _pages,
    _text,
    _validate,
)

from autopilot.sandbox.kit import timbre

SITE = "https://timbres.impots.gouv.fr"
CHOIX = SITE + "/pages/achat/choixTimbre.jsp"
PANIER = SITE + "/pages/achat/panier.jsp"
PAIEMENT = SITE + "/pages/achat/paiement.jsp"
CARTE_PAGE = SITE + "/pages/paiement/carte.jsp"
REFUND = SITE + "/pages/remboursement"
TODAY = date(2026, 11, 15)
SMS = {"reception": "sms", "telephone": "0612345678", "courriel": ""}
MAIL = {"reception": "courriel", "courriel": "mairie.demo@ants.bac-a-sable.fr", "telephone": ""}
PASSPORT_ADULT = ("passeport", {"tarif": "passeport_majeur"})
EARLY = "Un timbre ne peut être remboursé que 3 jours après son achat. Vous pourrez demander le " \
        "remboursement de ce timbre à partir du {}."
LATE = "Le délai de remboursement de 18 mois après l'achat est dépassé : ce timbre ne peut plus être remboursé."
NOT_FOUND = ("Aucun timbre ne correspond aux informations saisies. Vérifiez la référence de la transaction, "
             "le numéro du timbre, le montant et la date d'achat.")
NOT_SOLD = "Ce montant ne correspond à aucun timbre pour étrangers. Saisissez le montant indiqué par la préfecture ou l'OFII."


@pytest.fixture(autouse=True)
def fixed_date(sandbox):
    sandbox.today = TODAY


@pytest.fixture
def buyer(sandbox) -> Client:
    return Client(sandbox)


def add(user: Client, demarche: str, answers: dict | None = None) -> None:
    """« Ajouter au panier » the stamp of `demarche`, its questions answered."""
    reply = user.post(f"{CHOIX}?demarche={demarche}", answers or {})
    assert (reply.status, reply.headers["Location"]) == (303, "/pages/achat/choixTimbre.jsp?ajoute=1"), reply.errors()


def buy(user: Client, *stamps: tuple[str, dict | None], reception: dict = SMS) -> Reply:
    """Add `stamps` to the basket, validate it and pay with the test card; returns the 303 to « Votre achat
    est validé »."""
    for demarche, answers in stamps:
        add(user, demarche, answers)
    validated = user.post(PANIER, reception)
    assert validated.status == 303, validated.errors()
    assert user.post(PAIEMENT, {"moyen": "carte"}).headers["Location"] == "/pages/paiement/carte.jsp"
    paid = user.post(CARTE_PAGE, CARTE)
    assert paid.status == 303 and "/pages/achat/reception.jsp?transaction=" in paid.location, paid.errors()
    return paid


def alert(reply: Reply) -> str | None:
    """The refusal shown at the top of the refund search, if any."""
    found = re.search(r'<div class="fr-alert fr-alert--error" role="alert">\s*<p>([^<]*)</p>', reply.text)
    return _text(found.group(1)) if found else None


def search(user: Client, sold: dict, **changes) -> Reply:
    data = {"numero_timbre": timbre.grouped(sold["numero_timbre"]), "montant": str(sold["montant"]),
            "reference_transaction": sold["reference_transaction"],
            "date_achat": date.fromisoformat(sold["date_achat"]).strftime("%d/%m/%Y")}
    return user.post(REFUND + "/rechercheTimbre.jsp", {**data, **changes})


def download(user: Client, url: str) -> tuple[bytes, str]:
    """A file as the browser gets it (bytes, not text), with its Content-Type."""
    with user._opener.open(url if url.startswith("http://") else user.sandbox.url(url), timeout=10) as response:
        return response.read(), response.headers["Content-Type"]


def only(sandbox, kind: str) -> dict:
    records = sandbox.received(kind)
    assert len(records) == 1, records
    return records[0]


# -- the home page and « Étape 1 Choix du timbre » ---------------------------------------------------------


def test_home_starts_the_purchase_and_the_refund_and_sends_appeals_to_the_justice(buyer):
    home = buyer.get(SITE + "/")
    assert home.status == 200 and home.h1() == "Timbres fiscaux électroniques"
    assert "Timbres fiscaux électroniques — impots.gouv.fr" in home.text  # the site's header
    assert ">Acheter un timbre électronique</h2>" in home.text
    assert "href=\"/pages/achat/choixTimbre.jsp\">Débuter l'achat</a>" in home.text
    assert 'href="/?confirmer=remboursement">Accéder</a>' in home.text
    assert "Le timbre pour une procédure d'appel est vendu par le ministère de la Justice sur " \
           "www.timbre.justice.gouv.fr." in _text(home.text)
    assert "<dialog" not in home.text


def test_the_choice_lists_the_demarches_then_asks_their_questions(buyer):
    choix = buyer.get(CHOIX)
    assert choix.h1() == "Choix du timbre" and "Étape 1 sur 4" in choix.text
    for code, name in [("passeport", "Passeport"), ("cni", "Carte nationale d&#39;identité (perte ou vol)"),
                       ("etrangers", "Titres pour étrangers"), ("permis", "Permis de conduire (perte ou vol)")]:
        assert f'href="?demarche={code}">{name}</a>' in choix.text
    assert "appel" not in _text(choix.text).lower()  # the droit d'appel is the Justice's
    passeport = buyer.get(CHOIX + "?demarche=passeport")
    assert "<h2>Passeport</h2>" in passeport.text and "Âge du demandeur" in passeport.text
    assert buyer.post(CHOIX + "?demarche=passeport", {}).errors() == ["Veuillez sélectionner l'âge du demandeur."]
    assert buyer.get(PANIER).text.count("Votre panier est vide.") == 1  # nothing added by a refused answer


def test_adding_to_the_basket_shows_the_modal_with_voir_mon_panier(buyer):
    add(buyer, *PASSPORT_ADULT)
    added = buyer.get(CHOIX + "?ajoute=1")
    assert '<h1 class="fr-modal__title" id="ajoute-titre">Timbre ajouté au panier</h1>' in added.text
    assert "Passeport, demandeur majeur : 86 €." in _text(added.text)
    assert 'href="/pages/achat/panier.jsp">Voir mon panier</a>' in added.text
    assert "<dialog" not in buyer.get(CHOIX).text  # shown once, after the addition only


@pytest.mark.parametrize("demarche, answers, usage, montant, libelle", [
    ("passeport", {"tarif": "passeport_majeur"}, "passeport_majeur", 86, "Passeport, demandeur majeur"),
    ("passeport", {"tarif": "passeport_mineur_15_17"}, "passeport_mineur_15_17", 42,
     "Passeport, demandeur mineur de 15 à 17 ans"),
    ("passeport", {"tarif": "passeport_mineur_moins_15"}, "passeport_mineur_moins_15", 17,
     "Passeport, demandeur mineur de moins de 15 ans"),
    ("cni", None, "cni_perte_vol", 25, "Carte d'identité perdue ou volée"),
    ("permis", None, "permis_perte_vol", 25, "Permis de conduire perdu ou volé"),
    ("etrangers", {"montant": "300"}, "etrangers", 300, "Titres pour étrangers — 300 €"),
])
def test_a_stamp_by_demarche_is_paid_shown_recorded_and_sent_by_sms(buyer, sandbox, demarche, answers, usage,
                                                                     montant, libelle):
    paid = buy(buyer, (demarche, answers))
    sold = only(sandbox, "timbres-achat")
    assert re.fullmatch(r"\d{16}", sold["numero_timbre"])
    assert (sold["usage"], sold["libelle"], sold["montant"]) == (usage, libelle, montant)
    assert (sold["date_achat"], sold["carte_fin"], sold["reception"], sold["destinataire"]) == (
        "2026-11-15", "1111", "sms", "0612345678")
    assert "acheteur" not in sold and "nom" not in sold  # not nominative: no name asked, none kept
    page = buyer.get(paid.location)
    assert page.h1() == "Votre achat est validé" and "Étape 4 sur 4" in page.text
    grouped = timbre.grouped(sold["numero_timbre"])
    assert f"Référence de la transaction {sold['reference_transaction']} Total payé {montant} €" in _text(page.text)
    assert f"Numéro du timbre {grouped} Montant {montant} € Usage {libelle} Date d'achat 15/11/2026 " \
           f"Valable jusqu'au 15/11/2027" in _text(page.text)
    assert "Vos timbres ont été envoyés par SMS au 0612345678." in _text(page.text)
    (message,) = sandbox.sms()
    assert message["to"] == "0612345678" and grouped in message["body"]
    assert sold["reference_transaction"] in message["body"] and sandbox.mailbox() == []
    assert "Votre panier est vide." in buyer.get(PANIER).text  # the basket is emptied by the purchase


def test_a_basket_of_two_stamps_is_one_transaction(buyer, sandbox):
    add(buyer, "passeport", {"tarif": "passeport_mineur_15_17"})
    add(buyer, "cni")
    basket = buyer.get(PANIER)
    assert basket.h1() == "Validation du panier" and "Étape 2 sur 4" in basket.text
    assert "Total : 67 €" in _text(basket.text)
    for value, text in [("courriel", "Par courriel"), ("sms", "Par SMS")]:
        assert f'<input type="radio" id="reception-{value}" name="reception" value="{value}">' in basket.text
        assert f'<label class="fr-label" for="reception-{value}">{text}</label>' in basket.text
    assert "au format 0600000000 ou 0700000000" in basket.text
    paid = buy(buyer, reception=SMS)
    first, second = sandbox.received("timbres-achat")
    assert (first["montant"], second["montant"]) == (42, 25)
    assert first["reference_transaction"] == second["reference_transaction"]
    assert first["numero_timbre"] != second["numero_timbre"] and len(sandbox.sms()) == 2
    assert "Total payé 67 €" in _text(buyer.get(paid.location).text)


def test_a_stamp_removed_from_the_basket_is_not_bought(buyer, sandbox):
    add(buyer, "cni")
    add(buyer, *PASSPORT_ADULT)
    assert buyer.post(PANIER, {"supprimer": "0"}).status == 303
    assert "Total : 86 €" in _text(buyer.get(PANIER).text)
    buy(buyer, reception=SMS)
    assert [r["usage"] for r in sandbox.received("timbres-achat")] == ["passeport_majeur"]


def test_by_email_the_stamps_go_to_the_mailbox_and_the_documents_are_one_pdf(buyer, sandbox):
    paid = buy(buyer, PASSPORT_ADULT, reception=MAIL)
    sold = only(sandbox, "timbres-achat")
    (mail,) = sandbox.mailbox()
    assert mail["to"] == "mairie.demo@ants.bac-a-sable.fr" and mail["subject"] == "Vos timbres fiscaux électroniques"
    assert timbre.grouped(sold["numero_timbre"]) in mail["body"]
    assert mail["attachment"] == f"timbres-{sold['reference_transaction']}.pdf" and sandbox.sms() == []
    page = buyer.get(paid.location)
    assert "Vos timbres ont été envoyés par courriel à mairie.demo@ants.bac-a-sable.fr." in _text(page.text)
    link = re.search(r'href="([^"]+)" download>Télécharger les documents</a>', page.text).group(1)
    pdf, content_type = download(buyer, SITE + link)
    assert content_type == "application/pdf"
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    text = pdf_text(pdf)
    for shown in (f"Numéro du timbre : {timbre.grouped(sold['numero_timbre'])}", "Montant : 86 €",
                  "Justificatif de paiement", sold["reference_transaction"]):
        assert shown in text, shown
    svg = buyer.get(SITE + f"/pages/achat/code2d/{sold['reference_transaction']}/{sold['numero_timbre']}.svg")
    assert svg.status == 200 and svg.headers["Content-Type"].startswith("image/svg+xml")


def test_another_browser_cannot_see_a_transaction_it_did_not_make(buyer, sandbox):
    paid = buy(buyer, ("cni", None))
    sold = only(sandbox, "timbres-achat")
    stranger = Client(sandbox)
    reference = sold["reference_transaction"]
    for url in (paid.location, SITE + f"/pages/achat/documents/{reference}.pdf",
                SITE + f"/pages/achat/code2d/{reference}/{sold['numero_timbre']}.svg"):
        assert stranger.get(url).status == 404, url


@pytest.mark.parametrize("reception, errors", [
    ({}, ["Veuillez sélectionner le mode de réception des timbres."]),
    ({**MAIL, "courriel": ""}, ["Veuillez renseigner l'adresse électronique."]),
    ({**MAIL, "courriel": "mairie-at-exemple.fr"}, ["L'adresse électronique n'est pas valide (exemple : nom@domaine.fr)."]),
    ({**SMS, "telephone": "06 12 34 56 78"},  # the guided tour: « au format 0600000000 ou 0700000000 »
     ["Seuls les numéros de téléphone portable au format 0600000000 ou 0700000000 sont acceptés."]),
    ({**SMS, "telephone": "0123456789"},
     ["Seuls les numéros de téléphone portable au format 0600000000 ou 0700000000 sont acceptés."]),
    ({**SMS, "reception": "pigeon"}, ["La valeur sélectionnée pour le mode de réception des timbres n'est pas valide."]),
])
def test_the_basket_checks_the_reception_with_the_sites_messages(buyer, reception, errors):
    add(buyer, "cni")
    reply = buyer.post(PANIER, reception)
    assert (reply.status, reply.h1(), reply.errors()) == (200, "Validation du panier", errors)


def test_an_empty_basket_cannot_be_validated_nor_paid(buyer, sandbox):
    reply = buyer.post(PANIER, SMS)
    assert reply.status == 200 and "Votre panier est vide : ajoutez un timbre avant de valider." in reply.text
    for url in (PAIEMENT, CARTE_PAGE):
        early = buyer.get(url, follow=False)
        assert (early.status, early.headers["Location"]) == (303, "/pages/achat/choixTimbre.jsp"), url
    add(buyer, "cni")
    early = buyer.get(CARTE_PAGE, follow=False)  # the reception is chosen first
    assert (early.status, early.headers["Location"]) == (303, "/pages/achat/panier.jsp")
    assert sandbox.received() == []


def test_the_payment_offers_the_card_type_then_the_card_page(buyer):
    add(buyer, *PASSPORT_ADULT)
    buyer.post(PANIER, SMS)
    moyen = buyer.get(PAIEMENT)
    assert moyen.h1() == "Paiement" and "Étape 3 sur 4" in moyen.text
    assert '<button type="submit" name="moyen" value="carte" class="fr-btn">Carte VISA, MasterCard ou Carte Bleue</button>' \
        in moyen.text
    card = buyer.get(CARTE_PAGE)
    assert card.h1() == "Paiement par carte bancaire" and "Montant à payer : 86 €" in card.text
    assert '<button type="submit" class="fr-btn">Valider</button>' in card.text


def test_the_card_is_checked_never_kept_and_a_second_payment_finds_an_empty_basket(buyer, sandbox):
    add(buyer, "cni")
    buyer.post(PANIER, SMS)
    refused = buyer.post(CARTE_PAGE, {**CARTE, "numero_carte": "4111 1111 1111 1112"})
    assert refused.errors() == ["Le numéro de carte n'est pas valide."]
    assert "4111 1111 1111 1112" not in refused.text and 'value="12/28"' in refused.text
    assert buyer.post(CARTE_PAGE, CARTE).status == 303
    again = buyer.post(CARTE_PAGE, CARTE)  # posted again: the basket was emptied by the purchase
    assert (again.status, again.headers["Location"]) == (303, "/pages/achat/choixTimbre.jsp")
    assert len(sandbox.received("timbres-achat")) == 1
    kept = str(sandbox.received()) + str(sandbox.sms()) + str(sandbox.mailbox())
    # the whole number, never a fragment: 16 random timbre digits may hold "4111" by chance
    for secret in ("4111111111111111", "4111 1111 1111 1111", "4111 1111 1111 1112"):
        assert secret not in kept, secret
    assert not re.search(rf"(?<![\w-]){CARTE['cryptogramme']}(?![\w-])", kept)


# -- foreigners' stamps: the amount typed, checked against the dated grid ------------------------------------


@pytest.mark.parametrize("today, sold, refused", [
    (date(2026, 11, 15), ["300", "100", "200", "50", "255", "300,00 €"], ["225", "75", "301", "trois cents", ""]),
    (timbre.ETRANGERS_2026_DEPUIS - timedelta(days=1), ["225", "75", "200", "50", "45"], ["300", "100", "255"]),
    (timbre.ETRANGERS_2026_DEPUIS, ["300", "100", "255"], ["225", "75", "45"]),
])
def test_foreigners_amounts_follow_the_dated_grid(buyer, sandbox, today, sold, refused):
    sandbox.today = today
    for montant in sold:
        add(buyer, "etrangers", {"montant": montant})
    for montant in refused:
        reply = buyer.post(f"{CHOIX}?demarche=etrangers", {"montant": montant})
        message = "Veuillez renseigner le montant du timbre." if not montant else NOT_SOLD
        assert (reply.status, reply.errors()) == (200, [message]), montant


def test_the_foreigners_page_shows_the_grid_in_force(buyer, sandbox):
    page = _text(buyer.get(CHOIX + "?demarche=etrangers").text)
    assert "Première délivrance d'un titre de séjour 300 € Première délivrance, tarif réduit 100 € " \
           "Renouvellement d'un titre de séjour 200 € Renouvellement, tarif réduit 50 € Droit de timbre 50 € " \
           "Naturalisation 255 €" in page
    assert "Montant du timbre Le montant indiqué par la préfecture ou l'OFII, en euros" in page


# -- the refund: its screens --------------------------------------------------------------------------------


def test_acceder_asks_to_confirm_the_stamp_is_not_an_ofii_or_justice_one(buyer):
    popup = buyer.get(SITE + "/?confirmer=remboursement")
    assert '<h1 class="fr-modal__title" id="confirmer-titre">Remboursement d&#39;un timbre électronique</h1>' in popup.text
    assert "Les timbres achetés sur le site de l'OFII ou sur le site du ministère de la Justice ne sont pas " \
           "remboursés sur ce site." in _text(popup.text)
    assert re.search(r'<form method="get" action="/pages/remboursement/choixFormulaire.jsp">.*?'
                     r'<button type="submit" class="fr-btn">OK</button>', popup.text, re.S)


def test_usager_then_en_ligne_lead_to_the_search(buyer):
    qui = buyer.get(REFUND + "/choixFormulaire.jsp")
    assert qui.h1() == "Demande de remboursement" and "Vous êtes" in qui.text
    assert buyer.post(REFUND + "/choixFormulaire.jsp", {}).errors() == [
        "Veuillez sélectionner si vous êtes un usager ou un professionnel."]
    assert buyer.post(REFUND + "/choixFormulaire.jsp", {"qui": "usager"}).headers["Location"] == \
        "/pages/remboursement/choixAchat.jsp"
    assert buyer.post(REFUND + "/choixAchat.jsp", {"achat": "en_ligne"}).headers["Location"] == \
        "/pages/remboursement/rechercheTimbre.jsp"
    assert buyer.get(REFUND + "/rechercheTimbre.jsp").h1() == "Rechercher le timbre"
    for path, data in [("/choixFormulaire.jsp", {"qui": "professionnel"}), ("/choixAchat.jsp", {"achat": "professionnel"})]:
        other = buyer.post(REFUND + path, data)
        assert other.headers["Location"] == "/pages/remboursement/professionnel.jsp"
    assert "ce parcours n'est pas reproduit" in buyer.get(REFUND + "/professionnel.jsp").text


def test_a_question_left_unanswered_is_asked_again(buyer):
    reply = buyer.post(REFUND + "/choixAchat.jsp", {})
    assert (reply.status, reply.h1(), reply.errors()) == (
        200, "Demande de remboursement", ["Veuillez sélectionner où vous avez acheté le timbre."])


# -- the refund: R55925's rules -------------------------------------------------------------------------


@pytest.mark.parametrize("days, refused", [
    (0, EARLY.format("18/11/2026")), (2, EARLY.format("18/11/2026")), (3, None),
])
def test_refund_only_three_days_after_the_purchase(buyer, sandbox, days, refused):
    buy(buyer, PASSPORT_ADULT)
    sandbox.today = TODAY + timedelta(days=days)
    reply = search(buyer, only(sandbox, "timbres-achat"))
    assert alert(reply) == refused
    assert reply.status == (200 if refused else 303)


@pytest.mark.parametrize("today, refused", [(date(2028, 5, 15), None), (date(2028, 5, 16), LATE)])
def test_refund_within_18_months(buyer, sandbox, today, refused):
    buy(buyer, ("cni", None))
    sandbox.today = today
    assert alert(search(buyer, only(sandbox, "timbres-achat"))) == refused


def test_a_refund_is_confirmed_recorded_and_its_justificatif_downloaded(buyer, sandbox):
    buy(buyer, ("passeport", {"tarif": "passeport_mineur_moins_15"}))
    sold = only(sandbox, "timbres-achat")
    sandbox.today = TODAY + timedelta(days=10)
    found = search(buyer, sold, montant="17,00 €", reference_transaction=sold["reference_transaction"].lower())
    assert (found.status, found.headers["Location"]) == (303, "/pages/remboursement/confirmation.jsp")
    confirm = buyer.get(REFUND + "/confirmation.jsp")
    assert confirm.h1() == "Confirmer le timbre à rembourser" and "Étape 2 sur 3" in confirm.text
    assert "carte se terminant par 1111" in confirm.text
    jeton = re.search(r'name="jeton" value="([^"]+)"', confirm.text).group(1)
    done = buyer.get(buyer.post(REFUND + "/confirmation.jsp", {"jeton": jeton}).location)
    record = only(sandbox, "timbres-remboursement")
    assert {k: record[k] for k in ("numero_timbre", "reference_transaction", "montant", "date_achat", "carte_fin")} \
        == {k: sold[k] for k in ("numero_timbre", "reference_transaction", "montant", "date_achat", "carte_fin")}
    assert done.h1() == "Remboursement accepté"
    assert f"Numéro de la demande de remboursement {record['numero_remboursement']}" in _text(done.text)
    body, content_type = download(buyer, REFUND + f"/{record['numero_remboursement']}/justificatif.pdf")
    assert content_type == "application/pdf" and body.startswith(b"%PDF")
    text = pdf_text(body)
    assert f"Numéro du timbre : {timbre.grouped(sold['numero_timbre'])}" in text and "se terminant par 1111" in text
    assert sandbox.mailbox() == [] and len(sandbox.sms()) == 1  # no e-mail for a refund, only the purchase SMS
    assert alert(search(buyer, sold)) == "Ce timbre a déjà été remboursé."
    assert Client(sandbox).get(REFUND + f"/{record['numero_remboursement']}").status == 404


def test_a_confirmation_posted_twice_is_recorded_twice(buyer, sandbox):
    buy(buyer, ("cni", None))
    sandbox.today = TODAY + timedelta(days=5)
    assert search(buyer, only(sandbox, "timbres-achat")).status == 303
    jeton = re.search(r'name="jeton" value="([^"]+)"', buyer.get(REFUND + "/confirmation.jsp").text).group(1)
    for _ in range(2):
        assert buyer.post(REFUND + "/confirmation.jsp", {"jeton": jeton}).status == 303
    assert len(sandbox.received("timbres-remboursement")) == 2


@pytest.mark.parametrize("demarche, answers", [("etrangers", {"montant": "200"}), ("permis", None)])
def test_only_cni_and_passport_stamps_are_refunded(buyer, sandbox, demarche, answers):
    buy(buyer, (demarche, answers))
    sandbox.today = TODAY + timedelta(days=5)
    assert alert(search(buyer, only(sandbox, "timbres-achat"))) == (
        "Seuls les timbres achetés pour une carte d'identité ou un passeport peuvent être remboursés en ligne.")


@pytest.mark.parametrize("change", [
    {"reference_transaction": "TFAAAAAAAAAA"}, {"numero_timbre": "1234 5678 9012 3456"}, {"montant": "42"},
    {"date_achat": "14/11/2026"},
])
def test_details_that_do_not_match_find_no_stamp(buyer, sandbox, change):
    buy(buyer, PASSPORT_ADULT)
    sandbox.today = TODAY + timedelta(days=5)
    assert alert(search(buyer, only(sandbox, "timbres-achat"), **change)) == NOT_FOUND


def test_refund_search_fields_are_checked(buyer):
    reply = buyer.post(REFUND + "/rechercheTimbre.jsp", {"reference_transaction": "", "numero_timbre": "1234",
                                                          "montant": "quatre-vingt-six", "date_achat": "2026-11-15"})
    assert reply.h1() == "Rechercher le timbre" and alert(reply) is None
    assert reply.errors() == [
        "Le numéro du timbre doit comporter 16 chiffres.",
        "Le montant doit être un nombre d'euros, par exemple 86 ou 86,00.",
        "Veuillez renseigner la référence de la transaction.",
        "La date d'achat doit être au format JJ/MM/AAAA.",
    ]
    back = buyer.get(REFUND + "/confirmation.jsp", follow=False)
    assert back.headers["Location"] == "/pages/remboursement/rechercheTimbre.jsp"


def test_timbres_bought_in_a_pre_demande_are_refunded_unless_used(sandbox):
    """The pré-demande's purchase shows its reference and is dated on the sandbox's clock."""
    mediator = Client(sandbox)
    assert mediator.login().status == 303
    _fill(mediator, _pages(PASSEPORT, _born("14/07/1985")))
    assert mediator.post(PASSEPORT + "/timbre", {"timbre_choix": "achat"}).status == 303
    assert mediator.post(PASSEPORT + "/timbre/achat", CARTE).status == 303
    bought = only(sandbox, "timbre-achat")
    shown = mediator.get(PASSEPORT + "/timbre/paiement-accepte").text
    assert f"Référence de la transaction : {bought['reference_transaction']}" in shown
    sold = {"reference_transaction": bought["reference_transaction"], "numero_timbre": bought["numero_timbre"],
            "montant": 86, "date_achat": TODAY.isoformat()}
    assert bought["date_achat"] == TODAY.isoformat()
    sandbox.today = TODAY + timedelta(days=4)
    assert alert(search(Client(sandbox), {**sold, "reference_transaction": "TFAUTRE12345"})) is not None
    assert search(Client(sandbox), sold).status == 303
    _validate(mediator, PASSEPORT)  # the pré-demande now carries the timbre
    assert alert(search(Client(sandbox), sold)) == "Ce timbre a déjà été utilisé : il ne peut pas être remboursé."
