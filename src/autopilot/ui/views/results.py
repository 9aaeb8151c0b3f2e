"""A démarche running, then its result: the outputs, the récapitulatif, the site's files."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, redirect, render_template, send_file, url_for

from autopilot.ui.desk import Desk
from autopilot.ui.views.common import demarche_or_404


def running(desk: Desk) -> Any:
    """The page shown while the browser runs a démarche; the last result once none runs."""
    demarche = desk.running
    if demarche is None:
        last = desk.visit.demarches[-1] if desk.visit.demarches else None
        return redirect(url_for("console.result", number=last.number) if last else url_for("console.launcher"))
    return render_template("running.html", demarche=demarche)


def result(desk: Desk, number: int) -> str:
    """The end of démarche `number`: what it obtained, what to print."""
    aside = desk.visit.aside
    return render_template("result.html", demarche=demarche_or_404(desk, number),
                           waiting=desk.flow(aside[0]) if aside is not None else None)


def recapitulatif(desk: Desk, number: int) -> Response:
    """The récapitulatif PDF of démarche `number`."""
    demarche = demarche_or_404(desk, number)
    if demarche.recapitulatif is None or not demarche.recapitulatif.exists():
        abort(404)
    return send_file(demarche.recapitulatif, mimetype="application/pdf", download_name="recapitulatif.pdf",
                     as_attachment=False, max_age=0)


def download(desk: Desk, number: int, index: int) -> Response:
    """The `index`-th file (1-based) the site gave during démarche `number`."""
    demarche = demarche_or_404(desk, number)
    if not 0 < index <= len(demarche.downloads) or not demarche.downloads[index - 1].exists():
        abort(404)
    path = demarche.downloads[index - 1]
    return send_file(path, download_name=path.name, as_attachment=False, max_age=0)


def keep(desk: Desk, number: int) -> Response:
    """The mediator keeps the récapitulatif of démarche `number` after the visit."""
    desk.keep(demarche_or_404(desk, number))
    return redirect(url_for("console.result", number=number) + "#recapitulatif", 303)
