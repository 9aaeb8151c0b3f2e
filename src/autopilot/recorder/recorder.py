"""A recording session: the browser the author drives, the capture in every frame, the panel.

The context gets one binding and one init script (`_script`): `capture.js` in every frame,
given the engine's own `locate.js`, and `panel.js` in the top frame. The binding's callback
only appends to memory (it runs inside Playwright's dispatch and must not call Playwright);
the session's loop pushes the panel's new state and watches for the end: « Terminer
l'enregistrement » (the events are returned), « Annuler » or a closed window (None).

While the author does a manual step the page's events are dropped here as well as in the
page; the step ends with « Fin de l'étape manuelle » or when another page shows.
"""

from __future__ import annotations

import enum
from functools import cache
from importlib import resources
from itertools import count
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError

from autopilot.engine.locate import library_script
from autopilot.engine.navigation import open_page
from autopilot.engine.origins import Origins
from autopilot.engine.page_reading import closed
from autopilot.recorder.events import (
    Captured,
    ManualEnded,
    ManualMarked,
    PageShown,
    SecretTouched,
    Target,
    parse,
)

BINDING = "__autopilotRecorder"  # captured by the init script and removed from window
TICK_MS = 100
OPEN_TIMEOUT_S = 30.0

TEXTS = {
    "landmark": "Enregistrement autopilot",
    "brand": "autopilot — enregistrement d'une démarche",
    "live": "● Enregistrement en cours",
    "ended": "Enregistrement terminé",
    "help": "Faites la démarche comme pour un usager : chaque page est enregistrée. Les mots de passe, les codes"
            " reçus et les cartes bancaires ne sont jamais enregistrés.",
    "pagesTitle": "Pages enregistrées",
    "noPage": "Aucune page pour l'instant.",
    "warningsTitle": "À vérifier dans le fichier :",
    "finish": "Terminer l'enregistrement",
    "manual": "Ajouter une étape manuelle ici",
    "cancel": "Annuler",
    "cancelQuestion": "Abandonner l'enregistrement ? Aucun fichier ne sera écrit.",
    "cancelConfirm": "Abandonner l'enregistrement",
    "cancelBack": "Continuer l'enregistrement",
    "manualLabel": "Consigne pour le médiateur",
    "manualHelp": "Ce qu'il faudra faire à la main à cet endroit (un code reçu, un captcha…). Ce que vous ferez"
                  " ensuite sur cette page ne sera pas enregistré.",
    "manualSave": "Enregistrer l'étape manuelle",
    "manualBack": "Retour",
    "manualActive": "Étape manuelle : faites l'action à la main, rien n'est enregistré jusqu'à la page suivante"
                    " ou jusqu'à « Fin de l'étape manuelle ».",
    "manualEnd": "Fin de l'étape manuelle",
}
ENDING = "Écriture du flow… La fenêtre va se fermer."

_RENDER = """state => {
  const panel = window.__autopilotRecording;
  if (!panel) return false;
  panel.render(state);
  return true;
}"""


class Status(enum.Enum):
    RECORDING = "recording"
    FINISHED = "finished"
    CANCELLED = "cancelled"


@cache
def _script() -> str:
    files = resources.files("autopilot.recorder")
    capture = files.joinpath("capture.js").read_text(encoding="utf-8").strip()
    panel = files.joinpath("panel.js").read_text(encoding="utf-8").strip()
    return f"""(() => {{
  const send = window.{BINDING};
  try {{ delete window.{BINDING}; }} catch (error) {{ /* not configurable: nothing more to hide */ }}
  if (typeof send !== "function") return;
  const shared = {{ manual: false }};
  const capture = ({capture})({library_script().strip()}, send, shared);
  if (window.top === window) ({panel})(send, shared, capture.where);
}})();
"""


@cache
def _results_script() -> str:
    results = resources.files("autopilot.recorder").joinpath("results.js").read_text(encoding="utf-8").strip()
    return f"() => ({results})({library_script().strip()})"


def real_url(origins: Origins, url: str) -> str | None:
    """The real address behind what the browser shows (`http://HOST.localhost:PORT/x` → `https://HOST/x`)."""
    host = origins.real_host(url)
    return None if host is None else f"https://{host}{origins.real_path(url)}"


def _problem(target: Target) -> str | None:
    if target.problem == "sans-libelle":
        return f"« {target.text} » : champ sans libellé, repéré par CSS."
    if target.problem == "ambigu":
        return f"« {target.text} » : plusieurs éléments portent ce nom, repéré par CSS."
    return None


