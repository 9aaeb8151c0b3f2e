"""The console's local web application: the launcher, the citizen's form, the end of a démarche.

Served on 127.0.0.1 on a free port; every URL starts with an unguessable token, so no other page
or program of the machine can read a form or post to it without it; the Host and Origin of each
request are checked too (DNS rebinding, cross-site posts). Nothing is cached: the pages hold a
citizen's data. The handlers never touch the browser: they change the `Desk` and return.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Self

from flask import Blueprint, Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from autopilot.engine.panel_state import result_kind
from autopilot.ui.desk import Desk
from autopilot.ui.views import agreement, citizen, home, results
from autopilot.ui.views.guard import no_trace, same_origin

HERE = Path(__file__).parent


@dataclass(frozen=True)
class Route:
    """One URL of the console (after its token): the view answering it, called with the `Desk` first."""

    rule: str
    view: Callable[..., Any]
    method: str = "GET"

    @property
    def endpoint(self) -> str:
        return self.view.__name__


ROUTES: tuple[Route, ...] = (
    Route("/", home.launcher),
    Route("/demarches/<flow_id>", citizen.citizen_form),
    Route("/demarches/<flow_id>", citizen.submit_form, "POST"),
    Route("/accord", agreement.consent),
    Route("/accord", agreement.give_consent, "POST"),
    Route("/accord/attestation.pdf", agreement.attestation),
    Route("/en-cours", results.running),
    Route("/resultats/<int:number>", results.result),
    Route("/resultats/<int:number>/recapitulatif.pdf", results.recapitulatif),
    Route("/resultats/<int:number>/fichiers/<int:index>", results.download),
    Route("/resultats/<int:number>/garder", results.keep, "POST"),
    Route("/visite/terminer", home.end_visit, "POST"),
    Route("/visite/terminee", home.visit_ended),
)


def create_app(desk: Desk, token: str, origin: str) -> Flask:
    """The application for `desk`; `origin` is where it is served (http://127.0.0.1:PORT)."""
    app = Flask(__name__, template_folder=str(HERE / "templates"), static_folder=str(HERE / "static"),
                static_url_path=f"/{token}/static")
    console = Blueprint("console", __name__, url_prefix=f"/{token}")
    for route in ROUTES:
        console.add_url_rule(route.rule, route.endpoint, partial(route.view, desk), methods=[route.method])
    app.before_request(partial(same_origin, origin))
    app.after_request(no_trace)
    app.context_processor(lambda: {"desk": desk, "visit": desk.visit})
    app.add_template_filter(result_kind)  # a reference to note, or a sentence (engine/panel_state.py)
    app.register_blueprint(console)
    return app


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """URLs carry the token and nothing else should be printed: no request log."""


class LocalServer:
    """The console's application served from a daemon thread on 127.0.0.1, on a free port."""

    def __init__(self, desk: Desk) -> None:
        self.token = secrets.token_urlsafe(24)
        self._server: BaseWSGIServer = make_server("127.0.0.1", 0, Flask(__name__), threaded=True,
                                                   request_handler=_QuietHandler)
        self.origin = f"http://127.0.0.1:{self._server.server_port}"
        self._server.app = create_app(desk, self.token, self.origin)
        self._thread = threading.Thread(target=self._server.serve_forever, name="autopilot-console", daemon=True)

    def url(self, path: str = "/") -> str:
        """The full URL of a console page, token included."""
        return f"{self.origin}/{self.token}{path}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
