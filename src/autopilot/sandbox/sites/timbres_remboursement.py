"""Replica of timbres.impots.gouv.fr: the refund of a CNI or passport timbre électronique (R55925).

The screens follow a public user guide and R55925 (docs/teleservices.md §3, §9.5): the home page's
« Accéder » (`timbres_impots.home`) opens a pop-up asking to confirm the stamp was not bought on the
OFII or Justice sites (« OK ») → `/pages/remboursement/choixFormulaire.jsp` (the only path seen in a
public page, [S]) « Vous êtes » « Usager » → « Poursuivre » → « En ligne » (or « Auprès d'un
professionnel délivrant des timbres électroniques », not reproduced: it needs a RIB and an ID) →
« Poursuivre » → R55925's steps: « Rechercher le timbre » (numéro du timbre, montant, référence de
la transaction, date d'achat; « Rechercher ») → « Confirmer le timbre à rembourser » (credited to the
card of the purchase; « Confirmer le remboursement ») → « Remboursement accepté » with « Télécharger le
justificatif de remboursement ». No e-mail is sent (economie.gouv.fr). The other paths, headings and
wordings are [?]. Refused with the site's message: a timbre bought less than 3 days or more than 18
months ago (sandbox clock), used, already refunded, or bought for anything but a CNI or a passport.
No login: like the purchase, a visitor's refund is kept server-side, under the same cookie.

Record (never de-duplicated: a confirmation posted twice records twice): `{"kind":
"timbres-remboursement", "numero_remboursement", "numero_timbre", "reference_transaction",
"montant", "date_achat", "carte_fin", "received_at"}`.

Refunds also find the timbres bought at the end of a pré-demande (records "timbre-achat", see
`predemande`, with their transaction reference and date of purchase on the sandbox's clock). A
timbre carried by a recorded pré-demande is used. `Refund` and `check_recherche` also serve the
Justice's refund (`timbre_justice`).
"""

from __future__ import annotations

import functools
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request

from autopilot.sandbox.kit import timbre, visitors
from autopilot.sandbox.kit.pdf import Line, pdf_document, pdf_download
from autopilot.sandbox.kit.state import current_state, now_iso
from autopilot.sandbox.kit.training import Link
from autopilot.sandbox.kit.validation import FormCheck
from autopilot.sandbox.kit.wizard import Pages, Submission, Wizard, WizardPage
from autopilot.sandbox.sites.predemande import TIMBRE_ACHAT_KIND, used_timbres
from autopilot.sandbox.sites.timbres_impots import HOST, VISITOR_COOKIE, add_months, site_store

HOSTS = (HOST,)
REMBOURSEMENT_KIND = "timbres-remboursement"
REMBOURSEMENT_TITRE = "Remboursement d'un timbre électronique"
BASE = "/pages/remboursement"
HOME = (Link("Timbres fiscaux", "Demander le remboursement d'un timbre électronique", HOST,
             f"{BASE}/choixFormulaire.jsp"),)
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
    "trop_tot": "Un timbre ne peut être remboursé que {jours} jours après son achat. Vous pourrez demander "
    "le remboursement de ce timbre à partir du {date}.",
    "trop_tard": "Le délai de remboursement de {mois} mois après l'achat est dépassé : ce timbre ne peut "
    "plus être remboursé.",
}


@dataclass(frozen=True)
class Refund:
    """A site's refund rules: its record kind, its window (R55925), how it finds a stamp it sold."""

    kind: str
    after_days: int
    within_months: int
    known: Callable[[str], dict[str, Any] | None]  # number -> {numero_timbre, reference_transaction, montant,
    # date_achat, carte_fin, remboursable}


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


IMPOTS = Refund(REMBOURSEMENT_KIND, after_days=3, within_months=18, known=_known_timbre)


