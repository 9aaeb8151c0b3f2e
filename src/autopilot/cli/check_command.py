"""`autopilot check [FLOW…]` and `autopilot flows learn FLOW`: do the flows still match their sites?

On the real sites, `check` only visits the pages a flow opens by itself (`engine/drift.visit`): a
GET of each `goto` page, no form sent, no login. On a sandbox it rehearses each flow with the
exercise data up to its first gate (`engine/rehearsal.py`), logged in with the sandbox's account;
a flow that starts from another one's result (`exercise.CHAINED`) is only visited. The sandbox's
date is set to the exercise data's for the rehearsals, then put back as it was (a date a trainer set
stays set).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from autopilot.cli import browsing, exercise
from autopilot.cli.environment import Environment
from autopilot.engine import fingerprints
from autopilot.engine.drift import State, Verdict, rehearse, visit
from autopilot.engine.rehearsal import UpToTheFirstGate
from autopilot.engine.session import Session
from autopilot.errors import AutopilotError, ExitStatus, UsageError
from autopilot.flows import Library
from autopilot.flows.library import LibraryFlow


def check(args: argparse.Namespace, env: Environment) -> int:
    """`autopilot check`: one verdict per flow; a non-zero status when one changed or is unreachable."""
    library = Library.load(allowed=env.allowed_sites)
    entries = [library.find(name) for name in args.flows] if args.flows else list(library.demarches)
    sandboxed = args.sandbox or args.sandbox_url is not None
    if args.with_account and sandboxed:
        raise UsageError("--with-account ne sert que sur les vrais sites : le bac à sable se connecte avec son compte.")
    verdicts: list[Verdict] = []
    with _browsing(args, env) as session:
        for entry in entries:
            verdict = check_one(session, library, entry, sandboxed, args.with_account)
            verdicts.append(verdict)
            if not args.json:
                env.say(verdict.line())
        session.close()
    if args.json:
        env.say(json.dumps([v.to_json() for v in verdicts], ensure_ascii=False, indent=1))
    else:
        changed = sum(v.state is State.CHANGED for v in verdicts)
        env.say(f"{len(verdicts)} démarche(s) vérifiée(s) : {changed} changée(s), "
                f"{sum(v.state is State.UNREACHABLE for v in verdicts)} injoignable(s). Rien n'a été envoyé.")
    if any(v.state is State.CHANGED for v in verdicts):
        return ExitStatus.DRIFT
    if any(v.state is State.UNREACHABLE for v in verdicts):
        return ExitStatus.SITE_UNREACHABLE
    return ExitStatus.OK


def learn(args: argparse.Namespace, env: Environment) -> int:
    """`autopilot flows learn FLOW --sandbox`: rehearse the flow and write its fingerprints beside it."""
    if not (args.sandbox or args.sandbox_url):
        raise UsageError("`flows learn` répète la démarche avec les données d'exercice : seulement sur le bac à sable.",
                         "Ajoutez --sandbox (ou --sandbox-url URL).")
    library = Library.load(allowed=env.allowed_sites)
    entry = library.find(args.flow)
    with _browsing(args, env) as session:
        values = exercise.values(entry.flow, exercise.samples(), _demandes(session), session.scans_folder)
        verdict, approver = rehearse(session, entry.flow, values, {})
        session.close()
    learned = {step: targets for step, targets in approver.learned.items() if targets}
    if verdict.state is not State.UP_TO_DATE:
        env.say(verdict.line())
    if learned:
        path = fingerprints.save(entry.path, entry.flow.id, learned)
        count = sum(len(t) for t in learned.values())
        env.say(f"{count} empreinte(s) de champ sur {len(learned)} page(s) écrite(s) dans {path}.")
    else:
        env.say("Aucun champ rempli avant la première validation : aucune empreinte à écrire.")
    return ExitStatus.OK if verdict.state is State.UP_TO_DATE else ExitStatus.DRIFT


def check_one(session: Session, library: Library, entry: LibraryFlow, sandboxed: bool, with_account: bool) -> Verdict:
    """One flow's verdict, in `session` (on a sandbox, inside `exercise_date`)."""
    flow = entry.flow
    known = fingerprints.load(entry.path)
    if sandboxed and flow.id not in exercise.CHAINED:
        try:
            values = exercise.values(flow, exercise.samples(), _demandes(session), session.scans_folder)
        except AutopilotError as error:
            return Verdict(flow.id, State.CHANGED, message=f"données d'exercice refusées : {error.message}")
        return rehearse(session, flow, values, known)[0]
    if with_account and flow.account:
        failed = session.login(flow.account)
        if failed is not None:
            return Verdict(flow.id, State.UNREACHABLE, failed.step, message=failed.error.message if failed.error else None)
    account = library.account(flow.account).flow if flow.account else None
    login_page = account.steps[0].expect if account is not None else None
    return visit(session.page, session.origins, flow, known, login_page, session.timeouts.page)


@contextlib.contextmanager
def _browsing(args: argparse.Namespace, env: Environment) -> Iterator[Session]:
    """The sites, a headless browser and a session in it; on a sandbox, its date set to the exercise data's."""
    with browsing.sites(args.sandbox, args.sandbox_url, env) as sites, \
            browsing.window(True, None) as opened, exercise_date(sites.origins.sandbox_port) as folder:
        session = Session(opened.page, Library.load(allowed=env.allowed_sites), UpToTheFirstGate(),
                          origins=sites.origins, secrets=sites.secrets, accounts=sites.accounts,
                          scans_folder=folder or env.scans_folder)
        session.repair = None  # nobody picks here: the rehearsal diagnoses by itself
        yield session


@contextlib.contextmanager
def exercise_date(port: int | None) -> Iterator[Path | None]:
    """On a sandbox: its date as the exercise data expects it, and a scanner folder with the exercise's
    documents (passed down to the session), for the block; then the date as it was before."""
    if port is None:
        yield None
        return
    sample = exercise.samples()
    before = _control(port, "/_sandbox/today").get("fixed")
    _control(port, "/_sandbox/today", {"today": date.fromisoformat(str(sample["today"])).isoformat()})
    try:
        with exercise.exercise_scans(sample) as folder:
            yield folder
    finally:
        _control(port, "/_sandbox/today", {"today": before})


def _demandes(session: Session) -> list[dict[str, Any]]:
    port = session.origins.sandbox_port
    return _control(port, "/_sandbox/demandes") if port is not None else []


def _control(port: int, path: str, body: dict[str, Any] | None = None) -> Any:
    """A call to the sandbox's control API (its own host, this machine only)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data,
                                     headers={"Content-Type": "application/json"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=10) as reply:
        return json.loads(reply.read().decode("utf-8"))
