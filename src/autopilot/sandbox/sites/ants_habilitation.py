"""Replica of the professionals' habilitation request (SIV) on immatriculation.ants.gouv.fr.

docs/teleservices.md §5 « Habilitation des professionnels » and §9.4 [S]. The habilitation is granted
by the préfet (a convention); the ANTS form is only the pré-demande, then the file goes to the
préfecture (pref-siv@…), which asks for the gérant's casier judiciaire bulletin n° 2 itself. Its
real path, page split and labels are NOT confirmed [?]. Login with the ANTS account. Under
`START_PATH` (= S), five pages with a `fr-stepper`, « Précédent » / « Suivant », PRG, and the
récapitulatif's « Modifier » links (`?retour=recapitulatif`):

1. `S` « Entreprise »: raison_sociale, siret (14 digits, spaces allowed, Luhn — La Poste's
   establishments, SIREN 356000000, may pass on the sum of their digits instead), date_creation
   (JJ/MM/AAAA), voie, code_postal, commune.
2. `S/activites` « Activités »: one checkbox or more in « Activités exercées » (`ACTIVITES`, field
   `activite_<code>`), and agrement (also ask the DGFiP's agrément to collect the taxes).
3. `S/responsable` « Responsable et contact »: gerant_nom, gerant_prenoms, telephone (a French
   number, 10 digits), courriel.
4. `S/pieces` « Pièces justificatives »: kbis (« Extrait Kbis ») and date_kbis (« Date de
   l'extrait Kbis »), piece_identite (« Pièce d'identité du gérant »), utilisateurs_siv
   (« Nombre de personnes qui utiliseront le SIV (gérant compris) », 1 to 4 [?]) and, for each
   other user, identite_utilisateur_<n> (« Pièce d'identité de l'utilisateur n° <n> du SIV »,
   n = 2…4): the ID of every SIV user [S]. Files: pdf, jpg or png up to 10 Mo [?]; a file already
   sent is kept when the page is sent again without one. The Kbis' age [?]: < 6 months in the
   Hérault, < 2 years in Ille-et-Vilaine — refused past `KBIS_MAX_MONTHS`, a warning on the
   récapitulatif past `KBIS_WARNING_MONTHS`, counted on the sandbox's clock. Nothing is asked of
   the casier judiciaire: the préfecture requests the bulletin n° 2 [S].
5. `S/recapitulatif` « Récapitulatif »: certification; button « Envoyer ma demande ».

Then `S/confirmation/<numero>` « Votre pré-demande d'habilitation est enregistrée », « Numéro de
demande : HAB-… » (format [?]), and what to send to the préfecture. A company created less than 2 years ago gets a warning on the
récapitulatif and the confirmation, not a refusal: the 2-year rule (from 1 April 2023) is
confirmed for the Oise only [C].

Record: `{"kind": "immatriculation-habilitation", "numero_demande", "received_at", "account",
"data"}`; `data` holds the fields as submitted (unticked checkboxes absent) except siret (digits
only) and each upload, `{"nom", "taille", "sha256"}`. A récapitulatif sent twice is recorded twice.
"""

from __future__ import annotations

import re
import secrets
import string
from datetime import date
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request

from autopilot.sandbox.kit.hosts import local_url
from autopilot.sandbox.kit.state import current_state
from autopilot.sandbox.kit.training import Link, Table
from autopilot.sandbox.kit.validation import FormCheck, luhn_valid
from autopilot.sandbox.kit.wizard import Pages, Submission, Wizard, WizardPage
from autopilot.sandbox.sites.ants_compte import (
    ANTS_HOST,
    VEHICLE_SPACE_PATH,
    current_account,
    login_required,
)

HOST = "immatriculation.ants.gouv.fr"
HOSTS = (HOST,)
START_PATH = "/demarches-en-ligne/habilitation-professionnels"
KIND = "immatriculation-habilitation"
TITRE = "Demande d'habilitation des professionnels de l'automobile"

ACTIVITES = [
    ("commerce", "Commerce de l'automobile"),
    ("constructeur", "Constructeur ou importateur de véhicules"),
    ("loueur", "Location de véhicules"),
    ("expert", "Expert en automobile"),
    ("huissier", "Commissaire de justice (huissier)"),
    ("vhu", "Centre VHU ou broyeur agréé"),
    ("credit", "Établissement de crédit"),
    ("assureur", "Entreprise d'assurance"),
    # docs/teleservices.md §9.4 [S]
    ("operateur", "Opérateur qualifié"),
    ("amenageur", "Aménageur qualifié"),
    ("reparateur", "Réparateur automobile"),
    ("ventes", "Commissaire-priseur judiciaire ou opérateur de ventes volontaires"),
]
# name -> how the "missing" message names it.
UPLOADS = {"kbis": "l'extrait Kbis", "piece_identite": "la pièce d'identité du gérant"}
MAX_USERS = 4  # [?] how many SIV users a pré-demande names
USER_UPLOADS = {f"identite_utilisateur_{n}": f"la pièce d'identité de l'utilisateur n° {n} du SIV"
                for n in range(2, MAX_USERS + 1)}
