"""Acting on a choice as a person does: ticking a radio, a checkbox, a toggle, a tab (DESIGN §4c).

On the official DSFR stylesheet the box of a radio or checkbox is drawn on its `<label>`, which
takes the pointer, and a card radio's `<input>` is 0×0: clicking the input waits in vain. The
engine clicks where a person would (dom.js `clickPoint`: the control itself when it is what is
under the pointer, else a plain point of its visible label); the state is read back with the
step's fields: a choice that did not take shows as a difference, and stops an unattended run.

A radio or checkbox of the page's own document is clicked under the engine's guard (ADR 0020):
the script that finds where to click also arms it, and the click that follows is Playwright's
without its waits (the control holding still for two animation frames, a hit test in a script of
its own). The guard judges the press where it lands, as the page receives it, and stops it unless
it is on the choice, enabled and not yet so. The first action of a group has its point and its
guard from the step's probe (locate.py `PROBE`): one message, the click. A press the guard stopped
(something came over the choice, or it was disabled), or a click whose element the page drew
again, is made again with Playwright's checks, which wait for the choice to be clear. A tab, or a
choice in a frame, is clicked with Playwright's checks from the start.
"""

from __future__ import annotations

import itertools
import time

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Frame, Locator
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from autopilot.engine import dom
from autopilot.engine.failures import closed
from autopilot.errors import RunError

_tokens = itertools.count(1)
# by the mark's selector in a frame evaluate: one round trip (a Locator.evaluate is three)
_CLICK_POINT = dom.script("""(dom, [selector, token, on, key, arm]) => {
  const el = document.querySelector(selector);
  return el ? dom.clickPoint(el, token, on, key, arm) : null;
}""")
_WAS_STOPPED = dom.script("(dom, [token, key]) => dom.wasStopped(token, key)")
CLICK_MS = 5000  # a visible, enabled control takes a click at once; this only bounds a page that moves
# A guarded click follows its point by one round trip: its mark is there, unless the page drew the
# control or its label again meanwhile (as frameworks do); then the click is made with Playwright's
# checks from a fresh point, after at most this.
GUARDED_CLICK_MS = 1000
# The probe's guard lasts dom.js ARM_MS (2 s) without a press; its point is used within half of that.
PROBED_FOR_S = 1.0
# Playwright's words when its check clicked and the state stayed: the click was made, the read-back tells
_DID_NOT_TAKE = "did not change its state"


def set_choice(frame: Frame, control: str, on: bool, name: str, step: str, probed: dict | None = None, *,
               fresh: bool = False) -> None:
    """Make the control `frame` marks with the selector `control` (radio, checkbox, toggle, tab, ARIA radio)
    on or off by clicking it as a person would; `probed` is the probe's answer for it, `fresh` when nothing
    was done on the page since."""
    point = None
    if frame.parent_frame is None:
        if fresh and probed is not None and _recent(probed):
            point = probed  # the probe's: already so, or armed
        else:
            point = _point(frame, control, on, name, step, arm=True)  # one round trip: already so, or armed
        if point.get("done"):
            return
        if point["armed"]:
            outcome = _guarded_click(frame, point, on)
            if outcome == "done":
                return
            # made again with Playwright's checks: from a fresh point; when the press was stopped and no
            # point is clear now, where it was (the checks wait for it to be clear)
            again = _point(frame, control, on, name, step, arm=False, required=outcome == "gone")
            point = again or point
    if point is None:
        point = _point(frame, control, on, name, step, arm=False)
    if point.get("done"):
        return
    try:
        _checked_click(frame, point, on)
    except PlaywrightTimeout:
        _point(frame, control, on, name, step, arm=False)  # says so when nothing of it can be clicked any more
        raise


def _checked_click(frame: Frame, point: dict, on: bool) -> None:
    """Click where `point` says with Playwright's checks: the choice holds still and nothing covers it."""
    target = _marked(frame, point["token"])
    position = {"x": point["x"], "y": point["y"]}
    try:
        if point["checkable"]:
            # Playwright reads the state right before clicking: one the page set meanwhile is not undone
            target.set_checked(on, position=position, timeout=CLICK_MS)
        else:
            target.click(position=position, timeout=CLICK_MS)  # a tab: clicking the selected one changes nothing
    except PlaywrightError as error:
        if closed(error) or _DID_NOT_TAKE not in str(error):
            raise
        # clicked, and the page kept its state: the read-back shows it, the click is not made again


def _recent(probed: dict) -> bool:
    """Whether the probe's answer comes with a guard still armed (an answer without a point has none)."""
    return bool(probed.get("done")) or (bool(probed.get("armed")) and time.monotonic() - probed["at"] < PROBED_FOR_S)


def _point(frame: Frame, control: str, on: bool, name: str, step: str, *, arm: bool,
           required: bool = True) -> dict | None:
    """dom.js clickPoint for the control, with its token: already so, or where to click (armed if `arm`);
    when no point of it can be clicked, None, or (`required`) the mediator is told."""
    token = f"c{next(_tokens)}"
    point = dom.run(frame, _CLICK_POINT, [control, token, on, dom.GUARD_KEY, arm])
    if point is None and required:
        raise RunError(f"Étape « {step} » : « {name} » ne peut pas être cliqué : ni la case ni son libellé ne sont"
                       " visibles sous le pointeur.", "Vérifiez la page, puis « Reprendre ».", step=step)
    return None if point is None else {**point, "token": token}


def _guarded_click(frame: Frame, point: dict, on: bool) -> str:
    """Click where `point` says, under its guard: "done", or "stopped" (the guard stopped the press: something
    else was there) or "gone" (the marked element is gone), to be made again with Playwright's checks."""
    try:
        # Playwright reads the state before and after; `force` leaves the hit test to the guard
        _marked(frame, point["token"]).set_checked(on, position={"x": point["x"], "y": point["y"]}, force=True,
                                                   timeout=GUARDED_CLICK_MS)
    except PlaywrightError as error:
        if closed(error):
            raise
        if _DID_NOT_TAKE in str(error):
            # the press was made: stopped by the guard, or taken by the page which kept its state (the
            # read-back shows it; a person's click is not repeated)
            return "stopped" if dom.run(frame, _WAS_STOPPED, [point["token"], dom.GUARD_KEY]) else "done"
        return "gone"
    return "done"


def _marked(frame: Frame, token: str) -> Locator:
    return frame.locator(f"[data-autopilot-click~='{token}']")
