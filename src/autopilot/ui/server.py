"""The console's local web application: the launcher, the citizen's form, the end of a démarche.

Served on 127.0.0.1 on a free port; every URL starts with an unguessable token, so no other page
or program of the machine can read a form or post to it without it; the Host and Origin of each
request are checked too (DNS rebinding, cross-site posts). Nothing is cached: the pages hold a
citizen's data. The handlers never touch the browser: they change the `Desk` and return.
"""

from __future__ import annotations

import secrets
import threading
from datetime import datetime
from pathlib import Path
from typing import Any, Self

from flask import Blueprint, Flask, Response, abort, redirect, render_template, request, send_file, url_for
from playwright.sync_api import Error as PlaywrightError
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from autopilot import scans
from autopilot.errors import AutopilotError
from autopilot.flows import Flow
from autopilot.ui import form, reading
from autopilot.ui.catalogue import month_line, search_text
from autopilot.ui.consent import Consent, current_text, french_date
from autopilot.ui.desk import Busy, ConsentNeeded, Desk
from autopilot.ui.visit import Demarche, citizen_name

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
        if request.endpoint == "console.download" and response.mimetype != "application/pdf":
            response.headers["Content-Security-Policy"] = "sandbox"  # a site's file never runs as the console
        elif response.mimetype == "text/html":  # not on the PDF: Chrome's viewer would be refused
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
        counts = desk.month_counts()
        return render_template("launcher.html", catalogue=desk.catalogue, search_text=search_text, notice=notice,
                               month=lambda flow: month_line(counts.get(flow.id)))

    @console.get("/demarches/<flow_id>")
    def citizen_form(flow_id: str) -> str:
        flow = _flow(flow_id)
        return _form_page(flow, desk.visit.take_aside(flow), opened=set())

    @console.post("/demarches/<flow_id>")
    def submit_form(flow_id: str) -> Any:
        flow = _flow(flow_id)
        posted = request.form.to_dict()
        opened = set(request.form.getlist("_modifier"))
        if request.form.get("modifier") in flow.inputs:  # « Modifier »: open it, keep everything typed
            opened.add(request.form["modifier"])
            return _form_page(flow, posted, opened=opened, focus=request.form["modifier"])
        if reading.READ in request.form or reading.TAKE in request.form:  # « Lire un document numérisé »
            return _reading_step(flow, posted, opened)
        via = flow.inputs.get(request.form.get("via", ""))
        if via is not None and via.via is not None and desk.flow(via.via) is not None:
            desk.visit.set_aside(flow, posted)  # « Obtenir d'abord » : the form waits, as typed
            return redirect(url_for("console.citizen_form", flow_id=via.via), 303)
        known = {name: value for name, value in desk.visit.known(flow).items() if name not in opened}
        raw = {s.name: form.raw_value(s, posted) for s in form.sections(flow, scans_folder=desk.scans_folder) if s.name not in known}
        values, problems = form.check(flow, {**known, **raw}, scans_folder=desk.scans_folder)
        if problems:
            return _form_page(flow, posted, opened=opened, problems=problems)
        try:
            if not desk.visit.covers(flow):
                desk.await_consent(flow, values)
                return redirect(url_for("console.consent"), 303)
            desk.start(flow, values)
        except Busy:
            return _busy()
        return redirect(url_for("console.running"), 303)

    @console.get("/accord")
    def consent() -> Any:
        if desk.pending is None:
            return redirect(url_for("console.launcher"))
        return _consent_page()

    @console.post("/accord")
    def give_consent() -> Any:
        if desk.pending is None:
            return redirect(url_for("console.launcher"), 303)
        try:
            if request.form.get("accord") != "oui":
                ended = desk.refuse()
                return redirect(url_for("console.visit_ended" if ended and desk.window else "console.launcher"), 303)
            try:
                consent = desk.agree(request.form.getlist("perimetre"))
            except AutopilotError as error:  # the journal cannot be written: nothing is agreed, nothing starts
                return _consent_page(problem=error), 503
            try:
                desk.attach_attestation(consent, _attestation(consent))
            except (AutopilotError, PlaywrightError, TimeoutError, OSError) as error:  # the agreement stands: go on
                desk.notice = f"L'attestation n'a pas pu être enregistrée ({str(error).splitlines()[0][:120]})."
            desk.start_pending()
        except Busy:
            return _busy()
        except ConsentNeeded:
            return redirect(url_for("console.launcher"), 303)
        return redirect(url_for("console.running"), 303)

    @console.get("/accord/attestation.pdf")
    def attestation() -> Response:
        consent = desk.visit.consent
        if consent is None or consent.attestation is None or not consent.attestation.exists():
            abort(404)
        return send_file(consent.attestation, mimetype="application/pdf", download_name="attestation.pdf",
                         as_attachment=False, max_age=0)

    @console.get("/visite/terminee")
    def visit_ended() -> str:
        return render_template("ended.html")

    @console.get("/en-cours")
    def running() -> Any:
        demarche = desk.running
        if demarche is None:
            last = desk.visit.demarches[-1] if desk.visit.demarches else None
            return redirect(url_for("console.result", number=last.number) if last else url_for("console.launcher"))
        return render_template("running.html", demarche=demarche)

    @console.get("/resultats/<int:number>")
    def result(number: int) -> str:
        aside = desk.visit.aside
        return render_template("result.html", demarche=_demarche(number),
                               waiting=desk.flow(aside[0]) if aside is not None else None)

    @console.get("/resultats/<int:number>/recapitulatif.pdf")
    def recapitulatif(number: int) -> Response:
        demarche = _demarche(number)
        if demarche.recapitulatif is None or not demarche.recapitulatif.exists():
            abort(404)
        return send_file(demarche.recapitulatif, mimetype="application/pdf", download_name="recapitulatif.pdf",
                         as_attachment=False, max_age=0)

    @console.get("/resultats/<int:number>/fichiers/<int:index>")
    def download(number: int, index: int) -> Response:
        demarche = _demarche(number)
        if not 0 < index <= len(demarche.downloads) or not demarche.downloads[index - 1].exists():
            abort(404)
        path = demarche.downloads[index - 1]
        return send_file(path, download_name=path.name, as_attachment=False, max_age=0)

    @console.post("/resultats/<int:number>/garder")
    def keep(number: int) -> Response:
        desk.keep(_demarche(number))
        return redirect(url_for("console.result", number=number) + "#recapitulatif", 303)

    @console.post("/visite/terminer")
    def end_visit() -> Any:
        try:
            keep = request.form.getlist("garder") if "numerisations" in request.form else None
            desk.end_visit(keep_scans=keep)
        except Busy:
            return _busy()
        # With a browser, the launcher opens in a fresh context (the notice goes there); this page is closed.
        return redirect(url_for("console.visit_ended" if desk.window else "console.launcher"), 303)

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

    def _reading_step(flow: Flow, posted: dict[str, str], opened: set[str]) -> str:
        """Read the chosen scan and show its proposals; or take the accepted ones into the form."""
        known = {name: value for name, value in desk.visit.known(flow).items() if name not in opened}
        sections = form.sections(flow, scans_folder=desk.scans_folder)
        if reading.TAKE in request.form:
            keys = [item.key for section in sections for item in section.fields]
            filled, taken = reading.take(posted, request.form.getlist(reading.ACCEPTED), keys)
            said = (f"{taken} valeur{'s' if taken > 1 else ''} reprise{'s' if taken > 1 else ''} du document lu :"
                    " vérifiez le formulaire avant de commencer." if taken else "Aucune valeur acceptée : rien n'a été repris.")
            return _form_page(flow, filled, opened=opened, read_notice=said)
        shown = reading.read(request.form.get(reading.CHOSEN, ""), sections, known, desk.scans_read)
        filled, _ = reading.take(posted, [], [])
        return _form_page(flow, filled, opened=opened, shown=shown)

    def _form_page(flow: Flow, posted: dict[str, str], *, opened: set[str], problems: form.Problems | None = None,
                   focus: str | None = None, shown: reading.Shown | None = None,
                   read_notice: str | None = None) -> str:
        known = {name: value for name, value in desk.visit.known(flow).items() if name not in opened}
        sections = [section for section in form.sections(flow, scans_folder=desk.scans_folder) if not form.ruled_out(section, known)]
        values: dict[str, str] = {}
        for section in sections:
            if section.name in known:
                continue
            if any(item.key in posted for item in section.fields):  # as typed, even if wrong
                values.update({item.key: posted.get(item.key, "") for item in section.fields})
            elif section.name in opened and section.name in desk.visit.values:  # just opened with « Modifier »
                values.update(form.prefill(section, desk.visit.values[section.name][1]))
            else:
                values.update({item.key: item.default for item in section.fields})
        givers = {name: desk.flow(spec.via) for name, spec in flow.inputs.items() if spec.via}
        return render_template(
            "form.html", flow=flow, sections=sections, known=known, opened=sorted(opened), values=values,
            problems=problems or form.Problems(), shown=form.shown, focus=focus,
            via={name: giver for name, giver in givers.items() if giver is not None},
            obtained={name: found[1].title for name, spec in flow.inputs.items()
                      if name in known and (found := desk.visit.obtained(spec)) is not None},
            lecture=shown, read_notice=read_notice, scanned=scans.available(desk.scans_folder), ocr_missing=reading.ocr_missing(),
            readable=any(reading.targets(sections, known)),
        )

    def _consent_page(problem: AutopilotError | None = None) -> str:
        flow, _ = desk.pending
        fixed, _ = desk.scope_offered()
        return render_template("consent.html", flow=flow, text=current_text(), fixed=fixed,
                               categories=desk.catalogue, problem=problem,
                               agreed=desk.visit.consent.scope if desk.visit.consent else (),
                               **_text_values())

    def _attestation(consent: Consent) -> str:
        """The attestation as a standalone document, for the PDF: the text with the démarches and signatures."""
        values = {name: value for name, (_, value) in desk.visit.values.items()}
        if desk.pending is not None:
            values.update(desk.pending[1])
        return render_template("attestation.html", consent=consent, **_text_values(
            attestation=True, perimetre=[c for c in desk.catalogue if c.name in consent.scope],
            usager=citizen_name(values)))

    def _text_values(**given: Any) -> dict[str, Any]:
        """What the agreement's text (templates/mandat/…) is rendered with."""
        return {"mairie": desk.mairie, "mediateur": desk.mediateur, "attestation": False,
                "conservation_mois": desk.retention_months, "initiales": desk.initials,
                "date": french_date(datetime.now()), "perimetre": None, "usager": None, **given}

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