UPLOAD_MAX = 10 * 1024 * 1024
# The Kbis' age (docs/teleservices.md §9.4 [?]): Ille-et-Vilaine (2021) < 2 years, Hérault < 6 months.
KBIS_MAX_MONTHS = 24
KBIS_WARNING_MONTHS = 6
KBIS_TROP_ANCIEN = "L'extrait Kbis doit dater de moins de 2 ans."
KBIS_AVERTISSEMENT = ("Votre extrait Kbis date de plus de 6 mois : certaines préfectures (par exemple celle de "
                      "l'Hérault) demandent un extrait de moins de 6 mois.")
LA_POSTE_SIREN = "356000000"
HOME = (Link("Immatriculation", TITRE, HOST, START_PATH),)
TWO_YEAR_RULE_FROM = date(2023, 4, 1)
JEUNE_ENTREPRISE = (
    "Votre entreprise a été créée il y a moins de 2 ans. Depuis le 1er avril 2023, certaines préfectures "
    "(par exemple celle de l'Oise) n'habilitent que les entreprises créées depuis au moins 2 ans : "
    "renseignez-vous auprès de la vôtre."
)
CERTIFICATION_MESSAGE = "Vous devez certifier l'exactitude des informations fournies pour envoyer votre demande."


def training() -> list[Table]:
    """A fictitious company whose SIRET passes the check (the sandbox asks no company register)."""
    return [Table(
        "Immatriculation", "Entreprise fictive pour la demande d'habilitation", ("Raison sociale", "Numéro SIRET"),
        (("Garage du Centre", "732 829 320 00074"),),
        note="Tout numéro SIRET de 14 chiffres dont la clé de contrôle est juste est accepté. Une date de "
             "création de moins de 2 ans donne un avertissement, pas un refus.",
    )]


bp = Blueprint("ants_habilitation", __name__)


def siret_valid(siret: str) -> bool:
    """14 digits passing Luhn; La Poste's establishments (whose head office passes Luhn) may instead
    have digits adding up to a multiple of 5 (INSEE's exception)."""
    if not re.fullmatch(r"\d{14}", siret):
        return False
    if siret.startswith(LA_POSTE_SIREN) and sum(int(digit) for digit in siret) % 5 == 0:
        return True
    return luhn_valid(siret)


def _check_entreprise(c: FormCheck, pages: Pages) -> None:
    c.required("raison_sociale", "la raison sociale")
    if c.required("siret", "le numéro SIRET"):
        siret = "".join(c.value("siret").split())
        if not re.fullmatch(r"\d{14}", siret):
            c.fail("siret", "Le numéro SIRET doit comporter 14 chiffres.")
        elif not siret_valid(siret):
            c.fail("siret", "Le numéro SIRET n'est pas valide. Vérifiez-le sur l'extrait Kbis.")
        else:
            c.values["siret"] = siret
    c.date("date_creation", "la date de création de l'entreprise")
    c.required("voie", "le numéro et le libellé de la voie")
    c.code_postal("code_postal")
    c.required("commune", "la commune")


def _check_activites(c: FormCheck, pages: Pages) -> None:
    if not any(c.value(f"activite_{code}") for code, _ in ACTIVITES):
        c.fail("activites", "Veuillez cocher au moins une activité.")


