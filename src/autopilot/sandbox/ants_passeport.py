"""Replica of the passport pré-demande on passeport.ants.gouv.fr (login with the ANTS account).

The real pages' labels, order and split are NOT confirmed (TELESERVICES.md §1-2, [?]); these
are hand-written from the paper Cerfa's list. Every page: a `fr-stepper` ("Étape n sur 5"), an
h1 naming the page, a POST form with "Précédent" (link) and "Suivant" (button), Post/Redirect/Get
(valid POST -> 303 to the next page; invalid POST -> the page again with its errors).

Pages and the `data` keys they record (form field name = key; the value is kept exactly as
submitted; radios record their code, selects the option text, ticked checkboxes "oui", unticked
checkboxes are absent):

1. `/demarches-en-ligne/pre-demande-passeport` — "Motif de la demande":
   motif (premiere_demande | renouvellement | perte | vol).
2. `.../etat-civil` — "État civil": nom_naissance, nom_usage, prenoms, sexe (F | M),
   date_naissance (JJ/MM/AAAA), pays_naissance, departement_naissance, commune_naissance,
   nationalite, taille, couleur_yeux.
3. `.../adresse` — "Adresse": voie, complement, code_postal, commune, telephone, courriel.
4. `.../filiation` — "Filiation": parent1_nom, parent1_prenoms, parent1_date_naissance,
   parent1_lieu_naissance, parent2_nom, parent2_prenoms, parent2_date_naissance,
   parent2_lieu_naissance, parent2_inconnu.
5. `.../recapitulatif` — "Récapitulatif": certification; button "Valider ma pré-demande".

Then `.../confirmation/<numero>` — "Votre pré-demande est enregistrée", and the printable
`.../confirmation/<numero>/recapitulatif`. Each validation appends one record
`{"kind": "passeport-pre-demande", "numero_predemande", "received_at", "account", "data"}`.
Drafts are kept per account, so a re-login resumes where the mediator was.
"""

from __future__ import annotations

import hashlib
import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request

from autopilot.sandbox.ants_compte import IDENTITY_SPACE_PATH, ANTS_HOST, current_account, login_required
from autopilot.sandbox.hosts import local_url
from autopilot.sandbox.nomenclatures import COULEURS_YEUX, NATIONALITES, PAYS
from autopilot.sandbox.state import current_state, now_iso
from autopilot.sandbox.validation import FormCheck

PASSPORT_HOST = "passeport.ants.gouv.fr"
START_PATH = "/demarches-en-ligne/pre-demande-passeport"
RECAP_PATH = START_PATH + "/recapitulatif"
CONFIRMATION_PATH = START_PATH + "/confirmation/<numero>"
KIND = "passeport-pre-demande"

# Format of the numéro de pré-demande: NOT confirmed [?] (believed 10 alphanumeric characters).
NUMERO_LENGTH = 10
NUMERO_ALPHABET = string.ascii_uppercase + string.digits

MOTIFS = [
    ("premiere_demande", "Première demande"),
    ("renouvellement", "Renouvellement"),
    ("perte", "Perte"),
    ("vol", "Vol"),
]
SEXES = [("F", "Féminin"), ("M", "Masculin")]
DEPARTEMENT = r"0[1-9]|[1-8][0-9]|9[0-5]|2[AaBb]|97[1-6]"
CERTIFICATION_MESSAGE = (
    "Vous devez certifier l'exactitude des informations fournies pour valider votre pré-demande."
)

bp = Blueprint("ants_passeport", __name__)


def new_numero_predemande() -> str:
    """A fresh numéro de pré-demande (format unconfirmed, see NUMERO_LENGTH)."""
    return "".join(secrets.choice(NUMERO_ALPHABET) for _ in range(NUMERO_LENGTH))


# -- the pages and their checks ------------------------------------------------------------


def _check_motif(c: FormCheck) -> None:
    c.choice("motif", "le motif de la demande", [code for code, _ in MOTIFS])


def _check_etat_civil(c: FormCheck) -> None:
    c.person_name("nom_naissance", "le nom de naissance")
    c.person_name("nom_usage", "le nom d'usage", required=False)
    c.person_name("prenoms", "le ou les prénoms", several=True)
    c.choice("sexe", "le sexe", [code for code, _ in SEXES])
    c.date("date_naissance", "la date de naissance")
    c.choice("pays_naissance", "le pays de naissance", PAYS)
    if c.value("pays_naissance") == "France" and c.required(
        "departement_naissance", "le département de naissance (obligatoire pour une naissance en France)"
    ):
        c.pattern(
            "departement_naissance", DEPARTEMENT,
            "Le département de naissance n'est pas valide (exemple : 33, 2A ou 971).",
        )
    c.required("commune_naissance", "la commune de naissance")
    c.choice("nationalite", "la nationalité", NATIONALITES)
    if c.value("nationalite") not in ("", "Française"):
        c.fail("nationalite", "Le passeport français est délivré aux personnes de nationalité française.")
    c.integer_between("taille", "la taille", 30, 250, "centimètres")
    c.choice("couleur_yeux", "la couleur des yeux", COULEURS_YEUX)


