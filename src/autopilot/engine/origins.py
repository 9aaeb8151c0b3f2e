"""Real URLs and where they are served: the real sites, or the sandbox (DESIGN §4.1).

In sandbox mode `https://passeport.ants.gouv.fr/x` is served at
`http://passeport.ants.gouv.fr.localhost:PORT/x`: same paths, hosts and cookies kept
apart, Chromium resolving every `*.localhost` name to the loopback address.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from playwright.sync_api import Frame

from autopilot.errors import RunError

SANDBOX_SUFFIX = ".localhost"


@dataclass(frozen=True)
class Origins:
    """Maps real URLs to the URLs the browser opens; `sandbox_port` None means the real sites."""

    sandbox_port: int | None = None

    @property
    def sandbox(self) -> bool:
        return self.sandbox_port is not None

    def local(self, real_url: str) -> str:
        """The URL to open for `real_url`."""
        if self.sandbox_port is None:
            return real_url
        parts = urlsplit(real_url)
        netloc = f"{parts.hostname}{SANDBOX_SUFFIX}:{self.sandbox_port}"
        return urlunsplit(("http", netloc, parts.path or "/", parts.query, parts.fragment))

    def real_host(self, url: str) -> str | None:
        """The real site's host name behind a URL the browser shows, or None if it is no site."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if self.sandbox_port is None:
            return host if parts.scheme == "https" else None
        if parts.port != self.sandbox_port or not host.endswith(SANDBOX_SUFFIX):
            return None
        return host[: -len(SANDBOX_SUFFIX)] or None

    def real_path(self, url: str) -> str:
        """The path and query of `url`, which are the same on the real site."""
        parts = urlsplit(url)
        return parts.path + (f"?{parts.query}" if parts.query else "")


def guard_secret(frame: Frame, origins: Origins, reference: str, hosts: Collection[str]) -> None:
    """Right before a secret is typed: the frame's real host must be one of its account's `hosts`.

    Defence in depth behind `flows check` (DESIGN §4d): a redirect, a framed page or a flow that
    escaped the check never receives the password. The URL is the browser's, not the page's word.
    """
    host = origins.real_host(frame.url)
    if host is None or host not in hosts:
        account = reference.split(".")[0]
        raise RunError(
            f"Le mot de passe du compte « {account} » n'est saisi que sur ses sites ({', '.join(hosts) or 'aucun'}) ;"
            f" la page affichée est sur {host or origins.real_path(frame.url) or 'une adresse inconnue'} :"
            " rien n'a été saisi.",
            "Vérifiez l'adresse de la page. Si le flow est en cause, faites-le vérifier (autopilot flows check).",
        )
