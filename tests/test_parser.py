"""The command line speaks French, argparse's own words included."""

from __future__ import annotations

import subprocess
import sys

import pytest

ENGLISH = ("usage:", "invalid choice", "unrecognized arguments", "the following arguments", "show this help",
           "positional arguments", "expected one argument", "not allowed with")


def autopilot(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autopilot", *args], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(("args", "said"), [
    (("runn",), "COMMANDE : « runn » n'est pas un choix possible"),
    (("run",), "il manque : DEMARCHE"),
    (("flows", "list", "--bogus"), "arguments inconnus : --bogus"),
    (("journal", "list", "--limit", "x"), "--limit : « x » n'est pas une valeur correcte"),
    (("run", "passeport-pre-demande", "--sandbox", "--sandbox-url", "http://localhost:1"),
     "--sandbox-url ne peut pas être utilisé avec --sandbox"),
])
def test_a_usage_error_is_said_in_french(args, said):
    done = autopilot(*args)
    assert done.returncode == 2
    assert f"Erreur : commande incorrecte : {said}" in done.stderr
    assert not any(word in done.stderr for word in ENGLISH), done.stderr


@pytest.mark.parametrize("args", [(), ("run",), ("flows",), ("journal", "list")])
def test_help_is_in_french(args):
    done = autopilot(*args, "--help")
    assert done.returncode == 0
    assert done.stdout.startswith("utilisation : autopilot")
    assert "affiche cette aide" in done.stdout
    assert not any(word in done.stdout for word in ENGLISH), done.stdout
