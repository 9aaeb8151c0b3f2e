"""The replica of timbres.impots.gouv.fr over real HTTP: buying a timbre, its delivery, its refund.

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

from autopilot.sandbox import timbre

SITE = "https://timbres.impots.gouv.fr"
TODAY = date(2026, 11, 15)
SMS = {"nom": "Martin", "prenom": "Jeanne", "reception": "sms", "telephone": "06 12 34 56 78", "courriel": ""}
MAIL = {**SMS, "reception": "courriel", "courriel": "mairie.demo@ants.bac-a-sable.fr", "telephone": ""}
EARLY = "Un timbre ne peut être remboursé que 3 jours après son achat. Vous pourrez demander le " \
        "remboursement de ce timbre à partir du {}."
LATE = "Le délai de remboursement de 18 mois après l'achat est dépassé : ce timbre ne peut plus être remboursé."
NOT_FOUND = ("Aucun timbre ne correspond aux informations saisies. Vérifiez la référence de la transaction, "
             "le numéro du timbre, le montant et la date d'achat.")


@pytest.fixture(autouse=True)
def fixed_date(sandbox):
    sandbox.today = TODAY


@pytest.fixture
def buyer(sandbox) -> Client:
    return Client(sandbox)


def buy(user: Client, usage: str, tarif: str | None = None, coordonnees: dict = SMS) -> Reply:
    """Fill the order and pay with the test card; returns the 303 to the paid timbre."""
    pages = [("/achat", {"usage": usage}), ("/achat/montant", {"tarif": tarif} if tarif else {}),
             ("/achat/coordonnees", coordonnees), ("/achat/recapitulatif", {"cgv": "oui"})]
    for path, data in pages:
        reply = user.post(SITE + path, data)
        assert reply.status == 303, (path, reply.errors())
    paid = user.post(SITE + "/achat/paiement", CARTE)
    assert paid.status == 303 and "/timbre/" in paid.location, paid.errors()
    return paid


def alert(reply: Reply) -> str | None:
    """The refusal shown at the top of the refund search, if any."""
    found = re.search(r'<div class="fr-alert fr-alert--error" role="alert">\s*<p>([^<]*)</p>', reply.text)
    return _text(found.group(1)) if found else None


def search(user: Client, sold: dict, **changes) -> Reply:
    data = {"reference_transaction": sold["reference_transaction"], "numero_timbre": timbre.grouped(sold["numero_timbre"]),
            "montant": str(sold["montant"]), "date_achat": date.fromisoformat(sold["date_achat"]).strftime("%d/%m/%Y")}
    return user.post(SITE + "/remboursement", {**data, **changes})


def refund(user: Client, sold: dict) -> Reply:
    """Search and confirm; returns the 303 to the refund's page."""
    found = search(user, sold)
    assert found.status == 303, (alert(found), found.errors())
    page = user.get(SITE + "/remboursement/confirmation")
    jeton = re.search(r'name="jeton" value="([^"]+)"', page.text).group(1)
    done = user.post(SITE + "/remboursement/confirmation", {"jeton": jeton})
    assert done.status == 303
    return done


def download(user: Client, url: str) -> tuple[bytes, str]:
    """A file as the browser gets it (bytes, not text), with its Content-Type."""
    with user._opener.open(url if url.startswith("http://") else user.sandbox.url(url), timeout=10) as response:
        return response.read(), response.headers["Content-Type"]


def only(sandbox, kind: str) -> dict:
    records = sandbox.received(kind)
    assert len(records) == 1, records
    return records[0]


# -- the home page and the order ---------------------------------------------------------------


def test_home_lists_each_use_with_its_link_and_the_refund(buyer, sandbox):
    home = buyer.get(SITE + "/")
    assert home.status == 200 and home.h1() == "Timbres fiscaux électroniques"
    assert "Timbres fiscaux électroniques — impots.gouv.fr" in home.text  # the site's header
    for code, link in [("passeport", "Acheter un timbre passeport"), ("cni", "Acheter un timbre carte d&#39;identité"),
                       ("ofii", "Acheter un timbre OFII"), ("appel", "Acheter un timbre droit d&#39;appel")]:
        assert f'href="/achat?usage={code}">{link}</a>' in home.text
    assert ">Demander le remboursement d'un timbre électronique</h2>" in home.text
    assert 'href="/remboursement">Accéder au remboursement</a>' in home.text
    chosen = buyer.get(SITE + "/achat?usage=ofii")
    assert chosen.h1() == "Usage du timbre" and 'value="ofii" checked' in chosen.text


