"""The citizen's form of a démarche: shown, checked, read from a scan, then started."""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request, url_for

from autopilot import scans
from autopilot.flows import Flow
from autopilot.ui import form, reading
from autopilot.ui.desk import Busy, Desk
from autopilot.ui.views.common import busy, flow_or_404


def citizen_form(desk: Desk, flow_id: str) -> str:
    """The form of `flow_id`, with what was set aside for it (« Obtenir d'abord »)."""
    flow = flow_or_404(desk, flow_id)
    desk.prepare()  # while the mediator types: the printer of the consent's attestation, launched locally
    return _form_page(desk, flow, desk.visit.take_aside(flow), opened=set())


def submit_form(desk: Desk, flow_id: str) -> Any:
    """The form posted: « Modifier », a scan to read, « Obtenir d'abord », or the démarche to start."""
    flow = flow_or_404(desk, flow_id)
    posted = request.form.to_dict()
    opened = set(request.form.getlist("_modifier"))
    if request.form.get("modifier") in flow.inputs:  # « Modifier »: open it, keep everything typed
        opened.add(request.form["modifier"])
        return _form_page(desk, flow, posted, opened=opened, focus=request.form["modifier"])
    if reading.READ in request.form or reading.TAKE in request.form:  # « Lire un document numérisé »
        return _reading_step(desk, flow, posted, opened)
    via = flow.inputs.get(request.form.get("via", ""))
    if via is not None and via.via is not None and desk.flow(via.via) is not None:
        desk.visit.set_aside(flow, posted)  # « Obtenir d'abord » : the form waits, as typed
        return redirect(url_for("console.citizen_form", flow_id=via.via), 303)
    known = {name: value for name, value in desk.visit.known(flow).items() if name not in opened}
    raw = {s.name: form.raw_value(s, posted) for s in form.sections(flow, scans_folder=desk.scans_folder)
           if s.name not in known}
    values, problems = form.check(flow, {**known, **raw}, scans_folder=desk.scans_folder)
    if problems:
        return _form_page(desk, flow, posted, opened=opened, problems=problems)
    try:
        if not desk.visit.covers(flow):
            desk.await_consent(flow, values)
            return redirect(url_for("console.consent"), 303)
        desk.start(flow, values)
    except Busy:
        return busy()
    return redirect(url_for("console.running"), 303)


def _reading_step(desk: Desk, flow: Flow, posted: dict[str, str], opened: set[str]) -> str:
    """Read the chosen scan and show its proposals; or take the accepted ones into the form."""
    known = {name: value for name, value in desk.visit.known(flow).items() if name not in opened}
    sections = form.sections(flow, scans_folder=desk.scans_folder)
    if reading.TAKE in request.form:
        keys = [item.key for section in sections for item in section.fields]
        filled, taken = reading.take(posted, request.form.getlist(reading.ACCEPTED), keys)
        said = (f"{taken} valeur{'s' if taken > 1 else ''} reprise{'s' if taken > 1 else ''} du document lu :"
                " vérifiez le formulaire avant de commencer." if taken else "Aucune valeur acceptée : rien n'a été repris.")
        return _form_page(desk, flow, filled, opened=opened, read_notice=said)
    shown = reading.read(request.form.get(reading.CHOSEN, ""), sections, known, desk.scans_read)
    filled, _ = reading.take(posted, [], [])
    return _form_page(desk, flow, filled, opened=opened, shown=shown)


def _form_page(desk: Desk, flow: Flow, posted: dict[str, str], *, opened: set[str],
               problems: form.Problems | None = None, focus: str | None = None,
               shown: reading.Shown | None = None, read_notice: str | None = None) -> str:
    known = {name: value for name, value in desk.visit.known(flow).items() if name not in opened}
    sections = [section for section in form.sections(flow, scans_folder=desk.scans_folder)
                if not form.ruled_out(section, known)]
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
        lecture=shown, read_notice=read_notice, scanned=scans.available(desk.scans_folder),
        scans_note=form.scans_missing(desk.scans_folder),
        ocr_missing=reading.ocr_missing(),
        readable=any(reading.targets(sections, known)),
    )
