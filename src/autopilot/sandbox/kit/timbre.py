"""Timbres fiscaux électroniques as the pré-demandes, timbres.impots.gouv.fr and the Justice sell them: prices,
numbers, card payment.

A timbre is a 16-digit number, shown in groups of four and checked without its spaces
(docs/teleservices.md §3). It is not nominative; once a recorded pré-demande carries it, it is used.
The card payment is only imitated: the card number and the cryptogramme are checked, then
forgotten — never stored, never recorded, never shown again (only the last 4 digits are kept).
"""

from __future__ import annotations

import re
import secrets
import string
from dataclasses import dataclass
from datetime import date

from autopilot.sandbox.kit.state import current_state
from autopilot.sandbox.kit.training import Table
from autopilot.sandbox.kit.validation import FormCheck, luhn_valid


@dataclass(frozen=True)
class Tarif:
    """The price of one use of a timbre, in force from a date."""

    usage: str
    libelle: str
    montant: int  # euros
    depuis: date


# The prices, in one place (docs/teleservices.md §2-3, §9.5; economie.gouv.fr/particuliers/timbre-fiscal,
# checked November 2026). No change is known since the timbre became electronic only (1 January
# 2019), so that is the start date written here; a new price is a new row with its own start date,
# and the row in force on the sandbox's "today" applies.
TARIFS = (
    Tarif("passeport_majeur", "Passeport, demandeur majeur", 86, date(2019, 1, 1)),
    Tarif("passeport_mineur_15_17", "Passeport, demandeur mineur de 15 à 17 ans", 42, date(2019, 1, 1)),
    Tarif("passeport_mineur_moins_15", "Passeport, demandeur mineur de moins de 15 ans", 17, date(2019, 1, 1)),
    Tarif("cni_perte_vol", "Carte d'identité perdue ou volée", 25, date(2019, 1, 1)),
    Tarif("permis_perte_vol", "Permis de conduire perdu ou volé", 25, date(2019, 1, 1)),
    # R55925: "Montant du timbre : 225 €" for the stamp of a procédure d'appel, sold by the Ministry of
    # Justice (`timbre_justice`), not by timbres.impots.gouv.fr (docs/teleservices.md §9.5).
    Tarif("droit_appel", "Droit d'appel (procédure d'appel avec avocat obligatoire)", 225, date(2019, 1, 1)),
)

@dataclass(frozen=True)
class Grille:
    """The foreigners' stamp amounts in force from a date: (what the stamp pays, euros) rows."""

    depuis: date
    lignes: tuple[tuple[str, int], ...]


# Foreigners' stamps are bought for the amount the préfecture or the OFII gives (docs/teleservices.md
# §9.5 [S]); the grid only tells which amounts exist. Loi de finances 2026 art. 128 (unafo.org [S]) set
# the rows below; the date they apply from is NOT confirmed [?]: one constant, a later grid is a new row.
ETRANGERS_2026_DEPUIS = date(2026, 3, 1)
GRILLES_ETRANGERS = (
    # before: only the « en général » 225 € was confirmed (docs/teleservices.md §3, [?] for the rest)
    Grille(date(2024, 1, 1), (
        ("Carte de séjour temporaire ou pluriannuelle (cas général)", 225), ("Carte de séjour « étudiant »", 75),
        ("Validation du visa long séjour valant titre de séjour (VLS-TS)", 200),
        ("Document de circulation pour étranger mineur (DCEM)", 50), ("Titre de voyage pour réfugié (majeur)", 45),
    )),
    Grille(ETRANGERS_2026_DEPUIS, (
        ("Première délivrance d'un titre de séjour", 300), ("Première délivrance, tarif réduit", 100),
        ("Renouvellement d'un titre de séjour", 200), ("Renouvellement, tarif réduit", 50),
        ("Droit de timbre", 50), ("Naturalisation", 255),
    )),
)


def grille_etrangers(today: date) -> Grille:
    """The foreigners' grid in force on `today` (the first one before any)."""
    in_force = [g for g in sorted(GRILLES_ETRANGERS, key=lambda g: g.depuis) if g.depuis <= today]
    return in_force[-1] if in_force else GRILLES_ETRANGERS[0]


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
    """The rows in force on `today` whose usage starts with `prefix` ("passeport_"), in table order."""
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
