"""A step's field actions in the engine: for each kind, how it is planned and how it is done.

Each action class of the flow model carries its `kind` (flows/fill.py); `KINDS` gives, per kind,
how its value is made ready for the panel (`plan`) and how it is done on the page once its target
is resolved (`fill`). The runner reads this one table: no chain of `isinstance` per kind.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

from autopilot.engine.acting import set_choice
from autopilot.engine.locate import FieldTarget, Found
from autopilot.engine.origins import Origins, guard_secret
from autopilot.engine.shaping import typed
from autopilot.errors import RunError
from autopilot.flows.fill import Check, Choose, FillText, Press, Upload
from autopilot.flows.inputs import source_label
from autopilot.flows.model import Flow
from autopilot.flows.template import Template

SECRET_MASK = "••••••••"
SecretSource = Callable[[str], str]


@dataclass
class Planned:
    """One field action of a step, with its value ready."""

    target: FieldTarget
    action: Any
    value: str  # the text typed, the option chosen, "oui"/"non", a file path
    shown: str  # what the panel shows (the value, or the mask for a secret)
    source: str
    secret: bool = False


@dataclass
class Group:
    """Field actions of a step resolved together: the first ones, or those an earlier group reveals."""

    planned: list[Planned] = field(default_factory=list)
    presses: list[Press] = field(default_factory=list)


@dataclass(frozen=True)
class Context:
    """What planning and doing an action need of the run."""

    page: Page
    flow: Flow
    values: Mapping[str, Any]
    origins: Origins
    secrets: SecretSource | None
    secret_hosts: Callable[[str], tuple[str, ...]]
    pick_scan: Callable[[Upload], Planned | None]  # asks the mediator for a scan the data left open
    scan_path: Callable[[Planned], Path]  # the file of an upload, from the scanner folder only


def _rendered(action: Any, template: Template, context: Context) -> tuple[str, str] | None:
    """The action's value and where it comes from; None for an optional input the citizen does not have."""
    value = template.render(context.values)
    if value == "":
        return None  # the field is left as it is
    source = ", ".join(source_label(context.flow, p.path) for p in template.placeholders) or "valeur prévue par la démarche"
    return value, source


def _plan_text(action: FillText, context: Context, step: str) -> Planned | None:
    target = FieldTarget("text", action.label, action.within, css=action.css)
    if action.secret is not None:
        if context.secrets is None:
            raise RunError(f"Aucun trousseau n'est disponible pour « {action.secret} ».", step=step)
        return Planned(target, action, context.secrets(action.secret), SECRET_MASK,
                       "compte de la mairie — mot de passe enregistré sur ce poste",
                       secret=True)
    rendered = _rendered(action, action.value, context)
    return None if rendered is None else Planned(target, action, rendered[0], rendered[0], rendered[1])


def _plan_choose(action: Choose, context: Context, step: str) -> Planned | None:
    rendered = _rendered(action, action.value, context)
    if rendered is None:
        return None
    shown = (action.options or {}).get(rendered[0], rendered[0])
    return Planned(FieldTarget("choose", action.choose, action.within, shown, action.css, on=True), action, shown,
                   shown, rendered[1])


def _plan_check(action: Check, context: Context, step: str) -> Planned | None:
    rendered = _rendered(action, action.value, context)
    if rendered is None:
        return None
    ticked = "oui" if _truthy(rendered[0]) else "non"
    return Planned(FieldTarget("check", action.check, action.within, css=action.css, on=ticked == "oui"), action,
                   ticked, ticked, rendered[1])


def _plan_upload(action: Upload, context: Context, step: str) -> Planned | None:
    rendered = _rendered(action, action.file, context)
    if rendered is None:
        return context.pick_scan(action)
    return Planned(FieldTarget("upload", action.upload, action.within, css=action.css), action, rendered[0],
                   rendered[0].rsplit("/", 1)[-1], rendered[1])


def _fill_text(item: Planned, found: Found, context: Context, step: str, fresh: bool) -> None:
    if not item.secret and found.input_type == "password":
        raise RunError(f"« {item.target.text} » est un mot de passe : le flow doit utiliser « secret: ».")
    if item.secret:
        guard_secret(found.frame or context.page.main_frame, context.origins, item.action.secret,
                     context.secret_hosts(item.action.secret))
    found.locator.fill(typed(found.input_type, item.value))


def _fill_choose(item: Planned, found: Found, context: Context, step: str, fresh: bool) -> None:
    if found.is_select:
        found.locator.select_option(label=_option_text(found, item.value))
    else:
        set_choice(found.frame or context.page.main_frame, found.option_selector, True, item.value, step,
                   found.click, fresh=fresh)


def _fill_check(item: Planned, found: Found, context: Context, step: str, fresh: bool) -> None:
    set_choice(found.frame or context.page.main_frame, found.selector, item.value == "oui", item.target.text, step,
               found.click, fresh=fresh)


def _fill_upload(item: Planned, found: Found, context: Context, step: str, fresh: bool) -> None:
    found.locator.set_input_files(context.scan_path(item))


@dataclass(frozen=True)
class Kind:
    """How one kind of field action is planned and done (`fresh`: nothing was done on the page since its
    target was found)."""

    plan: Callable[[Any, Context, str], Planned | None]
    fill: Callable[[Planned, Found, Context, str, bool], None]


KINDS: dict[str, Kind] = {
    FillText.kind: Kind(_plan_text, _fill_text),
    Choose.kind: Kind(_plan_choose, _fill_choose),
    Check.kind: Kind(_plan_check, _fill_check),
    Upload.kind: Kind(_plan_upload, _fill_upload),
}


def plan(actions: list, context: Context, step: str, applies: Callable[[Any], bool]) -> list[Group]:
    """The step's field actions that apply, with their values, and its in-page clicks, in groups:
    a new group at each `revealed` action (ADR 0005)."""
    groups = [Group()]
    for action in actions:
        if not applies(action):
            continue
        if action.revealed and (groups[-1].planned or groups[-1].presses):
            groups.append(Group())
        if action.kind == Press.kind:
            groups[-1].presses.append(action)
        elif (item := KINDS[action.kind].plan(action, context, step)) is not None:
            groups[-1].planned.append(item)
    return groups


def fill(planned: list[Planned], found: list[Found], buttons: list, context: Context, step: str) -> None:
    """Do each planned action on its resolved target, then the group's in-page clicks."""
    for index, (item, target) in enumerate(zip(planned, found, strict=True)):
        KINDS[item.target.kind].fill(item, target, context, step, index == 0)
    for button in buttons:
        button.locator.click()


def _truthy(value: str) -> bool:
    return value.strip().lower() in ("oui", "true", "1", "vrai", "yes")


def _option_text(found: Found, wanted: str) -> str:
    return next(t for t in found.options if " ".join(t.split()).lower() == " ".join(wanted.split()).lower())
