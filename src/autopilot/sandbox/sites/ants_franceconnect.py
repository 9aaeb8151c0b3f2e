"""The citizen's FranceConnect login in a vehicle démarche of immatriculation.ants.gouv.fr, beside
the mairie's compte mandataire.

F19211 (changement de titulaire) and F16876 (changement d'état civil) say « Vous devez … utiliser
FranceConnect » [S]; whether the mairie's ANTS account suffices is NOT known [?]
(docs/teleservices.md §9.4). So by default these démarches ask, on top of the mairie's session,
for the titulaire's own FranceConnect login, and `Sandbox.franceconnect_required = False` lets
the mairie's account suffice.

- `/demarches-en-ligne/identification-franceconnect?next=…` — h1 "Identification de l'usager
  avec FranceConnect", the DSFR button « S’identifier avec FranceConnect » → `franceconnect`.
- `/demarches-en-ligne/franceconnect/retour?code=…&state=…` — trades the code for the identity,
  binds it to the ANTS session, goes back to `next`.

The identity lasts until the démarche is submitted: `CITIZEN_LOGIN.take()` moves it into the
record (`"franceconnect": {"nom_naissance", "prenoms", "sexe", "date_naissance",
"commune_naissance", "fournisseur"}`), so the next citizen at the desk logs in again.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, abort, redirect, render_template, request

from autopilot.sandbox.kit.hosts import local_url, same_server_target
from autopilot.sandbox.kit.state import SandboxState, current_state
from autopilot.sandbox.kit.training import Link
from autopilot.sandbox.sites import franceconnect
from autopilot.sandbox.sites.ants_compte import ANTS_HOST, SESSION_COOKIE, VEHICLE_SPACE_PATH, login_required
from autopilot.sandbox.sites.immatriculation_demarche import DEMARCHES_PATH, IMMAT_HOST

HOSTS = (IMMAT_HOST,)
IDENTIFICATION_PATH = DEMARCHES_PATH + "/identification-franceconnect"
RETURN_PATH = DEMARCHES_PATH + "/franceconnect/retour"
SITE = "ants-franceconnect"
HOME = (Link("Immatriculation", "Identification de l'usager avec FranceConnect", IMMAT_HOST, IDENTIFICATION_PATH),)

bp = Blueprint("ants_franceconnect", __name__)


def set_required(state: SandboxState, required: bool) -> None:
    """Whether the démarches that name FranceConnect ask for it ([?], True until the next reset)."""
    with state.lock:
        state.site(SITE)["compte_mairie_suffit"] = not required


def is_required(state: SandboxState) -> bool:
    """See `set_required`."""
    with state.lock:
        return not state.site(SITE).get("compte_mairie_suffit", False)


def _sessions(state: SandboxState) -> dict[str, Any]:
    return state.site(SITE).setdefault("identites", {})


class CitizenLogin:
    """What a démarche needing the citizen's FranceConnect login asks of it."""

    def guard(self, view: Callable[..., Any]) -> Callable[..., Any]:
        """Send a session without the citizen's identity to the FranceConnect page first."""

        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            state = current_state()
            with state.lock:
                known = request.cookies.get(SESSION_COOKIE, "") in _sessions(state)
            if is_required(state) and not known:
                return redirect(f"{IDENTIFICATION_PATH}?{urlencode({'next': request.path})}", 303)
            return view(*args, **kwargs)

        return wrapper

    def take(self) -> dict[str, str] | None:
        """The identity of this session's citizen, forgotten here (the démarche is submitted)."""
        state = current_state()
        with state.lock:
            return _sessions(state).pop(request.cookies.get(SESSION_COOKIE, ""), None)


CITIZEN_LOGIN = CitizenLogin()


def _next_path(raw: str) -> str:
    target = same_server_target(raw)
    return target[1] if target and target[0] == IMMAT_HOST else local_url(ANTS_HOST, VEHICLE_SPACE_PATH)


@bp.route(IDENTIFICATION_PATH, host=IMMAT_HOST)
@login_required
def identification() -> str:
    state = current_state()
    token = secrets.token_urlsafe(18)
    with state.lock:  # the state ties FranceConnect's answer to this request (and where to go next)
        state.site(SITE).setdefault("etats", {})[token] = _next_path(request.args.get("next", ""))
    return render_template(
        "immatriculation/franceconnect.html", titre="Connexion FranceConnect de l'usager requise",
        authorize_action=local_url(franceconnect.HOST, franceconnect.AUTHORIZE_PATH),
        redirect_uri=local_url(IMMAT_HOST, RETURN_PATH), state=token,
        espace_url=local_url(ANTS_HOST, VEHICLE_SPACE_PATH),
    )


@bp.route(RETURN_PATH, host=IMMAT_HOST)
@login_required
def back_from_franceconnect() -> Any:
    state = current_state()
    with state.lock:
        next_path = state.site(SITE).setdefault("etats", {}).pop(request.args.get("state", ""), None)
    identity = franceconnect.redeem(request.args.get("code", ""))
    if next_path is None or identity is None:
        abort(400)
    with state.lock:
        _sessions(state)[request.cookies.get(SESSION_COOKIE, "")] = identity
    return redirect(next_path, 303)
