"""The replica of www.timbre.justice.gouv.fr over real HTTP: the droit d'appel stamp (225 €), its documents
and its refund (R55925), under the Justice's own header."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from documents import pdf_text
from test_sandbox import Client, Reply
from test_sandbox_identite import CARTE, _text
from test_sandbox_timbres import alert, download, only

from autopilot.sandbox.kit import timbre

SITE = "https://www.timbre.justice.gouv.fr"
CHOIX = SITE + "/pages/achat/choixTimbres.jsp"
RECHERCHE = SITE + "/pages/remboursement/rechercheTimbre.jsp"
TODAY = date(2026, 11, 15)
ORDER = {"timbre": "droit_appel", "courriel": "mairie.demo@ants.bac-a-sable.fr", "telephone": "06 12 34 56 78"}
LATE = "Le délai de remboursement de 12 mois après l'achat est dépassé : ce timbre ne peut plus être remboursé."


@pytest.fixture(autouse=True)
def fixed_date(sandbox):
    sandbox.today = TODAY


@pytest.fixture
def buyer(sandbox) -> Client:
    return Client(sandbox)


def buy(user: Client, order: dict = ORDER) -> Reply:
    """Order, confirm and pay with the test card; returns the 303 to « Téléchargement des documents »."""
    assert user.post(CHOIX, order).headers["Location"] == "/pages/achat/recapitulatif.jsp"
    assert user.post(SITE + "/pages/achat/recapitulatif.jsp", {}).headers["Location"] == "/pages/paiement/carte.jsp"
    paid = user.post(SITE + "/pages/paiement/carte.jsp", CARTE)
    assert paid.status == 303 and "/pages/achat/telechargement.jsp?transaction=" in paid.location, paid.errors()
    return paid


def search(user: Client, sold: dict, **changes) -> Reply:
    data = {"numero_timbre": timbre.grouped(sold["numero_timbre"]), "montant": str(sold["montant"]),
            "reference_transaction": sold["reference_transaction"],
            "date_achat": date.fromisoformat(sold["date_achat"]).strftime("%d/%m/%Y")}
    return user.post(RECHERCHE, {**data, **changes})


def test_home_wears_the_justices_header_and_starts_both_demarches(buyer):
    home = buyer.get(SITE + "/")
    assert home.status == 200 and home.h1() == "Timbre électronique"
    assert '<p class="fr-header__service-title">Timbre électronique — Ministère de la Justice</p>' in home.text
    assert "ANTS" not in home.text and "impots.gouv.fr" not in home.text
    assert 'href="/pages/achat/choixTimbres.jsp">Acheter le timbre</a>' in home.text
    assert 'href="/pages/remboursement/rechercheTimbre.jsp">Demander le remboursement</a>' in home.text
    assert "Munissez-vous de votre adresse courriel, de votre carte bancaire et d'une imprimante." in _text(home.text)


def test_the_appeal_stamp_is_paid_recorded_sent_and_its_two_documents_downloaded(buyer, sandbox):
    choix = buyer.get(CHOIX)
    assert choix.h1() == "Choix du timbre" and "Étape 1 sur 4" in choix.text
    paid = buy(buyer)
    sold = only(sandbox, "timbre-justice-achat")
    assert (sold["montant"], sold["date_achat"], sold["carte_fin"]) == (225, "2026-11-15", "1111")
    assert (sold["courriel"], sold["telephone"]) == ("mairie.demo@ants.bac-a-sable.fr", "0612345678")
    assert sandbox.received("timbres-achat") == []
    page = buyer.get(paid.location)
    grouped = timbre.grouped(sold["numero_timbre"])
    assert page.h1() == "Téléchargement des documents"
    assert f"Référence de la transaction {sold['reference_transaction']} Numéro du timbre {grouped} Montant 225 € " \
           f"Date d'achat 15/11/2026 Valable jusqu'au 15/05/2027" in _text(page.text)
    (mail,), (sms,) = sandbox.mailbox(), sandbox.sms()
    assert grouped in mail["body"] and grouped in sms["body"] and sms["to"] == "0612345678"
    for name, path in [("Télécharger le timbre", f"/pages/achat/timbre/{sold['reference_transaction']}.pdf"),
                       ("Télécharger le justificatif de paiement",
                        f"/pages/achat/justificatif/{sold['reference_transaction']}.pdf")]:
        assert f'href="{path}" download>{name}</a>' in page.text
        pdf, content_type = download(buyer, SITE + path)
        assert content_type == "application/pdf" and pdf.startswith(b"%PDF-")
        assert Client(sandbox).get(SITE + path).status == 404  # another browser sees nothing
    assert grouped in pdf_text(download(buyer, SITE + f"/pages/achat/timbre/{sold['reference_transaction']}.pdf")[0])


def test_e_mail_and_mobile_are_optional_and_checked(buyer, sandbox):
    reply = buyer.post(CHOIX, {"timbre": "droit_appel", "courriel": "pas-une-adresse", "telephone": "01 23 45 67 89"})
    assert reply.errors() == ["L'adresse électronique n'est pas valide (exemple : nom@domaine.fr).",
                              "Le numéro de téléphone portable doit commencer par 06 ou 07 et comporter 10 chiffres."]
    assert buyer.post(CHOIX, {}).errors() == ["Veuillez sélectionner le timbre à acheter."]
    buy(buyer, {"timbre": "droit_appel", "courriel": "", "telephone": ""})
    assert (sandbox.mailbox(), sandbox.sms()) == ([], [])  # the documents are downloaded, nothing sent


def test_the_card_page_comes_after_the_order_and_the_card_is_never_kept(buyer, sandbox):
    early = buyer.get(SITE + "/pages/paiement/carte.jsp", follow=False)
    assert (early.status, early.headers["Location"]) == (303, "/pages/achat/choixTimbres.jsp")
    buyer.post(CHOIX, ORDER)
    card = buyer.get(SITE + "/pages/paiement/carte.jsp")
    assert card.h1() == "Paiement par carte bancaire" and "Montant à payer : 225 €" in card.text
    refused = buyer.post(SITE + "/pages/paiement/carte.jsp", {**CARTE, "numero_carte": "4111 1111 1111 1112"})
    assert refused.errors() == ["Le numéro de carte n'est pas valide."] and "4111 1111 1111 1112" not in refused.text
    buyer.post(SITE + "/pages/paiement/carte.jsp", CARTE)
    again = buyer.post(SITE + "/pages/paiement/carte.jsp", CARTE)  # the order was consumed by the purchase
    assert again.headers["Location"] == "/pages/achat/choixTimbres.jsp"
    assert len(sandbox.received("timbre-justice-achat")) == 1
    assert "4111111111111111" not in str(sandbox.received()) + str(sandbox.sms()) + str(sandbox.mailbox())


@pytest.mark.parametrize("today, refused", [
    (TODAY + timedelta(days=2), "Un timbre ne peut être remboursé que 3 jours après son achat. Vous pourrez "
                                "demander le remboursement de ce timbre à partir du 18/11/2026."),
    (TODAY + timedelta(days=3), None), (date(2027, 11, 15), None), (date(2027, 11, 16), LATE),
])
def test_the_refund_window_on_the_justice_site(buyer, sandbox, today, refused):
    buy(buyer)
    sandbox.today = today
    assert alert(search(buyer, only(sandbox, "timbre-justice-achat"))) == refused


def test_a_refund_is_confirmed_recorded_and_its_justificatif_downloaded(buyer, sandbox):
    buy(buyer)
    sold = only(sandbox, "timbre-justice-achat")
    sandbox.today = TODAY + timedelta(days=5)
    assert search(buyer, sold).headers["Location"] == "/pages/remboursement/confirmation.jsp"
    confirm = buyer.get(SITE + "/pages/remboursement/confirmation.jsp")
    assert confirm.h1() == "Confirmer le timbre à rembourser"
    jeton = re.search(r'name="jeton" value="([^"]+)"', confirm.text).group(1)
    done = buyer.get(buyer.post(SITE + "/pages/remboursement/confirmation.jsp", {"jeton": jeton}).location)
    record = only(sandbox, "timbre-justice-remboursement")
    assert (record["numero_timbre"], record["montant"], record["carte_fin"]) == (sold["numero_timbre"], 225, "1111")
    assert done.h1() == "Remboursement accepté" and sandbox.received("timbres-remboursement") == []
    body, _ = download(buyer, SITE + f"/pages/remboursement/{record['numero_remboursement']}/justificatif.pdf")
    assert body.startswith(b"%PDF") and timbre.grouped(sold["numero_timbre"]) in pdf_text(body)
    assert alert(search(buyer, sold)) == "Ce timbre a déjà été remboursé."


def test_a_stamp_sold_by_timbres_impots_is_unknown_here(buyer, sandbox):
    impots = Client(sandbox)
    for path, data in [("/pages/achat/choixTimbre.jsp?demarche=cni", {}),
                       ("/pages/achat/panier.jsp", {"reception": "sms", "telephone": "0612345678"}),
                       ("/pages/achat/paiement.jsp", {"moyen": "carte"}), ("/pages/paiement/carte.jsp", CARTE)]:
        assert impots.post("https://timbres.impots.gouv.fr" + path, data).status == 303, path
    sandbox.today = TODAY + timedelta(days=5)
    assert alert(search(buyer, only(sandbox, "timbres-achat"))).startswith("Aucun timbre ne correspond")
