"""Replica of FranceConnect (app.franceconnect.gouv.fr): the citizen picks an identity provider,
then types their own login there; the service they came from gets their identity back.

What is known (docs/teleservices.md §0 and §9.4): the ANTS teleservices are « Accessible avec un compte
ANTS ou via FranceConnect » [C]; the changement de titulaire and d'état civil say « Vous devez …
utiliser FranceConnect » [S]; the providers listed in 2025 [C]. The screens below follow the
public FranceConnect button of the DSFR (`fr-connect`); their labels and paths are NOT confirmed
[?], and in the sandbox every provider's login is one form on this host (the real ones are on
each provider's own site) [?].

- `/` — h1 "FranceConnect": what it is; it opens from a service's button, not on its own.
- `/api/v1/authorize?redirect_uri=…&state=…` — h1 "Je choisis un compte pour me connecter": one
  button per provider. `redirect_uri` must be a page of an ANTS site (the only client here).
- `/fournisseur/<code>?redirect_uri=…&state=…` — h1 "Connexion avec <provider>": "Identifiant",
  "Mot de passe", button "Se connecter"; then back to `redirect_uri?code=…&state=…`. The password
  is checked and forgotten: nothing here keeps it, not even in a failed attempt's page.

The client (`ants_franceconnect`) trades the code once for the identity (`redeem`).
"""

from __future__ import annotations

import copy
import secrets
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, abort, redirect, render_template, request

from autopilot.sandbox.kit.hosts import local_url, same_server_target
from autopilot.sandbox.kit.state import current_state
from autopilot.sandbox.kit.training import Link, Table

HOST = "app.franceconnect.gouv.fr"
HOSTS = (HOST,)
AUTHORIZE_PATH = "/api/v1/authorize"
PROVIDER_PATH = "/fournisseur"
SERVICES = {HOST: {
    "name": "FranceConnect",
    "tagline": "Identifiez-vous avec un compte que vous possédez déjà",
    "home": AUTHORIZE_PATH,
}}
SITE = "franceconnect"
CLIENT_DOMAIN = "ants.gouv.fr"  # the only service of the sandbox that uses FranceConnect

# The providers FranceConnect listed in 2025 (docs/teleservices.md §0 [C]), in that order.
PROVIDERS = {
    "impots": "impots.gouv.fr", "ameli": "ameli.fr", "laposte": "L'Identité Numérique La Poste",
    "yris": "Yris", "msa": "MSA", "franceidentite": "France Identité",
}

# Fictitious citizens; identifiers and passwords are public demo values (training material, tests).
CITIZENS = {
    "camille.lefevre@exemple.fr": {
        "mot_de_passe": "Camille-FC-2026!",
        "identite": {"nom_naissance": "Lefèvre", "prenoms": "Camille Louise", "sexe": "F",
                     "date_naissance": "14/07/1985", "commune_naissance": "Rennes"},
    },
    "michel.bernard@exemple.fr": {
        "mot_de_passe": "Michel-FC-2026!",
        "identite": {"nom_naissance": "Bernard", "prenoms": "Michel", "sexe": "M",
                     "date_naissance": "02/03/1961", "commune_naissance": "Brest"},
    },
}

MESSAGES = {
    "identifiant": "Veuillez renseigner votre identifiant.",
    "mot_de_passe": "Veuillez renseigner votre mot de passe.",
    "bad_credentials": "Identifiant ou mot de passe incorrect.",
}

HOME = (Link("Immatriculation", "FranceConnect (connexion de l'usager, ouverte depuis une démarche)", HOST, "/"),)

bp = Blueprint("franceconnect", __name__)


@bp.route("/", host=HOST)
def home() -> str:
    return render_template("franceconnect/accueil.html")


def training() -> list[Table]:
    """The citizens' FranceConnect logins (fictitious), typed by the citizen themself."""
    return [Table(
        "Immatriculation", "Comptes FranceConnect des usagers (fictifs)",
        ("Identifiant", "Mot de passe", "Usager"),
        tuple((login, c["mot_de_passe"], f"{c['identite']['nom_naissance'].upper()} {c['identite']['prenoms']}")
              for login, c in CITIZENS.items()),
        note="Le changement de titulaire et le changement d'état civil demandent que l'usager se connecte "
             "avec FranceConnect : il choisit un fournisseur d'identité, puis tape lui-même son identifiant "
             "et son mot de passe (n'importe quel fournisseur accepte ces comptes dans le bac à sable).",
    )]


def _client_target() -> tuple[str, str]:
    """The `redirect_uri` and `state` of the request; 400 unless it leads back to an ANTS site."""
    redirect_uri, state = request.values.get("redirect_uri", ""), request.values.get("state", "")
    target = same_server_target(redirect_uri)
    if target is None or not state or not (target[0] == CLIENT_DOMAIN or target[0].endswith("." + CLIENT_DOMAIN)):
        abort(400)
    return redirect_uri, state


@bp.route(AUTHORIZE_PATH, host=HOST)
def authorize() -> str:
    redirect_uri, state = _client_target()
    query = urlencode({"redirect_uri": redirect_uri, "state": state})
    providers = [(name, f"{PROVIDER_PATH}/{code}?{query}") for code, name in PROVIDERS.items()]
    return render_template("franceconnect/choix.html", providers=providers)


@bp.route(PROVIDER_PATH + "/<code>", host=HOST, methods=["GET", "POST"])
def provider(code: str) -> Any:
    if code not in PROVIDERS:
        abort(404)
    redirect_uri, state = _client_target()
    context = {"provider": PROVIDERS[code], "redirect_uri": redirect_uri, "state": state,
               "back_url": f"{AUTHORIZE_PATH}?{urlencode({'redirect_uri': redirect_uri, 'state': state})}"}
    if request.method == "GET":
        return render_template("franceconnect/connexion.html", values={}, errors={}, **context)
    identifiant = request.form.get("identifiant", "").strip()
    errors = {name: MESSAGES[name] for name in ("identifiant", "mot_de_passe") if not request.form.get(name)}
    citizen = CITIZENS.get(identifiant.lower())
    if errors or citizen is None or not secrets.compare_digest(citizen["mot_de_passe"],
                                                               request.form.get("mot_de_passe", "")):
        return render_template("franceconnect/connexion.html", values={"identifiant": identifiant}, errors=errors,
                               alert=None if errors else MESSAGES["bad_credentials"], **context)
    grant = secrets.token_urlsafe(18)
    sandbox = current_state()
    with sandbox.lock:
        sandbox.site(SITE).setdefault("codes", {})[grant] = {**citizen["identite"], "fournisseur": code}
    separator = "&" if "?" in redirect_uri else "?"
    return redirect(redirect_uri + separator + urlencode({"code": grant, "state": state}), 303)


def redeem(grant: str) -> dict[str, str] | None:
    """The identity behind an authorisation code, once (a second use gets None)."""
    sandbox = current_state()
    with sandbox.lock:
        return copy.deepcopy(sandbox.site(SITE).setdefault("codes", {}).pop(grant, None))


def authorize_url(redirect_uri: str, state: str) -> str:
    """Where a client sends the citizen to log in."""
    return local_url(HOST, f"{AUTHORIZE_PATH}?{urlencode({'redirect_uri': redirect_uri, 'state': state})}")
