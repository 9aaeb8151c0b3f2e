"""Replica of timbres.impots.gouv.fr: buying a timbre fiscal électronique (its refund is in
`timbres_remboursement`).

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

Record (never de-duplicated: a payment posted twice records twice): `{"kind": "timbres-achat",
"numero_timbre", "reference_transaction", "montant" (int euros), "usage" (a `timbre.TARIFS`
usage), "date_achat" (AAAA-MM-JJ, the sandbox's today), "acheteur" {"nom", "prenom"},
"reception" (courriel | sms), "destinataire", "carte_fin", "received_at"}`.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request

from autopilot.sandbox import timbre
from autopilot.sandbox.pdf import Line, pdf_document, pdf_download
from autopilot.sandbox.qr import qr_svg
from autopilot.sandbox.state import current_state, now_iso
from autopilot.sandbox.training import Link
from autopilot.sandbox.validation import FormCheck

HOST = "timbres.impots.gouv.fr"
HOSTS = (HOST,)
SERVICES = {HOST: {
    "name": "Timbres fiscaux électroniques — impots.gouv.fr",
    "tagline": "Acheter un timbre fiscal électronique, demander son remboursement",
    "home": "/",
}}
HOME = (Link("Timbres fiscaux", "Acheter un timbre fiscal électronique", HOST, "/"),)
ACHAT_KIND = "timbres-achat"
VISITOR_COOKIE = "timbres_visiteur"
ACHAT_TITRE = "Achat d'un timbre fiscal électronique"
RECEPTIONS = [("courriel", "Par courriel"), ("sms", "Par SMS")]
VALIDITY_MONTHS = 12
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


def current_visitor() -> str:
    """The visitor's id: their cookie, or a new one (`with_visitor` sets it)."""
    return request.cookies.get(VISITOR_COOKIE) or secrets.token_urlsafe(16)


def with_visitor(response: Any, visitor: str) -> Response:
    """The response, setting the visitor's cookie when the browser does not hold it yet."""
    response = response if isinstance(response, Response) else Response(response)
    if request.cookies.get(VISITOR_COOKIE) != visitor:
        response.set_cookie(VISITOR_COOKIE, visitor, path="/", httponly=True, samesite="Lax")
    return response


def site_store() -> dict[str, Any]:
    """This replica's memory: sold `timbres` by number, `visiteurs` (their order, purchases,
    refunds), the refunds' `recherches` by jeton."""
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
        found = site_store()["visiteurs"].get(visitor, {}).get("commande", {})
        return {slug: dict(values) for slug, values in found.items()}


def _save(visitor: str, slug: str, values: dict[str, str]) -> None:
    with current_state().lock:
        entry = site_store()["visiteurs"].setdefault(visitor, {})
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
        visitor, state = current_visitor(), current_state()
        today = state.today()
        order = _order(visitor)
        missing = _missing(order, page, today)
        if missing:
            return with_visitor(redirect(missing.path, 303), visitor)
        if request.method == "GET":
            values = dict(order.get(page.slug, {}))
            if page.slug == "usage" and request.args.get("usage") in _USAGES:
                values["usage"] = request.args["usage"]
            if page.slug == "montant" and values and order["usage"]["usage"] == "ofii":  # the select shows texts
                values["tarif"] = timbre.tarif(values["tarif"], today).libelle
            return with_visitor(_render(page, order, today, values=values, errors={}), visitor)
        values = {name: request.form[name] for name in page.fields if name in request.form}
        check = FormCheck(dict(values), today=today)
        if page.slug == "montant":
            _check_montant(check, _USAGES[order["usage"]["usage"]])
        else:
            {"usage": _check_usage, "coordonnees": _check_coordonnees, "recapitulatif": _check_recapitulatif}[
                page.slug](check)
        if check.errors:
            return with_visitor(_render(page, order, today, values=values, errors=check.errors), visitor)
        _save(visitor, page.slug, {**values, **check.values} if page.slug == "montant" else values)
        return with_visitor(redirect(PAGES[PAGES.index(page) + 1].path, 303), visitor)

    view.__name__ = f"achat_{page.slug}"
    return view


for _page in PAGES[:-1]:
    bp.add_url_rule(_page.path, view_func=_page_view(_page), methods=["GET", "POST"], host=HOST)


@bp.route("/", host=HOST)
def home() -> str:
    return render_template("timbres/home.html", usages=USAGES, tarifs=_tarifs, today=current_state().today())


