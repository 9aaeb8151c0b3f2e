"""Acting on a choice as a person does: ticking a radio, a checkbox, a toggle, a tab (DESIGN §4c).

On the official DSFR stylesheet the box of a radio or checkbox is drawn on its `<label>`, which
takes the pointer, and a card radio's `<input>` is 0×0: clicking the input waits in vain. The
engine clicks where a person would (dom.js `clickPoint`: the control itself when it is what is
under the pointer, else a plain point of its visible label); the state is read back with the
step's fields: a choice that did not take shows as a difference, and stops an unattended run.
"""

from __future__ import annotations

import itertools

from playwright.sync_api import Frame

from autopilot.engine import dom
from autopilot.errors import RunError

_tokens = itertools.count(1)
# by the mark's selector in a frame evaluate: one round trip (a Locator.evaluate is three)
_CLICK_POINT = dom.script("""(dom, [selector, token, on]) => {
  const el = document.querySelector(selector);
  return el ? dom.clickPoint(el, token, on) : null;
}""")
CLICK_MS = 5000  # a visible, enabled control takes a click at once; this only bounds a page that moves


def set_choice(frame: Frame, control: str, on: bool, name: str, step: str) -> None:
    """Make the control `frame` marks with the selector `control` (radio, checkbox, toggle, tab, ARIA radio)
    on or off by clicking it as a person would."""
    token = f"c{next(_tokens)}"
    point = frame.evaluate(_CLICK_POINT, [control, token, on])  # one round trip: already so, or where to click
    if point is not None and point.get("done"):
        return
    if point is None:
        raise RunError(f"Étape « {step} » : « {name} » ne peut pas être cliqué : ni la case ni son libellé ne sont"
                       " visibles sous le pointeur.", "Vérifiez la page, puis « Reprendre ».", step=step)
    frame.locator(f"[data-autopilot-click='{token}']").click(position=point, timeout=CLICK_MS)
    # whether it took is read back with the step's other fields (runner: a difference shows, and stops
    # an unattended run): no extra round trip here
