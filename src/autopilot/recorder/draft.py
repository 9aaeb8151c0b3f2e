"""From what was captured to a flow: pages become steps, demonstrated values become inputs.

The rules, in the order they apply:

- **Pages.** Consecutive events under the same main heading and path are one page, even
  across documents (a form the site sent back with its errors, then corrected). A page with
  nothing done on it is dropped, except the last one (its heading checks the outcome).
- **Accounts.** A page of a known account's flow (`flows/accounts/*.yaml`: same host, same
  heading — the login, the verification code) is dropped and the flow declares the account:
  the engine logs in with it, the password read from the keyring (`secret: ants.mot_de_passe`).
  A password typed anywhere else becomes `secret: COMPTE.mot_de_passe`; a one-time code a
  manual step; card fields a `gate: payment` manual step. Their values were never captured.
- **Clicks.** The last click that loaded another document is the page's `next`; a click that
  stayed on the page is an in-page `click`; a final-looking button (« Valider… », « Envoyer… »)
  gives `gate: submit`, a payment button (« Payer… ») a manual payment step.
- **Values.** Each field's last value is kept, at the place it was first touched; a value
  emptied again is dropped. Text becomes an input named and typed by `naming`; three inputs
  « Jour », « Mois », « Année » of one section become one `date`; a radio group or a short
  select a `choice` whose options map to the page's texts; a long select the option's text;
  a checkbox a `booleen`, unless it is an attestation every citizen ticks; a file a path.
- **Revealed fields.** A field not shown when the person began on the page is `revealed`
  (ADR 0005), and gets the condition of the choice or tick just before it
  (`when: {situation: [autre]}`), its input then being optional.
- **Navigation.** The first step opens the recorded address; a later one opens its own only
  when nothing on the page before led there (an address typed, a login done by the account).

No I/O, no browser: the session (`recorder.py`) gives the events and the account flows. The
rules of values and revealed fields, field by field, are in `fields.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from urllib.parse import urlsplit

from autopilot.flows.model import Flow
from autopilot.recorder import naming
from autopilot.recorder.events import (
    Captured,
    Clicked,
    ManualEnded,
    ManualMarked,
    PageShown,
    SecretTouched,
    Target,
    Typed,
)
from autopilot.recorder.fields import (
    ActionDraft,
    InputDraft,
    Inputs,
    condition_revealed,
    date_groups,
    field_action,
    tabs_that_only_show,
)

CODE_INSTRUCTION = ("Saisissez le code à usage unique reçu (courriel ou SMS) dans la page, puis validez-le :"
                    " autopilot reprend dès que la page suivante s'affiche.")
PAYMENT_INSTRUCTION = ("Tournez l'écran vers l'usager : il saisit lui-même les données de sa carte bancaire et"
                       " valide le paiement. autopilot ne lit ni ne tape les données de carte ; il reprend dès que"
                       " le paiement est accepté.")
DEFAULT_CATEGORY = "À classer"


@dataclass
class StepDraft:
    title: str
    heading: str
    goto: str | None = None
    fill: list[ActionDraft] = field(default_factory=list)
    manual: str | None = None
    until: str | None = None
    gate: str | None = None
    next: Target | None = None
    notes: list[str] = field(default_factory=list)
    extract: dict[str, str] = field(default_factory=dict)  # output name → the label its value follows


@dataclass
class FlowDraft:
    id: str
    title: str
    start_url: str
    domains: list[str]
    account: str | None
    inputs: dict[str, InputDraft]
    steps: list[StepDraft]
    warnings: list[str]
    category: str = DEFAULT_CATEGORY
    outputs: dict[str, str] = field(default_factory=dict)  # name → label: values the result page showed


@dataclass
class _Segment:
    """The part of a page one step covers: all of it, or what follows a manual mark."""

    items: list[Captured] = field(default_factory=list)
    manual: str | None = None
    manual_ended: bool = False


@dataclass
class _Page:
    heading: str
    path: str
    url: str  # real
    title: str
    segments: list[_Segment] = field(default_factory=lambda: [_Segment()])
    account: str | None = None  # the account whose page this is: dropped

    @property
    def items(self) -> list[Captured]:
        return [item for segment in self.segments for item in segment.items]


def draft_flow(
    events: Sequence[Captured],
    *,
    start_url: str,
    title: str | None,
    to_real: Callable[[str], str | None],
    accounts: Sequence[Flow] = (),
    results: Sequence[tuple[str, str]] = (),
) -> FlowDraft:
    """The flow the recorded `events` describe; `to_real` maps a browser address to the real one.

    `results` are the (label, value) pairs the last page showed when the recording ended: each is
    offered as an output read on the last step, for the author to keep or delete.
    """
    warnings: list[str] = []
    navigated = _navigating_clicks(events)
    pages = _pages(events, to_real, warnings)
    account = None
    for page in pages:
        page.account = _account_of(page, accounts)
        account = account or page.account
    inputs = Inputs()
    steps: list[StepDraft] = []
    titles: set[str] = set()
    leads_on = False  # whether what was done on the page before led to this one
    for index, page in enumerate(pages):
        following = pages[index + 1] if index + 1 < len(pages) else None
        segments = [] if page.account else _step_segments(page, last=following is None)
        if not segments:  # an account's page (its flow logs in), or a page nothing was done on
            leads_on = leads_on and page.account is None
            continue
        host = urlsplit(page.url).hostname or ""
        known = account or next((a.account for a in accounts if a.allows_host(host)), None)
        for segment in segments:
            step = _step(page, segment, navigated, inputs, warnings, following,
                         account_name=known or _account_name(host))
            later = segment is not segments[0] and segment.manual is not None
            step.title = _unique(step.title + (" — action manuelle" if later else ""), titles)
            if not leads_on:
                step.goto = start_url if not steps and page is pages[0] else page.url
                leads_on = True
            if any(a.secret for a in step.fill) and account is None:
                account = known or _account_name(host)
                if known is None:
                    warnings.append(f"étape « {step.title} » : mot de passe du compte « {account} » (secret:"
                                    f" {account}.mot_de_passe) ; aucun flow de compte flows/accounts/{account}.yaml"
                                    " ne le connaît : créez-le avant de rejouer ce flow.")
            steps.append(step)
        leads_on = _left_byfield_action(page, navigated)
    domains = list(dict.fromkeys(urlsplit(page.url).hostname or "" for page in pages))
    if not title:
        title = steps[0].heading if steps and steps[0].heading else "Démarche enregistrée"
    typed = [naming.plain(e.value) for e in events if isinstance(e, Typed) and len(e.value.strip()) >= 3]
    outputs = _offer_outputs(steps[-1], results, typed) if steps else {}
    return FlowDraft(
        id=naming.slug(title, separator="-"), title=title, start_url=start_url, domains=domains, account=account,
        inputs=inputs.specs, steps=steps, warnings=warnings, outputs=outputs,
    )


def _offer_outputs(last: StepDraft, results: Sequence[tuple[str, str]], typed: Sequence[str]) -> dict[str, str]:
    """Each value the last page showed becomes an output read after its label on the last step.

    Only labels are written, never the values; a label holding something the author typed (a name
    shown as a label) is left out: the citizen's data stays out of the file.
    """
    outputs: dict[str, str] = {}
    for label, _ in results:
        name = naming.slug(label)
        if name in outputs or name in last.extract or any(value in naming.plain(label) for value in typed):
            continue
        outputs[name] = naming.without_optional(label)
        last.extract[name] = label
    return outputs


# --- pages ----------------------------------------------------------------------------------


def _navigating_clicks(events: Sequence[Captured]) -> set[int]:
    """The clicks (by identity) after which the next event came from another document, or from
    another page of the same one (a client-side route, a new main heading) — whatever that event
    is: its heading and address say where it happened, as they do for `_pages`."""
    found: set[int] = set()
    for event, after in pairwise(events):
        if not isinstance(event, Clicked):
            continue
        moved = (after.heading, urlsplit(after.url).path) != (event.heading, urlsplit(event.url).path)
        if after.doc != event.doc or moved:
            found.add(id(event))
    return found


def _pages(events: Sequence[Captured], to_real: Callable[[str], str | None], warnings: list[str]) -> list[_Page]:
    pages: list[_Page] = []
    ignored: set[str] = set()
    for event in events:
        real = to_real(event.url)
        if real is None:
            ignored.add(event.url)
            continue
        path = urlsplit(real).path
        if not pages or (pages[-1].heading, pages[-1].path) != (event.heading, path):
            pages.append(_Page(event.heading, path, real, getattr(event, "title", "")))
        page = pages[-1]
        if isinstance(event, PageShown):
            continue
        if isinstance(event, ManualMarked):
            page.segments.append(_Segment(manual=event.instruction))
        elif isinstance(event, ManualEnded):
            page.segments[-1].manual_ended = True
        else:
            page.segments[-1].items.append(event)
    for url in sorted(ignored):
        warnings.append(f"page hors des sites de la démarche, non enregistrée : {url}")
    return pages


def _step_segments(page: _Page, *, last: bool) -> list[_Segment]:
    """The parts of a page that become steps: those where something was done or is done by hand;
    on the last page, at least its check."""
    chosen = [segment for segment in page.segments if segment.items or segment.manual is not None]
    return chosen or (page.segments[:1] if last else [])


def _account_of(page: _Page, accounts: Sequence[Flow]) -> str | None:
    host = urlsplit(page.url).hostname or ""
    for account in accounts:
        headings = {step.expect.heading for step in account.steps if step.expect and step.expect.heading}
        if account.allows_host(host) and page.heading in headings:
            return account.account
    return None


def _account_name(host: str) -> str:
    """A name for the account of a site no account flow knows: its domain's main word."""
    labels = [label for label in host.split(".") if label and label != "www"]
    if len(labels) >= 3 and labels[-2:] == ["gouv", "fr"]:
        return naming.slug(labels[-3])
    return naming.slug(labels[-2] if len(labels) >= 2 else (labels or ["compte"])[0])


