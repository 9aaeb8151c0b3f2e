"""Measurement 4: the mediator's workload, with autopilot and by hand on the site.

Each démarche of the library is run once on the sandbox, with the demo citizen's data and the
démarche's sample data (`samples.yaml`: a seeded plate, NEPH, dossier…, the sandbox's clock set
to its `today`), and an approver that looks at every page it is asked about: the form controls
actually on the page (text fields, selects, radio groups, checkboxes, file fields). Counted by
hand, on the site (login included, as the visit starts logged out):

- fields filled: every field the démarche fills for this citizen (a text typed, a radio or an
  option picked, a box ticked, a file attached), the login's identifiant and password included;
- characters typed: the values of the text fields, the identifiant and the password included;
- other clicks: the buttons (« Suivant », « Se connecter »…), plus one per page opened from
  its address (a bookmark);
- pages: every page shown, from the login page to the confirmation; a manual step on the page
  of the step before it (the captcha under the search form) is the same page.

With autopilot the mediator fills the citizen's form once (every input the flow reads that
the citizen has: one field each; characters for those the flow types into text fields) and
clicks « Valider et continuer » once per step that asks, the login's included, and « Reprendre »
after a manual step that does not resume by itself; the password comes from the keyring. A
second démarche in the same visit reuses the inputs the first one declared under the same name
and model (`usager: identite`, `adresse: adresse`…).

The steps a flow leaves to a person (`manual:`) are played by `person.Person`: the citizen types
their card and their code confidentiel, the person at the desk solves the captcha. Those actions are the same by hand and with autopilot, and most are not the
mediator's at all: they are counted apart ("by a person, both ways") and left out of BOTH sides
of the ratio, which therefore compares only what autopilot changes. (Counting them on both sides
instead moves every such ratio towards 1; the details give those ratios too.) A manual step no
person is scripted for stops the run: the démarche is reported, not counted.

Two démarches take what an earlier one gave (`CHAINS`): the buyer's changement de titulaire
types the code de cession of the cession, and the refund the timbre bought for the passport.
Runs follow the library's order, except that such a démarche runs right after the one it takes
from, without the reset that starts every other run (the sandbox keeps the code, the timbre),
the sandbox's clock moved on if it must be. What it takes counts as typed by the mediator: it
comes on paper or by SMS, often days later.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page

from autopilot.cli.run_command import sandbox_credentials
from autopilot.dossier import MODELS
from autopilot.engine.approver import Decision, Moment, ScriptedApprover, StepView
from autopilot.engine.runner import Outcome, holds
from autopilot.engine.session import Session
from autopilot.errors import AutopilotError
from autopilot.flows import Flow, Library
from autopilot.flows.fill import FillText, Press, Upload
from autopilot.flows.library import LibraryFlow
from autopilot.flows.model import Step
from autopilot.flows.template import Template, lookup
from autopilot.scans import ENV as SCANS_ENV
from bench.citizen import CONTEXT, sample_citizen, samples, values_for
from bench.person import Actions, Person
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


@dataclass(frozen=True)
class Chain:
    """A démarche that takes some outputs of another one, run just before it in the same sandbox state."""

    source: str
    target: str
    outputs: tuple[str, ...]  # the source's outputs, the target's inputs of the same name
    dated: str | None = None  # the target's input that takes the date the source ran on
    days_later: int = 0  # the sandbox's clock moves on by this before the target runs


CHAINS = (
    Chain("immatriculation-cession", "immatriculation-changement-titulaire", ("code_cession",)),
    # a timbre is refunded 3 days after its purchase at the earliest
    Chain("timbre-passeport", "timbre-remboursement", ("numero_timbre", "reference_transaction", "montant"),
          dated="date_achat", days_later=3),
    Chain("timbre-appel-justice", "timbre-remboursement-justice", ("numero_timbre", "reference_transaction", "montant"),
          dated="date_achat", days_later=3),
)

SMOKE = ("passeport-pre-demande", "immatriculation-cession", "immatriculation-changement-titulaire",
         "permis-solde-points")
"""`--smoke` runs these only: the login, a chain, a card payment and a code typed by the citizen."""

_SCAN = b"%PDF-1.4\n% document numerise fictif (bench)\n%%EOF\n"


@dataclass
class PageSeen:
    flow: str
    step: str
    controls: dict[str, int]
    resumes_itself: bool = False  # a manual step ended by its own `until`: no click with autopilot

    @property
    def fields(self) -> int:
        c = self.controls
        return c["text"] + c["select"] + c["radio_groups"] + c["checkboxes"] + c["files"]


@dataclass
class Inspector(ScriptedApprover):
    """Approves everything, like the scripted approver, counts the controls of each page it is asked
    about, and lets `person` act at the manual steps."""

    page: Page | None = None
    person: Person | None = None
    pages: list[PageSeen] = field(default_factory=list)

    def decide(self, view: StepView, poll=None):
        if view.moment in (Moment.REVIEW, Moment.MANUAL) and self.page is not None:
            resumes_itself = view.moment is Moment.MANUAL and poll is not None
            self.pages.append(PageSeen(view.flow_title, view.title, self.page.evaluate(_PAGE_FIELDS), resumes_itself))
        if view.moment is Moment.MANUAL:
            waiting = not (poll is not None and poll())
            if waiting and (self.person is None or not self.person.knows(view)):
                self.seen.append(view)
                return Decision.STOP  # no person scripted for this step: the démarche is not counted
            self.human = self.person.act if waiting else None
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
    person: Actions = field(default_factory=Actions)  # at the manual steps: the same both ways
    reads: dict[str, str] = field(default_factory=dict)  # dotted input path -> the value given in the form
    typed: set[str] = field(default_factory=set)  # the paths the flow types into text fields
    problem: str | None = None

    @property
    def mine(self) -> int:
        """The mediator's actions with autopilot: form fields and approvals."""
        return self.form_fields + self.approvals

    @property
    def by_hand(self) -> int:
        """The mediator's actions by hand: fields filled and clicks."""
        return self.hand_fields + self.hand_clicks


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


