"""Replica of timbres.impots.gouv.fr: buying timbres fiscaux électroniques as a basket (the refund
is in `timbres_remboursement`; the droit d'appel stamp is sold by the Justice, `timbre_justice`).

The purchase follows the steps a public tutorial names (docs/teleservices.md §9.5 [S],
solidarite-numerique.fr 2021): « Acheter un timbre électronique » → « Débuter l'achat » → « Étape 1
Choix du timbre » (the démarche, then its questions) → « Ajouter au panier » → « Voir mon panier » →
« Étape 2 Validation du panier » (reception by e-mail or SMS) → « Valider le panier » → the card type
« Carte VISA, MasterCard ou Carte Bleue » → the card page, « Valider » → « Télécharger les documents ».
Mobile numbers « au format 0600000000 ou 0700000000 » only (the site's guided tour, [S]). Stamps are not
nominative: no name is asked. The paths (`/pages/…jsp`, as the site's known pages are named), the
headings, the question wordings and the modal are [?]. No login: a visitor's basket and purchases are
kept server-side, under a cookie.

- `/pages/achat/choixTimbre.jsp` "Choix du timbre": a link per démarche (`?demarche=…`), which shows
  its questions (passport: « Âge du demandeur »; « Titres pour étrangers »: the « Montant du timbre »
  communicated by the préfecture or the OFII, typed, one of `timbre.grille_etrangers`) and « Ajouter
  au panier »; then (`?ajoute=1`) a modal « Timbre ajouté au panier » with « Voir mon panier ».
- `/pages/achat/panier.jsp` "Validation du panier": the stamps (« Supprimer »), « Mode de réception »,
  « Valider le panier »; `/pages/achat/paiement.jsp` "Paiement": the card type; `/pages/paiement/carte.jsp`
  "Paiement par carte bancaire" (`timbre.check_card`, « Valider »); `/pages/achat/reception.jsp?transaction=…`
  "Votre achat est validé": each stamp's number, the transaction's reference, « Télécharger les
  documents » (`/pages/achat/documents/<reference>.pdf`: the stamps and the justificatif de paiement).

Record, one per stamp (never de-duplicated: a payment posted twice records twice): `{"kind":
"timbres-achat", "numero_timbre", "reference_transaction" (shared by the basket's stamps), "montant"
(int euros), "usage" (`timbre.TARIFS` usage, or "etrangers"), "libelle", "date_achat" (AAAA-MM-JJ, the
sandbox's today), "reception" (courriel | sms), "destinataire", "carte_fin", "received_at"}`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request

from autopilot.sandbox.kit import timbre, visitors
from autopilot.sandbox.kit.pdf import Line, pdf_document, pdf_download
from autopilot.sandbox.kit.qr import qr_svg
from autopilot.sandbox.kit.state import current_state, now_iso
from autopilot.sandbox.kit.training import Link
from autopilot.sandbox.kit.validation import FormCheck

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
ACHAT_TITRE = "Achat de timbres électroniques"
CHOIX_PATH = "/pages/achat/choixTimbre.jsp"
PANIER_PATH = "/pages/achat/panier.jsp"
PAIEMENT_PATH = "/pages/achat/paiement.jsp"
CARTE_PATH = "/pages/paiement/carte.jsp"
RECEPTION_PATH = "/pages/achat/reception.jsp"
STEPS = ("Choix du timbre", "Validation du panier", "Paiement", "Réception des timbres")
RECEPTIONS = [("courriel", "Par courriel"), ("sms", "Par SMS")]
CARTE_TYPE = "Carte VISA, MasterCard ou Carte Bleue"
VALIDITY_MONTHS = 12
SENDER = "ne-pas-repondre@timbres.impots.gouv.fr"  # [?] the real sender address is not known
_MOBILE = re.compile(r"0[67]\d{8}")  # « 0600000000 ou 0700000000 »: no spaces (the guided tour)
_EUROS = re.compile(r"(\d{1,4})(?:[.,]00?)?")

bp = Blueprint("timbres_impots", __name__)


@dataclass(frozen=True)
class Demarche:
    """A démarche of « Choix du timbre »: its `timbre.TARIFS` rows start with `prefix`."""

    code: str
    nom: str
    prefix: str
    question: str | None = None  # when several prices apply


DEMARCHES = (
    Demarche("passeport", "Passeport", "passeport_", "Âge du demandeur"),
    Demarche("cni", "Carte nationale d'identité (perte ou vol)", "cni_"),
    Demarche("etrangers", "Titres pour étrangers", "", "Montant du timbre"),
    Demarche("permis", "Permis de conduire (perte ou vol)", "permis_"),
)
_DEMARCHES = {d.code: d for d in DEMARCHES}
AGES = {  # how the passport's « Âge du demandeur » words each price
    "passeport_majeur": "Majeur",
    "passeport_mineur_15_17": "Mineur de 15 à 17 ans",
    "passeport_mineur_moins_15": "Mineur de moins de 15 ans",
}


# -- the visitor and what the site keeps of them ----------------------------------------------


def current_visitor() -> str:
    """The visitor's id: their cookie, or a new one (which the views wearing `_remembering` set)."""
    return visitors.current(VISITOR_COOKIE)


