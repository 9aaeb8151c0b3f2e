"""What several views share: a flow or démarche looked up by its URL, the « busy » answer."""

from __future__ import annotations

from flask import abort, render_template

from autopilot.flows import Flow
from autopilot.ui.desk import Desk
from autopilot.ui.visit import Attempt


def flow_or_404(desk: Desk, flow_id: str) -> Flow:
    """The catalogue's flow `flow_id`; a 404 if the console does not offer it."""
    flow = desk.flow(flow_id)
    if flow is None:
        abort(404)
    return flow


def demarche_or_404(desk: Desk, number: int) -> Attempt:
    """The visit's démarche `number`; a 404 if there is none."""
    demarche = desk.visit.demarche(number)
    if demarche is None:
        abort(404)
    return demarche


def busy() -> tuple[str, int]:
    """The page said when a démarche is already running."""
    return render_template("busy.html"), 409
