"""Replica of www.timbre.justice.gouv.fr: the Ministry of Justice's timbre électronique for a procédure
d'appel (droit d'appel, 225 €), its purchase and its refund.

What is known (docs/teleservices.md §9.5, §3): the droit d'appel stamp is sold by the Ministry of Justice,
not on timbres.impots.gouv.fr, from `/pages/achat/choixTimbres.jsp` (F33227 [C]); 225 € (R55925 [C]); the
site's guided tour (`/pages/aide/visiteguidee.jsp` [S]) says: have an e-mail address, a card and a printer;
step 1 buy by card (« Nous vous conseillons de saisir votre adresse courriel »), step 2 download the stamp
and the justificatif de paiement as PDF and note the référence de la transaction. Its refund (R55925,
« Demander le remboursement d'un timbre électronique pour une procédure d'appel ») is on this site; F33227
(2022) reads « valable 6 mois », « remboursable pendant 1 an » [S]. Everything else — the other paths, the
headings, the field labels, the recap page, the 3-day wait before a refund — is [?]: plausible, loosely
checked, hand-written. No login; a visitor's purchase is kept under a cookie.

- `/` "Timbre électronique": « Acheter le timbre », « Demander le remboursement ».
- `/pages/achat/choixTimbres.jsp` "Choix du timbre": « Timbre à acheter » (one stamp), « Adresse
  électronique » (optional, advised), « Numéro de téléphone portable » (optional) → « Valider » →
  `/pages/achat/recapitulatif.jsp` "Récapitulatif de votre commande" → « Payer » → `/pages/paiement/carte.jsp`
  (`timbre.check_card`, « Valider ») → `/pages/achat/telechargement.jsp?transaction=…` "Téléchargement des
  documents": « Référence de la transaction », « Numéro du timbre », « Montant », « Télécharger le timbre »
  and « Télécharger le justificatif de paiement » (PDF).
- `/pages/remboursement/rechercheTimbre.jsp` "Rechercher le timbre" → "Confirmer le timbre à rembourser" →
  "Remboursement accepté" with its justificatif (`timbres_remboursement`'s screens and checks).

Records: `{"kind": "timbre-justice-achat", "numero_timbre", "reference_transaction", "montant", "date_achat",
"courriel", "telephone", "carte_fin", "received_at"}`; refunds as `timbres_remboursement`'s, of kind
"timbre-justice-remboursement". One stamp the site already sold (`EXERCICE`, always 10 days old) is the
training home's exercise data for the refund.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request

from autopilot.sandbox.kit import timbre, visitors
from autopilot.sandbox.kit.pdf import Line, pdf_document, pdf_download
from autopilot.sandbox.kit.state import current_state, now_iso
from autopilot.sandbox.kit.training import Link, Table
from autopilot.sandbox.kit.validation import FormCheck
from autopilot.sandbox.kit.wizard import Pages, Submission, Wizard, WizardPage
from autopilot.sandbox.sites.timbres_impots import add_months
from autopilot.sandbox.sites.timbres_remboursement import Refund, fr_date, serve_refund

HOST = "www.timbre.justice.gouv.fr"
HOSTS = (HOST,)
SERVICES = {HOST: {
    "name": "Timbre électronique — Ministère de la Justice",
    "tagline": "Acheter le timbre d'une procédure d'appel, demander son remboursement",
    "home": "/",
}}
HOME = (
    Link("Timbres fiscaux", "Acheter un timbre pour une procédure d'appel (Justice)", HOST, "/"),
    Link("Timbres fiscaux", "Demander le remboursement d'un timbre pour une procédure d'appel (Justice)", HOST,
         "/pages/remboursement/rechercheTimbre.jsp"),
)
ACHAT_KIND = "timbre-justice-achat"
REMBOURSEMENT_KIND = "timbre-justice-remboursement"
VISITOR_COOKIE = "justice_visiteur"
CHOIX_PATH = "/pages/achat/choixTimbres.jsp"
RECAP_PATH = "/pages/achat/recapitulatif.jsp"
CARTE_PATH = "/pages/paiement/carte.jsp"
TELECHARGEMENT_PATH = "/pages/achat/telechargement.jsp"
REFUND_BASE = "/pages/remboursement"
TIMBRE_APPEL = "Droit d'appel — procédure d'appel avec représentation obligatoire (225 €)"
VALIDITY_MONTHS = 6  # F33227 (2022) [S]
STEPS = ("Choix du timbre", "Récapitulatif de votre commande", "Paiement", "Téléchargement des documents")
_MOBILE = re.compile(r"0[67]\d{8}")
# The training home's stamp: sold by this site 10 days before the sandbox's today, never used.
EXERCICE = {"numero_timbre": "2256 0000 1234 5678", "reference_transaction": "TJ7K2M9Q4X", "montant": 225,
            "carte_fin": "1111", "age_jours": 10}

bp = Blueprint("timbre_justice", __name__)


def _visitor() -> str:
    return visitors.current(VISITOR_COOKIE)


def _store() -> dict[str, Any]:
    """This replica's memory: sold `timbres` by number, `visiteurs` (purchases, refunds), `recherches`."""
    state = current_state()
    with state.lock:
        store = state.site("timbre-justice")
        for key in ("timbres", "visiteurs", "recherches"):
            store.setdefault(key, {})
        return store