def _check_adresse(c: FormCheck) -> None:
    c.required("voie", "le numéro et le libellé de la voie")
    c.code_postal("code_postal")
    c.required("commune", "la commune")
    c.mobile("telephone")
    c.email("courriel")


def _check_filiation(c: FormCheck) -> None:
    for parent in ("parent1", "parent2"):
        known = parent == "parent1" or not c.value("parent2_inconnu")
        number = parent[-1]
        c.person_name(f"{parent}_nom", f"le nom de famille du parent {number}", required=known)
        c.person_name(f"{parent}_prenoms", f"le ou les prénoms du parent {number}", required=known, several=True)
        c.date(f"{parent}_date_naissance", f"la date de naissance du parent {number}", required=False)


def _check_recapitulatif(c: FormCheck) -> None:
    c.ticked("certification", CERTIFICATION_MESSAGE)


@dataclass(frozen=True)
class Step:
    """One page of the pré-demande."""

    number: int
    slug: str
    title: str
    path: str
    fields: tuple[str, ...]
    check: Callable[[FormCheck], None]


STEPS = (
    Step(1, "motif", "Motif de la demande", START_PATH, ("motif",), _check_motif),
    Step(2, "etat_civil", "État civil", START_PATH + "/etat-civil", (
        "nom_naissance", "nom_usage", "prenoms", "sexe", "date_naissance", "pays_naissance",
        "departement_naissance", "commune_naissance", "nationalite", "taille", "couleur_yeux",
    ), _check_etat_civil),
    Step(3, "adresse", "Adresse", START_PATH + "/adresse", (
        "voie", "complement", "code_postal", "commune", "telephone", "courriel",
    ), _check_adresse),
    Step(4, "filiation", "Filiation", START_PATH + "/filiation", tuple(
        f"{parent}_{field}"
        for parent in ("parent1", "parent2")
        for field in ("nom", "prenoms", "date_naissance", "lieu_naissance")
    ) + ("parent2_inconnu",), _check_filiation),
)
RECAP = Step(5, "recapitulatif", "Récapitulatif", RECAP_PATH, ("certification",), _check_recapitulatif)
TOTAL_STEPS = len(STEPS) + 1


def _first_missing(pages: dict[str, Any], upto: int) -> Step | None:
    """The first page before step `upto` that the draft does not hold yet."""
    return next((s for s in STEPS if s.number < upto and s.slug not in pages), None)


def _previous_url(step: Step) -> str:
    if step.number == 1:
        return local_url(ANTS_HOST, IDENTITY_SPACE_PATH)
    return STEPS[step.number - 2].path


def _render(step: Step, *, values: dict[str, str], errors: dict[str, str], **extra: Any) -> str:
    following = STEPS[step.number].title if step.number < len(STEPS) else RECAP.title
    return render_template(
        f"passeport/{step.slug}.html",
        step=step, total=TOTAL_STEPS, next_title=following if step is not RECAP else None,
        previous_url=_previous_url(step), values=values, errors=errors,
        motifs=MOTIFS, sexes=SEXES, pays=PAYS, nationalites=NATIONALITES, couleurs=COULEURS_YEUX,
        **extra,
    )


def _submitted(step: Step) -> dict[str, str]:
    """The step's fields as posted; anything else (`*_bis`, unknown names) is ignored."""
    return {name: request.form[name] for name in step.fields if name in request.form}


def _step_view(step: Step) -> Callable[[], Any]:
    @login_required
    def view() -> Any:
        state, account = current_state(), current_account()
        pages = state.draft(account, KIND)["pages"]
        missing = _first_missing(pages, step.number)
        if missing:
            return redirect(missing.path, 303)
        if request.method == "GET":
            return _render(step, values=pages.get(step.slug, {}), errors={})
        values = _submitted(step)
        check = FormCheck(values)
        step.check(check)
        if check.errors:
            return _render(step, values=values, errors=check.errors)
        state.save_page(account, KIND, step.slug, values)
        if request.args.get("retour") == "recapitulatif" or step.number == len(STEPS):
            return redirect(RECAP_PATH, 303)
        return redirect(STEPS[step.number].path, 303)

    view.__name__ = f"step_{step.slug}"
    return view


for _step in STEPS:
    bp.add_url_rule(
        _step.path, view_func=_step_view(_step), methods=["GET", "POST"], host=PASSPORT_HOST
    )


def _merged(pages: dict[str, dict[str, str]]) -> dict[str, str]:
    data: dict[str, str] = {}
    for step in STEPS:
        data.update(pages.get(step.slug, {}))
    return data


def _labels() -> dict[str, dict[str, str]]:
    return {"motif": dict(MOTIFS), "sexe": dict(SEXES)}


