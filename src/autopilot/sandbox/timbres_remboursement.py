"""Replica of timbres.impots.gouv.fr: the refund of a timbre fiscal électronique (R55925).

What is known is in TELESERVICES.md §2-3; the real paths, labels and page split were NOT found
([?]). No login: like the purchase (`timbres_impots`), a visitor's refund is kept server-side,
under the same cookie.

- `/remboursement` "Rechercher le timbre" (référence de la transaction, numéro du timbre,
  montant, date d'achat; button "Rechercher") -> `/remboursement/confirmation` "Confirmer le
  timbre à rembourser" (credited to the card of the purchase; button "Confirmer le
  remboursement") -> `/remboursement/<numero>` "Remboursement accepté", with "Télécharger le
  justificatif de remboursement" (`…/justificatif.pdf`). No e-mail is sent (economie.gouv.fr).
  Refused, with the site's message: a timbre bought less than 3 days or more than 18 months ago
  (sandbox clock), used, already refunded, or bought for anything but a CNI or a passport.

Record (never de-duplicated: a confirmation posted twice records twice): `{"kind":
"timbres-remboursement", "numero_remboursement", "numero_timbre", "reference_transaction",
"montant", "date_achat", "carte_fin", "received_at"}`.

Refunds also find the timbres bought at the end of a pré-demande (records "timbre-achat", see
`predemande`, with their transaction reference and date of purchase on the sandbox's clock). A
timbre carried by a recorded pré-demande is used.
"""

from __future__ import annotations

import re
import secrets
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request

from autopilot.sandbox import timbre
from autopilot.sandbox.pdf import Line, pdf_document, pdf_download
from autopilot.sandbox.predemande import TIMBRE_ACHAT_KIND, used_timbres
from autopilot.sandbox.state import current_state, now_iso
from autopilot.sandbox.timbres_impots import (
    HOST,
    add_months,
    current_visitor,
    site_store,
    with_visitor,
)
from autopilot.sandbox.training import Link
from autopilot.sandbox.validation import FormCheck

HOSTS = (HOST,)
REMBOURSEMENT_KIND = "timbres-remboursement"
REMBOURSEMENT_TITRE = "Remboursement d'un timbre fiscal électronique"
REFUND_AFTER_DAYS = 3
HOME = (Link("Timbres fiscaux", "Demander le remboursement d'un timbre fiscal électronique", HOST, "/remboursement"),)
REFUND_WITHIN_MONTHS = 18
# The format of a transaction reference is not published [?]: letters and digits, loosely checked.
_REFERENCE = re.compile(r"[A-Z0-9-]{6,40}")
_AMOUNT = re.compile(r"\d{1,6}(?:[.,]\d{1,2})?")

MESSAGES = {
    "introuvable": "Aucun timbre ne correspond aux informations saisies. Vérifiez la référence de la "
    "transaction, le numéro du timbre, le montant et la date d'achat.",
    "rembourse": "Ce timbre a déjà été remboursé.",
    "utilise": "Ce timbre a déjà été utilisé : il ne peut pas être remboursé.",
    "usage": "Seuls les timbres achetés pour une carte d'identité ou un passeport peuvent être "
    "remboursés en ligne.",
    "trop_tot": "Un timbre ne peut être remboursé que 3 jours après son achat. Vous pourrez demander "
    "le remboursement de ce timbre à partir du {date}.",
    "trop_tard": "Le délai de remboursement de 18 mois après l'achat est dépassé : ce timbre ne peut "
    "plus être remboursé.",
}

bp = Blueprint("timbres_remboursement", __name__)


def _known_timbre(numero: str) -> dict[str, Any] | None:
    """The timbre with this number, sold here or at the end of a pré-demande."""
    with current_state().lock:
        here = site_store()["timbres"].get(numero)
        if here:
            return {**here, "remboursable": here["usage"].startswith(("passeport_", "cni_"))}
    for record in current_state().received(TIMBRE_ACHAT_KIND):
        if record["numero_timbre"] == numero:
            return {
                "numero_timbre": numero, "reference_transaction": record["reference_transaction"],
                "montant": record["montant"], "date_achat": record["date_achat"],
                "carte_fin": record["carte_fin"], "remboursable": True,  # a CNI or passport pré-demande's
            }
    return None


def _check_recherche(c: FormCheck) -> dict[str, Any] | None:
    """The "Rechercher le timbre" form; returns the timbre when it may be refunded."""
    if c.required("reference_transaction", "la référence de la transaction"):
        c.values["reference_transaction"] = "".join(c.value("reference_transaction").split()).upper()
        if not _REFERENCE.fullmatch(c.values["reference_transaction"]):
            c.fail("reference_transaction", "La référence de la transaction ne doit contenir que des lettres "
                   "et des chiffres (6 caractères au moins).")
    if c.required("numero_timbre", "le numéro du timbre"):
        c.values["numero_timbre"] = timbre.normalise_numero(c.value("numero_timbre"))
        if not re.fullmatch(r"\d{16}", c.values["numero_timbre"]):
            c.fail("numero_timbre", "Le numéro du timbre doit comporter 16 chiffres.")
    montant = None
    if c.required("montant", "le montant du timbre"):
        raw = re.sub(r"\s|€", "", c.value("montant"))
        try:
            montant = Decimal(raw.replace(",", ".")) if _AMOUNT.fullmatch(raw) else None
        except InvalidOperation:
            montant = None
        if montant is None:
            c.fail("montant", "Le montant doit être un nombre d'euros, par exemple 86 ou 86,00.")
    c.date("date_achat", "la date d'achat")
    if c.errors:
        return None
    found = _known_timbre(c.values["numero_timbre"])
    if (found is None or montant != found["montant"]
            or c.value("date_achat") != f"{date.fromisoformat(found['date_achat']):%d/%m/%Y}"
            or found["reference_transaction"] != c.values["reference_transaction"]):
        c.fail("recherche", MESSAGES["introuvable"])
        return None
    refusal = _refusal(found, c.today)
    if refusal:
        c.fail("recherche", refusal)
        return None
    return found


