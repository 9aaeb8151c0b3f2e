"""Replica of timbres.impots.gouv.fr: buying a timbre fiscal électronique, and its refund.

What is known is in TELESERVICES.md §2-3 (prices, 16-digit number, PDF and 2D code sent by e-mail
or SMS, card payment, R55925's refund rules). The real paths, labels and page split were NOT
found ([?]): these pages are hand-written from the public descriptions. No login: a visitor's
purchase and refund are kept server-side, under a cookie.

- `/` "Timbres fiscaux électroniques": a card per use, each with its own "Acheter un timbre …"
  link (`/achat?usage=…`), and "Demander le remboursement d'un timbre électronique" with
  "Accéder au remboursement".
- The purchase, 5 pages with a `fr-stepper` and Post/Redirect/Get: `/achat` "Usage du timbre";
  `/achat/montant` "Montant du timbre" (the passport asks "Âge du demandeur", the OFII "Titre ou
  démarche"; quantity 1); `/achat/coordonnees` "Vos coordonnées" (nom, prénom, "Mode de
  réception": "Par courriel" with "Adresse électronique", or "Par SMS" with "Numéro de téléphone
  portable"); `/achat/recapitulatif` "Récapitulatif de la commande" (general terms to accept,
  "Procéder au paiement"); `/achat/paiement` "Paiement" (the card, "Payer N €": `timbre.check_card`).
  A paid order leads to `/timbre/<reference>` "Paiement accepté": "Numéro du timbre" (grouped by
  4), "Référence de la transaction", "Montant", "Date d'achat", a 2D code (`…/code-2d.svg`) and
  the PDF (`…/timbre.pdf`), and the timbre is sent by `send_mail` or `send_sms`.
- The refund (R55925): `/remboursement` "Rechercher le timbre" (référence de la transaction,
  numéro du timbre, montant, date d'achat; button "Rechercher") -> `/remboursement/confirmation`
  "Confirmer le timbre à rembourser" (credited to the card of the purchase; button "Confirmer le
  remboursement") -> `/remboursement/<numero>` "Remboursement accepté", with "Télécharger le
  justificatif de remboursement" (`…/justificatif.pdf`). No e-mail is sent (economie.gouv.fr).
  Refused, with the site's message: a timbre bought less than 3 days or more than 18 months ago
  (sandbox clock), used, already refunded, or bought for anything but a CNI or a passport.

Records (never de-duplicated: a payment or a confirmation posted twice records twice):
`{"kind": "timbres-achat", "numero_timbre", "reference_transaction", "montant" (int euros),
"usage" (a `timbre.TARIFS` usage), "date_achat" (AAAA-MM-JJ, the sandbox's today), "acheteur"
{"nom", "prenom"}, "reception" (courriel | sms), "destinataire", "carte_fin", "received_at"}` and
`{"kind": "timbres-remboursement", "numero_remboursement", "numero_timbre",
"reference_transaction", "montant", "date_achat", "carte_fin", "received_at"}`.

Refunds also find the timbres bought at the end of a pré-demande (records "timbre-achat", see
`predemande`): those records hold no transaction reference, so none is compared, and their date
of purchase is the date of the record. A timbre carried by a recorded pré-demande is used.
"""

from __future__ import annotations

import re
import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request

from autopilot.sandbox import timbre
from autopilot.sandbox.predemande import TIMBRE_ACHAT_KIND, used_timbres
from autopilot.sandbox.qr import qr_svg
from autopilot.sandbox.state import current_state, now_iso
from autopilot.sandbox.validation import FormCheck

