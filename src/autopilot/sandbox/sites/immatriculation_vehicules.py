"""The data and rules of the immatriculation replica: the SIV's vehicles, its dossiers and
codes de cession, the cost of a new certificate, plates and addresses as the administration
writes them.

Pages and routes are elsewhere (`immatriculation_demarche`, `ants_immatriculation`,
`ants_immatriculation_titulaire`). The vehicles, the codes de cession and the dossiers live in
the site store (`store()`, cleared by a reset), so a cession's code is what a later changement
de titulaire types. The formats of the code de cession and of the numéro de dossier are NOT
confirmed [?] (docs/teleservices.md §5).
"""

from __future__ import annotations

import copy
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from autopilot.sandbox.kit.state import current_state

SITE = "immatriculation"

# -- the vehicles, the taxes, the dossiers the site starts with ------------------------------------

# Each certificate as the SIV holds it. `taxe_regionale` is the vehicle's Y1 for a new holder
# (fiscal horsepower × the region's cheval fiscal, 2025 rates of docs/teleservices.md §5 [S]).
VEHICULES: tuple[dict[str, Any], ...] = (
    {"immatriculation": "GE-415-KL", "numero_formule": "2021GE41573", "date_certificat": "03/05/2021",
     "vehicule": "Peugeot 208", "titulaire": {"nom": "Bernard", "prenoms": "Michel"},
     "adresse": {"voie": "8 rue du Port", "complement": "", "code_postal": "29200", "commune": "Brest"},
     "changements_adresse": 0, "taxe_regionale": Decimal(240)},  # 4 CV × 60 € (Bretagne)
    {"immatriculation": "DB-732-MN", "numero_formule": "2020DB73205", "date_certificat": "17/09/2020",
     "vehicule": "Renault Clio", "titulaire": {"nom": "Lefèvre", "prenoms": "Camille, Louise"},
     "adresse": {"voie": "12 rue des Lilas", "complement": "", "code_postal": "35000", "commune": "Rennes"},
     "changements_adresse": 1, "taxe_regionale": Decimal(300)},  # 5 CV × 60 € (Bretagne)
    {"immatriculation": "FR-208-TX", "numero_formule": "2018FR20811", "date_certificat": "22/01/2018",
     "vehicule": "Citroën C3", "titulaire": {"nom": "Lefèvre", "prenoms": "Camille, Louise"},
     "adresse": {"voie": "12 rue des Lilas", "complement": "", "code_postal": "35000", "commune": "Rennes"},
     "changements_adresse": 3, "taxe_regionale": Decimal(240)},
    {"immatriculation": "4521 TZ 35", "numero_formule": "", "date_certificat": "18/03/2004",
     "vehicule": "Renault Kangoo", "titulaire": {"nom": "Le Goff", "prenoms": "Yannick"},
     "adresse": {"voie": "3 place de la Mairie", "complement": "", "code_postal": "29000", "commune": "Quimper"},
     "changements_adresse": 0, "taxe_regionale": Decimal(150)},  # 5 CV × 60 €, halved (over 10 years) [S]
    {"immatriculation": "CV-590-PA", "numero_formule": "2019CV59012", "date_certificat": "11/06/2019",
     "vehicule": "Renault Master", "titulaire": {"raison_sociale": "Boulangerie Kervella", "siret": "73282932000074"},
     "adresse": {"voie": "5 quai de l'Odet", "complement": "", "code_postal": "29000", "commune": "Quimper"},
     "changements_adresse": 0, "taxe_regionale": Decimal(600)},
)


@dataclass(frozen=True)
class Taxe:
    """One fixed tax of a new certificate, in force from a date."""

    code: str  # the line of the certificate's cost (Y4, Y5)
    libelle: str
    montant: Decimal
    depuis: date


# F19211 (checked in force on 1 January 2023, docs/teleservices.md §5); a change is a new row.
TAXES = (
    Taxe("Y4", "Taxe fixe", Decimal(11), date(2023, 1, 1)),
    Taxe("Y5", "Redevance d'acheminement", Decimal("2.76"), date(2023, 1, 1)),
)

STATUTS = ("Demande enregistrée", "En cours d'instruction", "Certificat en cours de fabrication",
           "Certificat envoyé")
CESSION_STATUT = "Déclaration de cession enregistrée"
ETIQUETTE_STATUT = "Étiquette envoyée"
SEEDED_DOSSIERS: tuple[dict[str, Any], ...] = (
    {"numero": "2026-IMM-000412", "demarche": "Changement de titulaire", "immatriculation": "EX-621-RB",
     "historique": [("Demande enregistrée", "2026-10-02"), ("En cours d'instruction", "2026-10-03"),
                    ("Certificat en cours de fabrication", "2026-10-09")]},
    {"numero": "2026-IMM-000398", "demarche": "Changement d'adresse", "immatriculation": "BT-904-LC",
     "historique": [("Demande enregistrée", "2026-09-21"), ("En cours d'instruction", "2026-09-22"),
                    ("Certificat en cours de fabrication", "2026-09-25"), ("Certificat envoyé", "2026-09-29")]},
    {"numero": "2026-IMM-000455", "demarche": "Changement d'état civil", "immatriculation": "HK-318-DZ",
     "historique": [("Demande enregistrée", "2026-10-27"), ("En cours d'instruction", "2026-10-28")]},
)

CODE_CESSION_DAYS = 15
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud to the buyer

_SIV = re.compile(r"([A-HJ-NP-TV-Z]{2})[\s-]?(\d{3})[\s-]?([A-HJ-NP-TV-Z]{2})")
_FNI = re.compile(r"(\d{1,4})\s?([A-Z]{1,3})\s?(\d{2}|2A|2B|97[1-6])")


