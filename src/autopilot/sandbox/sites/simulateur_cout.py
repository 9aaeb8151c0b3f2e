"""Replica of service-public's « Calculer le coût du certificat d'immatriculation » (www.service-public.fr).

docs/teleservices.md §9.2 (the questions, their ids and order [S], the 2026 rates, electric cars)
and §5 « Coût / simulateur » (the taxes Y1–Y6). Only the ids are known, not the labels: the labels
here are the replica's own [?]. Pages:

- `START_PATH` — h1 « Calculer le coût du certificat d'immatriculation », one form in the real
  order: `select#demarche`, radios `franceOuImport` (_1 « Acheté en France » [?], _2 « Importé en
  France après avoir été immatriculé dans un autre pays »), `select#typeVehicule`,
  `input#dateMiseEnCirculation` (type=date, so the browser posts AAAA-MM-JJ), `#PuissanceAdmSaisie`
  (type=number), `select#energie`; then, unless the énergie is 3, 8 or 12 (electric, plug-in
  hybrids: the scraper skips them [?]), `#TauxCO2Saisi`, radios `vehicule_8Places` and
  `personneMorale`, `#poidsSaisi` — a script hides that block (hidden inputs are not sent); then
  `select#departement` (all départements, 2A/2B and 971–976, whose région has a rate today) and
  `button#btn_g6k_`. A valid POST -> 303 to `START_PATH/resultat/<id>`.
- `.../resultat/<id>` — h1 « Coût de votre certificat d'immatriculation »: « Vos réponses » (what
  the replica received), the rate used, and the taxes Y1–Y6; the total also in `p.sp-blue strong`.
- `PRIX_CV_PATH` — h1 « Prix du cheval fiscal » (service-public « PrixCV », §5): each région's rate
  in force today, and whether electric cars pay it.

The date is the démarche's: the sandbox's today, when the form is sent. Y1 = prix du cheval fiscal
of the département's région in force that day × CV × the vehicle type's factor (× 0,5 from 10 years
after the first registration), rounded to the nearest euro; 0 for an electric car where
`simulateur_tarifs.electrique_exonere`. Y2 by vehicle type, Y4 11 €, Y5 2,76 €. The malus Y3 is
0 for a vehicle already registered in France changing hands; for a first registration or an
imported vehicle it is NOT estimated by this replica [?] (the page says so; the total leaves it
out). GPL/E85 and the other energies of the real list are not offered [?]. The simulator records
nothing: it sends nothing to the administration.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request

from autopilot.sandbox.kit.state import current_state
from autopilot.sandbox.kit.training import Link
from autopilot.sandbox.kit.validation import FormCheck
from autopilot.sandbox.sites.simulateur_tarifs import (
    REGION_OF,
    REGIONS,
    PrixCheval,
    departements_tarifes,
    electrique_exonere,
    prix_en_vigueur,
)

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

# Option values are the real ones where known (§9.2 [S]); the texts of the copies of its data.
DEMARCHES = (("1", "Première immatriculation en France d'un véhicule"),
             ("2", "Immatriculation d’un véhicule d’occasion (changement de titulaire du certificat)"))
CHANGEMENT_DE_TITULAIRE = "2"
PROVENANCES = (("1", "Acheté en France"),
               ("2", "Importé en France après avoir été immatriculé dans un autre pays"))
EN_FRANCE = "1"


@dataclass(frozen=True)
class TypeVehicule:
    """A `select#typeVehicule` option: its share of Y1 (young, 10 years or more) and its Y2."""

    libelle: str
    part: Decimal
    part_ancien: Decimal
    formation: Decimal  # Y2, euros


TYPES = {
    "1": TypeVehicule("Véhicule de tourisme (VT ou M1) ex-Voiture particulière (VP)",
                      Decimal(1), Decimal("0.5"), Decimal(0)),
    "2": TypeVehicule("Camionnette, Utilitaire pour le transport de marchandises jusqu'à 3,5 tonnnes (CTTE, N1)",
                      Decimal(1), Decimal("0.5"), Decimal(34)),
    "6": TypeVehicule("Moto de plus de 125 cm3 (MTT1, MTT2, L3e, L4e)", Decimal("0.5"), Decimal("0.5"), Decimal(0)),
}
ENERGIES = (
    ("1", "Essence (ES)"), ("2", "Gazole (GO), Biogazole B100 (BL)"),
    ("3", "Essence/électricité - hybride rechargeable (EE)"),
    ("8", "Électricité (EL), Hydrogène (H2) ou combinaison des 2 (HE, HH)"),
    ("12", "Gazole/électricité, Biogazole/électricité - hybride rechargeable (GL, BL)"),
    ("13", "Gazole/électricité, Biogazole/électricité - hybride non rechargeable (GH, BH)"),
    ("16", "Essence/électricité - hybride non rechargeable (EH)"),
)
ELECTRIQUE = "8"
SANS_QUESTIONS_MALUS = ("3", "8", "12")
OUI_NON = (("1", "Oui"), ("2", "Non"))
TAXE_FIXE = Decimal(11)
REDEVANCE_ACHEMINEMENT = Decimal("2.76")
OLD_VEHICLE_YEARS = 10
MALUS_FIELDS = ("TauxCO2Saisi", "vehicule_8Places", "personneMorale", "poidsSaisi")
FIELDS = ("demarche", "franceOuImport", "typeVehicule", "dateMiseEnCirculation", "PuissanceAdmSaisie", "energie",
          *MALUS_FIELDS, "departement")

bp = Blueprint("simulateur_cout", __name__)


def _euros(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def _age(first: date, today: date) -> int:
    return today.year - first.year - ((today.month, today.day) < (first.month, first.day))


@dataclass(frozen=True)
class Simulation:
    """The taxes of one certificat d'immatriculation, in euros; `malus` None when not estimated."""

    prix: PrixCheval
    motif: str | None
    taxe_regionale: Decimal
    formation: Decimal
    malus: Decimal | None
    taxe_fixe: Decimal = TAXE_FIXE
    redevance: Decimal = REDEVANCE_ACHEMINEMENT

    @property
    def total(self) -> Decimal:
        return self.taxe_regionale + self.formation + (self.malus or 0) + self.taxe_fixe + self.redevance