HOST = "timbres.impots.gouv.fr"
HOSTS = (HOST,)
SERVICES = {HOST: {
    "name": "Timbres fiscaux électroniques — impots.gouv.fr",
    "tagline": "Acheter un timbre fiscal électronique, demander son remboursement",
    "home": "/",
}}
ACHAT_KIND = "timbres-achat"
REMBOURSEMENT_KIND = "timbres-remboursement"
VISITOR_COOKIE = "timbres_visiteur"
ACHAT_TITRE = "Achat d'un timbre fiscal électronique"
REMBOURSEMENT_TITRE = "Remboursement d'un timbre fiscal électronique"
RECEPTIONS = [("courriel", "Par courriel"), ("sms", "Par SMS")]
VALIDITY_MONTHS = 12
REFUND_AFTER_DAYS = 3
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

SENDER = "ne-pas-repondre@timbres.impots.gouv.fr"  # [?] the real sender address is not known

bp = Blueprint("timbres_impots", __name__)


@dataclass(frozen=True)
class Usage:
    """One use a timbre is bought for: its `timbre.TARIFS` rows start with `prefix`."""

    code: str
    nom: str
    lien: str  # the home page's link to buy one
    prefix: str
    question: str | None = None  # what the "Montant du timbre" page asks when several prices apply
    remboursable: bool = False


USAGES = (
    Usage("passeport", "Passeport", "Acheter un timbre passeport", "passeport_", "Âge du demandeur", True),
    Usage("cni", "Carte d'identité perdue ou volée", "Acheter un timbre carte d'identité", "cni_", None, True),
    Usage("ofii", "Titres de séjour et démarches OFII", "Acheter un timbre OFII", "ofii_", "Titre ou démarche"),
    Usage("appel", "Droit d'appel", "Acheter un timbre droit d'appel", "droit_appel"),
    Usage("permis", "Permis de conduire perdu ou volé", "Acheter un timbre permis de conduire", "permis_"),
)
_USAGES = {u.code: u for u in USAGES}
# How the passport's "Âge du demandeur" words each price.
AGES = {
    "passeport_majeur": "Majeur",
    "passeport_mineur_15_17": "Mineur de 15 à 17 ans",
    "passeport_mineur_moins_15": "Mineur de moins de 15 ans",
}


# -- the purchase pages --------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    path: str
    fields: tuple[str, ...]


PAGES = (
    Page("usage", "Usage du timbre", "/achat", ("usage",)),
    Page("montant", "Montant du timbre", "/achat/montant", ("tarif",)),
    Page("coordonnees", "Vos coordonnées", "/achat/coordonnees", ("nom", "prenom", "reception", "courriel", "telephone")),
    Page("recapitulatif", "Récapitulatif de la commande", "/achat/recapitulatif", ("cgv",)),
    Page("paiement", "Paiement", "/achat/paiement", ()),
)
_PAGE = {p.slug: p for p in PAGES}


def _tarifs(usage: Usage, today: date) -> list[timbre.Tarif]:
    return timbre.tarifs_en_vigueur(usage.prefix, today)


def _check_usage(c: FormCheck) -> None:
    c.choice("usage", "l'usage du timbre", list(_USAGES))


def _check_montant(c: FormCheck, usage: Usage) -> None:
    tarifs = _tarifs(usage, c.today)
    if usage.code == "ofii":  # a select posts its option's text
        c.choice("tarif", "le titre ou la démarche", [t.libelle for t in tarifs])
        chosen = next((t.usage for t in tarifs if t.libelle == c.value("tarif")), "")
        c.values["tarif"] = chosen
    elif usage.question:
        c.choice("tarif", "l'âge du demandeur", [t.usage for t in tarifs])
    else:
        c.values["tarif"] = tarifs[0].usage


def _check_coordonnees(c: FormCheck) -> None:
    c.person_name("nom", "le nom")
    c.person_name("prenom", "le prénom")
    c.choice("reception", "le mode de réception du timbre", [code for code, _ in RECEPTIONS])
    if c.value("reception") == "courriel":
        c.email("courriel", required=True)
    elif c.value("reception") == "sms":
        c.mobile("telephone")


def _check_recapitulatif(c: FormCheck) -> None:
    c.ticked("cgv", "Vous devez accepter les conditions générales de vente pour payer votre commande.")