def _check_responsable(c: FormCheck, pages: Pages) -> None:
    c.person_name("gerant_nom", "le nom du gérant")
    c.person_name("gerant_prenoms", "le ou les prénoms du gérant", several=True)
    if c.required("telephone", "le numéro de téléphone") and \
            not re.fullmatch(r"0[1-9]\d{8}", re.sub(r"[ .]", "", c.value("telephone"))):
        c.fail("telephone", "Le numéro de téléphone doit comporter 10 chiffres et commencer par 0.")
    c.email("courriel", required=True)


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier (the month's last day when it has no such day)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, last)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _kbis_day(value: str) -> date:
    day, month, year = (int(part) for part in value.split("/"))
    return date(year, month or 1, day or 1)


def kbis_ancien(date_kbis: str, today: date) -> bool:
    """Whether the Kbis is older than `KBIS_WARNING_MONTHS` (a warning, not a refusal)."""
    return _kbis_day(date_kbis) < months_before(today, KBIS_WARNING_MONTHS)


def _check_pieces(c: FormCheck, pages: Pages) -> None:
    """The pieces page: the Kbis' date, the number of SIV users, the uploads of as many users (a file not
    sent again is kept; those of users no longer counted are dropped); fails the missing or wrong ones."""
    c.date("date_kbis", "la date de l'extrait Kbis")
    if "date_kbis" not in c.errors and _kbis_day(c.value("date_kbis")) < months_before(c.today, KBIS_MAX_MONTHS):
        c.fail("date_kbis", KBIS_TROP_ANCIEN)
    c.choice("utilisateurs_siv", "le nombre de personnes qui utiliseront le SIV",
             [str(n) for n in range(1, MAX_USERS + 1)])
    users = int(c.value("utilisateurs_siv") or "1") if "utilisateurs_siv" not in c.errors else 1
    c.values.update({name: c.value(name) for name in ("date_kbis", "utilisateurs_siv")})
    kept = pages.get("pieces", {})
    wanted = {**UPLOADS, **{name: what for n, (name, what) in enumerate(USER_UPLOADS.items(), 2) if n <= users}}
    for name, what in wanted.items():
        record = c.upload(name, request.files.get(name), what, max_bytes=UPLOAD_MAX, kept=kept.get(name))
        if record:
            c.values[name] = record


def _check_recapitulatif(c: FormCheck, pages: Pages) -> None:
    c.ticked("certification", CERTIFICATION_MESSAGE)


def jeune_entreprise(date_creation: str, today: date) -> bool:
    """Whether the 2-year rule (from 1 April 2023) would concern a company created on `date_creation`."""
    day, month, year = (int(part) for part in date_creation.split("/"))
    created = date(year, month or 1, day or 1)
    try:
        second_birthday = created.replace(year=created.year + 2)
    except ValueError:  # 29 February
        second_birthday = date(created.year + 2, 3, 1)
    return today >= TWO_YEAR_RULE_FROM and second_birthday > today


def choisies(d: dict[str, Any]) -> list[str]:
    """The texts of the activities ticked in `d`."""
    return [label for code, label in ACTIVITES if d.get(f"activite_{code}")]


def _summary(pages: Pages) -> dict[str, Any]:
    """The récapitulatif's data and its warnings (a young company, an old Kbis)."""
    d, today = WIZARD.merged(pages), current_state().today()
    return {"d": d, "jeune": jeune_entreprise(d["date_creation"], today), "jeune_message": JEUNE_ENTREPRISE,
            "kbis_message": KBIS_AVERTISSEMENT if kbis_ancien(d["date_kbis"], today) else None}


def _submit(submission: Submission) -> Response:
    numero = "HAB-" + "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(8))
    WIZARD.record(submission, numero)
    return redirect(WIZARD.confirmation_path(numero), 303)


def _confirmation(record: dict[str, Any]) -> str:
    return render_template(
        "habilitation/confirmation.html", titre="Votre pré-demande d'habilitation est enregistrée",
        numero=record["numero_demande"], d=record["data"], max_users=MAX_USERS, demarche=WIZARD,
        jeune=jeune_entreprise(record["data"]["date_creation"], current_state().today()),
        jeune_message=JEUNE_ENTREPRISE, space_url=local_url(ANTS_HOST, VEHICLE_SPACE_PATH),
    )


WIZARD = Wizard(
    kind=KIND, host=HOST, start_path=START_PATH, titre=TITRE, templates="habilitation",
    pages=(
        WizardPage("entreprise", "Entreprise",
                   ("raison_sociale", "siret", "date_creation", "voie", "code_postal", "commune"), _check_entreprise),
        WizardPage("activites", "Activités", (*(f"activite_{code}" for code, _ in ACTIVITES), "agrement"),
                   _check_activites),
        WizardPage("responsable", "Responsable et contact", ("gerant_nom", "gerant_prenoms", "telephone", "courriel"),
                   _check_responsable),
        # files sent with a page in error are not kept: the template names those the draft holds (`sent`)
        WizardPage("pieces", "Pièces justificatives", ("date_kbis", "utilisateurs_siv"), _check_pieces,
                   multipart=True),
    ),
    recap=WizardPage("recapitulatif", "Récapitulatif", ("certification",), _check_recapitulatif),
    submit=_submit, owner=current_account, guard=login_required,
    back=lambda: local_url(ANTS_HOST, VEHICLE_SPACE_PATH), summary=_summary,
    context={"activites": ACTIVITES, "choisies": choisies, "max_users": MAX_USERS,
             "users_options": [str(n) for n in range(1, MAX_USERS + 1)]},
    numero_key="numero_demande", confirmation=_confirmation,
)
WIZARD.register(bp)
