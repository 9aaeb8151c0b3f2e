"""Replica of the driving-licence request on permisdeconduire.ants.gouv.fr (login with the ANTS
account); its suivi, in "Mon espace conduite" on ants.gouv.fr, is `ants_permis_suivi`.

"Demande en ligne d'un nouveau permis en cas de perte, vol, détérioration ou changement d'état
civil" (docs/teleservices.md §4, F1450), plus the end of the administrative validity. The way in
follows docs/teleservices.md §9.3 [C]: the account space `/monespace/` "Mon espace" → link
"Nouvelle demande" (`/monespace/nouvelle-demande`) → link "Le permis de conduire"
(`.../permis-de-conduire`) → link "Je commence la demande" → the request. The exact paths under
`/monespace/`, the page split and the labels not quoted in §9.3 are NOT confirmed [?]. Under the
start path S = `/monespace/demande-permis` (a `kit.wizard.Wizard`), "Étape n sur N" (N = 8 or 9, by motif), each page
recording these `data` keys:

1. `S` "Ma demande": objet ("Je demande la fabrication d'un titre de permis de conduire":
   fabrication), type_demande ("Renouvellement de titre": renouvellement) [C]; other choices of
   the real site are not known [?] and not offered.
2. `S/motif` "Motif du renouvellement": motif (perte "Perte du permis", vol "Vol du permis",
   deterioration "Détérioration du permis" [C]; expiration, changement_etat_civil [?]). The loss is
   declared on this page (§9.3 [C]): date_perte, circonstances (500 characters at most),
   declaration_honneur — required for a loss, not recorded for another motif.
3. By motif only — `S/declaration-vol` "Déclaration de vol": the upload declaration_vol (the
   police's récépissé, §9.3 [C]); `S/permis-deteriore` "Permis détérioré": the upload copie_permis
   (recto-verso copy of the damaged licence, §9.3 [C]); `S/nouvel-etat-civil` "Nouvel état civil":
   nouveau_nom, nouveaux_prenoms and the upload justificatif_etat_civil.
4. `S/permis` "Permis de conduire": neph (optional: 12 digits, or 6 to 15 letters and digits for
   an old number; recorded without spaces, upper case).
5. `S/etat-civil` "État civil": as the pré-demandes' (`predemande.check_naissance`).
6. `S/adresse` "Adresse": `predemande.ADRESSE`.
7. `S/photo` "Photo et signature": code_ephoto (16 to 30 letters and digits, usually 22 [?];
   recorded without spaces or dashes, upper case).
8. `S/justificatifs` "Justificatifs": the uploads justificatif_domicile, piece_identite.
9. `S/recapitulatif` "Récapitulatif": certification; button "Valider ma demande".

An upload (pdf, jpg or png, 5 Mo at most) is recorded as `{"nom", "taille", "sha256"}`; a page
posted again without a file keeps the one already sent. Pages follow Post/Redirect/Get.

Each validation appends `{"kind": "permis-demande", "numero_dossier", "received_at",
"enregistree_le" (AAAA-MM-JJ), "account", "data"}`, never de-duplicated, mails the account and
texts the citizen's mobile. For a loss or a theft, the price of the new licence (25 €,
`timbre.TARIFS`) is paid "à la fin de la démarche en ligne" (§9.3 [S]): the validation leads to
`S/paiement/<numero>` "Paiement du permis de conduire" (the card page, button "Payer 25 €"),
which appends `{"kind": "permis-paiement", "numero_dossier", "montant", "carte_fin",
"received_at", "account"}`. Then `S/confirmation/<numero>` "Votre demande est enregistrée" with
"Numéro de dossier", and for a loss "Valable jusqu'au : JJ/MM/AAAA" and the link "Télécharger
l'attestation de perte" (valid 2 months [?]), a PDF download as the real site's documents
(docs/teleservices.md §9.6, §9.8); an unpaid loss or theft is sent back to its payment page. Drafts
are kept per account.
"""

from __future__ import annotations

import re
import secrets
from datetime import date, timedelta
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request

from autopilot.sandbox.kit import timbre
from autopilot.sandbox.kit.hosts import local_url
from autopilot.sandbox.kit.nomenclatures import PAYS
from autopilot.sandbox.kit.pdf import Line, pdf_document, pdf_download
from autopilot.sandbox.kit.state import current_state, now_iso
from autopilot.sandbox.kit.training import Link
from autopilot.sandbox.kit.validation import FormCheck
from autopilot.sandbox.kit.wizard import Pages, Submission, Wizard, WizardPage
from autopilot.sandbox.sites import predemande
from autopilot.sandbox.sites.ants_compte import (
    ANTS_HOST,
    DRIVING_SPACE_PATH,
    current_account,
    login_required,
)

