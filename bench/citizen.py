"""What every measurement shares: the démarche, the citizen (`autopilot demo`'s fictitious one,
plus a timbre fiscal when the flow asks for one; for the workload, each démarche's sample data
of `autopilot/cli/samples.yaml` merged over) and the browser context's options."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autopilot.cli.exercise import demo_citizen, sample_citizen, samples  # noqa: F401 — shared with the bench
from autopilot.flows import Flow
from autopilot.flows.inputs import validate_inputs
from bench.handwritten import TIMBRE  # both sides type the same number

FLOW_ID = "passeport-pre-demande"
CONTEXT = {"locale": "fr-FR", "viewport": {"width": 1400, "height": 900}}  # as `autopilot run --headless`


def values_for(flow: Flow, data: dict[str, Any] | None = None, demandes: Sequence[dict] = ()) -> dict[str, Any]:
    """The validated inputs of `flow`: the demo citizen's data it declares, a timbre if it asks for one,
    and for a suivi the numéro of one of the sandbox's `demandes` (one for the flow's titre if there is)."""
    data = dict(demo_citizen() if data is None else data)
    for name, spec in flow.inputs.items():
        if spec.type == "numero_timbre":
            data.setdefault(name, TIMBRE)
        elif spec.type == "numero_demande" and demandes:
            titre = flow.id.split("-")[0]  # passeport-suivi, cni-suivi
            demande = next((d for d in demandes if d.get("titre") == titre), demandes[0])
            data.setdefault(name, demande["numero"])
    return validate_inputs(flow, {name: value for name, value in data.items() if name in flow.inputs})
