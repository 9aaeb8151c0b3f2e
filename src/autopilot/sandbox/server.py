"""The sandbox server: one Flask application for every replicated site, dispatching on the Host.

`Sandbox().start()` serves it from a daemon thread on 127.0.0.1 with werkzeug's threaded
server. A real URL `https://HOST/path` is served at `http://HOST.localhost:PORT/path`
(`Sandbox.url`); the training home page is `http://localhost:PORT/`.

Replicas (`replicas.REPLICAS`, `kit.replica.Replica` records): the ANTS account (`ants_compte`) and
its suivi (`ants_suivi`), the passport and CNI pré-demandes (`ants_passeport`, `ants_cni`, both
served by `predemande`), the driving licence (`ants_permis`, `ants_permis_suivi`, `resultats_permis`,
`telepoints`), the vehicle registration (`ants_immatriculation`, `ants_immatriculation_titulaire`,
`ants_habilitation`, `histovec`, `simulateur_cout`) and the timbres fiscaux (`timbres_impots`,
`timbres_remboursement`, `timbre_justice`), under `sites/`; their shared machinery is in `kit/`.
Not a replica, but served the same way: the training démarche of `exercices` (what real forms do
that the replicas do not), which wears the sandbox's own header.
"""

from __future__ import annotations

import secrets
import threading
from datetime import date
from pathlib import Path
from typing import Any, Literal

from flask import Flask, Response, abort, render_template, send_from_directory
from werkzeug.exceptions import HTTPException
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from autopilot.sandbox import control
from autopilot.sandbox.kit import dsfr
from autopilot.sandbox.kit.demandes import new_demande
from autopilot.sandbox.kit.faults import SERVER_ERROR_TITLE, Faults, apply_request_faults, move_fields
from autopilot.sandbox.kit.hosts import (
    CONTROL_HOST,
    HostRewrite,
    local_url,
    real_host,
    to_local,
)
from autopilot.sandbox.kit.state import EXTENSION_KEY, SandboxState, current_state
from autopilot.sandbox.replicas import REPLICAS
from autopilot.sandbox.sites import ants_compte, ants_franceconnect

STATIC_DIR = Path(__file__).parent / "static"
SITE_HOSTS = tuple(dict.fromkeys(host for replica in REPLICAS for host in replica.hosts))
# The header of the hosts that are not ANTS sites (the ANTS ones share `_ANTS_SERVICE`).
_OTHER_SERVICES: dict[str, dict[str, Any]] = {
    host: {"official": True, **service} for replica in REPLICAS for host, service in replica.services.items()
}

_ANTS_SERVICE = {
    "name": "ANTS - Agence Nationale des Titres Sécurisés",
    "tagline": "Site officiel de l'Agence nationale des titres sécurisés - France Titres",
    "official": True,  # the replicas wear the State's header; the sandbox's own pages do not
}
_SANDBOX_SERVICE = {
    "name": "Bac à sable autopilot",
    "tagline": "Formation des médiateurs numériques",
    "official": False,
}


def _is_ants(host: str) -> bool:
    """A replicated ANTS site (the exercises' host is not one: it wears its own header)."""
    return host not in _OTHER_SERVICES and (
        host == ants_compte.ANTS_HOST or host.endswith("." + ants_compte.ANTS_HOST))


def _service(host: str, ants: bool) -> dict[str, Any]:
    if ants:
        return _ANTS_SERVICE
    return _OTHER_SERVICES.get(host, _SANDBOX_SERVICE)


def _service_home(host: str, ants: bool) -> str:
    """Where the header's service name leads: the site's home, or the sandbox's for a page of its own."""
    if ants:
        return local_url(ants_compte.ANTS_HOST, ants_compte.SPACE_PATH)
    service = _OTHER_SERVICES.get(host)
    if service and service["official"]:
        return local_url(host, service.get("home", "/"))
    return local_url(CONTROL_HOST)


def _template_context() -> dict[str, Any]:
    state, host = current_state(), real_host()
    ants = _is_ants(host)
    duplicated = state.faults.duplicate_label
    return {
        "faults": state.faults,
        "copies": lambda label: ("", "_bis") if label in duplicated else ("",),
        "compte": ants_compte.current_account() if ants else None,
        "logout_url": local_url(ants_compte.ANTS_HOST, ants_compte.LOGOUT_PATH),
        "service": {**_service(host, ants), "home": _service_home(host, ants)},
        "values": {},
        "errors": {},
        "dsfr_official": dsfr.dist_dir() is not None,
    }


def _static(filename: str) -> Response:
    return send_from_directory(STATIC_DIR, filename)


def _official_dsfr(filename: str) -> Response:
    folder = dsfr.dist_dir()
    if folder is None:
        abort(404)
    return send_from_directory(folder, filename, max_age=3600)


def _error_page(exc: HTTPException) -> tuple[str, int]:
    if exc.code == 404:
        return render_template("error.html", titre="Page non trouvée", code=404), 404
    if exc.code == 405:
        return render_template("error.html", titre="Page non trouvée", code=405), 405
    return render_template("error.html", titre=SERVER_ERROR_TITLE, code=exc.code or 500), exc.code or 500


def _no_store(response: Response) -> Response:
    # Site pages hold a citizen's data and must not be replayed from the cache by "Précédent".
    if real_host() != CONTROL_HOST and response.mimetype == "text/html":
        response.headers["Cache-Control"] = "no-store"
    return response


