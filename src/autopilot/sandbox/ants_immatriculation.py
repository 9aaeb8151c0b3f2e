"""Replica of the vehicle-registration démarches on immatriculation.ants.gouv.fr (login required).

What is known of the real site is in TELESERVICES.md §5 (and §0 for the mandate): the information
each démarche asks for is confirmed, the screens' labels, order, split and paths are NOT [?], nor
are the formats of the code de cession and of the numéro de dossier. Everything here is written
from that list, loosely validated where it is unconfirmed.

- `ants.gouv.fr/moncompte/mon-espace-vehicule` — h1 "Mon espace véhicule": one link per démarche,
  and "Demander une habilitation professionnelle" (served by `ants_habilitation`).
- Each démarche is a few pages under its start path S, like the pré-demandes (`predemande`): a
  `fr-stepper`, an h1 naming the page, "Précédent" (link) and "Suivant" (button), Post/Redirect/
  Get, a draft per account, then `S/recapitulatif` with "Je certifie sur l'honneur l'exactitude
  des informations fournies" and the démarche's submit button. When a fee is due the récapitulatif
  leads to `S/paiement` "Paiement par carte bancaire" (filled by the card holder; the card is never
  kept, only its last 4 digits), and the démarche is recorded once the card is accepted. Then
  `S/confirmation/<numero>`, its printable `.../accuse-enregistrement` and, when a new
  certificate is made, `.../certificat-provisoire` (the CPI, valid one month, France only).
- `/demarches-en-ligne/declaration-cession` (the seller): "Identification du véhicule"
  ("Immatriculation du véhicule", "Numéro de formule" or, for a pre-2009 `123 AB 01` plate,
  "Date du certificat d'immatriculation") → "Acquéreur" (a person, or a company: "Raison sociale",
  "Numéro SIRET") → "Adresse de l'acquéreur" → "Informations sur la cession" ("Date de cession",
  "Heure de cession", "Kilométrage", "Cession pour destruction": a destruction goes to a company,
  the centre VHU [?]) → "Récapitulatif" ("Valider ma déclaration"). The confirmation shows the
  "Code de cession" ONCE, valid 15 days: reloading the page no longer shows it.
- `/demarches-en-ligne/changement-titulaire` (the buyer): "Identification du véhicule" (the plate
  and the code de cession, or the numéro de formule, or the date du certificat for an FNI plate) →
  "Nouveau titulaire" → "Adresse" → "Adresse normalisée" (a Mascadia-like proposal to accept or
  not: upper case, no accents, AFNOR abbreviations [?]) → "Pièces justificatives" → récapitulatif
  with the cost (taxe régionale of the vehicle + taxe fixe + redevance d'acheminement) → payment.
- `/demarches-en-ligne/changement-adresse`: identification → "Votre nouvelle adresse" (the old one
  pre-filled) → "Pièces justificatives" → récapitulatif. The 1st to 3rd change of an SIV
  certificate: a free étiquette; from the 4th, and for any FNI plate: a new certificate, paid.
- `/demarches-en-ligne/changement-etat-civil`: identification → "Nature du changement" (état
  civil, état matrimonial, or raison sociale for a company) → "Pièces justificatives" →
  récapitulatif. Free here [?]: the fee of this démarche is not confirmed.
- `/demarches-en-ligne/suivre-ma-demande` — "Suivre ma demande d'immatriculation": "Numéro de
  dossier" → `.../<NUMERO>` "Suivi de votre dossier" (seeded dossiers and those created here).

"Pièces justificatives" asks whether the account acts as the titulaire or for them; for them it
needs the "Mandat d'immatriculation (Cerfa 13757)" and the "Pièce d'identité du titulaire" (§0).
Uploads are pdf, jpg or png up to 5 Mo, recorded as `{"nom", "taille", "sha256"}`.

Records: `{"kind", "numero_dossier", "received_at", "account", "data"}` (+ `"code_cession"` for a
cession, + `"paiement": {"montant": "253,76", "carte_fin": "1111"}` when paid), kinds
`immatriculation-cession`, `-changement-titulaire`, `-changement-adresse`, `-changement-etat-civil`.
`data` holds the pages' fields by name, normalised as the administration keeps them (plate
`AB-123-CD`, formule upper case, kilométrage digits, heure HH:MM, phone digits); radios record
their code. A double submission records twice. The vehicles (`VEHICULES`), the codes de cession
and the dossiers live in the site store, so a cession's code is what a later changement de
titulaire types.
"""

from __future__ import annotations

import copy
import hashlib
import re
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request

from autopilot.sandbox import timbre
from autopilot.sandbox.ants_compte import (
    ANTS_HOST,
    SPACE_PATH,
    VEHICLE_SPACE_PATH,
    current_account,
    login_required,
)
from autopilot.sandbox.hosts import local_url
from autopilot.sandbox.state import current_state, now_iso
from autopilot.sandbox.validation import FormCheck

IMMAT_HOST = "immatriculation.ants.gouv.fr"
HOSTS = (IMMAT_HOST,)
SITE = "immatriculation"
DEMARCHES_PATH = "/demarches-en-ligne"
SUIVI_PATH = DEMARCHES_PATH + "/suivre-ma-demande"
HABILITATION_URL = (IMMAT_HOST, DEMARCHES_PATH + "/habilitation-professionnels")

Pages = dict[str, dict[str, Any]]

# -- the vehicles, the taxes, the dossiers the site starts with ------------------------------------

# Each certificate as the SIV holds it. `taxe_regionale` is the vehicle's Y1 for a new holder
# (fiscal horsepower × the region's cheval fiscal, 2025 rates of TELESERVICES.md §5 [S]).
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


# F19211 (checked in force on 1 January 2023, TELESERVICES.md §5); a change is a new row.
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
UPLOAD_TYPES = (".pdf", ".jpg", ".jpeg", ".png")
UPLOAD_MAX = 5 * 1024 * 1024

