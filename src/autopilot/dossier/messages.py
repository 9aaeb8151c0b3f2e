"""The French messages a mediator reads about the citizen's data, and the translation of
pydantic's errors into them.

Validators raise `invalid(MESSAGE)`; pydantic's own errors (a missing or unknown field) are
translated by `translate`. pydantic's English never reaches the mediator.
"""

from __future__ import annotations

from typing import Any

from pydantic_core import ErrorDetails, PydanticCustomError

MISSING = "ce champ est obligatoire."
UNKNOWN_FIELD = "champ inconnu (vérifiez l'orthographe)."
INVALID = "valeur non valide."
TEXT = "texte attendu."
INTEGER = "nombre entier attendu."
BOOLEAN = "réponse attendue : oui ou non."
CHOICE = "valeur non reconnue ; valeurs possibles : {options}."
DATE_FORMAT = "date attendue au format JJ/MM/AAAA (ex. 14/07/1985)."
DATE_DOES_NOT_EXIST = "cette date n'existe pas."
BIRTH_DATE_IN_FUTURE = "la date de naissance ne peut pas être dans le futur."
CODE_POSTAL = "5 chiffres attendus (ex. 75001)."
TELEPHONE = "numéro de portable attendu : 06 ou 07 suivi de 8 chiffres (ex. 06 12 34 56 78)."
TELEPHONE_FIXE = "numéro de téléphone attendu : 10 chiffres commençant par 0 (ex. 02 99 12 34 56)."
COURRIEL = "adresse électronique attendue (ex. prenom.nom@exemple.fr)."
TAILLE = "taille en centimètres attendue, entre 30 et 250."
NUMERO_TIMBRE = "le numéro du timbre fiscal compte 16 chiffres (les espaces sont acceptés)."
NUMERO_PREDEMANDE = (
    "numéro de pré-demande attendu : 6 à 20 lettres ou chiffres (les espaces sont acceptés)."
)
NUMERO_DEMANDE = "numéro de demande attendu : 6 à 30 lettres, chiffres ou tirets."

# The error type of every message raised by our validators: its text is already French.
DOSSIER_ERROR_TYPE = "dossier"

_PYDANTIC_MESSAGES = {
    "missing": MISSING,
    "extra_forbidden": UNKNOWN_FIELD,
}


def invalid(message: str, **context: Any) -> PydanticCustomError:
    """An error for a validator to raise, carrying one of the French messages above."""
    return PydanticCustomError(DOSSIER_ERROR_TYPE, message, context or None)


def translate(error: ErrorDetails) -> str:
    """The French message for one pydantic error."""
    if error["type"] == DOSSIER_ERROR_TYPE:
        return error["msg"]
    return _PYDANTIC_MESSAGES.get(error["type"], INVALID)

# Driving licence (docs/teleservices.md §4).
NEPH = (
    "numéro de permis (NEPH) attendu : 12 chiffres, souvent écrits en deux groupes de 6 "
    "(ex. 210692 106990) ; un ancien numéro peut contenir des lettres."
)
CATEGORIE_PERMIS = "catégorie de permis non reconnue ; catégories possibles : {options}."
CODE_EPHOTO = (
    "code photo-signature (ePhoto) attendu : une vingtaine de lettres et chiffres, "
    "imprimés sur la planche de photos (les espaces et tirets sont acceptés)."
)
REFERENCE_PLAINTE = (
    "référence de la déclaration attendue : 4 à 40 lettres, chiffres, tirets ou barres obliques, "
    "telle qu'imprimée sur le récépissé de la police ou de la gendarmerie."
)

# Vehicle registration (docs/teleservices.md §5).
PLAQUE = (
    "numéro d'immatriculation attendu : AB-123-CD (depuis 2009 ; sans I, O ni U, ni SS, "
    "WW réservé au provisoire) ou 123 AB 01 (ancien numéro)."
)
NUMERO_FORMULE = "numéro de formule attendu : 11 caractères, l'année puis 2 lettres puis 5 chiffres (ex. 2020AB12345)."
CODE_CESSION = "code de cession attendu : 4 à 12 lettres ou chiffres, tel qu'affiché au vendeur."
SIRET = "numéro SIRET attendu : 14 chiffres (les espaces sont acceptés) ; vérifiez-le sur l'extrait Kbis."
SIREN = "numéro SIREN attendu : 9 chiffres (les espaces sont acceptés) ; vérifiez-le sur l'extrait Kbis."
SIREN_CHECKSUM = "ce numéro SIREN n'existe pas (un chiffre est probablement mal recopié)."
SIRET_CHECKSUM = "ce numéro SIRET n'existe pas (un chiffre est probablement mal recopié)."
KILOMETRAGE = "kilométrage attendu : un nombre de kilomètres entre 0 et 2 000 000 (ex. 84 500)."
NUMERO_DOSSIER = "numéro de dossier attendu : 6 à 30 lettres, chiffres ou tirets."

# Dates, hours and payments.
HEURE = "heure attendue au format HH:MM (ex. 14:30 ou 14h30)."
MONTANT = "montant en euros attendu (ex. 86 ou 86,50)."
NOT_LISTED = "montant non prévu pour cette démarche ; montants possibles (€) : {options}."
REFERENCE_TRANSACTION = "référence de la transaction attendue : 6 à 40 lettres, chiffres ou tirets, telle qu'imprimée sur le reçu."

# Documents from the scanner folder.
SCAN_NAME = "nom de fichier attendu, sans dossier (ex. justificatif-domicile.pdf)."
