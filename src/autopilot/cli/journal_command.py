"""`autopilot journal [list] | verify | export --month AAAA-MM | purge`."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from autopilot.cli.environment import Environment
from autopilot.errors import ExitStatus, JournalError, UsageError
from autopilot.journal import DEMARCHE, Entry, Journal
from autopilot.journal.entries import ANCHOR, CONSENT, PURGE
from autopilot.journal.export import monthly_counts, witnesses


def journal(args: argparse.Namespace, env: Environment) -> int:
    """Dispatch the `journal` actions (`list` by default)."""
    action = args.journal_command or "list"
    return {"list": _list, "verify": _verify, "export": _export, "purge": _purge}[action](args, env)


def describe(entry: Entry) -> str:
    """One line per entry, as the mairie reads it."""
    when = entry.created_at.replace("T", " ")[:16]
    if entry.action != DEMARCHE:
        return f"{entry.id:>5}  {when}  {_event(entry)}"
    where = "bac à sable" if entry.sandbox else "réel"
    refs = ", ".join(entry.refs.values())
    step = f" à « {entry.step} »" if entry.step and entry.outcome != "terminée" else ""
    return (f"{entry.id:>5}  {when}  {entry.flow_id} v{entry.flow_version} ({where})  {entry.outcome}{step}"
            f"  {entry.mediateur or '?'}  {entry.usager or '—'}" + (f"  {refs}" if refs else ""))


def _event(entry: Entry) -> str:
    """An entry other than a démarche, in the mairie's words (never its stored dict)."""
    details = entry.details
    if entry.action == CONSENT:
        where = "bac à sable" if entry.sandbox else "réel"
        scope = ", ".join(details.get("perimetre") or []) or "aucune démarche"
        return (f"accord de l'usager ({where})  {entry.mediateur or '?'}  {entry.usager or '—'}"
                f"  pour : {scope}  (texte du {details.get('modele', '?')})")
    if entry.action == PURGE:
        return (f"purge  {entry.mediateur or '?'}  {details.get('supprimees', 0)} entrée(s) d'avant le"
                f" {str(details.get('avant', '?'))[:10]} supprimée(s)")
    if entry.action == ANCHOR:
        return f"ancrage  {details.get('anterieures', '?')} entrée(s) antérieure(s), jusqu'à l'entrée {details.get('jusqua', '?')}"
    said = ", ".join(f"{key} : {value}" for key, value in details.items())
    return f"{entry.action}  {said}" if said else entry.action


def _list(args: argparse.Namespace, env: Environment) -> int:
    entries = Journal().entries(limit=getattr(args, "limit", None) or 20)
    if not entries:
        env.say("Le journal est vide.")
    for entry in entries:
        env.say(describe(entry))
    return ExitStatus.OK


def _verify(args: argparse.Namespace, env: Environment) -> int:
    """The chain checked, and against the witnesses of the monthly exports given (ADR 0009)."""
    exports = [Path(name) for name in getattr(args, "temoin", None) or ()]
    found = [witness for path in exports for witness in _witnesses_of(path)]
    verdict = Journal().verify(witnesses=found)
    if not verdict.ok:
        raise JournalError(verdict.message,
                           "Ne réparez rien : conservez le fichier et signalez-le au responsable de la mairie.")
    env.say(verdict.message)
    if exports:
        env.say(f"Témoins concordants : {len(found)} (dans {', '.join(str(path) for path in exports)}).")
    if verdict.head is not None:
        env.say(f"Tête du journal : entrée {verdict.head.id}, empreinte {verdict.head.mac}"
                " (à comparer au témoin du dernier export mensuel).")
    return ExitStatus.OK


def _witnesses_of(path: Path) -> list[tuple[int, str]]:
    """The witnesses of one monthly export; a file that holds none is a usage error, not a pass."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path} : fichier introuvable.", "Donnez à --temoin un export de `autopilot journal export`.") from None
    except (OSError, UnicodeDecodeError):
        raise UsageError(f"{path} : fichier illisible.", "Donnez à --temoin un export de `autopilot journal export`.") from None
    found = witnesses(text)
    if not found:
        raise UsageError(f"{path} : aucun témoin (ligne « temoin;entree;empreinte ») dans ce fichier.",
                         "Donnez à --temoin un export mensuel de `autopilot journal export`, tel qu'il a été écrit.")
    return found


def _export(args: argparse.Namespace, env: Environment) -> int:
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", args.month):
        raise UsageError(f"mois « {args.month} » : format attendu AAAA-MM (ex. 2026-11).")
    journal = Journal()
    text = journal.export_month(args.month)
    entries = journal.entries()
    real = sum(n for _, _, n in monthly_counts(entries, args.month, sandbox=False))
    training = sum(n for _, _, n in monthly_counts(entries, args.month, sandbox=True))
    counted = (f"{real} démarche(s) réelle(s) comptée(s)" if real else
               f"aucune démarche réelle en {args.month} : seul l'en-tête est écrit")
    if training:
        counted += f" ; {training} démarche(s) du bac à sable (formation) non comptée(s)"
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        env.say(f"Statistiques de {args.month} écrites dans {args.out} : {counted}.")
    else:
        env.stdout.write(text)
        print(f"Statistiques de {args.month} : {counted}.", file=env.stderr, flush=True)  # the CSV stays pure
    return ExitStatus.OK


def _purge(args: argparse.Namespace, env: Environment) -> int:
    months = env.config.conservation_mois
    entry = Journal().purge(months=months, mediateur=args.mediateur)
    env.say(f"{entry.details['supprimees']} entrée(s) de plus de {months} mois supprimée(s) ; la purge est journalisée.")
    return ExitStatus.OK