def check_recherche(c: FormCheck, rules: Refund) -> dict[str, Any] | None:
    """The "Rechercher le timbre" form; returns the timbre when it may be refunded."""
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
    if c.required("reference_transaction", "la référence de la transaction"):
        c.values["reference_transaction"] = "".join(c.value("reference_transaction").split()).upper()
        if not _REFERENCE.fullmatch(c.values["reference_transaction"]):
            c.fail("reference_transaction", "La référence de la transaction ne doit contenir que des lettres "
                   "et des chiffres (6 caractères au moins).")
    c.date("date_achat", "la date d'achat")
    if c.errors:
        return None
    found = rules.known(c.values["numero_timbre"])
    if (found is None or montant != found["montant"]
            or c.value("date_achat") != f"{date.fromisoformat(found['date_achat']):%d/%m/%Y}"
            or found["reference_transaction"] != c.values["reference_transaction"]):
        c.fail("recherche", MESSAGES["introuvable"])
        return None
    refusal = _refusal(found, c.today, rules)
    if refusal:
        c.fail("recherche", refusal)
        return None
    return found


def _refusal(found: dict[str, Any], today: date, rules: Refund) -> str | None:
    """Why this timbre cannot be refunded today, in the site's words (R55925), or None."""
    numero = found["numero_timbre"]
    if any(r["numero_timbre"] == numero for r in current_state().received(rules.kind)):
        return MESSAGES["rembourse"]
    if numero in used_timbres():
        return MESSAGES["utilise"]
    if not found["remboursable"]:
        return MESSAGES["usage"]
    bought_on = date.fromisoformat(found["date_achat"])
    if today < bought_on + timedelta(days=rules.after_days):
        return MESSAGES["trop_tot"].format(jours=rules.after_days,
                                           date=f"{bought_on + timedelta(days=rules.after_days):%d/%m/%Y}")
    if today > add_months(bought_on, rules.within_months):
        return MESSAGES["trop_tard"].format(mois=rules.within_months)
    return None


def record_refund(found: dict[str, Any], rules: Refund) -> str:
    """Record the refund of `found` (credited to the card of its purchase); its number."""
    state = current_state()
    numero = f"R{state.today():%Y%m%d}{secrets.randbelow(10**6):06d}"
    state.record({
        "kind": rules.kind, "numero_remboursement": numero, "numero_timbre": found["numero_timbre"],
        "reference_transaction": found["reference_transaction"], "montant": found["montant"],
        "date_achat": found["date_achat"], "carte_fin": found["carte_fin"], "received_at": now_iso(),
    })
    return numero


def justificatif_pdf(done: dict[str, Any]) -> Response:
    """The justificatif de remboursement of a recorded refund, as a download."""
    numero = done["numero_remboursement"]
    lines = [
        Line("Justificatif de remboursement d'un timbre fiscal électronique", 14, bold=True),
        f"Numéro de la demande de remboursement : {numero}",
        f"Numéro du timbre : {timbre.grouped(done['numero_timbre'])}",
        f"Montant remboursé : {done['montant']} €",
        f"Date d'achat du timbre : {fr_date(done['date_achat'])}",
        f"Remboursé sur la carte bancaire se terminant par {done['carte_fin']}",
        f"Demande enregistrée le {datetime.fromisoformat(done['received_at']):%d/%m/%Y}",
    ]
    return pdf_download(pdf_document(lines), f"justificatif-remboursement-{numero}.pdf")


# -- the screens -------------------------------------------------------------------------------------


REFUND_STEPS = ("Rechercher le timbre", "Confirmer le timbre à rembourser",
                "Télécharger le justificatif de remboursement")
_RECHERCHE_FIELDS = ("numero_timbre", "montant", "reference_transaction", "date_achat")
QUI = [("usager", "Usager"), ("professionnel", "Professionnel")]
OU = [("en_ligne", "En ligne"), ("professionnel", "Auprès d'un professionnel délivrant des timbres électroniques")]


