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
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request

from autopilot.sandbox import timbre
from autopilot.sandbox.ants_compte import (
    ANTS_HOST,
    IDENTITY_SPACE_PATH,
    current_account,
    login_required,
)
from autopilot.sandbox.hosts import local_url
from autopilot.sandbox.nomenclatures import COULEURS_YEUX, NATIONALITES, PAYS
from autopilot.sandbox.pdf import pdf_download
from autopilot.sandbox.qr import qr_svg
from autopilot.sandbox.recapitulatif import recapitulatif_pdf
from autopilot.sandbox.state import current_state, now_iso
from autopilot.sandbox.validation import FormCheck

Pages = dict[str, dict[str, str]]

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


@dataclass(frozen=True)
class Step:
    """One page of a pré-demande, at the démarche's start path + `suffix`."""

    slug: str
    title: str
    suffix: str
    fields: tuple[str, ...]
    check: Callable[[FormCheck], None]


def _check_motif(c: FormCheck) -> None:
    c.choice("motif", "le motif de la demande", [code for code, _ in MOTIFS])


def check_naissance(c: FormCheck) -> None:
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


def etat_civil_step(*, couleur_yeux: bool, nationalite_message: str) -> Step:
    """The "État civil" page; the passport asks the eye colour, the CNI does not."""

    def check(c: FormCheck) -> None:
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
    return Step("etat_civil", "État civil", "/etat-civil", fields, check)


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


def _check_timbre(c: FormCheck) -> None:
    timbre.check_choice(c, used_timbres())


def _check_recapitulatif(c: FormCheck) -> None:
    c.ticked("certification", CERTIFICATION_MESSAGE)


MOTIF = Step("motif", "Motif de la demande", "", ("motif",), _check_motif)
ADRESSE = Step("adresse", "Adresse", "/adresse", (
    "voie", "complement", "code_postal", "commune", "telephone", "courriel",
), _check_adresse)
FILIATION = Step("filiation", "Filiation", "/filiation", tuple(
    f"{parent}_{field}"
    for parent in ("parent1", "parent2")
    for field in ("nom", "prenoms", "date_naissance", "lieu_naissance")
) + ("parent2_inconnu",), _check_filiation)
TIMBRE = Step("timbre", "Timbre fiscal", "/timbre", ("timbre_choix", "numero_timbre"), _check_timbre)
RECAP = Step("recapitulatif", "Récapitulatif", "/recapitulatif", ("certification",), _check_recapitulatif)


# -- a démarche and its routes ---------------------------------------------------------------


