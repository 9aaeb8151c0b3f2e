"""How a vehicle démarche of immatriculation.ants.gouv.fr is served: its pages, draft, récapitulatif,
payment, confirmation and printable documents (login required).

Each démarche (`Demarche`, defined in `ants_immatriculation` and `ants_immatriculation_titulaire`)
is a few pages under its start path S, like the pré-demandes (`predemande`): a `fr-stepper`, an h1
naming the page, "Précédent" (link) and "Suivant" (button), Post/Redirect/Get, a draft per
account, then `S/recapitulatif` with "Je certifie sur l'honneur l'exactitude des informations
fournies" and the démarche's submit button. When a fee is due the récapitulatif leads to
`S/paiement` "Paiement par carte bancaire" (filled by the card holder; the card is never kept,
only its last 4 digits), and the démarche is recorded once the card is accepted. Then
`S/confirmation/<numero>`, its `.../accuse-enregistrement` and, when a new certificate is made,
`.../certificat-provisoire` (the CPI, valid one month, France only): PDF downloads
(`immatriculation_documents`). The screens'
labels, order, split and paths are NOT confirmed [?] (docs/teleservices.md §5).

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
from typing import Any, Protocol

from flask import Blueprint, Response, abort, redirect, render_template, request

from autopilot.sandbox.kit import timbre
from autopilot.sandbox.kit.hosts import local_url
from autopilot.sandbox.kit.pdf import pdf_download
from autopilot.sandbox.kit.state import current_state, now_iso
from autopilot.sandbox.kit.validation import FormCheck
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
    LABELS,
    MESSAGES,
    NATURES,
    OUI_NON,
    QUALITES,
    SEXES,
    Pages,
    draft_vehicle,
)
from autopilot.sandbox.sites.immatriculation_documents import FILENAMES, document_pdf
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


@dataclass(frozen=True)
class Page:
    """One page of a démarche, at the start path (the first) or start path + "/" + slug."""

    slug: str
    title: str
    template: str
    fields: tuple[str, ...]
    check: Callable[[FormCheck, Pages], None]
    multipart: bool = False
    # What the page shows besides its fields, from the draft; a "prefill" entry fills an empty page.
    context: Callable[[Pages], dict[str, Any]] | None = None


class CitizenLogin(Protocol):
    """A login the citizen makes themself on top of the mairie's session (`ants_franceconnect`)."""

    def guard(self, view: Callable[..., Any]) -> Callable[..., Any]:
        """The view, sent to the login first when the session lacks it."""
        ...

    def take(self) -> dict[str, str] | None:
        """The identity it gave, for the record; forgotten by the session."""
        ...