class Recorder:
    """Records what the author does in `page` until they end it from the panel."""

    def __init__(self, context: BrowserContext, page: Page, origins: Origins, *, title: str) -> None:
        self.page = page
        self.origins = origins
        self.title = title
        self.events: list[Captured] = []
        self.results: list[tuple[str, str]] = []  # what the last page showed, read at « Terminer »
        self.status = Status.RECORDING
        self._doc = ""  # the top document the page's last `page` message came from
        self._manual: tuple[str, str, str] | None = None  # (instruction, heading, path) while one is done by hand
        self._notes: list[str] = []
        self._seq = count(1)
        self._dirty = False
        context.expose_binding(BINDING, self._on_message)  # the binding first: the script captures it
        context.add_init_script(script=_script())
        context.on("page", self._on_new_tab)

    def record(self, start_url: str) -> list[Captured] | None:
        """Open `start_url` (a real address) and record; the events, or None if cancelled or closed."""
        try:
            open_page(self.page, self.origins, start_url, OPEN_TIMEOUT_S)
            while self.status is Status.RECORDING:
                if self._dirty:
                    self._push()
                self.page.wait_for_timeout(TICK_MS)  # Playwright runs the binding's callbacks meanwhile
        except PlaywrightError as error:
            if self.page.is_closed() or closed(error):
                return None
            raise
        if self.status is Status.FINISHED:
            self.results = self._read_results()
            self._push()
            return list(self.events)
        return None

    def _read_results(self) -> list[tuple[str, str]]:
        """The (label, value) pairs the page shows as the recording ends: outputs to offer."""
        try:
            found = self.page.evaluate(_results_script())
        except PlaywrightError as error:
            if self.page.is_closed() or closed(error):
                raise
            return []  # the page was being replaced: nothing to offer
        return [(str(label), str(value)) for label, value in found if isinstance(label, str) and isinstance(value, str)]

    # --- the panel -------------------------------------------------------------------------

    def _state(self) -> dict[str, Any]:
        pages: list[dict[str, Any]] = []
        heading = None
        for event in self.events:
            if event.heading != heading:
                heading = event.heading
                pages.append({"title": heading or "Page sans titre", "actions": 0})
            if not isinstance(event, PageShown):
                pages[-1]["actions"] += 1
        for page in pages:
            n = page.pop("actions")
            page["count"] = "— aucune action" if n == 0 else f"— {n} action" + ("s" if n > 1 else "")
        return {
            "seq": next(self._seq),
            "texts": TEXTS,
            "title": self.title,
            "pages": pages[-12:],
            "warnings": self._notes[-8:],
            "manual": self._manual[0] if self._manual else None,
            "ended": ENDING if self.status is Status.FINISHED else None,
        }

    def _push(self) -> None:
        self._dirty = False
        try:
            self.page.evaluate(_RENDER, self._state())
        except PlaywrightError as error:
            if self.page.is_closed() or closed(error):
                raise
            # the document is being replaced: the new one asks for its state itself (hello)

    def _on_new_tab(self, page: Page) -> None:
        self._notes.append("Un nouvel onglet a été ouvert : ce qui s'y fait n'est pas enregistré.")
        self._dirty = True

    # --- messages from the page (inside Playwright's dispatch: no Playwright calls) ----------

    def _on_message(self, source: dict[str, Any], message: Any) -> Any:
        if source.get("page") is not self.page or not isinstance(message, dict) or self.status is not Status.RECORDING:
            return None
        kind = message.get("type")
        top = source.get("frame") is self.page.main_frame
        if kind in ("hello", "finish", "cancel", "manual", "manual-end"):
            return self._on_panel(kind, message) if top else None
        doc = message.get("doc") if top and isinstance(message.get("doc"), str) else self._doc
        event = parse(message, doc)
        if event is None:
            return None
        if isinstance(event, PageShown):
            self._doc = doc
            if self._manual and (event.heading, urlsplit(event.url).path) != self._manual[1:]:
                self._manual = None  # the manual step led to another page: it is over
        elif self._manual:
            return None  # done by hand: not recorded
        self.events.append(event)
        note = _problem(event.target) if hasattr(event, "target") else None
        if isinstance(event, SecretTouched):
            note = f"« {event.target.text} » : valeur non enregistrée (" + {
                "password": "mot de passe", "code": "code à usage unique", "card": "carte bancaire"}[event.reason] + ")."
        if note and note not in self._notes:
            self._notes.append(note)
        self._dirty = True
        return None

    def _on_panel(self, kind: str, message: dict[str, Any]) -> Any:
        if kind == "finish":
            self.status = Status.FINISHED
        elif kind == "cancel":
            self.status = Status.CANCELLED
        elif kind == "manual" and isinstance(message.get("instruction"), str) and message["instruction"].strip():
            url, heading = str(message.get("url", "")), " ".join(str(message.get("heading", "")).split())
            self.events.append(ManualMarked(self._doc, url, heading, " ".join(message["instruction"].split())))
            self._manual = (self.events[-1].instruction, heading, urlsplit(url).path)
        elif kind == "manual-end" and self._manual:
            _, heading, _ = self._manual
            self.events.append(ManualEnded(self._doc, self._last_url(), heading))
            self._manual = None
        return self._state()

    def _last_url(self) -> str:
        return next((e.url for e in reversed(self.events) if e.url), "")