def _left_byfield_action(page: _Page, navigated: set[int]) -> bool:
    """Whether the page was left by something done on it (a click, a manual step)."""
    last = page.segments[-1]
    if last.manual is not None and not last.manual_ended:
        return True
    items = page.items
    return bool(items) and isinstance(items[-1], Clicked) and id(items[-1]) in navigated


def _unique(title: str, taken: set[str]) -> str:
    candidate, number = title, 1
    while candidate in taken:
        number += 1
        candidate = f"{title} ({number})"
    taken.add(candidate)
    return candidate


# --- one step -------------------------------------------------------------------------------


def _step(page: _Page, segment: _Segment, navigated: set[int], inputs: Inputs, warnings: list[str],
          following: _Page | None, *, account_name: str) -> StepDraft:
    step = StepDraft(title=page.heading or page.title or "Page sans titre", heading=page.heading)
    if not page.heading:
        warnings.append(f"étape « {step.title} » : la page n'a pas de titre principal (h1) ; elle n'est pas vérifiée"
                        " avant d'être remplie.")
    until = following.heading if following is not None and following.heading else None
    if segment.manual is not None:
        step.manual = segment.manual
        step.until = None if segment.manual_ended else until
    latest: dict[tuple, Captured] = {}
    order: list[tuple] = []
    exit_click: Clicked | None = None
    for item in segment.items:
        if isinstance(item, Clicked):
            if id(item) in navigated:
                exit_click = item
                continue
            key = ("click", len(order))
        else:
            key = item.target.key
        if key not in latest:
            order.append(key)
        latest[key] = item
    kept = [latest[key] for key in order]
    reasons = {item.reason for item in kept if isinstance(item, SecretTouched)}
    dates = date_groups(kept)
    date_inputs: dict[str, str] = {}
    for item in kept:
        action = field_action(item, inputs, dates, date_inputs, account_name)
        if action is None:
            continue
        if action.target.problem:
            warnings.append(f"étape « {step.title} » : {_problem_text(action.target)}")
            action.notes.append("ATTENTION : " + _problem_text(action.target))
        step.fill.append(action)
    condition_revealed(step.fill, {item.target.key: item for item in kept if hasattr(item, "facts")}, inputs)
    tabs_that_only_show(step.fill, {item.target.key: item for item in kept if hasattr(item, "facts")}, inputs)
    gate = naming.click_gate(exit_click.target.text) if exit_click is not None else None
    if "card" in reasons or gate == "payment":
        step.gate = "payment"
        step.manual = PAYMENT_INSTRUCTION
        step.until = until
        step.notes.append("Paiement : toujours fait par l'usager ; les données de carte ne sont pas enregistrées.")
    elif "code" in reasons:
        step.manual = CODE_INSTRUCTION
        step.until = until
        step.notes.append("Code à usage unique : saisi à la main ; il n'est pas enregistré.")
    elif exit_click is not None:  # clicks made during a manual step were not recorded
        step.next = exit_click.target
        step.gate = gate
    return step


def _problem_text(target: Target) -> str:
    if target.problem == "ambigu":
        return (f"« {target.text} » désigne plusieurs éléments, même dans une section : repéré par CSS"
                f" ({target.css}), à vérifier.")
    return f"champ sans libellé, repéré par CSS ({target.css}) et nommé « {target.text} » : à vérifier."


