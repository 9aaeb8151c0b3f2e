"""The command line: parse, call, render. The one place errors become messages and exit statuses."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence

from autopilot.cli.environment import Environment
from autopilot.cli.parser import build_parser
from autopilot.errors import AutopilotError, ExitStatus

SANDBOX_EXTRA = {"fpdf", "segno"}  # what the sandbox imports from its optional extra (pyproject.toml)


def main(argv: Sequence[str] | None = None, env: Environment | None = None) -> int:
    """Run `autopilot` with `argv`; return the exit status."""
    env = env or Environment()
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    try:
        args = build_parser().parse_args(argv)
        return _dispatch(args, env)
    except AutopilotError as error:
        if debug:
            traceback.print_exc(file=env.stderr)
        print(f"Erreur : {error.message}", file=env.stderr)
        if error.hint:
            print(f"  → {error.hint}", file=env.stderr)
        return error.exit_status
    except KeyboardInterrupt:
        print("Interrompu.", file=env.stderr)
        return ExitStatus.STOPPED
    except BrokenPipeError:  # `autopilot flows list | head`: the reader has what it wanted
        _silence_stdout()
        return ExitStatus.OK
    except Exception as error:
        if isinstance(error, ModuleNotFoundError) and error.name in SANDBOX_EXTRA:
            print("Erreur : le bac à sable a besoin de son extra « sandbox » (documents PDF et QR codes).",
                  file=env.stderr)
            print("  → Relancez scripts/setup, ou : .venv/bin/pip install -e '.[sandbox]'.", file=env.stderr)
            return ExitStatus.USAGE
        if debug:
            traceback.print_exc(file=env.stderr)
        else:
            print("Erreur interne d'autopilot. Relancez avec --debug et transmettez le détail à la maintenance.",
                  file=env.stderr)
        return ExitStatus.INTERNAL


def _library(env: Environment, args: argparse.Namespace | None = None):
    """The flows' library, as the commands that open a browser load it first (in the head start's thread).
    For `run`, and `demo` without its console (which lists them all), only the démarche it runs is
    loaded with the accounts (`Library.load`'s `only`)."""
    from autopilot.flows import Library

    only = None
    if args is not None and args.command == "run":
        only = args.flow
    elif args is not None and args.command == "demo" and (args.headless or args.approve_all):
        from autopilot.cli.demo import DEMO_FLOW

        only = DEMO_FLOW
    return Library.load(allowed=env.allowed_sites, only=only)


def _dispatch(args, env: Environment) -> int:
    if args.command in (None, "console"):
        if args.command is None:  # bare `autopilot`: the console, with its defaults
            args = build_parser().parse_args(["console"])
        from autopilot.cli.head_start import head_start  # Playwright's driver starts while the console imports

        with head_start("autopilot.cli.console_command", lambda: _library(env)) as (playwright, console_command,
                                                                                   library):
            return console_command.console(args, env, playwright=playwright, library=library)
    if args.command in ("run", "demo"):
        from autopilot.cli.head_start import head_start

        with head_start("autopilot.cli.run_command", lambda: _library(env, args)) as (playwright, run_command,
                                                                                     library):
            return getattr(run_command, args.command)(args, env, playwright=playwright, library=library)
    if args.command in ("account", "mediateur"):
        from autopilot.cli import account_command

        return getattr(account_command, args.command)(args, env)
    if args.command == "journal":
        from autopilot.cli.journal_command import journal

        return journal(args, env)
    if args.command == "record":
        from autopilot.cli.record_command import record

        return record(args, env)
    if args.command == "check" or getattr(args, "flows_command", None) == "learn":
        from autopilot.cli import check_command

        return check_command.learn(args, env) if args.command == "flows" else check_command.check(args, env)
    if args.command == "flows":
        from autopilot.cli.flows_command import flows

        return flows(args, env)
    from autopilot.cli.sandbox_command import sandbox

    return sandbox(args, env)


def _silence_stdout() -> None:
    """Point stdout at the null device, so that Python's flush at exit does not fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
