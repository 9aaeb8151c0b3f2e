"""Finding a step's targets on the page: each must match exactly one visible element.

Fields are found by the text of their label or legend (the hint inside a DSFR label is
not part of it), buttons and links by role and accessible name, headings by their exact
name. None or several matches is an error naming the target and the count: never guess,
never take the first (DESIGN §4.2). Elements of autopilot's own panel never count.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cache
from importlib import resources

from playwright.sync_api import Locator, Page

from autopilot.errors import TargetAmbiguous, TargetNotFound
from autopilot.flows.model import Click

_tokens = itertools.count(1)

KIND_WORDS = {"text": "champ", "check": "case à cocher", "upload": "champ de fichier", "choose": "choix"}


@cache
def _script() -> str:
    return resources.files("autopilot.engine").joinpath("locate.js").read_text(encoding="utf-8")


@dataclass(frozen=True)
class FieldTarget:
    """A field to find: `kind` is text, check, upload or choose (radio group or select)."""

    kind: str
    text: str
    within: str | None = None
    option: str | None = None  # for choose: the option text to pick

    @property
    def label(self) -> str:
        """The label as the mediator reads it, with its section: « Parent 1 — Nom de famille »."""
        return f"{self.within} — {self.text}" if self.within else self.text

    def describe(self) -> str:
        where = f" (dans « {self.within} »)" if self.within else ""
        return f"{KIND_WORDS[self.kind]} « {self.text} »{where}"


@dataclass(frozen=True)
class Found:
    """A resolved field: its locator and, for a choice, the option's."""

    target: FieldTarget
    locator: Locator
    option: Locator | None = None
    is_select: bool = False


def resolve_fields(page: Page, targets: list[FieldTarget], step: str) -> list[Found]:
    """Resolve every target at once; raise if any is missing or ambiguous (nothing is touched)."""
    if not targets:
        return []
    token = f"t{next(_tokens)}"
    specs = [{"kind": t.kind, "text": t.text, "within": t.within, "option": t.option} for t in targets]
    results = page.evaluate(_script(), [specs, token])
    missing: list[str] = []
    ambiguous: list[str] = []
    found: list[Found] = []
    for index, (target, result) in enumerate(zip(targets, results, strict=True)):
        if result["scopeCount"] != 1:
            problem = f"la zone « {target.within} » pour {target.describe()}"
            (missing if result["scopeCount"] == 0 else ambiguous).append(
                problem + ("" if result["scopeCount"] == 0 else f" : {result['scopeCount']} zones")
            )
            continue
        if result["count"] == 0:
            near = f" ; libellés proches : {', '.join('« ' + n + ' »' for n in result['near'])}" if result["near"] else ""
            missing.append(target.describe() + near)
            continue
        if result["count"] > 1:
            ambiguous.append(f"{target.describe()} : {result['count']} éléments correspondent")
            continue
        locator = page.locator(f"[data-autopilot-target='{token}-{index}']")
        option = None
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
                option = page.locator(f"[data-autopilot-target='{token}-{index}-option']")
        found.append(Found(target, locator, option, bool(result.get("select"))))
    if ambiguous:
        raise TargetAmbiguous(
            f"Étape « {step} » : plusieurs éléments pour " + " ; ".join(ambiguous) + ".",
            "La page a changé ou le libellé est trop général : précisez-le (ou « within ») dans le flow."
            " Rien n'a été rempli sur cette page.",
            step=step,
        )
    if missing:
        raise TargetNotFound(
            f"Étape « {step} » : introuvable sur la page : " + " ; ".join(missing) + ".",
            "Le site a peut-être changé : vérifiez la page et mettez le flow à jour."
            " Rien n'a été rempli sur cette page.",
            step=step,
        )
    return found


def resolve_click(page: Page, click: Click, step: str) -> Locator:
    """The one visible button or link a step clicks; raise if none or several."""
    if click.css:
        candidates = page.locator(click.css)
    elif click.button:
        candidates = page.get_by_role("button", name=click.button, exact=True)
    else:
        candidates = page.get_by_role("link", name=click.link, exact=True)
    token = f"t{next(_tokens)}"
    count = candidates.evaluate_all(
        """(els, token) => {
            const inPanel = (el) => { for (let n = el; n; n = n.parentNode || n.host)
                if (n.nodeType === 1 && n.hasAttribute('data-autopilot-panel')) return true; return false; };
            const shown = (el) => { const b = el.getBoundingClientRect(); const s = getComputedStyle(el);
                return b.width > 0 && b.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
            const mine = els.filter((el) => !inPanel(el) && shown(el));
            mine.forEach((el) => el.setAttribute('data-autopilot-target', token));
            return mine.length;
        }""",
        token,
    )
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
    return page.locator(f"[data-autopilot-target='{token}']")
