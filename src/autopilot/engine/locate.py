"""Finding a step's targets on the page: each must match exactly one visible element.

Fields are found by the text of their label or legend (the hint inside a DSFR label is
not part of it), buttons and links by role and accessible name, headings by their exact
name. None or several matches is an error naming the target and the count: never guess,
never take the first (DESIGN §4.2). Elements of autopilot's own panel never count.

The page is its main document and the frames of the same origin (a form embedded from the
site itself): the mediator sees one page, so a target is counted across all of them and must
still be unique. Frames of another origin (a payment provider, a captcha) are never searched:
autopilot does not fill them (ADR 0005).
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Frame, Locator, Page

from autopilot.engine import dom
from autopilot.errors import TargetAmbiguous, TargetNotFound
from autopilot.flows.fill import Click

_tokens = itertools.count(1)

KIND_WORDS = {"text": "champ", "check": "case à cocher", "upload": "champ de fichier", "choose": "choix"}


def library_script() -> str:
    """dom.js + locate.js: one expression, the object of naming and locating functions (shared with the recorder)."""
    return dom.with_locate()


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, parts.hostname or "", parts.port


def same_origin_frames(page: Page) -> list[Frame]:
    """The main frame, then every frame showing a document of the same origin (inline ones included)."""
    main = _origin(page.main_frame.url)
    found = [page.main_frame]
    for frame in found:  # grows while it is walked: children after their parent
        for child in frame.child_frames:
            if not child.is_detached() and (_origin(child.url) == main or child.url in ("about:blank", "about:srcdoc")):
                found.append(child)
    return found


def _in_frame(frame: Frame, page: Page, run: Any, default: Any) -> Any:
    """`run(frame)`; a child frame that goes away meanwhile simply holds nothing."""
    try:
        return run(frame)
    except PlaywrightError:
        if frame is page.main_frame:
            raise
        return default


@dataclass(frozen=True)
class FieldTarget:
    """A field to find: `kind` is text, check, upload or choose (radio group or select)."""

    kind: str
    text: str
    within: str | None = None
    option: str | None = None  # for choose: the option text to pick
    css: str | None = None  # a recorded fallback for a field with no label; `text` then only names it
    on: bool | None = None  # a choice the step ticks (True) or unticks: the probe may say where to click it

    @property
    def label(self) -> str:
        """The label as the mediator reads it, with its section: « Parent 1 — Nom de famille »."""
        return f"{self.within} — {self.text}" if self.within else self.text

    def describe(self) -> str:
        where = f" (dans « {self.within} »)" if self.within else ""
        css = f" (repère CSS « {self.css} »)" if self.css else ""
        return f"{KIND_WORDS[self.kind]} « {self.text} »{css}{where}"


@dataclass(frozen=True)
class Found:
    """A resolved field: its locator and, for a choice, the option's."""

    target: FieldTarget
    locator: Locator
    option: Locator | None = None
    is_select: bool = False
    frame: Frame | None = None  # where it is (the page's main frame or a same-origin iframe)
    selector: str = ""  # the mark that finds it again in that frame
    input_type: str = ""  # "text", "password", "select"…: known without another round trip
    options: tuple[str, ...] = ()  # a select's or radio group's option texts, as shown
    option_selector: str = ""  # the mark that finds a radio-like choice's option in `frame`
    click: dict | None = None  # the probe's dom.clickPoint for the first choice, with its token and when (acting.py)


# A step's targets in one round trip per frame: its fields located and marked (locate.js), and the
# elements matching its one click filtered and marked: the button or link `click` names, found by
# dom.named, or (when that is not sure, or the click is a CSS selector) `els`, what Playwright's
# selector matched. A click count of null asks for the second way (ADR 0018). With the guard's `key`
# (`Probe.arm`), when the step's first action is a radio-like choice or checkbox (`on`) of the page's
# own document and every field is there once, it also gets where a person clicks it, guarded
# (dom.clickPoint, marked <token>-0-click): acting.py then sends only the click (ADR 0020).
PROBE = """(dom, els, [specs, token, clickToken, click, key]) => {
  const fields = specs.length ? dom.locate([specs, token]) : [];
  const first = specs[0];
  const once = (field, spec) => field.count === 1 && (spec.kind !== "choose" || field.optionCount === 1);
  if (key && window.top === window && first && typeof first.on === "boolean" && !fields[0].select
      && fields.every((field, index) => once(field, specs[index]))) {
    const marked = document.querySelectorAll(`[data-autopilot-target='${token}-0${first.kind === "choose" ? "-option" : ""}']`);
    const mark = `${token}-0-click`;
    const answer = marked.length === 1 ? dom.clickPoint(marked[0], mark, first.on, key, true) : null;
    if (answer) fields[0].click = { ...answer, token: mark };
  }
  const matched = click ? dom.named(document, click.role, click.name) : els;
  if (matched === null) return [fields, null];
  const mine = matched.filter((el) => !dom.inPanel(el) && dom.shown(el));
  mine.forEach((el) => el.setAttribute('data-autopilot-target', clickToken));
  return [fields, mine.length];
}"""
_PROBE_ALL = dom.script(PROBE, locate=True)
_PROBE_FIELDS = dom.script(f"(lib, arg) => ({PROBE})(lib, [], arg)", locate=True)


