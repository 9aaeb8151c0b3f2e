"""Replica of the driving-licence exam results on www.securite-routiere.gouv.fr (no account).

docs/teleservices.md §4 and §9.3: the candidate gives the NEPH (12 digits), the date de naissance
and the catégorie, and proves to be a person [S]; the result is the CEPC ("favorable" /
"insuffisant"). The page is `https://www.securite-routiere.gouv.fr/resultats-du-permis-de-conduire`
with the client-side route `#/step-connexion` [C]; results come « entre 2 et 4 jours ouvrables »
after the exam [C]. The real page is a single-page application: here it is server-rendered at
that path (the fragment never reaches a server, so the same page answers with or without it). The
result page's path and the wording of the pages are hand-written [?].

- `/resultats-du-permis-de-conduire` — h1 "Résultats de l'examen du permis de conduire": "Numéro
  NEPH", "Date de naissance" (JJ/MM/AAAA, 00 for an unknown day or month), "Catégorie" (select),
  an image showing a code with "Recopiez le code affiché", the checkbox "Je ne suis pas un
  robot", button "Rechercher". Each code shown is good for one try: every POST draws a new one.
  Invalid POST -> the page again with its errors; a NEPH, date and catégorie matching no exam ->
  the page again with the alert `MESSAGES["unknown"]`; a match -> 303 to the result.
- `/resultats-du-permis-de-conduire/resultat/<jeton>` [?] — h1 "Résultat de votre examen":
  "Catégorie : B", "Date de l'examen : JJ/MM/AAAA", "Résultat : Favorable" (or "Insuffisant"; or
  "En attente de publication" with "Votre résultat n'est pas encore disponible…" until its
  publication day, 2 to 4 working days after the exam, each seeded exam with its own delay); a
  favourable result links to its CEPC, `<result>/cepc`: a PDF download, as the real site's documents
  (docs/teleservices.md §9.6, §9.8), titled "Certificat d'examen du permis de conduire", which serves
  as a provisional licence.

Each search that finds an exam records `{"kind": "resultat-examen", "received_at", "data":
{"neph", "date_naissance", "categorie"}}` (the NEPH without spaces, the rest as typed), so tests
compare the query with the citizen's data. The exams are `SEEDED`, dated in working days before
the sandbox's today.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request

from autopilot.sandbox.kit.pdf import Line, pdf_document, pdf_download
from autopilot.sandbox.kit.state import current_state, now_iso
from autopilot.sandbox.kit.training import Link, Table
from autopilot.sandbox.kit.validation import FormCheck

HOST = "www.securite-routiere.gouv.fr"
HOSTS = (HOST,)
SEARCH_PATH = "/resultats-du-permis-de-conduire"  # docs/teleservices.md §9.3 [C]
CLIENT_ROUTE = "#/step-connexion"  # the real page's route to its form [C]; served here without it
SERVICES = {HOST: {
    "name": "Sécurité routière",
    "tagline": "Résultats de l'examen du permis de conduire",
    "home": SEARCH_PATH,
}}
RECORD_KIND = "resultat-examen"
SITE = "resultats_permis"

CATEGORIES = ["AM", "A1", "A2", "A", "B1", "B", "BE", "C1", "C1E", "C", "CE", "D1", "D1E", "D", "DE"]
FAVORABLE, INSUFFISANT = "Favorable", "Insuffisant"
PENDING = "En attente de publication"
PUBLICATION_DELAYS = (2, 4)  # « entre 2 et 4 jours ouvrables » after the exam (docs/teleservices.md §9.3 [C])
# Letters and digits a person cannot confuse (no 0/O, 1/I/L).
CAPTCHA_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CAPTCHA_LENGTH = 6
_NEPH = re.compile(r"^\d{12}$")

MESSAGES = {
    "neph": "Le numéro NEPH doit comporter 12 chiffres.",
    "captcha_missing": "Veuillez recopier le code affiché.",
    "captcha_wrong": "Le code saisi ne correspond pas au code affiché. Un nouveau code vous est proposé.",
    "robot": "Veuillez cocher la case « Je ne suis pas un robot ».",
    "unknown": "Aucun résultat ne correspond aux informations saisies. "
    "Vérifiez le numéro NEPH, la date de naissance et la catégorie.",
}


@dataclass(frozen=True)
class Examen:
    """One practical test as the exam file holds it."""

    neph: str
    date_naissance: str  # JJ/MM/AAAA, 00 for an unknown day or month
    categorie: str
    jours_ouvres: int  # taken this many working days before the sandbox's today
    resultat: str  # FAVORABLE or INSUFFISANT
    delai: int = 2  # published this many working days after the exam, within PUBLICATION_DELAYS


# Fictitious candidates (public demo values, shown to trainees by the training material).
SEEDED = (
    Examen("210692106990", "12/04/2006", "B", 5, FAVORABLE, delai=4),
    Examen("230133700482", "28/02/2007", "B", 3, INSUFFISANT, delai=3),
    Examen("180869300127", "00/00/1986", "C", 10, FAVORABLE),
    Examen("180869300127", "00/00/1986", "CE", 4, INSUFFISANT, delai=4),
    Examen("220433500961", "05/09/2008", "A2", 2, FAVORABLE, delai=2),
    Examen("250317800524", "03/03/2009", "B", 3, FAVORABLE, delai=4),  # 3 days on, still unpublished
    Examen("240175100318", "19/01/2008", "AM", 1, FAVORABLE),
    Examen("230594400276", "30/05/1999", "BE", 0, INSUFFISANT),
)

HOME = (Link("Permis de conduire", "Résultats de l'examen du permis de conduire", HOST, SEARCH_PATH),)

bp = Blueprint("resultats_permis", __name__)


def training() -> list[Table]:
    """The seeded candidates, with the result the search shows today."""
    today = current_state().today()
    return [Table(
        "Permis de conduire", "Candidats à l'examen du permis de conduire",
        ("Numéro NEPH", "Date de naissance", "Catégorie", "Résultat"),
        tuple((e.neph, e.date_naissance, e.categorie, _shown_result(e, today)) for e in SEEDED),
        note="00 dans la date de naissance : jour ou mois inconnu, à taper tel quel. "
             "Le code anti-robot est à recopier à chaque recherche.",
    )]


def working_days_before(day: date, count: int) -> date:
    """The date `count` working days (Monday to Friday) before `day`; `day` itself for 0."""
    while count:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def working_days_after(day: date, count: int) -> date:
    """The date `count` working days after `day`."""
    while count:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def normalise_neph(raw: str) -> str:
    """The NEPH as typed, without spaces (it is printed as two groups of 6)."""
    return "".join(raw.split())


def _find(neph: str, date_naissance: str, categorie: str) -> Examen | None:
    for examen in SEEDED:
        if (examen.neph, examen.date_naissance, examen.categorie) == (neph, date_naissance, categorie):
            return examen
    return None


# -- the captcha: a code drawn for one try, kept server-side -------------------------------


def _new_captcha() -> dict[str, Any]:
    """A fresh code, remembered under an id the form carries; drawn as scattered glyphs."""
    code = "".join(secrets.choice(CAPTCHA_ALPHABET) for _ in range(CAPTCHA_LENGTH))
    ident = secrets.token_urlsafe(12)
    state = current_state()
    with state.lock:
        state.site(SITE).setdefault("captchas", {})[ident] = code
    glyphs = [
        {"char": char, "x": 18 + 30 * index + secrets.randbelow(7), "y": 34 + secrets.randbelow(12),
         "angle": secrets.randbelow(41) - 20}
        for index, char in enumerate(code)
    ]
    noise = [tuple(secrets.randbelow(limit) for limit in (200, 60, 200, 60)) for _ in range(5)]
    return {"id": ident, "glyphs": glyphs, "noise": noise}


def _captcha_matches(ident: str, typed: str) -> bool:
    """Whether `typed` is the code shown under `ident`; the code is spent either way."""
    state = current_state()
    with state.lock:
        code = state.site(SITE).setdefault("captchas", {}).pop(ident, None)
    return code is not None and typed.strip().upper() == code


# -- views ---------------------------------------------------------------------------------


def _render_search(values: dict[str, str], errors: dict[str, str], alert: str | None = None) -> str:
    """The search form, with a new code; the person ticks « Je ne suis pas un robot » again."""
    kept = {name: value for name, value in values.items() if name != "robot"}
    return render_template(
        "resultats_permis/recherche.html", values=kept, errors=errors, alert=alert,
        categories=CATEGORIES, captcha=_new_captcha(),
    )


@bp.route(SEARCH_PATH, methods=["GET", "POST"], host=HOST)
def search() -> Any:
    if request.method == "GET":
        return _render_search({}, {})
    fields = ("neph", "date_naissance", "categorie", "robot")
    values = {name: request.form.get(name, "") for name in fields}
    state = current_state()
    check = FormCheck(values, today=state.today())
    if check.required("neph", "le numéro NEPH") and not _NEPH.match(normalise_neph(values["neph"])):
        check.fail("neph", MESSAGES["neph"])
    check.date("date_naissance", "la date de naissance")
    check.choice("categorie", "la catégorie", CATEGORIES)
    typed = request.form.get("captcha", "")
    if not _captcha_matches(request.form.get("captcha_id", ""), typed):
        check.fail("captcha", MESSAGES["captcha_wrong"] if typed.strip() else MESSAGES["captcha_missing"])
    check.ticked("robot", MESSAGES["robot"])
    if check.errors:
        return _render_search(values, check.errors)

    neph, date_naissance, categorie = normalise_neph(values["neph"]), check.value("date_naissance"), values["categorie"]
    examen = _find(neph, date_naissance, categorie)
    if examen is None:
        return _render_search(values, {}, alert=MESSAGES["unknown"])
    state.record({
        "kind": RECORD_KIND, "received_at": now_iso(),
        "data": {"neph": neph, "date_naissance": date_naissance, "categorie": categorie},
    })
    jeton = secrets.token_urlsafe(16)
    with state.lock:
        state.site(SITE).setdefault("consultations", {})[jeton] = SEEDED.index(examen)
    return redirect(f"{SEARCH_PATH}/resultat/{jeton}", 303)


def _consulted(jeton: str) -> tuple[Examen, dict[str, Any]]:
    """The exam a search found, and how the result page shows it today."""
    state = current_state()
    with state.lock:
        index = state.site(SITE).get("consultations", {}).get(jeton)
    if index is None:
        abort(404)
    examen = SEEDED[index]
    today = state.today()
    passed_on = working_days_before(today, examen.jours_ouvres)
    shown = {
        "neph": examen.neph,
        "categorie": examen.categorie,
        "date_examen": passed_on.strftime("%d/%m/%Y"),
        "publie_au_plus_tard": working_days_after(passed_on, PUBLICATION_DELAYS[1]).strftime("%d/%m/%Y"),
        "resultat": _shown_result(examen, today),
    }
    return examen, shown


def _shown_result(examen: Examen, today: date) -> str:
    """The exam's result, or `PENDING` until its publication day."""
    published_on = working_days_after(working_days_before(today, examen.jours_ouvres), examen.delai)
    return examen.resultat if published_on <= today else PENDING


