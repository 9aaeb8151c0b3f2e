"""`autopilot flows list | check | show | schema`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from autopilot.cli.environment import Environment
from autopilot.errors import ExitStatus, FlowError
from autopilot.flows import Flow, Library, load_flow
from autopilot.flows.inputs import input_label, needed_because


def flows(args: argparse.Namespace, env: Environment) -> int:
    """Dispatch the `flows` actions."""
    if args.flows_command == "repair":
        from autopilot.cli.repair_command import repair

        return repair(args, env)
    return {"list": _list, "check": _check, "show": _show, "schema": _schema}[args.flows_command](args, env)


def _list(args: argparse.Namespace, env: Environment) -> int:
    for category, entries in Library.load(allowed=env.allowed_sites).by_category():
        env.say(category)
        for entry in entries:
            env.say(f"  {entry.flow.id:<28} {entry.flow.title}")
    return ExitStatus.OK


def _check(args: argparse.Namespace, env: Environment) -> int:
    if not args.paths:
        library = Library.load(allowed=env.allowed_sites)
        env.say(f"{len(library.demarches)} démarche(s) et {len(library.accounts)} compte(s) valides dans {library.root}.")
        return ExitStatus.OK
    problems = []
    trust = Library.trust_of(allowed=env.allowed_sites)
    for name in args.paths:
        try:
            if name.endswith((".diff", ".patch")):  # a repair proposal: the flow it would give (repair_command.py)
                from autopilot.cli.repair_command import checked

                flow = checked(name, env.allowed_sites)[2]
            else:
                flow = load_flow(Path(name), trust=trust)
            env.say(f"{name} : valide ({flow.id}, {len(flow.steps)} étapes).")
        except FlowError as error:
            problems.append(str(error) + (f"\n  → {error.hint}" if error.hint else ""))
    if problems:
        raise FlowError("\n".join(problems))
    return ExitStatus.OK


def _show(args: argparse.Namespace, env: Environment) -> int:
    entry = Library.load(allowed=env.allowed_sites).find(args.flow)
    flow = entry.flow
    env.say(f"{flow.title} ({flow.id}, version {flow.version}) — {flow.category}")
    if flow.summary:
        env.say(flow.summary)
    env.say(f"Fichier : {entry.path}")
    env.say(f"Sites : {', '.join(flow.domains)}" + (f" ; compte : {flow.account}" if flow.account else ""))
    if flow.bring:
        env.say("À apporter par l'usager :")
        for item in flow.bring:
            env.say(f"  - {item}")
    env.say("Données demandées :")
    for name, spec in flow.inputs.items():
        need = "" if spec.always_required else f", {needed_because(flow, spec)[:-1]}" if spec.conditions else ", facultatif"
        env.say(f"  - {input_label(name, spec)} ({spec.type}{need})")
    env.say("Étapes :")
    for number, step in enumerate(flow.steps, 1):
        extra = f" [validation {'envoi' if step.gate == 'submit' else 'paiement'}]" if step.gate else ""
        env.say(f"  {number}. {step.title}{extra}" + (" (si applicable)" if step.when or step.optional else ""))
    if flow.outputs:
        env.say("Résultats : " + ", ".join(o.label for o in flow.outputs.values()))
    return ExitStatus.OK


def _schema(args: argparse.Namespace, env: Environment) -> int:
    text = json.dumps(Flow.model_json_schema(), indent=2, ensure_ascii=False)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
        env.say(f"Schéma écrit dans {args.out}.")
    else:
        env.say(text)
    return ExitStatus.OK