_remembering = visitors.remembering(VISITOR_COOKIE)


def site_store() -> dict[str, Any]:
    """This replica's memory: sold `timbres` by number, `visiteurs` (basket, purchases, refunds),
    the refunds' `recherches` by jeton."""
    state = current_state()
    with state.lock:
        store = state.site("timbres")
        store.setdefault("timbres", {})
        store.setdefault("visiteurs", {})
        store.setdefault("recherches", {})
        return store


def _visitor(visitor: str) -> dict[str, Any]:
    """A copy of what the site holds for this visitor: `panier` (list of stamps), `reception`."""
    with current_state().lock:
        entry = site_store()["visiteurs"].get(visitor, {})
        return {"panier": [dict(t) for t in entry.get("panier", [])], "reception": dict(entry.get("reception", {}))}


def _update(visitor: str, **changes: Any) -> None:
    with current_state().lock:
        site_store()["visiteurs"].setdefault(visitor, {}).update(changes)


def _page(template: str, number: int, **context: Any) -> str:
    context.setdefault("values", {})
    context.setdefault("errors", {})
    return render_template(
        f"timbres/{template}.html", titre_demarche=ACHAT_TITRE, step_title=STEPS[number - 1], number=number,
        total=len(STEPS), next_title=STEPS[number] if number < len(STEPS) else None, **context,
    )


# -- Étape 1: choix du timbre -------------------------------------------------------------------


def _choice(demarche: Demarche, c: FormCheck) -> dict[str, Any] | None:
    """The stamp the questions of `demarche` describe, or None (errors in `c`)."""
    if demarche.code == "etrangers":
        if c.required("montant", "le montant du timbre"):
            found = _EUROS.fullmatch(re.sub(r"\s|€", "", c.value("montant")))
            grille = timbre.grille_etrangers(c.today)
            if not found or int(found.group(1)) not in {montant for _, montant in grille.lignes}:
                c.fail("montant", "Ce montant ne correspond à aucun timbre pour étrangers. Saisissez le montant "
                       "indiqué par la préfecture ou l'OFII.")
            else:
                montant = int(found.group(1))
                return {"usage": "etrangers", "libelle": f"Titres pour étrangers — {montant} €",
                        "montant": montant}
        return None
    tarifs = timbre.tarifs_en_vigueur(demarche.prefix, c.today)
    if demarche.question:
        c.choice("tarif", "l'âge du demandeur", [t.usage for t in tarifs])
        chosen = next((t for t in tarifs if t.usage == c.value("tarif")), None)
    else:
        chosen = tarifs[0]
    if c.errors or chosen is None:
        return None
    return {"usage": chosen.usage, "libelle": chosen.libelle, "montant": chosen.montant}


@bp.route(CHOIX_PATH, methods=["GET", "POST"], host=HOST)
@_remembering
def choix() -> Response:
    visitor, today = current_visitor(), current_state().today()
    held = _visitor(visitor)
    demarche = _DEMARCHES.get(request.args.get("demarche", ""))
    shown: dict[str, Any] = {"demarches": DEMARCHES, "panier": held["panier"], "demarche": demarche,
                             "ages": list(AGES.items()), "grille": timbre.grille_etrangers(today),
                             "tarifs": timbre.tarifs_en_vigueur(demarche.prefix, today) if demarche and demarche.prefix
                             else []}
    if request.method == "GET" or demarche is None:
        return _page("choix", 1, ajoute=request.args.get("ajoute") == "1" and held["panier"], **shown)
    values = {name: request.form.get(name, "") for name in ("tarif", "montant")}
    check = FormCheck(dict(values), today=today)
    chosen = _choice(demarche, check)
    if chosen is None:
        return _page("choix", 1, values=values, errors=check.errors, **shown)
    _update(visitor, panier=[*held["panier"], {"demarche": demarche.nom, **chosen}])
    return redirect(f"{CHOIX_PATH}?ajoute=1", 303)