_SIV = re.compile(r"([A-HJ-NP-TV-Z]{2})[\s-]?(\d{3})[\s-]?([A-HJ-NP-TV-Z]{2})")
_FNI = re.compile(r"(\d{1,4})\s?([A-Z]{1,3})\s?(\d{2}|2A|2B|97[1-6])")
_FORMULE = re.compile(r"\d{4}[A-Z]{2}\d{5}")
_CODE = re.compile(r"[A-Z0-9]{4,12}")  # [?] sources say 4 to 11 characters
_HEURE = re.compile(r"([01]?\d|2[0-3])\s*[:hH]\s*([0-5]\d)")

MESSAGES = {
    "plaque": "Le numéro d'immatriculation doit être au format AA-123-AA (ou 123 AB 01 pour un numéro "
              "attribué avant 2009).",
    "formule": "Le numéro de formule comporte 11 caractères : 4 chiffres, 2 lettres et 5 chiffres "
               "(par exemple 2021AB12345).",
    "inconnu_formule": "Aucun véhicule ne correspond à ce numéro d'immatriculation et à ce numéro de formule.",
    "inconnu_date": "Aucun véhicule ne correspond à ce numéro d'immatriculation et à cette date de certificat.",
    "cede": "Une déclaration de cession a déjà été enregistrée pour ce véhicule.",
    "code": "Le code de cession ne doit contenir que des lettres et des chiffres (4 à 12 caractères).",
    "code_inconnu": "Ce code de cession ne correspond pas à ce véhicule.",
    "code_expire": "Ce code de cession a expiré : il était valable 15 jours après la déclaration de cession.",
    "code_utilise": "Ce code de cession a déjà été utilisé.",
    "fni": "Ce véhicule a un numéro attribué avant 2009 : indiquez la date du certificat d'immatriculation.",
    "siv": "Ce véhicule a un numéro attribué depuis 2009 : indiquez le numéro de formule.",
    "siret": "Le numéro SIRET doit comporter 14 chiffres.",
    "heure": "L'heure de cession doit être au format HH:MM (par exemple 14:30).",
    "kilometrage": "Le kilométrage doit être un nombre entier de kilomètres, sans décimale.",
    "destruction": "Une cession pour destruction se fait au profit d'un centre VHU agréé (personne morale).",
    "meme_adresse": "La nouvelle adresse est identique à celle du certificat d'immatriculation.",
    "personne_morale": "Le titulaire de ce certificat est une personne morale : choisissez un changement de "
                       "raison sociale.",
    "personne_physique": "Le titulaire de ce certificat est une personne physique : le changement de raison "
                         "sociale ne s'applique pas.",
    "certification": "Vous devez certifier l'exactitude des informations fournies pour valider votre demande.",
    "numero_absent": "Veuillez renseigner le numéro de dossier.",
    "numero_format": "Le numéro de dossier ne doit contenir que des lettres, des chiffres et des tirets.",
    "numero_inconnu": "Aucun dossier ne correspond à ce numéro.",
}

SEXES = [("F", "Féminin"), ("M", "Masculin")]
ACQUEREURS = [("physique", "Une personne physique"), ("morale", "Une personne morale (société, association…)")]
IDENTIFICATIONS = [
    ("code", "Le code de cession remis par le vendeur"),
    ("formule", "Le numéro de formule du certificat d'immatriculation"),
    ("date", "La date du certificat d'immatriculation (numéro attribué avant 2009)"),
]
CHOIX_ADRESSE = [("normalisee", "Utiliser l'adresse normalisée"), ("saisie", "Conserver l'adresse saisie")]
QUALITES = [("titulaire", "En tant que titulaire du certificat"),
            ("mandataire", "Pour le compte du titulaire, avec son mandat")]
NATURES = [
    ("etat_civil", "Changement d'état civil (nom, prénoms)"),
    ("etat_matrimonial", "Changement d'état matrimonial (mariage, divorce, veuvage)"),
    ("raison_sociale", "Changement de raison sociale"),
]
OUI_NON = [("oui", "Oui"), ("non", "Non")]
LABELS = {
    "sexe": dict(SEXES), "type_acquereur": dict(ACQUEREURS), "identification": dict(IDENTIFICATIONS),
    "choix_adresse": dict(CHOIX_ADRESSE), "qualite": dict(QUALITES), "nature": dict(NATURES),
    "destruction": dict(OUI_NON),
}

bp = Blueprint("ants_immatriculation", __name__)


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


def _store() -> dict[str, Any]:
    """The site store, seeded on first use: vehicles by plate, cessions by code, dossiers by number."""
    state = current_state()
    with state.lock:
        store = state.site(SITE)
        if "vehicules" not in store:
            store["vehicules"] = {v["immatriculation"]: copy.deepcopy(v) for v in VEHICULES}
            store["cessions"] = {}
            store["dossiers"] = {d["numero"]: copy.deepcopy(d) for d in SEEDED_DOSSIERS}
            store["codes_montres"] = set()
        return store


def vehicle(plaque: str) -> dict[str, Any] | None:
    """A copy of the certificate of this (normalised) plate."""
    state = current_state()
    with state.lock:
        found = _store()["vehicules"].get(plaque)
        return copy.deepcopy(found) if found else None


def _cession_of(plaque: str) -> dict[str, Any] | None:
    state = current_state()
    with state.lock:
        found = [c for c in _store()["cessions"].values() if c["immatriculation"] == plaque and not c["utilise"]]
        return copy.deepcopy(found[-1]) if found else None


def _new_numero(today: date) -> str:
    state = current_state()
    with state.lock:
        dossiers = _store()["dossiers"]
        while (numero := f"{today.year}-IMM-{secrets.randbelow(10**6):06d}") in dossiers:
            pass
        return numero


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


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


def _cost(today: date, regionale: Decimal | None) -> list[tuple[str, Decimal]]:
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


