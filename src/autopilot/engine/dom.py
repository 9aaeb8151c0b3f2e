"""The browser-side library (dom.js), composed into the scripts the engine runs in a page.

dom.js is the one definition of what a person sees: visibility, a label's own words and their
normalisation, what a control holds, where a choice is clicked, the site's errors, whether the
page has settled. Every script of the engine, the read-back, the page reading and the recorder
gets it from here, freshly evaluated (a page script cannot have replaced it beforehand).
"""

from __future__ import annotations

from functools import cache
from importlib import resources


def _read(name: str) -> str:
    return resources.files("autopilot.engine").joinpath(name).read_text(encoding="utf-8").strip()


@cache
def library() -> str:
    """dom.js: one expression, the frozen object of shared functions."""
    return _read("dom.js")


@cache
def with_locate() -> str:
    """One expression: dom.js's functions and locate.js's (`locate`, `GROUPS`, `FIELD_SELECTORS`) in one object."""
    return f"(() => {{ const dom = {library()}; return Object.freeze({{ ...dom, ...({_read('locate.js')})(dom) }}); }})()"


@cache
def script(function: str, *, locate: bool = False) -> str:
    """`function`, a JS function `(dom, ...args) => …`, as one Playwright evaluate expression `(...args) => …`
    (`args` are what Playwright passes: the argument; or the element(s), then the argument)."""
    shared = with_locate() if locate else library()
    return f"(...args) => ({function})({shared}, ...args)"