PERMIS_HOST = "permisdeconduire.ants.gouv.fr"
HOSTS = (PERMIS_HOST,)
SPACE_PATH = "/monespace/"
NEW_REQUEST_PATH = "/monespace/nouvelle-demande"
LICENCE_PATH = NEW_REQUEST_PATH + "/permis-de-conduire"
START_PATH = "/monespace/demande-permis"
SUIVI_PATH = DRIVING_SPACE_PATH + "/suivi-permis"
KIND = "permis-demande"
PAYMENT_KIND = "permis-paiement"
TITRE = "Demande de permis de conduire"
HOME = (Link("Permis de conduire", "Demande de permis de conduire (perte, vol, détérioration, changement d'état "
             "civil, fin de validité)", PERMIS_HOST, SPACE_PATH),)

OBJETS = [("fabrication", "Je demande la fabrication d'un titre de permis de conduire")]
TYPES = [("renouvellement", "Renouvellement de titre")]
MOTIFS = [
    ("perte", "Perte du permis"),
    ("vol", "Vol du permis"),
    ("deterioration", "Détérioration du permis"),
    ("expiration", "Fin de validité du permis"),
    ("changement_etat_civil", "Changement d'état civil"),
]
MOTIFS_PAYING = ("vol", "perte")
PERTE_FIELDS = ("date_perte", "circonstances", "declaration_honneur")
SEXES = predemande.SEXES
LABELS = {"motif": dict(MOTIFS), "sexe": dict(SEXES), "objet": dict(OBJETS), "type_demande": dict(TYPES)}
ATTESTATION_DAYS = 61  # "valable 2 mois" [?]


# -- the pages and their checks ------------------------------------------------------------


def _check_demande(c: FormCheck, pages: Pages) -> None:
    c.choice("objet", "l'objet de votre demande", [code for code, _ in OBJETS])
    c.choice("type_demande", "le type de demande", [code for code, _ in TYPES])


def _check_motif(c: FormCheck, pages: Pages) -> None:
    c.choice("motif", "le motif du renouvellement", [code for code, _ in MOTIFS])
    if c.value("motif") != "perte":
        return
    c.date("date_perte", "la date de la perte")
    if c.required("circonstances", "les circonstances de la perte") and len(c.value("circonstances")) > 500:
        c.fail("circonstances", "Les circonstances de la perte ne doivent pas dépasser 500 caractères.")
    c.ticked("declaration_honneur", "Vous devez déclarer sur l'honneur la perte de votre permis de conduire.")


def _save_motif(values: dict[str, str], pages: Pages) -> dict[str, str]:
    """The loss fields belong to a loss only."""
    return values if values["motif"] == "perte" else {"motif": values["motif"]}


def _check_nouvel_etat_civil(c: FormCheck, pages: Pages) -> None:
    c.person_name("nouveau_nom", "le nouveau nom de famille")
    c.person_name("nouveaux_prenoms", "le ou les nouveaux prénoms", required=False, several=True)


def _check_permis(c: FormCheck, pages: Pages) -> None:
    neph = _compact(c.value("neph"))
    if neph and not re.fullmatch(r"\d{12}|[A-Z0-9]{6,15}", neph):
        c.fail("neph", "Le numéro de permis (NEPH) comporte 12 chiffres ; un ancien numéro peut aussi "
                       "contenir des lettres (entre 6 et 15 caractères).")


def _check_photo(c: FormCheck, pages: Pages) -> None:
    if c.required("code_ephoto", "le code photo-signature numérique") and not re.fullmatch(
        r"[A-Z0-9]{16,30}", _compact(c.value("code_ephoto"))
    ):
        c.fail("code_ephoto", "Le code photo-signature numérique se compose de lettres et de chiffres "
                              "(22 caractères en général), tel qu'il figure sur la planche photo.")


def _check_recapitulatif(c: FormCheck, pages: Pages) -> None:
    c.ticked("certification", "Vous devez certifier l'exactitude des informations fournies pour valider "
                              "votre demande.")


def _compact(raw: str) -> str:
    """An identifier as recorded: no spaces or dashes, upper case."""
    return re.sub(r"[\s-]", "", raw).upper()


def _compacted(name: str) -> Any:
    def save(values: dict[str, str], pages: Pages) -> dict[str, str]:
        return {**values, name: _compact(values[name])} if name in values else values

    return save


def _motif(pages: Pages) -> str | None:
    return pages.get("motif", {}).get("motif")


def _for_motif(motif: str) -> Any:
    return lambda pages: _motif(pages) == motif


def _tarif(today: date) -> timbre.Tarif:
    return timbre.tarif("permis_perte_vol", today)


