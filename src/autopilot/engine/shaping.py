"""A value is typed as the control's type wants it, and read back in the flow's own form (DESIGN §4c).

A `type=date` input takes only ISO `YYYY-MM-DD` (a `jj/mm/aaaa` value typed into it leaves it
empty); a `type=month` input `YYYY-MM`; a `type=number` input a dot as decimal separator and no
spaces. What the page then holds is turned back into the planned form before comparing, so a
date typed right does not read as « différente ».
"""

from __future__ import annotations

import re

_DAY_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_MONTH_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{4})$")


def typed(input_type: str, value: str) -> str:
    """The text to type into a control of `input_type` for the planned `value`."""
    value = value.strip() if input_type in ("date", "month", "number") else value
    if input_type == "date" and (match := _DAY_FIRST.match(value)):
        day, month, year = match.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    if input_type == "month" and (match := _MONTH_FIRST.match(value)):
        month, year = match.groups()
        return f"{year}-{int(month):02d}"
    if input_type == "number":
        return value.replace("\u202f", "").replace("\u00a0", "").replace(" ", "").replace(",", ".")
    return value


def as_planned(input_type: str, actual: str, planned: str) -> str:
    """What the control holds, written as the planned value was when it is that value (an ISO date
    back to jj/mm/aaaa); anything else as it is, so a difference shows."""
    return planned if actual != planned and actual == typed(input_type, planned) else actual
