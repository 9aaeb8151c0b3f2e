"""The citizen-data catalogue: records and scalars are normalised the way the teleservices
want them, and every mistake is reported in the mediator's words, all at once."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from pydantic import ValidationError

from autopilot.dossier import (
    MODELS,
    SCALAR_TYPES,
    Adresse,
    Contact,
    DossierError,
    Identite,
    Parent,
    dates,
    field_label,
    field_paths,
    model_for,
    validate_record,
    validate_scalar,
)
from autopilot.dossier.identifiants import (
    NUMERO_DEMANDE_PATTERN,
    NUMERO_PREDEMANDE_PATTERN,
    NUMERO_TIMBRE_PATTERN,
)

MISSING = "ce champ est obligatoire."
UNKNOWN = "champ inconnu (vérifiez l'orthographe)."
DATE_FORMAT = "date attendue au format JJ/MM/AAAA (ex. 14/07/1985)."
NO_SUCH_DATE = "cette date n'existe pas."
FUTURE = "la date de naissance ne peut pas être dans le futur."
CODE_POSTAL = "5 chiffres attendus (ex. 75001)."
TELEPHONE = "numéro de portable attendu : 06 ou 07 suivi de 8 chiffres (ex. 06 12 34 56 78)."
COURRIEL = "adresse électronique attendue (ex. prenom.nom@exemple.fr)."
TAILLE = "taille en centimètres attendue, entre 30 et 250."
TIMBRE = "le numéro du timbre fiscal compte 16 chiffres (les espaces sont acceptés)."
PREDEMANDE = (
    "numéro de pré-demande attendu : 6 à 20 lettres ou chiffres (les espaces sont acceptés)."
)
DEMANDE = "numéro de demande attendu : 6 à 30 lettres, chiffres ou tirets."
COULEURS = (
    "valeur non reconnue ; valeurs possibles : "
    "Bleus, Verts, Marron, Noirs, Gris, Noisette, Vairons, Autre."
)
SEXES = "valeur non reconnue ; valeurs possibles : F, M."

TODAY = dt.date(2026, 7, 14)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """Script "today" as 14 July 2026, so future-date checks do not depend on the calendar."""
    monkeypatch.setattr(dates, "today", lambda: TODAY)
    return TODAY


def identite(**changes):
    """A citizen's civil status as the mediator types it; a change to `...` drops the key."""
    raw = {
        "nom_naissance": "  Dupont ",
        "nom_usage": "Martin",
        "prenoms": "Marie,Claire ,  Louise",
        "sexe": "féminin",
        "date_naissance": "1/2/1985",
        "commune_naissance": "Lyon",
        "departement_naissance": "69",
        "pays_naissance": "France",
        "nationalite": "Française",
        "taille": "172",
        "couleur_yeux": "marron",
    }
    raw.update(changes)
    return {key: value for key, value in raw.items() if value is not ...}


def problems_of(model_name, raw, **kwargs):
    """The (label, message) pairs a record is refused with."""
    with pytest.raises(DossierError) as caught:
        validate_record(model_name, raw, **kwargs)
    return caught.value.problems


def birth_date(typed):
    """The citizen's birth date as the record keeps it."""
    return validate_record("identite", identite(date_naissance=typed))["date_naissance"]


def birth_date_problems(typed):
    """The problems a citizen's record is refused with for that birth date alone."""
    return problems_of("identite", identite(date_naissance=typed))


def scalar_problem(type_name, raw, **kwargs):
    """The one (label, message) pair a scalar value is refused with."""
    with pytest.raises(DossierError) as caught:
        validate_scalar(type_name, raw, label="Valeur", **kwargs)
    [problem] = caught.value.problems
    return problem


# --- Identité -----------------------------------------------------------------------------


def test_identite_is_normalised():
    assert validate_record("identite", identite()) == {
        "nom_naissance": "Dupont",
        "nom_usage": "Martin",
        "prenoms": "Marie, Claire, Louise",
        "sexe": "F",
        "date_naissance": "01/02/1985",
        "commune_naissance": "Lyon",
        "departement_naissance": "69",
        "pays_naissance": "France",
        "nationalite": "Française",
        "taille": 172,
        "couleur_yeux": "Marron",
    }


