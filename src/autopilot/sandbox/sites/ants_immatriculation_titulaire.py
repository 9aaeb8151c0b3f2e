"""Replica of the changes to a certificate on immatriculation.ants.gouv.fr (login required): the
changement de titulaire, d'adresse and d'état civil.

What is known of the real site is in docs/teleservices.md §5 (and §0 for the mandate): the information
each démarche asks for is confirmed, the screens' labels, order, split and paths are NOT [?].
The pages, récapitulatif, payment and confirmation work as `immatriculation_demarche` says; the
vehicles and codes de cession are those of `immatriculation_vehicules`.

- `/demarches-en-ligne/changement-titulaire` (the buyer): "Identification du véhicule" (the plate
  and the code de cession, or the numéro de formule, or the date du certificat for an FNI plate) →
  "Nouveau titulaire" → "Adresse" → "Adresse normalisée" (a Mascadia-like proposal to accept or
  not: upper case, no accents, AFNOR abbreviations [?]) → "Pièces justificatives" → récapitulatif
  with the cost (taxe régionale of the vehicle + taxe fixe + redevance d'acheminement) → payment.
- `/demarches-en-ligne/changement-adresse`: identification → "Votre nouvelle adresse" (the old one
  pre-filled) → "Pièces justificatives" → récapitulatif. The 1st to 3rd change of an SIV
  certificate: a free étiquette; from the 4th, and for any FNI plate: a new certificate, paid.
- `/demarches-en-ligne/changement-etat-civil`: identification → "Nature du changement" (état
  civil, état matrimonial, or raison sociale for a company) → "Pièces justificatives" (the
  justificatif de domicile, the Cerfa 13750, the current certificate, the proof of the change) →
  récapitulatif → payment of 13,76 € (taxe fixe + redevance d'acheminement), as F16876 says
  (docs/teleservices.md §9.4 [S]); the same fee for a company's raison sociale [?].

Both the changement de titulaire and d'état civil first ask for the titulaire's own FranceConnect
login, beside the mairie's session (`ants_franceconnect`; docs/teleservices.md §9.4 [S], the
mairie's account alone [?]).

"Pièces justificatives" asks whether the account acts as the titulaire or for them; for them it
needs the "Mandat d'immatriculation (Cerfa 13757)" and the "Pièce d'identité du titulaire" (§0).
Uploads are pdf, jpg or png up to 5 Mo, recorded as `{"nom", "taille", "sha256"}`.

Record kinds `immatriculation-changement-titulaire`, `-changement-adresse`,
`-changement-etat-civil`; `data` keeps the phone as digits.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from flask import Blueprint, request

from autopilot.sandbox.kit.state import current_state
from autopilot.sandbox.kit.validation import FormCheck
from autopilot.sandbox.sites.ants_franceconnect import CITIZEN_LOGIN
from autopilot.sandbox.sites.immatriculation_champs import (
    ADRESSE_FIELDS,
    CHOIX_ADRESSE,
    IDENTIFICATIONS,
    MESSAGES,
    NATURES,
    PERSONNE_FIELDS,
    PIECES_FIELDS,
    QUALITES,
    Pages,
    check_adresse,
    check_identification,
    check_personne,
    check_plaque,
    draft_vehicle,
)
from autopilot.sandbox.sites.immatriculation_demarche import (
    DEMARCHES_PATH,
    IMMAT_HOST,
    VehicleDemarche,
    vehicle_page,
)
from autopilot.sandbox.sites.immatriculation_vehicules import (
    CODE_CESSION_DAYS,
    ETIQUETTE_STATUT,
    STATUTS,
    cost,
    new_dossier,
    normalised,
    proposal,
    store,
    vehicle,
)

HOSTS = (IMMAT_HOST,)
UPLOAD_MAX = 5 * 1024 * 1024

_CODE = re.compile(r"[A-Z0-9]{4,12}")  # [?] sources say 4 to 11 characters

bp = Blueprint("ants_immatriculation_titulaire", __name__)


# -- the checks of each page ------------------------------------------------------------------------


def _check_identification_acquereur(c: FormCheck, pages: Pages) -> None:
    """The buyer's identification: the plate and a code de cession, a numéro de formule or a date."""
    c.choice("identification", "ce dont vous disposez pour identifier le véhicule", [k for k, _ in IDENTIFICATIONS])
    way = c.value("identification")
    if way != "code":
        c.values["code_cession"] = ""
        if way:
            check_identification(c, pages)
        return
    c.values["numero_formule"] = c.values["date_certificat"] = ""
    plaque = check_plaque(c)
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
        found = copy.deepcopy(store()["cessions"].get(code))
    if found is None or found["immatriculation"] != plaque:
        c.fail("code_cession", MESSAGES["code_inconnu"])
    elif found["utilise"]:
        c.fail("code_cession", MESSAGES["code_utilise"])
    elif date.fromisoformat(found["le"]) + timedelta(days=CODE_CESSION_DAYS) < c.today:
        c.fail("code_cession", MESSAGES["code_expire"])


