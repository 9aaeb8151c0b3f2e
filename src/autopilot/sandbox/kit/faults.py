"""Fault knobs: the ways the replicas can misbehave on purpose, for the reliability tests.

The knobs are generic. Latency and server errors are applied to every request on a site host
(`apply_request_faults`); relabelled and duplicated labels and added fields are applied by the shared field macros
(`templates/fields.html`), which also mark a moved field (put at the end of its form by `move_fields`)
and show a split field as three inputs (joined back into one value by `apply_request_faults`, so the
replica receives what it always did) and a new required field (a page posted without it is refused
there); expired sessions are checked by `state.SandboxState`, which also
expires them right after a recorded submission when `expire_after_submission` is on. No page and no test
is special-cased.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

from flask import Response, render_template, request
from werkzeug.datastructures import ImmutableMultiDict

from autopilot.sandbox.kit.hosts import CONTROL_HOST, real_host

SERVER_ERROR_TITLE = "Service momentanément indisponible"
# What a moved field's macro output is wrapped in, until `move_fields` puts it at the end of its form.
MOVED_START, MOVED_END = "<!--champ-deplace-->", "<!--/champ-deplace-->"
MOVED_LEGEND = "Informations complémentaires"
# The three inputs a split field becomes, as DSFR's date fieldset names them (docs/teleservices.md §9.11).
SPLIT_PARTS = (("jour", "Jour", "Exemple : 14", "bday-day"), ("mois", "Mois", "Exemple : 12", "bday-month"),
               ("annee", "Année", "Exemple : 1984", "bday-year"))
REQUIRED_SUFFIX = "_requis"


@dataclass
class Faults:
    """Mutable fault knobs; `Sandbox.reset()` puts them back to these defaults."""

    latency_ms: int = 0
    relabel: dict[str, str] = field(default_factory=dict)
    duplicate_label: set[str] = field(default_factory=set)
    # A new optional text field shown right after the field of a label: {label: new field's label}.
    add_after: dict[str, str] = field(default_factory=dict)
    # The same, but the new field is required: a page posted without it is refused.
    required_after: dict[str, str] = field(default_factory=dict)
    # Fields (by label) shown at the end of their form, in a fieldset of their own.
    move: set[str] = field(default_factory=set)
    # Text fields (by label) shown as three inputs Jour / Mois / Année under the label as a legend.
    split: set[str] = field(default_factory=set)
    server_error_paths: set[str] = field(default_factory=set)
    # Seconds a replica's data API (HistoVec's report) waits before answering: its page shows a loader.
    data_delay_s: float = 0.0
    # How many times expire_sessions() was called: a session opened before the last call is dead.
    session_generation: int = 0
    # Expire every session as the next submission is recorded: its confirmation asks for the login.
    expire_after_submission: bool = False

    def expire_sessions(self) -> None:
        """Invalidate every logged-in session from now on (drafts are kept)."""
        self.session_generation += 1

    def submitted(self) -> None:
        """A submission was just recorded: expire the sessions if the knob says so (once)."""
        if self.expire_after_submission:
            self.expire_after_submission = False
            self.expire_sessions()

    def clear(self) -> None:
        """Back to no fault at all, in place (holders of this object see the change)."""
        self.latency_ms = 0
        self.relabel.clear()
        self.duplicate_label.clear()
        self.add_after.clear()
        self.required_after.clear()
        self.move.clear()
        self.split.clear()
        self.server_error_paths.clear()
        self.expire_after_submission = False
        self.data_delay_s = 0.0

    @property
    def split_parts(self) -> tuple[tuple[str, str, str, str], ...]:
        """The inputs a split field becomes: (suffix of its name, label, hint, autocomplete for a birth date)."""
        return SPLIT_PARTS

    def label(self, label: str) -> str:
        """The label text as the page shows it, after a possible renaming."""
        return self.relabel.get(label, label)

    def update(self, changes: dict[str, Any]) -> None:
        """Apply a JSON body of `POST /_sandbox/faults`; unknown keys are refused."""
        unknown = set(changes) - {
            "latency_ms", "relabel", "duplicate_label", "add_after", "required_after", "move", "split",
            "server_error_paths", "expire_sessions",
            "expire_after_submission",
            "data_delay_s",
        }
        if unknown:
            raise ValueError(f"unknown fault knob(s): {', '.join(sorted(unknown))}")
        if "latency_ms" in changes:
            self.latency_ms = int(changes["latency_ms"])
        if "relabel" in changes:
            self.relabel = {str(k): str(v) for k, v in dict(changes["relabel"]).items()}
        if "duplicate_label" in changes:
            self.duplicate_label = {str(v) for v in changes["duplicate_label"]}
        if "add_after" in changes:
            self.add_after = {str(k): str(v) for k, v in dict(changes["add_after"]).items()}
        if "required_after" in changes:
            self.required_after = {str(k): str(v) for k, v in dict(changes["required_after"]).items()}
        if "move" in changes:
            self.move = {str(v) for v in changes["move"]}
        if "split" in changes:
            self.split = {str(v) for v in changes["split"]}
        if "server_error_paths" in changes:
            self.server_error_paths = {str(v) for v in changes["server_error_paths"]}
        if "data_delay_s" in changes:
            self.data_delay_s = float(changes["data_delay_s"])
        if changes.get("expire_sessions"):
            self.expire_sessions()
        if "expire_after_submission" in changes:
            self.expire_after_submission = bool(changes["expire_after_submission"])

    def to_json(self) -> dict[str, Any]:
        """The knobs as JSON-friendly values."""
        return {
            "latency_ms": self.latency_ms,
            "relabel": dict(self.relabel),
            "duplicate_label": sorted(self.duplicate_label),
            "add_after": dict(self.add_after),
            "required_after": dict(self.required_after),
            "move": sorted(self.move),
            "split": sorted(self.split),
            "server_error_paths": sorted(self.server_error_paths),
            "data_delay_s": self.data_delay_s,
            "session_generation": self.session_generation,
            "expire_after_submission": self.expire_after_submission,
        }


def apply_request_faults(faults: Faults) -> tuple[str, int] | None:
    """Delay and break a site request as the knobs say (the control host is never affected)."""
    if real_host() == CONTROL_HOST:
        return None
    if faults.latency_ms > 0:
        time.sleep(faults.latency_ms / 1000)
    if request.path in faults.server_error_paths:
        return render_template("error.html", titre=SERVER_ERROR_TITLE, code=500), 500
    if request.method == "POST" and (faults.split or faults.required_after):
        form = request.form.copy()
        if faults.required_after and any(k.endswith(REQUIRED_SUFFIX) and not v.strip() for k, v in form.items()):
            return render_template("error.html", titre="Formulaire incomplet", code=422,
                                   message="Un champ obligatoire n'est pas rempli : la page n'a pas été enregistrée."), 422
        for key in [k for k in form if k.endswith("_" + SPLIT_PARTS[0][0])]:
            name = key.removesuffix("_" + SPLIT_PARTS[0][0])
            parts = [form.get(f"{name}_{part[0]}", "").strip() for part in SPLIT_PARTS]
            day, month, year = parts
            # Joined as the single field was typed (JJ/MM/AAAA); a piece missing stays missing, so the
            # replica's own check refuses it as it would a badly typed date.
            form[name] = "" if not any(parts) else f"{day.zfill(2) if day else ''}/{month.zfill(2) if month else ''}/{year}"
        request.form = ImmutableMultiDict(form)  # type: ignore[misc]  # what the replica reads
    return None


def move_fields(response: Response) -> Response:
    """Put each field marked as moved at the end of its form (before its buttons), in a fieldset of its own."""
    if response.mimetype != "text/html" or response.direct_passthrough:
        return response
    html = response.get_data(as_text=True)
    if MOVED_START not in html:
        return response
    pattern = re.compile(re.escape(MOVED_START) + "(.*?)" + re.escape(MOVED_END), re.S)
    while (found := pattern.search(html)) is not None:
        html = html[:found.start()] + html[found.end():]
        end = html.find("</form>", found.start())
        if end < 0:
            end = len(html)
        buttons = html.rfind('<ul class="fr-btns-group', found.start(), end)
        at = buttons if buttons >= 0 else end
        moved = (f'<fieldset class="fr-fieldset"><legend class="fr-fieldset__legend">{MOVED_LEGEND}</legend>'
                 f'<div class="fr-fieldset__element">{found.group(1)}</div></fieldset>\n')
        html = html[:at] + moved + html[at:]
    response.set_data(html)
    return response
