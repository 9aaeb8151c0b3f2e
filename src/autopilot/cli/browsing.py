"""What every command that drives a teleservice needs: where the sites are (the real ones or a
sandbox, with the accounts' credentials) and a fresh browser window.

Real credentials never go to a sandbox (DESIGN §4d): a sandbox run types the sandbox's public demo
account, or an account stored on this machine under a sandbox name (`autopilot account set
sandbox:ants`), never the real `ants` one; a sandbox running elsewhere proves itself first
(`sandbox_address`)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from autopilot import credentials
from autopilot.cli import sandbox_address
from autopilot.cli.environment import Environment
from autopilot.config import config_path
from autopilot.engine.browser import BrowserSettings, fill_screen, launch
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
        port, token = sandbox_address.parse(url)
        sandbox_address.prove(port, token)
        yield Origins(port)
        return
    from autopilot.sandbox import Sandbox

    with Sandbox() as server:
        env.say(f"Bac à sable démarré : {server.home_url}")
        yield Origins(server.port)


@contextlib.contextmanager
def sites(embedded: bool, url: str | None, env: Environment, *, demo_account: bool = False) -> Iterator[Sites]:
    """The real sites with this machine's accounts, or a sandbox with the sandbox's accounts.

    In a sandbox, an account stored under a sandbox name (`sandbox:ants`) is used when there is
    one, else the sandbox's public demo account; the demo always uses the demo account, so it
    runs anywhere. The real accounts are never read there.
    """
    stored = env.config.comptes
    if not embedded and url is None:
        yield Sites(Origins(), credentials.resolve, {name: s for name, s in stored.items() if not is_sandbox_name(name)})
        return
    with origins(embedded, url, env) as where:  # an external sandbox proves itself before anything is read
        own = {} if demo_account else {name.removeprefix(SANDBOX_PREFIX): settings for name, settings in stored.items()
                                       if is_sandbox_name(name)}
        for name in own:
            env.say(f"Bac à sable : connexion avec le compte de bac à sable « {SANDBOX_PREFIX}{name} » de ce poste.")
        if not own:
            env.say("Bac à sable : connexion avec le compte de démonstration du bac à sable.")
        yield Sites(where, *sandbox_accounts(own))


SANDBOX_PREFIX = "sandbox:"
"""Accounts stored for a sandbox (`autopilot account set sandbox:ants`): keyring `autopilot:sandbox:ants`."""


def is_sandbox_name(name: str) -> bool:
    """Whether a stored account is a sandbox one (`sandbox:ants`)."""
    return name.startswith(SANDBOX_PREFIX)


def sandbox_accounts(own: dict[str, dict[str, str]]) -> tuple[SecretSource, dict[str, dict[str, str]]]:
    """The sandbox accounts stored on this machine (`own`, by account name), the demo account for the rest."""
    demo_secrets, demo = sandbox_credentials()

    def secret(reference: str) -> str:
        account, _, key = reference.partition(".")
        if account in own:
            return credentials.resolve(f"{SANDBOX_PREFIX}{account}.{key}")
        return demo_secrets(reference)

    return secret, {**demo, **own}


def sandbox_credentials() -> tuple[SecretSource, dict[str, dict[str, str]]]:
    """The sandbox's public demo account: no keyring needed, so the demo runs anywhere."""
    from autopilot.sandbox import DEMO_ACCOUNT

    secrets = {"ants.mot_de_passe": DEMO_ACCOUNT["mot_de_passe"]}
    return secrets.__getitem__, {"ants": {"identifiant": DEMO_ACCOUNT["identifiant"]}}


def check_browser(headless: bool, debugging_port: int | None, *, sandboxed: bool, approve_all: bool | None,
                  env: Environment) -> None:
    """Refuse, before anything starts, a window nobody could use and a debugging port on the real sites.

    `approve_all` None: the command has no such option (the console). The debugging port lets any
    program of this machine read and drive the browser (DESIGN §4d): free on a sandbox, on the real
    sites only when the settings file says `port_de_debogage: autorise`, and then announced.
    """
    if headless and not approve_all and debugging_port is None:
        if approve_all is None:
            raise UsageError("--headless : la console s'affiche dans la fenêtre du navigateur ; sans fenêtre,"
                             " personne ne peut s'en servir.", "Retirez --headless.")
        raise UsageError("--headless sans --approve-all : sans fenêtre, personne ne peut valider les étapes.",
                         "Ajoutez --approve-all (bac à sable seulement), ou retirez --headless pour voir le navigateur.")
    if debugging_port is None or sandboxed:
        return
    if not env.config.debugging_port_allowed:
        raise UsageError("--remote-debugging-port sur les vrais sites : tout programme de ce poste pourrait lire et"
                         " piloter le navigateur (mot de passe du compte, données de l'usager).",
                         "Seulement si la mairie l'accepte, pour une aide technique : ajoutez"
                         f" « port_de_debogage: autorise » au fichier de réglages ({config_path()}).")
    env.say(f"ATTENTION : port de débogage {debugging_port} ouvert sur les vrais sites : tout programme de ce poste"
            " peut lire et piloter ce navigateur, mot de passe et données de l'usager compris.")


@dataclass(frozen=True)
class Window:
    """The browser the mediator sees: one context (nothing written to disk) and its page."""

    playwright: Playwright
    settings: BrowserSettings
    browser: Browser
    context: BrowserContext
    page: Page


@contextlib.contextmanager
def window(headless: bool, debugging_port: int | None, playwright: Playwright | None = None) -> Iterator[Window]:
    """Launch the browser, open one fresh context and page; close everything on exit. With `playwright`,
    its driver (already started: cli/head_start.py) is used and left running; otherwise one is started."""
    settings = BrowserSettings.from_environment(headless=headless, debugging_port=debugging_port)
    with contextlib.nullcontext(playwright) if playwright is not None else sync_playwright() as driver:
        browser = launch(driver, settings)
        try:
            page = fresh_page(browser, headless)
            yield Window(driver, settings, browser, page.context, page)
        finally:
            browser.close()


def fresh_page(browser: Browser, headless: bool) -> Page:
    """A page in a new browser context: in memory only, sharing nothing (cookies, history, cache,
    form data, downloads) with any other context; all of it goes when the context closes."""
    size = {"viewport": {"width": 1400, "height": 900}} if headless else {"no_viewport": True}
    page = browser.new_context(locale="fr-FR", **size).new_page()
    if not headless:
        fill_screen(page)  # the site keeps its desktop layout beside the panel
    return page
