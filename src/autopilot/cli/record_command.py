"""`autopilot record`: a new flow by demonstration, written to a file that passes `flows check`."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from autopilot.cli import browsing
from autopilot.cli.environment import Environment
from autopilot.engine import fingerprints
from autopilot.engine.origins import Origins
from autopilot.errors import ExitStatus, FlowError, UsageError
from autopilot.flows import Library, parse_flow
from autopilot.recorder.draft import FlowDraft, draft_flow
from autopilot.recorder.fingerprints import recorded_fingerprints
from autopilot.recorder.recorder import Recorder, real_url
from autopilot.recorder.writer import flow_text


def record(args: argparse.Namespace, env: Environment) -> int:
    """Open the browser on `--url`, record until « Terminer l'enregistrement », write `--out`."""
    out = _out_file(args.out)
    browsing.check_browser(False, args.remote_debugging_port, sandboxed=args.sandbox or bool(args.sandbox_url),
                           approve_all=None, env=env)
    try:
        library = Library.load(allowed=env.allowed_sites)
        accounts = [entry.flow for entry in library.accounts]  # their login pages are not recorded
    except FlowError:
        accounts = []
        env.say("Attention : la bibliothèque de flows a des erreurs (autopilot flows check) ; les pages de connexion"
                " des comptes ne seront pas reconnues.")
    with browsing.origins(args.sandbox, args.sandbox_url, env) as where:
        start = _start_url(args.url, where)
        if where.sandbox:
            from autopilot.sandbox import DEMO_ACCOUNT

            env.say(f"Compte de démonstration du bac à sable : {DEMO_ACCOUNT['identifiant']}"
                    " (mot de passe sur la page d'accueil du bac à sable).")
        with browsing.window(False, args.remote_debugging_port) as window:
            recorder = Recorder(window.context, window.page, where, title=args.title or "Nouvelle démarche")
            env.say("Enregistrement : faites la démarche dans la fenêtre du navigateur, puis cliquez sur"
                    " « Terminer l'enregistrement » dans le panneau.")
            events = recorder.record(start)
    if events is None:
        env.say("Enregistrement annulé : aucun fichier n'a été écrit.")
        return ExitStatus.STOPPED
    draft = draft_flow(events, start_url=start, title=args.title, to_real=lambda url: real_url(where, url),
                       accounts=accounts, results=recorder.results)
    if not draft.steps:
        env.say("Rien n'a été enregistré : aucun fichier n'a été écrit.")
        return ExitStatus.STOPPED
    text = flow_text(draft, examples=args.examples, recorded_on=date.today())
    out.write_text(text, encoding="utf-8")
    try:
        parse_flow(text, str(out))
    except FlowError as error:  # a bug of the recorder: the file is kept for the report
        raise FlowError(f"Le flow enregistré dans {out} n'est pas valide : {error.message}",
                        "C'est une erreur d'autopilot : transmettez le fichier à la maintenance.") from None
    learned = recorded_fingerprints(draft, events)
    if learned:  # beside the flow: what identifies each field besides its label (docs/adr/0014-fingerprints.md)
        fingerprints.save(out, draft.id, learned)
    _summary(draft, out, env)
    return ExitStatus.OK


def _out_file(name: str) -> Path:
    out = Path(name)
    if out.suffix not in (".yaml", ".yml"):
        raise UsageError(f"--out {name} : un fichier .yaml est attendu.")
    if out.exists():
        raise UsageError(f"{name} existe déjà : il n'est pas remplacé.", "Choisissez un autre nom de fichier.")
    if not out.parent.is_dir():
        raise UsageError(f"--out {name} : le dossier {out.parent} n'existe pas.")
    return out


def _start_url(url: str, where: Origins) -> str:
    """The real address to start from; a sandbox address is taken back to the real site's."""
    real = real_url(where, url) if where.sandbox else None
    parts = urlsplit(real or url)
    if parts.scheme != "https" or not parts.hostname:
        raise UsageError(f"--url {url} : une adresse complète en https:// est attendue.",
                         "Par exemple https://passeport.ants.gouv.fr/demarches-en-ligne/pre-demande-passeport.")
    return real or url


def _summary(draft: FlowDraft, out: Path, env: Environment) -> None:
    names = ", ".join(f"{name} ({spec.type})" for name, spec in draft.inputs.items()) or "aucune"
    env.say(f"Flow enregistré dans {out} : {len(draft.steps)} étape(s) ; données à saisir : {names}.")
    if draft.account:
        env.say(f"Connexion : compte « {draft.account} » ; le mot de passe n'est pas enregistré"
                f" (secret: {draft.account}.mot_de_passe, lu dans le trousseau).")
    if draft.warnings:
        env.say("À vérifier :")
        for warning in draft.warnings:
            env.say(f"  - {warning}")
    env.say(f"Relisez le fichier, puis essayez-le : autopilot run {out} --data DONNEES.yaml --sandbox")