def _same_page(previous: Step | None, step: Step) -> bool:
    """Whether `step` acts on the page of `previous`: nothing was clicked, nothing opened in between."""
    return previous is not None and previous.next is None and previous.manual is None and step.goto is None


def _count(flow: Flow, values: dict, given: dict, seen: list[PageSeen], account: Flow | None,
           account_values: dict, secrets) -> Workload:
    reads, typed = _reads(flow, values, given)
    work = Workload(flow, reads=reads, typed=typed)
    work.form_fields = len(reads)
    work.form_characters = sum(len(v) for p, v in reads.items() if p in typed)
    work.approvals = sum(not p.resumes_itself for p in seen)
    by_step = {(p.flow, p.step): p for p in seen}
    on_pages: list[int | None] = []  # the fields of each page shown, None for a page not looked at
    for owner, steps, step_values in ((account, account.steps if account else (), account_values),
                                      (flow, flow.steps, values)):
        previous = None
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
            if _same_page(previous, step):
                if page is not None:  # one page, looked at twice: its controls once
                    on_pages[-1] = max(on_pages[-1] or 0, page.fields)
            else:
                work.pages += 1
                on_pages.append(page.fields if page is not None else None)
            work.hand_fields += fields
            work.hand_characters += characters
            work.hand_clicks += clicks
            previous = step
    if seen:
        work.fields_on_pages = sum(n for n in on_pages if n is not None)
    return work


def _shared(first: Workload, second: Workload) -> dict[str, str]:
    """The inputs of `second` already typed for `first`: same name, same citizen-data model."""
    shared_inputs = {
        name for name, spec in second.flow.inputs.items()
        if spec.type in MODELS and name in first.flow.inputs and first.flow.inputs[name].type == spec.type
    }
    return {path: value for path, value in second.reads.items() if path.split(".")[0] in shared_inputs}


