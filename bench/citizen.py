"""What every measurement shares: the démarche, the citizen (`autopilot demo`'s fictitious one,
plus a timbre fiscal when the flow asks for one; for the workload, each démarche's sample data
of `samples.yaml` merged over) and the browser context's options."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from autopilot.flows import Flow
from autopilot.flows.inputs import validate_inputs
from bench.handwritten import TIMBRE  # both sides type the same number

FLOW_ID = "passeport-pre-demande"
SAMPLES = Path(__file__).with_name("samples.yaml")
CONTEXT = {"locale": "fr-FR", "viewport": {"width": 1400, "height": 900}}  # as `autopilot run --headless`


def demo_citizen() -> dict[str, Any]:
    """The citizen's data as the mediator types it (`autopilot demo`'s fictitious citizen)."""
    text = resources.files("autopilot.cli").joinpath("demo_citizen.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def samples() -> dict[str, Any]:
    """`samples.yaml`: the sandbox's date, the scans, what a person types, each démarche's data."""
    return yaml.safe_load(SAMPLES.read_text(encoding="utf-8"))


def sample_citizen(flow_id: str, sample: dict[str, Any]) -> dict[str, Any]:
    """The demo citizen with the scans and the démarche's sample data (from `samples()`) merged over."""
    return _merged(demo_citizen(), {**sample["scans"], **(sample["demarches"].get(flow_id) or {})})


def _merged(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """`base` with `over`'s values: a mapping merged into `base`'s mapping, anything else replacing."""
    data = copy.deepcopy(base)
    for name, value in over.items():
        both = isinstance(value, dict) and isinstance(data.get(name), dict)
        data[name] = _merged(data[name], value) if both else copy.deepcopy(value)
    return data


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
