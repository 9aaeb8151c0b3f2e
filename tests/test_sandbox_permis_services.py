"""The sandbox's driving-licence services without an account: the exam results (Sécurité
routière) and the points balance (Télépoints), driven over real HTTP with the stdlib client of
test_sandbox. "Today" is set through `Sandbox.today`."""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from urllib.parse import urljoin

import pytest
from documents import pdf_lines, pdf_pages
from test_sandbox import Client, Reply
from test_sandbox_vehicule_services import Browser

RESULTATS = "https://www.securite-routiere.gouv.fr/resultats-du-permis-de-conduire"
TELEPOINTS = "https://tele7.interieur.gouv.fr/tlp/"
CONNEXION = "https://tele7.interieur.gouv.fr/tlp/connexion"
SOLDE = "https://tele7.interieur.gouv.fr/tlp/solde"
RELEVE = "https://tele7.interieur.gouv.fr/tlp/releve"
TODAY = date(2026, 11, 19)  # a Thursday: 1 working day before is the 18th, 5 are the 12th

UNKNOWN = ("Aucun résultat ne correspond aux informations saisies. "
           "Vérifiez le numéro NEPH, la date de naissance et la catégorie.")
BAD_CODE = ("Le numéro de dossier ou le code confidentiel est incorrect. "
            "Attention : après 3 essais infructueux, l'accès à votre dossier est bloqué.")
LOCKED = ("À la suite de 3 essais infructueux, l'accès à ce dossier est bloqué pendant 30 minutes. "
          "Vous pouvez aussi vous connecter avec FranceConnect.")


@pytest.fixture(autouse=True)
def fixed_date(sandbox):
    sandbox.today = TODAY


@pytest.fixture
def user(sandbox) -> Client:
    return Client(sandbox)


def text(reply: Reply) -> str:
    """The page's visible words, one space apart."""
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", reply.text, flags=re.DOTALL)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def alerts(reply: Reply) -> list[str]:
    return [re.sub(r"\s+", " ", unescape(m)).strip()
            for m in re.findall(r'<div class="fr-alert fr-alert--\w+"[^>]*>\s*<p>([^<]*)</p>', reply.text)]


# -- exam results ------------------------------------------------------------------------------


def captcha(reply: Reply) -> tuple[str, str]:
    """What a person reads in the image (the glyphs, in order), and the form's captcha id."""
    code = "".join(re.findall(r'class="fr-captcha__glyph"[^>]*>([^<])</text>', reply.text))
    ident = re.search(r'name="captcha_id" value="([^"]+)"', reply.text).group(1)
    return code, ident


def search(user: Client, neph: str, date_naissance: str, categorie: str, *,
           solve: bool = True, robot: bool = True, page: Reply | None = None) -> Reply:
    """Fill the search form as a person would: read the code, tick the box, click « Rechercher »."""
    page = page or user.get(RESULTATS)
    code, ident = captcha(page)
    data = {"neph": neph, "date_naissance": date_naissance, "categorie": categorie,
            "captcha": code if solve else "ZZZZZZ", "captcha_id": ident}
    if robot:
        data["robot"] = "oui"
    return user.post(RESULTATS, data)


def test_results_search_page_asks_neph_birth_date_category_and_a_human_check(user):
    page = user.get(RESULTATS)
    assert page.status == 200
    assert page.h1() == "Résultats de l'examen du permis de conduire"
    assert "<title>Résultats de l'examen du permis de conduire - Sécurité routière</title>" in unescape(page.text)
    for label in ("Numéro NEPH", "Date de naissance", "Catégorie", "Recopiez le code affiché",
                  "Je ne suis pas un robot"):
        assert re.search(rf'<label class="fr-label" for="\w+">{re.escape(label)}', unescape(page.text)), label
    options = re.findall(r'<option value="(\w+)"', page.text)
    assert options == ["AM", "A1", "A2", "A", "B1", "B", "BE", "C1", "C1E", "C", "CE", "D1", "D1E", "D", "DE"]
    code, _ = captcha(page)
    assert len(code) == 6
    assert code not in text(page)  # drawn glyph by glyph, never written as one word
    assert captcha(user.get(RESULTATS))[0] != code  # a new code for each page shown


