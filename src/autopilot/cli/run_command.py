"""`autopilot run` and `autopilot demo`: one démarche, in a browser, under approval."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from playwright.sync_api import sync_playwright

from autopilot.cli.environment import Environment
from autopilot.config import Config
from autopilot.engine.approver import ApproveAll, Approver
from autopilot.engine.browser import BrowserSettings, launch
from autopilot.engine.origins import Origins
from autopilot.engine.runner import Outcome, RunResult, SecretSource
from autopilot.engine.session import Session
from autopilot.errors import AutopilotError, ExitStatus, UsageError
from autopilot.flows import Library
from autopilot.flows.inputs import validate_inputs

DEMO_FLOW = "passeport-pre-demande"


def run(args: argparse.Namespace, env: Environment) -> int:
    """`autopilot run FLOW`."""
    library = Library.load()
    entry = library.find(args.flow)
    if args.data is None:
        raise UsageError(
            "Indiquez les données de l'usager : --data FICHIER.yaml.",
            f"Exemple : autopilot run {entry.flow.id} --data usager.yaml --sandbox",
        )
    values = validate_inputs(entry.flow, _read_data(Path(args.data)))
    sandboxed = args.sandbox or args.sandbox_url is not None
    if args.approve_all and not sandboxed:
        raise UsageError("--approve-all n'est permis que dans le bac à sable (--sandbox).",
                         "Sur les vrais sites, chaque étape est validée par le médiateur.")
    with _sites(args.sandbox, args.sandbox_url, env) as (origins, secrets, accounts):
        return _drive(library, entry.flow, values, args, env, origins, secrets, accounts)


def demo(args: argparse.Namespace, env: Environment) -> int:
    """`autopilot demo`: the passport pré-demande for a fictitious citizen, on the embedded sandbox."""
    library = Library.load()
    flow = library.find(DEMO_FLOW).flow
    data = yaml.safe_load(resources.files("autopilot.cli").joinpath("demo_citizen.yaml").read_text(encoding="utf-8"))
    values = validate_inputs(flow, data)
    env.say("Démonstration : pré-demande de passeport pour une usagère fictive, sur le bac à sable.")
    with _sites(True, None, env) as (origins, secrets, accounts):
        return _drive(library, flow, values, args, env, origins, secrets, accounts)


def _read_data(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path} : fichier introuvable.", "Vérifiez le chemin donné à --data.") from None
    except yaml.YAMLError as error:
        raise UsageError(f"{path} : YAML invalide ({error}).", "Vérifiez l'indentation et les deux-points.") from None
    if not isinstance(data, dict):
        raise UsageError(f"{path} : un tableau de données est attendu (usager:, adresse:…).")
    return data


@contextlib.contextmanager
def _sites(embedded: bool, url: str | None, env: Environment) -> Iterator[tuple[Origins, Any, dict]]:
    """The sites to use: the real ones with the keyring, or a sandbox with its demo account."""
    if not embedded and url is None:
        from autopilot import credentials

        yield Origins(), credentials.resolve, Config.load().comptes
        return
    from autopilot.sandbox import Sandbox

    secrets, accounts = sandbox_credentials()
    if url is not None:
        port = urlsplit(url).port
        if port is None:
            raise UsageError(f"--sandbox-url {url} : le port manque.", "Par exemple http://localhost:8765/.")
        yield Origins(port), secrets, accounts
        return
    with Sandbox() as server:
        env.say(f"Bac à sable démarré : {server.home_url}")
        yield Origins(server.port), secrets, accounts


def sandbox_credentials() -> tuple[SecretSource, dict[str, dict[str, str]]]:
    """The sandbox's public demo account: no keyring needed, so the demo runs anywhere."""
    from autopilot.sandbox import DEMO_ACCOUNT

    secrets = {"ants.mot_de_passe": DEMO_ACCOUNT["mot_de_passe"]}
    return secrets.__getitem__, {"ants": {"identifiant": DEMO_ACCOUNT["identifiant"]}}


def _drive(library, flow, values, args, env: Environment, origins, secrets, accounts) -> int:
    settings = BrowserSettings.from_environment(headless=args.headless, debugging_port=args.remote_debugging_port)
    with sync_playwright() as playwright:
        browser = launch(playwright, settings)
        try:
            context = browser.new_context(
                locale="fr-FR", **({"viewport": {"width": 1400, "height": 900}} if args.headless else {"no_viewport": True})
            )
            approver = _approver(context, args)
            page = context.new_page()
            if hasattr(approver, "attach"):
                approver.attach(page)
            session = Session(page, library, approver, origins=origins, secrets=secrets, accounts=accounts,
                              report=env.say)
            result = session.run(flow, values)
            if args.headless or result.outcome is not Outcome.COMPLETED:
                session.close()
            else:
                env.say("Fermez la fenêtre du navigateur quand vous avez fini (la session se ferme avec elle).")
                page.wait_for_event("close", timeout=0)
        finally:
            browser.close()
    return _render(flow, result, env)


def _approver(context, args) -> Approver:
    from autopilot.engine.panel import PanelApprover

    if args.approve_all:
        return ApproveAll(None if args.headless else PanelApprover(context))
    return PanelApprover(context)


def _render(flow, result: RunResult, env: Environment) -> int:
    if result.outcome is Outcome.COMPLETED:
        env.say(f"Démarche terminée : {flow.title}.")
        for name, value in result.outputs.items():
            env.say(f"{flow.outputs[name].label} : {value}")
        return ExitStatus.OK
    if result.outcome is Outcome.STOPPED:
        env.say(f"Démarche interrompue à l'étape « {result.step} » : rien d'autre n'a été envoyé.")
        if isinstance(result.error, AutopilotError):
            env.say(result.error.message)
        return ExitStatus.STOPPED
    raise result.error