# -- the checks of each page ------------------------------------------------------------------------


def _plaque(c: FormCheck) -> str | None:
    """The plate typed, normalised (kept so in the page's values); None after an error."""
    if not c.required("immatriculation", "le numéro d'immatriculation du véhicule"):
        return None
    plaque = normalise_plaque(c.value("immatriculation"))
    if plaque is None:
        c.fail("immatriculation", MESSAGES["plaque"])
    else:
        c.values["immatriculation"] = plaque
    return plaque


def _check_identification(c: FormCheck, pages: Pages, *, cession: bool = False) -> None:
    """The plate, then the numéro de formule (SIV) or the date du certificat (FNI)."""
    plaque = _plaque(c)
    if plaque is None:
        return
    found = vehicle(plaque)
    fni = " " in plaque
    formule = re.sub(r"[\s-]", "", c.value("numero_formule")).upper()
    c.values["numero_formule"] = formule
    if fni:
        if formule:
            c.fail("numero_formule", MESSAGES["fni"])
        elif c.required("date_certificat", "la date du certificat d'immatriculation"):
            c.values["date_certificat"] = c.value("date_certificat")
            c.date("date_certificat", "la date du certificat d'immatriculation")
            if "date_certificat" not in c.errors and (not found or found["date_certificat"] != c.value("date_certificat")):
                c.fail("immatriculation", MESSAGES["inconnu_date"])
    else:
        if not formule and c.value("date_certificat"):
            c.fail("numero_formule", MESSAGES["siv"])
        c.values["date_certificat"] = ""
        if c.required("numero_formule", "le numéro de formule"):
            if not _FORMULE.fullmatch(formule):
                c.fail("numero_formule", MESSAGES["formule"])
            elif not found or found["numero_formule"] != formule:
                c.fail("immatriculation", MESSAGES["inconnu_formule"])
    if cession and not c.errors and _cession_of(plaque):
        c.fail("immatriculation", MESSAGES["cede"])


def _check_identification_acquereur(c: FormCheck, pages: Pages) -> None:
    """The buyer's identification: the plate and a code de cession, a numéro de formule or a date."""
    c.choice("identification", "ce dont vous disposez pour identifier le véhicule", [k for k, _ in IDENTIFICATIONS])
    way = c.value("identification")
    if way != "code":
        c.values["code_cession"] = ""
        if way:
            _check_identification(c, pages)
        return
    c.values["numero_formule"] = c.values["date_certificat"] = ""
    plaque = _plaque(c)
    if not c.required("code_cession", "le code de cession"):
        return
    code = re.sub(r"[\s-]", "", c.value("code_cession")).upper()
    c.values["code_cession"] = code
    if not _CODE.fullmatch(code):
        c.fail("code_cession", MESSAGES["code"])
        return
    if plaque is None:
        return
    state = current_state()
    with state.lock:
        found = copy.deepcopy(_store()["cessions"].get(code))
    if found is None or found["immatriculation"] != plaque:
        c.fail("code_cession", MESSAGES["code_inconnu"])
    elif found["utilise"]:
        c.fail("code_cession", MESSAGES["code_utilise"])
    elif date.fromisoformat(found["le"]) + timedelta(days=CODE_CESSION_DAYS) < c.today:
        c.fail("code_cession", MESSAGES["code_expire"])


def _check_personne(c: FormCheck) -> None:
    c.person_name("nom_naissance", "le nom de naissance")
    c.person_name("nom_usage", "le nom d'usage", required=False)
    c.person_name("prenoms", "le ou les prénoms", several=True)
    c.choice("sexe", "le sexe", [code for code, _ in SEXES])
    c.date("date_naissance", "la date de naissance")
    c.required("commune_naissance", "la commune de naissance")


def _check_acquereur(c: FormCheck, pages: Pages) -> None:
    c.choice("type_acquereur", "le type d'acquéreur", [code for code, _ in ACQUEREURS])
    if c.value("type_acquereur") == "physique":
        _check_personne(c)
        c.values.update(raison_sociale="", siret="")
    elif c.value("type_acquereur") == "morale":
        c.required("raison_sociale", "la raison sociale")
        if c.required("siret", "le numéro SIRET"):
            siret = re.sub(r"[\s.]", "", c.value("siret"))
            c.values["siret"] = siret
            if not re.fullmatch(r"\d{14}", siret):  # the Luhn key is not checked here [?]
                c.fail("siret", MESSAGES["siret"])
        for name in ("nom_naissance", "nom_usage", "prenoms", "sexe", "date_naissance", "commune_naissance"):
            c.values[name] = ""


def _check_adresse(c: FormCheck, pages: Pages) -> None:
    c.required("voie", "le numéro et le libellé de la voie")
    c.code_postal("code_postal")
    c.required("commune", "la commune")
    for name in ("voie", "complement", "code_postal", "commune"):
        c.values[name] = c.value(name)


def _check_cession(c: FormCheck, pages: Pages) -> None:
    c.date("date_cession", "la date de cession")
    if c.required("heure_cession", "l'heure de cession"):
        match = _HEURE.fullmatch(c.value("heure_cession"))
        if match:
            c.values["heure_cession"] = f"{int(match.group(1)):02d}:{match.group(2)}"
        else:
            c.fail("heure_cession", MESSAGES["heure"])
    if c.required("kilometrage", "le kilométrage du véhicule"):
        digits = re.sub(r"[\s\u202f.]", "", c.value("kilometrage"))
        if not digits.isdigit() or len(digits) > 7:
            c.fail("kilometrage", MESSAGES["kilometrage"])
        else:
            c.values["kilometrage"] = str(int(digits))
    c.choice("destruction", "si la cession est faite pour destruction", [code for code, _ in OUI_NON])
    if c.value("destruction") == "oui" and pages.get("acquereur", {}).get("type_acquereur") == "physique":
        c.fail("destruction", MESSAGES["destruction"])


