"""Replica of the driving-licence request on permisdeconduire.ants.gouv.fr (login with the ANTS
account); its suivi, in "Mon espace conduite" on ants.gouv.fr, is `ants_permis_suivi`.

"Demande en ligne d'un nouveau permis en cas de perte, vol, détérioration ou changement d'état
civil" (TELESERVICES.md §4, F1450), plus the end of the administrative validity. The paths, the
labels, the page split and the formats of the numéro de dossier and of the ePhoto code are NOT
confirmed [?]: hand-written from the public fiches and the paper Cerfa, loosely validated. Under
the start path S = `/demarches-en-ligne/demande-permis`, "Étape n sur N" (N from 7 to 9, by
motif), each page recording these `data` keys:

1. `S` "Motif de la demande": motif (vol | perte | deterioration | expiration |
   changement_etat_civil).
2. By motif only — `S/declaration-vol` "Déclaration de vol": reference_plainte ("Référence de la
   déclaration de vol", 4 to 40 letters, digits, spaces, / . -), date_plainte (JJ/MM/AAAA);
   `S/declaration-perte` "Déclaration de perte": date_perte, circonstances (textarea, 500
   characters at most), declaration_honneur (checkbox, must be ticked);
   `S/nouvel-etat-civil` "Nouvel état civil": nouveau_nom, nouveaux_prenoms and the upload
   justificatif_etat_civil. No page for deterioration and expiration.
3. `S/permis` "Permis de conduire": neph ("Numéro de permis (NEPH)", optional: 12 digits, or 6 to
   15 letters and digits for an old number; recorded without spaces, upper case).
4. `S/etat-civil` "État civil": nom_naissance, nom_usage, prenoms, sexe (F | M), date_naissance,
   pays_naissance, departement_naissance, commune_naissance — labels and checks as the
   pré-demandes' (`predemande.check_naissance`).
5. `S/adresse` "Adresse": voie, complement, code_postal, commune, telephone, courriel
   (`predemande.ADRESSE`).
6. `S/photo` "Photo et signature": code_ephoto ("Code photo-signature numérique (ePhoto)",
   16 to 30 letters and digits, usually 22; recorded without spaces or dashes, upper case).
7. `S/justificatifs` "Justificatifs": the uploads justificatif_domicile, piece_identite.
8. `S/timbre` "Timbre fiscal", for vol and perte only (25 €, `timbre.TARIFS`): timbre_choix,
   numero_timbre, timbre_montant, exactly as the pré-demandes (`predemande.TIMBRE`); purchase at
   `S/timbre/achat` (button "Payer 25 €") then `S/timbre/paiement-accepte` ("Continuer").
9. `S/recapitulatif` "Récapitulatif": certification; button "Valider ma demande".

An upload (pdf, jpg or png, 5 Mo at most) is recorded as `{"nom", "taille", "sha256"}`; a page
posted again without a file keeps the one already sent. Pages follow Post/Redirect/Get; other
fields are recorded as submitted (radios their code, ticked checkboxes "oui", unticked absent).

Then `S/confirmation/<numero>` "Votre demande est enregistrée" with "Numéro de dossier", and for
a loss the link "Télécharger l'attestation de perte" (`.../attestation-perte`, valid 2 months
from the sandbox's today [?]). Each validation appends `{"kind": "permis-demande",
"numero_dossier", "received_at", "enregistree_le" (sandbox date, AAAA-MM-JJ), "account", "data"}`,
never de-duplicated; it mails the account and texts the citizen's mobile. A timbre bought here is
also recorded as `timbre-achat` (`predemande`). Drafts are kept per account.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request

from autopilot.sandbox import predemande, timbre
from autopilot.sandbox.ants_compte import (
    ANTS_HOST,
    DRIVING_SPACE_PATH,
    current_account,
    login_required,
)
from autopilot.sandbox.hosts import local_url
from autopilot.sandbox.nomenclatures import PAYS
from autopilot.sandbox.predemande import Pages, Step
from autopilot.sandbox.state import current_state, now_iso
from autopilot.sandbox.training import Link
from autopilot.sandbox.validation import FormCheck

PERMIS_HOST = "permisdeconduire.ants.gouv.fr"
HOSTS = (PERMIS_HOST,)
START_PATH = "/demarches-en-ligne/demande-permis"
SUIVI_PATH = DRIVING_SPACE_PATH + "/suivi-permis"
KIND = "permis-demande"
TITRE = "Demande de permis de conduire"
HOME = (Link("Permis de conduire", "Demande de permis de conduire (perte, vol, détérioration, changement d'état "
             "civil, fin de validité)", PERMIS_HOST, START_PATH),)

MOTIFS = [
    ("vol", "Vol"),
    ("perte", "Perte"),
    ("deterioration", "Détérioration"),
    ("expiration", "Expiration de la durée administrative"),
    ("changement_etat_civil", "Changement d'état civil"),
]
MOTIFS_WITH_TIMBRE = ("vol", "perte")
SEXES = predemande.SEXES
LABELS = {"motif": dict(MOTIFS), "sexe": dict(SEXES), "timbre_choix": {
    "deja": "Timbre fiscal électronique déjà acheté", "achat": "Acheté en ligne avec la demande"}}
ATTESTATION_DAYS = 61  # "valable 2 mois" [?]
UPLOAD_MAX = 5 * 1024 * 1024
# The uploads of each page: field name -> what the messages call it.
UPLOADS = {
    "changement_etat_civil": {"justificatif_etat_civil": "le justificatif du changement d'état civil"},
    "justificatifs": {"justificatif_domicile": "le justificatif de domicile", "piece_identite": "la pièce d'identité"},
}


class Demarche:
    """What the shared page layout (`predemande/step.html`) reads of a démarche."""

    titre = TITRE
    start_path = START_PATH


# -- the pages and their checks ------------------------------------------------------------


def _check_motif(c: FormCheck) -> None:
    c.choice("motif", "le motif de la demande", [code for code, _ in MOTIFS])


def _check_vol(c: FormCheck) -> None:
    if c.required("reference_plainte", "la référence de la déclaration de vol"):
        c.pattern("reference_plainte", r"[A-Za-z0-9][A-Za-z0-9 /.-]{3,39}",
                  "La référence de la déclaration de vol ne doit contenir que des lettres, des chiffres, "
                  "des espaces et les signes / . - (entre 4 et 40 caractères).")
    c.date("date_plainte", "la date de la déclaration de vol")


def _check_perte(c: FormCheck) -> None:
    c.date("date_perte", "la date de la perte")
    if c.required("circonstances", "les circonstances de la perte") and len(c.value("circonstances")) > 500:
        c.fail("circonstances", "Les circonstances de la perte ne doivent pas dépasser 500 caractères.")
    c.ticked("declaration_honneur", "Vous devez déclarer sur l'honneur la perte de votre permis de conduire.")


def _check_nouvel_etat_civil(c: FormCheck) -> None:
    c.person_name("nouveau_nom", "le nouveau nom de famille")
    c.person_name("nouveaux_prenoms", "le ou les nouveaux prénoms", required=False, several=True)


def _check_permis(c: FormCheck) -> None:
    neph = _compact(c.value("neph"))
    if neph and not re.fullmatch(r"\d{12}|[A-Z0-9]{6,15}", neph):
        c.fail("neph", "Le numéro de permis (NEPH) comporte 12 chiffres ; un ancien numéro peut aussi "
                       "contenir des lettres (entre 6 et 15 caractères).")


def _check_photo(c: FormCheck) -> None:
    if c.required("code_ephoto", "le code photo-signature numérique") and not re.fullmatch(
        r"[A-Z0-9]{16,30}", _compact(c.value("code_ephoto"))
    ):
        c.fail("code_ephoto", "Le code photo-signature numérique se compose de lettres et de chiffres "
                              "(22 caractères en général), tel qu'il figure sur la planche photo.")


def _check_recapitulatif(c: FormCheck) -> None:
    c.ticked("certification", "Vous devez certifier l'exactitude des informations fournies pour valider "
                              "votre demande.")


def _nothing_to_check(c: FormCheck) -> None:
    """Pages whose only fields are uploads (checked by `_receive_uploads`)."""


MOTIF = Step("motif", "Motif de la demande", "", ("motif",), _check_motif)
VOL = Step("vol", "Déclaration de vol", "/declaration-vol", ("reference_plainte", "date_plainte"), _check_vol)
PERTE = Step("perte", "Déclaration de perte", "/declaration-perte",
             ("date_perte", "circonstances", "declaration_honneur"), _check_perte)
NOUVEL_ETAT_CIVIL = Step("changement_etat_civil", "Nouvel état civil", "/nouvel-etat-civil",
                         ("nouveau_nom", "nouveaux_prenoms"), _check_nouvel_etat_civil)
PERMIS = Step("permis", "Permis de conduire", "/permis", ("neph",), _check_permis)
ETAT_CIVIL = Step("etat_civil", "État civil", "/etat-civil", (
    "nom_naissance", "nom_usage", "prenoms", "sexe", "date_naissance", "pays_naissance",
    "departement_naissance", "commune_naissance",
), predemande.check_naissance)
ADRESSE = predemande.ADRESSE
PHOTO = Step("photo", "Photo et signature", "/photo", ("code_ephoto",), _check_photo)
JUSTIFICATIFS = Step("justificatifs", "Justificatifs", "/justificatifs", (), _nothing_to_check)
TIMBRE = predemande.TIMBRE
RECAP = Step("recapitulatif", "Récapitulatif", "/recapitulatif", ("certification",), _check_recapitulatif)

MOTIF_PAGES = {"vol": VOL, "perte": PERTE, "changement_etat_civil": NOUVEL_ETAT_CIVIL}
FORM_STEPS = (MOTIF, VOL, PERTE, NOUVEL_ETAT_CIVIL, PERMIS, ETAT_CIVIL, ADRESSE, PHOTO, JUSTIFICATIFS)
ACHAT_PATH = START_PATH + TIMBRE.suffix + "/achat"
PAIEMENT_PATH = START_PATH + TIMBRE.suffix + "/paiement-accepte"


def _path(step: Step) -> str:
    return START_PATH + step.suffix


def _confirmation_path(numero: str) -> str:
    return f"{START_PATH}/confirmation/{numero}"


def _compact(raw: str) -> str:
    """An identifier as recorded: no spaces or dashes, upper case."""
    return re.sub(r"[\s-]", "", raw).upper()


def _motif(pages: Pages) -> str | None:
    return pages.get(MOTIF.slug, {}).get("motif")


def _sequence(pages: Pages) -> list[Step]:
    """The pages that apply to this draft, by its motif, récapitulatif last."""
    motif = _motif(pages)
    return [
        MOTIF, *([MOTIF_PAGES[motif]] if motif in MOTIF_PAGES else []),
        PERMIS, ETAT_CIVIL, ADRESSE, PHOTO, JUSTIFICATIFS,
        *([TIMBRE] if motif in MOTIFS_WITH_TIMBRE else []), RECAP,
    ]


def _tarif(today: date) -> timbre.Tarif:
    return timbre.tarif("permis_perte_vol", today)


def _blocked(step: Step, pages: Pages, today: date) -> Response | None:
    """Where to go instead of `step`: a page still to fill, or the récapitulatif for a page that does not apply."""
    sequence = _sequence(pages)
    if step not in sequence:
        return redirect(_path(RECAP), 303)
    for earlier in sequence[:sequence.index(step)]:
        done = earlier.slug in pages
        if earlier is TIMBRE and done:  # a new price calls for another timbre
            done = pages[TIMBRE.slug]["timbre_montant"] == str(_tarif(today).montant)
        if not done:
            return redirect(_path(earlier), 303)
    return None


def _merged(pages: Pages) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for step in _sequence(pages):
        data.update(pages.get(step.slug, {}))
    return data


def _receive_uploads(c: FormCheck, step: Step, kept: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The page's files as recorded; a field posted empty keeps the file the draft holds."""
    received: dict[str, dict[str, Any]] = {}
    for name, what in UPLOADS.get(step.slug, {}).items():
        the_file = what[:1].upper() + what[1:]
        record = c.upload(name, request.files.get(name), what, max_bytes=UPLOAD_MAX, kept=kept.get(name),
                          wrong_type=f"{the_file} doit être un fichier pdf, jpg ou png.",
                          too_big=f"{the_file} doit être un fichier non vide de 5 Mo au plus.")
        if record:
            received[name] = record
    return received