@dataclass(frozen=True)
class Demarche:
    """One démarche: its pages, its fee, what it changes in the SIV once recorded."""

    kind: str
    titre: str
    start_path: str
    pages: tuple[Page, ...]
    submit_label: str
    fee: Callable[[Pages, date], list[tuple[str, Decimal]] | None]  # the cost lines, None when free
    new_certificate: Callable[[dict[str, Any]], bool]  # from the record: a CPI to print?
    apply: Callable[[dict[str, Any], Pages, str, date], dict[str, Any]]  # site store, pages, numero -> extras
    etiquette: bool = False  # when free, the change is an étiquette stuck on the certificate
    citizen_login: CitizenLogin | None = None  # the titulaire's own FranceConnect login, before any page

    def path(self, page: Page | str) -> str:
        slug = page if isinstance(page, str) else page.slug
        return self.start_path if slug == self.pages[0].slug else f"{self.start_path}/{slug}"

    @property
    def recap_path(self) -> str:
        return self.path("recapitulatif")

    @property
    def payment_path(self) -> str:
        return self.path("paiement")

    def confirmation_path(self, numero: str) -> str:
        return f"{self.start_path}/confirmation/{numero}"

    # -- the draft --------------------------------------------------------------------------------

    def _missing(self, pages: Pages, upto: Page | None) -> Page | None:
        """The first page before `upto` (None: all of them) that the draft does not hold."""
        for page in self.pages:
            if page is upto:
                return None
            if not pages.get(page.slug):
                return page
        return None

    def _guard(self, pages: Pages, upto: Page | None) -> Response | None:
        missing = self._missing(pages, upto)
        return redirect(self.path(missing), 303) if missing else None

    def _render(self, template: str, number: int, pages: Pages, **context: Any) -> str:
        total = len(self.pages) + 1
        titles = [p.title for p in self.pages] + ["Récapitulatif"]
        previous = self.path(self.pages[number - 2]) if number > 1 else local_url(ANTS_HOST, VEHICLE_SPACE_PATH)
        return render_template(
            f"immatriculation/{template}.html", demarche=self, number=number, total=total,
            next_title=titles[number] if number < total else None, previous_url=previous,
            vehicule=draft_vehicle(pages), sexes=SEXES, acquereurs=ACQUEREURS,
            identifications=IDENTIFICATIONS, choix_adresse=CHOIX_ADRESSE, qualites=QUALITES, natures=NATURES,
            oui_non=OUI_NON, euros=euros, **{"values": {}, "errors": {}, **context},
        )

    # -- views --------------------------------------------------------------------------------------

    def register(self, blueprint: Blueprint) -> None:
        """Serve the démarche's pages from `blueprint`, on the immatriculation host."""
        rules: list[tuple[str, str, Callable[..., Any], list[str]]] = [
            (self.path(page), page.slug, self._page_view(page), ["GET", "POST"]) for page in self.pages
        ]
        confirmation = self.confirmation_path("<numero>")
        rules += [
            (self.recap_path, "recapitulatif", self._recap_view, ["GET", "POST"]),
            (self.payment_path, "paiement", self._payment_view, ["GET", "POST"]),
            (confirmation, "confirmation", self._confirmation_view, ["GET"]),
            (confirmation + "/accuse-enregistrement", "accuse", self._document_view("accuse"), ["GET"]),
            (confirmation + "/certificat-provisoire", "cpi", self._document_view("cpi"), ["GET"]),
        ]
        prefix = self.kind.removeprefix("immatriculation-")
        after_submission = {"confirmation", "accuse", "cpi"}  # the citizen's login is over by then
        for path, endpoint, view, methods in rules:
            if self.citizen_login is not None and endpoint not in after_submission:
                view = self.citizen_login.guard(view)
            blueprint.add_url_rule(path, f"{prefix}_{endpoint}", login_required(view), methods=methods, host=IMMAT_HOST)

    def _page_view(self, page: Page) -> Callable[[], Any]:
        def view() -> Any:
            state, account = current_state(), current_account()
            pages = state.draft(account, self.kind)["pages"]
            blocked = self._guard(pages, page)
            if blocked:
                return blocked
            number = self.pages.index(page) + 1
            context = page.context(pages) if page.context else {}
            prefill = context.pop("prefill", {})
            if request.method == "GET":
                values = pages.get(page.slug) or prefill
                return self._render(page.template, number, pages, page=page, values=values, **context)
            values = {name: request.form[name] for name in page.fields if name in request.form}
            check = FormCheck(values, today=state.today())
            page.check(check, pages)
            if check.errors:
                shown = {k: v for k, v in check.values.items() if isinstance(v, str)}
                return self._render(page.template, number, pages, page=page, values=shown, errors=check.errors,
                                    **context)
            state.save_page(account, self.kind, page.slug, check.values)
            if page.slug == "adresse":  # a new address calls for a new normalisation proposal
                state.save_page(account, self.kind, "adresse-normalisee", {})
            following = self.pages[number] if number < len(self.pages) else None
            return redirect(self.path(following) if following else self.recap_path, 303)

        return view

    def _recap_context(self, pages: Pages, today: date) -> dict[str, Any]:
        fee = self.fee(pages, today)
        return {"sections": summary(pages, draft_vehicle(pages)), "fee": fee,
                "etiquette": self.etiquette and fee is None}

    def _recap_view(self) -> Any:
        state, account = current_state(), current_account()
        today = state.today()
        if request.method == "GET":
            draft = state.draft(account, self.kind)
            blocked = self._guard(draft["pages"], None)
            if blocked:
                return blocked
            return self._render("recapitulatif", len(self.pages) + 1, draft["pages"], jeton=draft["jeton"],
                                **self._recap_context(draft["pages"], today))
        jeton = request.form.get("jeton", "")
        pages = state.draft_for_jeton(account, self.kind, jeton)
        if not pages or self._guard(pages, None):
            return redirect(self.start_path, 303)
        check = FormCheck({"certification": request.form.get("certification", "")}, today=today)
        check.ticked("certification", MESSAGES["certification"])
        if check.errors:
            return self._render("recapitulatif", len(self.pages) + 1, pages, jeton=jeton, errors=check.errors,
                                **self._recap_context(pages, today))
        if self.fee(pages, today) is not None:
            state.save_page(account, self.kind, "recapitulatif", check.values)
            return redirect(self.payment_path, 303)
        return self._submit(jeton, check.values, None)

    def _payment_view(self) -> Any:
        state, account = current_state(), current_account()
        today = state.today()
        jeton = request.form.get("jeton") if request.method == "POST" else state.draft(account, self.kind)["jeton"]
        pages = state.draft_for_jeton(account, self.kind, jeton or "") if jeton else None
        if not pages or "recapitulatif" not in pages or self.fee(pages, today) is None:
            return redirect(self.recap_path, 303)
        total = self.fee(pages, today)[-1][1]
        context = {"jeton": jeton, "fee": self.fee(pages, today), "montant": euros(total)}
        if request.method == "GET":
            return self._render("paiement", len(self.pages) + 1, pages, **context)
        check = FormCheck({name: request.form.get(name, "") for name in timbre.CARD_FIELDS}, today=today)
        timbre.check_card(check)
        if check.errors:  # the card number and the cryptogramme are never shown again
            shown = {"date_expiration": check.value("date_expiration")}
            return self._render("paiement", len(self.pages) + 1, pages, values=shown, errors=check.errors, **context)
        paiement = {"montant": euros(total), "carte_fin": timbre.card_last_digits(check.value("numero_carte"))}
        return self._submit(jeton, {}, paiement)

    def _submit(self, jeton: str, values: dict[str, str], paiement: dict[str, str] | None) -> Response:
        state, account = current_state(), current_account()
        pages = state.submit_draft(account, self.kind, jeton)
        if pages is None:
            return redirect(self.start_path, 303)
        today = state.today()
        numero = new_numero(today)
        data = {k: v for slug, page in pages.items() if slug != "recapitulatif" for k, v in page.items()}
        with state.lock:
            extras = self.apply(store(), pages, numero, today)
        record = {"kind": self.kind, "numero_dossier": numero, "received_at": now_iso(), "account": account,
                  **extras, "data": {**data, "certification": "oui", **values}}
        if paiement:
            record["paiement"] = paiement
        if self.citizen_login is not None and (identity := self.citizen_login.take()):
            record["franceconnect"] = identity
        state.record(record)
        return redirect(self.confirmation_path(numero), 303)

    def _own_record(self, numero: str) -> dict[str, Any]:
        account = current_account()
        for record in current_state().received(self.kind):
            if record["numero_dossier"] == numero and record["account"] == account:
                return record
        abort(404)

    def _confirmation_context(self, record: dict[str, Any]) -> dict[str, Any]:
        received = datetime.fromisoformat(record["received_at"])
        state = current_state()
        with state.lock:
            dossier = copy.deepcopy(store()["dossiers"].get(record["numero_dossier"]))
        base = self.confirmation_path(record["numero_dossier"])
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

    def _confirmation_view(self, numero: str) -> str:
        record = self._own_record(numero)
        show_code = False
        if "code_cession" in record:
            state = current_state()
            with state.lock:  # shown once: the first display of this confirmation
                shown = store()["codes_montres"]
                show_code = numero not in shown
                shown.add(numero)
        return render_template("immatriculation/confirmation.html", demarche=self, show_code=show_code,
                               **self._confirmation_context(record))

    def _document_view(self, kind: str) -> Callable[[str], Response]:
        def view(numero: str) -> Response:
            record = self._own_record(numero)
            context = self._confirmation_context(record)
            if kind == "cpi" and not context["cpi"]:
                abort(404)
            return pdf_download(document_pdf(kind, self.titre, context), FILENAMES[kind].format(numero=numero))

        return view


