"""Acting on a choice as a person does: ticking a radio, a checkbox, a toggle, a tab (DESIGN §4c).

On the official DSFR stylesheet the box of a radio or checkbox is drawn on its `<label>`, which
takes the pointer, and a card radio's `<input>` is 0×0: clicking the input waits in vain. The
engine clicks where a person would (dom.js `clickPoint`: the control itself when it is what is
under the pointer, else a plain point of its visible label), then reads the state back; a
choice that did not take is a stop, never a silent pass.
"""

from __future__ import annotations

import itertools

from playwright.sync_api import Frame, Locator

from autopilot.engine import dom
from autopilot.errors import RunError

_tokens = itertools.count(1)
_IS_ON = dom.script("(dom, el) => dom.isOn(el)")
_CLICK_POINT = dom.script("(dom, el, token) => dom.clickPoint(el, token)")
CLICK_MS = 5000  # a visible, enabled control takes a click at once; this only bounds a page that moves


def set_choice(frame: Frame, control: Locator, on: bool, name: str, step: str) -> None:
    """Make `control` (radio, checkbox, toggle, tab, ARIA radio) on or off by clicking it as a person would."""
    if bool(control.evaluate(_IS_ON)) == on:
        return
    token = f"c{next(_tokens)}"
    point = control.evaluate(_CLICK_POINT, token)
    if point is None:
        raise RunError(f"Étape « {step} » : « {name} » ne peut pas être cliqué : ni la case ni son libellé ne sont"
                       " visibles sous le pointeur.", "Vérifiez la page, puis « Reprendre ».", step=step)
    frame.locator(f"[data-autopilot-click='{token}']").click(position=point, timeout=CLICK_MS)
    if bool(control.evaluate(_IS_ON)) != on:
        state = "coché" if on else "décoché"
        raise RunError(f"Étape « {step} » : « {name} » n'a pas pu être {state} : la page n'a pas pris le clic.",
                       "Faites-le à la main sur la page, puis « Reprendre ».", step=step)