def serve_refund(bp: Blueprint, *, rules: Refund, host: str, titre: str, store: Callable[[], dict[str, Any]],
                 cookie: str, retour: str | None = None) -> Wizard:
    """Serve R55925's screens from `bp` (this site's and the Justice's): « Rechercher le timbre » then
    « Confirmer le timbre à rembourser » (a `Wizard`, the visitor's search as its draft), then
    « Remboursement accepté » and its justificatif, for the refunds the visitor made (`store()["visiteurs"]`)."""
    owner = functools.partial(visitors.current, cookie)

    def check(c: FormCheck, pages: Pages) -> None:
        found = check_recherche(c, rules)
        if found:
            c.values["timbre"] = found  # kept with the search, for the confirmation

    def submit(submission: Submission) -> Response:
        numero = record_refund(submission.pages["recherche"]["timbre"], rules)
        with current_state().lock:
            store()["visiteurs"].setdefault(submission.owner, {}).setdefault("remboursements", []).append(numero)
        return redirect(f"{BASE}/{numero}", 303)

    def found(pages: Pages) -> dict[str, Any]:
        stamp = pages["recherche"]["timbre"]
        return {"r": stamp, "date_achat": fr_date(stamp["date_achat"])}

    wizard = Wizard(
        kind=rules.kind, host=host, start_path=BASE, titre=titre, templates="timbres",
        pages=(WizardPage("recherche", REFUND_STEPS[0], _RECHERCHE_FIELDS, check, path="/rechercheTimbre.jsp",
                    alert="recherche"),),
        recap=WizardPage("remboursement", REFUND_STEPS[1], path="/confirmation.jsp"), after=REFUND_STEPS[2:],
        submit=submit, owner=owner, guard=visitors.remembering(cookie), summary=found,
        back=lambda: retour or f"{BASE}/choixAchat.jsp",
        context={"grouped": timbre.grouped, "base": BASE, "retour": retour},
    )
    wizard.register(bp)

    def done(numero: str) -> dict[str, Any]:
        with current_state().lock:
            if numero not in store()["visiteurs"].get(owner(), {}).get("remboursements", []):
                abort(404)
        return next(r for r in current_state().received(rules.kind) if r["numero_remboursement"] == numero)

    def rembourse(numero: str) -> str:
        return render_template("timbres/rembourse.html", titre_demarche=titre, step_title=REFUND_STEPS[2],
                               number=len(REFUND_STEPS), total=len(REFUND_STEPS), next_title=None,
                               grouped=timbre.grouped, base=BASE, r=done(numero))

    bp.add_url_rule(f"{BASE}/<numero>", "rembourse", rembourse, host=host)
    bp.add_url_rule(f"{BASE}/<numero>/justificatif.pdf", "justificatif", lambda numero: justificatif_pdf(done(numero)),
                    host=host)
    return wizard


@visitors.remembering(VISITOR_COOKIE)
def _choice_page(name: str, legend: str, what: str, options: list[tuple[str, str]], nexts: dict[str, str]) -> Any:
    """A page of one radio group and « Poursuivre », leading to `nexts[choice]`."""
    values = {name: request.form.get(name, "")} if request.method == "POST" else {}
    errors = {}
    if request.method == "POST":
        check = FormCheck(dict(values), today=current_state().today())
        check.choice(name, what, [code for code, _ in options])
        if not check.errors:
            return redirect(nexts[values[name]], 303)
        errors = check.errors
    return render_template("timbres/choix_remboursement.html", name=name, legend=legend, options=options,
                           values=values, errors=errors)


@bp.route(f"{BASE}/choixFormulaire.jsp", methods=["GET", "POST"], host=HOST)
def choix_formulaire() -> Response:
    return _choice_page("qui", "Vous êtes", "si vous êtes un usager ou un professionnel", QUI,
                        {"usager": f"{BASE}/choixAchat.jsp", "professionnel": f"{BASE}/professionnel.jsp"})


@bp.route(f"{BASE}/choixAchat.jsp", methods=["GET", "POST"], host=HOST)
def choix_achat() -> Response:
    return _choice_page("achat", "Vous avez acheté le timbre", "où vous avez acheté le timbre", OU,
                        {"en_ligne": f"{BASE}/rechercheTimbre.jsp", "professionnel": f"{BASE}/professionnel.jsp"})


@bp.route(f"{BASE}/professionnel.jsp", host=HOST)
def professionnel() -> str:
    return render_template("timbres/professionnel.html")


serve_refund(bp, rules=IMPOTS, host=HOST, titre=REMBOURSEMENT_TITRE, store=site_store, cookie=VISITOR_COOKIE)


def fr_date(iso: str) -> str:
    """`2026-11-15` -> `15/11/2026`."""
    return f"{date.fromisoformat(iso):%d/%m/%Y}"
