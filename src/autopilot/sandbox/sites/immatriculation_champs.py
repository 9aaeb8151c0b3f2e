"""The fields the vehicle démarches share: their choices, the site's messages, the shared checks.

A check takes the page's `FormCheck` and the draft's other pages (`Pages`, by slug), and leaves
in `c.values` what the administration keeps: the plate `AB-123-CD` (or `123 AB 01`), the
numéro de formule in upper case, and "" for the fields of the option not chosen. The labels and
split of the real pages are NOT confirmed [?] (docs/teleservices.md §5).
"""

from __future__ import annotations

import re
from typing import Any

from autopilot.sandbox.kit.validation import FormCheck
from autopilot.sandbox.sites.immatriculation_vehicules import (
    cession_of,
    normalise_plaque,
    vehicle,
)

Pages = dict[str, dict[str, Any]]

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

ADRESSE_FIELDS = ("voie", "complement", "code_postal", "commune")
PERSONNE_FIELDS = ("nom_naissance", "nom_usage", "prenoms", "sexe", "date_naissance", "commune_naissance")
PIECES_FIELDS = ("qualite",)

_FORMULE = re.compile(r"\d{4}[A-Z]{2}\d{5}")


def draft_vehicle(pages: Pages) -> dict[str, Any] | None:
    """The certificate of the plate the draft identified, if any."""
    plaque = pages.get("identification", {}).get("immatriculation")
    return vehicle(plaque) if plaque else None


def check_plaque(c: FormCheck) -> str | None:
    """The plate typed, normalised (kept so in the page's values); None after an error."""
    if not c.required("immatriculation", "le numéro d'immatriculation du véhicule"):
        return None
    plaque = normalise_plaque(c.value("immatriculation"))
    if plaque is None:
        c.fail("immatriculation", MESSAGES["plaque"])
    else:
        c.values["immatriculation"] = plaque
    return plaque


def check_identification(c: FormCheck, pages: Pages, *, cession: bool = False) -> None:
    """The plate, then the numéro de formule (SIV) or the date du certificat (FNI)."""
    plaque = check_plaque(c)
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
    if cession and not c.errors and cession_of(plaque):
        c.fail("immatriculation", MESSAGES["cede"])


def check_personne(c: FormCheck) -> None:
    """A person's identity: names, sex, date and commune of birth."""
    c.person_name("nom_naissance", "le nom de naissance")
    c.person_name("nom_usage", "le nom d'usage", required=False)
    c.person_name("prenoms", "le ou les prénoms", several=True)
    c.choice("sexe", "le sexe", [code for code, _ in SEXES])
    c.date("date_naissance", "la date de naissance")
    c.required("commune_naissance", "la commune de naissance")


def check_adresse(c: FormCheck, pages: Pages) -> None:
    """An address page: voie, complément, code postal, commune."""
    c.required("voie", "le numéro et le libellé de la voie")
    c.code_postal("code_postal")
    c.required("commune", "la commune")
    for name in ("voie", "complement", "code_postal", "commune"):
        c.values[name] = c.value(name)
