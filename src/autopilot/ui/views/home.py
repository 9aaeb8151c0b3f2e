"""The launcher (the catalogue of démarches) and the end of a visit."""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request, url_for

from autopilot.ui.catalogue import month_line, search_text
from autopilot.ui.desk import Busy, Desk
from autopilot.ui.views.common import busy


def launcher(desk: Desk) -> str:
    """The catalogue, with the notice left by the last action (shown once)."""
    notice, desk.notice = desk.notice, None
    counts = desk.month_counts()
    return render_template("launcher.html", catalogue=desk.catalogue, search_text=search_text, notice=notice,
                           month=lambda flow: month_line(counts.get(flow.id)))


def visit_ended(desk: Desk) -> str:
    """The page left in the old window once a visit is over."""
    return render_template("ended.html")


def end_visit(desk: Desk) -> Any:
    """« Terminer la visite », once confirmed: forget the citizen's data, keep the scans ticked."""
    keep = request.form.getlist("garder") if "numerisations" in request.form else None
    if request.form.get("confirme") != "oui":  # the first click asks the second
        if desk.running is not None:
            return busy()
        last = desk.visit.demarches[-1] if desk.visit.demarches else None
        back = url_for("console.result", number=last.number) if last else url_for("console.launcher")
        return render_template("end_confirm.html", keep=keep, back=back)
    try:
        desk.end_visit(keep_scans=keep)
    except Busy:
        return busy()
    # With a browser, the launcher opens in a fresh context (the notice goes there); this page is closed.
    return redirect(url_for("console.visit_ended" if desk.window else "console.launcher"), 303)
