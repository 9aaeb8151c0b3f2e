"""Acting on a choice as a person does: ticking a radio, a checkbox, a toggle, a tab (DESIGN §4c).

On the official DSFR stylesheet the box of a radio or checkbox is drawn on its `<label>`, which
takes the pointer, and a card radio's `<input>` is 0×0: clicking the input waits in vain. The
engine clicks where a person would (dom.js `clickPoint`: the control itself when it is what is
under the pointer, else a plain point of its visible label); the state is read back with the
step's fields: a choice that did not take shows as a difference, and stops an unattended run.

The step's probe already computed that answer when it found the targets (locate.py `PROBE`), so
a choice usually costs one message, the click (ADR 0015). An earlier action of the step may have
changed the page since: the answer is used only when it cannot be stale in a way that matters,
else it is computed again (one more message), as it is when the click cannot be made where the
probe said.
"""

from __future__ import annotations

import itertools

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Frame, Locator

from autopilot.engine import dom
from autopilot.engine.failures import closed
from autopilot.errors import RunError

_tokens = itertools.count(1)
# by the mark's selector in a frame evaluate: one round trip (a Locator.evaluate is three)
_CLICK_POINT = dom.script("""(dom, [selector, token, on]) => {
  const el = document.querySelector(selector);
  return el ? dom.clickPoint(el, token, on) : null;
}""")
CLICK_MS = 5000  # a visible, enabled control takes a click at once; this only bounds a page that moves
# The probe's mark after an earlier action of the step: a page that drew the control or its label again
# (as frameworks do) dropped it, and Playwright waits for it the whole timeout before the answer is
# computed again. Bounded shorter: a second of a page that moves, then the fresh answer, which checks
# the state before clicking (a click that did land is not made twice).
STALE_MARK_MS = 1000
# Playwright's words when its check clicked and the state stayed: the click was made, the read-back tells
_DID_NOT_TAKE = "did not change its state"


def set_choice(frame: Frame, control: str, on: bool, name: str, step: str, probed: dict | None = None, *,
               fresh: bool = False) -> None:
    """Make the control `frame` marks with the selector `control` (radio, checkbox, toggle, tab, ARIA radio)
    on or off by clicking it as a person would; `probed` is the probe's answer for it, `fresh` when nothing
    was done on the page since."""
    if probed is not None and _as_probed(frame, probed, on, fresh):
        return
    token = f"c{next(_tokens)}"
    point = frame.evaluate(_CLICK_POINT, [control, token, on])  # one round trip: already so, or where to click
    if point is not None and point.get("done"):
        return
    if point is None:
        raise RunError(f"Étape « {step} » : « {name} » ne peut pas être cliqué : ni la case ni son libellé ne sont"
                       " visibles sous le pointeur.", "Vérifiez la page, puis « Reprendre ».", step=step)
    _marked(frame, token).click(position={"x": point["x"], "y": point["y"]}, timeout=CLICK_MS)
    # whether it took is read back with the step's other fields (runner: a difference shows, and stops
    # an unattended run): no extra round trip here


def _as_probed(frame: Frame, probed: dict, on: bool, fresh: bool) -> bool:
    """Set the choice from the probe's answer in at most one message; False when that answer may be stale
    (or its click could not be made): the caller computes it again."""
    if probed.get("done"):
        return fresh  # already so at the probe; since then an earlier action may have undone it
    if not (fresh or probed["plain"]):
        return False  # a link or button in the label: the page may have moved it under the probe's point
    target = _marked(frame, probed["token"])
    position = {"x": probed["x"], "y": probed["y"]}
    timeout = CLICK_MS if fresh else STALE_MARK_MS
    try:
        if probed["checkable"]:
            # Playwright reads the state right before clicking: an earlier action that ticked it already
            # (a « tout cocher ») is not undone by a click
            target.set_checked(on, position=position, timeout=timeout)
        else:
            target.click(position=position, timeout=timeout)  # a tab: clicking the selected one changes nothing
    except PlaywrightError as error:
        if closed(error):
            raise
        # clicked but the state stayed: as with the other path, the read-back shows it; anything else
        # (the marked element gone or covered, nothing clicked) is done again from a fresh answer
        return _DID_NOT_TAKE in str(error)
    return True


def _marked(frame: Frame, token: str) -> Locator:
    return frame.locator(f"[data-autopilot-click~='{token}']")
