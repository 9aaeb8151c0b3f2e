"""Server-side checks of submitted forms, with the administration's French messages.

Rules follow docs/teleservices.md §6 (JJ/MM/AAAA dates where 00 means an unknown day or month,
5-digit code postal, French mobile 06/07 + 8 digits). Each check takes the field name and a noun
phrase naming the field in messages ("le nom de naissance"); only a field's first error is kept.
"Today" is the sandbox's clock (`SandboxState.today`), given by the caller. An uploaded file is
checked from the file the caller hands over (`request.files`), and only its record is kept.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from werkzeug.datastructures import FileStorage

_NAME = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ÿŒœ' ’-]+$")
_NAMES = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ÿŒœ' ’,-]+$")
_DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
_CODE_POSTAL = re.compile(r"^\d{5}$")
_MOBILE = re.compile(r"^0[67]\d{8}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

UPLOAD_TYPES = (".pdf", ".jpg", ".jpeg", ".png")
WRONG_TYPE = "Le fichier doit être au format pdf, jpg ou png."


def _cap(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:]


class FormCheck:
    """Collects the errors of one submitted page: `errors` maps field name -> message."""

    def __init__(self, values: dict[str, str], *, today: date) -> None:
        self.values = values
        self.today = today
        self.errors: dict[str, str] = {}

    def value(self, name: str) -> str:
        """The submitted value, without surrounding spaces."""
        return (self.values.get(name) or "").strip()

    def fail(self, name: str, message: str) -> None:
        """Record an error unless the field already has one."""
        self.errors.setdefault(name, message)

    def required(self, name: str, what: str) -> bool:
        """A text field that must be filled."""
        if self.value(name):
            return True
        self.fail(name, f"Veuillez renseigner {what}.")
        return False

    def choice(self, name: str, what: str, options: list[str], *, required: bool = True) -> None:
        """A radio group or select: one of `options`."""
        value = self.value(name)
        if not value:
            if required:
                self.fail(name, f"Veuillez sélectionner {what}.")
        elif value not in options:
            self.fail(name, f"La valeur sélectionnée pour {what} n'est pas valide.")

    def person_name(self, name: str, what: str, *, required: bool = True, several: bool = False) -> None:
        """A surname or given names (`several`: comma-separated given names)."""
        if not self.value(name):
            if required:
                self.required(name, what)
            return
        if not (_NAMES if several else _NAME).match(self.value(name)):
            allowed = "des espaces, des tirets, des apostrophes et des virgules" if several \
                else "des espaces, des tirets et des apostrophes"
            self.fail(name, f"{_cap(what)} ne doit contenir que des lettres, {allowed}.")

    def date(self, name: str, what: str, *, required: bool = True) -> None:
        """A JJ/MM/AAAA date in the past; 00 stands for an unknown day (or day and month)."""
        value = self.value(name)
        if not value:
            if required:
                self.required(name, what)
            return
        match = _DATE.match(value)
        if not match:
            self.fail(name, f"{_cap(what)} doit être au format JJ/MM/AAAA.")
            return
        day, month, year = (int(part) for part in match.groups())
        if not _date_exists(day, month, year):
            self.fail(name, f"{_cap(what)} n'est pas une date valide.")
        elif (year, month or 1, day or 1) > (self.today.year, self.today.month, self.today.day):
            self.fail(name, f"{_cap(what)} ne peut pas être postérieure à la date du jour.")

    def code_postal(self, name: str) -> None:
        """Five digits."""
        if self.required(name, "le code postal") and not _CODE_POSTAL.match(self.value(name)):
            self.fail(name, "Le code postal doit comporter 5 chiffres.")

    def mobile(self, name: str) -> None:
        """A French mobile number, spaces allowed."""
        number = self.value(name).replace(" ", "") if self.required(name, "le numéro de téléphone portable") else None
        if number is not None and not _MOBILE.match(number):
            self.fail(name, "Le numéro de téléphone portable doit commencer par 06 ou 07 et comporter 10 chiffres.")

    def email(self, name: str, *, required: bool = False) -> None:
        """An e-mail address."""
        value = self.value(name)
        if not value:
            if required:
                self.required(name, "l'adresse électronique")
        elif not _EMAIL.match(value):
            self.fail(name, "L'adresse électronique n'est pas valide (exemple : nom@domaine.fr).")

    def integer_between(self, name: str, what: str, low: int, high: int, unit: str) -> None:
        """A whole number within `[low, high]`."""
        if not self.required(name, what):
            return
        value = self.value(name)
        if not value.isdigit() or not low <= int(value) <= high:
            self.fail(name, f"{_cap(what)} doit être un nombre entier de {unit} entre {low} et {high}.")

    def pattern(self, name: str, regex: str, message: str) -> None:
        """A filled value must match `regex`."""
        value = self.value(name)
        if value and not re.fullmatch(regex, value):
            self.fail(name, message)

    def ticked(self, name: str, message: str) -> None:
        """A checkbox that must be ticked."""
        if not self.value(name):
            self.fail(name, message)

    def upload(
        self, name: str, file: FileStorage | None, what: str, *, max_bytes: int,
        types: tuple[str, ...] = UPLOAD_TYPES, required: bool = True, kept: dict[str, Any] | None = None,
        wrong_type: str = WRONG_TYPE, too_big: str | None = None,
    ) -> dict[str, Any] | None:
        """A file field: the record `{"nom", "taille", "sha256"}` of the file sent (never its content).

        No file sent: the record `kept` from an earlier post of the page, else None and, when
        `required`, "Veuillez joindre {what}.". A name not ending with one of `types` fails with
        `wrong_type`; an empty file, or one over `max_bytes`, with `too_big` (by default
        "Le fichier doit peser moins de N Mo.").
        """
        filename = (file.filename or "") if file else ""
        if not file or not filename:
            if kept is None and required:
                self.fail(name, f"Veuillez joindre {what}.")
            return kept
        content = file.read()
        if not filename.lower().endswith(types):
            self.fail(name, wrong_type)
        elif not content or len(content) > max_bytes:
            self.fail(name, too_big or f"Le fichier doit peser moins de {max_bytes // (1024 * 1024)} Mo.")
        else:
            return {"nom": filename, "taille": len(content), "sha256": hashlib.sha256(content).hexdigest()}
        return None


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum of a string of digits (card numbers, SIREN, SIRET)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _date_exists(day: int, month: int, year: int) -> bool:
    if year < 1900 or month > 12 or (month == 0 and day != 0):
        return False
    if day == 0 or month == 0:
        return True
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True