@bp.route(f"{SEARCH_PATH}/resultat/<jeton>", host=HOST)
def result(jeton: str) -> str:
    _, shown = _consulted(jeton)
    return render_template(
        "resultats_permis/resultat.html", r=shown, search_url=SEARCH_PATH,
        favorable=shown["resultat"] == FAVORABLE, pending=shown["resultat"] == PENDING,
        cepc_url=f"{SEARCH_PATH}/resultat/{jeton}/cepc",
    )


@bp.route(f"{SEARCH_PATH}/resultat/<jeton>/cepc", host=HOST)
def cepc(jeton: str) -> Response:
    examen, shown = _consulted(jeton)
    if shown["resultat"] != FAVORABLE:
        abort(404)
    lines: list[str | Line] = [
        Line("Certificat d'examen du permis de conduire", 16, bold=True), "CEPC — épreuve pratique", "",
        f"Numéro NEPH : {shown['neph']}", f"Date de naissance : {examen.date_naissance}",
        f"Catégorie : {shown['categorie']}", f"Date de l'examen : {shown['date_examen']}",
        f"Résultat : {shown['resultat']}", "",
        "Ce certificat vaut titre de conduite provisoire sur le territoire national, en attendant la délivrance"
        " du permis de conduire. Il doit être présenté avec une pièce d'identité en cas de contrôle.", "",
        "Bac à sable de formation : ce certificat n'a aucune valeur.",
    ]
    return pdf_download(pdf_document(lines, title="Certificat d'examen du permis de conduire"),
                        f"certificat-examen-{shown['neph']}.pdf")
