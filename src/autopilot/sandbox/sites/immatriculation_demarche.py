"""How a vehicle démarche of immatriculation.ants.gouv.fr is served: a `Wizard` (login required) with
its payment, confirmation and printable documents.

Each démarche (`VehicleDemarche`, defined in `ants_immatriculation` and
`ants_immatriculation_titulaire`) is a few pages under its start path S, like the pré-demandes
(`predemande`): a `fr-stepper`, an h1 naming the page, "Précédent" (link) and "Suivant" (button),
Post/Redirect/Get, a draft per account, then `S/recapitulatif` with "Je certifie sur l'honneur
l'exactitude des informations fournies" and the démarche's submit button. When a fee is due the
récapitulatif leads to `S/paiement` "Paiement par carte bancaire" (filled by the card holder; the
card is never kept, only its last 4 digits), and the démarche is recorded once the card is
accepted. Then `S/confirmation/<numero>`, its `.../accuse-enregistrement` (every démarche) and,
when a new certificate is made, `.../certificat-provisoire` (the CPI, valid one month, France
only): PDF downloads (`immatriculation_documents`). The screens' labels, order, split and paths
are NOT confirmed [?] (docs/teleservices.md §5).

Records: `{"kind", "numero_dossier", "received_at", "account", "data"}` (+ what the démarche's
`apply` adds, such as `"code_cession"`, + `"paiement": {"montant": "253,76", "carte_fin": "1111"}`
when paid). `data` holds the pages' fields by name, normalised as the administration keeps them;
radios record their code. A double submission records twice.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cached_property
from typing import Any, Protocol

from flask import Blueprint, Response, abort, redirect, render_template, request

from autopilot.sandbox.kit import timbre
from autopilot.sandbox.kit.hosts import local_url
from autopilot.sandbox.kit.pdf import pdf_download
from autopilot.sandbox.kit.state import current_state
from autopilot.sandbox.kit.validation import FormCheck
from autopilot.sandbox.kit.wizard import Submission, Wizard, WizardPage
from autopilot.sandbox.sites.ants_compte import (
    ANTS_HOST,
    VEHICLE_SPACE_PATH,
    current_account,
    login_required,
)
from autopilot.sandbox.sites.immatriculation_champs import (
    ACQUEREURS,
    CHOIX_ADRESSE,
    IDENTIFICATIONS,
    MESSAGES,
    NATURES,
    OUI_NON,
    QUALITES,
    SEXES,
    Pages,
    draft_vehicle,
)
from autopilot.sandbox.sites.immatriculation_documents import FILENAMES, document_pdf
from autopilot.sandbox.sites.immatriculation_recapitulatif import summary
from autopilot.sandbox.sites.immatriculation_vehicules import (
    CODE_CESSION_DAYS,
    euros,
    new_numero,
    one_month_after,
    store,
    vehicle,
)

IMMAT_HOST = "immatriculation.ants.gouv.fr"
DEMARCHES_PATH = "/demarches-en-ligne"
SUIVI_PATH = DEMARCHES_PATH + "/suivre-ma-demande"

# What every page's template may offer (radios' options, the amounts' format).
CHOICES = {"sexes": SEXES, "acquereurs": ACQUEREURS, "identifications": IDENTIFICATIONS,
           "choix_adresse": CHOIX_ADRESSE, "qualites": QUALITES, "natures": NATURES, "oui_non": OUI_NON,
           "euros": euros}


def vehicle_page(name: str, title: str, template: str, fields: tuple[str, ...],
                 check: Callable[[FormCheck, Pages], None], *, multipart: bool = False,
                 context: Callable[[Pages], dict[str, Any]] | None = None,
                 complete: Callable[[Pages], bool] | None = None) -> WizardPage:
    """One page of a démarche; it shows the vehicle found from the draft besides its own `context`."""
    def shown(pages: Pages) -> dict[str, Any]:
        return {"vehicule": draft_vehicle(pages), **(context(pages) if context else {})}

    return WizardPage(name, title, fields, check, template=template, multipart=multipart, context=shown,
                      complete=complete)


def _check_certification(c: FormCheck, pages: Pages) -> None:
    c.ticked("certification", MESSAGES["certification"])


def _unguarded(view: Callable[..., Any]) -> Callable[..., Any]:
    return view


RECAP = vehicle_page("recapitulatif", "Récapitulatif", "recapitulatif", ("certification",), _check_certification)


class CitizenLogin(Protocol):
    """A login the citizen makes themself on top of the mairie's session (`ants_franceconnect`)."""

    def guard(self, view: Callable[..., Any]) -> Callable[..., Any]:
        """The view, sent to the login first when the session lacks it."""
        ...

    def take(self) -> dict[str, str] | None:
        """The identity it gave, for the record; forgotten by the session."""
        ...