# -- Étape 2: validation du panier ----------------------------------------------------------------


def _check_reception(c: FormCheck) -> None:
    c.choice("reception", "le mode de réception des timbres", [code for code, _ in RECEPTIONS])
    if c.value("reception") == "courriel":
        c.email("courriel", required=True)
    elif c.value("reception") == "sms" and c.required("telephone", "le numéro de téléphone portable") \
            and not _MOBILE.fullmatch(c.value("telephone")):
        c.fail("telephone", "Seuls les numéros de téléphone portable au format 0600000000 ou 0700000000 "
               "sont acceptés.")


@bp.route(PANIER_PATH, methods=["GET", "POST"], host=HOST)
@_remembering
def panier() -> Response:
    visitor = current_visitor()
    held = _visitor(visitor)
    if request.method == "GET":
        return _page("panier", 2, panier=held["panier"], values=held["reception"], receptions=RECEPTIONS)
    if "supprimer" in request.form:
        index = request.form["supprimer"]
        kept = [t for i, t in enumerate(held["panier"]) if str(i) != index]
        _update(visitor, panier=kept)
        return redirect(PANIER_PATH, 303)
    values = {name: request.form.get(name, "") for name in ("reception", "courriel", "telephone")}
    check = FormCheck(dict(values), today=current_state().today())
    if not held["panier"]:
        check.fail("panier", "Votre panier est vide : ajoutez un timbre avant de valider.")
    else:
        _check_reception(check)
    if check.errors:
        return _page("panier", 2, panier=held["panier"], values=values, errors=check.errors, receptions=RECEPTIONS)
    _update(visitor, reception=values)
    return redirect(PAIEMENT_PATH, 303)


def _ready(held: dict[str, Any]) -> str | None:
    """Where a visitor must go back to before paying, if anywhere."""
    if not held["panier"]:
        return CHOIX_PATH
    return None if held["reception"] else PANIER_PATH


def _total(held: dict[str, Any]) -> int:
    return sum(t["montant"] for t in held["panier"])


# -- Étape 3: paiement ------------------------------------------------------------------------------


@bp.route(PAIEMENT_PATH, methods=["GET", "POST"], host=HOST)
@_remembering
def paiement() -> Response:
    visitor = current_visitor()
    held = _visitor(visitor)
    back = _ready(held)
    if back:
        return redirect(back, 303)
    if request.method == "POST" and request.form.get("moyen") == "carte":
        return redirect(CARTE_PATH, 303)
    return _page("paiement", 3, panier=held["panier"], total_paye=_total(held), carte_type=CARTE_TYPE)


@bp.route(CARTE_PATH, methods=["GET", "POST"], host=HOST)
@_remembering
def carte() -> Response:
    visitor, state = current_visitor(), current_state()
    held = _visitor(visitor)
    back = _ready(held)
    if back:
        return redirect(back, 303)
    context = {"montant": _total(held), "detail": f"{len(held['panier'])} timbre(s) électronique(s).",
               "cartes": CARTE_TYPE}
    if request.method == "GET":
        return render_template("timbres/carte.html", values={}, errors={}, **context)
    check = FormCheck({name: request.form.get(name, "") for name in timbre.CARD_FIELDS}, today=state.today())
    timbre.check_card(check)
    if check.errors:  # the card number and the cryptogramme are never shown again
        shown = {"date_expiration": check.value("date_expiration")}
        return render_template("timbres/carte.html", values=shown, errors=check.errors, **context)
    reference = _sell(held, state.today(), timbre.card_last_digits(check.value("numero_carte")))
    with state.lock:
        entry = site_store()["visiteurs"].setdefault(visitor, {})
        entry.setdefault("achats", []).append(reference)
        entry["panier"], entry["reception"] = [], {}
    return redirect(f"{RECEPTION_PATH}?transaction={reference}", 303)


