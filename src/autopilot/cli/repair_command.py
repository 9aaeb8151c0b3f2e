"""`autopilot flows repair PATCH [--apply]` and the check of a patch by `flows check PATCH`.

A patch is what an accepted repair proposal wrote in the visit's folder (`flows/patch.py`): it is
shown, the flow it would give is validated like any flow file, and only `--apply` writes it.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from autopilot.cli.environment import Environment
from autopilot.errors import ExitStatus, FlowError
from autopilot.flows import Flow, Library
from autopilot.flows.loader import parse_flow
from autopilot.flows.patch import applied


def checked(name: str, allowed: Sequence[str] = ()) -> tuple[Path, str, Flow]:
    """The flow file a patch changes, its new text and the flow it gives (FlowError if invalid), checked
    against the `allowed` sites of the settings as any flow file is."""
    try:
        text = Path(name).read_text(encoding="utf-8")
    except (FileNotFoundError, UnicodeDecodeError):
        raise FlowError(f"{name} : correctif introuvable ou illisible", "Vérifiez le chemin du fichier .diff.") from None
    library = Library.load(allowed=allowed)
    path, changed = applied(text, library.root.parent)
    return path, changed, parse_flow(changed, f"{path} (corrigé par {name})", Library.trust_of(allowed=allowed))


def repair(args: argparse.Namespace, env: Environment) -> int:
    """Show a patch and validate it; with --apply, write the corrected flow file."""
    path, changed, flow = checked(args.patch, env.allowed_sites)
    env.say(Path(args.patch).read_text(encoding="utf-8").rstrip())
    env.say(f"Le flow corrigé est valide ({flow.id}, {len(flow.steps)} étapes).")
    if not args.apply:
        env.say(f"Rien n'a été modifié. Après relecture : autopilot flows repair {args.patch} --apply")
        return ExitStatus.OK
    path.write_text(changed, encoding="utf-8")
    env.say(f"{path} : correctif appliqué. Pensez à vérifier la démarche : autopilot check {flow.id} --sandbox")
    return ExitStatus.OK
