"""A replica's anonymous visitor, told apart by a cookie of the replica's own (a basket, a search).

The real sites without an account (timbres, the exercises) keep a visitor's state behind a session
cookie; each replica names its own, so one browser's visits to two sites stay apart.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import Response, request


def current(cookie: str) -> str:
    """The visitor's id: their cookie, or a new one (`remembered` sets it)."""
    return request.cookies.get(cookie) or secrets.token_urlsafe(16)


def remembered(response: Any, visitor: str, cookie: str) -> Response:
    """The response, setting the visitor's cookie when the browser does not hold it yet."""
    response = response if isinstance(response, Response) else Response(response)
    if request.cookies.get(cookie) != visitor:
        response.set_cookie(cookie, visitor, path="/", httponly=True, samesite="Lax")
    return response
