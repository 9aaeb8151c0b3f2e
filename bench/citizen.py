"""The citizen every measurement uses: the fictitious one of `autopilot demo`, plus a timbre fiscal."""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml

from autopilot.flows import Flow
from autopilot.flows.inputs import validate_inputs

TIMBRE = "1234567890123456"
"""A timbre fiscal électronique number (16 digits) for the page that asks for one."""


def demo_citizen() -> dict[str, Any]:
    """The citizen's data as the mediator types it (`autopilot demo`'s fictitious citizen)."""
    text = resources.files("autopilot.cli").joinpath("demo_citizen.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def values_for(flow: Flow, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """The validated inputs of `flow`: the demo citizen's data it declares, a timbre if it asks for one."""
    data = dict(demo_citizen() if data is None else data)
    for name, spec in flow.inputs.items():
        if spec.type == "numero_timbre":
            data.setdefault(name, TIMBRE)
    return validate_inputs(flow, {name: value for name, value in data.items() if name in flow.inputs})
