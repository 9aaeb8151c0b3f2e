"""What a `kit.wizard.Wizard` is declared with: its pages (`WizardPage`) and what its submission
hook receives (`Submission`); the module `kit.wizard` says how they are served."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import Response

from autopilot.sandbox.kit.validation import FormCheck

Pages = dict[str, dict[str, Any]]


def _nothing_to_check(c: FormCheck, pages: Pages) -> None:
    """A page whose only fields are uploads (checked as they are received)."""


def _always(pages: Pages) -> bool:
    return True


@dataclass(frozen=True, eq=False)
class WizardPage:
    """One page of a wizard: its fields, their check, and when it applies."""

    name: str  # the draft's key for the page, its endpoint and (by default) its template
    title: str  # the h1, and the stepper's "Étape suivante"
    fields: tuple[str, ...] = ()
    check: Callable[[FormCheck, Pages], None] = _nothing_to_check
    path: str | None = None  # under the start path; None: "/" + name ("" for the first page)
    template: str | None = None
    applies: Callable[[Pages], bool] = _always  # from the earlier pages' answers
    uploads: Mapping[str, str] = field(default_factory=dict)  # file field -> what the messages call it
    context: Callable[[Pages], dict[str, Any]] | None = None  # shown besides the fields; "prefill" fills an empty page
    complete: Callable[[Pages], bool] | None = None  # filled, but still valid? (a price that changed)
    save: Callable[[dict[str, Any], Pages], dict[str, Any] | Response] | None = None  # what to keep, or where to go
    alert: str | None = None  # the error key of the page as a whole (a search that finds nothing): an alert
    multipart: bool = False  # the page posts files (its template reads it)


@dataclass(frozen=True)
class Submission:
    """A récapitulatif posted and checked: the draft's pages and the récapitulatif's own fields."""

    owner: str
    jeton: str
    pages: Pages
    values: dict[str, str]
    data: dict[str, Any]  # the fields of the pages that apply, then the récapitulatif's
    today: date
    extras: Mapping[str, Any] = field(default_factory=dict)  # kept beside the data (a payment): `record` adds them