@bp.route(RECAP_PATH, methods=["GET", "POST"], host=PASSPORT_HOST)
@login_required
def recapitulatif() -> Any:
    state, account = current_state(), current_account()
    if request.method == "GET":
        draft = state.draft(account, KIND)
        if not draft["pages"]:
            return redirect(START_PATH, 303)
        missing = _first_missing(draft["pages"], RECAP.number)
        if missing:
            return redirect(missing.path, 303)
        return _render(RECAP, values={}, errors={}, d=_merged(draft["pages"]),
                       labels=_labels(), jeton=draft["jeton"], editable=True)

    jeton = request.form.get("jeton", "")
    pages = state.draft_for_jeton(account, KIND, jeton)
    if not pages:
        return redirect(START_PATH, 303)
    missing = _first_missing(pages, RECAP.number)
    if missing:
        return redirect(missing.path, 303)
    values = _submitted(RECAP)
    check = FormCheck(values)
    RECAP.check(check)
    if check.errors:
        return _render(RECAP, values=values, errors=check.errors, d=_merged(pages),
                       labels=_labels(), jeton=jeton, editable=True)
    pages = state.submit_draft(account, KIND, jeton)
    if pages is None:
        return redirect(START_PATH, 303)
    numero = new_numero_predemande()
    state.record({
        "kind": KIND, "numero_predemande": numero, "received_at": now_iso(),
        "account": account, "data": {**_merged(pages), **values},
    })
    return redirect(CONFIRMATION_PATH.replace("<numero>", numero), 303)


def _own_record(numero: str) -> dict[str, Any]:
    account = current_account()
    for record in current_state().received(KIND):
        if record["numero_predemande"] == numero and record["account"] == account:
            return record
    abort(404)


def _valid_until(received_at: str) -> str:
    day = datetime.fromisoformat(received_at).date()
    try:
        until = day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        until = date(day.year + 1, 3, 1)
    return until.strftime("%d/%m/%Y")


@bp.route(CONFIRMATION_PATH, host=PASSPORT_HOST)
@login_required
def confirmation(numero: str) -> str:
    record = _own_record(numero)
    base = CONFIRMATION_PATH.replace("<numero>", numero)
    return render_template(
        "passeport/confirmation.html", numero=numero, valid_until=_valid_until(record["received_at"]),
        qr_url=f"{base}/qr-code.svg", printable_url=f"{base}/recapitulatif", start_url=START_PATH,
    )


@bp.route(CONFIRMATION_PATH + "/recapitulatif", host=PASSPORT_HOST)
@login_required
def printable(numero: str) -> str:
    record = _own_record(numero)
    return render_template(
        "passeport/printable.html", numero=numero, d=record["data"], labels=_labels(),
        valid_until=_valid_until(record["received_at"]), editable=False,
        received_on=datetime.fromisoformat(record["received_at"]).strftime("%d/%m/%Y à %H:%M"),
        qr_url=f"{CONFIRMATION_PATH.replace('<numero>', numero)}/qr-code.svg",
    )


@bp.route(CONFIRMATION_PATH + "/qr-code.svg", host=PASSPORT_HOST)
@login_required
def qr_code(numero: str) -> Response:
    _own_record(numero)
    return Response(qr_svg(numero), mimetype="image/svg+xml")


def qr_svg(numero: str) -> str:
    """A QR-code-looking picture drawn from the number.

    It is NOT a scannable QR code (no encoding, no error correction): three finder squares and
    modules taken from a hash of the number, enough to look like the real récapitulatif and to
    differ from one pré-demande to the next.
    """
    size, quiet = 25, 2
    bits = "".join(f"{byte:08b}" for byte in hashlib.sha256(numero.encode()).digest() * 3)
    finders = [(0, 0), (size - 7, 0), (0, size - 7)]

    def in_finder(x: int, y: int) -> bool | None:
        for fx, fy in finders:
            if fx - 1 <= x <= fx + 7 and fy - 1 <= y <= fy + 7:
                dx, dy = x - fx, y - fy
                if not (0 <= dx <= 6 and 0 <= dy <= 6):
                    return False
                return max(abs(dx - 3), abs(dy - 3)) != 2
        return None

    squares = []
    for y in range(size):
        for x in range(size):
            dark = in_finder(x, y)
            if dark is None:
                dark = bits[y * size + x] == "1"
            if dark:
                squares.append(f'<rect x="{x + quiet}" y="{y + quiet}" width="1" height="1"/>')
    side = size + 2 * quiet
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" width="200" height="200" '
        f'shape-rendering="crispEdges" role="img" aria-label="QR code de la pré-demande {numero}">'
        f'<rect width="{side}" height="{side}" fill="#fff"/><g fill="#000">{"".join(squares)}</g></svg>'
    )


@bp.route("/", host=PASSPORT_HOST)
def home() -> Response:
    return redirect(START_PATH, 303)