def test_a_favourable_result_with_its_cepc(user, sandbox):
    found = search(user, "2106 9210 6990", "12/04/2006", "B")
    assert found.status == 303
    assert re.fullmatch(r"/resultats-du-permis-de-conduire/resultat/[\w-]+", found.headers["Location"])
    result = user.get(found.location)
    assert result.h1() == "Résultat de votre examen"
    words = text(result)
    for line in ("Numéro NEPH : 210692106990", "Catégorie : B", "Date de l'examen : 12/11/2026",
                 "Résultat : Favorable", "vaut titre de conduite provisoire"):
        assert line in words
    assert sandbox.received("resultat-examen") == [{
        "kind": "resultat-examen", "received_at": sandbox.received()[0]["received_at"],
        "data": {"neph": "210692106990", "date_naissance": "12/04/2006", "categorie": "B"},
    }]
    link = re.search(r"""href="([^"]+)">Télécharger le certificat d'examen \(CEPC\)</a>""", unescape(result.text)).group(1)
    status, headers, cepc = Browser(sandbox).raw(urljoin(RESULTATS, link))  # a PDF, as the real site gives
    assert (status, headers["Content-Type"]) == (200, "application/pdf") and pdf_pages(cepc) == 1
    assert headers["Content-Disposition"] == 'attachment; filename="certificat-examen-210692106990.pdf"'
    lines = pdf_lines(cepc)
    assert lines[0] == "Certificat d'examen du permis de conduire"
    for line in ("Numéro NEPH : 210692106990", "Date de naissance : 12/04/2006", "Catégorie : B",
                 "Date de l'examen : 12/11/2026", "Résultat : Favorable"):
        assert line in lines


def test_an_insufficient_result_has_no_cepc(user):
    result = user.get(search(user, "230133700482", "28/02/2007", "B").location)
    assert "Résultat : Insuffisant" in text(result)
    assert "Date de l'examen : 16/11/2026" in text(result)
    assert "CEPC" not in result.text
    assert user.get(result.url + "/cepc").status == 404


def test_a_birth_date_with_an_unknown_day_and_month_and_one_result_per_category(user):
    permis_c = user.get(search(user, "180869300127", "00/00/1986", "C").location)
    permis_ce = user.get(search(user, "180869300127", "00/00/1986", "CE").location)
    assert "Catégorie : C Date de l'examen : 05/11/2026 Résultat : Favorable" in text(permis_c)
    assert "Catégorie : CE Date de l'examen : 13/11/2026 Résultat : Insuffisant" in text(permis_ce)


@pytest.mark.parametrize("neph, born, categorie, examined, published", [
    ("240175100318", "19/01/2008", "AM", "18/11/2026", "24/11/2026"),
    ("230594400276", "30/05/1999", "BE", "19/11/2026", "25/11/2026"),  # 4 working days: over the weekend
    ("250317800524", "03/03/2009", "B", "16/11/2026", "20/11/2026"),  # 3 working days on, still within 4
], ids=["examen-hier", "examen-aujourd-hui", "examen-il-y-a-3-jours"])
def test_a_result_examined_too_recently_is_not_available_yet(user, neph, born, categorie, examined, published):
    result = user.get(search(user, neph, born, categorie).location)
    assert alerts(result) == [
        ("Votre résultat n'est pas encore disponible. Les résultats sont publiés entre 2 et 4 jours "
        f"ouvrables après l'examen : le vôtre le sera au plus tard le {published}.")
    ]
    assert f"Date de l'examen : {examined} Résultat : En attente de publication" in text(result)
    assert "CEPC" not in result.text


def test_a_result_is_published_two_working_days_after_the_exam(user, sandbox):
    result = search(user, "220433500961", "05/09/2008", "A2").location
    assert "Date de l'examen : 17/11/2026 Résultat : Favorable" in text(user.get(result))
    sandbox.today = date(2026, 11, 18)  # the same search a day earlier: examined the 16th, published the 18th
    assert "Résultat : Favorable" in text(user.get(result))


@pytest.mark.parametrize("neph, born, categorie", [
    ("210692106990", "13/04/2006", "B"),  # the birth date does not match
    ("210692106991", "12/04/2006", "B"),  # unknown NEPH
    ("210692106990", "12/04/2006", "A"),  # no exam in that category
])
def test_unknown_candidate_is_a_site_error_and_nothing_is_recorded(user, sandbox, neph, born, categorie):
    reply = search(user, neph, born, categorie)
    assert reply.status == 200
    assert alerts(reply) == [UNKNOWN]
    assert 'value="' + neph + '"' in reply.text  # the person corrects what they typed
    assert sandbox.received() == []


@pytest.mark.parametrize("neph, born, categorie, errors", [
    ("", "", "", ["Veuillez renseigner le numéro NEPH.", "Veuillez renseigner la date de naissance.",
                  "Veuillez sélectionner la catégorie."]),
    ("21069210699", "12/04/2006", "B", ["Le numéro NEPH doit comporter 12 chiffres."]),
    ("2106921069AB", "31/02/2006", "B", ["Le numéro NEPH doit comporter 12 chiffres.",
                                         "La date de naissance n'est pas une date valide."]),
    ("210692106990", "2006-04-12", "Z", ["La date de naissance doit être au format JJ/MM/AAAA.",
                                         "La valeur sélectionnée pour la catégorie n'est pas valide."]),
    ("210692106990", "12/04/2027", "B", ["La date de naissance ne peut pas être postérieure à la date du jour."]),
])
def test_the_search_form_is_checked_by_the_site(user, sandbox, neph, born, categorie, errors):
    reply = search(user, neph, born, categorie)
    assert reply.status == 200
    assert reply.errors() == errors
    assert sandbox.received() == []


