"""The citizen's data for one flow: checked against the flow's declared inputs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from autopilot import scans
from autopilot.dossier import (
    MODELS,
    DossierError,
    field_label,
    validate_record,
    validate_scalar,
)
from autopilot.flows.model import Flow, InputSpec


def input_label(name: str, spec: InputSpec) -> str:
    """How the mediator's form names an input."""
    return spec.label or name.replace("_", " ").capitalize()


def source_label(flow: Flow, path: tuple[str, ...]) -> str:
    """Where a value comes from, in the words of the mediator's form: « Identité — Nom de naissance »."""
    spec = flow.inputs.get(path[0])
    if spec is None:
        return ".".join(path)
    label = input_label(path[0], spec)
    if spec.type in MODELS and len(path) == 2:
        return f"{label} — {field_label(spec.type, path[1])}"
    return label


def validate_inputs(flow: Flow, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Normalised values for every declared input; DossierError lists every problem at once.

    An input required only under conditions (`required: {motif: [vol]}`) is checked once the
    others are known. A scan named must be in the scanner folder; one not named is chosen in the
    panel when its step comes.
    """
    problems: list[tuple[str, str]] = []
    values: dict[str, Any] = {}
    for name in raw:
        if name not in flow.inputs:
            problems.append((name, f"donnée inconnue pour « {flow.title} » (données attendues : {', '.join(flow.inputs)})."))
    for name, spec in flow.inputs.items():
        given = raw.get(name)
        label = input_label(name, spec)
        try:
            if spec.type in MODELS:
                if given is None:
                    if spec.always_required:
                        problems.append((label, "ces informations sont obligatoires."))
                    values[name] = None
                    continue
                if not isinstance(given, Mapping):
                    problems.append((label, "un ensemble de champs est attendu."))
                    continue
                values[name] = validate_record(spec.type, given, section=spec.label)
            else:
                # A document left open is picked in the panel when its step comes (`Runner`).
                required = spec.always_required and spec.type != "scan"
                values[name] = validate_scalar(spec.type, given, label=label, options=spec.options, required=required)
                if spec.type == "scan" and values[name] is not None:
                    scans.find(values[name], label=label)
        except DossierError as error:
            problems.extend(error.problems)
    for name, spec in flow.inputs.items():
        if spec.conditions and spec.type != "scan" and name in values and values[name] is None \
                and spec.required_for(values):
            problems.append((input_label(name, spec), needed_because(flow, spec)))
    if problems:
        raise DossierError(problems, "Corrigez ces informations puis relancez la démarche.")
    return values


def needed_because(flow: Flow, spec: InputSpec) -> str:
    """« obligatoire quand Motif de la demande est vol »."""
    reasons = []
    for condition in spec.conditions:
        other = flow.inputs.get(condition.path[0])
        what = input_label(condition.path[0], other) if other is not None else condition.dotted
        if condition.values is not None:
            verb = "n'est pas" if condition.negate else "est"
            reasons.append(f"« {what} » {verb} {' ou '.join(condition.values)}")
        else:
            reasons.append(f"« {what} » {'est absent' if condition.negate else 'est renseigné'}")
    return f"obligatoire quand {' et '.join(reasons)}."
