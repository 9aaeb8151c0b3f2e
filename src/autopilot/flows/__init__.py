"""The flow language: models, templates, the YAML loader and the library of flows."""

from autopilot.flows.library import Library, default_flows_dir
from autopilot.flows.loader import load_flow, parse_flow
from autopilot.flows.model import Flow, Step

__all__ = ["Flow", "Library", "Step", "default_flows_dir", "load_flow", "parse_flow"]
