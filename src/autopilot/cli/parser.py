"""The command line: what `autopilot` accepts (parsing only; execution is elsewhere)."""

from __future__ import annotations

import argparse

from autopilot import __version__


class _Parser(argparse.ArgumentParser):
    """argparse with French messages and our exit status for usage errors."""

    def error(self, message: str) -> None:  # type: ignore[override]
        from autopilot.errors import UsageError

        raise UsageError(f"commande incorrecte : {message}", f"Voir `{self.prog} --help`.")


def _browser_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--headless", action="store_true", help="run the browser without a window")
    parser.add_argument(
        "--remote-debugging-port", type=int, metavar="N",
        help="let assistive tools and end-to-end tests attach to the browser (Chrome DevTools Protocol)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The full `autopilot` command line."""
    parser = _Parser(prog="autopilot", description="Assistant du médiateur numérique pour les démarches en ligne.")
    parser.add_argument("--version", action="version", version=f"autopilot {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")

    demo = commands.add_parser("demo", help="the passport pré-demande on the embedded sandbox, fictitious citizen")
    _browser_options(demo)
    demo.add_argument("--approve-all", action="store_true", help="approve every step except payments (sandbox only)")
    demo.add_argument("--mediateur", metavar="NOM", help="who is at the desk (default: « Formation »)")

    run = commands.add_parser("run", help="run a démarche")
    run.add_argument("flow", help="flow id (e.g. passeport-pre-demande) or path to a flow file")
    run.add_argument("--data", metavar="FILE.yaml", help="the citizen's data")
    sandbox = run.add_mutually_exclusive_group()
    sandbox.add_argument("--sandbox", action="store_true", help="use the embedded sandbox instead of the real sites")
    sandbox.add_argument("--sandbox-url", metavar="URL", help="use a sandbox already running at URL")
    run.add_argument("--approve-all", action="store_true", help="approve every step except payments (sandbox only)")
    run.add_argument("--mediateur", metavar="NOM", help="who is at the desk, among the registered mediators")
    _browser_options(run)

    flows = commands.add_parser("flows", help="the library of flows")
    flow_commands = flows.add_subparsers(dest="flows_command", parser_class=_Parser, metavar="ACTION", required=True)
    flow_commands.add_parser("list", help="list the démarches")
    check = flow_commands.add_parser("check", help="validate flow files (all by default)")
    check.add_argument("paths", nargs="*", metavar="PATH")
    show = flow_commands.add_parser("show", help="describe one flow")
    show.add_argument("flow", metavar="ID")
    schema = flow_commands.add_parser("schema", help="write the JSON Schema of flow files (for editors)")
    schema.add_argument("--out", metavar="FILE", help="write to FILE instead of stdout")

    account = commands.add_parser("account", help="the mairie's accounts (password in the OS keyring)")
    account_commands = account.add_subparsers(dest="account_command", parser_class=_Parser, metavar="ACTION",
                                              required=True)
    set_account = account_commands.add_parser("set", help="store an account's identifiant and password")
    set_account.add_argument("name", metavar="NAME", help="account name, e.g. ants")
    set_account.add_argument("--identifiant", help="the account's login (asked if absent)")
    set_account.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    account_commands.add_parser("list", help="list the stored accounts")
    test_account = account_commands.add_parser("test", help="log in with the stored credentials and report")
    test_account.add_argument("name", metavar="NAME")
    where = test_account.add_mutually_exclusive_group()
    where.add_argument("--sandbox", action="store_true", help="log in on the embedded sandbox")
    where.add_argument("--sandbox-url", metavar="URL", help="log in on a sandbox already running at URL")
    _browser_options(test_account)
    delete_account = account_commands.add_parser("delete", help="remove an account from this machine")
    delete_account.add_argument("name", metavar="NAME")

    mediateur = commands.add_parser("mediateur", help="the mediators who operate the shared account")
    mediateur_commands = mediateur.add_subparsers(dest="mediateur_command", parser_class=_Parser, metavar="ACTION",
                                                  required=True)
    mediateur_commands.add_parser("list", help="list the mediators")
    for action in ("add", "remove"):
        mediateur_commands.add_parser(action, help=f"{action} a mediator").add_argument("name", metavar="NOM")

    serve = commands.add_parser("sandbox", help="serve the training sandbox (local replicas of the sites)")
    serve.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (default 8765)")
    serve.add_argument("--otp", action="store_true", help="ask a one-time code on a new browser")
    return parser