@dataclass(frozen=True, eq=False)
class VehicleDemarche:
    """One vehicle démarche: its pages, its fee, what it changes in the SIV once recorded; `wizard` serves it."""

    kind: str
    titre: str
    start_path: str
    pages: tuple[WizardPage, ...]
    submit_label: str
    fee: Callable[[Pages, date], list[tuple[str, Decimal]] | None]  # the cost lines, None when free
    new_certificate: Callable[[dict[str, Any]], bool]  # from the record: a CPI to print?
    apply: Callable[[dict[str, Any], Pages, str, date], dict[str, Any]]  # site store, pages, numero -> extras
    etiquette: bool = False  # when free, the change is an étiquette stuck on the certificate
    citizen_login: CitizenLogin | None = None  # the titulaire's own FranceConnect login, before any page

    @cached_property
    def wizard(self) -> Wizard:
        login = self.citizen_login
        return Wizard(
            kind=self.kind, host=IMMAT_HOST, start_path=self.start_path, titre=self.titre,
            templates="immatriculation", pages=self.pages, recap=RECAP, submit=self._submit,
            owner=current_account, guard=login_required, form_guard=login.guard if login else _unguarded,
            back=lambda: local_url(ANTS_HOST, VEHICLE_SPACE_PATH), summary=self._recap_context,
            context={**CHOICES, "submit_label": self.submit_label}, interpose=self._to_payment,
            confirmation=self._confirmation,
            documents=(("/accuse-enregistrement", self._document("accuse")),
                       ("/certificat-provisoire", self._document("cpi"))),
            endpoint_prefix=self.kind.removeprefix("immatriculation-") + "_",
        )

    @property
    def payment_path(self) -> str:
        return self.start_path + "/paiement"

    def register(self, blueprint: Blueprint) -> None:
        """Serve the démarche's pages, payment, confirmation and documents from `blueprint`."""
        self.wizard.register(blueprint)
        payment = self.citizen_login.guard(self._payment_view) if self.citizen_login else self._payment_view
        self.wizard.serve(blueprint, self.payment_path, "paiement", payment, methods=("GET", "POST"))

    # -- the récapitulatif, the payment, the submission -----------------------------------------

    def _recap_context(self, pages: Pages) -> dict[str, Any]:
        fee = self.fee(pages, current_state().today())
        return {"sections": summary(pages, draft_vehicle(pages)), "fee": fee,
                "etiquette": self.etiquette and fee is None}

    def _to_payment(self, submission: Submission) -> Response | None:
        """A fee due: the certification kept in the draft, then the card page; free: submitted now."""
        if self.fee(submission.pages, submission.today) is None:
            return None
        current_state().save_page(submission.owner, self.kind, RECAP.name, submission.values)
        return redirect(self.payment_path, 303)

    def _payment_view(self) -> Any:
        state = current_state()
        today = state.today()
        jeton = request.form.get("jeton") if request.method == "POST" else self.wizard.draft()["jeton"]
        pages = state.draft_for_jeton(current_account(), self.kind, jeton) if jeton else None
        fee = self.fee(pages, today) if pages and RECAP.name in pages else None
        if fee is None:
            return redirect(self.wizard.recap_path, 303)
        context = {"template": "paiement", "jeton": jeton, "fee": fee, "montant": euros(fee[-1][1])}
        if request.method == "GET":
            return self.wizard.render(RECAP, pages, **context)
        check = FormCheck({name: request.form.get(name, "") for name in timbre.CARD_FIELDS}, today=today)
        timbre.check_card(check)
        if check.errors:  # the card number and the cryptogramme are never shown again
            shown = {"date_expiration": check.value("date_expiration")}
            return self.wizard.render(RECAP, pages, values=shown, errors=check.errors, **context)
        paiement = {"montant": euros(fee[-1][1]), "carte_fin": timbre.card_last_digits(check.value("numero_carte"))}
        return self.wizard.finish(self.wizard.submission(jeton, pages, {}, paiement=paiement))

    def _submit(self, submission: Submission) -> Response:
        state = current_state()
        numero = new_numero(submission.today)
        with state.lock:
            extras = self.apply(store(), submission.pages, numero, submission.today)
        if self.citizen_login is not None and (identity := self.citizen_login.take()):
            extras["franceconnect"] = identity
        self.wizard.record(submission, numero, **extras)
        return redirect(self.wizard.confirmation_path(numero), 303)

    # -- the confirmation and its documents -----------------------------------------------------

    def _confirmation_context(self, record: dict[str, Any]) -> dict[str, Any]:
        received = datetime.fromisoformat(record["received_at"])
        state = current_state()
        with state.lock:
            dossier = copy.deepcopy(store()["dossiers"].get(record["numero_dossier"]))
        base = self.wizard.confirmation_path(record["numero_dossier"])
        registered = date.fromisoformat(dossier["historique"][0][1]) if dossier else state.today()
        return {
            "record": record, "d": record["data"], "numero": record["numero_dossier"],
            "received_on": received.strftime("%d/%m/%Y à %H:%M"),
            "cpi": self.new_certificate(record),
            "cpi_until": one_month_after(registered).strftime("%d/%m/%Y"),
            "accuse_url": base + "/accuse-enregistrement", "cpi_url": base + "/certificat-provisoire",
            "code_until": (registered + timedelta(days=CODE_CESSION_DAYS)).strftime("%d/%m/%Y"),
            "sections": summary({"recorded": record["data"]}, vehicle(record["data"]["immatriculation"])),
            "etiquette": self.etiquette and "paiement" not in record,
            "espace_url": local_url(ANTS_HOST, VEHICLE_SPACE_PATH), "suivi_url": SUIVI_PATH,
        }

    def _confirmation(self, record: dict[str, Any]) -> str:
        numero = record["numero_dossier"]
        show_code = False
        if "code_cession" in record:
            state = current_state()
            with state.lock:  # shown once: the first display of this confirmation
                shown = store()["codes_montres"]
                show_code = numero not in shown
                shown.add(numero)
        return render_template("immatriculation/confirmation.html", demarche=self, show_code=show_code,
                               **self._confirmation_context(record))

    def _document(self, kind: str) -> Callable[[dict[str, Any]], Response]:
        def download(record: dict[str, Any]) -> Response:
            context = self._confirmation_context(record)
            if kind == "cpi" and not context["cpi"]:
                abort(404)
            numero = record["numero_dossier"]
            return pdf_download(document_pdf(kind, self.titre, context), FILENAMES[kind].format(numero=numero))

        return download