def test_the_human_check_is_required_and_each_code_serves_once(user, sandbox):
    wrong = search(user, "210692106990", "12/04/2006", "B", solve=False)
    assert wrong.errors() == ["Le code saisi ne correspond pas au code affiché. Un nouveau code vous est proposé."]
    unticked = search(user, "210692106990", "12/04/2006", "B", robot=False)
    assert unticked.errors() == ["Veuillez cocher la case « Je ne suis pas un robot »."]
    assert "checked" not in re.search(r'<input type="checkbox" id="robot"[^>]*>', unticked.text).group(0)
    empty = user.post(RESULTATS, {"neph": "210692106990", "date_naissance": "12/04/2006", "categorie": "B",
                                  "robot": "oui", "captcha_id": captcha(unticked)[1]})
    assert empty.errors() == ["Veuillez recopier le code affiché."]
    page = user.get(RESULTATS)
    assert search(user, "210692106990", "12/04/2006", "B", page=page).status == 303
    replayed = search(user, "210692106990", "12/04/2006", "B", page=page)  # the same code again
    assert replayed.status == 200 and replayed.errors()[0].startswith("Le code saisi ne correspond pas")
    assert len(sandbox.received("resultat-examen")) == 1


def test_each_search_is_recorded_even_the_same_twice(user, sandbox):
    for _ in range(2):
        assert search(user, "230133700482", "28/02/2007", "B").status == 303
    assert [r["data"]["neph"] for r in sandbox.received("resultat-examen")] == ["230133700482"] * 2


def test_an_unknown_result_page_is_not_found(user):
    assert user.get(RESULTATS + "/resultat/inconnu").status == 404


# -- Télépoints ----------------------------------------------------------------------------------


def boxes(neph: str, cuts: tuple[int, int] = (4, 8)) -> dict[str, str]:
    """The licence number as typed in the three boxes, cut where `cuts` say."""
    first, second = cuts
    return {"input_numero_permis_1": neph[:first], "input_numero_permis_2": neph[first:second],
            "input_numero_permis_3": neph[second:]}


def login(user: Client, neph: str, code: str) -> Reply:
    return user.post(CONNEXION, {**boxes(neph), "code": code})


def test_telepoints_asks_first_how_to_log_in_then_the_number_in_three_boxes_and_the_code(user):
    page = user.get(TELEPOINTS)
    assert page.h1() == "Consulter le solde de vos points"
    assert "Télépoints — Ministère de l'Intérieur" in unescape(page.text)
    link = re.search(r'href="([^"]+)">Se connecter avec son code confidentiel Télépoints</a>', unescape(page.text))
    connexion = user.get(urljoin(page.url, link.group(1)))
    assert connexion.h1() == "Connexion avec le code confidentiel Télépoints"
    for n in (1, 2, 3):
        assert f'<label class="fr-label" for="input_numero_permis_{n}">Numéro de permis, partie {n}' in connexion.text
    assert re.search(r'<input class="fr-input" type="password" id="code" name="code" autocomplete="off">',
                     connexion.text)
    assert ">Accéder</button>" in connexion.text
    franceconnect = user.get(urljoin(page.url, re.search(r'<a class="fr-connect" href="([^"]+)"', page.text).group(1)))
    assert franceconnect.h1() == "Service indisponible dans le bac à sable"


@pytest.mark.parametrize("neph, code, solde, details", [
    ("120575300418", "K7Q2MZ", "12 points", ["Le solde maximal est de 12 points."]),
    ("250133500872", "P4W8TN", "6 points", ["Permis probatoire jusqu'au 09/06/2029"]),
    ("230833200541", "H3R6XB", "8 points", ["Permis probatoire jusqu'au 02/09/2027"]),
    ("1504 6930 0227", "Z9C5LD", "9 points", ["Le solde maximal est de 12 points."]),
], ids=["12-points", "probatoire-6", "probatoire-8", "perte-recente"])
def test_the_right_code_shows_the_balance_and_only_the_consultation_is_recorded(user, sandbox, neph, code, solde,
                                                                                details):
    opened = login(user, neph, code)
    assert (opened.status, opened.headers["Location"]) == (303, "/tlp/solde")
    balance = user.get(opened.location)
    assert balance.h1() == "Solde de points"
    assert f"Votre solde : {solde}" in text(balance)
    for detail in details:
        assert detail in text(balance)
    record = sandbox.received("telepoints-consultation")
    assert [r["data"] for r in record] == [{"neph": neph.replace(" ", "")}]
    assert code not in str(sandbox.received())