def _visitor() -> str:
    return request.cookies.get(VISITOR_COOKIE) or secrets.token_urlsafe(16)


def _with_visitor(response: Any, visitor: str) -> Response:
    response = response if isinstance(response, Response) else Response(response)
    if request.cookies.get(VISITOR_COOKIE) != visitor:
        response.set_cookie(VISITOR_COOKIE, visitor, path="/", httponly=True, samesite="Lax")
    return response


def _store() -> dict[str, Any]:
    """This replica's memory: sold `timbres` by number, `visiteurs` (their order, purchases, refund)."""
    state = current_state()
    with state.lock:
        store = state.site("timbres")
        store.setdefault("timbres", {})
        store.setdefault("visiteurs", {})
        store.setdefault("recherches", {})
        return store


def _order(visitor: str) -> dict[str, dict[str, str]]:
    """A copy of the visitor's order: the pages filled, by slug."""
    with current_state().lock:
        found = _store()["visiteurs"].get(visitor, {}).get("commande", {})
        return {slug: dict(values) for slug, values in found.items()}


def _save(visitor: str, slug: str, values: dict[str, str]) -> None:
    with current_state().lock:
        entry = _store()["visiteurs"].setdefault(visitor, {})
        entry.setdefault("commande", {})[slug] = dict(values)


def _missing(order: dict[str, dict[str, str]], upto: Page, today: date) -> Page | None:
    """The first page before `upto` that the order does not hold (a new usage voids its price)."""
    for page in PAGES:
        if page is upto:
            return None
        if page.slug not in order:
            return page
        if page.slug == "montant":
            usage = _USAGES[order["usage"]["usage"]]
            if order["montant"]["tarif"] not in [t.usage for t in _tarifs(usage, today)]:
                return page
    return None


def _context(order: dict[str, dict[str, str]], today: date) -> dict[str, Any]:
    usage = _USAGES.get(order.get("usage", {}).get("usage", ""))
    code = order.get("montant", {}).get("tarif")
    return {
        "usage": usage,
        "tarifs": _tarifs(usage, today) if usage else [],
        "tarif": timbre.tarif(code, today) if code else None,
        "coordonnees": order.get("coordonnees", {}),
    }


def _render(page: Page, order: dict[str, dict[str, str]], today: date, *, values: dict[str, str],
            errors: dict[str, str]) -> str:
    index = PAGES.index(page)
    return render_template(
        f"timbres/{page.slug}.html", titre_demarche=ACHAT_TITRE, step_title=page.title, number=index + 1,
        total=len(PAGES), next_title=PAGES[index + 1].title if index + 1 < len(PAGES) else None,
        previous_url=PAGES[index - 1].path if index else "/", values=values, errors=errors,
        usage_options=[(u.code, u.nom) for u in USAGES], age_options=list(AGES.items()), receptions=RECEPTIONS,
        **_context(order, today),
    )


def _page_view(page: Page) -> Callable[[], Response]:
    def view() -> Response:
        visitor, state = _visitor(), current_state()
        today = state.today()
        order = _order(visitor)
        missing = _missing(order, page, today)
        if missing:
            return _with_visitor(redirect(missing.path, 303), visitor)
        if request.method == "GET":
            values = dict(order.get(page.slug, {}))
            if page.slug == "usage" and request.args.get("usage") in _USAGES:
                values["usage"] = request.args["usage"]
            if page.slug == "montant" and values and order["usage"]["usage"] == "ofii":  # the select shows texts
                values["tarif"] = timbre.tarif(values["tarif"], today).libelle
            return _with_visitor(_render(page, order, today, values=values, errors={}), visitor)
        values = {name: request.form[name] for name in page.fields if name in request.form}
        check = FormCheck(dict(values), today=today)
        if page.slug == "montant":
            _check_montant(check, _USAGES[order["usage"]["usage"]])
        else:
            {"usage": _check_usage, "coordonnees": _check_coordonnees, "recapitulatif": _check_recapitulatif}[
                page.slug](check)
        if check.errors:
            return _with_visitor(_render(page, order, today, values=values, errors=check.errors), visitor)
        _save(visitor, page.slug, {**values, **check.values} if page.slug == "montant" else values)
        return _with_visitor(redirect(PAGES[PAGES.index(page) + 1].path, 303), visitor)

    view.__name__ = f"achat_{page.slug}"
    return view


