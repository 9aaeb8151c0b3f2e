"""The citizen's data for one flow: checked against the flow's declared inputs."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from autopilot import scans
from autopilot.dossier import (
    MODELS,
    DossierError,
    field_label,
    needless,
    validate_record,
    validate_scalar,
)
from autopilot.dossier.vehicule import is_fni
from autopilot.errors import DossierProblem
from autopilot.flows.model import Flow, InputSpec


def input_label(name: str, spec: InputSpec) -> str:
    """How the mediator's form names an input."""
    return spec.label or name.replace("_", " ").capitalize()


def source_label(flow: Flow, path: tuple[str, ...]) -> str:
    """Where a value comes from, in the words of the mediator's form: « Identité — Nom de naissance »."""
    if path[0] == "compte":  # an account flow's non-secret setting (flows/checks.py)
        return "compte de la mairie — " + " ".join(path[1:]).replace("_", " ")
    spec = flow.inputs.get(path[0])
    if spec is None:
        return ".".join(path)
    label = input_label(path[0], spec)
    if spec.type in MODELS and len(path) == 2:
        return f"{label} — {field_label(spec.type, path[1])}"
    return label


def validate_inputs(flow: Flow, raw: Mapping[str, Any], *, scans_folder: Path | None = None) -> dict[str, Any]:
    """Normalised values for every declared input; DossierError lists every problem at once, each
    with its path in the data (`usager.date_naissance`).

    An input that depends on others (`required: {motif: [vol]}`, `when: {motif: [perte]}`) is
    checked once they are known; one that does not apply is ignored (None), even if given. A scan
    named must be in the scanner folder (`scans_folder`; None: `scans.folder()`); one not named is
    chosen in the panel when its step comes.
    """
    unknown = [DossierProblem(name, f"donnée inconnue pour « {flow.title} » (données attendues : {', '.join(flow.inputs)}).",
                       name) for name in raw if name not in flow.inputs]
    found: dict[str, list[DossierProblem]] = {}
    values: dict[str, Any] = {}
    for name, spec in flow.inputs.items():
        try:
            values[name] = _one(name, spec, raw.get(name), scans_folder)
        except DossierError as error:
            found[name] = [problem.within(name) for problem in error.problems]
    for name, spec in flow.inputs.items():
        depends = spec.when or spec.conditions
        if not depends or any(other in found for other in _inputs_of(spec)):
            continue  # what it depends on is wrong: said already
        if not spec.applies(values):
            values[name], found[name] = None, []  # typed for another case (another motif): not used, not sent
        elif values.get(name) is None and name not in found and spec.type != "scan" and spec.required_for(values):
            found[name] = [DossierProblem(input_label(name, spec), needed_because(flow, spec), name)]
    _formule_of_a_siv_plate(flow, values, found)
    problems = unknown + [problem for name in flow.inputs for problem in found.get(name, ())]
    if problems:
        raise DossierError(problems, "Corrigez ces informations puis relancez la démarche.")
    return values


def _one(name: str, spec: InputSpec, given: Any, scans_folder: Path | None) -> Any:
    """One input's normalised value (None when absent and allowed to be), or DossierError (its
    problems' paths relative to the input)."""
    label = input_label(name, spec)
    # Needed only in some cases: checked against the others afterwards. A document left open is
    # picked in the panel when its step comes (`Runner`).
    required = spec.always_required and not spec.when and spec.type != "scan"
    if spec.type in MODELS:
        if given is None:
            if required:
                raise DossierError([(label, "ces informations sont obligatoires.")])
            return None
        if not isinstance(given, Mapping):
            raise DossierError([(label, "un ensemble de champs est attendu.")])
        record = validate_record(spec.type, given, section=spec.label)
        missing = [DossierProblem(f"{label} — {field_label(spec.type, field)}", "obligatoire pour cette démarche.", field)
                   for field in spec.required_fields
                   if record.get(field) in (None, "") and not needless(spec.type, record, field)]
        if missing:
            raise DossierError(missing)
        return record
    value = validate_scalar(spec.type, given, label=label, options=spec.options, required=required)
    if spec.type == "scan" and value is not None:
        scans.find(value, label=label, where=scans_folder)
    return value


def _formule_of_a_siv_plate(flow: Flow, values: Mapping[str, Any], found: dict[str, list[DossierProblem]]) -> None:
    """A plate given since 2009 (AB-123-CD) is identified with its certificate's numéro de formule.

    The sites ask both (docs/teleservices.md §5, §9.1); a pre-2009 plate has no formule, so the
    input stays optional in the flow and this rule asks it only for a SIV plate.
    """
    plates = [values[name] for name, spec in flow.inputs.items() if spec.type == "plaque" and values.get(name)]
    by_code = any(values.get(name) for name, spec in flow.inputs.items() if spec.type == "code_cession")
    if not plates or is_fni(plates[0]) or by_code:  # the buyer's code de cession stands for it (§5)
        return
    for name, spec in flow.inputs.items():
        if spec.type == "numero_formule" and values.get(name) is None and not found.get(name) and spec.applies(values):
            found[name] = [DossierProblem(input_label(name, spec), FORMULE_NEEDED, name)]


FORMULE_NEEDED = "obligatoire pour une immatriculation attribuée depuis 2009 (AB-123-CD) : repère I du certificat."


def _inputs_of(spec: InputSpec) -> set[str]:
    return {condition.path[0] for condition in (*spec.when, *spec.conditions)}


def needed_because(flow: Flow, spec: InputSpec) -> str:
    """« obligatoire quand « Motif de la demande » est vol »."""
    reasons = []
    for condition in (*spec.when, *spec.conditions):
        other = flow.inputs.get(condition.path[0])
        what = input_label(condition.path[0], other) if other is not None else condition.dotted
        if condition.values is not None:
            verb = "n'est pas" if condition.negate else "est"
            reasons.append(f"« {what} » {verb} {' ou '.join(condition.values)}")
        else:
            reasons.append(f"« {what} » {'est absent' if condition.negate else 'est renseigné'}")
    return f"obligatoire quand {' et '.join(reasons)}."
