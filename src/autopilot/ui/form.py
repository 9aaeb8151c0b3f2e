"""The citizen's form, generated from a flow's declared inputs and the dossier models.

One section per declared input: a model input (`usager: identite`) is a fieldset whose legend
is the input's label, with one field per model field (French title, description and example
from the model); a scalar input (`motif: {type: choice}`) is one field. Choices show the texts
the flow itself maps them to on the site (`options: {F: Féminin}`). What the mediator typed is
checked with `validate_inputs`, the validation `autopilot run --data` uses, and each problem
is put back next to its field, found by the problem's path (`usager.date_naissance`).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic_core import PydanticUndefined

from autopilot import scans
from autopilot.config import config_path
from autopilot.dossier import MODELS, DossierError
from autopilot.errors import DossierProblem
from autopilot.flows import Flow
from autopilot.flows.conditions import Condition, holds
from autopilot.flows.fill import Choose
from autopilot.flows.inputs import input_label, needed_because, validate_inputs
from autopilot.flows.model import InputSpec
from autopilot.flows.template import Placeholder

RADIO_MAX = 4  # up to this many options: radio buttons; more: a list
BOOLEAN_OPTIONS = (("oui", "Oui"), ("non", "Non"))


FORMULE_HINT = "Obligatoire pour une immatriculation attribuée depuis 2009 (AB-123-CD)."


@dataclass(frozen=True)
class Field:
    """One field of the form."""

    key: str  # its name in the form: "usager.nom_naissance", or "motif" for a scalar input
    name: str  # the model field (`nom_naissance`), or the input's name for a scalar input
    label: str
    hint: str | None = None
    optional: bool = False
    options: tuple[tuple[str, str], ...] = ()  # (value, text shown); none for a text field
    default: str = ""
    empty: str | None = None  # a list's first, empty entry when it means something (« Choisir plus tard »)

    @property
    def id(self) -> str:
        return "champ-" + self.key.replace(".", "-")

    @property
    def kind(self) -> str:
        if not self.options and self.empty is None:
            return "text"
        return "radio" if len(self.options) <= RADIO_MAX and self.empty is None else "select"

    def text(self, value: Any) -> str:
        """A stored value as the mediator reads it (an option's text rather than its code)."""
        if isinstance(value, bool):
            value = "oui" if value else "non"
        return dict(self.options).get(str(value), str(value))


@dataclass(frozen=True)
class Section:
    """One declared input of the flow."""

    name: str
    type: str
    label: str
    hint: str | None
    optional: bool
    record: bool  # a model input: a fieldset of several fields
    fields: tuple[Field, ...]
    shown_when: tuple[Condition, ...] = ()  # the form shows it only when these hold (`InputSpec.shown_when`)
    conditional: bool = False  # required only in some cases: blank, it is absent (checked with the others)

    @property
    def id(self) -> str:
        return "donnee-" + self.name

    @property
    def when_json(self) -> str | None:
        """The conditions for console.js, when they name the form's own inputs (else always shown)."""
        if not self.shown_when or any(len(c.path) != 1 for c in self.shown_when):
            return None
        return json.dumps([{"input": c.path[0], "values": c.values, "negate": c.negate} for c in self.shown_when])


@dataclass
class Problems:
    """What the validation refused, placed where the form shows it."""

    by_field: dict[str, str] = field(default_factory=dict)  # field key → inline message
    by_section: dict[str, str] = field(default_factory=dict)  # input name → message on its fieldset
    summary: list[tuple[str, str]] = field(default_factory=list)  # (anchor id, "Label : message")

    def __bool__(self) -> bool:
        return bool(self.summary)


def sections(flow: Flow, *, scans_folder: Path | None = None) -> list[Section]:
    """The form of `flow`, one section per declared input, in the flow's order (a document's list
    from `scans_folder`; None: `scans.folder()`)."""
    texts = _option_texts(flow)
    return [dataclasses.replace(_section(flow, name, spec, texts, scans_folder), shown_when=spec.shown_when,
                                conditional=not spec.always_required and spec.required is not False)
            for name, spec in flow.inputs.items()]


def _section(flow: Flow, name: str, spec: InputSpec, texts: dict[tuple[str, ...], dict[str, str]],
             scans_folder: Path | None) -> Section:
    label = input_label(name, spec)
    model = MODELS.get(spec.type)
    if spec.type == "scan":
        return _scan_section(flow, name, spec, label, scans_folder or scans.folder())
    if model is None:
        hint = spec.hint or ("JJ/MM/AAAA" if spec.type == "date" else None)
        if spec.type == "booleen":
            options = BOOLEAN_OPTIONS
        else:
            options = tuple((o, _option_text(texts.get((name,)), o)) for o in spec.options or ())
        hint = _when_needed(flow, spec, hint)
        optional = spec.required is False
        types = {other.type for other in flow.inputs.values()}
        if spec.type == "numero_formule" and "plaque" in types:
            needed = FORMULE_HINT if "code_cession" not in types else FORMULE_HINT.replace(").", ") sans code de cession.")
            optional, hint = "code_cession" in types, f"{hint} {needed}" if hint else needed
        only = Field(name, name, label, hint, optional, options)
        return Section(name, spec.type, label, None, spec.required is False, False, (only,))
    fields = []
    for field_name, info in model.model_fields.items():
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        options = tuple((str(o), _option_text(texts.get((name, field_name)), str(o))) for o in extra.get("enum", ()))
        hint = info.description or ""
        if info.examples and not options:
            hint = f"{hint} Exemple : {info.examples[0]}".strip()
        default = "" if info.default in (None, PydanticUndefined) else str(info.default)
        asked = field_name in spec.required_fields  # the démarche's site requires it (« Taille »)
        fields.append(Field(f"{name}.{field_name}", field_name, info.title or field_name, hint or None,
                            optional=not info.is_required() and not default and not asked, options=options,
                            default=default))
    hint = spec.hint or ("Laissez ces champs vides si ces informations ne sont pas connues." if not spec.required
                         else None)
    return Section(name, spec.type, label, _when_needed(flow, spec, hint), spec.required is False, True,
                   tuple(fields))


def scans_missing(where: Path) -> str | None:
    """What to say when the scanner folder `where` offers no document, and how to set another one."""
    if where.is_dir() and scans.available(where):
        return None
    said = (f"Aucun document dans le dossier des numérisations ({where})" if where.is_dir() else
            f"Le dossier des numérisations ({where}) n'existe pas : aucun document à joindre ni à lire")
    return (f"{said}. Numérisez-y le document, puis rechargez la page. Si le scanner enregistre ailleurs :"
            f" « numerisations: /chemin/du/dossier » dans le fichier de réglages ({config_path()}), ou la console"
            f" lancée avec {scans.ENV}=/chemin/du/dossier.")


def _scan_section(flow: Flow, name: str, spec: InputSpec, label: str, where: Path) -> Section:
    """A document: a list of the scanner folder's files; left empty, it is chosen in the panel."""
    hint = scans_missing(where) or f"Documents du dossier des numérisations ({where})."
    if spec.hint:
        hint = f"{spec.hint} {hint}"
    names = tuple((n, n) for n in scans.available(where))
    only = Field(name, name, label, _when_needed(flow, spec, hint), spec.required is False, names,
                 empty="Le choisir dans le panneau au moment de le joindre")
    return Section(name, spec.type, label, None, spec.required is False, False, (only,))


def _when_needed(flow: Flow, spec: InputSpec, hint: str | None) -> str | None:
    """The hint of an input needed only in some cases says which (« Obligatoire quand … »)."""
    if spec.required is False or not spec.shown_when:
        return hint
    needed = needed_because(flow, spec)
    return f"{needed[:1].upper()}{needed[1:]} {hint or ''}".strip()


def _option_texts(flow: Flow) -> dict[tuple[str, ...], dict[str, str]]:
    """For each input path a `choose:` fills as such, the texts the site shows for its values."""
    found: dict[tuple[str, ...], dict[str, str]] = {}
    for step in flow.steps:
        for action in step.fill:
            if isinstance(action, Choose) and action.options and len(action.value.parts) == 1:
                part = action.value.parts[0]
                if isinstance(part, Placeholder) and not part.filters:
                    found.setdefault(part.path, dict(action.options))
    return found


def _option_text(mapped: dict[str, str] | None, value: str) -> str:
    if mapped and value in mapped:
        return mapped[value]
    return value.replace("_", " ")[:1].upper() + value.replace("_", " ")[1:]


# --- from the form to the data, and back -----------------------------------------------


def ruled_out(section: Section, known: Mapping[str, Any]) -> bool:
    """True when the inputs already known say this one does not apply (not shown at all)."""
    inputs = {condition.path[0] for condition in section.shown_when}
    return bool(inputs) and inputs <= set(known) and not holds(section.shown_when, known)


def raw_value(section: Section, form: Mapping[str, str]) -> Any:
    """What the form holds for one input, as `validate_inputs` takes it.

    An optional or conditional model input left untouched (every field blank or at its default)
    is absent.
    """
    if not section.record:
        return form.get(section.fields[0].key, "")
    record = {f.name: form.get(f.key, "") for f in section.fields}
    untouched = all(v.strip() in ("", f.default) for f, v in zip(section.fields, record.values(), strict=True))
    if (section.optional or section.conditional) and untouched:
        return None
    return record


def prefill(section: Section, value: Any) -> dict[str, str]:
    """A known value as the form's strings (to edit it again)."""
    if not section.record:
        only = section.fields[0]
        return {only.key: "" if value is None else ("oui" if value is True else "non" if value is False else str(value))}
    value = value or {}
    return {f.key: "" if value.get(f.name) is None else str(value.get(f.name)) for f in section.fields}


def shown(section: Section, value: Any) -> list[tuple[str, str]]:
    """A known value as read-only lines (label, text); empty fields are left out."""
    if not section.record:
        return [] if value is None else [(section.label, section.fields[0].text(value))]
    if not value:
        return []
    return [(f.label, f.text(value[f.name])) for f in section.fields if value.get(f.name) not in (None, "")]


def check(flow: Flow, raw: Mapping[str, Any], *, scans_folder: Path | None = None) -> tuple[dict[str, Any] | None, Problems]:
    """The normalised values, or the problems placed next to their fields (by their paths)."""
    problems = Problems()
    by_name = {section.name: section for section in sections(flow, scans_folder=scans_folder)}
    for section in by_name.values():
        spec = flow.inputs[section.name]
        if spec.conditions:  # required in some cases: alone, its format only; the cases are weighed below
            spec = spec.model_copy(update={"required": False})
        one = flow.model_copy(update={"inputs": {section.name: spec}})
        try:
            validate_inputs(one, {section.name: raw.get(section.name)}, scans_folder=scans_folder)
        except DossierError as error:
            _place(section, error.problems, problems)
    if problems:
        return None, problems
    try:
        return validate_inputs(flow, raw, scans_folder=scans_folder), problems
    except DossierError as error:  # what depends on other inputs (`required: {motif: [vol]}`)
        for problem in error.problems:
            section = by_name.get(problem.path.partition(".")[0])
            if section is None:
                problems.summary.append(("", f"{problem.label} : {problem.message}"))
            else:
                _place(section, [problem], problems)
        return None, problems


def _place(section: Section, found: list[DossierProblem], problems: Problems) -> None:
    by_key = {f.key: f for f in section.fields}
    for problem in found:
        inline = problem.message[:1].upper() + problem.message[1:]
        target = by_key.get(problem.path)
        if target is not None and target.key not in problems.by_field:
            problems.by_field[target.key] = inline
            problems.summary.append((target.id, f"{problem.label} : {problem.message}"))
        else:
            problems.by_section.setdefault(section.name, inline)
            problems.summary.append((section.id, f"{problem.label} : {problem.message}"))