for _page in PAGES[:-1]:
    bp.add_url_rule(_page.path, view_func=_page_view(_page), methods=["GET", "POST"], host=HOST)


@bp.route("/", host=HOST)
def home() -> str:
    return render_template("timbres/home.html", usages=USAGES, tarifs=_tarifs, today=current_state().today())


@bp.route(_PAGE["paiement"].path, methods=["GET", "POST"], host=HOST)
def paiement() -> Response:
    visitor, state = _visitor(), current_state()
    today = state.today()
    order = _order(visitor)
    page = _PAGE["paiement"]
    missing = _missing(order, page, today)
    if missing:
        return _with_visitor(redirect(missing.path, 303), visitor)
    if request.method == "GET":
        return _with_visitor(_render(page, order, today, values={}, errors={}), visitor)
    check = FormCheck({name: request.form.get(name, "") for name in timbre.CARD_FIELDS}, today=today)
    timbre.check_card(check)
    if check.errors:  # the card number and the cryptogramme are never shown again
        shown = {"date_expiration": check.value("date_expiration")}
        return _with_visitor(_render(page, order, today, values=shown, errors=check.errors), visitor)
    sold = _sell(order, today, timbre.card_last_digits(check.value("numero_carte")))
    with state.lock:
        _store()["visiteurs"].setdefault(visitor, {}).setdefault("achats", []).append(sold["reference_transaction"])
    return _with_visitor(redirect(f"/timbre/{sold['reference_transaction']}", 303), visitor)


def _sell(order: dict[str, dict[str, str]], today: date, carte_fin: str) -> dict[str, Any]:
    """Issue a timbre for a paid order: keep it, record it, send it by e-mail or SMS."""
    state = current_state()
    tarif = timbre.tarif(order["montant"]["tarif"], today)
    buyer = order["coordonnees"]
    by_mail = buyer["reception"] == "courriel"
    with state.lock:
        sold_here = _store()["timbres"]
        numero = timbre.new_numero_timbre()
        while numero in sold_here:
            numero = timbre.new_numero_timbre()
        sold = {
            "numero_timbre": numero, "reference_transaction": _new_reference(), "montant": tarif.montant,
            "usage": tarif.usage, "date_achat": today.isoformat(),
            "acheteur": {"nom": buyer["nom"].strip(), "prenom": buyer["prenom"].strip()},
            "reception": buyer["reception"],
            "destinataire": buyer["courriel"].strip() if by_mail else "".join(buyer["telephone"].split()),
            "carte_fin": carte_fin,
        }
        sold_here[numero] = dict(sold)
    state.record({"kind": ACHAT_KIND, **sold, "received_at": now_iso()})
    text = (f"Numéro du timbre : {timbre.grouped(numero)}\nRéférence de la transaction : "
            f"{sold['reference_transaction']}\nMontant : {tarif.montant} € ({tarif.libelle})\n"
            f"Date d'achat : {today:%d/%m/%Y}\nValable jusqu'au {_valid_until(today):%d/%m/%Y}.")
    if by_mail:
        state.send_mail(sold["destinataire"], "Votre timbre fiscal électronique",
                        f"Bonjour,\n\nVoici votre timbre fiscal électronique.\n{text}\n\nLe timbre est "
                        "joint à ce message au format PDF. Il n'est pas nominatif : conservez-le.",
                        attachment=f"timbre-{numero}.pdf", sender=SENDER)
    else:
        state.send_sms(sold["destinataire"], f"Timbre fiscal électronique. {text}")
    return sold


