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

# The bottom of the stack: settings and paths, read by the validation of scanner-folder inputs, and
# the bounded YAML reader of flows, settings and citizen data, and its French words for YAML mistakes.
_BASE = {"errors", "config", "paths", "scans", "yaml_source", "yaml_words"}

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


def _cli_imports() -> dict[str, set[str]]:
    """Each `autopilot.cli` module and the cli modules it imports, at its top or inside a function."""
    import ast
    import pathlib

    import autopilot.cli

    folder = pathlib.Path(autopilot.cli.__file__).parent
    graph: dict[str, set[str]] = {}
    for path in sorted(folder.glob("*.py")):
        name = "autopilot.cli" if path.stem == "__init__" else f"autopilot.cli.{path.stem}"
        graph[name] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                # `from autopilot.cli import ending` imports the module autopilot.cli.ending
                targets = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            else:
                continue
            graph[name] |= {t for t in targets if t.startswith("autopilot.cli.") and t != name}
    return {name: {t for t in targets if t in graph} for name, targets in graph.items()}


def test_the_cli_modules_import_one_another_without_a_cycle():
    """A cycle hidden in a function's import still breaks when someone moves that import up."""
    graph = _cli_imports()
    assert graph["autopilot.cli"], "the graph is read"
    cycles = []

    def visit(name: str, trail: tuple[str, ...]) -> None:
        for target in sorted(graph[name]):
            if target in trail:
                cycles.append(" → ".join(trail[trail.index(target):] + (target,)))
            elif len(trail) < len(graph):
                visit(target, trail + (target,))

    for start in sorted(graph):
        visit(start, (start,))
    assert not cycles, cycles[0]


# One interpreter per cli module, forked from one that loaded only the libraries outside autopilot
# (a fresh interpreter each paid those imports again: most of this test's time). What the test is
# about, the order in which autopilot's own modules load, starts in each child from nothing.
_FORKING_PROBE = """
import importlib, json, os, sys, traceback
names = json.loads(sys.argv[1])
read, write = os.pipe()
if os.fork() == 0:  # a throw-away child learns which outside modules the cli loads
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:
            pass  # said by its own child below
    outside = sorted(m for m in sys.modules if m.split(".")[0] != "autopilot")
    os.write(write, json.dumps(outside).encode())
    os._exit(0)
os.close(write)
with os.fdopen(read) as pipe:
    outside = json.loads(pipe.read() or "[]")
os.wait()
for module in outside:
    try:
        importlib.import_module(module)
    except Exception:
        pass  # a private submodule that loads only through its package: left to the child
assert outside and not [m for m in sys.modules if m.split(".")[0] == "autopilot"], "autopilot loaded early"
failed = {}
for name in names:
    read, write = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(read)
        try:
            importlib.import_module(name)
        except BaseException:
            os.write(write, traceback.format_exc().encode())
            os._exit(1)
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        error = pipe.read()
    if os.waitpid(child, 0)[1] != 0:
        failed[name] = error or "no traceback"
print(json.dumps(failed))
"""


def test_each_cli_module_imports_alone():
    """Imported first in a fresh interpreter, each cli module loads (no partially initialised module)."""
    names = sorted(_cli_imports())
    done = subprocess.run([sys.executable, "-c", _FORKING_PROBE, json.dumps(names)], capture_output=True, text=True,
                          check=True)
    assert json.loads(done.stdout) == {}, done.stdout