def test_identite_optional_fields_are_none_and_defaults_apply():
    raw = {
        "nom_naissance": "Dupont",
        "nom_usage": "   ",
        "prenoms": "Jean",
        "sexe": "M",
        "date_naissance": "14/07/1985",
        "commune_naissance": "Lyon",
        "pays_naissance": "",
        "taille": None,
    }
    record = validate_record("identite", raw)
    assert record == {
        "nom_naissance": "Dupont",
        "nom_usage": None,
        "prenoms": "Jean",
        "sexe": "M",
        "date_naissance": "14/07/1985",
        "commune_naissance": "Lyon",
        "departement_naissance": None,
        "pays_naissance": "France",
        "nationalite": "Française",
        "taille": None,
        "couleur_yeux": None,
    }
    assert json.loads(json.dumps(record)) == record


def test_prenoms_keep_their_order():
    record = validate_record("identite", identite(prenoms="Louise, Marie ,Claire,"))
    assert record["prenoms"] == "Louise, Marie, Claire"


@pytest.mark.parametrize(
    "typed, expected",
    [("F", "F"), ("f", "F"), ("Féminin", "F"), ("FEMME", "F"), ("feminin", "F"),
     ("M", "M"), ("m", "M"), ("masculin", "M"), ("Homme", "M"), (" m ", "M")],
)
def test_sexe_is_normalised(typed, expected):
    assert validate_record("identite", identite(sexe=typed))["sexe"] == expected


def test_sexe_not_recognised():
    assert problems_of("identite", identite(sexe="X")) == [("Sexe", SEXES)]


@pytest.mark.parametrize("typed", ["BLEUS", "bleus", "Bleus"])
def test_couleur_yeux_is_normalised(typed):
    assert validate_record("identite", identite(couleur_yeux=typed))["couleur_yeux"] == "Bleus"


def test_couleur_yeux_not_recognised():
    assert problems_of("identite", identite(couleur_yeux="rose")) == [
        ("Couleur des yeux", COULEURS)
    ]


@pytest.mark.parametrize(
    "typed, expected", [("30", 30), (250, 250), ("172 cm", 172), (" 165cm", 165)]
)
def test_taille_in_centimetres(typed, expected):
    assert validate_record("identite", identite(taille=typed))["taille"] == expected


@pytest.mark.parametrize("typed", ["29", "251", 0, "1m72", "1,72", "grand", True, 1.72])
def test_taille_refused(typed):
    assert problems_of("identite", identite(taille=typed)) == [("Taille", TAILLE)]


def test_text_field_refuses_a_list():
    assert problems_of("identite", identite(commune_naissance=["Lyon"])) == [
        ("Commune de naissance", "texte attendu.")
    ]


def test_departement_naissance_is_loose():
    for typed in ["75", "2A", "971", "Rhône"]:
        record = validate_record("identite", identite(departement_naissance=typed))
        assert record["departement_naissance"] == typed


# --- Dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["1/2/1985", "01/02/1985", "01-02-1985", "01.02.1985", "1985-02-01", " 01/02/1985 ",
     dt.date(1985, 2, 1)],
)
def test_dates_are_normalised_to_jj_mm_aaaa(typed):
    assert birth_date(typed) == "01/02/1985"


@pytest.mark.parametrize("typed", ["00/00/1950", "00/03/1950", "15/00/1950"])
def test_unknown_day_or_month_is_accepted(typed):
    assert birth_date(typed) == typed


def test_leap_day():
    assert birth_date("29/02/1984") == "29/02/1984"


@pytest.mark.parametrize(
    "typed", ["1985", "01/02/85", "01/02-1985", "01 02 1985", "hier", "1985/02/01", 19850201]
)
def test_date_in_another_format(typed):
    assert birth_date_problems(typed) == [("Date de naissance", DATE_FORMAT)]


@pytest.mark.parametrize(
    "typed", ["31/02/1985", "29/02/1983", "01/13/1985", "32/01/1985", "31/04/1985", "01/01/0000"]
)
def test_date_that_does_not_exist(typed):
    assert birth_date_problems(typed) == [("Date de naissance", NO_SUCH_DATE)]


