"""The in-page panel: the production `Approver`, a sidebar the mediator reads and clicks.

`panel.js` is an init script of the browser context, so every page load of the run re-creates
the panel; it then asks Python for the state to show (a binding call answered from memory).
Python pushes each new view with `window.__autopilot.render(state)`. The panel sends back only
trusted clicks on its own buttons, tagged with the token of the view they were made on, so a
click on an old view (a double click, a late click) never decides the next step, and signed
with a key written into this context's copy of panel.js, so a page script calling the binding
cannot decide anything either (docs/adr/0013-trust-boundaries.md).

All the French the mediator reads is here; `panel.js` lays it out and adds no words.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections import deque
from collections.abc import Callable
from functools import cache
from importlib import resources
from itertools import count
from typing import Any

from playwright.sync_api import BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError

from autopilot.engine.approver import BUTTON_LABELS, Decision, Moment, StepView
from autopilot.engine.panel_state import Button, FieldRow, Gate, PanelState, result_kind
from autopilot.errors import BrowserClosed

BINDING = "__autopilotPanel"  # the name panel.js captures and removes from window
TICK_MS = 100  # how often `decide` looks at its queue and at `poll`
# Decision buttons stay inert this long after they appear, so that the second click of a double
# click cannot land on the next step's « Valider et continuer », nor on « Confirmer l'envoi »
# (the confirmation box may open right where « Valider et continuer » was).
ARM_MS = 500
MASK = "••••••••"
BROWSER_CLOSED = "La fenêtre du navigateur a été fermée : la démarche est interrompue."

TEXTS = {
    "landmark": "Assistant autopilot",
    "brand": "autopilot",
    "collapse": "Réduire le panneau",
    "expand": "Afficher le panneau",
    "waiting": "Décision attendue",
    "progressLabel": "Progression de la démarche",
    "fieldsCaption": "Ce qu'autopilot a rempli",
    "fieldHeader": "Champ",
    "valueHeader": "Valeur",
    "source": "Source : ",
    "empty": "(vide)",
    "masked": "valeur secrète masquée",
    "siteErrors": "Le site signale :",
    "outputsTitle": "Résultat de la démarche",
    "sent": "Décision transmise…",
    "stepOf": "Étape {index} sur {total}",  # the site's own stepper, when the page shows one (panel.js)
    # Else the flow's steps, which are not the site's: no « Étape » the mediator would look for on the page.
    "flowStepOf": "Avancement : {index} sur {total}",
    "stepShort": "{index}/{total}",
    "scansTitle": "Documents numérisés",
}

MOMENT_LABELS = {
    Moment.REVIEW: "À vérifier avec l'usager",
    Moment.MANUAL: "Action à faire sur la page",
    Moment.BLOCKED: "Démarche bloquée",
    Moment.TAKEOVER: "Vous avez la main",
    Moment.PICK: "Document à joindre",
    Moment.REPAIR: "Champ à confirmer",
    Moment.DONE: "Démarche terminée",
}

# Said when the engine gives no message of its own.
MOMENT_HINTS = {
    Moment.REVIEW: "Vérifiez les valeurs avec l'usager, puis validez.",
    Moment.MANUAL: "Faites ce qui est demandé sur la page, puis cliquez sur « Reprendre ».",
    Moment.BLOCKED: "La page n'est pas celle attendue : prenez la main ou arrêtez la démarche.",
    Moment.TAKEOVER: "Vous pilotez la page vous-même. Cliquez sur « Reprendre » quand vous avez terminé.",
    Moment.PICK: "Choisissez le document numérisé à joindre.",
    Moment.REPAIR: "Choisissez le champ à remplir pour cette démarche, ou prenez la main.",
    Moment.DONE: "La démarche est terminée.",
}

GATES: dict[str, Gate] = {
    "submit": {
        "title": "Envoi définitif",
        "text": "Cette action envoie la demande à l'administration. Vérifiez le récapitulatif avec l'usager.",
        "confirm": "Confirmer l'envoi",
        "cancel": "Annuler",
    },
    "payment": {
        "title": "Paiement",
        "text": "Cette action mène au paiement. Vérifiez le montant et le récapitulatif avec l'usager.",
        "confirm": "Confirmer le paiement",
        "cancel": "Annuler",
    },
}
OTHER_GATE: Gate = {
    "title": "Action définitive",
    "text": "Cette action ne pourra pas être annulée. Vérifiez avec l'usager.",
    "confirm": "Confirmer",
    "cancel": "Annuler",
}

# « Arrêter la démarche » asks a second click in the panel itself (never a browser dialog).
STOP_GATE: Gate = {
    "title": "Arrêter la démarche ?",
    "text": "Ce qui a déjà été envoyé au site le reste ; la suite de la démarche ne sera pas faite.",
    "confirm": "Oui, arrêter la démarche",
    "cancel": "Non, continuer",
}

# A review with nothing filled by autopilot: there are no values to check, only the page.
NOTHING_FILLED = "Rien n'a été rempli sur cette page : vérifiez-la avec l'usager, puis validez."

PAYMENT_BY_HAND = (
    "L'usager saisit lui-même les données de sa carte bancaire sur le site : "
    "autopilot ne les lit pas et ne les saisit pas."
)
PAYMENT_HIDDEN = "Les données personnelles sont masquées pendant le paiement."
CITIZEN_BY_HAND = (
    "L'usager se connecte lui-même : autopilot ne lit pas, ne saisit pas et n'enregistre pas ce qu'il tape ; "
    "la démarche reprend seule quand le site revient."
)

# At a document to pick: « Reprendre » lists the folder again (after a new scan), « Passer » leaves
# that one upload field empty, not the step.
PICK_LABELS = {Decision.RESUME: "Actualiser la liste", Decision.SKIP: "Ne joindre aucun document"}
# At the end, in the console: « Reprendre » hands the window back to the console (its result page).
DONE_LABELS = {Decision.RESUME: "Voir le résultat dans la console"}

# Button order in the panel; the first of APPROVE / RESUME present is the primary action.
ORDER = (Decision.APPROVE, Decision.RESUME, Decision.SKIP, Decision.TAKEOVER, Decision.STOP)

_RENDER = """state => {
  const panel = window.__autopilot;
  if (!panel) return false;
  panel.render(state);
  return true;
}"""


# How Playwright says the document went away under an evaluate (a navigation, a reload).
_REPLACED = ("Execution context was destroyed", "navigation", "Cannot find context")


@cache
def _script() -> str:
    return resources.files("autopilot.engine").joinpath("panel.js").read_text(encoding="utf-8")


def _differs_text(actual: str) -> str:
    shown = f"« {actual} »" if actual else "champ vide"
    return f"Valeur différente sur la page : {shown}"


def _mismatch_summary(view: StepView) -> str | None:
    n = sum(f.differs for f in view.fields)
    if n == 0:
        return None
    if n == 1:
        return "Attention : 1 champ n'a pas sur la page la valeur prévue. Vérifiez-le ci-dessous."
    return f"Attention : {n} champs n'ont pas sur la page la valeur prévue. Vérifiez-les ci-dessous."


def _without_site_errors(message: str, site_errors: tuple[str, ...]) -> str:
    """`message` without its quotes of the site's errors, which the panel lists just below it."""
    if not site_errors:
        return message
    quoted = r"\s*".join(re.escape(f"« {error} »") for error in site_errors)
    return re.sub(r"\s*:\s*" + quoted + r"\.?", ".", message, count=1)