def _check_titulaire(c: FormCheck, pages: Pages) -> None:
    check_personne(c)
    c.mobile("telephone")
    if "telephone" not in c.errors:
        c.values["telephone"] = c.value("telephone").replace(" ", "")
    c.email("courriel")


def _check_choix_adresse(c: FormCheck, pages: Pages) -> None:
    c.choice("choix_adresse", "l'adresse à utiliser", [code for code, _ in CHOIX_ADRESSE])
    typed = pages["adresse"]
    c.values.update(typed if c.value("choix_adresse") != "normalisee" else proposal(typed))


def _check_nouvelle_adresse(c: FormCheck, pages: Pages) -> None:
    check_adresse(c, pages)
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
    """A file field: its record in the page's values (a page sent again needs its files again)."""
    c.values.pop(name, None)
    if record := c.upload(name, request.files.get(name), what, max_bytes=UPLOAD_MAX, required=required):
        c.values[name] = record


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


def _ancienne_adresse(pages: Pages) -> dict[str, Any]:
    """The "Votre nouvelle adresse" page shows the certificate's address, and starts from it."""
    old = (draft_vehicle(pages) or {}).get("adresse", {})
    return {"ancienne": old, "prefill": dict(old)}


def _normalisation_current(pages: Pages) -> bool:
    """The address chosen is still the one typed, or its proposal: a new address calls for a new choice."""
    chosen, typed = pages["adresse-normalisee"], pages.get("adresse")
    if not typed:
        return False
    expected = typed if chosen.get("choix_adresse") != "normalisee" else proposal(typed)
    return all(chosen.get(name) == expected.get(name) for name in ADRESSE_FIELDS)


def _normalisation(pages: Pages) -> dict[str, Any]:
    """The "Adresse normalisée" page shows the address typed and the one proposed."""
    return {"saisie": pages["adresse"], "proposee": proposal(pages["adresse"])}


# -- what each démarche costs and changes -----------------------------------------------------------


def _titulaire_fee(pages: Pages, today: date) -> list[tuple[str, Decimal]]:
    found = draft_vehicle(pages)
    return cost(today, found["taxe_regionale"] if found else Decimal(0))


def _apply_titulaire(site: dict[str, Any], pages: Pages, numero: str, today: date) -> dict[str, Any]:
    identification = pages["identification"]
    plaque = identification["immatriculation"]
    for cession in site["cessions"].values():
        if cession["immatriculation"] == plaque:
            cession["utilise"] = True  # the new holder may sell the vehicle again
    titulaire, adresse = pages["titulaire"], pages["adresse-normalisee"]
    found = site["vehicules"].get(plaque)
    if found:
        found["titulaire"] = {"nom": titulaire["nom_naissance"], "prenoms": titulaire["prenoms"]}
        found["adresse"] = {k: adresse[k] for k in ADRESSE_FIELDS}
        found["changements_adresse"] = 0
    new_dossier(site, numero, "Changement de titulaire", plaque, STATUTS[0], today)
    return {}


def _adresse_fee(pages: Pages, today: date) -> list[tuple[str, Decimal]] | None:
    """Free étiquette for the 1st to 3rd change of an SIV certificate; a new certificate otherwise."""
    found = draft_vehicle(pages)
    if found and " " not in found["immatriculation"] and found["changements_adresse"] < 3:
        return None
    return cost(today, None)


def _apply_adresse(site: dict[str, Any], pages: Pages, numero: str, today: date) -> dict[str, Any]:
    plaque = pages["identification"]["immatriculation"]
    found = site["vehicules"].get(plaque)
    etiquette = _adresse_fee(pages, today) is None
    if found:
        found["adresse"] = {k: pages["nouvelle-adresse"][k] for k in ADRESSE_FIELDS}
        found["changements_adresse"] += 1
    new_dossier(site, numero, "Changement d'adresse", plaque, ETIQUETTE_STATUT if etiquette else STATUTS[0], today)
    return {}