def create_app(state: SandboxState) -> Flask:
    """The Flask application serving every replica from `state`."""
    app = Flask(__name__, host_matching=True, static_folder=None)
    app.extensions[EXTENSION_KEY] = state
    app.wsgi_app = HostRewrite(app.wsgi_app)  # type: ignore[method-assign]
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    for blueprint in (control.bp, *(replica.blueprint for replica in REPLICAS if replica.blueprint)):
        app.register_blueprint(blueprint)
    for host in (CONTROL_HOST, *SITE_HOSTS):
        app.add_url_rule("/static/<path:filename>", f"static:{host}", _static, host=host)
        app.add_url_rule("/static/dsfr/<path:filename>", f"dsfr:{host}", _official_dsfr, host=host)
    app.before_request(lambda: apply_request_faults(state.faults))
    app.after_request(_no_store)
    app.after_request(move_fields)
    app.context_processor(_template_context)
    app.register_error_handler(HTTPException, _error_page)
    return app


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """No access log: tests and training sessions would drown in it."""


class Sandbox:
    """The local replicas of the teleservices, for training and for the tests."""

    def __init__(self, port: int = 0, *, otp: bool = False) -> None:
        self._state = SandboxState(otp=otp, token=secrets.token_urlsafe(18))
        self._app = create_app(self._state)
        self._requested_port = port
        self.port = port
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def faults(self) -> Faults:
        """The fault knobs, mutable in place."""
        return self._state.faults

    @property
    def otp(self) -> bool:
        """Whether a new browser must type a one-time code sent to the mailbox."""
        return self._state.otp

    @otp.setter
    def otp(self, value: bool) -> None:
        self._state.otp = value

    def start(self) -> Sandbox:
        """Serve on 127.0.0.1 from a daemon thread; ready when this returns."""
        if self._server is not None:
            raise RuntimeError("the sandbox is already started")
        dsfr.tell_if_missing()
        self._server = make_server(
            "127.0.0.1", self._requested_port, self._app, threaded=True, request_handler=_QuietHandler
        )
        self.port = self._server.server_port
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
            name=f"sandbox:{self.port}", daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def url(self, real_url: str) -> str:
        """The local URL serving a real teleservice URL."""
        if not self.port:
            raise RuntimeError("the sandbox is not started: its port is not known yet")
        return to_local(real_url, self.port)

    @property
    def home_url(self) -> str:
        """The training home page."""
        return f"http://{CONTROL_HOST}:{self.port}/"

    @property
    def token(self) -> str:
        """The secret this sandbox proves it knows (`control.proof`), drawn at construction."""
        return self._state.token

    @property
    def address(self) -> str:
        """What to give `--sandbox-url`: the home page with the token, which the browser never sends."""
        return f"{self.home_url}#jeton={self.token}"

    def received(self, kind: str | None = None) -> list[dict[str, Any]]:
        """What the administration received, oldest first (deep copies)."""
        return self._state.received(kind)

    def open_sessions(self) -> list[str]:
        """The accounts whose session is still open on the sites (a login not logged out)."""
        return self._state.open_sessions()

    def mailbox(self) -> list[dict[str, Any]]:
        """Messages sent to the mandataire mailbox, newest last."""
        return self._state.mailbox()

    def sms(self) -> list[dict[str, Any]]:
        """Text messages sent to mobile numbers (a citizen's phone), newest last."""
        return self._state.sms()

    @property
    def franceconnect_required(self) -> bool:
        """Whether the vehicle démarches F19211/F16876 name ask for the citizen's FranceConnect login
        besides the mairie's account (docs/teleservices.md §9.4 [?]); True until the next `reset()`."""
        return ants_franceconnect.is_required(self._state)

    @franceconnect_required.setter
    def franceconnect_required(self, value: bool) -> None:
        ants_franceconnect.set_required(self._state, value)

    def add_account(self, identifiant: str, mot_de_passe: str) -> None:
        """Let another account log in (besides DEMO_ACCOUNT) until the next `reset()`."""
        self._state.add_account(identifiant, mot_de_passe)

    @property
    def today(self) -> date:
        """The date the sites take for today (timbre price by age, date checks, card expiry).

        Set a `date` to pretend, until the next `reset()`; set None to go back to the real date.
        """
        return self._state.today()

    @today.setter
    def today(self, day: date | None) -> None:
        self._state.set_today(day)

    def add_demande(
        self, numero: str, titre: Literal["passeport", "cni"], statut: str,
        historique: list[tuple[str, str]] | None = None,
    ) -> None:
        """Let the suivi find a demande (or replace the one with this number) until the next `reset()`.

        `statut` is one of `demandes.STATUTS`; `historique` lists `(statut, "AAAA-MM-JJ")` oldest
        first, ending with `statut`; without it, every status up to `statut` is dated back from
        today. Raises ValueError on anything else.
        """
        self._state.put_demande(new_demande(numero, titre, statut, historique, self._state.today()))

    def demandes(self) -> list[dict[str, Any]]:
        """The demandes the suivi knows (the seeded ones first), as deep copies."""
        return self._state.demandes()

    def reset(self) -> None:
        """Forget records, mails, sessions, drafts, lockouts, added accounts and demandes; no faults;
        the real date; `otp` as constructed."""
        self._state.reset()
