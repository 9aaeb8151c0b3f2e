"""One page's fields, from their captured events to the flow's `fill` actions and inputs.

The « Values » and « Revealed fields » rules of `draft.py`: each field's last value becomes an
action reading a declared input, typed and named by `naming`; the three inputs of a date become
one `date`; a field revealed by an earlier choice gets that choice's condition (ADR 0005).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from autopilot.recorder import naming
from autopilot.recorder.events import (
    Attached,
    Captured,
    Chosen,
    Clicked,
    FieldFacts,
    SecretTouched,
    Target,
    Ticked,
    Typed,
)


@dataclass
class InputDraft:
    """A declared input, with the demonstrated value (written only with --examples)."""

    type: str
    label: str
    hint: str = ""
    required: bool | tuple[str, tuple[str, ...]] = True  # or (input, values): only when that choice is made
    options: tuple[str, ...] = ()
    example: str | None = None


@dataclass
class ActionDraft:
    """One entry of a step's `fill`."""

    key: str  # label | choose | check | upload | click
    target: Target
    value: str | None = None  # a template
    secret: str | None = None
    options: dict[str, str] | None = None
    when: tuple[str, tuple[str, ...] | None] | None = None  # (input, values) or (input, None): given
    revealed: bool = False
    input: str | None = None  # the input its value reads
    chosen: str | None = None  # for a choice: the code demonstrated (to condition what it reveals)
    notes: list[str] = field(default_factory=list)



class Inputs:
    """The inputs declared so far; one name per datum."""

    def __init__(self) -> None:
        self.specs: dict[str, InputDraft] = {}

    def declare(self, wanted: str, spec: InputDraft) -> str:
        """The name under which `spec` is declared: `wanted`, or the same datum met earlier, or `wanted_2`…"""
        name, number = wanted, 1
        while name in self.specs:
            known = self.specs[name]
            if (known.type, known.label, known.example, known.options) == (spec.type, spec.label, spec.example,
                                                                           spec.options):
                return name  # the same field met again (a page seen twice)
            number += 1
            name = f"{wanted}_{number}"
        self.specs[name] = spec
        return name



def date_groups(items: list[Captured]) -> dict[str, dict[str, Typed]]:
    """The sections holding the three inputs of a date: {section: {jour|mois|annee: event}}."""
    groups: dict[str, dict[str, Typed]] = {}
    for item in items:
        if isinstance(item, Typed) and item.facts.group and (part := naming.date_part(item.target.text)):
            groups.setdefault(item.facts.group, {})[part] = item
    return {group: parts for group, parts in groups.items() if len(parts) == 3}


def _template(name: str, filter_: str | None = None) -> str:
    return "{{ " + name + (f" | {filter_}" if filter_ else "") + " }}"


def _label(target: Target) -> str:
    label = naming.without_optional(target.text)
    return f"{target.within} — {label}" if target.within else label


