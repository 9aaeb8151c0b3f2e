"""`autopilot` (or `autopilot console`): the mediator's console in the browser window."""

from __future__ import annotations

import argparse
from typing import Any

from autopilot.cli import browsing
from autopilot.cli.account_command import choose_mediateur
from autopilot.cli.environment import Environment
from autopilot.config import Config
from autopilot.engine.session import Session
from autopilot.flows import Flow, Library
from autopilot.journal import Journal, run_entry
from autopilot.paths import cache_dir
from autopilot.engine.panel import PanelApprover
from autopilot.ui.console import Console
from autopilot.ui.desk import Desk
from autopilot.ui.visit import Demarche


def console(args: argparse.Namespace, env: Environment, *, preload: tuple[Flow, dict[str, Any]] | None = None) -> int:
    """Open the console and serve démarches until the mediator closes the window.

    `preload` puts a citizen's validated data in the visit and logs in with the sandbox's demo
    account: that is the demo.
    """
    library = Library.load()
    sandboxed = args.sandbox or args.sandbox_url is not None
    mediateur = choose_mediateur(args.mediateur, sandbox=sandboxed)
    config = Config.load()
    journal = Journal()
    journal.check_writable()  # a démarche that could not be journalled does not start
    desk = Desk(library, mediateur=mediateur, sandbox=sandboxed, mairie=config.mairie, visits=cache_dir() / "visites")
    if preload is not None:
        desk.visit.remember(*preload)

    def journalled(demarche: Demarche, seconds: float) -> None:
        journal.append(run_entry(demarche.flow, demarche.values, demarche.result, mediateur=mediateur,
                                 sandbox=sandboxed, duration_s=seconds, pseudonyms=config.pseudonyme))

    env.say(f"Médiateur au bureau : {mediateur}.")
    with browsing.sites(args.sandbox, args.sandbox_url, env, demo_account=preload is not None) as sites, \
            browsing.window(args.headless, args.remote_debugging_port) as window:
        panel = PanelApprover(window.context)
        panel.attach(window.page)
        session = Session(window.page, library, panel, origins=sites.origins, secrets=sites.secrets,
                          accounts=sites.accounts, report=env.say)
        return Console(desk, session, panel, window.playwright, window.settings, on_finished=journalled,
                       say=env.say).serve()