@bp.route(_PAGE["paiement"].path, methods=["GET", "POST"], host=HOST)
def paiement() -> Response:
    visitor, state = current_visitor(), current_state()
    today = state.today()
    order = _order(visitor)
    page = _PAGE["paiement"]
    missing = _missing(order, page, today)
    if missing:
        return with_visitor(redirect(missing.path, 303), visitor)
    if request.method == "GET":
        return with_visitor(_render(page, order, today, values={}, errors={}), visitor)
    check = FormCheck({name: request.form.get(name, "") for name in timbre.CARD_FIELDS}, today=today)
    timbre.check_card(check)
    if check.errors:  # the card number and the cryptogramme are never shown again
        shown = {"date_expiration": check.value("date_expiration")}
        return with_visitor(_render(page, order, today, values=shown, errors=check.errors), visitor)
    sold = _sell(order, today, timbre.card_last_digits(check.value("numero_carte")))
    with state.lock:
        site_store()["visiteurs"].setdefault(visitor, {}).setdefault("achats", []).append(sold["reference_transaction"])
    return with_visitor(redirect(f"/timbre/{sold['reference_transaction']}", 303), visitor)


def _sell(order: dict[str, dict[str, str]], today: date, carte_fin: str) -> dict[str, Any]:
    """Issue a timbre for a paid order: keep it, record it, send it by e-mail or SMS."""
    state = current_state()
    tarif = timbre.tarif(order["montant"]["tarif"], today)
    buyer = order["coordonnees"]
    by_mail = buyer["reception"] == "courriel"
    with state.lock:
        sold_here = site_store()["timbres"]
        numero = timbre.new_numero_timbre()
        while numero in sold_here:
            numero = timbre.new_numero_timbre()
        sold = {
            "numero_timbre": numero, "reference_transaction": timbre.new_reference(), "montant": tarif.montant,
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


def _bought(reference: str) -> dict[str, Any]:
    """A timbre the visitor bought (else 404: a reference alone does not show a timbre)."""
    with current_state().lock:
        store = site_store()
        if reference not in store["visiteurs"].get(current_visitor(), {}).get("achats", []):
            abort(404)
        return next(dict(t) for t in store["timbres"].values() if t["reference_transaction"] == reference)


@bp.route("/timbre/<reference>", host=HOST)
def paid(reference: str) -> str:
    sold = _bought(reference)
    return render_template("timbres/confirmation.html", t=sold, **_display(sold))


@bp.route("/timbre/<reference>/code-2d.svg", host=HOST)
def code_2d(reference: str) -> Response:
    numero = _bought(reference)["numero_timbre"]
    return Response(qr_svg(numero, title=f"Code 2D du timbre {numero}"), mimetype="image/svg+xml")


@bp.route("/timbre/<reference>/timbre.pdf", host=HOST)
def timbre_pdf(reference: str) -> Response:
    sold = _bought(reference)
    shown = _display(sold)
    lines = [
        Line("Timbre fiscal électronique", 18, bold=True),
        Line(f"Numéro du timbre : {shown['numero']}", 14),
        f"Référence de la transaction : {sold['reference_transaction']}",
        f"Montant : {sold['montant']} €",
        f"Usage : {shown['libelle']}",
        f"Date d'achat : {shown['date_achat']}",
        f"Valable jusqu'au : {shown['valide_jusqu_au']}",
        Line("Ce timbre n'est pas nominatif. Présentez ce document ou son numéro à l'administration.", 9),
    ]
    return pdf_download(pdf_document(lines, code_2d=sold["numero_timbre"]), f"timbre-{sold['numero_timbre']}.pdf")


def _display(sold: dict[str, Any]) -> dict[str, str]:
    bought_on = date.fromisoformat(sold["date_achat"])
    return {
        "numero": timbre.grouped(sold["numero_timbre"]),
        "libelle": timbre.tarif(sold["usage"], bought_on).libelle,
        "date_achat": f"{bought_on:%d/%m/%Y}",
        "valide_jusqu_au": f"{_valid_until(bought_on):%d/%m/%Y}",
    }


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the last day of a shorter month)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in range(day.day, 27, -1):  # 31 January + 1 month -> 28/29 February
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    return date(year, month, day.day)


def _valid_until(bought_on: date) -> date:
    return add_months(bought_on, VALIDITY_MONTHS)
