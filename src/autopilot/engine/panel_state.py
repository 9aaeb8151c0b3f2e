"""The contract between panel.py and panel.js: the state the panel renders, key by key.

Python builds it (`autopilot.engine.panel.panel_state`), Playwright serialises it as JSON and
panel.js lays it out; the keys are panel.js's camelCase names. Every text is display-ready French.
"""

from __future__ import annotations

from typing import TypedDict


class Progress(TypedDict):
    """Where the démarche stands, as the mediator counts its steps."""

    index: int
    total: int
    text: str  # « Étape 2 sur 6 »
    short: str  # « 2/6 », for the folded panel


class FieldRow(TypedDict):
    """One line of « Ce qu'autopilot a rempli »."""

    label: str
    value: str  # the mask for a secret
    source: str  # where the value comes from, in the mediator's words
    secret: bool
    differs: str | None  # « Valeur différente sur la page : … », or None


class OutputRow(TypedDict):
    """One result of the démarche."""

    label: str
    value: str


class Button(TypedDict):
    """A decision button: its `Decision` value, its label, its look."""

    decision: str
    label: str
    kind: str  # "primary", "secondary" or "stop"


class Gate(TypedDict):
    """The confirmation box before a definitive action (sending, paying)."""

    title: str
    text: str
    confirm: str
    cancel: str


class PanelState(TypedDict):
    """Everything panel.js renders for one view; no secret ever included."""

    seq: int  # increases with each view: a late render never replaces a newer one
    token: str  # the view's token, sent back with each click made on it
    collapsed: bool
    armMs: int  # how long the decision buttons stay inert after they appear
    moment: str
    momentLabel: str
    flowTitle: str
    progress: Progress
    title: str
    message: str
    notice: str | None
    mismatch: str | None
    siteErrors: list[str]
    fields: list[FieldRow]
    fieldsHidden: str | None
    outputs: list[OutputRow]
    choices: list[str]
    buttons: list[Button]
    gate: Gate | None
    announce: str  # what a screen reader says of the new view
    texts: dict[str, str]