@pytest.mark.parametrize("usage, tarif, montant, libelle", [
    ("passeport", "passeport_majeur", 86, "Passeport, demandeur majeur"),
    ("passeport", "passeport_mineur_15_17", 42, "Passeport, demandeur mineur de 15 à 17 ans"),
    ("passeport", "passeport_mineur_moins_15", 17, "Passeport, demandeur mineur de moins de 15 ans"),
    ("cni", None, 25, "Carte d'identité perdue ou volée"),
    ("appel", None, 225, "Droit d'appel (procédure d'appel avec avocat obligatoire)"),
    ("ofii", "Carte de séjour « étudiant »", 75, "Carte de séjour « étudiant »"),
])
def test_a_timbre_by_use_is_paid_shown_recorded_and_sent_by_sms(buyer, sandbox, usage, tarif, montant, libelle):
    paid = buy(buyer, usage, tarif)
    sold = only(sandbox, "timbres-achat")
    assert re.fullmatch(r"\d{16}", sold["numero_timbre"])
    assert (sold["montant"], sold["date_achat"], sold["carte_fin"]) == (montant, "2026-11-15", "1111")
    assert sold["acheteur"] == {"nom": "Martin", "prenom": "Jeanne"}
    assert (sold["reception"], sold["destinataire"]) == ("sms", "0612345678")  # as the SMS gateway takes it
    assert timbre.tarif(sold["usage"], TODAY).libelle == libelle
    page = buyer.get(paid.location)
    assert page.h1() == "Paiement accepté"
    text = _text(page.text)
    grouped = timbre.grouped(sold["numero_timbre"])
    assert f"Numéro du timbre {grouped} Référence de la transaction {sold['reference_transaction']} " \
           f"Montant {montant} € Usage {libelle} Date d'achat 15/11/2026 Valable jusqu'au 15/11/2027" in text
    assert "Votre timbre a été envoyé par SMS au 0612345678." in text
    (message,) = sandbox.sms()
    assert message["to"] == "0612345678" and grouped in message["body"]
    assert sold["reference_transaction"] in message["body"] and sandbox.mailbox() == []


def test_by_email_the_timbre_goes_to_the_mailbox_with_its_pdf(buyer, sandbox):
    paid = buy(buyer, "passeport", "passeport_majeur", MAIL)
    sold = only(sandbox, "timbres-achat")
    (mail,) = sandbox.mailbox()
    assert mail["to"] == "mairie.demo@ants.bac-a-sable.fr" and mail["subject"] == "Votre timbre fiscal électronique"
    assert timbre.grouped(sold["numero_timbre"]) in mail["body"]
    assert mail["attachment"] == f"timbre-{sold['numero_timbre']}.pdf" and sandbox.sms() == []
    pdf, content_type = download(buyer, paid.location + "/timbre.pdf")
    assert content_type == "application/pdf"
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    text = pdf_text(pdf)
    assert f"Numéro du timbre : {timbre.grouped(sold['numero_timbre'])}" in text and "Montant : 86 €" in text
    svg = buyer.get(paid.location + "/code-2d.svg")
    assert svg.status == 200 and svg.headers["Content-Type"].startswith("image/svg+xml")


def test_another_browser_cannot_see_a_timbre_it_did_not_buy(buyer, sandbox):
    paid = buy(buyer, "cni")
    stranger = Client(sandbox)
    for suffix in ("", "/code-2d.svg", "/timbre.pdf"):
        assert stranger.get(paid.location + suffix).status == 404


@pytest.mark.parametrize("coordonnees, errors", [
    ({}, ["Veuillez renseigner le nom.", "Veuillez renseigner le prénom.",
          "Veuillez sélectionner le mode de réception du timbre."]),
    ({**MAIL, "courriel": ""}, ["Veuillez renseigner l'adresse électronique."]),
    ({**MAIL, "courriel": "mairie-at-exemple.fr"}, ["L'adresse électronique n'est pas valide (exemple : nom@domaine.fr)."]),
    ({**SMS, "telephone": "01 23 45 67 89"},
     ["Le numéro de téléphone portable doit commencer par 06 ou 07 et comporter 10 chiffres."]),
    ({**SMS, "reception": "pigeon"}, ["La valeur sélectionnée pour le mode de réception du timbre n'est pas valide."]),
])
def test_coordonnees_are_checked_with_the_sites_messages(buyer, coordonnees, errors):
    assert buyer.post(SITE + "/achat", {"usage": "cni"}).status == 303
    assert buyer.post(SITE + "/achat/montant", {}).status == 303
    reply = buyer.post(SITE + "/achat/coordonnees", coordonnees)
    assert (reply.status, reply.h1(), reply.errors()) == (200, "Vos coordonnées", errors)


