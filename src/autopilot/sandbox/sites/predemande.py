"""What the ANTS pré-demandes (passport, CNI) share: pages, drafts, timbre, récapitulatif, confirmation.

`ants_passeport` and `ants_cni` each describe one `PreDemande`; this module serves it. The real
pages' labels, order and split are NOT confirmed (docs/teleservices.md §1-2, [?]): they are
hand-written from the paper Cerfa's list. Under the démarche's start path S (login required):

- `S` "Motif de la demande", `S/etat-civil` "État civil", `S/adresse` "Adresse", `S/filiation`
  "Filiation", then `S/timbre` "Timbre fiscal" when the démarche needs a timbre for this draft,
  and `S/recapitulatif` "Récapitulatif" (button "Valider ma pré-demande"). Every page has a
  `fr-stepper` ("Étape n sur N", N counting the timbre page only when it applies), an h1 naming
  the page, a POST form with "Précédent" (link) and "Suivant" (button), and Post/Redirect/Get:
  valid POST -> 303 to the next page, invalid POST -> the page again with its errors. The
  récapitulatif's "Modifier" links add `?retour=recapitulatif`, which leads back there.
- On the timbre page, "Je souhaite acheter un timbre fiscal électronique" leads to `S/timbre/achat`
  "Achat du timbre fiscal" (the citizen's card, button "Payer N €"), then to
  `S/timbre/paiement-accepte` "Paiement accepté" (button "Continuer" -> récapitulatif).
- `S/confirmation/<numero>` "Votre pré-demande est enregistrée", the printable
  `S/confirmation/<numero>/recapitulatif` and its `.../qr-code.svg`; "Télécharger le récapitulatif"
  gives `.../recapitulatif.pdf`, the same récapitulatif with its QR code (`recapitulatif`).

Each validation appends one record `{"kind", "numero_predemande", "received_at", "account",
"data"}`. `data` holds the fields of the pages that apply (form field name = key), kept exactly as
submitted: radios record their code, selects the option text, ticked checkboxes "oui", unticked
ones are absent. The timbre page is the exception: it records `timbre_choix` (deja | achat),
`numero_timbre` (16 digits, no spaces) and `timbre_montant` (euros, as a string: "86"). A purchase
is also recorded on its own, at payment: `{"kind": "timbre-achat", "numero_timbre", "montant"
(int), "reference_transaction", "date_achat" (ISO, the sandbox's today), "carte_fin", "received_at",
"account"}`; "Paiement accepté" shows the number, the amount and the reference.

A timbre carried by an earlier recorded pré-demande is refused on the timbre page. The
récapitulatif does not check again: a form validated twice is recorded twice, with the same
timbre (records are never de-duplicated), and that is how a test sees a double submission.
Drafts are kept per account and démarche, so a re-login resumes where the mediator was.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request

from autopilot.sandbox.kit import timbre
from autopilot.sandbox.kit.hosts import local_url
from autopilot.sandbox.kit.nomenclatures import COULEURS_YEUX, NATIONALITES, PAYS
from autopilot.sandbox.kit.pdf import pdf_download
from autopilot.sandbox.kit.qr import qr_svg
from autopilot.sandbox.kit.state import current_state, now_iso
from autopilot.sandbox.kit.validation import FormCheck
from autopilot.sandbox.kit.wizard import Pages, Submission, Wizard, WizardPage
from autopilot.sandbox.sites.ants_compte import (
    ANTS_HOST,
    IDENTITY_SPACE_PATH,
    current_account,
    login_required,
)
from autopilot.sandbox.sites.recapitulatif import recapitulatif_pdf

TIMBRE_ACHAT_KIND = "timbre-achat"

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
# How the récapitulatif words the codes recorded by radios.
LABELS = {
    "motif": dict(MOTIFS),
    "sexe": dict(SEXES),
    "timbre_choix": {"deja": "Timbre fiscal électronique déjà acheté", "achat": "Acheté en ligne avec la pré-demande"},
}


def new_numero_predemande() -> str:
    """A fresh numéro de pré-demande (format unconfirmed, see NUMERO_LENGTH)."""
    return "".join(secrets.choice(NUMERO_ALPHABET) for _ in range(NUMERO_LENGTH))


def used_timbres() -> set[str]:
    """The timbre numbers carried by recorded pré-demandes (of any démarche)."""
    return {
        record["data"]["numero_timbre"]
        for record in current_state().received()
        if "numero_timbre" in record.get("data", {})
    }


# -- the pages and their checks ------------------------------------------------------------


def _check_motif(c: FormCheck, pages: Pages) -> None:
    c.choice("motif", "le motif de la demande", [code for code, _ in MOTIFS])


def check_naissance(c: FormCheck, pages: Pages | None = None) -> None:
    """The birth identity every "État civil" page asks: names, first names, sexe, date and place of birth."""
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


def etat_civil_step(*, couleur_yeux: bool, nationalite_message: str) -> WizardPage:
    """The "État civil" page; the passport asks the eye colour, the CNI does not."""

    def check(c: FormCheck, pages: Pages) -> None:
        check_naissance(c)
        c.choice("nationalite", "la nationalité", NATIONALITES)
        if c.value("nationalite") not in ("", "Française"):
            c.fail("nationalite", nationalite_message)
        c.integer_between("taille", "la taille", 30, 250, "centimètres")
        if couleur_yeux:
            c.choice("couleur_yeux", "la couleur des yeux", COULEURS_YEUX)

    fields = (
        "nom_naissance", "nom_usage", "prenoms", "sexe", "date_naissance", "pays_naissance",
        "departement_naissance", "commune_naissance", "nationalite", "taille",
    ) + (("couleur_yeux",) if couleur_yeux else ())
    return WizardPage("etat_civil", "État civil", fields, check, path="/etat-civil")


def _check_adresse(c: FormCheck, pages: Pages) -> None:
    c.required("voie", "le numéro et le libellé de la voie")
    c.code_postal("code_postal")
    c.required("commune", "la commune")
    c.mobile("telephone")
    c.email("courriel")


def _check_filiation(c: FormCheck, pages: Pages) -> None:
    for parent in ("parent1", "parent2"):
        known = parent == "parent1" or not c.value("parent2_inconnu")
        number = parent[-1]
        c.person_name(f"{parent}_nom", f"le nom de famille du parent {number}", required=known)
        c.person_name(f"{parent}_prenoms", f"le ou les prénoms du parent {number}", required=known, several=True)
        c.date(f"{parent}_date_naissance", f"la date de naissance du parent {number}", required=False)


def _check_timbre(c: FormCheck, pages: Pages) -> None:
    timbre.check_choice(c, used_timbres())


def _check_recapitulatif(c: FormCheck, pages: Pages) -> None:
    c.ticked("certification", CERTIFICATION_MESSAGE)


MOTIF = WizardPage("motif", "Motif de la demande", ("motif",), _check_motif, path="")
ADRESSE = WizardPage("adresse", "Adresse", (
    "voie", "complement", "code_postal", "commune", "telephone", "courriel",
), _check_adresse)
FILIATION = WizardPage("filiation", "Filiation", tuple(
    f"{parent}_{field}"
    for parent in ("parent1", "parent2")
    for field in ("nom", "prenoms", "date_naissance", "lieu_naissance")
) + ("parent2_inconnu",), _check_filiation)
RECAP = WizardPage("recapitulatif", "Récapitulatif", ("certification",), _check_recapitulatif)


# -- a démarche: its wizard, the timbre's purchase, the confirmation and its documents -------


@dataclass(frozen=True)
class PreDemande:
    """One pré-demande: its pages before the timbre, when it needs a timbre, how the pages name the titre."""

    kind: str  # the record kind, also naming the account's draft
    host: str
    start_path: str
    nom: str  # "passeport": "Pré-demande de passeport", "votre passeport sera disponible"
    ancien: str  # "votre ancien passeport", brought to the appointment for a renouvellement
    steps: tuple[WizardPage, ...]
    needs_timbre: Callable[[Pages], bool]
    timbre_usage: Callable[[Pages, date], str]  # a `timbre.TARIFS` usage, once état civil is known

    @property
    def titre(self) -> str:
        return f"Pré-demande de {self.nom}"

    def tarif(self, pages: Pages) -> timbre.Tarif:
        """The timbre this draft needs, at today's prices."""
        today = current_state().today()
        return timbre.tarif(self.timbre_usage(pages, today), today)

    @cached_property
    def timbre_page(self) -> WizardPage:
        """The "Timbre fiscal" page, when the draft needs a timbre; a new birth date may call for another price."""
        return WizardPage(
            "timbre", "Timbre fiscal", ("timbre_choix", "numero_timbre"), _check_timbre,
            applies=self.needs_timbre,
            complete=lambda pages: pages["timbre"]["timbre_montant"] == str(self.tarif(pages).montant),
            context=lambda pages: {"tarif": self.tarif(pages), "achete": _bought(pages)},
            save=self._save_timbre,
        )

    @cached_property
    def wizard(self) -> Wizard:
        return Wizard(
            kind=self.kind, host=self.host, start_path=self.start_path, titre=self.titre, templates="predemande",
            pages=(*self.steps, self.timbre_page), recap=RECAP, submit=self._submit,
            owner=current_account, guard=login_required, back=lambda: local_url(ANTS_HOST, IDENTITY_SPACE_PATH),
            summary=lambda pages: {"d": self.wizard.merged(pages), "timbre_applies": self.needs_timbre(pages),
                                   "labels": LABELS},
            context={"nom": self.nom, "ancien": self.ancien, "motifs": MOTIFS, "sexes": SEXES, "pays": PAYS,
                     "nationalites": NATIONALITES, "couleurs": COULEURS_YEUX, "choix": timbre.CHOIX,
                     "grouped": timbre.grouped},
            numero_key="numero_predemande", confirmation=self._confirmation,
            documents=(("/recapitulatif", self._printable), ("/qr-code.svg", self._qr),
                       ("/recapitulatif.pdf", self._pdf)),
        )

    @property
    def achat_path(self) -> str:
        return self.wizard.path(self.timbre_page) + "/achat"

    @property
    def paiement_path(self) -> str:
        return self.wizard.path(self.timbre_page) + "/paiement-accepte"

    def register(self, bp: Blueprint) -> None:
        """Serve the démarche's pages from `bp`, on its host."""
        self.wizard.register(bp)
        self.wizard.serve(bp, self.achat_path, "timbre_achat", self._achat_view, methods=("GET", "POST"))
        self.wizard.serve(bp, self.paiement_path, "paiement_accepte", self._paiement_view, methods=("GET", "POST"))

    # -- the timbre: one already bought, or bought here ------------------------------------------

    def _save_timbre(self, values: dict[str, str], pages: Pages) -> dict[str, str] | Response:
        if values["timbre_choix"] == "achat":
            return redirect(self.achat_path, 303)
        return _timbre_values("deja", timbre.normalise_numero(values["numero_timbre"]), self.tarif(pages))

    def _achat_view(self) -> Any:
        state, account = current_state(), current_account()
        today = state.today()
        pages = self.wizard.draft()["pages"]
        blocked = self.wizard.blocked(self.timbre_page, pages)
        if blocked:
            return blocked
        tarif = self.tarif(pages)
        context = {"template": "timbre_achat", "previous_url": self.wizard.path(self.timbre_page)}
        if request.method == "GET":
            return self.wizard.render(self.timbre_page, pages, **context)
        check = FormCheck({name: request.form.get(name, "") for name in timbre.CARD_FIELDS}, today=today)
        timbre.check_card(check)
        if check.errors:  # the card number and the cryptogramme are never shown again
            shown = {"date_expiration": check.value("date_expiration")}
            return self.wizard.render(self.timbre_page, pages, values=shown, errors=check.errors, **context)
        numero = timbre.new_numero_timbre()
        state.record({
            "kind": TIMBRE_ACHAT_KIND, "numero_timbre": numero, "montant": tarif.montant,
            "reference_transaction": timbre.new_reference(), "date_achat": today.isoformat(),
            "carte_fin": timbre.card_last_digits(check.value("numero_carte")),
            "received_at": now_iso(), "account": account,
        })
        state.save_page(account, self.kind, self.timbre_page.name, _timbre_values("achat", numero, tarif))
        return redirect(self.paiement_path, 303)

    def _paiement_view(self) -> Any:
        state = current_state()
        pages = self.wizard.draft()["pages"]
        blocked = self.wizard.blocked(self.timbre_page, pages)
        if blocked:
            return blocked
        bought = _bought(pages)
        if bought is None:
            return redirect(self.wizard.path(self.timbre_page), 303)
        if request.method == "POST":  # "Continuer"
            return redirect(self.wizard.recap_path, 303)
        purchase = next(r for r in reversed(state.received(TIMBRE_ACHAT_KIND))
                        if r["numero_timbre"] == bought["numero_timbre"])
        return self.wizard.render(self.timbre_page, pages, template="paiement_accepte",
                                  reference=purchase["reference_transaction"])

    # -- the submission and what it leaves -------------------------------------------------------

    def _submit(self, submission: Submission) -> Response:
        numero = new_numero_predemande()
        self.wizard.record(submission, numero)
        return redirect(self.wizard.confirmation_path(numero), 303)

    def _confirmation(self, record: dict[str, Any]) -> str:
        numero = record["numero_predemande"]
        base = self.wizard.confirmation_path(numero)
        return render_template(
            "predemande/confirmation.html", demarche=self, nom=self.nom, ancien=self.ancien, numero=numero,
            d=record["data"], valid_until=_valid_until(record["received_at"]), grouped=timbre.grouped,
            qr_url=f"{base}/qr-code.svg", printable_url=f"{base}/recapitulatif.pdf", start_url=self.start_path,
        )

    def _printable(self, record: dict[str, Any]) -> str:
        numero = record["numero_predemande"]
        return render_template(
            "predemande/printable.html", demarche=self, nom=self.nom, numero=numero, editable=False,
            d=record["data"], timbre_applies="timbre_choix" in record["data"],
            labels=LABELS, grouped=timbre.grouped,
            valid_until=_valid_until(record["received_at"]), received_on=_received_on(record),
            qr_url=f"{self.wizard.confirmation_path(numero)}/qr-code.svg",
        )

    def _qr(self, record: dict[str, Any]) -> Response:
        numero = record["numero_predemande"]
        return Response(qr_svg(numero, title=f"QR code de la pré-demande {numero}"), mimetype="image/svg+xml")

    def _pdf(self, record: dict[str, Any]) -> Response:
        numero = record["numero_predemande"]
        summary = render_template("predemande/_summary.html", demarche=self, editable=False, d=record["data"],
                                  timbre_applies="timbre_choix" in record["data"], labels=LABELS,
                                  grouped=timbre.grouped)
        content = recapitulatif_pdf(nom=self.nom, numero=numero, summary_html=summary,
                                    valid_until=_valid_until(record["received_at"]), received_on=_received_on(record))
        return pdf_download(content, f"recapitulatif-predemande-{numero}.pdf")


def _timbre_values(choix: str, numero: str, tarif: timbre.Tarif) -> dict[str, str]:
    return {"timbre_choix": choix, "numero_timbre": numero, "timbre_montant": str(tarif.montant)}


def _bought(pages: Pages) -> dict[str, str] | None:
    """The timbre page of a draft whose timbre was bought online, if it was."""
    page = pages.get("timbre")
    return page if page and page.get("timbre_choix") == "achat" else None


def _received_on(record: dict[str, Any]) -> str:
    return datetime.fromisoformat(record["received_at"]).strftime("%d/%m/%Y à %H:%M")


def _valid_until(received_at: str) -> str:
    day = datetime.fromisoformat(received_at).date()
    try:
        until = day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        until = date(day.year + 1, 3, 1)
    return until.strftime("%d/%m/%Y")