def _message(view: StepView, fields: list[FieldRow]) -> str:
    message = _without_site_errors(view.message or MOMENT_HINTS[view.moment], view.site_errors)
    if view.moment is Moment.REVIEW and not fields and message.startswith(MOMENT_HINTS[Moment.REVIEW]):
        message = NOTHING_FILLED + message[len(MOMENT_HINTS[Moment.REVIEW]):]
    return message


def _buttons(view: StepView) -> list[Button]:
    buttons: list[Button] = []
    primary = False
    for decision in ORDER:
        if decision not in view.allowed:
            continue
        if decision is Decision.STOP:
            kind = "stop"
        elif decision in (Decision.APPROVE, Decision.RESUME) and not primary:
            kind, primary = "primary", True
        else:
            kind = "secondary"
        label = BUTTON_LABELS[decision]
        if view.moment is Moment.PICK and decision in PICK_LABELS:  # the documents listed are the main choice
            label, kind = PICK_LABELS[decision], "secondary"
        elif view.moment is Moment.DONE and decision in DONE_LABELS:
            label = DONE_LABELS[decision]
        buttons.append({"decision": decision.value, "label": label, "kind": kind})
    return buttons


def panel_state(
    view: StepView, *, seq: int, token: str, decidable: bool, collapsed: bool, arm_ms: int = ARM_MS
) -> PanelState:
    """What panel.js renders for `view`: display-ready French, no secret ever included."""
    paying_by_hand = view.moment is Moment.MANUAL and (view.gate == "payment" or view.citizen)
    fields: list[FieldRow] = [] if paying_by_hand else [
        {
            "label": f.label,
            "value": MASK if f.secret else f.value,
            "source": f.source,
            "secret": f.secret,
            "differs": _differs_text(f.actual) if f.differs else None,
        }
        for f in view.fields
    ]
    progress = TEXTS["flowStepOf"].format(index=view.index, total=view.total)
    gate: Gate | None = None
    if decidable and view.gate and Decision.APPROVE in view.allowed:
        gate = GATES.get(view.gate, OTHER_GATE)
    return {
        "seq": seq,
        "token": token,
        "collapsed": collapsed,
        "armMs": arm_ms,
        "moment": view.moment.value,
        "momentLabel": MOMENT_LABELS[view.moment],
        "flowTitle": view.flow_title,
        "progress": {"index": view.index, "total": view.total, "text": progress,
                     "short": f"{view.index}/{view.total}"},
        "title": view.title,
        "message": _message(view, fields),
        "notice": (CITIZEN_BY_HAND if view.citizen else PAYMENT_BY_HAND) if paying_by_hand else None,
        "mismatch": None if paying_by_hand else _mismatch_summary(view),
        "siteErrors": list(view.site_errors),
        "fields": fields,
        "fieldsHidden": PAYMENT_HIDDEN if paying_by_hand and view.fields else None,
        "outputs": [{"label": label, "value": value, "kind": result_kind(value)} for label, value in view.outputs],
        "choices": list(view.choices),
        "choicesTitle": "Champs proposés" if view.moment is Moment.REPAIR else TEXTS["scansTitle"],
        "buttons": _buttons(view) if decidable else [],
        "gate": gate,
        "stopGate": STOP_GATE if decidable and Decision.STOP in view.allowed else None,
        "announce": f"{view.title}. {MOMENT_LABELS[view.moment]}.",  # after the progress panel.js shows
        "texts": TEXTS,
    }


