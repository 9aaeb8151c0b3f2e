"""`autopilot run` and `autopilot demo`: one démarche, in a browser, under approval."""

from __future__ import annotations

import argparse
import contextlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Page, Playwright

from autopilot.cli import browsing, ending
from autopilot.cli import demo as demo_data
from autopilot.cli.browsing import Sites, sandbox_credentials, window  # noqa: F401 — sandbox_credentials: tests, bench
from autopilot.cli.environment import Environment
from autopilot.cli.mediators import choose_mediateur
from autopilot.engine import endings, fingerprints
from autopilot.engine.approver import ApproveAll, Approver
from autopilot.engine.learning import Learning
from autopilot.engine.panel import PanelApprover
from autopilot.engine.runner import Outcome, RunResult
from autopilot.engine.session import Session
from autopilot.errors import AutopilotError, ExitStatus, Terminated, UsageError
from autopilot.flows import Flow, Library
from autopilot.flows.inputs import validate_inputs
from autopilot.journal import Journal, run_entry
from autopilot.yaml_source import EmptyDocument, YamlProblem, read_yaml


def run(args: argparse.Namespace, env: Environment, *, playwright: Playwright | None = None,
        library: Library | None = None) -> int:
    """`autopilot run FLOW` (with `playwright` and `library`: the driver started and the flows loaded
    meanwhile, cli/head_start.py)."""
    if library is None:  # loaded during the head start, unless called directly
        library = Library.load(allowed=env.allowed_sites, only=args.flow)
    entry = library.find(args.flow)
    if args.data is None:
        raise UsageError(
            "Indiquez les données de l'usager : --data FICHIER.yaml.",
            f"Exemple : autopilot run {entry.flow.id} --data usager.yaml --sandbox",
        )
    values = validate_inputs(entry.flow, _read_data(Path(args.data)), scans_folder=env.scans_folder)
    sandboxed = args.sandbox or args.sandbox_url is not None
    if args.approve_all and not sandboxed:
        raise UsageError("--approve-all n'est permis que dans le bac à sable (--sandbox).",
                         "Sur les vrais sites, chaque étape est validée par le médiateur.")
    browsing.check_browser(args.headless, args.remote_debugging_port, sandboxed=sandboxed,
                           approve_all=args.approve_all, env=env)
    mediateur = choose_mediateur(args.mediateur, env.config.mediateurs, sandbox=sandboxed)
    with browsing.sites(args.sandbox, args.sandbox_url, env) as sites:
        return _drive(library, entry.flow, values, args, env, sites, mediateur,
                      learn_into=entry.path if args.learn else None, playwright=playwright)


def demo(args: argparse.Namespace, env: Environment, *, playwright: Playwright | None = None,
         library: Library | None = None) -> int:
    """`autopilot demo`: the passport pré-demande for a fictitious citizen, on the embedded sandbox.

    With a window, the console opens with the citizen's data already typed; with --approve-all
    (in a window or headless) the démarche runs straight away and prints its numéro de pré-demande.
    """
    browsing.check_browser(args.headless, args.remote_debugging_port, sandboxed=True, approve_all=args.approve_all,
                           env=env)
    if library is None:  # loaded during the head start, unless called directly
        library = Library.load(allowed=env.allowed_sites)
    flow = library.find(demo_data.DEMO_FLOW).flow
    data = demo_data.citizen()
    env.examples = demo_data.example_scans(env.config)  # the scanner folder of this process, unless configured
    values = validate_inputs(flow, {name: value for name, value in data.items() if name in flow.inputs},
                             scans_folder=env.scans_folder)
    env.say("Démonstration : pré-demande de passeport pour une usagère fictive, sur le bac à sable.")
    if env.examples is not None:
        env.say(f"Documents numérisés d'exemple : {env.examples}")
    if not (args.headless or args.approve_all):
        # the whole console, the fictitious citizen already in the visit
        from autopilot.cli.console_command import console

        args.sandbox, args.sandbox_url = True, None
        return console(args, env, preload=data, playwright=playwright, library=library)
    mediateur = choose_mediateur(args.mediateur, env.config.mediateurs, sandbox=True)
    with browsing.sites(True, None, env, demo_account=True) as sites:
        return _drive(library, flow, values, args, env, sites, mediateur, playwright=playwright)


def check_login(args: argparse.Namespace, env: Environment) -> int:
    """`autopilot account test NAME`: log in with the stored credentials, say how it went, log out."""
    browsing.check_browser(args.headless, args.remote_debugging_port, sandboxed=args.sandbox or bool(args.sandbox_url),
                           approve_all=True, env=env)
    library = Library.load(allowed=env.allowed_sites)
    account = library.account(args.name).flow
    with browsing.sites(args.sandbox, args.sandbox_url, env) as sites, _browser(args, approve_all=True) as (page, approver):
        session = Session(page, library, approver, origins=sites.origins, secrets=sites.secrets,
                          accounts=sites.accounts, report=env.say, scans_folder=env.scans_folder)
        failed = session.login(account.account)
        session.close()
    if failed is None:
        env.say(f"Connexion réussie au compte « {args.name} ».")
        return ExitStatus.OK
    if failed.error is None:
        env.say("Test de connexion interrompu.")
        return ExitStatus.STOPPED
    raise failed.error