def _check_titulaire(c: FormCheck, pages: Pages) -> None:
    _check_personne(c)
    c.mobile("telephone")
    if "telephone" not in c.errors:
        c.values["telephone"] = c.value("telephone").replace(" ", "")
    c.email("courriel")


def _check_choix_adresse(c: FormCheck, pages: Pages) -> None:
    c.choice("choix_adresse", "l'adresse à utiliser", [code for code, _ in CHOIX_ADRESSE])
    typed = pages["adresse"]
    c.values.update(typed if c.value("choix_adresse") != "normalisee" else proposal(typed))


def _check_nouvelle_adresse(c: FormCheck, pages: Pages) -> None:
    _check_adresse(c, pages)
    old = (vehicle(pages["identification"]["immatriculation"]) or {}).get("adresse", {})
    if not c.errors and all(normalised(c.value(k)) == normalised(old.get(k, "")) for k in old):
        c.fail("voie", MESSAGES["meme_adresse"])


def _check_nature(c: FormCheck, pages: Pages) -> None:
    c.choice("nature", "la nature du changement", [code for code, _ in NATURES])
    nature = c.value("nature")
    morale = "raison_sociale" in (vehicle(pages["identification"]["immatriculation"]) or {}).get("titulaire", {})
    if nature == "raison_sociale":
        if not morale:
            c.fail("nature", MESSAGES["personne_physique"])
        c.required("raison_sociale", "la nouvelle raison sociale")
        c.values.update(nom_naissance="", nom_usage="", prenoms="")
    elif nature:
        if morale:
            c.fail("nature", MESSAGES["personne_morale"])
        c.person_name("nom_naissance", "le nom de naissance")
        c.person_name("nom_usage", "le nom d'usage", required=False)
        c.person_name("prenoms", "le ou les prénoms", several=True)
        c.values["raison_sociale"] = ""


def _upload(c: FormCheck, name: str, what: str, *, required: bool = True) -> None:
    """A file field: recorded as its name, size and SHA-256, never kept."""
    upload = request.files.get(name)
    filename = (upload.filename or "") if upload else ""
    c.values.pop(name, None)
    if not filename:
        if required:
            c.fail(name, f"Veuillez joindre {what}.")
        return
    content = upload.read()
    if not filename.lower().endswith(UPLOAD_TYPES):
        c.fail(name, "Le fichier doit être au format pdf, jpg ou png.")
    elif not content or len(content) > UPLOAD_MAX:
        c.fail(name, "Le fichier doit peser moins de 5 Mo.")
    else:
        c.values[name] = {"nom": filename, "taille": len(content), "sha256": hashlib.sha256(content).hexdigest()}


def _pieces_check(*documents: tuple[str, str]) -> Callable[[FormCheck, Pages], None]:
    """The documents page: the démarche's own `documents`, then the mandate and ID for a mandataire."""

    def check(c: FormCheck, pages: Pages) -> None:
        c.choice("qualite", "à quel titre vous effectuez cette démarche", [code for code, _ in QUALITES])
        for name, what in documents:
            _upload(c, name, what)
        mandataire = c.value("qualite") == "mandataire"
        _upload(c, "mandat", "le mandat d'immatriculation signé (Cerfa 13757)", required=mandataire)
        _upload(c, "piece_identite_titulaire", "la pièce d'identité du titulaire", required=mandataire)

    return check


# -- the pages and their summary --------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """One page of a démarche, at the start path (the first) or start path + "/" + slug."""

    slug: str
    title: str
    template: str
    fields: tuple[str, ...]
    check: Callable[[FormCheck, Pages], None]
    multipart: bool = False


ADRESSE_FIELDS = ("voie", "complement", "code_postal", "commune")
PERSONNE_FIELDS = ("nom_naissance", "nom_usage", "prenoms", "sexe", "date_naissance", "commune_naissance")
PIECES_FIELDS = ("qualite",)

IDENTIFICATION = Page("identification", "Identification du véhicule", "identification",
                      ("immatriculation", "numero_formule", "date_certificat"), _check_identification)


def _summary(pages: Pages, vehicule: dict[str, Any] | None) -> list[tuple[str, list[tuple[str, str]]]]:
    """The récapitulatif's sections: (title, [(label, value)])."""
    d = {k: v for page in pages.values() for k, v in page.items()}
    sections = []
    plate = [("Immatriculation du véhicule", d.get("immatriculation", ""))]
    if vehicule:
        plate.append(("Véhicule", vehicule["vehicule"]))
    if d.get("code_cession"):
        plate.append(("Code de cession", d["code_cession"]))
    if d.get("numero_formule"):
        plate.append(("Numéro de formule", d["numero_formule"]))
    if d.get("date_certificat"):
        plate.append(("Date du certificat d'immatriculation", d["date_certificat"]))
    sections.append(("Véhicule", plate))
    if "type_acquereur" in d:
        sections.append(("Acquéreur", _person_rows(d)))
        sections.append(("Adresse de l'acquéreur", _address_rows(d)))
        sections.append(("Cession", [
            ("Date et heure de cession", f"{d['date_cession']} à {d['heure_cession']}"),
            ("Kilométrage", f"{d['kilometrage']} km"),
            ("Cession pour destruction", LABELS["destruction"].get(d["destruction"], "")),
        ]))
    if "telephone" in d:
        sections.append(("Nouveau titulaire", _person_rows(d) + [
            ("Numéro de téléphone portable", d["telephone"]), ("Adresse électronique", d.get("courriel", ""))]))
    if "nature" in d:
        rows = [("Nature du changement", LABELS["nature"][d["nature"]])]
        rows += [("Nouvelle raison sociale", d["raison_sociale"])] if d["nature"] == "raison_sociale" \
            else _person_rows(d)[:3]
        sections.append(("Changement demandé", rows))
    if "voie" in d and "type_acquereur" not in d:
        title = "Nouvelle adresse" if "choix_adresse" not in d else "Adresse du titulaire"
        rows = _address_rows(d)
        if vehicule and "choix_adresse" not in d:
            rows.insert(0, ("Ancienne adresse", _one_line(vehicule["adresse"])))
        sections.append((title, rows))
    if "qualite" in d:
        documents = [(label, d[name]["nom"]) for name, label in DOCUMENT_LABELS if isinstance(d.get(name), dict)]
        sections.append(("Pièces justificatives", [("Démarche effectuée", LABELS["qualite"][d["qualite"]]),
                                                   *documents]))
    return sections


