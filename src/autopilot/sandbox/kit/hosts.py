"""Host mapping: the real origin `https://HOST` is served at `http://HOST.localhost:PORT`.

Chromium resolves every `*.localhost` name to loopback, so one local server can answer for every
replicated site, keeping the real hosts, paths and cookie scopes (DESIGN §4.1). `HostRewrite`
strips `.localhost:PORT` from the Host header before Flask sees it, so the application routes on
the real host names (`host_matching`) and never thinks about ports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from flask import request

CONTROL_HOST = "localhost"
LOCAL_SUFFIX = ".localhost"
_ENV_PORT = "autopilot.sandbox.port"
_ENV_LOCAL = "autopilot.sandbox.local"


def split_host(raw_host: str) -> tuple[str, str, bool]:
    """`"passeport.ants.gouv.fr.localhost:8000"` -> `("passeport.ants.gouv.fr", "8000", True)`.

    The boolean says whether the name carried the `.localhost` suffix. `127.0.0.1` and
    `localhost` both name the control host.
    """
    host, port = raw_host.strip().lower(), ""
    if host.count(":") == 1:  # IPv6 literals are not served
        host, port = host.split(":")
    if host in (CONTROL_HOST, "127.0.0.1"):
        return CONTROL_HOST, port, True
    if host.endswith(LOCAL_SUFFIX):
        return host[: -len(LOCAL_SUFFIX)], port, True
    return host, port, False


class HostRewrite:
    """WSGI middleware: replace the local Host header by the real host name."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]):
        real, port, local = split_host(environ.get("HTTP_HOST") or environ.get("SERVER_NAME", ""))
        environ["HTTP_HOST"] = real
        environ[_ENV_PORT] = port or str(environ.get("SERVER_PORT", ""))
        environ[_ENV_LOCAL] = local
        return self.app(environ, start_response)


def real_host() -> str:
    """The real host name the current request is for (`ants.gouv.fr`, `localhost`…)."""
    return request.host


def local_origin(host: str) -> str:
    """The local origin serving `host`, on the port of the current request."""
    port = request.environ.get(_ENV_PORT, "")
    name = host if host == CONTROL_HOST or not request.environ.get(_ENV_LOCAL) else host + LOCAL_SUFFIX
    return f"http://{name}:{port}" if port else f"http://{name}"


def local_url(host: str, path: str = "/") -> str:
    """Absolute local URL of `path` on the real `host` (for links and redirects across hosts)."""
    return local_origin(host) + path


def cookie_domain(domain: str) -> str:
    """The Domain attribute that scopes a cookie to `domain` and its subdomains, locally."""
    return domain + LOCAL_SUFFIX if request.environ.get(_ENV_LOCAL) else domain


def to_local(real_url: str, port: int) -> str:
    """`https://passeport.ants.gouv.fr/x?y=1` -> `http://passeport.ants.gouv.fr.localhost:PORT/x?y=1`."""
    parts = urlsplit(real_url)
    if not parts.hostname:
        raise ValueError(f"not an absolute URL: {real_url!r}")
    return urlunsplit(
        ("http", f"{parts.hostname}{LOCAL_SUFFIX}:{port}", parts.path or "/", parts.query, parts.fragment)
    )


def same_server_target(url: str) -> tuple[str, str] | None:
    """For a URL this server answers, `(real host, path?query)`; None for anything else.

    A bare path counts as the current host; a real URL (`https://passeport.ants.gouv.fr/x`)
    counts as the site it names; a local URL must be on this port. The caller still decides
    which hosts it accepts (`next=` only honours ants.gouv.fr and its subdomains).
    """
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    if not parts.scheme and not parts.netloc:
        return (real_host(), target) if url.startswith("/") and not url.startswith("//") else None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    try:
        port = str(parts.port or "")
    except ValueError:
        return None
    real, _, local = split_host(parts.hostname)
    if parts.username is not None or (local and port != request.environ.get(_ENV_PORT, "")):
        return None  # a real URL (no .localhost) names a replicated site whatever its port
    return real, target or "/"
