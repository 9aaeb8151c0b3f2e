"""Replica of the driving-licence request on permisdeconduire.ants.gouv.fr (login with the ANTS
account); its suivi, in "Mon espace conduite" on ants.gouv.fr, is `ants_permis_suivi`.

"Demande en ligne d'un nouveau permis en cas de perte, vol, détérioration ou changement d'état
civil" (docs/teleservices.md §4, F1450), plus the end of the administrative validity. The way in
follows docs/teleservices.md §9.3 [C]: the account space `/monespace/` "Mon espace" → link
"Nouvelle demande" (`/monespace/nouvelle-demande`) → link "Le permis de conduire"
(`.../permis-de-conduire`) → link "Je commence la demande" → the request. The exact paths under
`/monespace/`, the page split and the labels not quoted in §9.3 are NOT confirmed [?]. Under the
start path S = `/monespace/demande-permis`, "Étape n sur N" (N = 8 or 9, by motif), each page
recording these `data` keys:

1. `S` "Ma demande": objet ("Je demande la fabrication d'un titre de permis de conduire":
   fabrication), type_demande ("Renouvellement de titre": renouvellement) [C]; other choices of
   the real site are not known [?] and not offered.
2. `S/motif` "Motif du renouvellement": motif (perte "Perte du permis", vol "Vol du permis",
   deterioration "Détérioration du permis" [C]; expiration, changement_etat_civil [?]). The loss is
   declared on this page (§9.3 [C]): date_perte, circonstances (500 characters at most),
   declaration_honneur — required for a loss, not recorded for another motif.
3. By motif only — `S/declaration-vol` "Déclaration de vol": the upload declaration_vol (the
   police's récépissé, §9.3 [C]); `S/permis-deteriore` "Permis détérioré": the upload copie_permis
   (recto-verso copy of the damaged licence, §9.3 [C]); `S/nouvel-etat-civil` "Nouvel état civil":
   nouveau_nom, nouveaux_prenoms and the upload justificatif_etat_civil.
4. `S/permis` "Permis de conduire": neph (optional: 12 digits, or 6 to 15 letters and digits for
   an old number; recorded without spaces, upper case).
5. `S/etat-civil` "État civil": as the pré-demandes' (`predemande.check_naissance`).
6. `S/adresse` "Adresse": `predemande.ADRESSE`.
7. `S/photo` "Photo et signature": code_ephoto (16 to 30 letters and digits, usually 22 [?];
   recorded without spaces or dashes, upper case).
8. `S/justificatifs` "Justificatifs": the uploads justificatif_domicile, piece_identite.
9. `S/recapitulatif` "Récapitulatif": certification; button "Valider ma demande".

An upload (pdf, jpg or png, 5 Mo at most) is recorded as `{"nom", "taille", "sha256"}`; a page
posted again without a file keeps the one already sent. Pages follow Post/Redirect/Get.

Each validation appends `{"kind": "permis-demande", "numero_dossier", "received_at",
"enregistree_le" (AAAA-MM-JJ), "account", "data"}`, never de-duplicated, mails the account and
texts the citizen's mobile. For a loss or a theft, the price of the new licence (25 €,
`timbre.TARIFS`) is paid "à la fin de la démarche en ligne" (§9.3 [S]): the validation leads to
`S/paiement/<numero>` "Paiement du permis de conduire" (the card page, button "Payer 25 €"),
which appends `{"kind": "permis-paiement", "numero_dossier", "montant", "carte_fin",
"received_at", "account"}`. Then `S/confirmation/<numero>` "Votre demande est enregistrée" with
"Numéro de dossier", and for a loss the link "Télécharger l'attestation de perte" (valid 2 months
[?]); an unpaid loss or theft is sent back to its payment page. Drafts are kept per account.
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
SPACE_PATH = "/monespace/"
NEW_REQUEST_PATH = "/monespace/nouvelle-demande"
LICENCE_PATH = NEW_REQUEST_PATH + "/permis-de-conduire"
START_PATH = "/monespace/demande-permis"
SUIVI_PATH = DRIVING_SPACE_PATH + "/suivi-permis"
KIND = "permis-demande"
PAYMENT_KIND = "permis-paiement"
TITRE = "Demande de permis de conduire"
HOME = (Link("Permis de conduire", "Demande de permis de conduire (perte, vol, détérioration, changement d'état "
             "civil, fin de validité)", PERMIS_HOST, SPACE_PATH),)

OBJETS = [("fabrication", "Je demande la fabrication d'un titre de permis de conduire")]
TYPES = [("renouvellement", "Renouvellement de titre")]
MOTIFS = [
    ("perte", "Perte du permis"),
    ("vol", "Vol du permis"),
    ("deterioration", "Détérioration du permis"),
    ("expiration", "Fin de validité du permis"),
    ("changement_etat_civil", "Changement d'état civil"),
]
MOTIFS_PAYING = ("vol", "perte")
PERTE_FIELDS = ("date_perte", "circonstances", "declaration_honneur")
SEXES = predemande.SEXES
LABELS = {"motif": dict(MOTIFS), "sexe": dict(SEXES), "objet": dict(OBJETS), "type_demande": dict(TYPES)}
ATTESTATION_DAYS = 61  # "valable 2 mois" [?]
UPLOAD_MAX = 5 * 1024 * 1024
# The uploads of each page: field name -> what the messages call it.
UPLOADS = {
    "vol": {"declaration_vol": "la déclaration de vol"},
    "deterioration": {"copie_permis": "la copie recto-verso du permis détérioré"},
    "changement_etat_civil": {"justificatif_etat_civil": "le justificatif du changement d'état civil"},
    "justificatifs": {"justificatif_domicile": "le justificatif de domicile", "piece_identite": "la pièce d'identité"},
}


class Demarche:
    """What the shared page layout (`predemande/step.html`) reads of a démarche."""

    titre = TITRE
    start_path = START_PATH


# -- the pages and their checks ------------------------------------------------------------


def _check_demande(c: FormCheck) -> None:
    c.choice("objet", "l'objet de votre demande", [code for code, _ in OBJETS])
    c.choice("type_demande", "le type de demande", [code for code, _ in TYPES])


def _check_motif(c: FormCheck) -> None:
    c.choice("motif", "le motif du renouvellement", [code for code, _ in MOTIFS])
    if c.value("motif") != "perte":
        return
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


DEMANDE = Step("demande", "Ma demande", "", ("objet", "type_demande"), _check_demande)
MOTIF = Step("motif", "Motif du renouvellement", "/motif", ("motif", *PERTE_FIELDS), _check_motif)
VOL = Step("vol", "Déclaration de vol", "/declaration-vol", (), _nothing_to_check)
DETERIORATION = Step("deterioration", "Permis détérioré", "/permis-deteriore", (), _nothing_to_check)
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
RECAP = Step("recapitulatif", "Récapitulatif", "/recapitulatif", ("certification",), _check_recapitulatif)

MOTIF_PAGES = {"vol": VOL, "deterioration": DETERIORATION, "changement_etat_civil": NOUVEL_ETAT_CIVIL}
FORM_STEPS = (DEMANDE, MOTIF, VOL, DETERIORATION, NOUVEL_ETAT_CIVIL, PERMIS, ETAT_CIVIL, ADRESSE, PHOTO,
              JUSTIFICATIFS)


def _path(step: Step) -> str:
    return START_PATH + step.suffix


def _confirmation_path(numero: str) -> str:
    return f"{START_PATH}/confirmation/{numero}"


def _payment_path(numero: str) -> str:
    return f"{START_PATH}/paiement/{numero}"


def _compact(raw: str) -> str:
    """An identifier as recorded: no spaces or dashes, upper case."""
    return re.sub(r"[\s-]", "", raw).upper()


def _motif(pages: Pages) -> str | None:
    return pages.get(MOTIF.slug, {}).get("motif")


def _sequence(pages: Pages) -> list[Step]:
    """The pages that apply to this draft, by its motif, récapitulatif last."""
    motif = _motif(pages)
    return [
        DEMANDE, MOTIF, *([MOTIF_PAGES[motif]] if motif in MOTIF_PAGES else []),
        PERMIS, ETAT_CIVIL, ADRESSE, PHOTO, JUSTIFICATIFS, RECAP,
    ]


def _tarif(today: date) -> timbre.Tarif:
    return timbre.tarif("permis_perte_vol", today)


def _blocked(step: Step, pages: Pages) -> Response | None:
    """Where to go instead of `step`: a page still to fill, or the récapitulatif for a page that does not apply."""
    sequence = _sequence(pages)
    if step not in sequence:
        return redirect(_path(RECAP), 303)
    for earlier in sequence[:sequence.index(step)]:
        if earlier.slug not in pages:
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


def _render(step: Step, pages: Pages, *, values: dict[str, Any], errors: dict[str, str], **extra: Any) -> str:
    sequence = _sequence(pages)
    index = sequence.index(step)
    previous_url = _path(sequence[index - 1]) if index else LICENCE_PATH
    return render_template(
        f"permis/{step.slug}.html",
        demarche=Demarche, step=step, number=index + 1, total=len(sequence),
        next_title=sequence[index + 1].title if index + 1 < len(sequence) else None,
        previous_url=previous_url, values=values, errors=errors,
        objets=OBJETS, types=TYPES, motifs=MOTIFS, sexes=SEXES, pays=PAYS, tarif=_tarif(current_state().today()),
        sent=pages.get(step.slug, {}), **extra,
    )


def _summary(pages: Pages) -> dict[str, Any]:
    return {"d": _merged(pages), "labels": LABELS, "paths": {s.slug: _path(s) for s in _sequence(pages)}}


# -- the way in: Mon espace → Nouvelle demande → Le permis de conduire (§9.3 [C]) -----------

bp = Blueprint("ants_permis", __name__)


def _route(path: str, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def register(view: Callable[..., Any]) -> Callable[..., Any]:
        bp.add_url_rule(path, view.__name__, login_required(view), host=PERMIS_HOST, **options)
        return view

    return register


def _navigation(titre: str, texte: str, liens: list[tuple[str, str]], previous: tuple[str, str] | None) -> str:
    return render_template("permis/navigation.html", titre=titre, texte=texte, liens=liens, previous=previous)


@_route(SPACE_PATH)
def mon_espace() -> str:
    return _navigation("Mon espace", "Vos démarches relatives au permis de conduire.",
                       [("Nouvelle demande", NEW_REQUEST_PATH),
                        ("Suivre ma demande de permis de conduire", local_url(ANTS_HOST, SUIVI_PATH))], None)


@_route(NEW_REQUEST_PATH)
def nouvelle_demande() -> str:
    return _navigation("Nouvelle demande", "Choisissez la démarche que vous souhaitez réaliser.",
                       [("Le permis de conduire", LICENCE_PATH)], ("Mon espace", SPACE_PATH))


@_route(LICENCE_PATH)
def le_permis_de_conduire() -> str:
    return _navigation(
        "Le permis de conduire",
        "Demandez la fabrication d'un nouveau titre de permis de conduire, notamment en cas de perte, de vol ou "
        f"de détérioration. En cas de perte ou de vol, le prix du nouveau permis ({_tarif(current_state().today()).montant} €) "
        "est payé à la fin de la démarche.",
        [("Je commence la demande", START_PATH)], ("Nouvelle demande", NEW_REQUEST_PATH))


# -- views of the request ------------------------------------------------------------------


def _step_view(step: Step) -> Callable[[], Any]:
    def view() -> Any:
        state, account = current_state(), current_account()
        pages = state.draft(account, KIND)["pages"]
        blocked = _blocked(step, pages)
        if blocked:
            return blocked
        if request.method == "GET":
            return _render(step, pages, values=pages.get(step.slug, {}), errors={})
        values = {name: request.form[name] for name in step.fields if name in request.form}
        check = FormCheck(values, today=state.today())
        step.check(check)
        files = _receive_uploads(check, step, pages.get(step.slug, {}))
        if check.errors:
            return _render(step, pages, values=values, errors=check.errors)
        if step is MOTIF and values["motif"] != "perte":  # the loss fields belong to a loss only
            values = {"motif": values["motif"]}
        for name in ("neph", "code_ephoto"):
            if name in values:
                values[name] = _compact(values[name])
        state.save_page(account, KIND, step.slug, {**values, **files})
        sequence = _sequence(state.draft(account, KIND)["pages"])
        following = RECAP if request.args.get("retour") == "recapitulatif" else sequence[sequence.index(step) + 1]
        return redirect(_path(following), 303)

    view.__name__ = step.slug
    return view


for _step in FORM_STEPS:
    _route(_path(_step), methods=["GET", "POST"])(_step_view(_step))


@_route(_path(RECAP), methods=["GET", "POST"])
def recapitulatif() -> Any:
    state, account = current_state(), current_account()
    today = state.today()
    if request.method == "GET":
        draft = state.draft(account, KIND)
        blocked = _blocked(RECAP, draft["pages"])
        if blocked:
            return blocked
        return _render(RECAP, draft["pages"], values={}, errors={}, jeton=draft["jeton"], editable=True,
                       **_summary(draft["pages"]))
    jeton = request.form.get("jeton", "")
    pages = state.draft_for_jeton(account, KIND, jeton)
    if not pages:
        return redirect(START_PATH, 303)
    blocked = _blocked(RECAP, pages)
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
    following = _payment_path(numero) if data["motif"] in MOTIFS_PAYING else _confirmation_path(numero)
    return redirect(following, 303)


def new_numero_dossier(today: date) -> str:
    """A fresh numéro de dossier: "PC", the year on 2 digits, 8 digits (format NOT confirmed [?])."""
    return f"PC{today:%y}{secrets.randbelow(10**8):08d}"


def _own_record(numero: str) -> dict[str, Any]:
    account = current_account()
    for record in current_state().received(KIND):
        if record["numero_dossier"] == numero and record["account"] == account:
            return record
    abort(404)


def _unpaid(record: dict[str, Any]) -> bool:
    """A loss or a theft whose price is not paid yet."""
    return record["data"]["motif"] in MOTIFS_PAYING and not any(
        paid["numero_dossier"] == record["numero_dossier"] for paid in current_state().received(PAYMENT_KIND))


# -- the payment at the end, for a loss or a theft (§9.3 [S]) --------------------------------


@_route(_payment_path("<numero>"), methods=["GET", "POST"])
def paiement(numero: str) -> Any:
    state, account = current_state(), current_account()
    record = _own_record(numero)
    if not _unpaid(record):
        return redirect(_confirmation_path(numero), 303)
    tarif = _tarif(state.today())
    context = {"titre": "Paiement du permis de conduire", "demarche": Demarche, "numero": numero, "tarif": tarif}
    if request.method == "GET":
        return render_template("permis/paiement.html", values={}, errors={}, **context)
    check = FormCheck({name: request.form.get(name, "") for name in timbre.CARD_FIELDS}, today=state.today())
    timbre.check_card(check)
    if check.errors:  # the card number and the cryptogramme are never shown again
        return render_template("permis/paiement.html", values={"date_expiration": check.value("date_expiration")},
                               errors=check.errors, **context)
    state.record({
        "kind": PAYMENT_KIND, "numero_dossier": numero, "montant": tarif.montant,
        "carte_fin": timbre.card_last_digits(check.value("numero_carte")), "received_at": now_iso(),
        "account": account,
    })
    return redirect(_confirmation_path(numero), 303)


def _attestation_until(record: dict[str, Any]) -> str:
    return (date.fromisoformat(record["enregistree_le"]) + timedelta(days=ATTESTATION_DAYS)).strftime("%d/%m/%Y")


@_route(_confirmation_path("<numero>"))
def confirmation(numero: str) -> Any:
    record = _own_record(numero)
    if _unpaid(record):
        return redirect(_payment_path(numero), 303)
    return render_template(
        "permis/confirmation.html", titre="Votre demande est enregistrée", demarche=Demarche, numero=numero,
        d=record["data"], labels=LABELS, attestation_until=_attestation_until(record),
        attestation_url=_confirmation_path(numero) + "/attestation-perte",
        suivi_url=local_url(ANTS_HOST, SUIVI_PATH), montant=_tarif(date.fromisoformat(record["enregistree_le"])).montant,
    )


@_route(_confirmation_path("<numero>") + "/attestation-perte")
def attestation_perte(numero: str) -> Any:
    record = _own_record(numero)
    if record["data"]["motif"] != "perte":
        abort(404)
    if _unpaid(record):
        return redirect(_payment_path(numero), 303)
    return render_template(
        "permis/attestation_perte.html", titre="Attestation de perte du permis de conduire", numero=numero,
        d=record["data"], until=_attestation_until(record),
        enregistree_le=date.fromisoformat(record["enregistree_le"]).strftime("%d/%m/%Y"),
    )


@bp.route("/", host=PERMIS_HOST)
def home() -> Response:
    return redirect(SPACE_PATH, 303)
