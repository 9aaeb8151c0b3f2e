"""Dates as French forms take them: "JJ/MM/AAAA", with 00 for an unknown day or month,
and the clock that birth dates are checked against."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BeforeValidator

from autopilot.dossier import messages
from autopilot.dossier.messages import invalid

# "1/2/1985", "01-02-1985", "01.02.1985": one separator, used twice.
_DAY_FIRST = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def today() -> dt.date:
    """Today's date; the one clock of this package, replaced in tests to script "now"."""
    return dt.date.today()


def _parts(value: Any) -> tuple[int, int, int]:
    """(day, month, year) of a typed date, 0 standing for an unknown day or month."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):  # YAML reads 1985-02-01 as a date
        return value.day, value.month, value.year
    text = value.strip() if isinstance(value, str) else ""
    if match := _DAY_FIRST.fullmatch(text):
        day, _, month, year = match.groups()
    elif match := _ISO.fullmatch(text):
        year, month, day = match.groups()
    else:
        raise invalid(messages.DATE_FORMAT)
    day_, month_, year_ = int(day), int(month), int(year)
    if year_ == 0 or month_ > 12 or day_ > 31:
        raise invalid(messages.DATE_DOES_NOT_EXIST)
    if day_ and month_:
        try:
            dt.date(year_, month_, day_)
        except ValueError:
            raise invalid(messages.DATE_DOES_NOT_EXIST) from None
    return day_, month_, year_


def jj_mm_aaaa(value: Any) -> str:
    """A typed date normalised to "JJ/MM/AAAA" ("1/2/1985" → "01/02/1985")."""
    day, month, year = _parts(value)
    return f"{day:02d}/{month:02d}/{year:04d}"


def date_naissance(value: Any) -> str:
    """A birth date normalised to "JJ/MM/AAAA", refused when it is after today."""
    day, month, year = _parts(value)
    # With 00 for the day or month, the earliest date it may stand for must be past.
    if dt.date(year, month or 1, day or 1) > today():
        raise invalid(messages.BIRTH_DATE_IN_FUTURE)
    return f"{day:02d}/{month:02d}/{year:04d}"


Date = Annotated[str, BeforeValidator(jj_mm_aaaa)]
DateNaissance = Annotated[str, BeforeValidator(date_naissance)]


_HOUR = re.compile(r"(\d{1,2})\s*[:hH]\s*(\d{2})?")


def heure(value: Any) -> str:
    """A time of day normalised to "HH:MM" ("14h30", "9:05", "14h" → "14:30", "09:05", "14:00")."""
    if isinstance(value, dt.time):
        return f"{value.hour:02d}:{value.minute:02d}"
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML 1.1 reads an unquoted 14:30 as a sexagesimal number of minutes.
        value = f"{value // 60}:{value % 60:02d}"
    match = _HOUR.fullmatch(value.strip()) if isinstance(value, str) else None
    if not match:
        raise invalid(messages.HEURE)
    hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    if hours > 23 or minutes > 59:
        raise invalid(messages.HEURE)
    return f"{hours:02d}:{minutes:02d}"
