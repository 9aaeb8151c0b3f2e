"""`when:` — the conditions on the citizen's data under which a step, an action or an input applies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BeforeValidator, model_validator

from autopilot.flows.strict import Strict
from autopilot.flows.template import lookup


class Condition(Strict):
    """`when:` — a test on the inputs, never an expression.

    ```yaml
    when: timbre                 # the input is given
    when: {not: timbre}          # the input is absent
    when: {motif: [perte, vol]}  # the input's value is one of these
    when: [{motif: [perte, vol]}, {not: timbre}]   # all of them
    ```
    """

    path: tuple[str, ...]
    values: tuple[str, ...] | None = None
    negate: bool = False

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"path": tuple(data.strip().split("."))}
        if isinstance(data, dict) and len(data) == 1 and "path" not in data:
            ((key, value),) = data.items()
            if key == "not":
                if not isinstance(value, str):
                    raise ValueError("« not » attend le nom d'une donnée")
                return {"path": tuple(value.split(".")), "negate": True}
            values = value if isinstance(value, list) else [value]
            return {"path": tuple(str(key).split(".")), "values": tuple(str(v) for v in values)}
        if isinstance(data, dict) and "path" in data:
            return data
        raise ValueError("condition attendue : un nom de donnée, {not: nom} ou {nom: [valeurs]}")

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


def _all_of(value: Any) -> Any:
    return value if isinstance(value, (list, tuple)) else [value]


When = Annotated[tuple[Condition, ...], BeforeValidator(_all_of)]
"""One condition or a list of conditions that must all hold."""


def holds(conditions: tuple[Condition, ...], values: Mapping[str, Any]) -> bool:
    """Whether every condition holds for the citizen's data."""
    return all(_holds(condition, values) for condition in conditions)


def _holds(condition: Condition, values: Mapping[str, Any]) -> bool:
    value = lookup(values, condition.path)
    if condition.values is not None:
        result = value is not None and str(value) in condition.values
    else:
        result = value not in (None, "", False)
    return result != condition.negate
