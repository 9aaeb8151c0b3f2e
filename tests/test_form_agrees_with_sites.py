"""What the console accepts, the site accepts: an input the form calls optional is optional on the site.

For every démarche of the library, the least data the console's validation accepts (each
démarche's sample data of `autopilot/cli/samples.yaml`, with every value removed that the validation
lets go) is run on the démarche's replica up to its first gate or manual step: every page
before it was sent and checked by the replica. A site refusal there means the form let the
mediator leave out what the site requires (« Veuillez renseigner la taille. »).
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from autopilot.cli.exercise import CHAINED, given, samples
from autopilot.engine.rehearsal import UpToTheFirstGate
from autopilot.engine.runner import Outcome
from autopilot.errors import AutopilotError
from autopilot.flows import Flow, Library
from autopilot.flows.inputs import validate_inputs

SAMPLES = samples()
FLOWS = [entry.flow.id for entry in Library.load().demarches]


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


@pytest.mark.parametrize("flow_id", [f for f in FLOWS if f not in CHAINED])
def test_what_the_form_accepts_the_site_accepts(flow_id, run_demarche, library, sandbox, scans):
    flow = library.find(flow_id).flow
    sandbox.today = date.fromisoformat(str(SAMPLES["today"]))
    sandbox.franceconnect_required = False  # the citizen's own login would stop the run before any page is checked
    given_data = given(flow, SAMPLES, sandbox.demandes())
    validate_inputs(flow, given_data)  # the whole sample is accepted
    least = least_accepted(flow, given_data)
    approver = UpToTheFirstGate()
    result, _, lines = run_demarche(flow_id, least, approver)
    last = approver.seen[-1]
    assert result.outcome is Outcome.COMPLETED or approver.reached_the_gate(), (
        f"{flow_id}: the console accepts {least} but the run ended at « {result.step} » ({last.moment}):\n"
        + "\n".join([*last.site_errors, *lines]))

