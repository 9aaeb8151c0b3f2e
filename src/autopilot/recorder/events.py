"""What a recording captured, in the order it happened: the model `capture.js` reports into.

Each message the page sends is checked here (`parse`) before it joins the recording: a field
of the wrong type drops the message rather than guess. A sensitive field (password,
one-time code, card) arrives as `SecretTouched`, which has no value at all: `capture.js`
never reads one, and nothing here could hold it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FIELD_KINDS = ("text", "choose", "check", "upload")
SECRET_REASONS = ("password", "code", "card")


@dataclass(frozen=True)
class Target:
    """How the engine will find the element, as capture.js checked it with locate.js.

    `text` is the label, legend or accessible name; with a CSS fallback (`css`) it only names
    the element for the mediator, and `problem` says why no name would do (`sans-libelle`:
    nothing names it, `ambigu`: its name matches several elements even within a section).
    """

    kind: str  # text | choose | check | upload | click
    text: str
    within: str | None = None
    css: str | None = None
    role: str | None = None  # button | link, for a click
    problem: str | None = None

    @property
    def key(self) -> tuple[str, str, str | None, str | None]:
        """What identifies the same field across events."""
        return self.kind, self.text, self.within, self.css


@dataclass(frozen=True)
class FieldFacts:
    """What the page says about a field: enough to name and type the input."""

    label: str
    hint: str = ""
    input_type: str = ""  # the input's type attribute; select, radio, textarea otherwise
    autocomplete: str = ""
    inputmode: str = ""
    group: str | None = None  # the enclosing section's legend, when it can scope the field (`within`)
    revealed: bool = False  # not shown when the person began on this page
    options: tuple[tuple[str, str], ...] = ()  # a choice's options: (value on the page, text shown)
    required: bool = False  # marked required by the page (`required`, `aria-required`, a « * » in its label)
    marks_required: bool = False  # the page marks its required fields: an unmarked one is optional
    id: str = ""  # the control's id and name: its fingerprint (docs/adr/0014-fingerprints.md), never a value
    name: str = ""


@dataclass(frozen=True)
class Captured:
    """Something that happened on a page; `doc` names the top document it happened in."""

    doc: str
    url: str  # the top document's address, as the browser showed it
    heading: str  # the page's main heading at that moment


@dataclass(frozen=True)
class PageShown(Captured):
    """A new document in the tab (a navigation, a reload, a redirect)."""

    title: str = ""


@dataclass(frozen=True)
class Typed(Captured):
    """The final value of a text field once the person left it (keystrokes merged)."""

    target: Target = field(default_factory=lambda: Target("text", ""))
    facts: FieldFacts = field(default_factory=lambda: FieldFacts(""))
    value: str = ""


@dataclass(frozen=True)
class Chosen(Captured):
    """An option picked in a radio group or a select."""

    target: Target = field(default_factory=lambda: Target("choose", ""))
    facts: FieldFacts = field(default_factory=lambda: FieldFacts(""))
    value: str = ""  # the option's value on the page
    text: str = ""  # the option's text


@dataclass(frozen=True)
class Ticked(Captured):
    """A checkbox ticked or unticked."""

    target: Target = field(default_factory=lambda: Target("check", ""))
    facts: FieldFacts = field(default_factory=lambda: FieldFacts(""))
    checked: bool = True


@dataclass(frozen=True)
class Attached(Captured):
    """Files chosen in an upload field (their names only)."""

    target: Target = field(default_factory=lambda: Target("upload", ""))
    facts: FieldFacts = field(default_factory=lambda: FieldFacts(""))
    files: tuple[str, ...] = ()


@dataclass(frozen=True)
class Clicked(Captured):
    """A click on a button or a link (a form sent with Enter counts as its button)."""

    target: Target = field(default_factory=lambda: Target("click", ""))


@dataclass(frozen=True)
class SecretTouched(Captured):
    """Someone typed in a password, one-time code or card field. No value: there is none to keep."""

    target: Target = field(default_factory=lambda: Target("text", ""))
    facts: FieldFacts = field(default_factory=lambda: FieldFacts(""))
    reason: str = "password"  # password | code | card


@dataclass(frozen=True)
class ManualMarked(Captured):
    """« Ajouter une étape manuelle ici »: what follows on this page is done by hand."""

    instruction: str = ""


@dataclass(frozen=True)
class ManualEnded(Captured):
    """« Fin de l'étape manuelle »: recording resumes on the same page."""


Action = Typed | Chosen | Ticked | Attached | Clicked | SecretTouched


def _text(data: dict[str, Any], key: str, default: str = "") -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise TypeError(key)
    return " ".join(value.split()) if key != "value" else value


def _optional(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(key)
    return " ".join(value.split()) or None


def _target(data: Any, kind: str) -> Target:
    if not isinstance(data, dict):
        raise TypeError("target")
    role = _optional(data, "role")
    if kind == "click" and role not in ("button", "link"):
        raise TypeError("role")
    target = Target(kind, _text(data, "text"), _optional(data, "within"), _optional(data, "css"), role,
                    _optional(data, "problem"))
    if not target.text and not target.css:
        raise TypeError("target")
    return target


def _field(data: Any) -> FieldFacts:
    if not isinstance(data, dict):
        raise TypeError("field")
    options = data.get("options") or []
    if not isinstance(options, list) or not all(
        isinstance(o, list) and len(o) == 2 and all(isinstance(p, str) for p in o) for o in options
    ):
        raise TypeError("options")
    return FieldFacts(
        label=_text(data, "label"), hint=_text(data, "hint"), input_type=_text(data, "inputType"),
        autocomplete=_text(data, "autocomplete"), inputmode=_text(data, "inputmode"),
        group=_optional(data, "group"), revealed=data.get("revealed") is True,
        options=tuple((" ".join(v.split()), " ".join(t.split())) for v, t in options),
        required=data.get("required") is True, marks_required=data.get("marksRequired") is True,
        id=_text(data, "id"), name=_text(data, "name"),
    )


def parse(message: Any, doc: str) -> Captured | None:
    """The event a page message describes, or None if it is not one (or malformed).

    `doc` is the top document the message belongs to (a frame's message gets its page's).
    """
    if not isinstance(message, dict):
        return None
    kind = message.get("type")
    try:
        where = {"doc": doc, "url": _text(message, "url"), "heading": _text(message, "heading")}
        if kind == "page":
            return PageShown(**where, title=_text(message, "title"))
        if kind == "fill":
            return Typed(**where, target=_target(message.get("target"), "text"), facts=_field(message.get("field")),
                         value=_text(message, "value"))
        if kind == "choose":
            return Chosen(**where, target=_target(message.get("target"), "choose"), facts=_field(message.get("field")),
                          value=_text(message, "option"), text=_text(message, "optionText"))
        if kind == "check":
            return Ticked(**where, target=_target(message.get("target"), "check"), facts=_field(message.get("field")),
                          checked=message.get("checked") is True)
        if kind == "upload":
            files = message.get("files")
            if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
                raise TypeError("files")
            return Attached(**where, target=_target(message.get("target"), "upload"),
                            facts=_field(message.get("field")), files=tuple(files))
        if kind == "click":
            return Clicked(**where, target=_target(message.get("target"), "click"))
        if kind == "secret":
            reason = message.get("reason")
            if reason not in SECRET_REASONS:
                raise TypeError("reason")
            return SecretTouched(**where, target=_target(message.get("target"), "text"),
                                 facts=_field(message.get("field")), reason=reason)
    except (TypeError, ValueError):
        return None
    return None