# -- the récapitulatif ------------------------------------------------------------------------------


def summary(pages: Pages, vehicule: dict[str, Any] | None) -> list[tuple[str, list[tuple[str, str]]]]:
    """The récapitulatif's sections: (title, [(label, value)])."""
    d = {k: v for page in pages.values() for k, v in page.items()}
    sections = []
    plate = [("Immatriculation du véhicule", d.get("immatriculation", ""))]
    if vehicule:
        plate.append(("Véhicule", vehicule["vehicule"]))
    if d.get("code_cession"):
        plate.append(("Code de cession", d["code_cession"]))
    if d.get("numero_formule"):
        plate.append(("Numéro de formule", d["numero_formule"]))
    if d.get("date_certificat"):
        plate.append(("Date du certificat d'immatriculation", d["date_certificat"]))
    sections.append(("Véhicule", plate))
    if "type_acquereur" in d:
        sections.append(("Acquéreur", _person_rows(d)))
        sections.append(("Adresse de l'acquéreur", _address_rows(d)))
        sections.append(("Cession", [
            ("Date et heure de cession", f"{d['date_cession']} à {d['heure_cession']}"),
            ("Kilométrage", f"{d['kilometrage']} km"),
            ("Cession pour destruction", LABELS["destruction"].get(d["destruction"], "")),
        ]))
    if "telephone" in d:
        sections.append(("Nouveau titulaire", _person_rows(d) + [
            ("Numéro de téléphone portable", d["telephone"]), ("Adresse électronique", d.get("courriel", ""))]))
    if "nature" in d:
        rows = [("Nature du changement", LABELS["nature"][d["nature"]])]
        rows += [("Nouvelle raison sociale", d["raison_sociale"])] if d["nature"] == "raison_sociale" \
            else _person_rows(d)[:3]
        sections.append(("Changement demandé", rows))
    if "voie" in d and "type_acquereur" not in d:
        title = "Nouvelle adresse" if "choix_adresse" not in d else "Adresse du titulaire"
        rows = _address_rows(d)
        if vehicule and "choix_adresse" not in d:
            rows.insert(0, ("Ancienne adresse", _one_line(vehicule["adresse"])))
        sections.append((title, rows))
    if "qualite" in d:
        documents = [(label, d[name]["nom"]) for name, label in DOCUMENT_LABELS if isinstance(d.get(name), dict)]
        sections.append(("Pièces justificatives", [("Démarche effectuée", LABELS["qualite"][d["qualite"]]),
                                                   *documents]))
    return sections


