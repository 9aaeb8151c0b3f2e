"""The step runner: one flow, one page, the mediator's approval at every step.

For each step: navigate → check the page is the expected one → resolve every target
(exactly one visible element each) → fill and highlight → ask the Approver → act →
read the site's answer → extract outputs. If the page or a target does not match,
nothing on that page is filled or clicked (DESIGN §4.3). A click that submits is made
once; when its outcome does not show in time the run waits for the mediator and never
clicks again (DESIGN §4.4).

Fields revealed on the page (ADR 0005). A field action marked `revealed: true` appears only
once the actions before it in the same step are done (« Autre » shows « Précisez »). The
step's actions are cut into groups, a new group starting at each revealed action that
applies. The first group, the step's in-page clicks of that group and its `next` button are
resolved before anything is filled, as for every step; each later group is resolved — every
target still exactly one visible element — right after the group before it was filled, and
only then filled. When a revealed field is missing or ambiguous the run stops there: what
precedes it on the page is filled, nothing was clicked to leave the page, nothing was sent.
Targets are looked for in the page and its same-origin frames (`locate.same_origin_frames`).

Documents to upload come only from the scanner folder (ADR 0006): one the citizen's data left
open is picked by the mediator when its step comes. Opening pages and the one click that leaves
a page are in `navigation`.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from autopilot import scans
from autopilot.engine.acting import set_choice
from autopilot.engine.approver import Approver, Decision, FieldView, Moment, StepView
from autopilot.engine.downloads import download_output
from autopilot.engine.failures import translate
from autopilot.engine.locate import FieldTarget, Found, resolve_click, resolve_fields, same_origin_frames
from autopilot.engine.navigation import POLL_MS, click_once, open_page
from autopilot.engine.origins import Origins, guard_secret
from autopilot.engine.page_reading import read_back, read_back_all, shows, site_messages, text_after
from autopilot.engine.settling import Traffic, wait_settled
from autopilot.engine.shaping import as_planned, typed
from autopilot.errors import (
    AutopilotError,
    BrowserClosed,
    DomainNotAllowed,
    DossierError,
    RunError,
    TargetNotFound,
    ValueNotTaken,
)
from autopilot.flows.inputs import source_label
from autopilot.flows.model import Check, Choose, Expect, FillText, Flow, Press, Step, Until, Upload, holds
from autopilot.flows.template import Template

SECRET_MASK = "••••••••"
SecretSource = Callable[[str], str]


class Outcome(enum.StrEnum):
    """How a run ended, in the journal's words."""

    COMPLETED = "terminée"
    STOPPED = "interrompue"
    FAILED = "échec"


@dataclass
class RunResult:
    outcome: Outcome
    outputs: dict[str, str] = field(default_factory=dict)
    step: str | None = None  # the step where the run ended
    error: AutopilotError | None = None


@dataclass(frozen=True)
class Timeouts:
    """Seconds to wait for the site; a human is never timed out."""

    page: float = 15.0  # the expected page to show
    response: float = 30.0  # the outcome of a click


class _Stop(Exception):
    """The mediator chose « Arrêter la démarche »."""


class _ExpiredAfterSubmit(RunError):
    """The login page showed right after a submit gate's click: the site may have the démarche."""


@dataclass
class _Planned:
    """One field action of a step, with its value ready."""

    target: FieldTarget
    action: Any
    value: str  # the text typed, the option chosen, "oui"/"non", a file path
    shown: str  # what the panel shows (the value, or the mask for a secret)
    source: str
    secret: bool = False


@dataclass
class _Group:
    """Field actions of a step resolved together: the first ones, or those an earlier group reveals."""

    planned: list[_Planned] = field(default_factory=list)
    presses: list[Press] = field(default_factory=list)