def _entry(visitor: str) -> dict[str, Any]:
    """What the site holds for a visitor (call under the state's lock)."""
    return _store()["visiteurs"].setdefault(visitor, {})


def _page(template: str, number: int, **context: Any) -> str:
    context.setdefault("values", {})
    context.setdefault("errors", {})
    return render_template(f"justice/{template}.html", titre_demarche="Achat du timbre électronique",
                           step_title=STEPS[number - 1], number=number, total=len(STEPS),
                           next_title=STEPS[number] if number < len(STEPS) else None, **context)


@bp.route("/", host=HOST)
def home() -> str:
    return render_template("justice/home.html", choix_path=CHOIX_PATH,
                           remboursement_path=f"{REFUND_BASE}/rechercheTimbre.jsp")


# -- the purchase: « Choix du timbre », « Récapitulatif de votre commande » (a `Wizard`), then the card ----------


def _check_commande(c: FormCheck, pages: Pages) -> None:
    c.choice("timbre", "le timbre à acheter", ["droit_appel"])
    c.email("courriel")
    if c.value("telephone") and not _MOBILE.fullmatch("".join(c.value("telephone").split())):
        c.fail("telephone", "Le numéro de téléphone portable doit commencer par 06 ou 07 et comporter 10 chiffres.")


def _tarif() -> timbre.Tarif:
    return timbre.tarif("droit_appel", current_state().today())


ACHAT = Wizard(
    kind=ACHAT_KIND, host=HOST, start_path="", titre="Achat du timbre électronique", templates="justice",
    pages=(WizardPage("choix", STEPS[0], ("timbre", "courriel", "telephone"), _check_commande, path=CHOIX_PATH),),
    recap=WizardPage("recapitulatif", STEPS[1], path=RECAP_PATH), jeton=False, after=STEPS[2:],
    interpose=lambda submission: redirect(CARTE_PATH, 303),  # « Payer »: sold once the card is accepted (`_carte`)
    submit=lambda submission: _submit(submission), owner=_visitor, guard=visitors.remembering(VISITOR_COOKIE),
    back=lambda: "/", context={"timbre_appel": TIMBRE_APPEL},
    summary=lambda pages: {"commande": pages["choix"], "montant": _tarif().montant},
)
ACHAT.register(bp)


def _carte() -> Any:
    state = current_state()
    draft = ACHAT.draft()
    if ACHAT.blocked(ACHAT.recap, draft["pages"]):
        return redirect(CHOIX_PATH, 303)
    context = {"montant": _tarif().montant, "detail": "Timbre électronique pour une procédure d'appel.",
               "cartes": "CB, Visa, Mastercard"}
    if request.method == "GET":
        return render_template("timbres/carte.html", values={}, errors={}, **context)
    check = FormCheck({name: request.form.get(name, "") for name in timbre.CARD_FIELDS}, today=state.today())
    timbre.check_card(check)
    if check.errors:  # the card number and the cryptogramme are never shown again
        shown = {"date_expiration": check.value("date_expiration")}
        return render_template("timbres/carte.html", values=shown, errors=check.errors, **context)
    carte_fin = timbre.card_last_digits(check.value("numero_carte"))
    return ACHAT.finish(ACHAT.submission(draft["jeton"], draft["pages"], {"carte_fin": carte_fin}))


ACHAT.serve(bp, CARTE_PATH, "carte", _carte, methods=("GET", "POST"))


def _submit(submission: Submission) -> Response:
    """The order paid: sell its stamp, keep its transaction among the visitor's, offer its documents."""
    sold = _sell(submission.pages["choix"], submission.values["carte_fin"])
    with current_state().lock:
        _entry(submission.owner).setdefault("achats", []).append(sold["reference_transaction"])
    return redirect(f"{TELECHARGEMENT_PATH}?transaction={sold['reference_transaction']}", 303)


def _sell(order: dict[str, str], carte_fin: str) -> dict[str, Any]:
    """Issue the stamp of a paid order: keep it, record it, send its number."""
    state = current_state()
    today = state.today()
    with state.lock:
        sold_here = _store()["timbres"]
        numero = timbre.new_numero_timbre()
        while numero in sold_here:
            numero = timbre.new_numero_timbre()
        sold = {"numero_timbre": numero, "reference_transaction": timbre.new_reference(), "montant": _tarif().montant,
                "date_achat": today.isoformat(), "courriel": order.get("courriel", "").strip(),
                "telephone": "".join(order.get("telephone", "").split()), "carte_fin": carte_fin}
        sold_here[numero] = dict(sold)
    state.record({"kind": ACHAT_KIND, **sold, "received_at": now_iso()})
    text = (f"Numéro du timbre : {timbre.grouped(numero)}\n"
            f"Référence de la transaction : {sold['reference_transaction']}\nMontant : {sold['montant']} €\nDate d'achat : {today:%d/%m/%Y}")
    if sold["courriel"]:
        state.send_mail(sold["courriel"], "Votre timbre électronique pour une procédure d'appel",
                        f"Bonjour,\n\n{text}\n\nTéléchargez le timbre et le justificatif de paiement sur le site.",
                        sender="ne-pas-repondre@timbre.justice.gouv.fr")  # [?] the real sender is not known
    if sold["telephone"]:
        state.send_sms(sold["telephone"], f"Timbre électronique (procédure d'appel). {text}")
    return sold


