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
open is picked by the mediator when its step comes (`scan_choice`). How each kind of action is
planned and done is `actions.KINDS`; opening pages and the one click that leaves a page are in
`navigation`. Each phase of a step is one round trip per frame (ADR 0015): the settled look also
finds the step's targets, the review read brings back the fields, the outline and the site's words.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from autopilot import scans
from autopilot.engine import actions
from autopilot.engine.actions import SecretSource
from autopilot.engine.approver import Approver, Decision, FieldView, Moment, StepView, Unattended
from autopilot.engine.by_hand import PersonSteps
from autopilot.engine.downloads import download_output
from autopilot.engine.failures import translate
from autopilot.engine.locate import FieldTarget, Probe, resolve_click, resolve_fields, same_origin_frames
from autopilot.engine.navigation import POLL_MS, Landed, click_once, open_page
from autopilot.engine.origins import Origins
from autopilot.engine.outcomes import PAID, SENT, ExpiredAfterSubmit, Outcome, RunResult, Stop, Timeouts
from autopilot.engine.page_reading import read_back, read_for_review, shows, site_messages, text_after
from autopilot.engine.required import check_complete
from autopilot.engine.scan_choice import ScanChoice, scan_path
from autopilot.engine.settling import prepare_page, wait_settled
from autopilot.engine.shaping import as_planned
from autopilot.errors import (
    AutopilotError,
    BrowserClosed,
    DomainNotAllowed,
    RunError,
    TargetAmbiguous,
    TargetNotFound,
    ValueNotTaken,
)
from autopilot.flows.conditions import holds
from autopilot.flows.fill import Upload
from autopilot.flows.model import Expect, Flow, Step, Until

__all__ = ["PAID", "SENT", "Outcome", "RunResult", "Runner", "SecretSource", "Timeouts", "holds"]