def _order(entries: list[LibraryFlow]) -> list[LibraryFlow]:
    """The library's order, each chain's target moved right after its source (when both run)."""
    by_id = {entry.flow.id: entry for entry in entries}
    chained = {c.target: c for c in CHAINS if c.source in by_id and c.target in by_id}
    ordered: list[LibraryFlow] = []
    for entry in entries:
        if entry.flow.id in chained:
            continue
        ordered.append(entry)
        ordered += [by_id[c.target] for c in chained.values() if c.source == entry.flow.id]
    return ordered


@contextmanager
def _scanner_folder() -> Iterator[Path]:
    """An empty scanner folder for the bench (`AUTOPILOT_SCANS`), removed afterwards."""
    previous = os.environ.get(SCANS_ENV)
    with tempfile.TemporaryDirectory(prefix="bench-numerisations-") as folder:
        os.environ[SCANS_ENV] = folder
        try:
            yield Path(folder)
        finally:
            if previous is None:
                os.environ.pop(SCANS_ENV, None)
            else:
                os.environ[SCANS_ENV] = previous


def measure(sandbox: RemoteSandbox, browser: Browser, smoke: bool = False) -> Section:
    """Run each démarche once on the sandbox and count what it asks of the mediator (`SMOKE` only for a smoke run)."""
    section = Section("4. The mediator's workload, per démarche")
    library = Library.load()
    entries = [e for e in library.demarches if not smoke or e.flow.id in SMOKE]
    sample = samples()
    secrets, accounts = sandbox_credentials()
    chains = {c.target: c for c in CHAINS}
    works: list[Workload] = []
    completed: dict[str, tuple[dict[str, str], date]] = {}  # flow id -> outputs, the sandbox's date
    with _scanner_folder() as scans:
        for entry in _order(entries):
            flow = entry.flow
            chain = chains.get(flow.id)
            raw = sample_citizen(flow.id, sample)
            if chain is not None:
                if chain.source not in completed:
                    works.append(Workload(flow, problem=f"not run: `{chain.source}`, whose outputs it takes,"
                                                        " did not complete"))
                    continue
                outputs, ran_on = completed[chain.source]
                raw.update({name: outputs[name] for name in chain.outputs})
                if chain.dated:
                    raw[chain.dated] = f"{ran_on:%d/%m/%Y}"
            for name, spec in flow.inputs.items():
                if spec.type == "scan" and raw.get(name) and not (scans / raw[name]).exists():
                    (scans / raw[name]).write_bytes(_SCAN)
            account = library.account(flow.account).flow if flow.account else None
            account_values = {"compte": accounts.get(flow.account or "", {})}
            try:
                values = values_for(flow, raw, sandbox.demandes())
            except AutopilotError as error:
                works.append(Workload(flow, problem=f"no sample data ({' '.join(str(error).split())})"))
                continue
            # what the mediator gives: the citizen's data, and what the bench adds (a timbre, a numéro de demande)
            given = {**raw, **{name: values[name] for name in flow.inputs if name not in raw}}
            if chain is None:
                sandbox.reset()
                sandbox.set_today(sample["today"])
            else:
                sandbox.set_today(sandbox.today() + timedelta(days=chain.days_later))
            context = browser.new_context(**CONTEXT)
            page = context.new_page()
            inspector = Inspector(page=page, person=Person(page, flow.id, sample["person"], values))
            result = Session(page, library, inspector, origins=sandbox.origins, secrets=secrets,
                             accounts=accounts).run(flow, values)
            context.close()
            work = _count(flow, values, given, inspector.pages, account, account_values, secrets)
            work.person = inspector.person.done
            if result.outcome is Outcome.COMPLETED:
                completed[flow.id] = (result.outputs, sandbox.today())
            else:
                work.problem = f"the run stopped at « {result.step} »" + (
                    f": {result.error.message}" if result.error is not None else "")
            works.append(work)
    rank = {entry.flow.id: index for index, entry in enumerate(entries)}
    _render(section, sorted(works, key=lambda work: rank[work.flow.id]), chained=[
        c for c in CHAINS if c.source in rank and c.target in rank])
    return section


def _by_person(actions: Actions) -> str:
    if not actions.total:
        return "—"
    clicks = f"{actions.clicks} click" + ("s" if actions.clicks > 1 else "")
    if not actions.fields:
        return clicks
    fields = f"{actions.fields} field" + ("s" if actions.fields > 1 else "")
    return f"{fields} ({actions.characters} characters), {clicks}"