DOCUMENT_LABELS = (
    ("piece_identite", "Pièce d'identité"),
    ("justificatif_domicile", "Justificatif de domicile"),
    ("justificatif", "Justificatif du changement"),
    ("mandat", "Mandat d'immatriculation (Cerfa 13757)"),
    ("piece_identite_titulaire", "Pièce d'identité du titulaire"),
)


def _person_rows(d: dict[str, Any]) -> list[tuple[str, str]]:
    if d.get("type_acquereur") == "morale":
        return [("Raison sociale", d["raison_sociale"]), ("Numéro SIRET", d["siret"])]
    return [("Nom de naissance", d.get("nom_naissance", "")), ("Nom d'usage", d.get("nom_usage", "")),
            ("Prénom(s)", d.get("prenoms", "")), ("Sexe", LABELS["sexe"].get(d.get("sexe", ""), "")),
            ("Date de naissance", d.get("date_naissance", "")), ("Commune de naissance", d.get("commune_naissance", ""))]


def _address_rows(d: dict[str, Any]) -> list[tuple[str, str]]:
    return [("Numéro et libellé de la voie", d["voie"]), ("Complément d'adresse", d["complement"]),
            ("Code postal", d["code_postal"]), ("Commune", d["commune"])]


def _one_line(adresse: dict[str, str]) -> str:
    return ", ".join(part for part in (adresse["voie"], adresse.get("complement"),
                                        f"{adresse['code_postal']} {adresse['commune']}") if part)


# -- a démarche and its routes ----------------------------------------------------------------------


