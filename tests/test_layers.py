"""The layers of DESIGN §3 hold: each package imports only the ones below it.

Every module of a package is imported in a fresh interpreter, and the autopilot packages that
ended up loaded are compared with what the package may use. The sandbox stands in for the real
sites, so it may load nothing of the product at all.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

# The bottom of the stack: settings and paths, read by the validation of scanner-folder inputs.
_BASE = {"errors", "config", "paths", "scans"}

ALLOWED: dict[str, set[str]] = {
    "sandbox": set(),
    "errors": set(),
    "dossier": {"errors"},
    "credentials": {"errors"},
    "flows": _BASE | {"dossier"},
    "engine": _BASE | {"dossier", "flows"},
    "recorder": _BASE | {"dossier", "flows", "engine"},
    "reading": _BASE | {"dossier"},
    "journal": _BASE | {"credentials", "dossier", "flows"},
    "ui": _BASE | {"dossier", "flows", "engine", "reading"},
}

_PROBE = """
import importlib, json, pkgutil, sys
name = sys.argv[1]
root = importlib.import_module("autopilot." + name)
for module in pkgutil.walk_packages(getattr(root, "__path__", []), root.__name__ + "."):
    importlib.import_module(module.name)
loaded = {m.split(".")[1] for m in sys.modules if m.startswith("autopilot.")}
print(json.dumps({"packages": sorted(loaded - {name}), "playwright": "playwright" in sys.modules,
                  "keyring": "keyring" in sys.modules}))
"""


def _loaded_by(package: str) -> dict:
    done = subprocess.run([sys.executable, "-c", _PROBE, package], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_a_package_imports_only_the_layers_below_it(package):
    loaded = _loaded_by(package)
    assert set(loaded["packages"]) <= ALLOWED[package], (
        f"autopilot.{package} loads {sorted(set(loaded['packages']) - ALLOWED[package])}")


def test_the_sandbox_loads_nothing_of_the_product():
    """Imported alone, the sandbox loads no other autopilot module, no browser library, no keyring."""
    loaded = _loaded_by("sandbox")
    assert loaded == {"packages": [], "playwright": False, "keyring": False}


def test_validating_flows_needs_no_browser():
    assert _loaded_by("flows")["playwright"] is False


def test_only_credentials_touches_the_keyring():
    for package in ("flows", "engine", "ui", "recorder", "dossier"):
        assert _loaded_by(package)["keyring"] is False, package