class Probe:
    """What a step looks for at once: fields (`targets`) and at most one click, each frame asked once.

    The main frame's answer may come from a round trip that also does something else (settling.py's
    look at the page, which probes it once it is settled): `PROBE`, `arg`, `by_selector` and
    `candidates` let it. A button or link is found by its name in the page's own script; only when
    that is not sure (or the click is a CSS selector) does Playwright's selector decide, in a second
    round trip: its first use in a document costs the page a script of its own (ADR 0018)."""

    def __init__(self, targets: list[FieldTarget], click: Click | None = None, *, arm: bool = False) -> None:
        self.targets = targets
        self.click = click
        self.arm = arm  # the first action follows at once: its choice, if one, gets a guarded point (PROBE)
        self.token = f"t{next(_tokens)}"
        self.click_token = f"t{next(_tokens)}"

    @property
    def by_selector(self) -> bool:
        """Whether the click is found by Playwright's selector from the start (a CSS selector)."""
        return self.click is not None and bool(self.click.css)

    @property
    def arg(self) -> list:
        """The argument of the probe's script."""
        return self._arg(named=not self.by_selector)

    def _arg(self, *, named: bool) -> list:
        specs = [{"kind": t.kind, "text": t.text, "within": t.within, "option": t.option, "css": t.css, "on": t.on}
                 for t in self.targets]
        click = None
        if named and self.click is not None:
            click = {"role": "button", "name": self.click.button} if self.click.button else {
                "role": "link", "name": self.click.link}
        return [specs, self.token, self.click_token, click, dom.GUARD_KEY if self.arm else None]

    def candidates(self, frame: Frame) -> Locator | None:
        """The elements the click's selector matches in `frame` (filtered in the page), if any click."""
        return None if self.click is None else _click_candidates(frame, self.click)

    def ask(self, frame: Frame, page: Page, answer: list | None = None) -> list:
        """[field results, click count] for `frame` (`answer`: the page's own, already had); a child frame
        going away meanwhile holds nothing."""
        empty = [[_EMPTY for _ in self.targets], 0]
        if answer is None and not self.by_selector:
            answer = _in_frame(frame, page, lambda f: dom.run(f, _PROBE_FIELDS, self.arg), empty)
        if answer is not None and answer[1] is not None:
            return answer
        candidates = self.candidates(frame)
        arg = self._arg(named=False)
        return _in_frame(frame, page, lambda f: dom.run_all(candidates, _PROBE_ALL, arg), empty)

    def run(self, page: Page, main: list | None = None) -> ProbeResult:
        """Ask every same-origin frame (the main one unless its answer `main` is given)."""
        answers = [(frame, self.ask(frame, page, main if frame is page.main_frame else None))
                   for frame in same_origin_frames(page)]
        return ProbeResult(self, answers)


_EMPTY = {"count": 0, "near": [], "options": [], "scopeCount": 0, "optionCount": None}


@dataclass(frozen=True)
class Marked:
    """An element the probe found and marked: its frame and the selector that finds it there again."""

    frame: Frame
    selector: str

    @property
    def locator(self) -> Locator:
        return self.frame.locator(self.selector)


@dataclass(frozen=True)
class ProbeResult:
    """Every frame's answer to a probe; `fields` and `click` raise as resolve_fields and resolve_click do."""

    probe: Probe
    answers: list[tuple[Frame, list]]

    def fields(self, step: str, *, revealed: bool = False) -> list[Found]:
        return _found(self.probe.targets, [(f, a[0]) for f, a in self.answers], self.probe.token, step, revealed)

    def click(self, step: str) -> Marked:
        return _clicked(self.probe.click, [(f, a[1]) for f, a in self.answers], self.probe.click_token, step)


def resolve_fields(page: Page, targets: list[FieldTarget], step: str, *, revealed: bool = False,
                   arm: bool = False) -> list[Found]:
    """Resolve every target at once; raise if any is missing or ambiguous (nothing is touched).

    `revealed`: these targets were looked for after the step's earlier actions were done, so
    the error says that those are filled (ADR 0005). `arm`: the first of them is acted on at once
    (PROBE).
    """
    if not targets:
        return []
    return Probe(targets, arm=arm).run(page).fields(step, revealed=revealed)