@pytest.mark.parametrize("typed", ["15/07/2026", "00/08/2026", "00/00/2027", "2030-01-01"])
def test_birth_date_in_the_future(typed):
    assert birth_date_problems(typed) == [("Date de naissance", FUTURE)]


@pytest.mark.parametrize("typed", ["14/07/2026", "00/07/2026", "00/00/2026"])
def test_birth_date_today_or_possibly_past(typed):
    assert birth_date(typed) == typed


def test_birth_date_follows_the_clock(monkeypatch):
    assert birth_date_problems("01/01/2027") == [("Date de naissance", FUTURE)]
    monkeypatch.setattr(dates, "today", lambda: dt.date(2027, 1, 1))
    assert birth_date("01/01/2027") == "01/01/2027"


def test_a_plain_date_may_be_in_the_future():
    assert validate_scalar("date", "1/1/2030", label="Date d'achat") == "01/01/2030"


# --- Several problems, unknown keys, sections ----------------------------------------------


def test_every_problem_is_reported_at_once():
    raw = identite(
        nom_naissance="", prenoms=..., sexe="X", date_naissance="31/02/1985", taille="20"
    )
    raw["nom_naisance"] = "Dupont"
    with pytest.raises(DossierError) as caught:
        validate_record("identite", raw)
    assert caught.value.problems == [
        ("Nom de naissance", MISSING),
        ("Prénom(s)", MISSING),
        ("Sexe", SEXES),
        ("Date de naissance", NO_SUCH_DATE),
        ("Taille", TAILLE),
        ("nom_naisance", UNKNOWN),
    ]
    assert str(caught.value) == (
        "Données de l'usager à corriger :\n"
        "  Nom de naissance : ce champ est obligatoire.\n"
        "  Prénom(s) : ce champ est obligatoire.\n"
        "  Sexe : valeur non reconnue ; valeurs possibles : F, M.\n"
        "  Date de naissance : cette date n'existe pas.\n"
        "  Taille : taille en centimètres attendue, entre 30 et 250.\n"
        "  nom_naisance : champ inconnu (vérifiez l'orthographe)."
    )


def test_unknown_key_is_reported_even_when_blank():
    raw = {"voie": "1 rue Haute", "code_postal": "75001", "commune": "Paris", "Complement": ""}
    assert problems_of("adresse", raw) == [("Complement", UNKNOWN)]


def test_section_prefixes_the_labels():
    raw = {"prenoms": "Jean", "date_naissance": "2099-01-01", "lieu": "Lyon"}
    assert problems_of("parent", raw, section="Parent 1") == [
        ("Parent 1 — Nom de famille", MISSING),
        ("Parent 1 — Date de naissance", FUTURE),
        ("Parent 1 — lieu", UNKNOWN),
    ]


def test_pydantic_errors_stay_french_when_a_model_is_used_directly():
    with pytest.raises(ValidationError) as caught:
        Contact.model_validate({"telephone_portable": "0512345678"})
    assert caught.value.errors()[0]["msg"] == TELEPHONE


# --- Adresse, Parent, Contact --------------------------------------------------------------


def test_adresse_is_normalised():
    raw = {"voie": " 12  rue de la République ", "complement": "", "code_postal": "75 001",
           "commune": "Paris"}
    assert validate_record("adresse", raw) == {
        "voie": "12 rue de la République",
        "complement": None,
        "code_postal": "75001",
        "commune": "Paris",
        "pays": "France",
    }


@pytest.mark.parametrize("typed", ["7500", "750011", "75A01", "75-001"])
def test_code_postal_refused(typed):
    raw = {"voie": "1 rue Haute", "code_postal": typed, "commune": "Paris"}
    assert problems_of("adresse", raw) == [("Code postal", CODE_POSTAL)]


def test_parent_with_unknown_birth_day():
    raw = {"nom": "Dupont", "prenoms": "Jean, Pierre", "date_naissance": "00/00/1950"}
    assert validate_record("parent", raw, section="Parent 1") == {
        "nom": "Dupont",
        "prenoms": "Jean, Pierre",
        "date_naissance": "00/00/1950",
        "lieu_naissance": None,
    }