def test_price_questions_and_their_messages(buyer):
    assert buyer.post(SITE + "/achat", {}).errors() == ["Veuillez sélectionner l'usage du timbre."]
    assert buyer.post(SITE + "/achat", {"usage": "passeport"}).status == 303
    montant = buyer.get(SITE + "/achat/montant")
    assert "Âge du demandeur" in montant.text and "Étape 2 sur 5" in montant.text
    assert buyer.post(SITE + "/achat/montant", {}).errors() == ["Veuillez sélectionner l'âge du demandeur."]
    assert buyer.post(SITE + "/achat", {"usage": "ofii"}).status == 303
    assert buyer.post(SITE + "/achat/montant", {"tarif": "Passeport"}).errors() == [
        "La valeur sélectionnée pour le titre ou la démarche n'est pas valide."]
    assert buyer.post(SITE + "/achat/montant", {"tarif": "Carte de résident"}).status == 303
    back = buyer.get(SITE + "/achat/montant")  # the choice is shown again as the select's text
    assert '<option value="Carte de résident" selected>' in back.text


def test_pages_cannot_be_reached_early_and_a_new_use_asks_the_price_again(buyer, sandbox):
    early = buyer.get(SITE + "/achat/paiement", follow=False)
    assert (early.status, early.headers["Location"]) == (303, "/achat")
    for path, data in [("/achat", {"usage": "passeport"}), ("/achat/montant", {"tarif": "passeport_majeur"}),
                       ("/achat/coordonnees", SMS), ("/achat/recapitulatif", {"cgv": "oui"})]:
        assert buyer.post(SITE + path, data).status == 303
    assert "Payer 86 €" in buyer.get(SITE + "/achat/paiement").text
    assert buyer.post(SITE + "/achat", {"usage": "cni"}).status == 303
    again = buyer.get(SITE + "/achat/paiement", follow=False)
    assert (again.status, again.headers["Location"]) == (303, "/achat/montant")
    assert buyer.post(SITE + "/achat/montant", {}).status == 303
    assert "Payer 25 €" in buyer.get(SITE + "/achat/paiement").text
    assert sandbox.received() == []


def test_the_general_terms_must_be_accepted(buyer):
    for path, data in [("/achat", {"usage": "cni"}), ("/achat/montant", {}), ("/achat/coordonnees", SMS)]:
        buyer.post(SITE + path, data)
    recap = buyer.post(SITE + "/achat/recapitulatif", {})
    assert recap.errors() == ["Vous devez accepter les conditions générales de vente pour payer votre commande."]
    assert "Total à payer 25 €" in _text(recap.text) and "Par SMS au 06 12 34 56 78" in _text(recap.text)


def test_the_card_is_checked_never_kept_and_a_double_payment_buys_twice(buyer, sandbox):
    for path, data in [("/achat", {"usage": "cni"}), ("/achat/montant", {}), ("/achat/coordonnees", SMS),
                       ("/achat/recapitulatif", {"cgv": "oui"})]:
        buyer.post(SITE + path, data)
    refused = buyer.post(SITE + "/achat/paiement", {**CARTE, "numero_carte": "4111 1111 1111 1112"})
    assert refused.errors() == ["Le numéro de carte n'est pas valide."]
    assert "4111 1111 1111 1112" not in refused.text and 'value="12/28"' in refused.text
    assert buyer.post(SITE + "/achat/paiement", CARTE).status == 303
    assert buyer.post(SITE + "/achat/paiement", CARTE).status == 303  # posted again: the site does not de-duplicate
    sold = sandbox.received("timbres-achat")
    assert len(sold) == 2 and sold[0]["numero_timbre"] != sold[1]["numero_timbre"]
    kept = str(sandbox.received()) + str(sandbox.sms()) + str(sandbox.mailbox())
    # the whole number, never a fragment: 16 random timbre digits may hold "4111" by chance
    for secret in ("4111111111111111", "4111 1111 1111 1111", "4111 1111 1111 1112"):
        assert secret not in kept, secret
    assert not re.search(rf"(?<![\w-]){CARTE['cryptogramme']}(?![\w-])", kept)


def test_the_ofii_grid_is_dated_data(buyer, sandbox, monkeypatch):
    later = timbre.Tarif("ofii_etudiant", "Carte de séjour « étudiant »", 99, date(2027, 1, 1))
    monkeypatch.setattr(timbre, "TARIFS", (*timbre.TARIFS, later))
    buyer.post(SITE + "/achat", {"usage": "ofii"})
    assert "<td>Carte de séjour « étudiant »</td><td>75 €</td>" in buyer.get(SITE + "/achat/montant").text
    sandbox.today = date(2027, 1, 1)
    assert "<td>Carte de séjour « étudiant »</td><td>99 €</td>" in buyer.get(SITE + "/achat/montant").text


# -- the refund ----------------------------------------------------------------------------------


@pytest.mark.parametrize("days, refused", [
    (0, EARLY.format("18/11/2026")), (2, EARLY.format("18/11/2026")), (3, None),
])
def test_refund_only_three_days_after_the_purchase(buyer, sandbox, days, refused):
    buy(buyer, "passeport", "passeport_majeur")
    sandbox.today = TODAY + timedelta(days=days)
    reply = search(buyer, only(sandbox, "timbres-achat"))
    assert alert(reply) == refused
    assert reply.status == (200 if refused else 303)


