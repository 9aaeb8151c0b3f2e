"""Replica of Télépoints, the driving-licence points balance, on tele7.interieur.gouv.fr/tlp/.

docs/teleservices.md §4 [C]: access "avec FranceConnect" or "avec votre numéro de dossier NEPH et votre
code confidentiel Télépoints"; the code is on the letter sent with the card licence (and letters
48N / 48M / 48SI, the relevé d'information intégral) and can be recovered by SMS; the service also
gives the "relevé d'information restreint". The format of the code, the labels, the paths under
/tlp/ and the lockout rule are NOT confirmed [?]: hand-written here, the code checked loosely.

docs/teleservices.md §9.3 [S] (the webview code of a public app): first « Se connecter avec son
code confidentiel Télépoints », then the licence number in three boxes (`input_numero_permis_1`,
`_2`, `_3`), then the code confidentiel. How the number is split across the boxes is NOT known
[?]: the boxes here have no length limit and the site reads their concatenation.

- `/tlp/` — h1 "Consulter le solde de vos points": a FranceConnect button (`/tlp/franceconnect`,
  not available in the sandbox) and the link "Se connecter avec son code confidentiel Télépoints".
- `/tlp/connexion` — h1 "Connexion avec le code confidentiel Télépoints": the group "Numéro de
  permis de conduire" of three boxes `input_numero_permis_1/2/3` (labels "Numéro de permis, partie
  1", "… partie 2", "… partie 3" [?]), "Code confidentiel" (a password field), button "Accéder",
  link "Code confidentiel oublié ?". A wrong pair -> the page again with `MESSAGES["bad_code"]`;
  the 3rd wrong code in a row for a NEPH locks it `LOCK_SECONDS`. A good pair opens a
  consultation (a cookie on this host) -> 303 to the balance.
- `/tlp/solde` — h1 "Solde de points": "Votre solde : 12 points", the probatory period when there
  is one; link "Consulter le relevé d'information restreint" (`/tlp/releve`, h1 "Relevé
  d'information restreint": catégories, solde, every loss and recovery); button "Se déconnecter".
- `/tlp/code-oublie` — h1 "Code confidentiel oublié": the NEPH and the mobile number registered
  for the licence; when they match, the code is sent by SMS to that mobile (`Sandbox.sms()`).

The code is a secret the citizen types: it is never recorded. Each opened consultation records
`{"kind": "telepoints-consultation", "received_at", "data": {"neph"}}` — that it happened, and
for whom. The licences are `SEEDED`; their codes are public demo values for training.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request

from autopilot.sandbox.kit.state import current_state, now_iso
from autopilot.sandbox.kit.training import Link, Table
from autopilot.sandbox.kit.validation import FormCheck

HOST = "tele7.interieur.gouv.fr"
HOSTS = (HOST,)
HOME_PATH = "/tlp/"
LOGIN_PATH = "/tlp/connexion"
NUMBER_BOXES = ("input_numero_permis_1", "input_numero_permis_2", "input_numero_permis_3")
SOLDE_PATH = "/tlp/solde"
RELEVE_PATH = "/tlp/releve"
SERVICES = {HOST: {
    "name": "Télépoints — Ministère de l'Intérieur",
    "tagline": "Consultation du solde de points du permis de conduire",
    "home": HOME_PATH,
}}
RECORD_KIND = "telepoints-consultation"
SITE = "telepoints"
SESSION_COOKIE = "tlp_consultation"
MAX_FAILURES = 3
LOCK_SECONDS = 30 * 60  # [?] "bloqué pour un temps": the real duration is not known
# The NEPH has 12 digits; older licence numbers may hold letters (docs/teleservices.md §4): loose check.
_NUMERO_DOSSIER = re.compile(r"^[0-9A-Z]{6,15}$")

MESSAGES = {
    "neph": "Le numéro de dossier (NEPH) n'est pas valide : il comporte 12 chiffres.",
    "bad_code": "Le numéro de dossier ou le code confidentiel est incorrect. "
    "Attention : après 3 essais infructueux, l'accès à votre dossier est bloqué.",
    "locked": "À la suite de 3 essais infructueux, l'accès à ce dossier est bloqué pendant 30 minutes. "
    "Vous pouvez aussi vous connecter avec FranceConnect.",
    "code_sent": "Si les informations saisies correspondent à un dossier, votre code confidentiel "
    "vous a été envoyé par SMS.",
}


@dataclass(frozen=True)
class Mouvement:
    """A change of the balance: a loss after an offence, a recovery, a probatory increase."""

    le: str  # JJ/MM/AAAA
    points: int  # negative for a loss
    motif: str


@dataclass(frozen=True)
class Permis:
    """One licence as the national file holds it."""

    neph: str
    code: str  # the code confidentiel (format unconfirmed [?])
    mobile: str  # where a forgotten code is sent
    solde: int
    categories: tuple[tuple[str, str], ...]  # (catégorie, obtenue le JJ/MM/AAAA)
    probatoire_jusqu_au: str | None = None
    mouvements: tuple[Mouvement, ...] = ()


# Fictitious licences; the codes are public demo values (training material, tests).
SEEDED = (
    Permis("120575300418", "K7Q2MZ", "0611223344", 12, (("B", "16/03/2004"),)),
    Permis("250133500872", "P4W8TN", "0622334455", 6, (("B", "10/06/2026"),), probatoire_jusqu_au="09/06/2029"),
    Permis("230833200541", "H3R6XB", "0633445566", 8, (("B", "03/09/2024"),), probatoire_jusqu_au="02/09/2027",
           mouvements=(Mouvement("03/09/2025", 2, "Majoration annuelle du permis probatoire"),)),
    Permis("150469300227", "Z9C5LD", "0744556677", 9, (("B", "21/05/2011"), ("A", "02/07/2015")), mouvements=(
        Mouvement("14/02/2023", -1, "Excès de vitesse inférieur à 20 km/h (hors agglomération)"),
        Mouvement("14/08/2023", 1, "Récupération de points après 6 mois sans infraction"),
        Mouvement("28/10/2026", -3, "Usage d'un téléphone tenu en main par le conducteur d'un véhicule en circulation"),
    )),
)

HOME = (Link("Permis de conduire", "Solde des points du permis de conduire (Télépoints)", HOST, HOME_PATH),)

bp = Blueprint("telepoints", __name__)


def training() -> list[Table]:
    """The seeded licences with their code confidentiel (public demo values)."""
    return [Table(
        "Permis de conduire", "Permis à consulter sur Télépoints",
        ("Numéro de dossier (NEPH)", "Code confidentiel", "Téléphone portable", "Solde"),
        tuple((p.neph, p.code, " ".join(p.mobile[i:i + 2] for i in range(0, 10, 2)),
               f"{p.solde} point{'s' if p.solde > 1 else ''}") for p in SEEDED),
        note="Le code confidentiel est un secret de l'usager : c'est lui qui le tape. Après 3 codes faux, "
             "le dossier est bloqué 30 minutes. « Code confidentiel oublié ? » l'envoie par SMS au téléphone "
             "portable indiqué (voir le téléphone de l'usager, plus bas).",
    )]


def normalise_neph(raw: str) -> str:
    """The numéro de dossier as typed, without spaces, in capitals."""
    return "".join(raw.split()).upper()


def _permis(neph: str) -> Permis | None:
    return next((permis for permis in SEEDED if permis.neph == neph), None)


def _check_neph(check: FormCheck) -> None:
    if check.required("neph", "le numéro de dossier (NEPH)") and not _NUMERO_DOSSIER.match(
        normalise_neph(check.value("neph"))
    ):
        check.fail("neph", MESSAGES["neph"])


def _route(path: str, **options: Any):
    return bp.route(path, host=HOST, **options)


# -- the consultation: a cookie naming the licence, kept server-side -----------------------


def _consulted() -> Permis | None:
    state = current_state()
    with state.lock:
        neph = state.site(SITE).get("consultations", {}).get(request.cookies.get(SESSION_COOKIE, ""))
    return _permis(neph) if neph else None


def _open_consultation(permis: Permis) -> Response:
    state = current_state()
    token = secrets.token_urlsafe(24)
    with state.lock:
        state.site(SITE).setdefault("consultations", {})[token] = permis.neph
    state.record({"kind": RECORD_KIND, "received_at": now_iso(), "data": {"neph": permis.neph}})
    response = redirect(SOLDE_PATH, 303)
    response.set_cookie(SESSION_COOKIE, token, path="/tlp/", httponly=True, samesite="Lax")
    return response


# -- pages ---------------------------------------------------------------------------------


@_route(HOME_PATH)
def home() -> str:
    info = "Vous êtes déconnecté." if request.args.get("deconnecte") else None
    return render_template("telepoints/accueil.html", info=info, login_url=LOGIN_PATH)


@_route(LOGIN_PATH, methods=["GET", "POST"])
def login() -> Any:
    if request.method == "GET":
        return render_template("telepoints/connexion.html", values={}, errors={})
    state = current_state()
    boxes = {name: request.form.get(name, "") for name in NUMBER_BOXES}
    check = FormCheck({"neph": "".join(boxes.values())}, today=state.today())
    _check_neph(check)
    code = request.form.get("code", "")
    if not code.strip():
        check.fail("code", "Veuillez renseigner votre code confidentiel.")
    errors = {NUMBER_BOXES[0] if name == "neph" else name: message for name, message in check.errors.items()}
    alert = None
    if not errors:
        neph = normalise_neph(check.value("neph"))
        key = f"telepoints:{neph}"
        permis = _permis(neph)
        if state.is_locked(key):
            alert = MESSAGES["locked"]
        elif permis is None or code.strip() != permis.code:
            locked = state.note_failure(key, max_failures=MAX_FAILURES, lock_seconds=LOCK_SECONDS)
            alert = MESSAGES["locked" if locked else "bad_code"]
        else:
            state.clear_failures(key)
            return _open_consultation(permis)
    return render_template("telepoints/connexion.html", values=boxes, errors=errors, alert=alert)


@_route(SOLDE_PATH)
def solde() -> Any:
    permis = _consulted()
    if permis is None:
        return redirect(HOME_PATH, 303)
    return render_template("telepoints/solde.html", permis=permis, releve_url=RELEVE_PATH)


@_route(RELEVE_PATH)
def releve() -> Any:
    permis = _consulted()
    if permis is None:
        return redirect(HOME_PATH, 303)
    return render_template("telepoints/releve.html", permis=permis, solde_url=SOLDE_PATH)


@_route("/tlp/deconnexion", methods=["POST"])
def logout() -> Response:
    state = current_state()
    with state.lock:
        state.site(SITE).get("consultations", {}).pop(request.cookies.get(SESSION_COOKIE, ""), None)
    response = redirect(f"{HOME_PATH}?deconnecte=1", 303)
    response.delete_cookie(SESSION_COOKIE, path="/tlp/")
    return response


@_route("/tlp/code-oublie", methods=["GET", "POST"])
def forgotten_code() -> Any:
    if request.method == "GET":
        return render_template("telepoints/code_oublie.html", values={}, errors={})
    state = current_state()
    values = {name: request.form.get(name, "") for name in ("neph", "telephone")}
    check = FormCheck(values, today=state.today())
    _check_neph(check)
    check.mobile("telephone")
    if check.errors:
        return render_template("telepoints/code_oublie.html", values=values, errors=check.errors)
    permis = _permis(normalise_neph(values["neph"]))
    mobile = values["telephone"].replace(" ", "")
    if permis is not None and permis.mobile == mobile:
        state.send_sms(mobile, f"Télépoints : votre code confidentiel est {permis.code}.")
    return render_template("telepoints/code_oublie.html", values={}, errors={}, sent=MESSAGES["code_sent"])


@_route("/tlp/franceconnect")
def franceconnect() -> str:
    return render_template("telepoints/franceconnect.html", home_url=HOME_PATH)