def _new_reference() -> str:
    alphabet = string.ascii_uppercase + string.digits
    return "TF" + "".join(secrets.choice(alphabet) for _ in range(10))


def _bought(reference: str) -> dict[str, Any]:
    """A timbre the visitor bought (else 404: a reference alone does not show a timbre)."""
    with current_state().lock:
        store = _store()
        if reference not in store["visiteurs"].get(_visitor(), {}).get("achats", []):
            abort(404)
        return next(dict(t) for t in store["timbres"].values() if t["reference_transaction"] == reference)


@bp.route("/timbre/<reference>", host=HOST)
def paid(reference: str) -> str:
    sold = _bought(reference)
    return render_template("timbres/confirmation.html", t=sold, **_display(sold))


@bp.route("/timbre/<reference>/code-2d.svg", host=HOST)
def code_2d(reference: str) -> Response:
    return Response(qr_svg(_bought(reference)["numero_timbre"]), mimetype="image/svg+xml")


@bp.route("/timbre/<reference>/timbre.pdf", host=HOST)
def timbre_pdf(reference: str) -> Response:
    sold = _bought(reference)
    shown = _display(sold)
    lines = [
        ("Timbre fiscal électronique", 18),
        (f"Numéro du timbre : {shown['numero']}", 14),
        (f"Référence de la transaction : {sold['reference_transaction']}", 11),
        (f"Montant : {sold['montant']} €", 11),
        (f"Usage : {shown['libelle']}", 11),
        (f"Date d'achat : {shown['date_achat']}", 11),
        (f"Valable jusqu'au : {shown['valide_jusqu_au']}", 11),
        ("Ce timbre n'est pas nominatif. Présentez ce document ou son numéro à l'administration.", 9),
    ]
    return _pdf_response(pdf_document(lines, sold["numero_timbre"]), f"timbre-{sold['numero_timbre']}.pdf")


def _display(sold: dict[str, Any]) -> dict[str, str]:
    bought_on = date.fromisoformat(sold["date_achat"])
    return {
        "numero": timbre.grouped(sold["numero_timbre"]),
        "libelle": timbre.tarif(sold["usage"], bought_on).libelle,
        "date_achat": f"{bought_on:%d/%m/%Y}",
        "valide_jusqu_au": f"{_valid_until(bought_on):%d/%m/%Y}",
    }


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in range(day.day, 27, -1):  # 31 January + 1 month -> 28/29 February
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    return date(year, month, day.day)


def _valid_until(bought_on: date) -> date:
    return _add_months(bought_on, VALIDITY_MONTHS)


# -- the refund ----------------------------------------------------------------------------------


def _known_timbre(numero: str) -> dict[str, Any] | None:
    """The timbre with this number, sold here or at the end of a pré-demande; `reference` None when unknown."""
    with current_state().lock:
        here = _store()["timbres"].get(numero)
        if here:
            return {**here, "remboursable": here["usage"].startswith(("passeport_", "cni_"))}
    for record in current_state().received(TIMBRE_ACHAT_KIND):
        if record["numero_timbre"] == numero:
            return {
                "numero_timbre": numero, "reference_transaction": record.get("reference_transaction"),
                "montant": record["montant"], "date_achat": datetime.fromisoformat(record["received_at"]).date().isoformat(),
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
            or found["reference_transaction"] not in (None, c.values["reference_transaction"])):
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
    if today > _add_months(bought_on, REFUND_WITHIN_MONTHS):
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
    visitor, state = _visitor(), current_state()
    if request.method == "GET":
        return _with_visitor(_render_refund("recherche", 1), visitor)
    values = {name: request.form.get(name, "") for name in _RECHERCHE_FIELDS}
    check = FormCheck(dict(values), today=state.today())
    found = _check_recherche(check)
    if found is None:
        refusal = check.errors.pop("recherche", None)
        return _with_visitor(_render_refund("recherche", 1, values=values, errors=check.errors, refus=refusal), visitor)
    jeton = secrets.token_urlsafe(12)
    with state.lock:
        _store()["recherches"][jeton] = found
        _store()["visiteurs"].setdefault(visitor, {})["recherche"] = jeton
    return _with_visitor(redirect("/remboursement/confirmation", 303), visitor)


