"""A replica's anonymous visitor, told apart by a cookie of the replica's own (a basket, a search).

The real sites without an account (timbres, the exercises) keep a visitor's state behind a session
cookie; each replica names its own, so one browser's visits to two sites stay apart.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable
from typing import Any

from flask import Response, g, request


def current(cookie: str) -> str:
    """The visitor's id: their cookie, or a new one (`remembered` sets it), the same all the request long."""
    drawn: dict[str, str] = g.setdefault("visitors", {})
    if cookie not in drawn:
        drawn[cookie] = request.cookies.get(cookie) or secrets.token_urlsafe(16)
    return drawn[cookie]


def remembered(response: Any, visitor: str, cookie: str) -> Response:
    """The response, setting the visitor's cookie when the browser does not hold it yet."""
    response = response if isinstance(response, Response) else Response(response)
    if request.cookies.get(cookie) != visitor:
        response.set_cookie(cookie, visitor, path="/", httponly=True, samesite="Lax")
    return response


def remembering(cookie: str) -> Callable[[Callable[..., Any]], Callable[..., Response]]:
    """A view decorator: its response sets the visitor's cookie when the browser does not hold it yet."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Response]:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Response:
            return remembered(view(*args, **kwargs), current(cookie), cookie)

        return wrapped

    return decorate
