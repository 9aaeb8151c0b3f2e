"""The browser-side library (dom.js), composed into the scripts the engine runs in a page.

dom.js is the one definition of what a person sees: visibility, a label's own words and their
normalisation, what a control holds, where a choice is clicked, the site's errors, whether the
page has settled. Every script of the engine, the read-back, the page reading and the recorder
gets it from here.

Each document of the page the engine drives gets the library once, before its own scripts
(`installer`, given to the page by settling.py `prepare_page`), under a name drawn for this
process, as a property a page script can neither replace nor delete (ADR 0021), with the key of the
guard on a choice's click (`GUARD_KEY`, ADR 0020 addendum). A script run
with `run` or `run_all` sends only its own function and takes that library; in a document that
has not got it (a page never prepared, a document the init script did not reach), it says so,
and the whole script, library included, is sent instead: one more round trip there.
"""

from __future__ import annotations

import json
import secrets
from functools import cache
from importlib import resources
from typing import Any

from playwright.sync_api import Frame, Locator, Page

# drawn per process: a page script cannot define it before the library is given to its document
_NAME = f"__autopilot_{secrets.token_hex(8)}"
# drawn per process, given to each document's library by its init script and passed by the engine's scripts:
# what arms, lifts or reads the guard on a choice's click (dom.js `installGuard`, ADR 0020 addendum)
GUARD_KEY = secrets.token_hex(16)
_MISSING = "\u0000autopilot: no library"


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
def installer() -> str:
    """A script giving the document it runs in the library (dom.js and locate.js), once: a property that
    cannot be written, deleted or redefined; and the guard's key, with which its listeners come first."""
    name = json.dumps(_NAME)
    return (f"(() => {{ if (Object.prototype.hasOwnProperty.call(window, {name})) return;"
            f" const lib = {with_locate()}; Object.defineProperty(window, {name}, {{ value: lib }});"
            f" lib.installGuard({json.dumps(GUARD_KEY)}); }})();")


class Script(str):
    """A script for Playwright's evaluate: as a string, the whole of it, the library sent with it; `short`,
    the same function taking the library its document got (`run`)."""

    short: str


@cache
def script(function: str, *, locate: bool = False) -> Script:
    """`function`, a JS function `(dom, ...args) => …`, as one Playwright evaluate expression `(...args) => …`
    (`args` are what Playwright passes: the argument; or the element(s), then the argument)."""
    shared = with_locate() if locate else library()
    whole = Script(f"(...args) => ({function})({shared}, ...args)")
    whole.short = (f"(...args) => {{ const lib = window[{json.dumps(_NAME)}];"
                   f" return lib === undefined ? {json.dumps(_MISSING)} : ({function})(lib, ...args); }}")
    return whole


def run(target: Page | Frame, script: Script, arg: Any = None) -> Any:
    """`target.evaluate(script, arg)`, sending only the script's function where the document has the library."""
    result = target.evaluate(script.short, arg)
    return target.evaluate(script, arg) if result == _MISSING else result


def run_all(locator: Locator, script: Script, arg: Any = None) -> Any:
    """`locator.evaluate_all(script, arg)`, the same way."""
    result = locator.evaluate_all(script.short, arg)
    return locator.evaluate_all(script, arg) if result == _MISSING else result
