"""A page of the tests' own, served at an origin by routes on the browser context, with the official
DSFR's files under /dsfr/; what it posts to /envoi is kept, as sent (JSON)."""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Route

from autopilot.sandbox.kit import dsfr


def serve(context: BrowserContext, origin: str, page: Callable[[str], bytes | str]) -> list[dict]:
    """Serve `page(path)` as HTML for every other path under `origin`; return the list of posted bodies."""
    posted: list[dict] = []
    official = dsfr.dist_dir()
    assert official is not None, "scripts/setup --test installs the official DSFR"

    def answer(route: Route) -> None:
        path = urlsplit(route.request.url).path
        if path == "/envoi":
            posted.append(json.loads(route.request.post_data or "{}"))
            route.fulfill(status=204)
        elif path.startswith("/dsfr/"):
            file = official / path.removeprefix("/dsfr/")
            kind = "text/css" if file.suffix == ".css" else "application/octet-stream"
            route.fulfill(status=200, headers={"content-type": kind}, body=file.read_bytes())
        else:
            route.fulfill(status=200, headers={"content-type": "text/html; charset=utf-8"}, body=page(path))

    context.route(f"{origin}/**", answer)
    return posted
