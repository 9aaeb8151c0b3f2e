"""`autopilot sandbox`: serve the training replicas until Ctrl+C."""

from __future__ import annotations

import argparse
import threading

from autopilot.cli.environment import Environment
from autopilot.errors import ExitStatus, UsageError


def sandbox(args: argparse.Namespace, env: Environment) -> int:
    """Serve the sandbox on 127.0.0.1 until interrupted."""
    from autopilot.sandbox import DEMO_ACCOUNT, Sandbox

    try:
        server = Sandbox(args.port, otp=args.otp).start()
    except OSError as error:
        raise UsageError(f"Le port {args.port} n'est pas disponible ({error.strerror}).", "Choisissez-en un autre : --port N.") from None
    env.say(f"Bac à sable de formation : {server.home_url}")
    env.say(f"Pour autopilot … --sandbox-url {server.address}")
    env.say(f"Compte de démonstration : {DEMO_ACCOUNT['identifiant']} / {DEMO_ACCOUNT['mot_de_passe']}")
    env.say("Ctrl+C pour arrêter.")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        env.say("Bac à sable arrêté.")
    finally:
        server.stop()
    return ExitStatus.OK