PAGES = (
    WizardPage("demande", "Ma demande", ("objet", "type_demande"), _check_demande, path=""),
    WizardPage("motif", "Motif du renouvellement", ("motif", *PERTE_FIELDS), _check_motif, save=_save_motif,
         context=lambda pages: {"tarif": _tarif(current_state().today())}),
    WizardPage("vol", "Déclaration de vol", path="/declaration-vol", applies=_for_motif("vol"),
         uploads={"declaration_vol": "la déclaration de vol"}),
    WizardPage("deterioration", "Permis détérioré", path="/permis-deteriore", applies=_for_motif("deterioration"),
         uploads={"copie_permis": "la copie recto-verso du permis détérioré"}),
    WizardPage("changement_etat_civil", "Nouvel état civil", ("nouveau_nom", "nouveaux_prenoms"), _check_nouvel_etat_civil,
         path="/nouvel-etat-civil", applies=_for_motif("changement_etat_civil"),
         uploads={"justificatif_etat_civil": "le justificatif du changement d'état civil"}),
    WizardPage("permis", "Permis de conduire", ("neph",), _check_permis, save=_compacted("neph")),
    WizardPage("etat_civil", "État civil", (
        "nom_naissance", "nom_usage", "prenoms", "sexe", "date_naissance", "pays_naissance",
        "departement_naissance", "commune_naissance",
    ), predemande.check_naissance, path="/etat-civil"),
    predemande.ADRESSE,
    WizardPage("photo", "Photo et signature", ("code_ephoto",), _check_photo, save=_compacted("code_ephoto")),
    WizardPage("justificatifs", "Justificatifs", uploads={
        "justificatif_domicile": "le justificatif de domicile", "piece_identite": "la pièce d'identité"}),
)
RECAP = WizardPage("recapitulatif", "Récapitulatif", ("certification",), _check_recapitulatif)


def _payment_path(numero: str) -> str:
    return f"{START_PATH}/paiement/{numero}"


def _submit(submission: Submission) -> Response:
    """Record the demande, mail the account, text the citizen; a loss or a theft is paid next."""
    state, today, data = current_state(), submission.today, submission.data
    numero = new_numero_dossier(today)
    WIZARD.record(submission, numero, enregistree_le=today.isoformat())
    state.send_mail(submission.owner, "Votre demande de permis de conduire est enregistrée",
                    f"Votre demande de permis de conduire est enregistrée sous le numéro de dossier {numero}.",
                    numero_dossier=numero)
    state.send_sms(data["telephone"].replace(" ", ""),
                   f"ANTS : votre demande de permis de conduire n° {numero} est enregistrée. "
                   "Suivez-la dans votre espace conduite.")
    following = _payment_path(numero) if data["motif"] in MOTIFS_PAYING else WIZARD.confirmation_path(numero)
    return redirect(following, 303)


def new_numero_dossier(today: date) -> str:
    """A fresh numéro de dossier: "PC", the year on 2 digits, 8 digits (format NOT confirmed [?])."""
    return f"PC{today:%y}{secrets.randbelow(10**8):08d}"


def _unpaid(record: dict[str, Any]) -> bool:
    """A loss or a theft whose price is not paid yet."""
    return record["data"]["motif"] in MOTIFS_PAYING and not any(
        paid["numero_dossier"] == record["numero_dossier"] for paid in current_state().received(PAYMENT_KIND))


def _attestation_until(record: dict[str, Any]) -> str:
    return (date.fromisoformat(record["enregistree_le"]) + timedelta(days=ATTESTATION_DAYS)).strftime("%d/%m/%Y")


def _confirmation(record: dict[str, Any]) -> Any:
    numero = record["numero_dossier"]
    if _unpaid(record):
        return redirect(_payment_path(numero), 303)
    return render_template(
        "permis/confirmation.html", titre="Votre demande est enregistrée", demarche=WIZARD, numero=numero,
        d=record["data"], labels=LABELS, attestation_until=_attestation_until(record),
        attestation_url=WIZARD.confirmation_path(numero) + "/attestation-perte",
        suivi_url=local_url(ANTS_HOST, SUIVI_PATH), montant=_tarif(date.fromisoformat(record["enregistree_le"])).montant,
    )


