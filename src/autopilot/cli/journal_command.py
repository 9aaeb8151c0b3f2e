"""`autopilot journal [list] | verify | export --month AAAA-MM | purge`."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from autopilot.cli.environment import Environment
from autopilot.config import Config
from autopilot.errors import ExitStatus, JournalError, UsageError
from autopilot.journal import DEMARCHE, Entry, Journal


def journal(args: argparse.Namespace, env: Environment) -> int:
    """Dispatch the `journal` actions (`list` by default)."""
    action = args.journal_command or "list"
    return {"list": _list, "verify": _verify, "export": _export, "purge": _purge}[action](args, env)


def describe(entry: Entry) -> str:
    """One line per entry, as the mairie reads it."""
    when = entry.created_at.replace("T", " ")[:16]
    if entry.action != DEMARCHE:
        return f"{entry.id:>5}  {when}  {entry.action} {entry.details}"
    where = "bac à sable" if entry.sandbox else "réel"
    refs = ", ".join(entry.refs.values())
    step = f" à « {entry.step} »" if entry.step and entry.outcome != "terminée" else ""
    return (f"{entry.id:>5}  {when}  {entry.flow_id} v{entry.flow_version} ({where})  {entry.outcome}{step}"
            f"  {entry.mediateur or '?'}  {entry.usager or '—'}" + (f"  {refs}" if refs else ""))


def _list(args: argparse.Namespace, env: Environment) -> int:
    entries = Journal().entries(limit=getattr(args, "limit", None) or 20)
    if not entries:
        env.say("Le journal est vide.")
    for entry in entries:
        env.say(describe(entry))
    return ExitStatus.OK


def _verify(args: argparse.Namespace, env: Environment) -> int:
    verdict = Journal().verify()
    if not verdict.ok:
        raise JournalError(verdict.message,
                           "Ne réparez rien : conservez le fichier et signalez-le au responsable de la mairie.")
    env.say(verdict.message)
    if verdict.head is not None:
        env.say(f"Tête du journal : entrée {verdict.head.id}, empreinte {verdict.head.mac}"
                " (à comparer au témoin du dernier export mensuel).")
    return ExitStatus.OK


def _export(args: argparse.Namespace, env: Environment) -> int:
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", args.month):
        raise UsageError(f"mois « {args.month} » : format attendu AAAA-MM (ex. 2026-11).")
    text = Journal().export_month(args.month)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        env.say(f"Statistiques de {args.month} écrites dans {args.out}.")
    else:
        env.stdout.write(text)
    return ExitStatus.OK


def _purge(args: argparse.Namespace, env: Environment) -> int:
    months = Config.load().conservation_mois
    entry = Journal().purge(months=months, mediateur=args.mediateur)
    env.say(f"{entry.details['supprimees']} entrée(s) de plus de {months} mois supprimée(s) ; la purge est journalisée.")
    return ExitStatus.OK