def _bought(reference: str) -> dict[str, Any]:
    """The stamp of a transaction this visitor made (else 404)."""
    with current_state().lock:
        if reference not in _entry(_visitor()).get("achats", []):
            abort(404)
        return next(dict(t) for t in _store()["timbres"].values() if t["reference_transaction"] == reference)


@bp.route(TELECHARGEMENT_PATH, host=HOST)
def telechargement() -> str:
    sold = _bought(request.args.get("transaction", ""))
    return _page("telechargement", 4, t=sold, numero=timbre.grouped(sold["numero_timbre"]),
                 date_achat=fr_date(sold["date_achat"]),
                 valide_jusqu_au=f"{add_months(date.fromisoformat(sold['date_achat']), VALIDITY_MONTHS):%d/%m/%Y}")


@bp.route("/pages/achat/timbre/<reference>.pdf", host=HOST)
def timbre_pdf(reference: str) -> Response:
    sold = _bought(reference)
    lines = [Line("Timbre électronique — procédure d'appel", 18, bold=True),
             Line(f"Numéro du timbre : {timbre.grouped(sold['numero_timbre'])}", 14),
             f"Montant : {sold['montant']} €",
             f"Date d'achat : {fr_date(sold['date_achat'])}",
             Line("À joindre à l'acte d'appel. Ce timbre n'est pas nominatif.", 9)]
    return pdf_download(pdf_document(lines, code_2d=sold["numero_timbre"]), f"timbre-appel-{sold['numero_timbre']}.pdf")


@bp.route("/pages/achat/justificatif/<reference>.pdf", host=HOST)
def justificatif_paiement(reference: str) -> Response:
    sold = _bought(reference)
    lines = [Line("Justificatif de paiement", 16, bold=True), f"Référence de la transaction : {reference}",
             f"Timbre électronique pour une procédure d'appel : {sold['montant']} €",
             f"Date d'achat : {fr_date(sold['date_achat'])}",
             f"Payé par la carte bancaire se terminant par {sold['carte_fin']}"]
    return pdf_download(pdf_document(lines), f"justificatif-paiement-{reference}.pdf")


# -- the refund (R55925) --------------------------------------------------------------------------------


def _exercise(today: date) -> dict[str, Any]:
    return {"numero_timbre": timbre.normalise_numero(EXERCICE["numero_timbre"]),
            "reference_transaction": EXERCICE["reference_transaction"], "montant": EXERCICE["montant"],
            "date_achat": (today - timedelta(days=EXERCICE["age_jours"])).isoformat(),
            "carte_fin": EXERCICE["carte_fin"]}


def _known(numero: str) -> dict[str, Any] | None:
    """A stamp this site sold (or its exercise stamp); every one of them may be refunded."""
    with current_state().lock:
        here = _store()["timbres"].get(numero)
    if here is None and numero == timbre.normalise_numero(EXERCICE["numero_timbre"]):
        here = _exercise(current_state().today())
    return {**here, "remboursable": True} if here else None


# [?] the 3-day wait is timbres.impots.gouv.fr's; 12 months: F33227 (2022) « remboursable pendant 1 an ».
JUSTICE = Refund(REMBOURSEMENT_KIND, after_days=3, within_months=12, known=_known)
serve_refund(bp, rules=JUSTICE, host=HOST, titre="Remboursement d'un timbre électronique pour une procédure d'appel",
             store=_store, cookie=VISITOR_COOKIE, retour="/")


def training() -> list[Table]:
    """The stamp the site already sold, to practise its refund (once per sandbox reset)."""
    today = current_state().today()
    stamp = _exercise(today)
    return [Table(
        "Timbres fiscaux", "Timbre pour une procédure d'appel déjà acheté (Justice)",
        ("Numéro du timbre", "Montant du timbre", "Référence de la transaction", "Date d'achat"),
        ((EXERCICE["numero_timbre"], f"{stamp['montant']}", stamp["reference_transaction"],
          fr_date(stamp["date_achat"])),),
        note="Pour s'exercer au remboursement sur www.timbre.justice.gouv.fr : acheté il y a "
             f"{EXERCICE['age_jours']} jours, jamais utilisé. Remboursable une fois ; réinitialisez le bac à sable "
             "pour recommencer.",
    )]
