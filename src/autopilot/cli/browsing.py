"""What every command that drives a teleservice needs: where the sites are (the real ones or a
sandbox, with the accounts' credentials) and a fresh browser window."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from autopilot import credentials
from autopilot.cli.environment import Environment
from autopilot.config import Config
from autopilot.engine.browser import BrowserSettings, launch
from autopilot.engine.origins import Origins
from autopilot.engine.runner import SecretSource
from autopilot.errors import UsageError


@dataclass(frozen=True)
class Sites:
    """Where the flows go, and how the accounts' credentials are found there."""

    origins: Origins
    secrets: SecretSource
    accounts: dict[str, dict[str, str]]


@contextlib.contextmanager
def origins(embedded: bool, url: str | None, env: Environment) -> Iterator[Origins]:
    """Where the sites are: the real ones, a sandbox already running at `url`, or one started here."""
    if not embedded and url is None:
        yield Origins()
        return
    if url is not None:
        port = urlsplit(url).port
        if port is None:
            raise UsageError(f"--sandbox-url {url} : le port manque.", "Par exemple http://localhost:8765/.")
        yield Origins(port)
        return
    from autopilot.sandbox import Sandbox

    with Sandbox() as server:
        env.say(f"Bac à sable démarré : {server.home_url}")
        yield Origins(server.port)


@contextlib.contextmanager
def sites(embedded: bool, url: str | None, env: Environment, *, demo_account: bool = False) -> Iterator[Sites]:
    """The real sites with this machine's accounts, or a sandbox.

    In the sandbox, the accounts configured on this machine are used when there are some
    (`autopilot account set`), else the sandbox's public demo account; the demo always
    uses the demo account, so it runs anywhere.
    """
    stored = Config.load().comptes
    if not embedded and url is None:
        yield Sites(Origins(), credentials.resolve, stored)
        return
    if stored and not demo_account:
        secrets, accounts = credentials.resolve, stored
        env.say("Bac à sable : connexion avec le compte enregistré sur ce poste.")
    else:
        secrets, accounts = sandbox_credentials()
    with origins(embedded, url, env) as where:
        yield Sites(where, secrets, accounts)


def sandbox_credentials() -> tuple[SecretSource, dict[str, dict[str, str]]]:
    """The sandbox's public demo account: no keyring needed, so the demo runs anywhere."""
    from autopilot.sandbox import DEMO_ACCOUNT

    secrets = {"ants.mot_de_passe": DEMO_ACCOUNT["mot_de_passe"]}
    return secrets.__getitem__, {"ants": {"identifiant": DEMO_ACCOUNT["identifiant"]}}


@dataclass(frozen=True)
class Window:
    """The browser the mediator sees: one context (nothing written to disk) and its page."""

    playwright: Playwright
    settings: BrowserSettings
    browser: Browser
    context: BrowserContext
    page: Page


@contextlib.contextmanager
def window(headless: bool, debugging_port: int | None) -> Iterator[Window]:
    """Launch the browser, open one fresh context and page; close everything on exit."""
    settings = BrowserSettings.from_environment(headless=headless, debugging_port=debugging_port)
    with sync_playwright() as playwright:
        browser = launch(playwright, settings)
        try:
            page = fresh_page(browser, headless)
            yield Window(playwright, settings, browser, page.context, page)
        finally:
            browser.close()


def fresh_page(browser: Browser, headless: bool) -> Page:
    """A page in a new browser context: in memory only, sharing nothing (cookies, history, cache,
    form data, downloads) with any other context; all of it goes when the context closes."""
    size = {"viewport": {"width": 1400, "height": 900}} if headless else {"no_viewport": True}
    return browser.new_context(locale="fr-FR", **size).new_page()
