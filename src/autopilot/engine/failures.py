"""The one place where the browser library's failures become the project's errors (DESIGN §4c).

No Playwright exception class and no English Playwright text ever reaches the mediator: a
failure under a step is a French stop naming the step and what happened (the page crashed, an
element vanished, a load was aborted, the browser took too long), or « navigateur fermé »
when the window, the context or the browser is gone.
"""

from __future__ import annotations

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from autopilot.errors import BrowserClosed, BrowserFailure, RunError

HINT = "Rien n'a été cliqué de plus. Regardez où en est le site ; relancez la démarche si besoin."

# (words in Playwright's message, what the mediator reads); the first that matches wins
_KINDS = (
    (("page crashed", "target crashed", "renderer process", "crash"),
     "la page du navigateur s'est arrêtée brutalement (plantage de l'onglet)"),
    (("not attached to the dom", "element is detached", "detached from the dom", "frame was detached",
      "execution context was destroyed", "node is detached"),
     "un élément de la page a disparu pendant l'action (la page s'est modifiée)"),
    (("net::err_aborted", "navigation", "interrupted by another navigation", "frame got detached"),
     "le chargement de la page a été interrompu"),
)


def closed(error: BaseException) -> bool:
    """Whether a Playwright error means the page, context or browser is gone."""
    text = str(error)
    return "has been closed" in text or "Target closed" in text or "Browser closed" in text


def translate(error: PlaywrightError, step: str | None) -> RunError:
    """The project's error for a Playwright failure under `step` (French, no library text)."""
    where = f"Étape « {step} » : " if step else ""
    text = str(error).lower()
    if closed(error) and "crash" not in text:
        return BrowserClosed("La fenêtre du navigateur a été fermée : la démarche est interrompue.", step=step)
    for words, said in _KINDS:
        if any(word in text for word in words):
            return BrowserFailure(f"{where}{said}.", HINT, step=step)
    if isinstance(error, PlaywrightTimeout):
        return BrowserFailure(f"{where}le navigateur n'a pas pu agir sur la page à temps.", HINT, step=step)
    return BrowserFailure(f"{where}le navigateur a signalé une erreur inattendue.", HINT, step=step)