class Runner:
    """Runs one flow in one page under an approver."""

    def __init__(
        self,
        page: Page,
        flow: Flow,
        values: Mapping[str, Any],
        approver: Approver,
        *,
        origins: Origins = Origins(),
        secrets: SecretSource | None = None,
        report: Callable[[str], None] = lambda line: None,
        timeouts: Timeouts = Timeouts(),
        allowed_hosts: Callable[[str], bool] | None = None,
        recover: Callable[[], bool] | None = None,
        login_page: Expect | None = None,
        save_file: Callable[[str], Path] | None = None,
        secret_hosts: Callable[[str], tuple[str, ...]] | None = None,
    ) -> None:
        self.page = page
        self.flow = flow
        self.values = values
        self.approver = approver
        self.origins = origins
        self.secrets = secrets
        self.report = report
        self.timeouts = timeouts
        self.allows_host = allowed_hosts or flow.allows_host
        self.recover = recover  # called when a step fails: logs in again if the site asks for it
        self.login_page = login_page  # the account's login page: seeing it after a click means the session expired
        self.save_file = save_file  # where a file the site gives goes, by name (the visit's folder)
        # where a secret may be typed: its account flow's hosts (DESIGN §4d); by default an account flow's own
        self.secret_hosts = secret_hosts or (
            lambda ref: flow.domains if flow.logged_in is not None and ref.split(".")[0] == flow.account else ())
        self.outputs: dict[str, str] = {}
        self._picked: dict[tuple[str, str], str | None] = {}  # (step, upload label) → the scan chosen
        self.blocked_by: RunError | None = None  # the last problem shown to the mediator
        self.steps = [s for s in flow.steps if holds(s.when, values)]
        self.traffic = Traffic(page)  # the page's pending requests: a read waits for them (settling.py)

    # --- the run -------------------------------------------------------------------

    def run(self, *, navigate: bool = True, announce: bool = True) -> RunResult:
        """Run every step that applies; never raises for what happens on the site.

        `navigate=False` starts on the page already shown (a login page the site
        redirected to); `announce=False` ends without showing the final outputs.
        """
        step: Step | None = None
        try:
            for index, step in enumerate(self.steps):
                self._step(step, index + 1, navigate=navigate or index > 0)
        except _Stop:
            self.report("Démarche arrêtée par le médiateur.")
            return RunResult(Outcome.STOPPED, dict(self.outputs), step.title if step else None, self.blocked_by)
        except BrowserClosed as error:
            return RunResult(Outcome.STOPPED, dict(self.outputs), step.title if step else None, error)
        except PlaywrightError as error:  # the one place Playwright's failures become ours (failures.py)
            failure = translate(error, step.title if step else None)
            self.report(failure.message)
            outcome = Outcome.STOPPED if isinstance(failure, BrowserClosed) else Outcome.FAILED
            return RunResult(outcome, dict(self.outputs), step.title if step else None, failure)
        except AutopilotError as error:
            return RunResult(Outcome.FAILED, dict(self.outputs), step.title if step else None, error)
        if announce:
            self.approver.show(self._view(self.steps[-1], len(self.steps), Moment.DONE, frozenset(),
                                          message="La démarche est terminée.", outputs=self._labelled_outputs()))
        return RunResult(Outcome.COMPLETED, dict(self.outputs), self.steps[-1].title)

    def _step(self, step: Step, number: int, *, navigate: bool) -> None:
        refill = True
        navigate = navigate and step.goto is not None
        recovered = False
        if step.optional and not navigate and not self._shows(step.expect):
            return  # the site did not ask for this page this time
        while True:
            try:
                if navigate:
                    self.goto(step)
                    navigate = False
                if self._perform(step, number, refill):
                    return
                blocked = None  # the mediator asked for the hand
            except RunError as error:
                if self.recover is not None and not recovered and self.recover():
                    recovered = True  # once per step: a second problem goes to the mediator
                    if isinstance(error, _ExpiredAfterSubmit):
                        return self._after_lost_submission(step, number)
                    navigate = step.goto is not None
                    continue
                self.report(f"Étape {number}/{len(self.steps)} « {step.title} » : {error.message}")
                blocked = error
            if self._takeover(step, number, blocked):
                return
            refill = False  # the mediator's corrections stand

    def _takeover(self, step: Step, number: int, error: RunError | None) -> bool:
        """Give the mediator the hand; True if the page has meanwhile moved on to the next step."""
        if error is not None:
            self.blocked_by = error
            message = error.message + (f" {error.hint}" if error.hint else "")
            decision = self.approver.decide(
                self._view(step, number, Moment.BLOCKED, {Decision.TAKEOVER, Decision.STOP},
                           message=message, site_errors=tuple(getattr(error, "site_errors", ())))
            )
            if decision is Decision.STOP:
                raise _Stop
        decision = self.approver.decide(
            self._view(step, number, Moment.TAKEOVER, {Decision.RESUME, Decision.STOP},
                       message="Vous avez la main : faites les corrections sur la page, puis « Reprendre ».")
        )
        if decision is Decision.STOP:
            raise _Stop
        following = self.steps[number] if number < len(self.steps) else None
        return following is not None and following.expect is not None and self._shows(following.expect)

    # --- one attempt at a step -------------------------------------------------------

    def _perform(self, step: Step, number: int, refill: bool) -> bool:
        """One attempt; True when the step is done, False when the mediator takes the hand."""
        self._check_domain(step)
        if step.expect or step.extract:
            self._wait_for(step.expect, step)  # a settled page: nothing is read from one still loading
        if step.manual:
            self._manual(step, number)
        first, *revealed = self._plan(step, number)
        found = resolve_fields(self.page, [p.target for p in first.planned], step.title)
        buttons = [resolve_click(self.page, press.click, step.title) for press in first.presses]
        next_button = None
        if step.next is not None:
            try:
                next_button = resolve_click(self.page, step.next, step.title)
            except TargetNotFound:
                if not revealed:
                    raise
                # created by an earlier action of the step (a card picked): looked for after it (ADR 0011)
        if refill:
            self._fill(first.planned, found, buttons, step.title)
        planned, presses = list(first.planned), list(first.presses)
        for group in revealed:  # shown by what was just done: looked for only now (ADR 0005)
            more = resolve_fields(self.page, [p.target for p in group.planned], step.title, revealed=True)
            clicks = [resolve_click(self.page, press.click, step.title) for press in group.presses]
            if refill:
                self._fill(group.planned, more, clicks, step.title)
            planned += group.planned
            presses += group.presses
            found += more
        if step.next is not None and next_button is None:
            next_button = resolve_click(self.page, step.next, step.title)
        for name, where in step.extract.items():
            self.outputs[name] = self._extract(where, step)
        if step.download is not None and step.download.output not in self.outputs:
            self.outputs[step.download.output] = str(download_output(
                self.page, step.download, step.title, self.timeouts.response, self.save_file))
        if not planned and not presses and next_button is None:
            return True
        actual = read_back_all([(f.frame or self.page.main_frame, f.selector) for f in found])
        fields = tuple(
            FieldView(p.target.label, p.shown, p.source,
                      None if p.secret else as_planned(f.input_type, value, p.value), p.secret)
            for p, f, value in zip(planned, found, actual, strict=True)
        )
        differing = [f.label for f in fields if f.differs]
        if differing and getattr(self.approver, "unattended", False):
            raise ValueNotTaken(  # labels only: the values are the citizen's
                f"Étape « {step.title} » : la page n'affiche pas la valeur prévue pour "
                + ", ".join(f"« {label} »" for label in differing) + " ; rien n'a été validé.",
                "Vérifiez ces champs sur la page (format, valeur refusée par le site), puis « Reprendre ».",
                step=step.title,
            )
        self.report(f"Étape {number}/{len(self.steps)} « {step.title} » : {len(fields)} champ(s) rempli(s),"
                    " en attente de validation.")
        allowed = {Decision.APPROVE, Decision.SKIP, Decision.TAKEOVER, Decision.STOP}
        errors, notices = site_messages(self.page)
        decision = self.approver.decide(
            self._view(step, number, Moment.REVIEW, allowed, fields=fields, site_errors=tuple(errors),
                       message=self._review_message(step) + _notices(notices))
        )
        if decision is Decision.STOP:
            raise _Stop
        if decision is Decision.TAKEOVER:
            return False
        if decision is Decision.SKIP:
            self.report(f"Étape {number}/{len(self.steps)} « {step.title} » : passée.")
            return True
        if next_button is not None:
            self._click_and_wait(next_button, step)
            if self.login_page is not None and self._shows(self.login_page):
                expired = _ExpiredAfterSubmit if step.gate == "submit" else RunError
                raise expired(f"Étape « {step.title} » : le site demande de se reconnecter.", step=step.title)
        self.report(f"Étape {number}/{len(self.steps)} « {step.title} » : validée.")
        return True

    def _after_lost_submission(self, step: Step, number: int) -> None:
        """The session expired as a submit gate's click was sent, and was opened again: the site may
        have the démarche. Its confirmation shown (the site brings the login back to it) lets the run
        go on and read the reference; otherwise the run stops — the gate is never offered again."""
        following = self.steps[number] if number < len(self.steps) else None
        deadline = time.monotonic() + self.timeouts.page
        while following is not None and following.expect is not None and not self._shows(following.expect):
            if time.monotonic() > deadline:
                following = None
                break
            self.page.wait_for_timeout(POLL_MS)
        if following is not None and following.expect is not None:
            self.report(f"Étape {number}/{len(self.steps)} « {step.title} » : la session avait expiré juste après"
                        " l'envoi, mais la demande avait bien été reçue (page de confirmation affichée).")
            return
        raise RunError(
            f"La session du compte a expiré pendant l'envoi de « {step.title} » : l'administration a peut-être"
            " reçu la demande.",
            "Ne refaites pas la démarche avant d'avoir vérifié dans l'espace du compte (« Mes démarches ») si"
            " elle y figure.",
            step=step.title,
        )

    def _extract(self, where, step: Step) -> str:
        if where.after_text:
            return text_after(self.page, where.after_text, step.title)
        return read_back(resolve_fields(self.page, [FieldTarget("text", where.label)], step.title)[0].locator)

    @staticmethod
    def _review_message(step: Step) -> str:
        if step.gate == "submit":
            return "Dernière vérification avec l'usager : valider envoie la demande à l'administration."
        return "Vérifiez les valeurs avec l'usager, puis validez."

    def _plan(self, step: Step, number: int) -> list[_Group]:
        """The step's field actions that apply, with their values, and its in-page clicks, in
        groups: a new group at each `revealed` action (ADR 0005)."""
        groups = [_Group()]
        for action in step.fill:
            if not holds(action.when, self.values):
                continue
            if action.revealed and (groups[-1].planned or groups[-1].presses):
                groups.append(_Group())
            group = groups[-1]
            if isinstance(action, Press):
                group.presses.append(action)
            elif isinstance(action, FillText) and action.secret is not None:
                if self.secrets is None:
                    raise RunError(f"Aucun trousseau n'est disponible pour « {action.secret} ».", step=step.title)
                group.planned.append(_Planned(FieldTarget("text", action.label, action.within, css=action.css), action,
                                              self.secrets(action.secret), SECRET_MASK, f"trousseau : {action.secret}",
                                              secret=True))
            else:
                item = self._planned_value(action)
                if item is None and isinstance(action, Upload) and self._scan_input(action) is not None:
                    item = self._picked_scan(action, step, number)
                if item is not None:
                    group.planned.append(item)
        return groups

    # --- documents from the scanner folder ---------------------------------------------

    def _scan_input(self, action: Upload) -> str | None:
        """The `scan` input an upload takes its file from, if it names one."""
        for placeholder in action.file.placeholders:
            spec = self.flow.inputs.get(placeholder.path[0])
            if spec is not None and spec.type == "scan":
                return placeholder.path[0]
        return None

    def _picked_scan(self, action: Upload, step: Step, number: int) -> _Planned | None:
        """Ask the mediator which scan goes in an upload field the citizen's data left open;
        « Actualiser la liste » (RESUME) lists the folder again, after a new scan."""
        key = (step.title, action.upload)
        if key not in self._picked:
            self.report(f"Étape {number}/{len(self.steps)} « {step.title} » : document à choisir pour"
                        f" « {action.upload} ».")
            answer: str | Decision = Decision.RESUME
            while answer is Decision.RESUME:
                choices = tuple(scans.available())
                message = (f"Choisissez le document numérisé à joindre pour « {action.upload} »." if choices else
                           f"Aucun document dans le dossier des numérisations ({scans.folder()}) : numérisez"
                           f" « {action.upload} », puis « Actualiser la liste ».")
                answer = self.approver.pick(self._view(
                    step, number, Moment.PICK, {Decision.RESUME, Decision.SKIP, Decision.STOP},
                    message=message, choices=choices, pick_for=action.upload))
            if answer is Decision.STOP:
                raise _Stop
            self._picked[key] = None if answer is Decision.SKIP else str(answer)
        name = self._picked[key]
        if name is None:
            return None
        return _Planned(FieldTarget("upload", action.upload, action.within, css=action.css), action, name, name,
                        "choisi par le médiateur")

    def _planned_value(self, action: FillText | Choose | Check | Upload) -> _Planned | None:
        template: Template = action.file if isinstance(action, Upload) else action.value
        value = template.render(self.values)
        if value == "":
            return None  # an optional input the citizen does not have: the field is left as it is
        source = ", ".join(source_label(self.flow, p.path) for p in template.placeholders) or "valeur fixe du flow"
        if isinstance(action, Choose):
            shown = (action.options or {}).get(value, value)
            return _Planned(FieldTarget("choose", action.choose, action.within, shown, action.css), action, shown,
                            shown, source)
        if isinstance(action, Check):
            ticked = "oui" if _truthy(value) else "non"
            return _Planned(FieldTarget("check", action.check, action.within, css=action.css), action, ticked, ticked,
                            source)
        if isinstance(action, Upload):
            return _Planned(FieldTarget("upload", action.upload, action.within, css=action.css), action, value,
                            value.rsplit("/", 1)[-1], source)
        return _Planned(FieldTarget("text", action.label, action.within, css=action.css), action, value, value, source)

    def _fill(self, planned: list[_Planned], found: list[Found], buttons: list, step: str) -> None:
        for item, target in zip(planned, found, strict=True):
            kind = item.target.kind
            if kind == "text":
                if not item.secret and target.input_type == "password":
                    raise RunError(f"« {item.target.text} » est un mot de passe : le flow doit utiliser « secret: ».")
                if item.secret:
                    guard_secret(target.frame or self.page.main_frame, self.origins, item.action.secret,
                                 self.secret_hosts(item.action.secret))
                target.locator.fill(typed(target.input_type, item.value))
            elif kind == "choose":
                if target.is_select:
                    target.locator.select_option(label=_option_text(target, item.value))
                else:
                    set_choice(target.frame or self.page.main_frame, target.option, True, item.value, step)
            elif kind == "check":
                set_choice(target.frame or self.page.main_frame, target.locator, item.value == "oui", item.target.text,
                           step)
            elif kind == "upload":
                target.locator.set_input_files(self._scan_path(item))
        for button in buttons:
            button.click()
        for frame in same_origin_frames(self.page):
            try:
                frame.evaluate(_HIGHLIGHT)
            except PlaywrightError:
                if frame is self.page.main_frame:
                    raise  # a framed form going away only loses its highlight

    def _scan_path(self, item: _Planned) -> Path:
        """The file of an upload, only ever taken from the scanner folder."""
        try:
            return scans.find(item.value, label=item.target.label)
        except DossierError as error:
            raise RunError(f"« {item.target.label} » : {error.problems[0][1]}", scans.HINT) from None

    # --- page checks -----------------------------------------------------------------

    def goto(self, step: Step) -> None:
        """Open the real URL of `step.goto` (or its sandbox replica); SiteUnreachable if it cannot."""
        open_page(self.page, self.origins, step.goto, self.timeouts.response)

    def _on_flow_site(self) -> bool:
        """Whether the page is on one of the run's sites (by the browser's URL, nothing read from the page)."""
        host = self.origins.real_host(self.page.url)
        return host is not None and self.allows_host(host)

    def _check_domain(self, step: Step) -> None:
        host = self.origins.real_host(self.page.url)
        if host is None or not self.allows_host(host):
            raise DomainNotAllowed(
                f"Le navigateur a quitté les sites de la démarche ({self.origins.real_path(self.page.url) if host is None else host}).",
                "Revenez sur le site de la démarche, puis « Reprendre » ; ou arrêtez la démarche.",
                step=step.title,
            )

    def _shows(self, expect: Expect | Until) -> bool:
        return shows(self.page, self.origins, expect)

    def _wait_for(self, expect: Expect | None, step: Step) -> None:
        """Wait until the page is the expected one AND settled (settling.py); a clear stop past the bound."""
        wait_settled(self.page, self.origins, self.traffic, expect, step.title, self.timeouts.page)

    def _manual(self, step: Step, number: int) -> None:
        until = step.manual.until
        citizen = step.manual.by == "usager"
        self.report(f"Étape {number}/{len(self.steps)} « {step.title} » : action manuelle — {step.manual.instruction}")
        poll = (lambda: self._shows(until)) if until else None
        if citizen and until:  # no script runs in the citizen's login pages (FranceConnect, its provider)
            poll = lambda: self._on_flow_site() and self._shows(until)  # noqa: E731
        decision = self.approver.decide(
            self._view(step, number, Moment.MANUAL, {Decision.RESUME, Decision.STOP}, message=step.manual.instruction,
                       citizen=citizen),
            poll=poll,
        )
        if decision is Decision.STOP:
            raise _Stop

    def _click_and_wait(self, button, step: Step) -> None:
        following = next((s for s in self.steps[self.steps.index(step) + 1:]), None)
        arrived = None
        if following is not None and following.expect is not None:
            arrived = lambda: self._shows(following.expect)  # noqa: E731 - the next page, by a client-side route
        click_once(self.page, button, step.title, self.timeouts.page, self.timeouts.response,
                   name=step.next.description if step.next else "", arrived=arrived)

    # --- views -----------------------------------------------------------------------

    def _view(self, step: Step, number: int, moment: Moment, allowed, **extra: Any) -> StepView:
        return StepView(
            flow_title=self.flow.title,
            index=number,
            total=len(self.steps),
            title=step.title,
            moment=moment,
            allowed=frozenset(allowed),
            gate=step.gate,
            **extra,
        )

    def _labelled_outputs(self) -> tuple[tuple[str, str], ...]:
        return tuple((self.flow.outputs[name].label, value) for name, value in self.outputs.items())


_HIGHLIGHT = """() => document.querySelectorAll('[data-autopilot-target]').forEach((el) => {
    const shown = el.matches('input[type=radio], input[type=checkbox]') && el.labels && el.labels[0]
      ? el.labels[0] : el;
    shown.style.outline = '3px solid #fc5d00';
    shown.style.outlineOffset = '2px';
})"""


def _truthy(value: str) -> bool:
    return value.strip().lower() in ("oui", "true", "1", "vrai", "yes")


def _option_text(found: Found, wanted: str) -> str:
    return next(t for t in found.options if " ".join(t.split()).lower() == " ".join(wanted.split()).lower())


def _notices(notices: list[str]) -> str:
    """The site's warnings, said to the mediator with the review (never obeyed)."""
    return (" Le site signale : " + " ".join(f"« {n} »" for n in notices)) if notices else ""