class Runner(PersonSteps):
    """Runs one flow in one page under an approver; what a person does on the page meanwhile is `by_hand`'s."""

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
        landing: Expect | None = None,
        save_file: Callable[[str], Path] | None = None,
        secret_hosts: Callable[[str], tuple[str, ...]] | None = None,
        scans_folder: Path | None = None,
        repair: Callable[[Runner, Step, int], Step | Decision | RunError | None] | None = None,
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
        self.landing = landing  # a page the caller asks about after each click (an account flow's logged-in page)
        self.landed: tuple[Step | None, Landed] | None = None  # the last click's look, and the step it went to
        self.save_file = save_file  # where a file the site gives goes, by name (the visit's folder)
        self.scans_folder = scans_folder or scans.folder()  # the only place uploads are taken from
        # where a secret may be typed: its account flow's hosts (DESIGN §4d); by default an account flow's own
        self.secret_hosts = secret_hosts or (
            lambda ref: flow.domains if flow.logged_in is not None and ref.split(".")[0] == flow.account else ())
        self.repair = repair  # proposes a control for a target not found, for this run only (engine/proposals.py)
        self.outputs: dict[str, str] = {}
        self.done: list[tuple[str, str]] = []  # see RunResult.done
        self._before_takeover: set[str] = set()  # the site's messages shown when the mediator took the hand
        self._planning: tuple[Step, int] | None = None  # the step being planned, and its number
        self.blocked_by: RunError | None = None  # the last problem shown to the mediator
        self.steps = [s for s in flow.steps if holds(s.when, values)]
        prepare_page(page)  # its documents get the library and count their requests: a read waits for them (settling.py)
        self.scans = ScanChoice(flow, approver, report, self._view, len(self.steps), self.scans_folder)
        self.context = actions.Context(page, flow, values, origins, secrets, self.secret_hosts, self._pick_scan,
                                       lambda item: scan_path(item, self.scans_folder))

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
        except Stop:
            self.report("Démarche arrêtée par le médiateur.")
            return self._result(Outcome.STOPPED, step, self.blocked_by)
        except Unattended as nobody:  # the engine's stop, not the mediator's (exit 8)
            failure = nobody.failure(self.blocked_by)
            if failure is not self.blocked_by:  # a blocked step was already said, with its step
                self.report(failure.message)
            return self._result(Outcome.FAILED, step, failure)
        except BrowserClosed as error:
            return self._result(Outcome.STOPPED, step, error)
        except PlaywrightError as error:  # the one place Playwright's failures become ours (failures.py)
            failure = translate(error, step.title if step else None)
            self.report(failure.message)
            outcome = Outcome.STOPPED if isinstance(failure, BrowserClosed) else Outcome.FAILED
            return self._result(outcome, step, failure)
        except AutopilotError as error:
            return self._result(Outcome.FAILED, step, error)
        if announce:
            self.approver.show(self._view(self.steps[-1], len(self.steps), Moment.DONE, frozenset(),
                                          message="La démarche est terminée.", outputs=self._labelled_outputs()))
        return self._result(Outcome.COMPLETED, self.steps[-1], None)

    def _result(self, outcome: Outcome, step: Step | None, error: AutopilotError | None) -> RunResult:
        return RunResult(outcome, dict(self.outputs), step.title if step else None, error, tuple(self.done))

    def _step(self, step: Step, number: int, *, navigate: bool) -> None:
        refill = True
        navigate = navigate and step.goto is not None
        recovered = False
        if step.optional and not navigate and not self._arrived_at(step):
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
                    if isinstance(error, ExpiredAfterSubmit):
                        return self._after_lost_submission(step, number)
                    navigate = step.goto is not None
                    continue
                self.report(f"Étape {number}/{len(self.steps)} « {step.title} » : {error.message}")
                blocked = error
                fixed = self._repaired(step, number, error)
                if isinstance(fixed, RunError):  # what changed on the page, said better than « introuvable »
                    self.report(f"Étape {number}/{len(self.steps)} « {step.title} » : {fixed.message}")
                    blocked, fixed = fixed, None
                if isinstance(fixed, Step):
                    step = self.steps[number - 1] = fixed
                    continue
                if fixed is not None:
                    self.blocked_by = error
                    if fixed is Decision.STOP:
                        raise Stop from None
                    blocked = None  # the mediator took the hand from the proposals
            if self._takeover(step, number, blocked):
                return
            refill = False  # the mediator's corrections stand

    def _repaired(self, step: Step, number: int, error: RunError) -> Step | Decision | RunError | None:
        """The step with the controls the mediator picked among the proposals, or their decision, or a
        clearer account of the change (a field split in several inputs), or None."""
        if self.repair is None or not isinstance(error, (TargetNotFound, TargetAmbiguous)):
            return None
        if getattr(self.approver, "unattended", False):
            return None  # nobody to pick a proposal: the run fails on the target not found
        return self.repair(self, step, number)

    def _takeover(self, step: Step, number: int, error: RunError | None) -> bool:
        """Give the mediator the hand; True if the page has meanwhile moved on to the next step."""
        errors, notices = site_messages(self.page)
        self._before_takeover = {*errors, *notices, *getattr(error, "site_errors", ())}
        if error is not None:
            self.blocked_by = error
            message = error.message + (f" {error.hint}" if error.hint else "")
            decision = self.approver.decide(
                self._view(step, number, Moment.BLOCKED, {Decision.TAKEOVER, Decision.STOP},
                           message=message, site_errors=tuple(getattr(error, "site_errors", ())))
            )
            if decision is Decision.STOP:
                raise Stop
        decision = self.approver.decide(
            self._view(step, number, Moment.TAKEOVER, {Decision.RESUME, Decision.STOP},
                       message="Vous avez la main : faites les corrections sur la page, puis « Reprendre ».")
        )
        if decision is Decision.STOP:
            raise Stop
        following = self.steps[number] if number < len(self.steps) else None
        return following is not None and following.expect is not None and self._shows(following.expect)

    # --- one attempt at a step -------------------------------------------------------

    def _perform(self, step: Step, number: int, refill: bool) -> bool:
        """One attempt; True when the step is done, False when the mediator takes the hand."""
        self.landed = None  # the last click's look no longer says what the page shows
        self._check_domain(step)
        if step.manual or self._will_ask(step):  # the mediator acts first: the page is probed after
            if step.expect or step.extract:
                self._wait_for(step.expect, step)  # a settled page: nothing is read from one still loading
            if step.manual:
                self._manual(step, number)
            first, *revealed = self._plan(step, number)
            probed = self._probe(step, first, revealed, arm=refill).run(self.page)
        else:  # one round trip for the settled page and all the step's first targets (settling.py)
            first, *revealed = self._plan(step, number)
            probe = self._probe(step, first, revealed, arm=refill)
            main = self._wait_for(step.expect, step, probe) if step.expect or step.extract else None
            probed = probe.run(self.page, main)
        found = probed.fields(step.title)
        buttons = [resolve_click(self.page, press.click, step.title) for press in first.presses]
        next_button = None
        if step.next is not None:
            try:
                next_button = probed.click(step.title) if probed.probe.click else resolve_click(
                    self.page, step.next, step.title)
            except TargetNotFound:
                if not revealed:
                    raise
                # created by an earlier action of the step (a card picked): looked for after it (ADR 0011)
        if refill:
            actions.fill(first.planned, found, buttons, self.context, step.title)
        planned, presses = list(first.planned), list(first.presses)
        for group in revealed:  # shown by what was just done: looked for only now (ADR 0005)
            more = resolve_fields(self.page, [p.target for p in group.planned], step.title, revealed=True, arm=refill)
            clicks = [resolve_click(self.page, press.click, step.title) for press in group.presses]
            if refill:
                actions.fill(group.planned, more, clicks, self.context, step.title)
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
        # a page it validates must be complete: no required field it does not know (read with the review)
        known = [f.selector for f in found if f.frame in (None, self.page.main_frame)] if next_button else None
        review = read_for_review(self.page, same_origin_frames(self.page),
                                 [(f.frame or self.page.main_frame, f.selector) for f in found], known)
        check_complete(review.unknown_required, step.title)
        fields = tuple(
            FieldView(p.target.label, p.shown, p.source,
                      None if p.secret else as_planned(f.input_type, value, p.value), p.secret)
            for p, f, value in zip(planned, found, review.values, strict=True)
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
        allowed = {Decision.APPROVE, Decision.TAKEOVER, Decision.STOP}
        following = self._skippable(step, number)
        if following is not None:
            allowed.add(Decision.SKIP)
        # A message the page still shows from before the mediator's correction is not the site's answer
        # to it: the site checks again only when the page is sent (issue 17).
        stale = [m for m in (*review.errors, *review.notices) if m in self._before_takeover] if not refill else []
        errors = [m for m in review.errors if m not in stale]
        notices = [m for m in review.notices if m not in stale]
        decision = self.approver.decide(
            self._view(step, number, Moment.REVIEW, allowed, fields=fields, site_errors=tuple(errors),
                       message=self._review_message(step) + _notices(notices) + _stale(stale))
        )
        if decision is Decision.STOP:
            raise Stop
        if decision is Decision.TAKEOVER:
            return False
        if decision is Decision.SKIP and following is not None:
            self._skipped(step, number, following)
            return True
        if next_button is not None and step.gate == "submit":
            self.done.append((SENT, step.title))  # from the click on, the site may have it
        if next_button is not None and self._click_and_wait(next_button, step).watched:
                expired = ExpiredAfterSubmit if step.gate == "submit" else RunError
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

    def _plan(self, step: Step, number: int) -> list[actions.Group]:
        """The step's actions that apply, with their values, in groups (actions.plan, ADR 0005)."""
        self._planning = (step, number)  # for a scan the mediator picks meanwhile
        return actions.plan(step.fill, self.context, step.title, lambda action: holds(action.when, self.values))

    def _probe(self, step: Step, first: actions.Group, revealed: list, *, arm: bool) -> Probe:
        """The first group's fields and the `next` button, looked for in one round trip per frame (a CSS
        `next` apart: a selector the page cannot take must fail as itself, not as a page still loading);
        `arm` when the fields are filled right after (a first choice's click is then prepared)."""
        click = step.next if step.next is not None and not step.next.css else None
        return Probe([p.target for p in first.planned], click, arm=arm)

    def _will_ask(self, step: Step) -> bool:
        """Whether planning the step asks the mediator for a scan (then it waits for the settled page first)."""
        return self.scans.will_ask(step, lambda a: holds(a.when, self.values), lambda a: a.file.render(self.values) == "")

    def _pick_scan(self, action: Upload) -> actions.Planned | None:
        return self.scans.pick(action, *self._planning)

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

    def _wait_for(self, expect: Expect | None, step: Step, probe: Probe | None = None) -> list | None:
        """Wait until the page is the expected one AND settled (settling.py); a clear stop past the bound.
        With a `probe`, the main frame's answer to it, from the same round trip."""
        return wait_settled(self.page, self.origins, expect, step.title, self.timeouts.page, probe)

    def _click_and_wait(self, button, step: Step) -> Landed:
        """Click `next` once and wait for the outcome (navigation.py); what the page shows then."""
        following = next((s for s in self.steps[self.steps.index(step) + 1:]), None)
        landed = click_once(self.page, button, step.title, self.timeouts.page, self.timeouts.response,
                            origins=self.origins, name=step.next.description if step.next else "",
                            following=following.expect if following is not None else None, watch=self.login_page,
                            landing=self.landing)
        self.landed = (following, landed)
        return landed

    def _arrived_at(self, step: Step) -> bool:
        """Whether the page is `step`'s: the last click's look said so if it was looking for it, else one look."""
        if self.landed is not None and self.landed[0] is step:
            return self.landed[1].following
        return self._shows(step.expect)

    def landed_on(self) -> bool:
        """Whether the last click's look saw the caller's `landing` page, nothing having happened since
        (a False is not a no: the page may have shown it a moment later)."""
        return self.landed is not None and self.landed[1].landing

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


def _notices(notices: list[str]) -> str:
    """The site's warnings, said to the mediator with the review (never obeyed)."""
    return (" Le site signale : " + " ".join(f"« {n} »" for n in notices)) if notices else ""


def _stale(messages: list[str]) -> str:
    """The site's messages still shown from before the mediator's correction, said as such."""
    if not messages:
        return ""
    return (" Avant votre correction, le site signalait : " + " ".join(f"« {m} »" for m in messages)
            + " ; il vérifiera de nouveau quand vous validerez.")
