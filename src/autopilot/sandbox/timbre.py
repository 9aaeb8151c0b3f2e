"""Timbres fiscaux électroniques as the pré-demandes and timbres.impots.gouv.fr sell them: prices,
numbers, card payment.

A timbre is a 16-digit number, shown in groups of four and checked without its spaces
(TELESERVICES.md §3). It is not nominative; once a recorded pré-demande carries it, it is used.
The card payment is only imitated: the card number and the cryptogramme are checked, then
forgotten — never stored, never recorded, never shown again (only the last 4 digits are kept).
"""

from __future__ import annotations

import re
import secrets
import string
from dataclasses import dataclass
from datetime import date

from autopilot.sandbox.state import current_state
from autopilot.sandbox.training import Table
from autopilot.sandbox.validation import FormCheck, luhn_valid


@dataclass(frozen=True)
class Tarif:
    """The price of one use of a timbre, in force from a date."""

    usage: str
    libelle: str
    montant: int  # euros
    depuis: date


# The prices, in one place (TELESERVICES.md §2-3; economie.gouv.fr/particuliers/timbre-fiscal,
# checked November 2026). No change is known since the timbre became electronic only (1 January
# 2019), so that is the start date written here; a new price is a new row with its own start date,
# and the row in force on the sandbox's "today" applies.
TARIFS = (
    Tarif("passeport_majeur", "Passeport, demandeur majeur", 86, date(2019, 1, 1)),
    Tarif("passeport_mineur_15_17", "Passeport, demandeur mineur de 15 à 17 ans", 42, date(2019, 1, 1)),
    Tarif("passeport_mineur_moins_15", "Passeport, demandeur mineur de moins de 15 ans", 17, date(2019, 1, 1)),
    Tarif("cni_perte_vol", "Carte d'identité perdue ou volée", 25, date(2019, 1, 1)),
    Tarif("permis_perte_vol", "Permis de conduire perdu ou volé", 25, date(2019, 1, 1)),
    # R55925: "Montant du timbre : 225 €" for the stamp of a procédure d'appel.
    Tarif("droit_appel", "Droit d'appel (procédure d'appel avec avocat obligatoire)", 225, date(2019, 1, 1)),
    # OFII / titres de séjour: only the "en général" 225 € is confirmed; the grid by title is NOT
    # ([?] TELESERVICES.md §3, §8). Dated from 2024 so that a corrected grid is a new set of rows.
    Tarif("ofii_carte_sejour", "Carte de séjour temporaire ou pluriannuelle (cas général)", 225, date(2024, 1, 1)),
    Tarif("ofii_carte_resident", "Carte de résident", 225, date(2024, 1, 1)),
    Tarif("ofii_etudiant", "Carte de séjour « étudiant »", 75, date(2024, 1, 1)),
    Tarif("ofii_vls_ts", "Validation du visa long séjour valant titre de séjour (VLS-TS)", 200, date(2024, 1, 1)),
    Tarif("ofii_vls_ts_etudiant", "Validation du VLS-TS « étudiant »", 50, date(2024, 1, 1)),
    Tarif("ofii_dcem", "Document de circulation pour étranger mineur (DCEM)", 50, date(2024, 1, 1)),
    Tarif("ofii_titre_voyage_refugie", "Titre de voyage pour réfugié (majeur)", 45, date(2024, 1, 1)),
    Tarif("ofii_duplicata", "Duplicata d'un titre de séjour perdu, volé ou détérioré", 225, date(2024, 1, 1)),
)

CHOIX = [
    ("deja", "J'ai déjà un timbre fiscal électronique"),
    ("achat", "Je souhaite acheter un timbre fiscal électronique"),
]
CARD_FIELDS = ("numero_carte", "date_expiration", "cryptogramme")
_EXPIRATION = re.compile(r"^(\d{2})/(\d{2})$")


def tarif(usage: str, today: date) -> Tarif:
    """The price of `usage` in force on `today`."""
    rows = sorted((t for t in TARIFS if t.usage == usage), key=lambda t: t.depuis)
    if not rows:
        raise KeyError(usage)
    in_force = [t for t in rows if t.depuis <= today]
    return in_force[-1] if in_force else rows[0]


def tarifs_en_vigueur(prefix: str, today: date) -> list[Tarif]:
    """The rows in force on `today` whose usage starts with `prefix` ("ofii_"), in table order."""
    usages = dict.fromkeys(t.usage for t in TARIFS if t.usage.startswith(prefix))
    return [tarif(usage, today) for usage in usages]