def _sell(held: dict[str, Any], today: date, carte_fin: str) -> str:
    """Issue the basket's stamps in one transaction: keep, record and send them; its reference."""
    state = current_state()
    reception = held["reception"]
    by_mail = reception["reception"] == "courriel"
    destinataire = reception["courriel"].strip() if by_mail else reception["telephone"]
    reference, sold = timbre.new_reference(), []
    with state.lock:
        sold_here = site_store()["timbres"]
        for item in held["panier"]:
            numero = timbre.new_numero_timbre()
            while numero in sold_here:
                numero = timbre.new_numero_timbre()
            record = {"numero_timbre": numero, "reference_transaction": reference, "montant": item["montant"],
                      "usage": item["usage"], "libelle": item["libelle"], "date_achat": today.isoformat(),
                      "reception": reception["reception"], "destinataire": destinataire, "carte_fin": carte_fin}
            sold_here[numero] = dict(record)
            sold.append(record)
    for record in sold:
        state.record({"kind": ACHAT_KIND, **record, "received_at": now_iso()})
    texts = [_text(record, today) for record in sold]
    if by_mail:
        state.send_mail(destinataire, "Vos timbres fiscaux électroniques",
                        "Bonjour,\n\nVoici vos timbres fiscaux électroniques.\n\n" + "\n\n".join(texts)
                        + "\n\nLes timbres sont joints à ce message au format PDF. Ils ne sont pas nominatifs : "
                          "conservez-les.", attachment=f"timbres-{reference}.pdf", sender=SENDER)
    else:
        for text in texts:
            state.send_sms(destinataire, f"Timbre fiscal électronique. {text}")
    return reference


def _text(record: dict[str, Any], today: date) -> str:
    return (f"Numéro du timbre : {timbre.grouped(record['numero_timbre'])}\nRéférence de la transaction : "
            f"{record['reference_transaction']}\nMontant : {record['montant']} € ({record['libelle']})\n"
            f"Date d'achat : {today:%d/%m/%Y}\nValable jusqu'au {_valid_until(today):%d/%m/%Y}.")


# -- Étape 4: réception et documents ---------------------------------------------------------------


def _transaction(reference: str) -> list[dict[str, Any]]:
    """The stamps of a transaction the visitor made (else 404: a reference alone shows nothing)."""
    with current_state().lock:
        store = site_store()
        if reference not in store["visiteurs"].get(current_visitor(), {}).get("achats", []):
            abort(404)
        return [dict(t) for t in store["timbres"].values() if t["reference_transaction"] == reference]


@bp.route(RECEPTION_PATH, host=HOST)
def reception() -> str:
    reference = request.args.get("transaction", "")
    sold = _transaction(reference)
    return _page("reception", 4, timbres=[{**t, **_display(t)} for t in sold], reference=reference,
                 total_paye=sum(t["montant"] for t in sold), vendu=sold[0])


@bp.route("/pages/achat/code2d/<reference>/<numero>.svg", host=HOST)
def code_2d(reference: str, numero: str) -> Response:
    if numero not in [t["numero_timbre"] for t in _transaction(reference)]:
        abort(404)
    return Response(qr_svg(numero, title=f"Code 2D du timbre {numero}"), mimetype="image/svg+xml")


@bp.route("/pages/achat/documents/<reference>.pdf", host=HOST)
def documents(reference: str) -> Response:
    """« Télécharger les documents »: each stamp, then the justificatif de paiement, in one PDF."""
    sold = _transaction(reference)
    lines: list[Any] = []
    for t in sold:
        shown = _display(t)
        lines += [Line("Timbre fiscal électronique", 18, bold=True),
                  Line(f"Numéro du timbre : {shown['numero']}", 14),
                  f"Montant : {t['montant']} €", f"Usage : {t['libelle']}", f"Date d'achat : {shown['date_achat']}",
                  f"Valable jusqu'au : {shown['valide_jusqu_au']}",
                  Line("Ce timbre n'est pas nominatif. Présentez ce document ou son numéro à l'administration.", 9),
                  ""]
    lines += [Line("Justificatif de paiement", 14, bold=True), f"Référence de la transaction : {reference}",
              f"Montant payé : {sum(t['montant'] for t in sold)} €",
              f"Payé par la carte bancaire se terminant par {sold[0]['carte_fin']}"]
    return pdf_download(pdf_document(lines, code_2d=sold[0]["numero_timbre"]), f"timbres-{reference}.pdf")


def _display(sold: dict[str, Any]) -> dict[str, str]:
    bought_on = date.fromisoformat(sold["date_achat"])
    return {
        "numero": timbre.grouped(sold["numero_timbre"]),
        "date_achat": f"{bought_on:%d/%m/%Y}",
        "valide_jusqu_au": f"{_valid_until(bought_on):%d/%m/%Y}",
    }


# -- the home page ----------------------------------------------------------------------------------


@bp.route("/", host=HOST)
@_remembering
def home() -> Response:
    confirmer = request.args.get("confirmer") == "remboursement"  # the refund's pop-up (`timbres_remboursement`)
    return render_template("timbres/home.html", confirmer=confirmer, choix_path=CHOIX_PATH)


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
    """The last day a stamp bought on `bought_on` may be used (12 months, docs/teleservices.md §3)."""
    return add_months(bought_on, VALIDITY_MONTHS)
