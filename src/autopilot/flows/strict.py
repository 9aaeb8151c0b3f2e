"""What every model of the flow language shares: strictness and templated values."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from autopilot.flows.template import Template, parse


class Strict(BaseModel):
    """Every flow model refuses unknown keys, so a typo fails loudly."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


def to_template(value: Any) -> Template:
    """A flow value as a template (`oui`/`non` for a boolean); a list or mapping is refused."""
    if isinstance(value, Template):
        return value
    if isinstance(value, bool):
        value = "oui" if value else "non"
    if not isinstance(value, (str, int, float)):
        raise ValueError("texte attendu")
    return parse(str(value))


TemplateField = Annotated[Template, Field(json_schema_extra={"type": "string"})]