def simulate(answers: dict[str, str], le: date) -> Simulation | None:
    """The taxes for the answers as received, on the démarche's date `le`; None without a rate then."""
    prix = prix_en_vigueur(REGION_OF[answers["departement"]], le)
    if prix is None:
        return None
    kind = TYPES[answers["typeVehicule"]]
    part, motif = kind.part, None
    if _age(date.fromisoformat(answers["dateMiseEnCirculation"]), le) >= OLD_VEHICLE_YEARS and kind.part_ancien < part:
        part, motif = kind.part_ancien, f"Véhicule de {OLD_VEHICLE_YEARS} ans ou plus : réduction de 50 %."
    if answers["energie"] == ELECTRIQUE and electrique_exonere(prix.region, le):
        part = Decimal(0)
        motif = f"Véhicule électrique : exonéré de la taxe régionale en {prix.region} à cette date."
    used_in_france = (answers["demarche"], answers["franceOuImport"]) == (CHANGEMENT_DE_TITULAIRE, EN_FRANCE)
    malus = Decimal(0) if used_in_france else None
    taxe_regionale = _euros(prix.prix * int(answers["PuissanceAdmSaisie"]) * part)
    return Simulation(prix, motif, taxe_regionale, kind.formation, malus)


def euros(amount: Decimal | int) -> str:
    """`Decimal("244.76")` -> "244,76 €", `Decimal("231")` -> "231 €"."""
    amount = Decimal(amount)
    if amount == amount.to_integral_value():
        return f"{int(amount)} €"
    return f"{amount:.2f} €".replace(".", ",")


def _check(c: FormCheck, departements: list[str]) -> None:
    c.choice("demarche", "la démarche", [value for value, _ in DEMARCHES])
    c.choice("franceOuImport", "la provenance du véhicule", [value for value, _ in PROVENANCES])
    c.choice("typeVehicule", "le type de véhicule", list(TYPES))
    _iso_date(c, "dateMiseEnCirculation", "la date de première mise en circulation")
    c.integer_between("PuissanceAdmSaisie", "la puissance administrative", 1, 100, "chevaux fiscaux")
    c.choice("energie", "l'énergie", [value for value, _ in ENERGIES])
    if c.value("energie") and c.value("energie") not in SANS_QUESTIONS_MALUS:
        c.integer_between("TauxCO2Saisi", "le taux de CO₂", 0, 999, "grammes par kilomètre")
        c.choice("vehicule_8Places", "si le véhicule a 8 places assises ou plus", [v for v, _ in OUI_NON])
        c.choice("personneMorale", "si le titulaire est une personne morale", [v for v, _ in OUI_NON])
        c.integer_between("poidsSaisi", "le poids du véhicule", 1, 9999, "kilogrammes")
    c.choice("departement", "le département", departements)