def _render(section: Section, works: list[Workload], chained: list[Chain]) -> None:
    section.details += [
        ("Counted on the sandbox for the demo citizen (`autopilot demo`'s) with each démarche's sample data"
         " (`src/autopilot/cli/samples.yaml`: seeded plates, NEPH, dossiers…), login included; the conventions are in"
         " `bench/workload.py`'s docstring. The last column is what a person does at the steps autopilot"
         " leaves to them (the citizen's card or code confidentiel, the captcha):"
         " the same by hand and with autopilot, it is in neither side of the summary's ratios."),
        "",
        ("| démarche | pages | fields on those pages | by hand: fields filled | characters typed | other clicks"
         " | with autopilot: form fields | characters typed | approvals | by a person, both ways |"),
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for work in works:
        if work.problem and not work.pages:
            section.details.append(f"| `{work.flow.id}` | {work.problem} | | | | | | | | |")
            continue
        on_pages = "—" if work.fields_on_pages is None else str(work.fields_on_pages)
        section.details.append(
            f"| `{work.flow.id}` | {work.pages} | {on_pages} | {work.hand_fields} | {work.hand_characters}"
            f" | {work.hand_clicks} | {work.form_fields} | {work.form_characters} | {work.approvals}"
            f" | {_by_person(work.person)} |"
        )
    for chain in chained:
        moved = f", the sandbox's clock {chain.days_later} days later" if chain.days_later else ""
        dated = f" and the date it ran on (`{chain.dated}`)" if chain.dated else ""
        section.details += ["", (
            f"`{chain.target}` ran right after `{chain.source}`, without a reset{moved}: it took that run's"
            f" {', '.join(f'`{name}`' for name in chain.outputs)}{dated}, typed by the mediator in the form."
        )]
    both = [w for w in works if w.person.total and not w.problem]
    if both:
        section.details += ["", "With the person's actions counted on both sides instead, the ratios would be: " + "; ".join(
            f"`{w.flow.id}` {(w.mine + w.person.total) / (w.by_hand + w.person.total):.3f}" for w in both) + "."]
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
    sharing = [w for w in measured if any(_shared(w, o) or _shared(o, w) for o in measured if o is not w)]
    section.details += ["", "A second démarche in the same visit (the first one's inputs are known):", ""]
    if sharing:
        section.details += [
            "| first ↓ then → | " + " | ".join(f"`{w.flow.id}`" for w in sharing) + " |",
            "|---|" + "---|" * len(sharing),
        ]
        for first in sharing:
            cells = [("—" if second is first else f"{len(_shared(first, second))} of {second.form_fields}")
                     for second in sharing]
            section.details.append(f"| `{first.flow.id}` | " + " | ".join(cells) + " |")
        section.details += ["", ("Each cell: the form fields of the second démarche not typed again, of all"
                                 " its form fields. Other démarches share no input."), ""]
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
    if not sharing:
        section.details.append("- No two démarches of the library share an input yet.")
    for work in works:
        name = f"Workload `{work.flow.id}`: the mediator's actions (fields + clicks)"
        if work.problem:  # said above; its figures would be those of half a démarche
            section.rows.append(Row(name, Samples("actions", []), None, None, "fewer than by hand", None))
            continue
        section.rows.append(Row(
            name, Samples("actions", [work.mine], digits=0), Samples("actions", [work.by_hand], digits=0),
            work.mine / work.by_hand, "fewer than by hand", work.mine < work.by_hand,
        ))
    section.data = {
        work.flow.id: {
            "pages": work.pages, "fields_on_pages": work.fields_on_pages, "hand_fields": work.hand_fields,
            "hand_characters": work.hand_characters, "hand_clicks": work.hand_clicks,
            "form_fields": work.form_fields, "form_characters": work.form_characters,
            "approvals": work.approvals, "login_fields": work.login_fields, "person_fields": work.person.fields,
            "person_clicks": work.person.clicks, "problem": work.problem,
        }
        for work in works
    }
