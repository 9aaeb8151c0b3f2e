"""Replica of service-public's « Calculer le coût du certificat d'immatriculation » (www.service-public.fr).

TELESERVICES.md §5 « Coût / simulateur ». The real simulator is a multi-page application whose
questions and path are NOT confirmed [?]; this one keeps to the components of F19211, for a
voiture particulière d'occasion already registered in France. Pages:

- `START_PATH` — h1 « Calculer le coût du certificat d'immatriculation »: « Puissance fiscale (CV) »
  (puissance_fiscale, 1 to 100), the select « Région » (region, the regions with a price in force
  today), the select « Énergie » (energie, `ENERGIES`' texts), « Date de première immatriculation »
  (date_premiere_immatriculation, JJ/MM/AAAA); button « Calculer ». A valid POST -> 303 to
  `START_PATH/resultat/<id>`.
- `.../resultat/<id>` — h1 « Coût de votre certificat d'immatriculation »: a table of the taxes,
  one row each: « Taxe régionale » (Y1), « Taxe pour la formation professionnelle dans les
  transports » (Y2, 0 € for a voiture particulière), « Taxe sur les véhicules polluants » (Y3,
  0 € for a vehicle already registered in France), « Taxe fixe » (Y4, 11 €), « Redevance
  d'acheminement » (Y5, 2,76 €) and « Montant total » (Y6).
- `PRIX_CV_PATH` — h1 « Prix du cheval fiscal »: the price in force today in each region.

Y1 = prix du cheval fiscal of the region (in force on the sandbox's today) × CV, rounded to the
nearest euro, then: electric and hydrogen vehicles are exempt; GPL and E85 vehicles get the
region's own exemption (0, 50 or 100 %); vehicles of 10 years or more get 50 % off. When two
reductions apply, the larger one is kept — whether they add up is NOT confirmed [?].

The prices are dated rows (`TARIFS`): a region's newer row replaces its older one from its start
date. Values from TELESERVICES.md (2023 [S], 2025 [S/C]); where a source gives no start date, the
1st of January of its year is assumed [?]. The GPL/E85 exemptions per region are NOT confirmed:
the replica's own illustrative values [?], 0 % unless written. Nothing here is authoritative for
2026. The simulator records nothing: it sends nothing to the administration.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request

from autopilot.sandbox.state import current_state
from autopilot.sandbox.training import Link
from autopilot.sandbox.validation import FormCheck

HOST = "www.service-public.fr"
HOSTS = (HOST,)
START_PATH = "/simulateur/calcul/cout-certificat-immatriculation"
PRIX_CV_PATH = "/simulateur/calcul/PrixCV"
SERVICES = {HOST: {
    "name": "Service-Public.fr",
    "tagline": "Le site officiel de l'administration française",
    "home": START_PATH,
}}
SITE = "simulateur_cout"
HOME = (Link("Immatriculation", "Calculer le coût du certificat d'immatriculation (Service-Public.fr)",
             HOST, START_PATH),)


@dataclass(frozen=True)
class PrixCheval:
    """The price of one cheval fiscal in a region, in force from a date."""

    region: str
    prix: Decimal  # euros
    depuis: date
    exoneration_gpl_e85: int = 0  # percent [?]


def _row(region: str, prix: str, depuis: date, gpl_e85: int = 0) -> PrixCheval:
    return PrixCheval(region, Decimal(prix), depuis, gpl_e85)


_2023, _2024, _2025 = date(2023, 1, 1), date(2024, 1, 1), date(2025, 1, 1)
TARIFS = (
    # 2023 (centreauto-jpm.fr [S]; F19211 checked on 01/01/2023).
    _row("Auvergne-Rhône-Alpes", "43", _2023),
    _row("Bourgogne-Franche-Comté", "51", _2023),
    _row("Bretagne", "51", _2023, gpl_e85=50),
    _row("Centre-Val de Loire", "49.80", _2023),
    _row("Corse", "27", _2023),
    _row("Grand Est", "48", _2023),
    _row("Hauts-de-France", "34.50", _2023, gpl_e85=100),
    _row("Île-de-France", "46.15", _2023, gpl_e85=100),
    _row("Normandie", "35", _2023),
    _row("Nouvelle-Aquitaine", "45", _2023),
    _row("Occitanie", "44", _2023),
    _row("Pays de la Loire", "51", _2023),
    _row("Provence-Alpes-Côte d'Azur", "51.20", _2023, gpl_e85=100),
    # Hauts-de-France "went from 36,20 € to 42 €" (service-public PrixCV, 01/03/2025): the start of
    # 36,20 € is not known [?]; 42 € without the clean-vehicle exemption from 1 March 2025 [C].
    _row("Hauts-de-France", "36.20", _2024, gpl_e85=100),
    _row("Hauts-de-France", "42", date(2025, 3, 1)),
    # 2025 (mesdemarchesadministratives.fr, carlaxie.fr [S]).
    _row("Auvergne-Rhône-Alpes", "44", _2025),
    _row("Bretagne", "60", _2025, gpl_e85=50),
    _row("Grand Est", "60", _2025),
    _row("La Réunion", "57", date(2025, 2, 1)),
)
# The order of the select (and of the PrixCV table).
REGIONS = (
    "Auvergne-Rhône-Alpes", "Bourgogne-Franche-Comté", "Bretagne", "Centre-Val de Loire", "Corse",
    "Grand Est", "Hauts-de-France", "Île-de-France", "Normandie", "Nouvelle-Aquitaine", "Occitanie",
    "Pays de la Loire", "Provence-Alpes-Côte d'Azur", "La Réunion",
)
ENERGIES = (
    "Essence", "Diesel (gazole)", "Hybride", "Électrique", "Hydrogène", "GPL", "Superéthanol E85",
)
EXEMPT = ("Électrique", "Hydrogène")
REGIONAL_EXEMPTION = ("GPL", "Superéthanol E85")
TAXE_FIXE = Decimal(11)
REDEVANCE_ACHEMINEMENT = Decimal("2.76")
OLD_VEHICLE_YEARS = 10
FIELDS = ("puissance_fiscale", "region", "energie", "date_premiere_immatriculation")

bp = Blueprint("simulateur_cout", __name__)


def prix_en_vigueur(region: str, today: date) -> PrixCheval | None:
    """The row of `region` in force on `today`, or None before its first row."""
    rows = [row for row in TARIFS if row.region == region and row.depuis <= today]
    return max(rows, key=lambda row: row.depuis) if rows else None


def _regions(today: date) -> list[str]:
    return [region for region in REGIONS if prix_en_vigueur(region, today)]


def _euros(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def _age(first: date, today: date) -> int:
    return today.year - first.year - ((today.month, today.day) < (first.month, first.day))


@dataclass(frozen=True)
class Simulation:
    """The taxes of one certificat d'immatriculation, in euros."""

    prix: PrixCheval
    reduction: int  # percent off the regional tax
    motif_reduction: str | None
    taxe_regionale: Decimal
    taxe_fixe: Decimal = TAXE_FIXE
    redevance: Decimal = REDEVANCE_ACHEMINEMENT

    @property
    def total(self) -> Decimal:
        return self.taxe_regionale + self.taxe_fixe + self.redevance