def _iso_date(c: FormCheck, name: str, what: str) -> None:
    """A type=date input: the browser sends AAAA-MM-JJ; not after today."""
    if not c.required(name, what):
        return
    try:
        day = date.fromisoformat(c.value(name))
    except ValueError:
        c.fail(name, f"{what[:1].upper()}{what[1:]} n'est pas une date valide.")
        return
    if day > c.today or day.year < 1900:
        c.fail(name, f"{what[:1].upper()}{what[1:]} doit être comprise entre 1900 et la date du jour.")


@bp.route(START_PATH, methods=["GET", "POST"], host=HOST)
def formulaire() -> Any:
    state = current_state()
    today = state.today()
    departements = departements_tarifes(today)
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {name: request.form.get(name, "") for name in FIELDS}
        check = FormCheck(values, today=today)
        _check(check, [code for code, _ in departements])
        errors = check.errors
        if not errors:
            numero = secrets.token_urlsafe(8)
            malus_asked = check.value("energie") not in SANS_QUESTIONS_MALUS
            asked = [name for name in FIELDS if malus_asked or name not in MALUS_FIELDS]
            with state.lock:
                state.site(SITE).setdefault("simulations", {})[numero] = {
                    "reponses": {name: check.value(name) for name in asked}, "le": today}
            return redirect(f"{START_PATH}/resultat/{numero}", 303)
    return render_template(
        "simulateur/formulaire.html", titre="Calculer le coût du certificat d'immatriculation",
        values=values, errors=errors, demarches=DEMARCHES, provenances=PROVENANCES,
        types=[(value, kind.libelle) for value, kind in TYPES.items()], energies=ENERGIES,
        sans_malus=SANS_QUESTIONS_MALUS, oui_non=OUI_NON, departements=departements, prix_cv_url=PRIX_CV_PATH,
    )


@bp.route(START_PATH + "/resultat/<numero>", host=HOST)
def resultat(numero: str) -> str:
    with current_state().lock:
        found = dict(current_state().site(SITE).get("simulations", {}).get(numero) or {})
    if not found:
        abort(404)
    answers, le = found["reponses"], found["le"]
    simulation = simulate(answers, le)
    if simulation is None:  # cannot happen: the département was offered because its région had a rate
        abort(404)
    texts = {"demarche": dict(DEMARCHES), "franceOuImport": dict(PROVENANCES), "energie": dict(ENERGIES),
             "typeVehicule": {value: kind.libelle for value, kind in TYPES.items()},
             "vehicule_8Places": dict(OUI_NON), "personneMorale": dict(OUI_NON),
             "departement": dict(departements_tarifes(le))}
    shown = {name: texts.get(name, {}).get(value, value) for name, value in answers.items()}
    if "dateMiseEnCirculation" in shown:
        shown["dateMiseEnCirculation"] = date.fromisoformat(answers["dateMiseEnCirculation"]).strftime("%d/%m/%Y")
    return render_template(
        "simulateur/resultat.html", titre="Coût de votre certificat d'immatriculation",
        d=shown, s=simulation, le=le.strftime("%d/%m/%Y"), euros=euros, start_url=START_PATH,
    )


@bp.route(PRIX_CV_PATH, host=HOST)
def prix_cv() -> str:
    today = current_state().today()
    rows = [(row, electrique_exonere(region, today)) for region in REGIONS
            if (row := prix_en_vigueur(region, today))]
    return render_template("simulateur/prix_cv.html", titre="Prix du cheval fiscal", rows=rows,
                           le=today.strftime("%d/%m/%Y"), euros=euros, start_url=START_PATH)


@bp.route("/", host=HOST)
def home() -> Response:
    return redirect(START_PATH, 303)
