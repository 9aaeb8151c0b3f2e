"""Replica of the ANTS account (the mairie's compte mandataire) on ants.gouv.fr.

The account space is under `/monespace/` (docs/teleservices.md §9.3 [C], the sign-up page
`/monespace/s-inscrire`); the pages' own paths below are NOT confirmed [?] (§0):

- `/monespace/se-connecter` — h1 "Connexion à mon compte": "Identifiant" (hint "Adresse
  électronique"), "Mot de passe", button "Se connecter"; `?next=` brings the user back after
  login (only paths and hosts under ants.gouv.fr). 5 failures in a row lock the account 15 min.
- `/monespace/verification` — h1 "Vérification de votre identité" (when one-time codes are on and
  the browser is not an "appareil reconnu"): "Code de vérification", button "Valider"; the code
  is sent to the mandataire mailbox.
- `/monespace/mon-espace`, `/monespace/mon-espace-identite` (links "Réaliser une pré-demande de
  carte d'identité", "Réaliser une pré-demande de passeport", "Suivre ma demande de carte
  d'identité", "Suivre ma demande de passeport"). The suivi pages themselves are in `ants_suivi`;
  `/monespace/mon-espace-conduite` is served by `ants_permis_suivi`, `/monespace/mon-espace-vehicule`
  by `ants_immatriculation`.
- `POST /monespace/se-deconnecter`.
- `/moncompte/…` (the older paths, §0): a 308 redirect to the same page under `/monespace/`.
  Whether the live site still redirects them is NOT known [?]; the library's flows use `/monespace/`.

The session is ONE cookie for ants.gouv.fr and all its subdomains (`Domain=ants.gouv.fr.localhost`
locally), checked server-side so that a fault can expire every session at once.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, redirect, render_template, request

from autopilot.sandbox.demo_account import DEMO_ACCOUNT  # the public demo account, defined alone (re-exported)
from autopilot.sandbox.kit.hosts import (
    cookie_domain,
    local_origin,
    local_url,
    real_host,
    same_server_target,
)
from autopilot.sandbox.kit.state import current_state
from autopilot.sandbox.kit.training import Link

ANTS_HOST = "ants.gouv.fr"
ACCOUNT_PREFIX = "/monespace/"
OLD_ACCOUNT_PREFIX = "/moncompte/"
LOGIN_PATH = "/monespace/se-connecter"
VERIFICATION_PATH = "/monespace/verification"
LOGOUT_PATH = "/monespace/se-deconnecter"
FRANCECONNECT_PATH = "/monespace/franceconnect"
SPACE_PATH = "/monespace/mon-espace"
IDENTITY_SPACE_PATH = "/monespace/mon-espace-identite"
DRIVING_SPACE_PATH = "/monespace/mon-espace-conduite"
VEHICLE_SPACE_PATH = "/monespace/mon-espace-vehicule"
# Where the links of "Mon espace identité" lead: the pré-demandes on the passport site
# (`ants_passeport.START_PATH`, `ants_cni.START_PATH`), the suivi in this account (`ants_suivi`).
PASSPORT_START_URL = ("passeport.ants.gouv.fr", "/demarches-en-ligne/pre-demande-passeport")
CNI_START_URL = ("passeport.ants.gouv.fr", "/demarches-en-ligne/pre-demande-cni")
SUIVI_PATHS = {
    "passeport": IDENTITY_SPACE_PATH + "/suivi-passeport",
    "cni": IDENTITY_SPACE_PATH + "/suivi-carte-identite",
}


HOME = (Link("Compte ANTS de la mairie", "Mon compte ANTS (compte mandataire de la mairie)", ANTS_HOST, LOGIN_PATH),)

SESSION_COOKIE = "ants_session"
VERIFICATION_COOKIE = "ants_verification"
DEVICE_COOKIE = "ants_appareil_reconnu"
MAX_FAILURES = 5
LOCK_SECONDS = 15 * 60

MESSAGES = {
    "bad_credentials": "Identifiant ou mot de passe incorrect.",
    "locked": "Votre compte est temporairement bloqué suite à plusieurs tentatives infructueuses. "
    "Réessayez dans 15 minutes.",
    "expired": "Votre session a expiré. Veuillez vous reconnecter.",
    "logged_out": "Vous êtes déconnecté.",
    "bad_code": "Le code de vérification est incorrect. Vérifiez le dernier code reçu et réessayez.",
    "code_format": "Le code de vérification doit comporter 6 chiffres.",
}
MAIL_SUBJECT = "Votre code de vérification ANTS"

bp = Blueprint("ants_compte", __name__)


def _route(path: str, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return bp.route(path, host=ANTS_HOST, **options)


# -- the session shared by every ants.gouv.fr site -----------------------------------------


def current_account() -> str | None:
    """The identifier of the logged-in account, or None."""
    return current_state().session_account(request.cookies.get(SESSION_COOKIE))


def login_redirect() -> Response:
    """303 to the login page, with `next` pointing back at the current request."""
    here = request.full_path.rstrip("?")
    target = here if real_host() == ANTS_HOST else local_origin(real_host()) + here
    return redirect(local_url(ANTS_HOST, f"{LOGIN_PATH}?{urlencode({'next': target})}"), 303)


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Send anonymous visitors (or expired sessions) to the login page."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_account() is None:
            return login_redirect()
        return view(*args, **kwargs)

    return wrapper


def _set_cookie(response: Response, name: str, value: str, *, shared: bool, max_age: int | None = None) -> None:
    response.set_cookie(
        name, value, max_age=max_age, path="/", httponly=True, samesite="Lax",
        domain=cookie_domain(ANTS_HOST) if shared else None,
    )


def _safe_next(raw: str | None) -> str:
    """The URL to go to after login: only ants.gouv.fr and its subdomains are honoured."""
    target = same_server_target(raw or "")
    if target is None:
        return SPACE_PATH
    host, path = target
    if host == ANTS_HOST:
        return path
    if host.endswith("." + ANTS_HOST):
        return local_url(host, path)
    return SPACE_PATH


def _open_session(account: str, next_url: str) -> Response:
    sid = current_state().open_session(account)
    response = redirect(next_url, 303)
    _set_cookie(response, SESSION_COOKIE, sid, shared=True)
    return response


# -- pages ---------------------------------------------------------------------------------


@_route("/")
def home() -> Response:
    return redirect(SPACE_PATH, 303)


@_route(OLD_ACCOUNT_PREFIX + "<path:rest>", methods=["GET", "POST"])
def old_path(rest: str) -> Response:
    """The older `/moncompte/` URLs lead to the same page under `/monespace/` (308 keeps a POST)."""
    query = request.query_string.decode()
    return redirect(ACCOUNT_PREFIX + rest + (f"?{query}" if query else ""), 308)


@_route(LOGIN_PATH, methods=["GET", "POST"])
def login() -> Any:
    state = current_state()
    next_raw = request.values.get("next", "")
    if request.method == "GET":
        if current_account():
            return redirect(_safe_next(next_raw), 303)
        info = None
        if state.session_expired(request.cookies.get(SESSION_COOKIE)):
            info = MESSAGES["expired"]
        elif request.args.get("deconnecte"):
            info = MESSAGES["logged_out"]
        return render_template("compte/login.html", next=next_raw, info=info, values={}, errors={})

    identifiant = request.form.get("identifiant", "").strip()
    mot_de_passe = request.form.get("mot_de_passe", "")
    errors = {}
    if not identifiant:
        errors["identifiant"] = "Veuillez renseigner votre identifiant."
    if not mot_de_passe:
        errors["mot_de_passe"] = "Veuillez renseigner votre mot de passe."
    alert = None
    key = identifiant.lower()
    if not errors:
        if state.is_locked(key):
            alert = MESSAGES["locked"]
        elif not state.password_matches(key, mot_de_passe, DEMO_ACCOUNT):
            locked = state.note_failure(key, max_failures=MAX_FAILURES, lock_seconds=LOCK_SECONDS)
            alert = MESSAGES["locked" if locked else "bad_credentials"]
    if errors or alert:
        return render_template(
            "compte/login.html", next=next_raw, alert=alert, errors=errors,
            values={"identifiant": identifiant},
        )
    state.clear_failures(key)
    next_url = _safe_next(next_raw)
    if state.otp and not state.device_known(request.cookies.get(DEVICE_COOKIE), key):
        token, code = state.start_verification(key, next_url)
        state.send_mail(
            key, MAIL_SUBJECT, f"Votre code de vérification ANTS : {code}", code=code
        )
        response = redirect(VERIFICATION_PATH, 303)
        _set_cookie(response, VERIFICATION_COOKIE, token, shared=False)
        return response
    return _open_session(key, next_url)


@_route(VERIFICATION_PATH, methods=["GET", "POST"])
def verification() -> Any:
    state = current_state()
    token = request.cookies.get(VERIFICATION_COOKIE)
    pending = state.verification(token)
    if pending is None:
        return redirect(LOGIN_PATH, 303)
    context = {"destinataire": pending["account"], "values": {}, "errors": {}}
    if request.method == "GET":
        return render_template("compte/verification.html", **context)
    code = request.form.get("code", "").replace(" ", "")
    if not code.isdigit() or len(code) != 6:
        context["errors"] = {"code": MESSAGES["code_format"]}
    elif code != pending["code"]:
        context["errors"] = {"code": MESSAGES["bad_code"]}
    if context["errors"]:
        return render_template("compte/verification.html", **context)
    state.end_verification(token)
    response = _open_session(pending["account"], pending["next"])
    response.delete_cookie(VERIFICATION_COOKIE, path="/")
    _set_cookie(
        response, DEVICE_COOKIE, state.remember_device(pending["account"]),
        shared=False, max_age=365 * 24 * 3600,
    )
    return response


@_route(LOGOUT_PATH, methods=["POST"])
def logout() -> Response:
    current_state().close_session(request.cookies.get(SESSION_COOKIE))
    response = redirect(f"{LOGIN_PATH}?deconnecte=1", 303)
    response.delete_cookie(SESSION_COOKIE, path="/", domain=cookie_domain(ANTS_HOST))
    return response


@_route(FRANCECONNECT_PATH)
def franceconnect() -> str:
    return render_template("compte/franceconnect.html", login_url=LOGIN_PATH)


@_route(SPACE_PATH)
@login_required
def space() -> str:
    return render_template(
        "compte/space.html",
        links=[
            ("Mon espace identité", IDENTITY_SPACE_PATH, "Carte d'identité, passeport"),
            ("Mon espace conduite", DRIVING_SPACE_PATH, "Permis de conduire"),
            ("Mon espace véhicule", VEHICLE_SPACE_PATH, "Certificat d'immatriculation"),
        ],
    )


@_route(IDENTITY_SPACE_PATH)
@login_required
def identity_space() -> str:
    return render_template(
        "compte/identity_space.html", passport_url=local_url(*PASSPORT_START_URL),
        cni_url=local_url(*CNI_START_URL), suivi=SUIVI_PATHS,
    )