@dataclass(frozen=True)
class PreDemande:
    """One pré-demande: its pages before the timbre, when it needs a timbre, how the pages name the titre."""

    kind: str  # the record kind, also naming the account's draft
    host: str
    start_path: str
    nom: str  # "passeport": "Pré-demande de passeport", "votre passeport sera disponible"
    ancien: str  # "votre ancien passeport", brought to the appointment for a renouvellement
    steps: tuple[Step, ...]
    needs_timbre: Callable[[Pages], bool]
    timbre_usage: Callable[[Pages, date], str]  # a `timbre.TARIFS` usage, once état civil is known

    @property
    def titre(self) -> str:
        return f"Pré-demande de {self.nom}"

    def path(self, step: Step) -> str:
        return self.start_path + step.suffix

    @property
    def achat_path(self) -> str:
        return self.path(TIMBRE) + "/achat"

    @property
    def paiement_path(self) -> str:
        return self.path(TIMBRE) + "/paiement-accepte"

    def confirmation_path(self, numero: str) -> str:
        return f"{self.start_path}/confirmation/{numero}"

    def tarif(self, pages: Pages, today: date) -> timbre.Tarif:
        """The timbre this draft needs, at today's prices."""
        return timbre.tarif(self.timbre_usage(pages, today), today)

    # -- the draft: which pages apply, which are done ------------------------------------

    def _sequence(self, pages: Pages) -> list[Step]:
        """The pages that apply to this draft, récapitulatif last."""
        return [*self.steps, *([TIMBRE] if self.needs_timbre(pages) else []), RECAP]

    def _done(self, step: Step, pages: Pages, today: date) -> bool:
        if step.slug not in pages:
            return False
        if step is TIMBRE:  # a new birth date may call for another price
            return pages["timbre"]["timbre_montant"] == str(self.tarif(pages, today).montant)
        return True

    def _first_missing(self, pages: Pages, upto: Step, today: date) -> Step | None:
        """The first page before `upto` that the draft does not hold (yet, or any more)."""
        for step in self._sequence(pages):
            if step is upto:
                return None
            if not self._done(step, pages, today):
                return step
        return None

    def _blocked(self, step: Step, pages: Pages, today: date) -> Response | None:
        """Where to go instead of `step`: a page still to fill, or past a timbre page that does not apply."""
        if step not in self._sequence(pages):
            return redirect(self.path(RECAP), 303)
        missing = self._first_missing(pages, step, today)
        return redirect(self.path(missing), 303) if missing else None

    def _merged(self, pages: Pages) -> dict[str, str]:
        data: dict[str, str] = {}
        for step in self._sequence(pages):
            data.update(pages.get(step.slug, {}))
        return data

    # -- rendering --------------------------------------------------------------------------

    def _render(self, step: Step, pages: Pages, *, values: dict[str, str], errors: dict[str, str],
                template: str | None = None, previous_url: str | None = None, **extra: Any) -> str:
        sequence = self._sequence(pages)
        index = sequence.index(step)
        if previous_url is None:
            previous_url = self.path(sequence[index - 1]) if index else local_url(ANTS_HOST, IDENTITY_SPACE_PATH)
        return render_template(
            template or f"predemande/{step.slug}.html",
            demarche=self, step=step, number=index + 1, total=len(sequence),
            next_title=sequence[index + 1].title if index + 1 < len(sequence) else None,
            previous_url=previous_url,
            values=values, errors=errors,
            motifs=MOTIFS, sexes=SEXES, pays=PAYS, nationalites=NATIONALITES, couleurs=COULEURS_YEUX,
            choix=timbre.CHOIX, grouped=timbre.grouped, **extra,
        )

    def _summary_context(self, pages: Pages) -> dict[str, Any]:
        return {
            "d": self._merged(pages),
            "timbre_applies": self.needs_timbre(pages),
            "labels": LABELS,
        }

    # -- views ------------------------------------------------------------------------------

    def register(self, bp: Blueprint) -> None:
        """Serve the démarche's pages from `bp`, on its host."""
        rules: list[tuple[str, str, Callable[..., Any], list[str]]] = [
            (self.path(step), step.slug, self._step_view(step), ["GET", "POST"])
            for step in (*self.steps, TIMBRE)
        ]
        rules += [
            (self.achat_path, "timbre_achat", self._achat_view, ["GET", "POST"]),
            (self.paiement_path, "paiement_accepte", self._paiement_view, ["GET", "POST"]),
            (self.path(RECAP), "recapitulatif", self._recap_view, ["GET", "POST"]),
            (self.confirmation_path("<numero>"), "confirmation", self._confirmation_view, ["GET"]),
            (self.confirmation_path("<numero>") + "/recapitulatif", "printable", self._printable_view, ["GET"]),
            (self.confirmation_path("<numero>") + "/qr-code.svg", "qr_code", self._qr_view, ["GET"]),
            (self.confirmation_path("<numero>") + "/recapitulatif.pdf", "recapitulatif_pdf", self._pdf_view, ["GET"]),
        ]
        for path, endpoint, view, methods in rules:
            bp.add_url_rule(path, endpoint, login_required(view), methods=methods, host=self.host)

    def _step_view(self, step: Step) -> Callable[[], Any]:
        def view() -> Any:
            state, account = current_state(), current_account()
            today = state.today()
            pages = state.draft(account, self.kind)["pages"]
            blocked = self._blocked(step, pages, today)
            if blocked:
                return blocked
            extra = {"tarif": self.tarif(pages, today), "achete": _bought(pages)} if step is TIMBRE else {}
            if request.method == "GET":
                return self._render(step, pages, values=pages.get(step.slug, {}), errors={}, **extra)
            values = _submitted(step)
            check = FormCheck(values, today=today)
            step.check(check)
            if check.errors:
                return self._render(step, pages, values=values, errors=check.errors, **extra)
            if step is TIMBRE:
                if values["timbre_choix"] == "achat":
                    return redirect(self.achat_path, 303)
                values = _timbre_values("deja", timbre.normalise_numero(values["numero_timbre"]), extra["tarif"])
            state.save_page(account, self.kind, step.slug, values)
            sequence = self._sequence(state.draft(account, self.kind)["pages"])
            following = sequence[sequence.index(step) + 1]
            if request.args.get("retour") == "recapitulatif":
                following = RECAP
            return redirect(self.path(following), 303)

        return view

    def _achat_view(self) -> Any:
        state, account = current_state(), current_account()
        today = state.today()
        pages = state.draft(account, self.kind)["pages"]
        blocked = self._blocked(TIMBRE, pages, today)
        if blocked:
            return blocked
        tarif = self.tarif(pages, today)
        context = {"template": "predemande/timbre_achat.html", "tarif": tarif, "previous_url": self.path(TIMBRE)}
        if request.method == "GET":
            return self._render(TIMBRE, pages, values={}, errors={}, **context)
        check = FormCheck({name: request.form.get(name, "") for name in timbre.CARD_FIELDS}, today=today)
        timbre.check_card(check)
        if check.errors:  # the card number and the cryptogramme are never shown again
            shown = {"date_expiration": check.value("date_expiration")}
            return self._render(TIMBRE, pages, values=shown, errors=check.errors, **context)
        numero = timbre.new_numero_timbre()
        state.record({
            "kind": TIMBRE_ACHAT_KIND, "numero_timbre": numero, "montant": tarif.montant,
            "reference_transaction": timbre.new_reference(), "date_achat": today.isoformat(),
            "carte_fin": timbre.card_last_digits(check.value("numero_carte")),
            "received_at": now_iso(), "account": account,
        })
        state.save_page(account, self.kind, TIMBRE.slug, _timbre_values("achat", numero, tarif))
        return redirect(self.paiement_path, 303)

    def _paiement_view(self) -> Any:
        state, account = current_state(), current_account()
        pages = state.draft(account, self.kind)["pages"]
        blocked = self._blocked(TIMBRE, pages, state.today())
        if blocked:
            return blocked
        bought = _bought(pages)
        if bought is None:
            return redirect(self.path(TIMBRE), 303)
        if request.method == "POST":  # "Continuer"
            return redirect(self.path(RECAP), 303)
        purchase = next(r for r in reversed(state.received(TIMBRE_ACHAT_KIND))
                        if r["numero_timbre"] == bought["numero_timbre"])
        return self._render(TIMBRE, pages, values={}, errors={}, template="predemande/paiement_accepte.html",
                            achete=bought, reference=purchase["reference_transaction"])

    def _recap_view(self) -> Any:
        state, account = current_state(), current_account()
        today = state.today()
        if request.method == "GET":
            draft = state.draft(account, self.kind)
            if not draft["pages"]:
                return redirect(self.start_path, 303)
            blocked = self._blocked(RECAP, draft["pages"], today)
            if blocked:
                return blocked
            return self._render(RECAP, draft["pages"], values={}, errors={}, jeton=draft["jeton"],
                                editable=True, **self._summary_context(draft["pages"]))

        jeton = request.form.get("jeton", "")
        pages = state.draft_for_jeton(account, self.kind, jeton)
        if not pages:
            return redirect(self.start_path, 303)
        blocked = self._blocked(RECAP, pages, today)
        if blocked:
            return blocked
        values = _submitted(RECAP)
        check = FormCheck(values, today=today)
        RECAP.check(check)
        if check.errors:
            return self._render(RECAP, pages, values=values, errors=check.errors, jeton=jeton,
                                editable=True, **self._summary_context(pages))
        pages = state.submit_draft(account, self.kind, jeton)
        if pages is None:
            return redirect(self.start_path, 303)
        numero = new_numero_predemande()
        state.record({
            "kind": self.kind, "numero_predemande": numero, "received_at": now_iso(),
            "account": account, "data": {**self._merged(pages), **values},
        })
        return redirect(self.confirmation_path(numero), 303)

    def _own_record(self, numero: str) -> dict[str, Any]:
        account = current_account()
        for record in current_state().received(self.kind):
            if record["numero_predemande"] == numero and record["account"] == account:
                return record
        abort(404)

    def _confirmation_view(self, numero: str) -> str:
        record = self._own_record(numero)
        base = self.confirmation_path(numero)
        return render_template(
            "predemande/confirmation.html", demarche=self, numero=numero, d=record["data"],
            valid_until=_valid_until(record["received_at"]), grouped=timbre.grouped,
            qr_url=f"{base}/qr-code.svg", printable_url=f"{base}/recapitulatif.pdf", start_url=self.start_path,
        )

    def _printable_view(self, numero: str) -> str:
        record = self._own_record(numero)
        return render_template(
            "predemande/printable.html", demarche=self, numero=numero, editable=False,
            d=record["data"], timbre_applies="timbre_choix" in record["data"],
            labels=LABELS, grouped=timbre.grouped,
            valid_until=_valid_until(record["received_at"]),
            received_on=datetime.fromisoformat(record["received_at"]).strftime("%d/%m/%Y à %H:%M"),
            qr_url=f"{self.confirmation_path(numero)}/qr-code.svg",
        )

    def _qr_view(self, numero: str) -> Response:
        self._own_record(numero)
        return Response(qr_svg(numero, title=f"QR code de la pré-demande {numero}"), mimetype="image/svg+xml")

    def _pdf_view(self, numero: str) -> Response:
        record = self._own_record(numero)
        summary = render_template("predemande/_summary.html", demarche=self, editable=False, d=record["data"],
                                  timbre_applies="timbre_choix" in record["data"], labels=LABELS,
                                  grouped=timbre.grouped)
        content = recapitulatif_pdf(
            nom=self.nom, numero=numero, summary_html=summary, valid_until=_valid_until(record["received_at"]),
            received_on=datetime.fromisoformat(record["received_at"]).strftime("%d/%m/%Y à %H:%M"),
        )
        return pdf_download(content, f"recapitulatif-predemande-{numero}.pdf")


def _submitted(step: Step) -> dict[str, str]:
    """The step's fields as posted; anything else (`*_bis`, unknown names) is ignored."""
    return {name: request.form[name] for name in step.fields if name in request.form}


def _timbre_values(choix: str, numero: str, tarif: timbre.Tarif) -> dict[str, str]:
    return {"timbre_choix": choix, "numero_timbre": numero, "timbre_montant": str(tarif.montant)}


def _bought(pages: Pages) -> dict[str, str] | None:
    """The timbre page of a draft whose timbre was bought online, if it was."""
    page = pages.get(TIMBRE.slug)
    return page if page and page.get("timbre_choix") == "achat" else None


def _valid_until(received_at: str) -> str:
    day = datetime.fromisoformat(received_at).date()
    try:
        until = day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        until = date(day.year + 1, 3, 1)
    return until.strftime("%d/%m/%Y")