@pytest.mark.parametrize(
    "typed",
    ["0612345678", "06 12 34 56 78", "06.12.34.56.78", "06-12-34-56-78", "+33 6 12 34 56 78",
     "+33612345678", "0033 6 12 34 56 78", "+33 (0)6 12 34 56 78"],
)
def test_telephone_is_normalised(typed):
    record = validate_record("contact", {"telephone_portable": typed})
    assert record == {"telephone_portable": "0612345678", "courriel": None}


def test_telephone_07():
    record = validate_record("contact", {"telephone_portable": "07 98 76 54 32"})
    assert record["telephone_portable"] == "0798765432"


@pytest.mark.parametrize(
    "typed", ["0112345678", "061234567", "06123456789", "+44 6 12 34 56 78", "06 12 34 56 7a"]
)
def test_telephone_refused(typed):
    problems = problems_of("contact", {"telephone_portable": typed})
    assert problems == [("Téléphone portable", TELEPHONE)]


def test_courriel():
    record = validate_record("contact", {"telephone_portable": "0612345678",
                                         "courriel": " marie.dupont@exemple.fr "})
    assert record["courriel"] == "marie.dupont@exemple.fr"
    for typed in ["marie.dupont", "marie@exemple", "marie dupont@exemple.fr", "a@b@c.fr"]:
        raw = {"telephone_portable": "0612345678", "courriel": typed}
        assert problems_of("contact", raw) == [("Adresse électronique", COURRIEL)]


# --- Scalars --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "type_name, typed, expected",
    [
        ("texte", "  Pré-demande   de passeport ", "Pré-demande de passeport"),
        ("date", "14.07.1985", "14/07/1985"),
        ("entier", " 3 ", 3),
        ("entier", 12, 12),
        ("booleen", "OUI", True),
        ("booleen", "non", False),
        ("booleen", "true", True),
        ("booleen", "False", False),
        ("booleen", "1", True),
        ("booleen", 0, False),
        ("booleen", True, True),
        ("code_postal", "20 004", "20004"),
        ("telephone", "+33 7 12 34 56 78", "0712345678"),
        ("courriel", "a@b.fr", "a@b.fr"),
        ("numero_timbre", "1234 5678 9012 3456", "1234567890123456"),
        ("numero_timbre", 1234567890123456, "1234567890123456"),
        ("numero_predemande", "ab12 cd34 ef", "AB12CD34EF"),
        ("numero_demande", "rec-2026 000123", "REC-2026000123"),
    ],
)
def test_scalar_is_normalised(type_name, typed, expected):
    assert validate_scalar(type_name, typed, label="Valeur") == expected


@pytest.mark.parametrize(
    "type_name, typed, message",
    [
        ("texte", {"a": 1}, "texte attendu."),
        ("date", "14 juillet 1985", DATE_FORMAT),
        ("date", "30/02/2000", NO_SUCH_DATE),
        ("entier", "3,5", "nombre entier attendu."),
        ("entier", True, "nombre entier attendu."),
        ("booleen", "peut-être", "réponse attendue : oui ou non."),
        ("booleen", 2, "réponse attendue : oui ou non."),
        ("code_postal", "7500", CODE_POSTAL),
        ("telephone", "01 23 45 67 89", TELEPHONE),
        ("courriel", "pas une adresse", COURRIEL),
        ("numero_timbre", "1234 5678 9012 345", TIMBRE),
        ("numero_timbre", "1234-5678-9012-3456", TIMBRE),
        ("numero_timbre", "1234 5678 9012 345A", TIMBRE),
        ("numero_predemande", "AB12", PREDEMANDE),
        ("numero_predemande", "AB12-CD34", PREDEMANDE),
        ("numero_predemande", "A" * 21, PREDEMANDE),
        ("numero_demande", "AB-1", DEMANDE),
        ("numero_demande", "-AB12345", DEMANDE),
        ("numero_demande", "AB12_345", DEMANDE),
        ("numero_demande", "A" * 31, DEMANDE),
    ],
)
def test_scalar_refused(type_name, typed, message):
    assert scalar_problem(type_name, typed) == ("Valeur", message)


def test_choice_is_normalised_to_the_option():
    options = ["premiere_demande", "renouvellement", "perte", "vol"]
    assert validate_scalar("choice", " PERTE ", label="Motif", options=options) == "perte"


