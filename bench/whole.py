"""Measurement 1b: the whole process, `autopilot run` against a hand-written script as one process.

- autopilot: `autopilot run passeport-pre-demande --sandbox-url … --data … --headless --approve-all`,
  in a throw-away home (its settings, journal and keyring-less sandbox credentials), exactly as a
  person would type it;
- hand-written: `python -m bench.whole PORT`, a process that imports Playwright, launches the same
  browser with the same flags, logs in and does the same pré-demande (bench/handwritten.py).

Timed from `Popen` to the process's exit; CPU time is the child's and all its descendants' (the
driver, the browser and its renderers): `wait4`, and the orphans taken in (`processes.reaping`).
Runs alternate; the sandbox is reset before each.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.processes import children, orphans_cpu, reap_ended, reaping

TARGET = 1.10


def _handwritten(port: int, launch_options: dict, account: dict) -> None:
    """The child of the hand-written side: one process doing the démarche, the numéro on stdout."""
    from playwright.sync_api import sync_playwright

    from bench.handwritten import pre_demande

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch_options)
        page = browser.new_context(locale="fr-FR", viewport={"width": 1400, "height": 900}).new_page()
        print(pre_demande(page, port, account), flush=True)
        browser.close()


def _timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float, float, str]:
    """Wall seconds from Popen to exit; CPU seconds of the process and the descendants it waited for
    (`wait4`), and of its orphaned descendants (Chromium's renderers, `processes.reaping`); its stdout."""
    reap_ended()
    known = children()  # the sandbox
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    out, err = child.stdout.read(), child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    orphans, _ = orphans_cpu(known)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"« {' '.join(command[:4])} » failed ({child.returncode}): {(err or out).strip()[-600:]}")
    return elapsed, usage.ru_utime + usage.ru_stime, orphans, out


def measure(iterations: int, sandbox, *, smoke: bool = False):
    """`iterations` processes per side, alternating, after one warm-up pair (none if `smoke`)."""
    import yaml

    from autopilot.flows import Library
    from autopilot.sandbox import DEMO_ACCOUNT
    from bench.citizen import FLOW_ID, values_for
    from bench.report import Row, Section
    from bench.startup import launch_options
    from bench.stats import Samples, interleaved, ratio

    section = Section("1b. Whole process: `autopilot run --headless --approve-all` against a hand-written script")
    flow = Library.load().find(FLOW_ID).flow
    options = launch_options()
    wall = {"a": Samples("s"), "b": Samples("s")}
    cpu = {"a": Samples("s"), "b": Samples("s")}  # the whole tree's, orphans included where they can be counted
    waited = {"a": Samples("s"), "b": Samples("s")}  # the process and the descendants it waited for (wait4)
    failure = None
    with tempfile.TemporaryDirectory() as home, reaping() as whole_tree:
        data = Path(home) / "usager.yaml"
        data.write_text(yaml.safe_dump(values_for(flow), allow_unicode=True), encoding="utf-8")
        env = {**os.environ, "HOME": home, "XDG_CONFIG_HOME": f"{home}/config", "XDG_DATA_HOME": f"{home}/data",
               "XDG_CACHE_HOME": f"{home}/cache", "XDG_STATE_HOME": f"{home}/state"}
        autopilot = [str(Path(sys.executable).with_name("autopilot")), "run", FLOW_ID, "--sandbox-url",
                     sandbox.address, "--data", str(data), "--headless", "--approve-all"]
        script = [sys.executable, "-m", "bench.whole", str(sandbox.port), json.dumps(options), json.dumps(DEMO_ACCOUNT)]
        try:
            warm_up = not smoke
            for index, order in enumerate([("a", "b")] * warm_up + interleaved(iterations)):
                for side in order:
                    sandbox.reset()
                    seconds, used, orphans, _ = _timed(autopilot if side == "a" else script, env if side == "a" else None)
                    if index >= warm_up:
                        wall[side].add(seconds)
                        cpu[side].add(used + orphans)
                        waited[side].add(used)
        except RuntimeError as error:
            failure = str(error)
    value = ratio(wall["a"], wall["b"])
    cpu_ratio = ratio(cpu["a"], cpu["b"])
    waited_ratio = ratio(waited["a"], waited["b"])
    n = len(wall["a"].values)
    tree = "CPU of the process tree" if whole_tree else "CPU of the process and the descendants it waited for"
    section.rows.append(Row(f"Whole process, wall: `autopilot run` vs a hand-written script (n={n})",
                            wall["a"], wall["b"], value, f"ratio ≤ {TARGET:.2f}", None if failure else value <= TARGET))
    section.rows.append(Row(f"Whole process, {tree} (n={n})", cpu["a"], cpu["b"], cpu_ratio,
                            f"ratio ≤ {TARGET:.2f}", None if failure else cpu_ratio <= TARGET))
    section.details += [
        (f"`autopilot run {FLOW_ID} --sandbox-url … --data … --headless --approve-all` in a throw-away home,"
         " against `python -m bench.whole`: Playwright, the same browser and flags, the login and the pré-demande"
         " of `bench/handwritten.py`, in one process. Timed from `Popen` to exit."),
        "",
        ("CPU: the process's, Playwright's driver's and the browser's, every process of the tree. `wait4` on the"
         " process counts those it and its descendants waited for; Chromium's renderers often end after the"
         " zygote that started them and are then nobody's child: the bench takes them in as they are orphaned"
         " (Linux's child subreaper, `bench/processes.py`) and adds their CPU when they end."
         + ("" if whole_tree else " **This system cannot: the row counts only what `wait4` counts.**")),
    ]
    if whole_tree:
        section.details += [
            "",
            (f"What `wait4` alone counts (the measure before 2026-12-07 23:30, without the orphans): autopilot"
             f" {waited['a'].median:.2f} s, hand-written {waited['b'].median:.2f} s, ratio {waited_ratio:.3f}."
             f" The orphans add {cpu['a'].median - waited['a'].median:.2f} s and"
             f" {cpu['b'].median - waited['b'].median:.2f} s."),
        ]
    if failure:
        section.details += ["", f"**Not measured**: {failure}"]
    section.data = {"wall": {k: v.as_dict() for k, v in wall.items()}, "cpu": {k: v.as_dict() for k, v in cpu.items()},
                    "cpu_waited": {k: v.as_dict() for k, v in waited.items()}, "whole_tree": whole_tree,
                    "ratio": value, "cpu_ratio": cpu_ratio, "cpu_waited_ratio": waited_ratio, "failure": failure}
    return section


if __name__ == "__main__":
    _handwritten(int(sys.argv[1]), json.loads(sys.argv[2]), json.loads(sys.argv[3]))