@dataclass(frozen=True)
class Demarche:
    """One démarche: its pages, its fee, what it changes in the SIV once recorded."""

    kind: str
    titre: str
    start_path: str
    pages: tuple[Page, ...]
    submit_label: str
    fee: Callable[[Pages, date], list[tuple[str, Decimal]] | None]  # the cost lines, None when free
    new_certificate: Callable[[dict[str, Any]], bool]  # from the record: a CPI to print?
    apply: Callable[[dict[str, Any], Pages, str, date], dict[str, Any]]  # store, pages, numero -> record extras

    def path(self, page: Page | str) -> str:
        slug = page if isinstance(page, str) else page.slug
        return self.start_path if slug == self.pages[0].slug else f"{self.start_path}/{slug}"

    @property
    def recap_path(self) -> str:
        return self.path("recapitulatif")

    @property
    def payment_path(self) -> str:
        return self.path("paiement")

    def confirmation_path(self, numero: str) -> str:
        return f"{self.start_path}/confirmation/{numero}"

    # -- the draft --------------------------------------------------------------------------------

    def _missing(self, pages: Pages, upto: Page | None) -> Page | None:
        """The first page before `upto` (None: all of them) that the draft does not hold."""
        for page in self.pages:
            if page is upto:
                return None
            if not pages.get(page.slug):
                return page
        return None

    def _guard(self, pages: Pages, upto: Page | None) -> Response | None:
        missing = self._missing(pages, upto)
        return redirect(self.path(missing), 303) if missing else None

    def _render(self, template: str, number: int, pages: Pages, **context: Any) -> str:
        total = len(self.pages) + 1
        titles = [p.title for p in self.pages] + ["Récapitulatif"]
        previous = self.path(self.pages[number - 2]) if number > 1 else local_url(ANTS_HOST, VEHICLE_SPACE_PATH)
        return render_template(
            f"immatriculation/{template}.html", demarche=self, number=number, total=total,
            next_title=titles[number] if number < total else None, previous_url=previous,
            vehicule=_draft_vehicle(pages), sexes=SEXES, acquereurs=ACQUEREURS,
            identifications=IDENTIFICATIONS, choix_adresse=CHOIX_ADRESSE, qualites=QUALITES, natures=NATURES,
            oui_non=OUI_NON, euros=euros, **{"values": {}, "errors": {}, **context},
        )

    # -- views --------------------------------------------------------------------------------------

    def register(self, blueprint: Blueprint) -> None:
        """Serve the démarche's pages from `blueprint`, on the immatriculation host."""
        rules: list[tuple[str, str, Callable[..., Any], list[str]]] = [
            (self.path(page), page.slug, self._page_view(page), ["GET", "POST"]) for page in self.pages
        ]
        confirmation = self.confirmation_path("<numero>")
        rules += [
            (self.recap_path, "recapitulatif", self._recap_view, ["GET", "POST"]),
            (self.payment_path, "paiement", self._payment_view, ["GET", "POST"]),
            (confirmation, "confirmation", self._confirmation_view, ["GET"]),
            (confirmation + "/accuse-enregistrement", "accuse", self._document_view("accuse"), ["GET"]),
            (confirmation + "/certificat-provisoire", "cpi", self._document_view("certificat_provisoire"), ["GET"]),
        ]
        prefix = self.kind.removeprefix("immatriculation-")
        for path, endpoint, view, methods in rules:
            blueprint.add_url_rule(path, f"{prefix}_{endpoint}", login_required(view), methods=methods, host=IMMAT_HOST)

    def _page_view(self, page: Page) -> Callable[[], Any]:
        def view() -> Any:
            state, account = current_state(), current_account()
            pages = state.draft(account, self.kind)["pages"]
            blocked = self._guard(pages, page)
            if blocked:
                return blocked
            number = self.pages.index(page) + 1
            context = _page_context(page, pages)
            prefill = context.pop("prefill", {})
            if request.method == "GET":
                values = pages.get(page.slug) or prefill
                return self._render(page.template, number, pages, page=page, values=values, **context)
            values = {name: request.form[name] for name in page.fields if name in request.form}
            check = FormCheck(values, today=state.today())
            page.check(check, pages)
            if check.errors:
                shown = {k: v for k, v in check.values.items() if isinstance(v, str)}
                return self._render(page.template, number, pages, page=page, values=shown, errors=check.errors,
                                    **context)
            state.save_page(account, self.kind, page.slug, check.values)
            if page.slug == "adresse":  # a new address calls for a new normalisation proposal
                state.save_page(account, self.kind, "adresse-normalisee", {})
            following = self.pages[number] if number < len(self.pages) else None
            return redirect(self.path(following) if following else self.recap_path, 303)

        return view

    def _recap_context(self, pages: Pages, today: date) -> dict[str, Any]:
        fee = self.fee(pages, today)
        return {"sections": _summary(pages, _draft_vehicle(pages)), "fee": fee,
                "etiquette": self.kind == ADRESSE.kind and fee is None}

    def _recap_view(self) -> Any:
        state, account = current_state(), current_account()
        today = state.today()
        if request.method == "GET":
            draft = state.draft(account, self.kind)
            blocked = self._guard(draft["pages"], None)
            if blocked:
                return blocked
            return self._render("recapitulatif", len(self.pages) + 1, draft["pages"], jeton=draft["jeton"],
                                **self._recap_context(draft["pages"], today))
        jeton = request.form.get("jeton", "")
        pages = state.draft_for_jeton(account, self.kind, jeton)
        if not pages or self._guard(pages, None):
            return redirect(self.start_path, 303)
        check = FormCheck({"certification": request.form.get("certification", "")}, today=today)
        check.ticked("certification", MESSAGES["certification"])
        if check.errors:
            return self._render("recapitulatif", len(self.pages) + 1, pages, jeton=jeton, errors=check.errors,
                                **self._recap_context(pages, today))
        if self.fee(pages, today) is not None:
            state.save_page(account, self.kind, "recapitulatif", check.values)
            return redirect(self.payment_path, 303)
        return self._submit(jeton, check.values, None)

    def _payment_view(self) -> Any:
        state, account = current_state(), current_account()
        today = state.today()
        jeton = request.form.get("jeton") if request.method == "POST" else state.draft(account, self.kind)["jeton"]
        pages = state.draft_for_jeton(account, self.kind, jeton or "") if jeton else None
        if not pages or "recapitulatif" not in pages or self.fee(pages, today) is None:
            return redirect(self.recap_path, 303)
        total = self.fee(pages, today)[-1][1]
        context = {"jeton": jeton, "fee": self.fee(pages, today), "montant": euros(total)}
        if request.method == "GET":
            return self._render("paiement", len(self.pages) + 1, pages, **context)
        check = FormCheck({name: request.form.get(name, "") for name in timbre.CARD_FIELDS}, today=today)
        timbre.check_card(check)
        if check.errors:  # the card number and the cryptogramme are never shown again
            shown = {"date_expiration": check.value("date_expiration")}
            return self._render("paiement", len(self.pages) + 1, pages, values=shown, errors=check.errors, **context)
        paiement = {"montant": euros(total), "carte_fin": timbre.card_last_digits(check.value("numero_carte"))}
        return self._submit(jeton, {}, paiement)

    def _submit(self, jeton: str, values: dict[str, str], paiement: dict[str, str] | None) -> Response:
        state, account = current_state(), current_account()
        pages = state.submit_draft(account, self.kind, jeton)
        if pages is None:
            return redirect(self.start_path, 303)
        today = state.today()
        numero = _new_numero(today)
        data = {k: v for slug, page in pages.items() if slug != "recapitulatif" for k, v in page.items()}
        with state.lock:
            extras = self.apply(_store(), pages, numero, today)
        record = {"kind": self.kind, "numero_dossier": numero, "received_at": now_iso(), "account": account,
                  **extras, "data": {**data, "certification": "oui", **values}}
        if paiement:
            record["paiement"] = paiement
        state.record(record)
        return redirect(self.confirmation_path(numero), 303)

    def _own_record(self, numero: str) -> dict[str, Any]:
        account = current_account()
        for record in current_state().received(self.kind):
            if record["numero_dossier"] == numero and record["account"] == account:
                return record
        abort(404)

    def _confirmation_context(self, record: dict[str, Any]) -> dict[str, Any]:
        received = datetime.fromisoformat(record["received_at"])
        state = current_state()
        with state.lock:
            dossier = copy.deepcopy(_store()["dossiers"].get(record["numero_dossier"]))
        base = self.confirmation_path(record["numero_dossier"])
        registered = date.fromisoformat(dossier["historique"][0][1]) if dossier else state.today()
        return {
            "record": record, "d": record["data"], "numero": record["numero_dossier"],
            "received_on": received.strftime("%d/%m/%Y à %H:%M"),
            "cpi": self.new_certificate(record),
            "cpi_until": _one_month_after(registered).strftime("%d/%m/%Y"),
            "accuse_url": base + "/accuse-enregistrement", "cpi_url": base + "/certificat-provisoire",
            "code_until": (registered + timedelta(days=CODE_CESSION_DAYS)).strftime("%d/%m/%Y"),
            "sections": _summary(_pages_of(record), vehicle(record["data"]["immatriculation"])),
            "etiquette": self.kind == ADRESSE.kind and "paiement" not in record,
            "espace_url": local_url(ANTS_HOST, VEHICLE_SPACE_PATH), "suivi_url": SUIVI_PATH,
        }

    def _confirmation_view(self, numero: str) -> str:
        record = self._own_record(numero)
        show_code = False
        if "code_cession" in record:
            state = current_state()
            with state.lock:  # shown once: the first display of this confirmation
                shown = _store()["codes_montres"]
                show_code = numero not in shown
                shown.add(numero)
        return render_template("immatriculation/confirmation.html", demarche=self, show_code=show_code,
                               **self._confirmation_context(record))

    def _document_view(self, template: str) -> Callable[[str], str]:
        def view(numero: str) -> str:
            record = self._own_record(numero)
            context = self._confirmation_context(record)
            if template == "certificat_provisoire" and not context["cpi"]:
                abort(404)
            return render_template(f"immatriculation/{template}.html", demarche=self, **context)

        return view