def _stamped(click: dict | None) -> dict | None:
    """The probe's click point with when it came: its guard lasts a bounded time (acting.py)."""
    return None if click is None else {**click, "at": time.monotonic()}


def _found(targets: list[FieldTarget], per_frame: list[tuple[Frame, list]], token: str, step: str,
           revealed: bool) -> list[Found]:
    """The Found of each target from every frame's locate results; raise if any is missing or ambiguous."""
    missing: list[str] = []
    ambiguous: list[str] = []
    found: list[Found] = []
    for index, target in enumerate(targets):
        # per frame, only where the zone (`within`, else the whole document) was found once
        scoped = [(frame, results[index]) for frame, results in per_frame if results[index]["scopeCount"] == 1]
        zones = sum(results[index]["scopeCount"] for _, results in per_frame) if target.within else 1
        count = sum(result["count"] for _, result in scoped)
        if zones != 1:
            problem = f"la zone « {target.within} » pour {target.describe()}"
            (missing if zones == 0 else ambiguous).append(problem + ("" if zones == 0 else f" : {zones} zones"))
            continue
        if count == 0:
            near = list(dict.fromkeys(name for _, result in scoped for name in result["near"]))[:5]
            missing.append(target.describe() + (f" ; libellés proches : {', '.join('« ' + n + ' »' for n in near)}"
                                                if near else ""))
            continue
        if count > 1:
            ambiguous.append(f"{target.describe()} : {count} éléments correspondent")
            continue
        frame, result = next((f, r) for f, r in scoped if r["count"] == 1)
        selector = f"[data-autopilot-target='{token}-{index}']"
        locator = frame.locator(selector)
        option, option_selector = None, ""
        if target.kind == "choose":
            if result["optionCount"] != 1:
                listed = ", ".join("« " + o + " »" for o in result["options"] if o)
                problem = f"option « {target.option} » de {target.describe()}"
                if result["optionCount"] == 0:
                    missing.append(f"{problem} ; options sur la page : {listed}")
                else:
                    ambiguous.append(f"{problem} : {result['optionCount']} options correspondent")
                continue
            if not result.get("select"):
                option_selector = f"[data-autopilot-target='{token}-{index}-option']"
                option = frame.locator(option_selector)
        found.append(Found(target, locator, option, bool(result.get("select")), frame, selector,
                           result.get("inputType", ""), tuple(result.get("options", ())), option_selector,
                           _stamped(result.get("click"))))
    done = (" Les champs qui le précèdent sur cette page sont remplis ; rien n'a été envoyé." if revealed
            else " Rien n'a été rempli sur cette page.")
    if ambiguous:
        raise TargetAmbiguous(
            f"Étape « {step} » : plusieurs éléments pour " + " ; ".join(ambiguous) + ".",
            "La page a changé ou le libellé est trop général : précisez-le (ou « within ») dans le flow." + done,
            step=step,
        )
    if missing:
        raise TargetNotFound(
            f"Étape « {step} » : introuvable sur la page : " + " ; ".join(missing) + ".",
            "Le site a peut-être changé : vérifiez la page et mettez le flow à jour." + done,
            step=step,
        )
    return found




def _click_candidates(frame: Frame, click: Click) -> Locator:
    if click.css:
        return frame.locator(click.css)
    if click.button:
        return frame.get_by_role("button", name=click.button, exact=True)
    return frame.get_by_role("link", name=click.link, exact=True)


def resolve_click(page: Page, click: Click, step: str) -> Marked:
    """The one visible button or link a step clicks; raise if none or several."""
    return Probe([], click).run(page).click(step)


def _clicked(click: Click, per_frame: list[tuple[Frame, int]], token: str, step: str) -> Marked:
    """The one element marked for `click` across the frames; raise if none or several."""
    count = sum(here for _, here in per_frame)
    holder = next((frame for frame, here in per_frame if here), per_frame[0][0])
    if count == 0:
        raise TargetNotFound(
            f"Étape « {step} » : {click.description} introuvable sur la page.",
            "Le site a peut-être changé : vérifiez la page et mettez le flow à jour.",
            step=step,
        )
    if count > 1:
        raise TargetAmbiguous(
            f"Étape « {step} » : {click.description} : {count} éléments correspondent.",
            "Précisez le nom du bouton ou du lien dans le flow.",
            step=step,
        )
    return Marked(holder, f"[data-autopilot-target='{token}']")