def _attestation_perte(record: dict[str, Any]) -> Any:
    numero = record["numero_dossier"]
    if record["data"]["motif"] != "perte":
        abort(404)
    if _unpaid(record):
        return redirect(_payment_path(numero), 303)
    d = record["data"]
    lines: list[str | Line] = [
        Line("Attestation de perte du permis de conduire", 16, bold=True), "",
        f"Numéro de dossier : {numero}",
        f"Déclaration de perte enregistrée le {date.fromisoformat(record['enregistree_le']):%d/%m/%Y}."
        " L'attestation est valable 2 mois.",
        f"Valable jusqu'au : {_attestation_until(record)}", "",
        f"Nom de naissance : {d['nom_naissance']}", *([f"Nom d'usage : {d['nom_usage']}"] if d.get("nom_usage") else []),
        f"Prénom(s) : {d['prenoms']}", f"Date de naissance : {d['date_naissance']}",
        f"Lieu de naissance : {d['commune_naissance']}",
        *([f"Numéro de permis (NEPH) : {d['neph']}"] if d.get("neph") else []),
        f"Date de la perte : {d['date_perte']}", "",
        "Cette attestation, accompagnée d'une pièce d'identité, permet à son titulaire de conduire en attendant"
        " la délivrance de son nouveau permis, dans la limite de sa durée de validité.", "",
        "Bac à sable de formation : cette attestation n'a aucune valeur.",
    ]
    return pdf_download(pdf_document(lines, title="Attestation de perte du permis de conduire"),
                        f"attestation-perte-{numero}.pdf")


WIZARD = Wizard(
    kind=KIND, host=PERMIS_HOST, start_path=START_PATH, titre=TITRE, templates="permis", pages=PAGES, recap=RECAP,
    submit=_submit, owner=current_account, guard=login_required, back=lambda: LICENCE_PATH,
    summary=lambda pages: {"d": WIZARD.merged(pages), "labels": LABELS},
    context={"objets": OBJETS, "types": TYPES, "motifs": MOTIFS, "sexes": SEXES, "pays": PAYS},
    confirmation=_confirmation, documents=(("/attestation-perte", _attestation_perte),),
)

bp = Blueprint("ants_permis", __name__)
WIZARD.register(bp)


# -- the way in: Mon espace → Nouvelle demande → Le permis de conduire (§9.3 [C]) -----------


def _navigation(titre: str, texte: str, liens: list[tuple[str, str]], previous: tuple[str, str] | None) -> str:
    return render_template("permis/navigation.html", titre=titre, texte=texte, liens=liens, previous=previous)


def _mon_espace() -> str:
    return _navigation("Mon espace", "Vos démarches relatives au permis de conduire.",
                       [("Nouvelle demande", NEW_REQUEST_PATH),
                        ("Suivre ma demande de permis de conduire", local_url(ANTS_HOST, SUIVI_PATH))], None)


def _nouvelle_demande() -> str:
    return _navigation("Nouvelle demande", "Choisissez la démarche que vous souhaitez réaliser.",
                       [("Le permis de conduire", LICENCE_PATH)], ("Mon espace", SPACE_PATH))


def _le_permis_de_conduire() -> str:
    return _navigation(
        "Le permis de conduire",
        "Demandez la fabrication d'un nouveau titre de permis de conduire, notamment en cas de perte, de vol ou "
        f"de détérioration. En cas de perte ou de vol, le prix du nouveau permis ({_tarif(current_state().today()).montant} €) "
        "est payé à la fin de la démarche.",
        [("Je commence la demande", START_PATH)], ("Nouvelle demande", NEW_REQUEST_PATH))


# -- the payment at the end, for a loss or a theft (§9.3 [S]) --------------------------------


def _paiement(numero: str) -> Any:
    state, account = current_state(), current_account()
    record = WIZARD.own_record(numero)
    if not _unpaid(record):
        return redirect(WIZARD.confirmation_path(numero), 303)
    tarif = _tarif(state.today())
    context = {"titre": "Paiement du permis de conduire", "demarche": WIZARD, "numero": numero, "tarif": tarif}
    if request.method == "GET":
        return render_template("permis/paiement.html", values={}, errors={}, **context)
    card = timbre.posted_card(state.today())
    if card.errors:
        return render_template("permis/paiement.html", values=card.shown, errors=card.errors, **context)
    state.record({
        "kind": PAYMENT_KIND, "numero_dossier": numero, "montant": tarif.montant,
        "carte_fin": card.carte_fin, "received_at": now_iso(),
        "account": account,
    })
    return redirect(WIZARD.confirmation_path(numero), 303)


for _path, _endpoint, _view, _methods in (
    (SPACE_PATH, "mon_espace", _mon_espace, ("GET",)),
    (NEW_REQUEST_PATH, "nouvelle_demande", _nouvelle_demande, ("GET",)),
    (LICENCE_PATH, "le_permis_de_conduire", _le_permis_de_conduire, ("GET",)),
    (_payment_path("<numero>"), "paiement", _paiement, ("GET", "POST")),
):
    WIZARD.serve(bp, _path, _endpoint, _view, methods=_methods)


@bp.route("/", host=PERMIS_HOST)
def home() -> Response:
    return redirect(SPACE_PATH, 303)