def simulate(cv: int, prix: PrixCheval, energie: str, premiere_immatriculation: date, today: date) -> Simulation:
    """Y1 with its reduction, for `cv` chevaux at the price `prix`."""
    reductions: list[tuple[int, str]] = []
    if energie in EXEMPT:
        reductions.append((100, f"Véhicule {energie.lower()} : exonération totale de la taxe régionale."))
    if energie in REGIONAL_EXEMPTION and prix.exoneration_gpl_e85:
        reductions.append((prix.exoneration_gpl_e85,
                           f"Véhicule {energie} : exonération de {prix.exoneration_gpl_e85} % en {prix.region}."))
    if _age(premiere_immatriculation, today) >= OLD_VEHICLE_YEARS:
        reductions.append((50, f"Véhicule de {OLD_VEHICLE_YEARS} ans ou plus : réduction de 50 %."))
    percent, motif = max(reductions, default=(0, None))
    taxe = _euros(prix.prix * cv * (100 - percent) / 100)
    return Simulation(prix, percent, motif, taxe)


def euros(amount: Decimal | int) -> str:
    """`Decimal("244.76")` -> "244,76 €", `Decimal("231")` -> "231 €"."""
    amount = Decimal(amount)
    if amount == amount.to_integral_value():
        return f"{int(amount)} €"
    return f"{amount:.2f} €".replace(".", ",")


def _check(c: FormCheck, regions: list[str]) -> None:
    c.integer_between("puissance_fiscale", "la puissance fiscale", 1, 100, "chevaux fiscaux")
    c.choice("region", "la région", regions)
    c.choice("energie", "l'énergie", list(ENERGIES))
    c.date("date_premiere_immatriculation", "la date de première immatriculation")


def _first_registration(jj_mm_aaaa: str) -> date:
    day, month, year = (int(part) for part in jj_mm_aaaa.split("/"))
    return date(year, month or 1, day or 1)  # 00 for an unknown day or month


@bp.route(START_PATH, methods=["GET", "POST"], host=HOST)
def formulaire() -> Any:
    state = current_state()
    today = state.today()
    regions = _regions(today)
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {name: request.form.get(name, "") for name in FIELDS}
        check = FormCheck(values, today=today)
        _check(check, regions)
        errors = check.errors
        if not errors:
            numero = secrets.token_urlsafe(8)
            with state.lock:
                state.site(SITE).setdefault("simulations", {})[numero] = {
                    name: check.value(name) for name in FIELDS
                } | {"le": today}
            return redirect(f"{START_PATH}/resultat/{numero}", 303)
    return render_template(
        "simulateur/formulaire.html", titre="Calculer le coût du certificat d'immatriculation",
        values=values, errors=errors, regions=regions, energies=ENERGIES, prix_cv_url=PRIX_CV_PATH,
    )


@bp.route(START_PATH + "/resultat/<numero>", host=HOST)
def resultat(numero: str) -> str:
    state = current_state()
    with state.lock:
        found = dict(state.site(SITE).get("simulations", {}).get(numero) or {})
    if not found:
        abort(404)
    prix = prix_en_vigueur(found["region"], found["le"])
    if prix is None:  # the clock went back before the region's first price
        abort(404)
    simulation = simulate(int(found["puissance_fiscale"]), prix, found["energie"],
                          _first_registration(found["date_premiere_immatriculation"]), found["le"])
    return render_template(
        "simulateur/resultat.html", titre="Coût de votre certificat d'immatriculation",
        d=found, s=simulation, le=found["le"].strftime("%d/%m/%Y"), euros=euros, start_url=START_PATH,
    )


@bp.route(PRIX_CV_PATH, host=HOST)
def prix_cv() -> str:
    today = current_state().today()
    rows = [row for row in (prix_en_vigueur(region, today) for region in REGIONS) if row]
    return render_template("simulateur/prix_cv.html", titre="Prix du cheval fiscal", rows=rows,
                           le=today.strftime("%d/%m/%Y"), euros=euros, start_url=START_PATH)


@bp.route("/", host=HOST)
def home() -> Response:
    return redirect(START_PATH, 303)