def age_on(date_naissance: str, today: date) -> int:
    """Age in whole years of someone born on a JJ/MM/AAAA date; an unknown day or month (00) counts as 1."""
    day, month, year = (int(part) for part in date_naissance.split("/"))
    born = date(year, month or 1, day or 1)
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def passport_usage(date_naissance: str, today: date) -> str:
    """Which passport price applies to an applicant born on `date_naissance`, on `today`."""
    age = age_on(date_naissance, today)
    if age >= 18:
        return "passeport_majeur"
    return "passeport_mineur_15_17" if age >= 15 else "passeport_mineur_moins_15"


def normalise_numero(raw: str) -> str:
    """The timbre number without its spaces."""
    return "".join(raw.split())


def grouped(numero: str) -> str:
    """`1234567890123456` -> `1234 5678 9012 3456`, as the sites print it."""
    return " ".join(numero[i:i + 4] for i in range(0, len(numero), 4))


def new_numero_timbre() -> str:
    """A fresh 16-digit timbre number."""
    return "".join(str(secrets.randbelow(10)) for _ in range(16))


def check_choice(c: FormCheck, used: set[str]) -> None:
    """The "Timbre fiscal" page: buy one, or give the number of one bought earlier and not used."""
    c.choice("timbre_choix", "une option pour le timbre fiscal", [code for code, _ in CHOIX])
    if c.value("timbre_choix") != "deja" or not c.required("numero_timbre", "le numéro du timbre fiscal"):
        return
    numero = normalise_numero(c.value("numero_timbre"))
    if not re.fullmatch(r"\d{16}", numero):
        c.fail("numero_timbre", "Le numéro du timbre fiscal doit comporter 16 chiffres.")
    elif numero in used:
        c.fail("numero_timbre", "Ce timbre fiscal a déjà été utilisé.")


def check_card(c: FormCheck) -> None:
    """The card form of the purchase: a Luhn-valid number (no American Express), a future MM/AA, 3 digits."""
    if c.required("numero_carte", "le numéro de carte"):
        digits = "".join(c.value("numero_carte").split())
        if not (digits.isdigit() and 13 <= len(digits) <= 19 and luhn_valid(digits)):
            c.fail("numero_carte", "Le numéro de carte n'est pas valide.")
        elif digits[:2] in ("34", "37"):
            c.fail("numero_carte", "Les cartes American Express ne sont pas acceptées.")
    if c.required("date_expiration", "la date d'expiration"):
        match = _EXPIRATION.match(c.value("date_expiration"))
        if not match or not 1 <= int(match.group(1)) <= 12:
            c.fail("date_expiration", "La date d'expiration doit être au format MM/AA.")
        elif (2000 + int(match.group(2)), int(match.group(1))) < (c.today.year, c.today.month):
            c.fail("date_expiration", "La date d'expiration de la carte est dépassée.")
    if c.required("cryptogramme", "le cryptogramme visuel") and not re.fullmatch(r"\d{3}", c.value("cryptogramme")):
        c.fail("cryptogramme", "Le cryptogramme visuel doit comporter 3 chiffres.")


def training() -> list[Table]:
    """A card `check_card` accepts, for every payment of the sandbox; nothing is charged."""
    today = current_state().today()
    return [Table(
        "Paiement par carte bancaire", "Carte bancaire de test",
        ("Numéro de carte", "Date d'expiration", "Cryptogramme visuel"),
        (("4111 1111 1111 1111", f"12/{(today.year + 3) % 100:02d}", "123"),),
        note="Pour tous les paiements du bac à sable (timbres fiscaux, certificat d'immatriculation). Toute date "
             "d'expiration à venir (MM/AA) et 3 chiffres au choix conviennent. Rien n'est débité : seuls les "
             "4 derniers chiffres du numéro sont conservés.",
    )]


def new_reference() -> str:
    """A fresh transaction reference for a purchase (its real format is not published [?])."""
    alphabet = string.ascii_uppercase + string.digits
    return "TF" + "".join(secrets.choice(alphabet) for _ in range(10))


def card_last_digits(raw: str) -> str:
    """The last 4 digits of a checked card number: all that is ever kept of it."""
    return "".join(raw.split())[-4:]