@pytest.mark.parametrize("today, refused", [(date(2028, 5, 15), None), (date(2028, 5, 16), LATE)])
def test_refund_within_18_months(buyer, sandbox, today, refused):
    buy(buyer, "cni")
    sandbox.today = today
    assert alert(search(buyer, only(sandbox, "timbres-achat"))) == refused


def test_a_refund_is_confirmed_recorded_and_its_justificatif_downloaded(buyer, sandbox):
    buy(buyer, "passeport", "passeport_mineur_moins_15")
    sold = only(sandbox, "timbres-achat")
    sandbox.today = TODAY + timedelta(days=10)
    found = search(buyer, sold, montant="17,00 €", reference_transaction=sold["reference_transaction"].lower())
    assert found.status == 303
    confirm = buyer.get(SITE + "/remboursement/confirmation")
    assert confirm.h1() == "Confirmer le timbre à rembourser" and "Étape 2 sur 3" in confirm.text
    assert "carte se terminant par 1111" in confirm.text
    done = buyer.get(refund(buyer, sold).location)
    record = only(sandbox, "timbres-remboursement")
    assert {k: record[k] for k in ("numero_timbre", "reference_transaction", "montant", "date_achat", "carte_fin")} \
        == {k: sold[k] for k in ("numero_timbre", "reference_transaction", "montant", "date_achat", "carte_fin")}
    assert done.h1() == "Remboursement accepté"
    assert f"Numéro de la demande de remboursement {record['numero_remboursement']}" in _text(done.text)
    body, content_type = download(buyer, SITE + f"/remboursement/{record['numero_remboursement']}/justificatif.pdf")
    assert content_type == "application/pdf" and body.startswith(b"%PDF")
    text = pdf_text(body)
    assert f"Numéro du timbre : {timbre.grouped(sold['numero_timbre'])}" in text and "se terminant par 1111" in text
    assert sandbox.mailbox() == [] and len(sandbox.sms()) == 1  # no e-mail for a refund, only the purchase SMS
    assert alert(search(buyer, sold)) == "Ce timbre a déjà été remboursé."
    assert Client(sandbox).get(SITE + f"/remboursement/{record['numero_remboursement']}").status == 404


def test_a_confirmation_posted_twice_is_recorded_twice(buyer, sandbox):
    buy(buyer, "cni")
    sandbox.today = TODAY + timedelta(days=5)
    assert search(buyer, only(sandbox, "timbres-achat")).status == 303
    jeton = re.search(r'name="jeton" value="([^"]+)"', buyer.get(SITE + "/remboursement/confirmation").text).group(1)
    for _ in range(2):
        assert buyer.post(SITE + "/remboursement/confirmation", {"jeton": jeton}).status == 303
    assert len(sandbox.received("timbres-remboursement")) == 2


@pytest.mark.parametrize("usage, tarif", [("appel", None), ("ofii", "Carte de résident"), ("permis", None)])
def test_only_cni_and_passport_timbres_are_refunded(buyer, sandbox, usage, tarif):
    buy(buyer, usage, tarif)
    sandbox.today = TODAY + timedelta(days=5)
    assert alert(search(buyer, only(sandbox, "timbres-achat"))) == (
        "Seuls les timbres achetés pour une carte d'identité ou un passeport peuvent être remboursés en ligne.")


@pytest.mark.parametrize("change", [
    {"reference_transaction": "TFAAAAAAAAAA"}, {"numero_timbre": "1234 5678 9012 3456"}, {"montant": "42"},
    {"date_achat": "14/11/2026"},
])
def test_details_that_do_not_match_find_no_timbre(buyer, sandbox, change):
    buy(buyer, "passeport", "passeport_majeur")
    sandbox.today = TODAY + timedelta(days=5)
    assert alert(search(buyer, only(sandbox, "timbres-achat"), **change)) == NOT_FOUND


def test_refund_search_fields_are_checked(buyer):
    reply = buyer.post(SITE + "/remboursement", {"reference_transaction": "", "numero_timbre": "1234",
                                                 "montant": "quatre-vingt-six", "date_achat": "2026-11-15"})
    assert reply.h1() == "Rechercher le timbre" and alert(reply) is None
    assert reply.errors() == [
        "Veuillez renseigner la référence de la transaction.",
        "Le numéro du timbre doit comporter 16 chiffres.",
        "Le montant doit être un nombre d'euros, par exemple 86 ou 86,00.",
        "La date d'achat doit être au format JJ/MM/AAAA.",
    ]
    assert buyer.get(SITE + "/remboursement/confirmation", follow=False).headers["Location"] == "/remboursement"


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
