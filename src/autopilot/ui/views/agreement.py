"""The citizen's agreement (the mandate) before a first démarche, and its signed attestation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Response, abort, redirect, render_template, request, send_file, url_for

from autopilot.errors import AutopilotError
from autopilot.ui.consent import Consent, current_text, french_date
from autopilot.ui.desk import Busy, ConsentNeeded, Desk
from autopilot.ui.views.common import busy
from autopilot.ui.visit import citizen_name


def consent(desk: Desk) -> Any:
    """The agreement's text and its scope, for the démarche waiting to start."""
    if desk.pending is None:
        return redirect(url_for("console.launcher"))
    return _consent_page(desk)


def give_consent(desk: Desk) -> Any:
    """The citizen agrees (the démarche starts, the attestation is saved) or refuses."""
    if desk.pending is None:
        return redirect(url_for("console.launcher"), 303)
    try:
        if request.form.get("accord") != "oui":
            ended = desk.refuse()
            return redirect(url_for("console.visit_ended" if ended and desk.window else "console.launcher"), 303)
        try:
            agreed = desk.agree(request.form.getlist("perimetre"))
        except AutopilotError as error:  # the journal cannot be written: nothing is agreed, nothing starts
            return _consent_page(desk, problem=error), 503
        try:
            desk.attach_attestation(agreed, _attestation(desk, agreed))
        except OSError as error:  # the visit's folder: the agreement stands, only its printable copy is missing
            desk.notice = f"L'attestation n'a pas pu être enregistrée ({error.strerror or error})."
        desk.start_pending()
    except Busy:
        return busy()
    except ConsentNeeded:
        return redirect(url_for("console.launcher"), 303)
    return redirect(url_for("console.running"), 303)


def attestation(desk: Desk) -> Response:
    """The signed attestation's PDF."""
    agreed = desk.visit.consent
    if agreed is None or agreed.attestation is None or not agreed.attestation.exists():
        abort(404)
    return send_file(agreed.attestation, mimetype="application/pdf", download_name="attestation.pdf",
                     as_attachment=False, max_age=0)


def _consent_page(desk: Desk, problem: AutopilotError | None = None) -> str:
    flow, _ = desk.pending
    fixed, _ = desk.scope_offered()
    return render_template("consent.html", flow=flow, text=current_text(), fixed=fixed,
                           categories=desk.catalogue, problem=problem,
                           agreed=desk.visit.consent.scope if desk.visit.consent else (),
                           **_text_values(desk))


def _attestation(desk: Desk, agreed: Consent) -> str:
    """The attestation as a standalone document, for the PDF: the text with the démarches and signatures."""
    values = {name: value for name, (_, value) in desk.visit.values.items()}
    if desk.pending is not None:
        values.update(desk.pending[1])
    return render_template("attestation.html", consent=agreed, **_text_values(
        desk, attestation=True, perimetre=[c for c in desk.catalogue if c.name in agreed.scope],
        usager=citizen_name(values)))


def _text_values(desk: Desk, **given: Any) -> dict[str, Any]:
    """What the agreement's text (templates/mandat/…) is rendered with."""
    return {"mairie": desk.mairie, "mediateur": desk.mediateur, "attestation": False,
            "conservation_mois": desk.retention_months, "initiales": desk.initials,
            "date": french_date(datetime.now()), "perimetre": None, "usager": None, **given}