# -- identifiers and the site's memory --------------------------------------------------------------


def normalise_plaque(raw: str) -> str | None:
    """`ge 415 kl` -> `GE-415-KL`, `4521tz35` -> `4521 TZ 35`; None when it is neither form."""
    text = " ".join(raw.upper().split())
    if match := _SIV.fullmatch(text):
        left, digits, right = match.groups()
        if "SS" in (left, right) or left == "WW" or digits == "000":
            return None
        return f"{left}-{digits}-{right}"
    if match := _FNI.fullmatch(text.replace("-", " ")):
        return " ".join(match.groups())
    return None


def store() -> dict[str, Any]:
    """The site store, seeded on first use: vehicles by plate, cessions by code, dossiers by number."""
    state = current_state()
    with state.lock:
        site = state.site(SITE)
        if "vehicules" not in site:
            site["vehicules"] = {v["immatriculation"]: copy.deepcopy(v) for v in VEHICULES}
            site["cessions"] = {}
            site["dossiers"] = {d["numero"]: copy.deepcopy(d) for d in SEEDED_DOSSIERS}
            site["codes_montres"] = set()
        return site


def vehicle(plaque: str) -> dict[str, Any] | None:
    """A copy of the certificate of this (normalised) plate."""
    state = current_state()
    with state.lock:
        found = store()["vehicules"].get(plaque)
        return copy.deepcopy(found) if found else None


def cession_of(plaque: str) -> dict[str, Any] | None:
    """A copy of the latest unused cession declared for this plate."""
    state = current_state()
    with state.lock:
        found = [c for c in store()["cessions"].values() if c["immatriculation"] == plaque and not c["utilise"]]
        return copy.deepcopy(found[-1]) if found else None


def new_numero(today: date) -> str:
    """A numéro de dossier no dossier has yet: `2026-IMM-012345`."""
    state = current_state()
    with state.lock:
        dossiers = store()["dossiers"]
        while (numero := f"{today.year}-IMM-{secrets.randbelow(10**6):06d}") in dossiers:
            pass
        return numero


def new_code() -> str:
    """A code de cession: 6 characters easy to read aloud."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


def new_dossier(site: dict[str, Any], numero: str, demarche: str, plaque: str, statut: str, today: date) -> None:
    """Open the dossier `numero` in the (locked) site store, at `statut` since `today`."""
    site["dossiers"][numero] = {"numero": numero, "demarche": demarche, "immatriculation": plaque,
                                "historique": [(statut, today.isoformat())]}


def dossier_copy(numero: str) -> dict[str, Any] | None:
    """A copy of the dossier with this number (spaces and case ignored)."""
    wanted = "".join(numero.split()).upper()
    state = current_state()
    with state.lock:
        found = store()["dossiers"].get(wanted)
        return copy.deepcopy(found) if found else None


def one_month_after(day: date) -> date:
    """The same day a month later (the last day of a shorter month): a CPI's end of validity."""
    month, year = (day.month % 12) + 1, day.year + (day.month == 12)
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


# -- the cost of a new certificate ------------------------------------------------------------------


def euros(amount: Decimal) -> str:
    """`Decimal("253.76")` -> `"253,76"`; whole euros without decimals (`"240"`)."""
    text = f"{amount:.2f}".replace(".", ",")
    return text.removesuffix(",00")


def taxes_in_force(today: date) -> list[Taxe]:
    """The fixed taxes (Y4, Y5) in force on `today`."""
    rows = []
    for code in dict.fromkeys(t.code for t in TAXES):
        dated = sorted((t for t in TAXES if t.code == code), key=lambda t: t.depuis)
        in_force = [t for t in dated if t.depuis <= today]
        rows.append(in_force[-1] if in_force else dated[0])
    return rows


def cost(today: date, regionale: Decimal | None) -> list[tuple[str, Decimal]]:
    """The lines of a new certificate's cost, the total last."""
    lines = [("Taxe régionale (Y1)", regionale)] if regionale is not None else []
    lines += [(f"{t.libelle} ({t.code})", t.montant) for t in taxes_in_force(today)]
    return [*lines, ("Montant total", sum((amount for _, amount in lines), Decimal(0)))]


# -- address normalisation, Mascadia-like [?] ------------------------------------------------------

_ABBREVIATIONS = {
    "AVENUE": "AV", "BOULEVARD": "BD", "PLACE": "PL", "ROUTE": "RTE", "CHEMIN": "CHE", "IMPASSE": "IMP",
    "ALLEE": "ALL", "QUAI": "QUAI", "SAINT": "ST", "SAINTE": "STE", "RESIDENCE": "RES", "BATIMENT": "BAT",
    "APPARTEMENT": "APT", "LIEU-DIT": "LD", "FAUBOURG": "FG", "SQUARE": "SQ",
}


def normalised(text: str) -> str:
    """A postal line as La Poste writes it: upper case, no accents or punctuation, usual abbreviations."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().upper()
    words = re.sub(r"[^A-Z0-9]+", " ", plain.replace("LIEU-DIT", "LIEU_DIT")).split()
    return " ".join(_ABBREVIATIONS.get(word.replace("LIEU_DIT", "LIEU-DIT"), word) for word in words)


def proposal(adresse: dict[str, str]) -> dict[str, str]:
    """The normalised address proposed for what was typed."""
    return {"voie": normalised(adresse["voie"]), "complement": normalised(adresse.get("complement", "")),
            "code_postal": adresse["code_postal"], "commune": normalised(adresse["commune"])}
