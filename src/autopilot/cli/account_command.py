"""`autopilot account set | list | test | delete` and `autopilot mediateur add | list | remove`.

The identifiant and the mediators' names go to the settings file; the password goes to
the OS keyring and nowhere else — it is never echoed, printed or written to a file.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from autopilot import credentials
from autopilot.cli.environment import Environment
from autopilot.config import config_path
from autopilot.errors import ExitStatus, UsageError

PASSWORD_KEY = "mot_de_passe"


def account(args: argparse.Namespace, env: Environment) -> int:
    """Dispatch the `account` actions."""
    return {"set": _set, "list": _list, "test": _test, "delete": _delete}[args.account_command](args, env)


def _set(args: argparse.Namespace, env: Environment) -> int:
    config = env.config
    identifiant = args.identifiant or _ask(f"Identifiant du compte « {args.name} » : ")
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"Mot de passe du compte « {args.name} » (il ne s'affiche pas) : ")
        if getpass.getpass("Confirmez le mot de passe : ") != password:
            raise UsageError("Les deux mots de passe sont différents : rien n'a été enregistré.")
    if not password:
        raise UsageError("Mot de passe vide : rien n'a été enregistré.")
    credentials.store(args.name, PASSWORD_KEY, password)
    config.comptes[args.name] = {"identifiant": identifiant}
    config.save()
    env.say(f"Compte « {args.name} » enregistré : identifiant {identifiant} dans {config_path()},"
            " mot de passe dans le trousseau du système.")
    return ExitStatus.OK


def _ask(prompt: str) -> str:
    try:
        answer = input(prompt).strip()
    except EOFError:
        answer = ""
    if not answer:
        raise UsageError("Identifiant vide : rien n'a été enregistré.", "Donnez-le avec --identifiant.")
    return answer


def _list(args: argparse.Namespace, env: Environment) -> int:
    config = env.config
    if not config.comptes:
        env.say("Aucun compte enregistré. Ajoutez-en un avec `autopilot account set ants`.")
        return ExitStatus.OK
    for name, settings in sorted(config.comptes.items()):
        stored = "enregistré" if credentials.has(name, PASSWORD_KEY) else "ABSENT du trousseau"
        env.say(f"{name} : identifiant {settings.get('identifiant', '?')}, mot de passe {stored}")
    return ExitStatus.OK


def _delete(args: argparse.Namespace, env: Environment) -> int:
    config = env.config
    had_password = credentials.delete(args.name, PASSWORD_KEY)
    had_settings = config.comptes.pop(args.name, None) is not None
    if not (had_password or had_settings):
        raise UsageError(f"Aucun compte « {args.name} » n'est enregistré.")
    config.save()
    env.say(f"Compte « {args.name} » supprimé de ce poste.")
    return ExitStatus.OK


def _test(args: argparse.Namespace, env: Environment) -> int:
    from autopilot.cli.run_command import check_login

    on_a_sandbox = args.sandbox or args.sandbox_url
    if not on_a_sandbox and not (args.name in env.config.comptes and credentials.has(args.name, PASSWORD_KEY)):
        # Said before any browser or network: the site is not the problem.
        raise UsageError(f"Aucun compte « {args.name} » n'est enregistré sur ce poste : il n'y a rien à tester.",
                         f"Enregistrez-le avec `autopilot account set {args.name}`, puis relancez le test.")
    return check_login(args, env)


def mediateur(args: argparse.Namespace, env: Environment) -> int:
    """`autopilot mediateur add | list | remove`: who may operate the shared account."""
    config = env.config
    if args.mediateur_command == "list":
        for name in config.mediateurs:
            env.say(name)
        if not config.mediateurs:
            env.say("Aucun médiateur enregistré. Ajoutez-en un avec `autopilot mediateur add \"Prénom Nom\"`.")
        return ExitStatus.OK
    name = " ".join(args.name.split())
    if args.mediateur_command == "add":
        if name in config.mediateurs:
            raise UsageError(f"« {name} » est déjà enregistré.")
        config.mediateurs.append(name)
        env.say(f"Médiateur « {name} » ajouté.")
    else:
        if name not in config.mediateurs:
            raise UsageError(f"« {name} » n'est pas enregistré.", f"Médiateurs : {', '.join(config.mediateurs) or 'aucun'}.")
        config.mediateurs.remove(name)
        env.say(f"Médiateur « {name} » retiré.")
    config.save()
    return ExitStatus.OK

