"""The contract between panel.py and panel.js: the state the panel renders, key by key.

Python builds it (`autopilot.engine.panel.panel_state`), Playwright serialises it as JSON and
panel.js lays it out; the keys are panel.js's camelCase names. Every text is display-ready French.
"""

from __future__ import annotations

import re
from typing import TypedDict

REFERENCE = "reference"  # a number or code the citizen keeps: « Notez ce numéro »
SENTENCE = "sentence"  # words, an amount, a date, a status: read, not noted

# Five or more capitals and digits (dashes, dots and spaces between groups allowed), with a digit and
# no lower-case word (a points balance « 12 » or « 12 points » is no reference): « AB12CD34EF », « 1234 5678 9012 3456 », « 2026-DB-000123 ».
_REFERENCE = re.compile(r"(?=.*\d)[A-Z0-9]+(?:[ .\-][A-Z0-9]+)*")
_DATE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}")


def result_kind(value: str) -> str:
    """How a démarche's result is shown: REFERENCE (a code to note) or SENTENCE."""
    text = value.strip()
    if _DATE.fullmatch(text) or not _REFERENCE.fullmatch(text) or not 5 <= len(text.replace(" ", "")) <= 40:
        return SENTENCE
    return REFERENCE


class Progress(TypedDict):
    """Where the démarche stands, as the mediator counts its steps."""

    index: int
    total: int
    text: str  # « Avancement : 2 sur 6 » (the flow's steps; panel.js says « Étape 2 sur 6 » after the site's stepper)
    short: str  # « 2/6 », for the folded panel


class FieldRow(TypedDict):
    """One line of « Ce qu'autopilot a rempli »."""

    label: str
    value: str  # the mask for a secret
    source: str  # where the value comes from, in the mediator's words
    secret: bool
    differs: str | None  # « Valeur différente sur la page : … », or None


class OutputRow(TypedDict):
    """One result of the démarche; `kind` says how it is shown."""

    label: str
    value: str
    kind: str  # REFERENCE (a number to note, monospace) or SENTENCE (plain text)


class Button(TypedDict):
    """A decision button: its `Decision` value, its label, its look."""

    decision: str
    label: str
    kind: str  # "primary", "secondary" or "stop"


class Gate(TypedDict):
    """The confirmation box before a definitive action (sending, paying, stopping)."""

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
    stopGate: Gate | None  # the inline confirmation of « Arrêter la démarche »
    announce: str  # what a screen reader says of the new view
    texts: dict[str, str]