@bp.route("/remboursement/confirmation", methods=["GET", "POST"], host=HOST)
def confirmation() -> Response:
    visitor, state = _visitor(), current_state()
    with state.lock:
        store = _store()
        jeton = request.form.get("jeton", "") if request.method == "POST" \
            else store["visiteurs"].get(visitor, {}).get("recherche", "")
        found = dict(store["recherches"].get(jeton) or {})
    if not found:
        return _with_visitor(redirect("/remboursement", 303), visitor)
    if request.method == "GET":
        return _with_visitor(_render_refund("remboursement", 2, r=found, jeton=jeton,
                                            date_achat=_fr_date(found["date_achat"])), visitor)
    numero = f"R{state.today():%Y%m%d}{secrets.randbelow(10**6):06d}"
    state.record({
        "kind": REMBOURSEMENT_KIND, "numero_remboursement": numero, "numero_timbre": found["numero_timbre"],
        "reference_transaction": found["reference_transaction"], "montant": found["montant"],
        "date_achat": found["date_achat"], "carte_fin": found["carte_fin"], "received_at": now_iso(),
    })
    with state.lock:
        store["visiteurs"].setdefault(visitor, {}).setdefault("remboursements", []).append(numero)
    return _with_visitor(redirect(f"/remboursement/{numero}", 303), visitor)


def _refund(numero: str) -> dict[str, Any]:
    with current_state().lock:
        if numero not in _store()["visiteurs"].get(_visitor(), {}).get("remboursements", []):
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
        ("Justificatif de remboursement d'un timbre fiscal électronique", 14),
        (f"Numéro de la demande de remboursement : {numero}", 11),
        (f"Numéro du timbre : {timbre.grouped(done['numero_timbre'])}", 11),
        (f"Montant remboursé : {done['montant']} €", 11),
        (f"Date d'achat du timbre : {_fr_date(done['date_achat'])}", 11),
        (f"Remboursé sur la carte bancaire se terminant par {done['carte_fin']}", 11),
        (f"Demande enregistrée le {datetime.fromisoformat(done['received_at']):%d/%m/%Y}", 11),
    ]
    return _pdf_response(pdf_document(lines), f"justificatif-remboursement-{numero}.pdf")


def _fr_date(iso: str) -> str:
    return f"{date.fromisoformat(iso):%d/%m/%Y}"


# -- PDF documents -----------------------------------------------------------------------------


def _pdf_response(content: bytes, filename: str) -> Response:
    return Response(content, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def pdf_document(lines: list[tuple[str, int]], code_2d: str | None = None) -> bytes:
    """A one-page A4 PDF: text lines (text, font size) in Helvetica, and the 2D code of a number.

    Written by hand (uncompressed, WinAnsi text) so the sandbox needs no PDF library; the
    numbers stay readable in the file's bytes, which is how tests find them.
    """
    ops = [b"BT"]
    y = 800
    for text, size in lines:
        escaped = text.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        ops.append(f"/F1 {size} Tf 1 0 0 1 56 {y} Tm (".encode() + escaped + b") Tj")
        y -= size + 12
    ops.append(b"ET")
    if code_2d:  # the modules of the code drawn under the text, 4 points each
        for x, row in re.findall(r'<rect x="(\d+)" y="(\d+)" width="1" height="1"/>', qr_svg(code_2d)):
            ops.append(f"{56 + 4 * int(x)} {y - 20 - 4 * int(row)} 4 4 re f".encode())
    stream = b"\n".join(ops)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R "
        + b"/Resources << /Font << /F1 4 0 R >> >> >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
