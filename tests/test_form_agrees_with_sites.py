"""What the console accepts, the site accepts: an input the form calls optional is optional on the site.

For every démarche of the library, the least data the console's validation accepts (each
démarche's sample data of `bench/samples.yaml`, with every value removed that the validation
lets go) is run on the démarche's replica up to its first gate or manual step: every page
before it was sent and checked by the replica. A site refusal there means the form let the
mediator leave out what the site requires (« Veuillez renseigner la taille. »).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from autopilot.engine.approver import Decision, Moment, ScriptedApprover, StepView
from autopilot.engine.runner import Outcome
from autopilot.errors import AutopilotError
from autopilot.flows import Flow, Library
from autopilot.flows.inputs import validate_inputs
from bench.citizen import sample_citizen, samples

SAMPLES = samples()
# They start from what another démarche gave (bench/workload.py CHAINS): run with it there.
CHAINED = {"immatriculation-changement-titulaire", "timbre-remboursement", "timbre-remboursement-justice"}
FLOWS = [entry.flow.id for entry in Library.load().demarches]


@dataclass
class UpToTheFirstGate(ScriptedApprover):
    """Approves every page, stops at the first submission, payment or manual step: nothing is sent
    that a person would have to confirm."""

    def decide(self, view: StepView, poll=None) -> Decision:
        if view.moment in (Moment.MANUAL, Moment.PICK) or (view.moment is Moment.REVIEW and view.gate):
            self.seen.append(view)
            return Decision.STOP
        return super().decide(view, poll)


def _leaves(data: Any, path: tuple = ()) -> list[tuple]:
    if isinstance(data, dict):
        return [leaf for key, value in data.items() for leaf in _leaves(value, (*path, key))]
    return [path]


def _without(data: dict, path: tuple) -> dict:
    trimmed = copy.deepcopy(data)
    holder = trimmed
    for key in path[:-1]:
        holder = holder[key]
    del holder[path[-1]]
    return trimmed


def least_accepted(flow: Flow, data: dict) -> dict:
    """`data` with every value removed that the console's validation does not require."""
    for path in _leaves(data):
        candidate = _without(data, path)
        try:
            validate_inputs(flow, candidate)
        except AutopilotError:
            continue
        data = candidate
    return data


def _given(flow: Flow, sandbox) -> dict:
    """The démarche's sample data, as the mediator types it, with a timbre or a demande the sandbox knows."""
    data = sample_citizen(flow.id, SAMPLES)
    given = {name: value for name, value in data.items() if name in flow.inputs}
    for name, spec in flow.inputs.items():
        if spec.type == "numero_timbre":
            given.setdefault(name, "1234567890123456")
        elif spec.type == "numero_demande":
            titre = flow.id.split("-")[0]  # passeport-suivi, cni-suivi
            given.setdefault(name, next(d["numero"] for d in sandbox.demandes() if d.get("titre") == titre))
    validate_inputs(flow, given)  # the whole sample is accepted
    return given


@pytest.mark.parametrize("flow_id", [f for f in FLOWS if f not in CHAINED])
def test_what_the_form_accepts_the_site_accepts(flow_id, run_demarche, library, sandbox, scans):
    flow = library.find(flow_id).flow
    sandbox.today = date.fromisoformat(str(SAMPLES["today"]))
    sandbox.franceconnect_required = False  # the citizen's own login would stop the run before any page is checked
    least = least_accepted(flow, _given(flow, sandbox))
    approver = UpToTheFirstGate()
    result, _, lines = run_demarche(flow_id, least, approver)
    last = approver.seen[-1]
    reached_the_gate = last.moment in (Moment.MANUAL, Moment.PICK) or (last.moment is Moment.REVIEW and last.gate)
    assert result.outcome is Outcome.COMPLETED or reached_the_gate, (
        f"{flow_id}: the console accepts {least} but the run ended at « {result.step} » ({last.moment}):\n"
        + "\n".join([*last.site_errors, *lines]))

