"""Replica of the vehicle-registration démarches on immatriculation.ants.gouv.fr (login required):
Mon espace véhicule, the déclaration de cession and the suivi.

What is known of the real site is in docs/teleservices.md §5 (and §0 for the mandate): the information
each démarche asks for is confirmed, the screens' labels, order, split and paths are NOT [?], nor
are the formats of the code de cession and of the numéro de dossier. Everything here is written
from that list, loosely validated where it is unconfirmed. The replica is split by concern:
`immatriculation_vehicules` (the SIV's vehicles, dossiers, codes de cession and taxes),
`immatriculation_champs` (shared fields and checks), `immatriculation_demarche` (how a démarche's
pages, récapitulatif, payment and confirmation are served, as a `kit.wizard.Wizard`),
`immatriculation_recapitulatif` (the rows they list), this module, and
`ants_immatriculation_titulaire` (changement de titulaire, d'adresse, d'état civil).

- `ants.gouv.fr/monespace/mon-espace-vehicule` — h1 "Mon espace véhicule": one link per démarche
  ("Vendre ou donner mon véhicule", "J'achète ou je reçois un véhicule d'occasion" as the ANTS FAQ
  names them, §9.4 [S]; the others under "Je souhaite faire une autre demande"), and "Demander une
  habilitation professionnelle" (served by `ants_habilitation`).
- `/demarches-en-ligne/declaration-cession` (the seller): "Identification du véhicule"
  ("Immatriculation du véhicule", "Numéro de formule" or, for a pre-2009 `123 AB 01` plate,
  "Date du certificat d'immatriculation") → "Acquéreur" (a person, or a company: "Raison sociale",
  "Numéro SIRET") → "Adresse de l'acquéreur" → "Informations sur la cession" ("Date de cession",
  "Heure de cession", "Kilométrage", "Cession pour destruction": a destruction goes to a company,
  the centre VHU [?]) → "Récapitulatif" ("Valider ma déclaration"). The confirmation shows the
  "Code de cession" ONCE, valid 15 days: reloading the page no longer shows it.
- `/demarches-en-ligne/suivre-ma-demande` — "Suivre ma demande d'immatriculation": "Numéro de
  dossier" → `.../<NUMERO>` "Suivi de votre dossier" (seeded dossiers and those created here).

Records (see `immatriculation_demarche`): kind `immatriculation-cession`, with `"code_cession"`;
`data` keeps the plate `AB-123-CD`, the formule upper case, the kilométrage as digits and the
heure as HH:MM.
"""

from __future__ import annotations

import copy
import re
from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request

from autopilot.sandbox.kit.hosts import local_url
from autopilot.sandbox.kit.state import current_state
from autopilot.sandbox.kit.training import Link, Table
from autopilot.sandbox.kit.validation import FormCheck
from autopilot.sandbox.sites.ants_compte import (
    ANTS_HOST,
    SPACE_PATH,
    VEHICLE_SPACE_PATH,
    login_required,
)
from autopilot.sandbox.sites.ants_immatriculation_titulaire import (
    ADRESSE,
    ETAT_CIVIL,
    TITULAIRE,
)
from autopilot.sandbox.sites.immatriculation_champs import (
    ACQUEREURS,
    ADRESSE_FIELDS,
    MESSAGES,
    OUI_NON,
    PERSONNE_FIELDS,
    Pages,
    check_adresse,
    check_identification,
    check_personne,
)
from autopilot.sandbox.sites.immatriculation_demarche import (
    DEMARCHES_PATH,
    IMMAT_HOST,
    SUIVI_PATH,
    VehicleDemarche,
    vehicle_page,
)
from autopilot.sandbox.sites.immatriculation_vehicules import (
    CESSION_STATUT,
    dossier_copy,
    new_code,
    new_dossier,
    store,
)

HOSTS = (IMMAT_HOST,)
HABILITATION_URL = (IMMAT_HOST, DEMARCHES_PATH + "/habilitation-professionnels")

_HEURE = re.compile(r"([01]?\d|2[0-3])\s*[:hH]\s*([0-5]\d)")

bp = Blueprint("ants_immatriculation", __name__)


# -- the déclaration de cession ---------------------------------------------------------------------


def _check_acquereur(c: FormCheck, pages: Pages) -> None:
    c.choice("type_acquereur", "le type d'acquéreur", [code for code, _ in ACQUEREURS])
    if c.value("type_acquereur") == "physique":
        check_personne(c)
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


def _apply_cession(site: dict[str, Any], pages: Pages, numero: str, today: date) -> dict[str, Any]:
    plaque = pages["identification"]["immatriculation"]
    while (code := new_code()) in site["cessions"]:
        pass
    site["cessions"][code] = {"immatriculation": plaque, "le": today.isoformat(), "utilise": False}
    new_dossier(site, numero, "Déclaration de cession", plaque, CESSION_STATUT, today)
    return {"code_cession": code}