def _refusal(found: dict[str, Any], today: date) -> str | None:
    """Why this timbre cannot be refunded today, in the site's words (R55925), or None."""
    numero = found["numero_timbre"]
    if any(r["numero_timbre"] == numero for r in current_state().received(REMBOURSEMENT_KIND)):
        return MESSAGES["rembourse"]
    if numero in used_timbres():
        return MESSAGES["utilise"]
    if not found["remboursable"]:
        return MESSAGES["usage"]
    bought_on = date.fromisoformat(found["date_achat"])
    if today < bought_on + timedelta(days=REFUND_AFTER_DAYS):
        return MESSAGES["trop_tot"].format(date=f"{bought_on + timedelta(days=REFUND_AFTER_DAYS):%d/%m/%Y}")
    if today > add_months(bought_on, REFUND_WITHIN_MONTHS):
        return MESSAGES["trop_tard"]
    return None


REFUND_STEPS = ("Rechercher le timbre", "Confirmer le timbre à rembourser", "Télécharger le justificatif de remboursement")
_RECHERCHE_FIELDS = ("reference_transaction", "numero_timbre", "montant", "date_achat")


def _render_refund(template: str, number: int, **context: Any) -> str:
    context.setdefault("values", {})
    context.setdefault("errors", {})
    return render_template(
        f"timbres/{template}.html", titre_demarche=REMBOURSEMENT_TITRE, number=number, total=len(REFUND_STEPS),
        grouped=timbre.grouped,
        step_title=REFUND_STEPS[number - 1], next_title=REFUND_STEPS[number] if number < len(REFUND_STEPS) else None,
        **context,
    )


@bp.route("/remboursement", methods=["GET", "POST"], host=HOST)
def recherche() -> Response:
    visitor, state = current_visitor(), current_state()
    if request.method == "GET":
        return with_visitor(_render_refund("recherche", 1), visitor)
    values = {name: request.form.get(name, "") for name in _RECHERCHE_FIELDS}
    check = FormCheck(dict(values), today=state.today())
    found = _check_recherche(check)
    if found is None:
        refusal = check.errors.pop("recherche", None)
        return with_visitor(_render_refund("recherche", 1, values=values, errors=check.errors, refus=refusal), visitor)
    jeton = secrets.token_urlsafe(12)
    with state.lock:
        site_store()["recherches"][jeton] = found
        site_store()["visiteurs"].setdefault(visitor, {})["recherche"] = jeton
    return with_visitor(redirect("/remboursement/confirmation", 303), visitor)


@bp.route("/remboursement/confirmation", methods=["GET", "POST"], host=HOST)
def confirmation() -> Response:
    visitor, state = current_visitor(), current_state()
    with state.lock:
        store = site_store()
        jeton = request.form.get("jeton", "") if request.method == "POST" \
            else store["visiteurs"].get(visitor, {}).get("recherche", "")
        found = dict(store["recherches"].get(jeton) or {})
    if not found:
        return with_visitor(redirect("/remboursement", 303), visitor)
    if request.method == "GET":
        return with_visitor(_render_refund("remboursement", 2, r=found, jeton=jeton,
                                            date_achat=_fr_date(found["date_achat"])), visitor)
    numero = f"R{state.today():%Y%m%d}{secrets.randbelow(10**6):06d}"
    state.record({
        "kind": REMBOURSEMENT_KIND, "numero_remboursement": numero, "numero_timbre": found["numero_timbre"],
        "reference_transaction": found["reference_transaction"], "montant": found["montant"],
        "date_achat": found["date_achat"], "carte_fin": found["carte_fin"], "received_at": now_iso(),
    })
    with state.lock:
        store["visiteurs"].setdefault(visitor, {}).setdefault("remboursements", []).append(numero)
    return with_visitor(redirect(f"/remboursement/{numero}", 303), visitor)


def _refund(numero: str) -> dict[str, Any]:
    with current_state().lock:
        if numero not in site_store()["visiteurs"].get(current_visitor(), {}).get("remboursements", []):
            abort(404)
    return next(r for r in current_state().received(REMBOURSEMENT_KIND) if r["numero_remboursement"] == numero)


@bp.route("/remboursement/<numero>", host=HOST)
def rembourse(numero: str) -> str:
    done = _refund(numero)
    return _render_refund("rembourse", 3, r=done)


@bp.route("/remboursement/<numero>/justificatif.pdf", host=HOST)
def justificatif(numero: str) -> Response:
    done = _refund(numero)
    lines = [
        Line("Justificatif de remboursement d'un timbre fiscal électronique", 14, bold=True),
        f"Numéro de la demande de remboursement : {numero}",
        f"Numéro du timbre : {timbre.grouped(done['numero_timbre'])}",
        f"Montant remboursé : {done['montant']} €",
        f"Date d'achat du timbre : {_fr_date(done['date_achat'])}",
        f"Remboursé sur la carte bancaire se terminant par {done['carte_fin']}",
        f"Demande enregistrée le {datetime.fromisoformat(done['received_at']):%d/%m/%Y}",
    ]
    return pdf_download(pdf_document(lines), f"justificatif-remboursement-{numero}.pdf")


def _fr_date(iso: str) -> str:
    return f"{date.fromisoformat(iso):%d/%m/%Y}"