def _etat_civil_fee(pages: Pages, today: date) -> list[tuple[str, Decimal]]:
    """A new certificate without taxe régionale: 13,76 € (docs/teleservices.md §9.4)."""
    return cost(today, None)


def _apply_etat_civil(site: dict[str, Any], pages: Pages, numero: str, today: date) -> dict[str, Any]:
    plaque = pages["identification"]["immatriculation"]
    new_dossier(site, numero, "Changement d'état civil", plaque, STATUTS[0], today)
    return {}


# -- the three démarches -----------------------------------------------------------------------------

IDENTIFICATION = vehicle_page("identification", "Identification du véhicule", "identification",
                              ("immatriculation", "numero_formule", "date_certificat"), check_identification)

TITULAIRE = VehicleDemarche(
    kind="immatriculation-changement-titulaire", titre="Changement de titulaire d'un véhicule d'occasion",
    start_path=DEMARCHES_PATH + "/changement-titulaire",
    pages=(
        vehicle_page("identification", "Identification du véhicule", "identification_acquereur",
                     ("immatriculation", "identification", "code_cession", "numero_formule", "date_certificat"),
                     _check_identification_acquereur),
        vehicle_page("titulaire", "Nouveau titulaire", "titulaire", (*PERSONNE_FIELDS, "telephone", "courriel"),
                     _check_titulaire),
        vehicle_page("adresse", "Adresse", "adresse", ADRESSE_FIELDS, check_adresse),
        vehicle_page("adresse-normalisee", "Adresse normalisée", "adresse_normalisee", ("choix_adresse",),
                     _check_choix_adresse, context=_normalisation, complete=_normalisation_current),
        vehicle_page("pieces", "Pièces justificatives", "pieces", PIECES_FIELDS,
                     _pieces_check(("piece_identite", "la pièce d'identité du nouveau titulaire"),
                                   ("justificatif_domicile", "le justificatif de domicile")),
                     multipart=True),
    ),
    submit_label="Valider et payer", fee=_titulaire_fee, new_certificate=lambda record: True, apply=_apply_titulaire,
    citizen_login=CITIZEN_LOGIN,
)

ADRESSE = VehicleDemarche(
    kind="immatriculation-changement-adresse", titre="Changement d'adresse sur le certificat d'immatriculation",
    start_path=DEMARCHES_PATH + "/changement-adresse",
    pages=(
        IDENTIFICATION,
        vehicle_page("nouvelle-adresse", "Votre nouvelle adresse", "adresse", ADRESSE_FIELDS, _check_nouvelle_adresse,
                     context=_ancienne_adresse),
        vehicle_page("pieces", "Pièces justificatives", "pieces", PIECES_FIELDS,
                     _pieces_check(("justificatif_domicile", "le justificatif de domicile")), multipart=True),
    ),
    submit_label="Valider ma demande", fee=_adresse_fee,
    new_certificate=lambda record: "paiement" in record,
    apply=_apply_adresse, etiquette=True,
)

ETAT_CIVIL = VehicleDemarche(
    kind="immatriculation-changement-etat-civil",
    titre="Changement d'état civil, de raison sociale ou d'état matrimonial",
    start_path=DEMARCHES_PATH + "/changement-etat-civil",
    pages=(
        IDENTIFICATION,
        vehicle_page("nature", "Nature du changement", "nature",
                     ("nature", "nom_naissance", "nom_usage", "prenoms", "raison_sociale"), _check_nature),
        vehicle_page("pieces", "Pièces justificatives", "pieces", PIECES_FIELDS,
                     _pieces_check(("justificatif_domicile", "le justificatif de domicile"),
                                   ("cerfa_13750", "la demande de certificat d'immatriculation (Cerfa 13750)"),
                                   ("certificat_actuel", "le certificat d'immatriculation actuel"),
                                   ("justificatif", "le justificatif du changement")),
                     multipart=True),
    ),
    submit_label="Valider et payer", fee=_etat_civil_fee, new_certificate=lambda record: True,
    apply=_apply_etat_civil, citizen_login=CITIZEN_LOGIN,
)

for _demarche in (TITULAIRE, ADRESSE, ETAT_CIVIL):
    _demarche.register(bp)