CESSION = VehicleDemarche(
    kind="immatriculation-cession", titre="Déclaration de cession d'un véhicule",
    start_path=DEMARCHES_PATH + "/declaration-cession",
    pages=(
        vehicle_page("identification", "Identification du véhicule", "identification",
                     ("immatriculation", "numero_formule", "date_certificat"),
                     lambda c, pages: check_identification(c, pages, cession=True)),
        vehicle_page("acquereur", "Acquéreur", "acquereur",
                     ("type_acquereur", *PERSONNE_FIELDS, "raison_sociale", "siret"), _check_acquereur),
        vehicle_page("adresse-acquereur", "Adresse de l'acquéreur", "adresse", ADRESSE_FIELDS, check_adresse),
        vehicle_page("cession", "Informations sur la cession", "cession",
                     ("date_cession", "heure_cession", "kilometrage", "destruction"), _check_cession),
    ),
    submit_label="Valider ma déclaration", fee=lambda pages, today: None, new_certificate=lambda record: False,
    apply=_apply_cession,
)
CESSION.register(bp)


# -- Mon espace véhicule, the suivi, the training home page -----------------------------------------

# The démarches of Mon espace véhicule, in its order (the habilitation lists itself).
HOME = tuple(
    Link("Immatriculation", title, IMMAT_HOST, path) for title, path in (
        (CESSION.titre, CESSION.start_path), (TITULAIRE.titre, TITULAIRE.start_path),
        (ADRESSE.titre, ADRESSE.start_path), (ETAT_CIVIL.titre, ETAT_CIVIL.start_path),
        ("Suivre une demande d'immatriculation", SUIVI_PATH),
    )
)


def _titulaire(titulaire: dict[str, str]) -> str:
    if "raison_sociale" in titulaire:
        return f"{titulaire['raison_sociale']} (SIRET {titulaire['siret']})"
    return f"{titulaire['nom'].upper()} {titulaire['prenoms']}"


def training() -> list[Table]:
    """The certificates the SIV holds (holders and addresses as they are now) and the dossiers to follow."""
    state = current_state()
    with state.lock:
        site = store()
        vehicules = copy.deepcopy(list(site["vehicules"].values()))
        dossiers = copy.deepcopy(list(site["dossiers"].values()))
    paid = ", ".join(v["immatriculation"] for v in vehicules if v["changements_adresse"] >= 3)
    return [
        Table(
            "Immatriculation", "Véhicules immatriculés",
            ("Immatriculation du véhicule", "Numéro de formule", "Date du certificat d'immatriculation", "Véhicule",
             "Titulaire", "Adresse du titulaire"),
            tuple((v["immatriculation"], v["numero_formule"], v["date_certificat"], v["vehicule"],
                   _titulaire(v["titulaire"]),
                   f"{v['adresse']['voie']}, {v['adresse']['code_postal']} {v['adresse']['commune']}")
                  for v in vehicules),
            note="Pour la déclaration de cession et les changements de titulaire, d'adresse et d'état civil : "
                 "le numéro d'immatriculation et le numéro de formule ou, pour un numéro attribué avant 2009 "
                 "(123 AB 01), la date du certificat. Le changement de titulaire accepte aussi le code de cession "
                 "obtenu en déclarant la cession."
                 + (f" Déjà 3 changements d'adresse : {paid} (le suivant donne un nouveau certificat, payant)."
                    if paid else ""),
        ),
        Table(
            "Immatriculation", "Dossiers d'immatriculation à suivre",
            ("Numéro de dossier", "Démarche", "Immatriculation", "Statut"),
            tuple((d["numero"], d["demarche"], d["immatriculation"], d["historique"][-1][0]) for d in dossiers),
            note="Les démarches faites dans le bac à sable s'y ajoutent, avec le numéro de dossier de leur accusé "
                 "d'enregistrement.",
        ),
    ]



@bp.route(VEHICLE_SPACE_PATH, host=ANTS_HOST)
@login_required
def vehicle_space() -> str:
    links = [
        # The first two names are the ANTS FAQ's (docs/teleservices.md §9.4 [S]); the others [?].
        ("Vendre ou donner mon véhicule", CESSION.start_path,
         "Déclarez la cession dans les 15 jours et obtenez le code de cession à remettre à l'acquéreur."),
        ("J'achète ou je reçois un véhicule d'occasion", TITULAIRE.start_path,
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
    elif dossier_copy(numero) is None:
        error = MESSAGES["numero_inconnu"]
    else:
        return redirect(f"{SUIVI_PATH}/{numero}", 303)
    context.update(values={"numero_dossier": raw}, errors={"numero_dossier": error})
    return render_template("immatriculation/suivi.html", **context)


@bp.route(SUIVI_PATH + "/<numero>", host=IMMAT_HOST)
@login_required
def suivi_resultat(numero: str) -> str:
    dossier = dossier_copy(numero)
    if dossier is None:
        abort(404)
    etapes = [(statut, date.fromisoformat(day).strftime("%d/%m/%Y")) for statut, day in dossier["historique"]]
    return render_template("immatriculation/suivi_resultat.html", dossier=dossier, statut=etapes[-1][0],
                           etapes=etapes, espace_url=local_url(ANTS_HOST, VEHICLE_SPACE_PATH), search_url=SUIVI_PATH)
