"""What every request and answer of the console goes through: its own origin only, no trace left."""

from __future__ import annotations

from flask import Response, abort, request

# The console's pages: only its own scripts, styles and images; a data: image (the reading's crops).
PAGE_POLICY = "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'self'; base-uri 'none'"


def same_origin(origin: str) -> None:
    """Refuse a request for another host (DNS rebinding) and a post from another origin."""
    if request.host != origin.split("://", 1)[1]:
        abort(404)
    if request.method == "POST" and request.headers.get("Origin", origin) != origin:
        abort(403)


def no_trace(response: Response) -> Response:
    """Nothing cached nor sniffed; a site's file never runs as the console."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "same-origin"  # "no-referrer" would make the Origin of our posts "null"
    response.headers["X-Content-Type-Options"] = "nosniff"
    if request.endpoint == "console.download" and response.mimetype != "application/pdf":
        response.headers["Content-Security-Policy"] = "sandbox"  # a site's file never runs as the console
    elif response.mimetype == "text/html":  # not on the PDF: Chrome's viewer would be refused
        response.headers["Content-Security-Policy"] = PAGE_POLICY
    return response