def _pages_of(record: dict[str, Any]) -> Pages:
    return {"recorded": record["data"]}


def _one_month_after(day: date) -> date:
    month, year = (day.month % 12) + 1, day.year + (day.month == 12)
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _draft_vehicle(pages: Pages) -> dict[str, Any] | None:
    plaque = pages.get("identification", {}).get("immatriculation")
    return vehicle(plaque) if plaque else None


def _page_context(page: Page, pages: Pages) -> dict[str, Any]:
    """What a page shows besides its fields: the old address, the normalisation proposal."""
    if page.slug == "nouvelle-adresse":
        old = (_draft_vehicle(pages) or {}).get("adresse", {})
        return {"ancienne": old, "prefill": dict(old)}
    if page.slug == "adresse-normalisee":
        return {"saisie": pages["adresse"], "proposee": proposal(pages["adresse"])}
    return {}


def _dossier(store: dict[str, Any], numero: str, demarche: str, plaque: str, statut: str, today: date) -> None:
    store["dossiers"][numero] = {"numero": numero, "demarche": demarche, "immatriculation": plaque,
                                 "historique": [(statut, today.isoformat())]}


# -- the four démarches ------------------------------------------------------------------------------


def _apply_cession(store: dict[str, Any], pages: Pages, numero: str, today: date) -> dict[str, Any]:
    plaque = pages["identification"]["immatriculation"]
    while (code := _new_code()) in store["cessions"]:
        pass
    store["cessions"][code] = {"immatriculation": plaque, "le": today.isoformat(), "utilise": False}
    _dossier(store, numero, "Déclaration de cession", plaque, CESSION_STATUT, today)
    return {"code_cession": code}


def _apply_titulaire(store: dict[str, Any], pages: Pages, numero: str, today: date) -> dict[str, Any]:
    identification = pages["identification"]
    plaque = identification["immatriculation"]
    for cession in store["cessions"].values():
        if cession["immatriculation"] == plaque:
            cession["utilise"] = True  # the new holder may sell the vehicle again
    titulaire, adresse = pages["titulaire"], pages["adresse-normalisee"]
    found = store["vehicules"].get(plaque)
    if found:
        found["titulaire"] = {"nom": titulaire["nom_naissance"], "prenoms": titulaire["prenoms"]}
        found["adresse"] = {k: adresse[k] for k in ADRESSE_FIELDS}
        found["changements_adresse"] = 0
    _dossier(store, numero, "Changement de titulaire", plaque, STATUTS[0], today)
    return {}


def _adresse_fee(pages: Pages, today: date) -> list[tuple[str, Decimal]] | None:
    """Free étiquette for the 1st to 3rd change of an SIV certificate; a new certificate otherwise."""
    found = _draft_vehicle(pages)
    if found and " " not in found["immatriculation"] and found["changements_adresse"] < 3:
        return None
    return _cost(today, None)


def _apply_adresse(store: dict[str, Any], pages: Pages, numero: str, today: date) -> dict[str, Any]:
    plaque = pages["identification"]["immatriculation"]
    found = store["vehicules"].get(plaque)
    etiquette = _adresse_fee(pages, today) is None
    if found:
        found["adresse"] = {k: pages["nouvelle-adresse"][k] for k in ADRESSE_FIELDS}
        found["changements_adresse"] += 1
    _dossier(store, numero, "Changement d'adresse", plaque, ETIQUETTE_STATUT if etiquette else STATUTS[0], today)
    return {}


def _apply_etat_civil(store: dict[str, Any], pages: Pages, numero: str, today: date) -> dict[str, Any]:
    plaque = pages["identification"]["immatriculation"]
    _dossier(store, numero, "Changement d'état civil", plaque, STATUTS[0], today)
    return {}


def _titulaire_fee(pages: Pages, today: date) -> list[tuple[str, Decimal]]:
    found = _draft_vehicle(pages)
    return _cost(today, found["taxe_regionale"] if found else Decimal(0))


CESSION = Demarche(
    kind="immatriculation-cession", titre="Déclaration de cession d'un véhicule",
    start_path=DEMARCHES_PATH + "/declaration-cession",
    pages=(
        Page("identification", "Identification du véhicule", "identification",
             ("immatriculation", "numero_formule", "date_certificat"),
             lambda c, pages: _check_identification(c, pages, cession=True)),
        Page("acquereur", "Acquéreur", "acquereur",
             ("type_acquereur", *PERSONNE_FIELDS, "raison_sociale", "siret"), _check_acquereur),
        Page("adresse-acquereur", "Adresse de l'acquéreur", "adresse", ADRESSE_FIELDS, _check_adresse),
        Page("cession", "Informations sur la cession", "cession",
             ("date_cession", "heure_cession", "kilometrage", "destruction"), _check_cession),
    ),
    submit_label="Valider ma déclaration", fee=lambda pages, today: None, new_certificate=lambda record: False,
    apply=_apply_cession,
)

