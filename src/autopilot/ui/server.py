"""The console's local web application: the launcher, the citizen's form, the end of a démarche.

Served on 127.0.0.1 on a free port; every URL starts with an unguessable token, so no other page
or program of the machine can read a form or post to it without it; the Host and Origin of each
request are checked too (DNS rebinding, cross-site posts). Nothing is cached: the pages hold a
citizen's data. The handlers never touch the browser: they change the `Desk` and return.
"""

from __future__ import annotations

import secrets
import threading
from pathlib import Path
from typing import Any, Self

from flask import Blueprint, Flask, Response, abort, redirect, render_template, request, send_file, url_for
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from autopilot.flows import Flow
from autopilot.ui import form
from autopilot.ui.catalogue import search_text
from autopilot.ui.desk import Busy, Desk
from autopilot.ui.visit import Demarche

HERE = Path(__file__).parent


def create_app(desk: Desk, token: str, origin: str) -> Flask:
    """The application for `desk`; `origin` is where it is served (http://127.0.0.1:PORT)."""
    app = Flask(__name__, template_folder=str(HERE / "templates"), static_folder=str(HERE / "static"),
                static_url_path=f"/{token}/static")
    console = Blueprint("console", __name__, url_prefix=f"/{token}")
    host = origin.split("://", 1)[1]

    @app.before_request
    def _same_origin() -> None:
        if request.host != host:
            abort(404)
        if request.method == "POST" and request.headers.get("Origin", origin) != origin:
            abort(403)

    @app.after_request
    def _no_trace(response: Response) -> Response:
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "same-origin"  # "no-referrer" would make the Origin of our posts "null"
        response.headers["X-Content-Type-Options"] = "nosniff"
        if response.mimetype == "text/html":  # not on the PDF: Chrome's viewer would be refused
            response.headers["Content-Security-Policy"] = (
                "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'self'; base-uri 'none'"
            )
        return response

    @app.context_processor
    def _desk() -> dict[str, Any]:
        return {"desk": desk, "visit": desk.visit}

    @console.get("/")
    def launcher() -> str:
        notice, desk.notice = desk.notice, None
        return render_template("launcher.html", catalogue=desk.catalogue, search_text=search_text, notice=notice)

    @console.get("/demarches/<flow_id>")
    def citizen_form(flow_id: str) -> str:
        return _form_page(_flow(flow_id), {}, opened=set())

    @console.post("/demarches/<flow_id>")
    def submit_form(flow_id: str) -> Any:
        flow = _flow(flow_id)
        posted = request.form.to_dict()
        opened = set(request.form.getlist("_modifier"))
        if request.form.get("modifier") in flow.inputs:  # « Modifier »: open it, keep everything typed
            opened.add(request.form["modifier"])
            return _form_page(flow, posted, opened=opened, focus=request.form["modifier"])
        known = {name: value for name, value in desk.visit.known(flow).items() if name not in opened}
        raw = {s.name: form.raw_value(s, posted) for s in form.sections(flow) if s.name not in known}
        values, problems = form.check(flow, {**known, **raw})
        if problems:
            return _form_page(flow, posted, opened=opened, problems=problems)
        try:
            desk.start(flow, values)
        except Busy:
            return _busy()
        return redirect(url_for("console.running"), 303)

    @console.get("/en-cours")
    def running() -> Any:
        demarche = desk.running
        if demarche is None:
            last = desk.visit.demarches[-1] if desk.visit.demarches else None
            return redirect(url_for("console.result", number=last.number) if last else url_for("console.launcher"))
        return render_template("running.html", demarche=demarche)

    @console.get("/resultats/<int:number>")
    def result(number: int) -> str:
        return render_template("result.html", demarche=_demarche(number))

    @console.get("/resultats/<int:number>/recapitulatif.pdf")
    def recapitulatif(number: int) -> Response:
        demarche = _demarche(number)
        if demarche.recapitulatif is None or not demarche.recapitulatif.exists():
            abort(404)
        return send_file(demarche.recapitulatif, mimetype="application/pdf", download_name="recapitulatif.pdf",
                         as_attachment=False, max_age=0)

    @console.post("/resultats/<int:number>/garder")
    def keep(number: int) -> Response:
        desk.keep(_demarche(number))
        return redirect(url_for("console.result", number=number) + "#recapitulatif", 303)

    @console.post("/visite/terminer")
    def end_visit() -> Any:
        try:
            desk.end_visit()
        except Busy:
            return _busy()
        return redirect(url_for("console.launcher"), 303)

    def _flow(flow_id: str) -> Flow:
        flow = desk.flow(flow_id)
        if flow is None:
            abort(404)
        return flow

    def _demarche(number: int) -> Demarche:
        demarche = desk.visit.demarche(number)
        if demarche is None:
            abort(404)
        return demarche

    def _form_page(flow: Flow, posted: dict[str, str], *, opened: set[str], problems: form.Problems | None = None,
                   focus: str | None = None) -> str:
        known = {name: value for name, value in desk.visit.known(flow).items() if name not in opened}
        sections = form.sections(flow)
        values: dict[str, str] = {}
        for section in sections:
            if section.name in known:
                continue
            if any(item.key in posted for item in section.fields):  # as typed, even if wrong
                values.update({item.key: posted.get(item.key, "") for item in section.fields})
            elif section.name in desk.visit.values:  # just opened with « Modifier »
                values.update(form.prefill(section, desk.visit.values[section.name][1]))
            else:
                values.update({item.key: item.default for item in section.fields})
        return render_template(
            "form.html", flow=flow, sections=sections, known=known, opened=sorted(opened), values=values,
            problems=problems or form.Problems(), shown=form.shown, focus=focus,
        )

    def _busy() -> tuple[str, int]:
        return render_template("busy.html"), 409

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