DOCUMENT_LABELS = (
    ("piece_identite", "Pièce d'identité"),
    ("justificatif_domicile", "Justificatif de domicile"),
    ("cerfa_13750", "Demande de certificat d'immatriculation (Cerfa 13750)"),
    ("certificat_actuel", "Certificat d'immatriculation actuel"),
    ("justificatif", "Justificatif du changement"),
    ("mandat", "Mandat d'immatriculation (Cerfa 13757)"),
    ("piece_identite_titulaire", "Pièce d'identité du titulaire"),
)


def _person_rows(d: dict[str, Any]) -> list[tuple[str, str]]:
    if d.get("type_acquereur") == "morale":
        return [("Raison sociale", d["raison_sociale"]), ("Numéro SIRET", d["siret"])]
    return [("Nom de naissance", d.get("nom_naissance", "")), ("Nom d'usage", d.get("nom_usage", "")),
            ("Prénom(s)", d.get("prenoms", "")), ("Sexe", LABELS["sexe"].get(d.get("sexe", ""), "")),
            ("Date de naissance", d.get("date_naissance", "")), ("Commune de naissance", d.get("commune_naissance", ""))]


def _address_rows(d: dict[str, Any]) -> list[tuple[str, str]]:
    return [("Numéro et libellé de la voie", d["voie"]), ("Complément d'adresse", d["complement"]),
            ("Code postal", d["code_postal"]), ("Commune", d["commune"])]


def _one_line(adresse: dict[str, str]) -> str:
    return ", ".join(part for part in (adresse["voie"], adresse.get("complement"),
                                        f"{adresse['code_postal']} {adresse['commune']}") if part)