@pytest.mark.parametrize("cuts", [(6, 12), (2, 4), (12, 12)], ids=["6-6-0", "2-2-8", "tout-dans-la-premiere"])
def test_the_site_reads_the_three_boxes_end_to_end_whatever_the_split(user, sandbox, cuts):
    # How the real site splits the number is not known (docs/teleservices.md §9.3 [?]).
    assert user.post(CONNEXION, {**boxes("120575300418", cuts), "code": "K7Q2MZ"}).status == 303
    assert [r["data"] for r in sandbox.received("telepoints-consultation")] == [{"neph": "120575300418"}]


def test_the_restricted_record_lists_categories_losses_and_recoveries(user):
    login(user, "150469300227", "Z9C5LD")
    releve = user.get(RELEVE)
    assert releve.h1() == "Relevé d'information restreint"
    words = text(releve)
    assert "B 21/05/2011 A 02/07/2015" in words
    assert "Solde actuel : 9 points" in words
    assert ("28/10/2026 -3 Usage d'un téléphone tenu en main par le conducteur d'un véhicule en circulation"
            in words)
    assert "14/08/2023 +1 Récupération de points après 6 mois sans infraction" in words


def test_three_wrong_codes_lock_the_dossier(user, sandbox):
    assert alerts(login(user, "120575300418", "k7q2mz")) == [BAD_CODE]  # the code is typed exactly
    assert alerts(login(user, "120575300418", "AAAAAA")) == [BAD_CODE]
    assert alerts(login(user, "120575300418", "BBBBBB")) == [LOCKED]
    assert alerts(login(user, "120575300418", "K7Q2MZ")) == [LOCKED]  # even the right code, for a while
    assert login(user, "250133500872", "P4W8TN").status == 303  # another dossier is not locked
    assert sandbox.received("telepoints-consultation") == [
        {"kind": "telepoints-consultation", "received_at": sandbox.received()[0]["received_at"],
         "data": {"neph": "250133500872"}}
    ]
    sandbox.reset()
    assert login(user, "120575300418", "K7Q2MZ").status == 303


def test_an_unknown_neph_reads_like_a_wrong_code(user):
    assert alerts(login(user, "999999999999", "K7Q2MZ")) == [BAD_CODE]


@pytest.mark.parametrize("neph, code, errors", [
    ("", "", ["Veuillez renseigner le numéro de dossier (NEPH).", "Veuillez renseigner votre code confidentiel."]),
    ("12057-530041", "K7Q2MZ", ["Le numéro de dossier (NEPH) n'est pas valide : il comporte 12 chiffres."]),
])
def test_the_login_form_is_checked_by_the_site(user, sandbox, neph, code, errors):
    reply = login(user, neph, code)
    assert reply.errors() == errors
    assert 'value="K7Q2MZ"' not in reply.text  # a password field is never filled back
    assert sandbox.received() == []


def test_the_balance_needs_a_consultation_and_ends_with_it(user):
    assert user.get(SOLDE, follow=False).headers["Location"] == "/tlp/"
    assert user.get(TELEPOINTS).h1() == "Consulter le solde de vos points"
    login(user, "120575300418", "K7Q2MZ")
    assert user.get(SOLDE).h1() == "Solde de points"
    out = user.post("https://tele7.interieur.gouv.fr/tlp/deconnexion", {})
    assert out.headers["Location"] == "/tlp/?deconnecte=1"
    assert alerts(user.get(out.location)) == ["Vous êtes déconnecté."]
    assert user.get(RELEVE, follow=False).headers["Location"] == "/tlp/"


def test_a_forgotten_code_is_sent_by_sms_to_the_registered_mobile_only(user, sandbox):
    sent = "Si les informations saisies correspondent à un dossier, votre code confidentiel vous a été envoyé par SMS."
    url = "https://tele7.interieur.gouv.fr/tlp/code-oublie"
    assert alerts(user.post(url, {"neph": "120575300418", "telephone": "06 99 99 99 99"})) == [sent]
    assert sandbox.sms() == []
    assert alerts(user.post(url, {"neph": "120575300418", "telephone": "06 11 22 33 44"})) == [sent]
    assert [(m["to"], m["body"]) for m in sandbox.sms()] == [
        ("0611223344", "Télépoints : votre code confidentiel est K7Q2MZ.")
    ]
    assert user.post(url, {"neph": "", "telephone": "0511"}).errors() == [
        "Veuillez renseigner le numéro de dossier (NEPH).",
        "Le numéro de téléphone portable doit commencer par 06 ou 07 et comporter 10 chiffres.",
    ]