def test_choice_refused_lists_the_options():
    with pytest.raises(DossierError) as caught:
        validate_scalar("choice", "égaré", label="Motif",
                        options=["premiere_demande", "perte", "vol"])
    assert caught.value.problems == [
        ("Motif", "valeur non reconnue ; valeurs possibles : premiere_demande, perte, vol.")
    ]
    assert str(caught.value) == (
        "Données de l'usager à corriger :\n"
        "  Motif : valeur non reconnue ; valeurs possibles : premiere_demande, perte, vol."
    )


def test_choice_option_with_braces_is_shown_as_is():
    assert scalar_problem("choice", "x", options=["{a}", "b"]) == (
        "Valeur", "valeur non reconnue ; valeurs possibles : {a}, b."
    )


@pytest.mark.parametrize("typed", [None, "", "   "])
def test_missing_scalar(typed):
    assert validate_scalar("numero_timbre", typed, label="Timbre", required=False) is None
    with pytest.raises(DossierError) as caught:
        validate_scalar("numero_timbre", typed, label="Timbre")
    assert caught.value.problems == [("Timbre", MISSING)]


def test_scalar_misuse_is_a_programming_error():
    with pytest.raises(ValueError):
        validate_scalar("numero_neph", "123456789012", label="NEPH")
    with pytest.raises(ValueError):
        validate_scalar("choice", "perte", label="Motif")


# --- Catalogue ------------------------------------------------------------------------------


def test_catalogue_names():
    assert dict(MODELS) == {"identite": Identite, "adresse": Adresse, "parent": Parent,
                            "contact": Contact}
    assert frozenset({
        "texte", "date", "entier", "choice", "booleen", "code_postal", "telephone",
        "courriel", "numero_timbre", "numero_predemande", "numero_demande",
        "heure", "montant", "reference_transaction", "scan", "telephone_fixe_ou_portable",
        "neph", "categorie_permis", "code_ephoto", "reference_plainte",
        "plaque", "numero_formule", "code_cession", "siret", "siren", "kilometrage",
        "numero_dossier",
    }) == SCALAR_TYPES
    assert model_for("identite") is Identite
    assert model_for("vehicule") is None


def test_field_paths_and_labels():
    assert field_paths("adresse") == {"voie", "complement", "code_postal", "commune", "pays"}
    assert field_paths("contact") == {"telephone_portable", "courriel"}
    assert isinstance(field_paths("contact"), frozenset)
    assert field_paths("parent") == {"nom", "prenoms", "date_naissance", "lieu_naissance"}
    assert "couleur_yeux" in field_paths("identite")
    assert field_label("identite", "nom_naissance") == "Nom de naissance"
    assert field_label("identite", "prenoms") == "Prénom(s)"
    assert field_label("identite", "date_naissance") == "Date de naissance"
    assert field_label("adresse", "voie") == "Numéro et libellé de la voie"
    assert field_label("adresse", "code_postal") == "Code postal"
    assert field_label("parent", "nom") == "Nom de famille"
    assert field_label("contact", "telephone_portable") == "Téléphone portable"
    with pytest.raises(KeyError):
        field_label("identite", "nom")
    with pytest.raises(KeyError):
        field_paths("vehicule")


@pytest.mark.parametrize("model_name", sorted(MODELS))
def test_every_field_can_make_a_form(model_name):
    """The launcher builds the mediator's form from titles, hints and examples."""
    model = MODELS[model_name]
    for name, info in model.model_fields.items():
        assert info.title and info.description and info.examples, name
    schema = model.model_json_schema()
    assert schema["additionalProperties"] is False


def test_examples_are_valid():
    """The form never shows an example it would refuse."""
    for model_name, model in MODELS.items():
        raw = {name: info.examples[0] for name, info in model.model_fields.items()}
        record = validate_record(model_name, raw)
        assert set(record) == field_paths(model_name)


def test_identifier_patterns_are_named():
    assert NUMERO_TIMBRE_PATTERN.fullmatch("1234567890123456")
    assert NUMERO_PREDEMANDE_PATTERN.fullmatch("AB12CD34EF")
    assert NUMERO_DEMANDE_PATTERN.fullmatch("REC-2026-000123")