TITULAIRE = Demarche(
    kind="immatriculation-changement-titulaire", titre="Changement de titulaire d'un véhicule d'occasion",
    start_path=DEMARCHES_PATH + "/changement-titulaire",
    pages=(
        Page("identification", "Identification du véhicule", "identification_acquereur",
             ("immatriculation", "identification", "code_cession", "numero_formule", "date_certificat"),
             _check_identification_acquereur),
        Page("titulaire", "Nouveau titulaire", "titulaire", (*PERSONNE_FIELDS, "telephone", "courriel"),
             _check_titulaire),
        Page("adresse", "Adresse", "adresse", ADRESSE_FIELDS, _check_adresse),
        Page("adresse-normalisee", "Adresse normalisée", "adresse_normalisee", ("choix_adresse",),
             _check_choix_adresse),
        Page("pieces", "Pièces justificatives", "pieces", PIECES_FIELDS,
             _pieces_check(("piece_identite", "la pièce d'identité du nouveau titulaire"),
                           ("justificatif_domicile", "le justificatif de domicile")),
             multipart=True),
    ),
    submit_label="Valider et payer", fee=_titulaire_fee, new_certificate=lambda record: True, apply=_apply_titulaire,
)

ADRESSE = Demarche(
    kind="immatriculation-changement-adresse", titre="Changement d'adresse sur le certificat d'immatriculation",
    start_path=DEMARCHES_PATH + "/changement-adresse",
    pages=(
        IDENTIFICATION,
        Page("nouvelle-adresse", "Votre nouvelle adresse", "adresse", ADRESSE_FIELDS, _check_nouvelle_adresse),
        Page("pieces", "Pièces justificatives", "pieces", PIECES_FIELDS,
             _pieces_check(("justificatif_domicile", "le justificatif de domicile")), multipart=True),
    ),
    submit_label="Valider ma demande", fee=_adresse_fee,
    new_certificate=lambda record: "paiement" in record,
    apply=_apply_adresse,
)

ETAT_CIVIL = Demarche(
    kind="immatriculation-changement-etat-civil",
    titre="Changement d'état civil, de raison sociale ou d'état matrimonial",
    start_path=DEMARCHES_PATH + "/changement-etat-civil",
    pages=(
        IDENTIFICATION,
        Page("nature", "Nature du changement", "nature",
             ("nature", "nom_naissance", "nom_usage", "prenoms", "raison_sociale"), _check_nature),
        Page("pieces", "Pièces justificatives", "pieces", PIECES_FIELDS,
             _pieces_check(("justificatif", "le justificatif du changement")), multipart=True),
    ),
    submit_label="Valider ma demande", fee=lambda pages, today: None, new_certificate=lambda record: True,
    apply=_apply_etat_civil,
)

DEMARCHES = (CESSION, TITULAIRE, ADRESSE, ETAT_CIVIL)
for _demarche in DEMARCHES:
    _demarche.register(bp)


# -- Mon espace véhicule and the suivi --------------------------------------------------------------


@bp.route(VEHICLE_SPACE_PATH, host=ANTS_HOST)
@login_required
def vehicle_space() -> str:
    links = [
        ("Je vends ou je donne mon véhicule", CESSION.start_path,
         "Déclarez la cession dans les 15 jours et obtenez le code de cession à remettre à l'acquéreur."),
        ("J'achète un véhicule d'occasion", TITULAIRE.start_path,
         "Faites établir le certificat d'immatriculation à votre nom dans le mois qui suit l'achat."),
        ("Je change d'adresse", ADRESSE.start_path,
         "Dans le mois qui suit le déménagement. Les trois premiers changements donnent lieu à une étiquette gratuite."),
        ("Je modifie mon état civil, ma raison sociale ou mon état matrimonial", ETAT_CIVIL.start_path,
         "Mariage, divorce, changement de nom, nouvelle raison sociale d'une société."),
        ("Suivre ma demande d'immatriculation", SUIVI_PATH, "Avec le numéro de dossier de l'accusé d'enregistrement."),
    ]
    return render_template(
        "immatriculation/espace.html", space_url=SPACE_PATH,
        links=[(title, local_url(IMMAT_HOST, path), desc) for title, path, desc in links],
        habilitation_url=local_url(*HABILITATION_URL),
    )


@bp.route("/", host=IMMAT_HOST)
def home() -> Response:
    return redirect(local_url(ANTS_HOST, VEHICLE_SPACE_PATH), 303)


def _dossier_copy(numero: str) -> dict[str, Any] | None:
    wanted = "".join(numero.split()).upper()
    state = current_state()
    with state.lock:
        found = _store()["dossiers"].get(wanted)
        return copy.deepcopy(found) if found else None


@bp.route(SUIVI_PATH, host=IMMAT_HOST, methods=["GET", "POST"])
@login_required
def suivi() -> Any:
    context = {"espace_url": local_url(ANTS_HOST, VEHICLE_SPACE_PATH), "values": {}, "errors": {}}
    if request.method == "GET":
        return render_template("immatriculation/suivi.html", **context)
    raw = request.form.get("numero_dossier", "")
    numero = "".join(raw.split()).upper()
    if not numero:
        error = MESSAGES["numero_absent"]
    elif not re.fullmatch(r"[A-Z0-9-]{4,30}", numero):
        error = MESSAGES["numero_format"]
    elif _dossier_copy(numero) is None:
        error = MESSAGES["numero_inconnu"]
    else:
        return redirect(f"{SUIVI_PATH}/{numero}", 303)
    context.update(values={"numero_dossier": raw}, errors={"numero_dossier": error})
    return render_template("immatriculation/suivi.html", **context)


@bp.route(SUIVI_PATH + "/<numero>", host=IMMAT_HOST)
@login_required
def suivi_resultat(numero: str) -> str:
    dossier = _dossier_copy(numero)
    if dossier is None:
        abort(404)
    etapes = [(statut, date.fromisoformat(day).strftime("%d/%m/%Y")) for statut, day in dossier["historique"]]
    return render_template("immatriculation/suivi_resultat.html", dossier=dossier, statut=etapes[-1][0],
                           etapes=etapes, espace_url=local_url(ANTS_HOST, VEHICLE_SPACE_PATH), search_url=SUIVI_PATH)