def keyed_script(key: bytes | None) -> str:
    """panel.js with its signing key; None: a panel that shows views but cannot decide."""
    literal = "null" if key is None else "[" + ", ".join(str(byte) for byte in key) + "]"
    return _script().replace("/*KEY*/ null", literal, 1)


class PanelApprover:
    """The approver the mediator uses: a panel docked in the page the run drives."""

    def __init__(self, context: BrowserContext, *, arm_ms: int = ARM_MS) -> None:
        self._arm_ms = arm_ms
        # Work that may wait until the mediator reads a step (the console prints the citizen's
        # attestation then), done between two ticks on this thread, which owns the browser.
        self.while_waiting: Callable[[], None] | None = None
        self._page: Page | None = None
        self._view: StepView | None = None
        self._state: PanelState | None = None
        self._token = ""
        self._decidable = False
        self._collapsed = False
        self._seq = count(1)
        self._decisions: deque[Decision] = deque()
        self._picks: deque[str] = deque()
        self._key = secrets.token_bytes(32)  # known to this object and to the panel's closure only
        # The binding first: panel.js captures it when it runs.
        context.expose_binding(BINDING, self._on_message)
        context.add_init_script(script=keyed_script(self._key))

    def attach(self, page: Page) -> None:
        """Show the panel in `page`, the page the run drives."""
        self._page = page
        if self._state is not None and self._view is not None:
            self._push(page, self._view)

    def clear(self) -> None:
        """Show nothing on the next pages until a new view comes (the console's own pages)."""
        self._view = None
        self._state = None

    def show(self, view: StepView) -> None:
        """Display `view` without asking for a decision; return at once."""
        self._present(view, decidable=False)

    def decide(self, view: StepView, poll: Callable[[], bool] | None = None) -> Decision:
        """Show `view` and wait, without time limit, for the mediator's click (or `poll()`)."""
        answer = self._wait(view, poll)
        assert isinstance(answer, Decision)
        return answer

    def pick(self, view: StepView) -> str | Decision:
        """Show the scans of `view.choices` as buttons; the file clicked, or SKIP / STOP."""
        return self._wait(view, None)

    def _wait(self, view: StepView, poll: Callable[[], bool] | None) -> str | Decision:
        page = self._present(view, decidable=True)
        try:
            while True:
                while self._picks:
                    choice = self._picks.popleft()
                    if choice in view.choices:
                        return choice
                while self._decisions:
                    decision = self._decisions.popleft()
                    if decision in view.allowed:
                        return decision
                if page.is_closed():
                    raise BrowserClosed(BROWSER_CLOSED, step=view.title)
                if poll is not None and poll():
                    return Decision.RESUME
                if self.while_waiting is not None:
                    self.while_waiting()
                # Playwright runs the binding callbacks (clicks, hellos) during this wait.
                page.wait_for_timeout(TICK_MS)
        except PlaywrightError as error:
            if page.is_closed():
                raise BrowserClosed(BROWSER_CLOSED, step=view.title) from error
            raise
        finally:
            self._decidable = False  # clicks arriving from now on are late

    def _present(self, view: StepView, *, decidable: bool) -> Page:
        if self._page is None:
            raise RuntimeError("PanelApprover: attach() a page before showing a step")
        self._view = view
        self._token = secrets.token_urlsafe(12)
        self._decidable = decidable
        self._decisions.clear()
        self._picks.clear()
        self._state = panel_state(
            view,
            seq=next(self._seq),
            token=self._token,
            decidable=decidable,
            collapsed=self._collapsed,
            arm_ms=self._arm_ms,
        )
        self._push(self._page, view)
        return self._page

    def _push(self, page: Page, view: StepView) -> None:
        if page.is_closed():
            raise BrowserClosed(BROWSER_CLOSED, step=view.title)
        try:
            if not page.evaluate(_RENDER, self._state):
                # A document loaded before this approver existed: its scripts ran first and could read
                # the key from what is evaluated, so only a blank page gets a panel that decides.
                page.evaluate(keyed_script(self._key if page.url == "about:blank" else None))
                page.evaluate(_RENDER, self._state)
        except PlaywrightError as error:
            if page.is_closed():
                raise BrowserClosed(BROWSER_CLOSED, step=view.title) from error
            if not any(sign in error.message for sign in _REPLACED):
                raise  # a fault of the panel itself: better loud than a panel silently missing
            # The document was being replaced: the new one asks for the state itself (hello).

    def _signed(self, text: str, message: dict[str, Any]) -> bool:
        """Whether `message` carries the panel's HMAC of `text` (computed in panel.js's closure)."""
        expected = hmac.new(self._key, text.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()
        given = message.get("mac")
        return isinstance(given, str) and hmac.compare_digest(given, expected)

    def _on_message(self, source: dict[str, Any], message: Any) -> Any:
        """Called by Playwright during a wait. Must not call Playwright (sync API deadlock)."""
        page = self._page
        if page is None or source.get("page") is not page or source.get("frame") is not page.main_frame:
            return None
        if not isinstance(message, dict):
            return None
        kind = message.get("type")
        if kind == "hello":
            return self._state
        if kind == "collapse":
            self._collapsed = bool(message.get("collapsed"))
            if self._state is not None:
                self._state["collapsed"] = self._collapsed
        elif kind == "pick" and self._decidable and message.get("token") == self._token:
            if not self._signed(f"pick\n{self._token}\n{message.get('choice')}", message):
                return None
            if self._view is not None and message.get("choice") in self._view.choices:
                self._picks.append(str(message["choice"]))
        elif kind == "decision" and self._decidable and message.get("token") == self._token:
            confirmed = "true" if message.get("confirmed") is True else "false"
            if not self._signed(f"decision\n{self._token}\n{message.get('decision')}\n{confirmed}", message):
                return None  # not from the panel's own closure: a page script calling the binding
            try:
                decision = Decision(message.get("decision"))
            except ValueError:
                return None
            gated = self._state is not None and self._state["gate"] is not None
            if decision is Decision.APPROVE and gated and message.get("confirmed") is not True:
                return None  # a gate is only passed through its confirmation box
            self._decisions.append(decision)
        return None
