"""The fingerprints of a recorded flow: the facts of each field the person filled, as the page
showed them while recording (docs/adr/0014-fingerprints.md), written beside the flow file.

The place among the page's controls is left unknown (-1): a recording sees the fields a person
touched, not every control of the page, so it cannot count them as `flows learn` does.
"""

from __future__ import annotations

from collections.abc import Sequence

from autopilot.engine.fingerprints import Control, target_key
from autopilot.engine.locate import FieldTarget
from autopilot.recorder.draft import FlowDraft
from autopilot.recorder.events import Captured

_KINDS = {"label": "text", "choose": "choose", "check": "check", "upload": "upload"}


def recorded_fingerprints(draft: FlowDraft, events: Sequence[Captured]) -> dict[str, dict[str, Control]]:
    """By step title then target key, the facts of each field action of `draft` (its last event's)."""
    facts = {event.target.key: event.facts for event in events if hasattr(event, "facts") and hasattr(event, "target")}
    learned: dict[str, dict[str, Control]] = {}
    for step in draft.steps:
        for action in step.fill:
            kind = _KINDS.get(action.key)
            seen = facts.get(action.target.key)
            if kind is None or seen is None or action.target.css:
                continue
            target = FieldTarget(kind, action.target.text, action.target.within)
            learned.setdefault(step.title, {})[target_key(target)] = Control(
                label=action.target.text, id=seen.id, name=seen.name, autocomplete=seen.autocomplete,
                type=seen.input_type, place=-1, legend=seen.group or "", hint=seen.hint)
    return {title: targets for title, targets in learned.items() if targets}