def field_action(item: Captured, inputs: Inputs, dates: dict[str, dict[str, Typed]], date_inputs: dict[str, str],
            account_name: str) -> ActionDraft | None:
    """The fill action for one field's last event, declaring the input its value reads."""
    if isinstance(item, SecretTouched):
        if item.reason != "password":
            return None  # a code or a card: the step becomes manual
        return ActionDraft("label", item.target, secret=f"{account_name}.mot_de_passe",
                           notes=["mot de passe : lu dans le trousseau du système, jamais enregistré"])
    if isinstance(item, Clicked):
        return ActionDraft("click", item.target)
    facts: FieldFacts = item.facts
    # A page that marks its required fields (« * », `required`) says which are; otherwise « (facultatif) » does.
    # A revealed field is asked only when shown; `condition_revealed` ties a marked one to the choice showing it.
    marked = facts.required if facts.marks_required else not naming.is_optional(item.target.text)
    optional = not marked or facts.revealed
    if isinstance(item, Typed):
        if not item.value.strip():
            return None
        group = facts.group
        part = naming.date_part(item.target.text) if group in dates else None
        if part is not None:
            if group not in date_inputs:
                parts = dates[group]
                day, month, year = (parts[part].value.strip() for part in ("jour", "mois", "annee"))
                example = f"{day:0>2}/{month:0>2}/{year}"
                date_inputs[group] = inputs.declare(naming.input_name(group), InputDraft(
                    "date", naming.without_optional(group), hint="", required=not naming.is_optional(group),
                    example=example))
            target = Target("text", item.target.text, group, item.target.css, problem=item.target.problem)
            return ActionDraft("label", target, value=_template(date_inputs[group], part), input=date_inputs[group])
        kind, filter_ = naming.text_type(facts, item.value)
        name = inputs.declare(naming.input_name(item.target.text, item.target.within), InputDraft(
            kind, _label(item.target), facts.hint, required=not optional, example=item.value))
        return ActionDraft("label", item.target, value=_template(name, filter_), input=name)
    if isinstance(item, Chosen):
        options = naming.choice_codes(facts.options)
        name_base = naming.input_name(item.target.text, item.target.within)
        if not options or len(options) > naming.LONG_CHOICE:
            listed = naming.without_optional(item.target.text)
            hint = facts.hint or f"Le texte exact d'une option de la liste « {listed} »."
            name = inputs.declare(name_base, InputDraft("texte", _label(item.target), hint, required=not optional,
                                                        example=item.text))
            return ActionDraft("choose", item.target, value=_template(name), input=name, chosen=item.text)
        codes = dict(options)
        chosen = next((code for code, text in options if text == item.text), item.value)
        name = inputs.declare(name_base, InputDraft("choice", _label(item.target), facts.hint, required=not optional,
                                                    options=tuple(codes), example=chosen))
        mapping = None if all(code == text for code, text in options) else codes
        return ActionDraft("choose", item.target, value=_template(name), options=mapping, input=name, chosen=chosen)
    if isinstance(item, Ticked):
        if naming.is_attestation(item.target.text):
            return ActionDraft("check", item.target) if item.checked else None
        name = inputs.declare(naming.input_name(item.target.text, item.target.within), InputDraft(
            "booleen", _label(item.target), facts.hint, required=False, example="oui" if item.checked else "non"))
        return ActionDraft("check", item.target, value=_template(name), input=name,
                           chosen="oui" if item.checked else "non")
    if isinstance(item, Attached):
        if not item.files:
            return None
        # A scan of the mairie's scanner folder, chosen in the panel when the data names none.
        name = inputs.declare(naming.input_name(item.target.text, item.target.within), InputDraft(
            "scan", _label(item.target), "Le document numérisé à joindre (dossier des numérisations).",
            required=False, example=", ".join(item.files)))
        return ActionDraft("upload", item.target, value=_template(name), input=name)
    return None


def tabs_that_only_show(actions: list[ActionDraft], events: dict[tuple, Captured], inputs: Inputs) -> None:
    """A tab that no field depends on only shows part of the page (« Situation administrative »):
    it is clicked as recorded, not asked of the citizen."""
    for action in actions:
        item = events.get(action.target.key)
        if action.key != "choose" or action.input is None or item is None or item.facts.input_type != "tab":
            continue
        if any(other.when is not None and other.when[0] == action.input for other in actions):
            continue  # the holder's tab: the fields shown depend on it
        name = action.input
        action.value, action.options, action.input = getattr(item, "text", action.value), None, None
        if not any(other.input == name for other in actions):
            inputs.specs.pop(name, None)


def condition_revealed(actions: list[ActionDraft], events: dict[tuple, Captured], inputs: Inputs) -> None:
    """Mark the fields shown by an earlier action of the step, with that action's condition."""
    for index, action in enumerate(actions):
        item = events.get(action.target.key)
        if item is None or not item.facts.revealed or index == 0:
            continue
        action.revealed = True
        cause = next((a for a in reversed(actions[:index]) if a.key in ("choose", "check", "click")), None)
        if cause is None:
            continue
        action.notes.append(f"apparaît après « {cause.target.text} »"
                            + (f" = « {cause.chosen} »" if cause.chosen and cause.key == "choose" else ""))
        if cause.input is None or action.when is not None:
            continue
        spec = inputs.specs[cause.input]
        if cause.key == "choose":
            action.when = (cause.input, (cause.chosen,))
            facts = getattr(item, "facts", None)
            if action.input and facts is not None and facts.marks_required and facts.required:
                inputs.specs[action.input].required = action.when  # marked: required when that choice is made
        elif cause.key == "check" and spec.type == "booleen" and cause.chosen == "oui":
            action.when = (cause.input, None)