def _read_data(path: Path) -> dict[str, Any]:
    """The citizen's data file, read like a flow: its YAML expansion bounded, a problem named by line."""
    try:
        located = read_yaml(path.read_text(encoding="utf-8"), alias_hint=_DATA_HINT)
    except FileNotFoundError:
        raise UsageError(f"{path} : fichier introuvable.", "Vérifiez le chemin donné à --data.") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path} : le fichier n'est pas en UTF-8.", "Enregistrez-le en UTF-8.") from None
    except EmptyDocument:
        located = None
    except YamlProblem as problem:
        raise UsageError(f"{path}:{problem.line}: {problem.message}.",
                         problem.hint or "Vérifiez l'indentation et les deux-points.") from None
    if located is None or not isinstance(located.data, dict):
        raise UsageError(f"{path} : un tableau de données est attendu (usager:, adresse:…).")
    return located.data


_DATA_HINT = "Écrivez les données de l'usager en clair, sans ancres « & » ni alias « * »."


@contextlib.contextmanager
def _browser(args: argparse.Namespace, *, approve_all: bool,
             playwright: Playwright | None = None) -> Iterator[tuple[Page, Approver]]:
    """A fresh browser and context (nothing written to disk), the page and its approver."""
    with window(args.headless, args.remote_debugging_port, playwright) as opened:
        approver = _approver(opened.context, args.headless, approve_all)
        approver.attach(opened.page)
        yield opened.page, approver


def _drive(library: Library, flow: Flow, values: dict, args: argparse.Namespace, env: Environment, sites: Sites,
           mediateur: str, learn_into: Path | None = None, playwright: Playwright | None = None) -> int:
    journal = Journal.for_runs(sandbox=sites.origins.sandbox)
    journal.check_writable()  # a run that could not be journalled does not start
    if not journal.signed:
        env.say(f"Pas de trousseau sur ce poste : l'entraînement est inscrit, sans signature, dans {journal.path}.")
    env.say(f"Médiateur au bureau : {mediateur}.")
    with _browser(args, approve_all=args.approve_all, playwright=playwright) as (page, approver):
        if learn_into is not None:  # `--learn`: the fingerprints of the pages filled, written once it completes
            approver = Learning(approver, flow, dict(values), page)
        session = Session(page, library, approver, origins=sites.origins, secrets=sites.secrets,
                          accounts=sites.accounts, report=env.say, scans_folder=env.scans_folder)
        started = time.monotonic()
        with ending.stop_on_sigterm() as disarm:
            result = session.run(flow, values)
            if args.headless or result.outcome is not Outcome.COMPLETED:
                ending.close_quietly(session)  # logged out before the last lines, which keep the numéro
            disarm()  # from here a SIGTERM no longer interrupts: the entry gets written
            _announce(flow, result, env)  # what the site gave, shown before anything that can fail
            if isinstance(approver, Learning):
                _learned(approver, flow, learn_into, result, env)
            problem = ending.journalled(journal, run_entry(
                flow, values, result, mediateur=mediateur, sandbox=sites.origins.sandbox,
                duration_s=time.monotonic() - started, pseudonyms=env.config.pseudonyme))
        if not args.headless and result.outcome is Outcome.COMPLETED:
            if problem is not None:
                ending.close_quietly(session)
            else:
                env.say("Fermez la fenêtre du navigateur quand vous avez fini (la session se ferme avec elle).")
                page.wait_for_event("close", timeout=0)
    if problem is not None:
        raise ending.not_journalled(problem, flow, result)
    return _render(result)


def _learned(learning: Learning, flow: Flow, path: Path, result: RunResult, env: Environment) -> None:
    """`--learn`: write the fingerprints of a completed run beside the flow (never of a run that stopped)."""
    learned = {step: targets for step, targets in learning.learned.items() if targets}
    if result.outcome is not Outcome.COMPLETED:
        env.say("Empreintes non écrites : la démarche n'est pas allée à son terme.")
        return
    if not learned:
        env.say("Aucun champ rempli : aucune empreinte à écrire.")
        return
    try:
        written = fingerprints.save(path, flow.id, learned)
    except OSError as error:
        env.say(f"Empreintes non écrites ({error.strerror or error}).")
        return
    env.say(f"{sum(len(t) for t in learned.values())} empreinte(s) de champ sur {len(learned)} page(s)"
            f" écrite(s) dans {written}.")


def _approver(context: BrowserContext, headless: bool, approve_all: bool) -> Approver:
    if approve_all:
        return ApproveAll(None if headless else PanelApprover(context))
    return PanelApprover(context)


def _announce(flow: Flow, result: RunResult, env: Environment) -> None:
    """The outcome and the references obtained, said as soon as the run ends."""
    if result.outcome is Outcome.COMPLETED:
        env.say(f"Démarche terminée : {flow.title}.")
        for name, value in result.outputs.items():
            env.say(f"{flow.outputs[name].label} : {value}")
        return
    if result.outcome is Outcome.STOPPED:
        env.say(endings.stopped_sentence(result))
    for line in endings.unfinished_lines(flow, result):  # what is paid or sent, and what the site gave
        env.say(line)
    if result.outcome is Outcome.STOPPED and isinstance(result.error, AutopilotError):
        env.say(result.error.message)


def _render(result: RunResult) -> int:
    """The exit status of a run already announced; the error of a failed one."""
    if result.outcome is Outcome.COMPLETED:
        return ExitStatus.OK
    if result.outcome is Outcome.STOPPED and isinstance(result.error, Terminated):
        raise result.error
    if result.outcome is Outcome.STOPPED:
        return ExitStatus.STOPPED
    raise result.error