# -- rendering -----------------------------------------------------------------------------


def _render(step: Step, pages: Pages, *, values: dict[str, Any], errors: dict[str, str],
            template: str | None = None, previous_url: str | None = None, **extra: Any) -> str:
    sequence = _sequence(pages)
    index = sequence.index(step)
    if previous_url is None:
        previous_url = _path(sequence[index - 1]) if index else local_url(ANTS_HOST, DRIVING_SPACE_PATH)
    return render_template(
        template or f"permis/{step.slug}.html",
        demarche=Demarche, step=step, number=index + 1, total=len(sequence),
        next_title=sequence[index + 1].title if index + 1 < len(sequence) else None,
        previous_url=previous_url, values=values, errors=errors,
        motifs=MOTIFS, sexes=SEXES, pays=PAYS, choix=timbre.CHOIX, grouped=timbre.grouped,
        sent=pages.get(step.slug, {}), **extra,
    )


def _summary(pages: Pages) -> dict[str, Any]:
    return {"d": _merged(pages), "labels": LABELS, "paths": {s.slug: _path(s) for s in _sequence(pages)}}


# -- views of the request ------------------------------------------------------------------

bp = Blueprint("ants_permis", __name__)


def _route(path: str, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def register(view: Callable[..., Any]) -> Callable[..., Any]:
        bp.add_url_rule(path, view.__name__, login_required(view), host=PERMIS_HOST, **options)
        return view

    return register


def _step_view(step: Step) -> Callable[[], Any]:
    def view() -> Any:
        state, account = current_state(), current_account()
        today = state.today()
        pages = state.draft(account, KIND)["pages"]
        blocked = _blocked(step, pages, today)
        if blocked:
            return blocked
        extra = {"tarif": _tarif(today), "achete": _bought(pages)} if step is TIMBRE else {}
        if request.method == "GET":
            return _render(step, pages, values=pages.get(step.slug, {}), errors={}, **extra)
        values = {name: request.form[name] for name in step.fields if name in request.form}
        check = FormCheck(values, today=today)
        step.check(check)
        files = _receive_uploads(check, step, pages.get(step.slug, {}))
        if check.errors:
            return _render(step, pages, values=values, errors=check.errors, **extra)
        if step is TIMBRE:
            if values["timbre_choix"] == "achat":
                return redirect(ACHAT_PATH, 303)
            values = _timbre_values("deja", timbre.normalise_numero(values["numero_timbre"]), today)
        for name in ("neph", "code_ephoto"):
            if name in values:
                values[name] = _compact(values[name])
        state.save_page(account, KIND, step.slug, {**values, **files})
        sequence = _sequence(state.draft(account, KIND)["pages"])
        following = RECAP if request.args.get("retour") == "recapitulatif" else sequence[sequence.index(step) + 1]
        return redirect(_path(following), 303)

    view.__name__ = step.slug
    return view


for _step in (*FORM_STEPS, TIMBRE):
    _route(_path(_step), methods=["GET", "POST"])(_step_view(_step))


def _timbre_values(choix: str, numero: str, today: date) -> dict[str, str]:
    return {"timbre_choix": choix, "numero_timbre": numero, "timbre_montant": str(_tarif(today).montant)}


def _bought(pages: Pages) -> dict[str, str] | None:
    page = pages.get(TIMBRE.slug)
    return page if page and page.get("timbre_choix") == "achat" else None


@_route(ACHAT_PATH, methods=["GET", "POST"])
def timbre_achat() -> Any:
    state, account = current_state(), current_account()
    today = state.today()
    pages = state.draft(account, KIND)["pages"]
    blocked = _blocked(TIMBRE, pages, today)
    if blocked:
        return blocked
    tarif = _tarif(today)
    context = {"template": "predemande/timbre_achat.html", "tarif": tarif, "previous_url": _path(TIMBRE)}
    if request.method == "GET":
        return _render(TIMBRE, pages, values={}, errors={}, **context)
    check = FormCheck({name: request.form.get(name, "") for name in timbre.CARD_FIELDS}, today=today)
    timbre.check_card(check)
    if check.errors:  # the card number and the cryptogramme are never shown again
        return _render(TIMBRE, pages, values={"date_expiration": check.value("date_expiration")},
                       errors=check.errors, **context)
    numero = timbre.new_numero_timbre()
    state.record({
        "kind": predemande.TIMBRE_ACHAT_KIND, "numero_timbre": numero, "montant": tarif.montant,
        "carte_fin": timbre.card_last_digits(check.value("numero_carte")),
        "received_at": now_iso(), "account": account,
    })
    state.save_page(account, KIND, TIMBRE.slug, _timbre_values("achat", numero, today))
    return redirect(PAIEMENT_PATH, 303)


@_route(PAIEMENT_PATH, methods=["GET", "POST"])
def paiement_accepte() -> Any:
    state, account = current_state(), current_account()
    pages = state.draft(account, KIND)["pages"]
    blocked = _blocked(TIMBRE, pages, state.today())
    if blocked:
        return blocked
    bought = _bought(pages)
    if bought is None:
        return redirect(_path(TIMBRE), 303)
    if request.method == "POST":  # "Continuer"
        return redirect(_path(RECAP), 303)
    return _render(TIMBRE, pages, values={}, errors={}, template="permis/paiement_accepte.html", achete=bought)


@_route(_path(RECAP), methods=["GET", "POST"])
def recapitulatif() -> Any:
    state, account = current_state(), current_account()
    today = state.today()
    if request.method == "GET":
        draft = state.draft(account, KIND)
        blocked = _blocked(RECAP, draft["pages"], today)
        if blocked:
            return blocked
        return _render(RECAP, draft["pages"], values={}, errors={}, jeton=draft["jeton"], editable=True,
                       **_summary(draft["pages"]))
    jeton = request.form.get("jeton", "")
    pages = state.draft_for_jeton(account, KIND, jeton)
    if not pages:
        return redirect(START_PATH, 303)
    blocked = _blocked(RECAP, pages, today)
    if blocked:
        return blocked
    values = {name: request.form[name] for name in RECAP.fields if name in request.form}
    check = FormCheck(values, today=today)
    RECAP.check(check)
    if check.errors:
        return _render(RECAP, pages, values=values, errors=check.errors, jeton=jeton, editable=True,
                       **_summary(pages))
    pages = state.submit_draft(account, KIND, jeton) or pages
    numero = new_numero_dossier(today)
    data = {**_merged(pages), **values}
    state.record({
        "kind": KIND, "numero_dossier": numero, "received_at": now_iso(), "enregistree_le": today.isoformat(),
        "account": account, "data": data,
    })
    state.send_mail(account, "Votre demande de permis de conduire est enregistrée",
                    f"Votre demande de permis de conduire est enregistrée sous le numéro de dossier {numero}.",
                    numero_dossier=numero)
    state.send_sms(data["telephone"].replace(" ", ""),
                   f"ANTS : votre demande de permis de conduire n° {numero} est enregistrée. "
                   "Suivez-la dans votre espace conduite.")
    return redirect(_confirmation_path(numero), 303)


def new_numero_dossier(today: date) -> str:
    """A fresh numéro de dossier: "PC", the year on 2 digits, 8 digits (format NOT confirmed [?])."""
    return f"PC{today:%y}{secrets.randbelow(10**8):08d}"


def _own_record(numero: str) -> dict[str, Any]:
    account = current_account()
    for record in current_state().received(KIND):
        if record["numero_dossier"] == numero and record["account"] == account:
            return record
    abort(404)


def _attestation_until(record: dict[str, Any]) -> str:
    return (date.fromisoformat(record["enregistree_le"]) + timedelta(days=ATTESTATION_DAYS)).strftime("%d/%m/%Y")


@_route(_confirmation_path("<numero>"))
def confirmation(numero: str) -> str:
    record = _own_record(numero)
    return render_template(
        "permis/confirmation.html", titre="Votre demande est enregistrée", demarche=Demarche, numero=numero,
        d=record["data"], labels=LABELS, grouped=timbre.grouped, attestation_until=_attestation_until(record),
        attestation_url=_confirmation_path(numero) + "/attestation-perte",
        suivi_url=local_url(ANTS_HOST, SUIVI_PATH),
    )


@_route(_confirmation_path("<numero>") + "/attestation-perte")
def attestation_perte(numero: str) -> str:
    record = _own_record(numero)
    if record["data"]["motif"] != "perte":
        abort(404)
    return render_template(
        "permis/attestation_perte.html", titre="Attestation de perte du permis de conduire", numero=numero,
        d=record["data"], until=_attestation_until(record),
        enregistree_le=date.fromisoformat(record["enregistree_le"]).strftime("%d/%m/%Y"),
    )


@bp.route("/", host=PERMIS_HOST)
def home() -> Response:
    return redirect(START_PATH, 303)
