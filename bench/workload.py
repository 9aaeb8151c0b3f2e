"""Measurement 4: the mediator's workload, with autopilot and by hand on the site.

Each démarche of the library is run once on the sandbox for the demo citizen, with an approver
that looks at every page it is asked about: the form controls actually on the page (text
fields, selects, radio groups, checkboxes, file fields), and which of the step's targets are
selects. Counted by hand, on the site (login included, as the visit starts logged out):

- fields filled: every field the démarche fills for this citizen (a text typed, a radio or an
  option picked, a box ticked), the login's identifiant and password included;
- characters typed: the values of the text fields, the identifiant and the password included;
- other clicks: the buttons (« Suivant », « Se connecter »…), plus one per page opened from
  its address (a bookmark);
- pages: every page shown, from the login page to the confirmation.

With autopilot the mediator fills the citizen's form once (every input the flow reads that
the citizen has: one field each; characters for those the flow types into text fields) and
clicks « Valider et continuer » once per step that asks, the login's included; the password
comes from the keyring. A second démarche in the same visit reuses the inputs the first one
declared under the same name and model (`usager: identite`, `adresse: adresse`…).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import Page, sync_playwright

from autopilot.cli.run_command import sandbox_credentials
from autopilot.dossier import MODELS
from autopilot.engine.approver import Decision, Moment, ScriptedApprover, StepView
from autopilot.engine.browser import BrowserSettings, launch
from autopilot.engine.runner import Outcome, holds
from autopilot.engine.session import Session
from autopilot.errors import AutopilotError
from autopilot.flows import Flow, Library
from autopilot.flows.model import FillText, Press, Step, Upload
from autopilot.flows.template import Template, lookup
from bench.citizen import CONTEXT, demo_citizen, values_for
from bench.report import Row, Section
from bench.sandbox import RemoteSandbox
from bench.stats import Samples

_PAGE_FIELDS = """() => {
  const shown = (el) => { const b = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return b.width > 0 && b.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
  const counts = {text: 0, select: 0, radio_groups: 0, checkboxes: 0, files: 0};
  const groups = new Set();
  for (const el of document.body.querySelectorAll('input, select, textarea')) {
    if (el.type === 'hidden' || el.closest('[data-autopilot-panel]')) continue;
    if (!shown(el) && ![...(el.labels || [])].some(shown)) continue;
    if (el.tagName === 'SELECT') counts.select++;
    else if (el.type === 'radio') groups.add(el.name);
    else if (el.type === 'checkbox') counts.checkboxes++;
    else if (el.type === 'file') counts.files++;
    else if (!['submit', 'button', 'reset', 'image'].includes(el.type)) counts.text++;
  }
  counts.radio_groups = groups.size;
  return counts;
}"""


@dataclass
class PageSeen:
    flow: str
    step: str
    controls: dict[str, int]

    @property
    def fields(self) -> int:
        c = self.controls
        return c["text"] + c["select"] + c["radio_groups"] + c["checkboxes"] + c["files"]


@dataclass
class Inspector(ScriptedApprover):
    """Approves everything, like the scripted approver, and counts the controls of each page it is asked about."""

    page: Page | None = None
    pages: list[PageSeen] = field(default_factory=list)

    def decide(self, view: StepView, poll=None):
        if view.moment in (Moment.REVIEW, Moment.MANUAL) and self.page is not None:
            self.pages.append(PageSeen(view.flow_title, view.title, self.page.evaluate(_PAGE_FIELDS)))
        if view.moment is Moment.MANUAL and self.human is None and not (poll is not None and poll()):
            return Decision.STOP  # a code, a captcha, a payment: only a person can; the démarche is not counted
        return super().decide(view, poll)


@dataclass
class Workload:
    """What one démarche asks of the mediator, by hand and with autopilot."""

    flow: Flow
    pages: int = 0
    fields_on_pages: int | None = None
    hand_fields: int = 0
    hand_characters: int = 0
    hand_clicks: int = 0
    form_fields: int = 0
    form_characters: int = 0
    approvals: int = 0
    login_pages: int = 0
    login_fields: int = 0
    login_characters: int = 0
    login_clicks: int = 0
    reads: dict[str, str] = field(default_factory=dict)  # dotted input path -> the value given in the form
    typed: set[str] = field(default_factory=set)  # the paths the flow types into text fields
    problem: str | None = None


def _value(action: Any) -> Template:
    return action.file if isinstance(action, Upload) else action.value


def _by_hand(step: Step, values: dict, secrets) -> tuple[int, int, int]:
    """Fields filled, characters typed and other clicks for one page done by hand."""
    fields = characters = clicks = 0
    for action in step.fill:
        if not holds(action.when, values):
            continue
        if isinstance(action, Press):
            clicks += 1
            continue
        if isinstance(action, FillText) and action.secret is not None:
            fields, characters = fields + 1, characters + len(secrets(action.secret))
            continue
        value = _value(action).render(values)
        if value == "":
            continue
        fields += 1
        if isinstance(action, FillText):
            characters += len(value)
    clicks += (step.next is not None) + (step.goto is not None)
    return fields, characters, clicks


def _reads(flow: Flow, values: dict, given: dict) -> tuple[dict[str, str], set[str]]:
    """The inputs the flow reads that the citizen has (as given in the form), and those it types as text."""
    found: dict[str, str] = {}
    typed: set[str] = set()
    for step in flow.steps:
        if not holds(step.when, values):
            continue
        for action in step.fill:
            if isinstance(action, Press) or not holds(action.when, values):
                continue
            if isinstance(action, FillText) and action.secret is not None:
                continue
            for placeholder in _value(action).placeholders:
                value = lookup(given, placeholder.path)
                if value not in (None, ""):
                    found[placeholder.dotted] = str(value)
                    if isinstance(action, FillText):
                        typed.add(placeholder.dotted)
    return found, typed


def _count(flow: Flow, values: dict, given: dict, seen: list[PageSeen], account: Flow | None,
           account_values: dict, secrets) -> Workload:
    reads, typed = _reads(flow, values, given)
    work = Workload(flow, reads=reads, typed=typed)
    work.form_fields = len(reads)
    work.form_characters = sum(len(v) for p, v in reads.items() if p in typed)
    work.approvals = len(seen)
    by_step = {(p.flow, p.step): p for p in seen}
    if seen:
        work.fields_on_pages = sum(p.fields for p in seen)
    for owner, steps, step_values in ((account, account.steps if account else (), account_values),
                                      (flow, flow.steps, values)):
        for step in steps:
            page = by_step.get((owner.title, step.title))
            if not holds(step.when, step_values) or (step.optional and page is None):
                continue
            fields, characters, clicks = _by_hand(step, step_values, secrets)
            if owner is account:
                work.login_pages += 1
                work.login_fields += fields
                work.login_characters += characters
                work.login_clicks += clicks
            work.pages += 1
            work.hand_fields += fields
            work.hand_characters += characters
            work.hand_clicks += clicks
    return work


def _shared(first: Workload, second: Workload) -> dict[str, str]:
    """The inputs of `second` already typed for `first`: same name, same citizen-data model."""
    shared_inputs = {
        name for name, spec in second.flow.inputs.items()
        if spec.type in MODELS and name in first.flow.inputs and first.flow.inputs[name].type == spec.type
    }
    return {path: value for path, value in second.reads.items() if path.split(".")[0] in shared_inputs}


def measure(sandbox: RemoteSandbox) -> Section:
    """Run each démarche once on the sandbox and count what it asks of the mediator."""
    section = Section("4. The mediator's workload, per démarche")
    library = Library.load()
    secrets, accounts = sandbox_credentials()
    works: list[Workload] = []
    with sync_playwright() as playwright:
        browser = launch(playwright, BrowserSettings(headless=True))
        try:
            for entry in library.demarches:
                flow = entry.flow
                raw = demo_citizen()
                account = library.account(flow.account).flow if flow.account else None
                account_values = {"compte": accounts.get(flow.account or "", {})}
                try:
                    values = values_for(flow, raw, sandbox.demandes())
                except AutopilotError as error:
                    works.append(Workload(flow, problem=f"no sample data ({' '.join(str(error).split())})"))
                    continue
                # what the mediator gives: the citizen's data, and what the bench adds (a timbre, a numéro de demande)
                given = {**raw, **{name: values[name] for name in flow.inputs if name not in raw}}
                sandbox.reset()
                context = browser.new_context(**CONTEXT)
                inspector = Inspector(page=context.new_page())
                result = Session(inspector.page, library, inspector, origins=sandbox.origins, secrets=secrets,
                                 accounts=accounts).run(flow, values)
                context.close()
                work = _count(flow, values, given, inspector.pages, account, account_values, secrets)
                if result.outcome is not Outcome.COMPLETED:
                    work.problem = f"the run stopped at « {result.step} »" + (
                        f": {result.error.message}" if result.error is not None else "")
                works.append(work)
        finally:
            browser.close()
    _render(section, works)
    return section


def _render(section: Section, works: list[Workload]) -> None:
    section.details += [
        ("Counted on the sandbox for the demo citizen (`autopilot demo`'s), login included; the conventions are"
        " in `bench/workload.py`'s docstring."),
        "",
        ("| démarche | pages | fields on those pages | by hand: fields filled | characters typed | other clicks"
        " | with autopilot: form fields | characters typed | approvals |"),
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for work in works:
        if work.problem and not work.pages:
            section.details.append(f"| `{work.flow.id}` | {work.problem} | | | | | | | |")
            continue
        on_pages = "—" if work.fields_on_pages is None else str(work.fields_on_pages)
        section.details.append(
            f"| `{work.flow.id}` | {work.pages} | {on_pages} | {work.hand_fields} | {work.hand_characters}"
            f" | {work.hand_clicks} | {work.form_fields} | {work.form_characters} | {work.approvals} |"
        )
    measured = [w for w in works if w.pages]
    for work in measured:
        if work.problem:
            section.details += ["", f"**`{work.flow.id}`: {work.problem}.**"]
    logins = {(w.login_pages, w.login_fields, w.login_characters, w.login_clicks) for w in measured if w.login_pages}
    for pages, fields, characters, clicks in sorted(logins):
        section.details += ["", (
            f"The login is part of the by-hand figures: {pages} page, {fields} fields, {characters} characters (the"
            f" password among them) and {clicks} clicks at every visit. With autopilot it is one approval; the"
            " password comes from the keyring and is never typed."
        )]
    pairs = [(a, b, _shared(a, b)) for a in measured for b in measured if a is not b]
    pairs = [(a, b, shared) for a, b, shared in pairs if shared]
    section.details += ["", "A second démarche in the same visit (the first one's inputs are known):", ""]
    if pairs:
        section.details += ["| first | then | form fields not typed again | characters saved |", "|---|---|---|---|"]
        for first, second, shared in pairs:
            saved = sum(len(v) for p, v in shared.items() if p in second.typed)
            section.details.append(f"| `{first.flow.id}` | `{second.flow.id}` | {len(shared)} of"
                                   f" {second.form_fields} | {saved} |")
        section.details += ["", "(Other pairs share no input.)", ""]
    for work in measured:
        reusable = {p: v for p, v in work.reads.items() if work.flow.inputs[p.split(".")[0]].type in MODELS}
        if not reusable:
            continue
        models = ", ".join(sorted({f"`{p.split('.')[0]}: {work.flow.inputs[p.split('.')[0]].type}`" for p in reusable}))
        saved = sum(len(v) for p, v in reusable.items() if p in work.typed)
        section.details.append(
            f"- `{work.flow.id}` after any démarche declaring {models}: {work.form_fields - len(reusable)} of its"
            f" {work.form_fields} form fields left to fill ({saved} characters saved); by hand still"
            f" {work.hand_fields - work.login_fields} fields (only the login is saved: the session is open)."
        )
    if not pairs:
        section.details.append("- No two démarches of the library share an input yet.")
    for work in measured:
        if work.problem:
            continue  # stopped where only a person can act (a code, a captcha, a payment): said above
        mine, theirs = work.form_fields + work.approvals, work.hand_fields + work.hand_clicks
        section.rows.append(Row(
            f"Workload `{work.flow.id}`: the mediator's actions (fields + clicks)",
            Samples("actions", [mine], digits=0), Samples("actions", [theirs], digits=0),
            mine / theirs, "fewer than by hand", None if work.problem else mine < theirs,
        ))
    section.data = {
        work.flow.id: {
            "pages": work.pages, "fields_on_pages": work.fields_on_pages, "hand_fields": work.hand_fields,
            "hand_characters": work.hand_characters, "hand_clicks": work.hand_clicks,
            "form_fields": work.form_fields, "form_characters": work.form_characters,
            "approvals": work.approvals, "login_fields": work.login_fields, "problem": work.problem,
        }
        for work in works
    }
