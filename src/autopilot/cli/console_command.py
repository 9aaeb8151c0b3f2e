"""`autopilot` (or `autopilot console`): the mediator's console in the browser window."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from playwright.sync_api import Playwright

from autopilot.cli import browsing, ending
from autopilot.cli.demo import DEMO_FLOW
from autopilot.cli.environment import Environment
from autopilot.cli.mediators import choose_mediateur
from autopilot.engine.panel import PanelApprover
from autopilot.engine.session import Session
from autopilot.flows import Library
from autopilot.journal import Journal, consent_entry, run_entry
from autopilot.paths import cache_dir
from autopilot.ui.consent import Consent
from autopilot.ui.console import Console
from autopilot.ui.desk import Desk
from autopilot.ui.visit import Attempt


def console(args: argparse.Namespace, env: Environment, *, preload: Mapping[str, Any] | None = None,
            playwright: Playwright | None = None, library: Library | None = None) -> int:
    """Open the console and serve démarches until the mediator closes the window.

    `preload` puts a citizen's data in the visit, for every démarche that asks for it, and logs
    in with the sandbox's demo account: that is the demo.
    """
    sandboxed = args.sandbox or args.sandbox_url is not None
    browsing.check_browser(args.headless, args.remote_debugging_port, sandboxed=sandboxed, approve_all=None, env=env)
    config = env.config
    if library is None:  # loaded during the head start, unless called directly
        library = Library.load(allowed=env.allowed_sites)
    mediateur = choose_mediateur(args.mediateur, config.mediateurs, sandbox=sandboxed)
    journal = Journal.for_runs(sandbox=sandboxed)
    journal.check_writable()  # a démarche that could not be journalled does not start
    if not journal.signed:
        env.say(f"Pas de trousseau sur ce poste : l'entraînement est inscrit, sans signature, dans {journal.path}.")

    def consented(consent: Consent, values: Mapping[str, Any]) -> int | None:
        entry = consent_entry(consent.scope, consent.text.version, consent.text.sha256, values, mediateur=mediateur,
                              sandbox=sandboxed, pseudonyms=config.pseudonyme)
        return journal.append(entry).id

    def journalled(demarche: Attempt, seconds: float) -> None:
        # the citizen as known in the visit: a suivi's inputs alone (a numéro) would leave the pseudonym blank
        known = {name: value for name, (_, value) in desk.visit.values.items()}
        journal.append(run_entry(demarche.flow, {**known, **demarche.values}, demarche.result, mediateur=mediateur,
                                 sandbox=sandboxed, duration_s=seconds, pseudonyms=config.pseudonyme,
                                 consent_hash=demarche.consent_hash))

    def this_month() -> dict[str, dict[str, int]]:
        """This month's démarches per flow and outcome (the sandbox's apart from the real ones)."""
        counts: dict[str, dict[str, int]] = {}
        for flow_id, outcome, count in journal.monthly_counts(f"{datetime.now(UTC):%Y-%m}", sandbox=sandboxed):
            counts.setdefault(flow_id, {})[outcome] = count
        return counts

    desk = Desk(library, mediateur=mediateur, sandbox=sandboxed, mairie=config.mairie, visits=cache_dir() / "visites",
                on_consent=consented, month_counts=this_month, retention_months=config.conservation_mois,
                initials=config.pseudonyme != "aucun", keep_scans_read=config.garder_numerisations_lues,
                scans_folder=env.scans_folder)
    if preload is not None:
        desk.visit.preload([entry.flow for entry in library.demarches], preload, main=library.find(DEMO_FLOW).flow)

    env.say(f"Médiateur au bureau : {mediateur}.")
    with browsing.sites(args.sandbox, args.sandbox_url, env, demo_account=preload is not None) as sites, \
            browsing.window(args.headless, args.remote_debugging_port, playwright) as window:
        first = [window.page]
        if sites.origins.sandbox_port is not None:
            desk.sandbox_home = f"http://localhost:{sites.origins.sandbox_port}/"

        def open_tab() -> tuple[Session, PanelApprover]:
            """The window's first page, then a fresh context's for each new visit."""
            page = first.pop() if first else browsing.fresh_page(window.browser, args.headless)
            panel = PanelApprover(page.context)
            panel.attach(page)
            session = Session(page, library, panel, origins=sites.origins, secrets=sites.secrets,
                              accounts=sites.accounts, report=env.say, scans_folder=env.scans_folder)
            return session, panel

        with ending.stop_on_sigterm():  # a démarche under way is stopped, then journalled
            return Console(desk, open_tab, window.playwright, window.settings, on_finished=journalled,
                           say=env.say).serve()
