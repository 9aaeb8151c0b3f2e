"""Measurement 5: peak memory of the process that drives the browser, the browser apart.

Each run is a fresh process (`python -m bench.memory autopilot|handwritten …`) doing the whole
passport pré-demande, login included, on the parent's sandbox (which runs in its own process,
so its memory is not counted): autopilot with the imports `autopilot run` makes, or the
hand-written script, which imports Playwright alone. At the end the child reports its own peak
resident set (VmHWM, see `bench.processes.high_water_mb`) and, for information, the peak
of Playwright's driver (the Node.js process it spawns; the browser's own processes are the
driver's children and are not counted).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys

from bench.processes import children_high_water_mb, high_water_mb

TARGET_MB = 150


def _peak_mb() -> float:
    """This process's peak; without /proc, getrusage (an upper bound: it may include the parent's)."""
    return high_water_mb("self") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(side: str, port: int, account: dict[str, str], options: dict) -> None:
    from playwright.sync_api import sync_playwright

    if side == "autopilot":
        import autopilot.cli.run_command  # noqa: F401 -- what `autopilot run` imports
        from autopilot.engine.approver import ScriptedApprover
        from autopilot.engine.browser import BrowserSettings, launch
        from autopilot.engine.origins import Origins
        from autopilot.engine.runner import Outcome
        from autopilot.engine.session import Session
        from autopilot.flows import Library
        from bench.citizen import CONTEXT, FLOW_ID, values_for

        library = Library.load()
        flow = library.find(FLOW_ID).flow
        values = values_for(flow)
        with sync_playwright() as playwright:
            browser = launch(playwright, BrowserSettings(headless=True))
            page = browser.new_context(**CONTEXT).new_page()
            secrets = {"ants.mot_de_passe": account["mot_de_passe"]}.__getitem__
            accounts = {"ants": {"identifiant": account["identifiant"]}}
            result = Session(page, library, ScriptedApprover(), origins=Origins(port), secrets=secrets,
                             accounts=accounts).run(flow, values)
            if result.outcome is not Outcome.COMPLETED:
                raise SystemExit(f"autopilot stopped at « {result.step} »: {result.error}")
            driver = children_high_water_mb()
            browser.close()
    else:
        from bench import handwritten

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(**options)
            page = browser.new_context(locale="fr-FR", viewport={"width": 1400, "height": 900}).new_page()
            handwritten.pre_demande(page, port, account)
            driver = children_high_water_mb()
            browser.close()
    print(json.dumps({"python_mb": _peak_mb(), "driver_mb": driver}), flush=True)


def run_child(side: str, port: int, options: dict) -> dict:
    """One fresh process doing the whole démarche; its peaks in MB."""
    from autopilot.sandbox import DEMO_ACCOUNT

    done = subprocess.run(
        [sys.executable, "-m", "bench.memory", side, "--port", str(port), "--account", json.dumps(DEMO_ACCOUNT),
         "--launch", json.dumps(options)],
        capture_output=True, text=True, timeout=120, check=False,
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"memory child « {side} » failed: {(done.stderr or done.stdout).strip()[-800:]}")
    return json.loads(lines[-1])


def measure(iterations: int, sandbox):
    """`iterations` fresh processes per side, alternating."""
    from bench.report import Row, Section
    from bench.startup import launch_options
    from bench.stats import Samples, interleaved, ratio

    section = Section("5. Memory: peak resident set of the driving process")
    options = launch_options()
    python = {"autopilot": Samples("MB", digits=0), "handwritten": Samples("MB", digits=0)}
    driver = {"autopilot": Samples("MB", digits=0), "handwritten": Samples("MB", digits=0)}
    failure = None
    try:
        for order in interleaved(iterations):
            for side in ("autopilot" if s == "a" else "handwritten" for s in order):
                sandbox.reset()
                peaks = run_child(side, sandbox.port, options)
                python[side].add(peaks["python_mb"])
                if peaks["driver_mb"] is not None:
                    driver[side].add(peaks["driver_mb"])
    except RuntimeError as error:
        failure = str(error)
    engine, script = python["autopilot"], python["handwritten"]
    section.rows.append(Row(
        f"Peak RSS of the Python process, browser apart (n={len(engine.values)})", engine, script,
        ratio(engine, script), f"≤ {TARGET_MB} MB", None if failure else engine.high <= TARGET_MB,
    ))
    section.details += [
        "The whole pré-demande in a fresh process; the target is checked on the highest of the runs.",
        "",
        "| process | autopilot | hand-written script |",
        "|---|---|---|",
        f"| Python (VmHWM) | {engine.summary()} | {script.summary()} |",
        (f"| Playwright's driver (Node.js, VmHWM; information) | {driver['autopilot'].summary()}"
        f" | {driver['handwritten'].summary()} |"),
    ]
    if failure:
        section.details += ["", f"**Not measured**: {failure}"]
    section.data = {"python": {s: v.as_dict() for s, v in python.items()},
                    "driver": {s: v.as_dict() for s, v in driver.items()}, "failure": failure}
    return section


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.memory")
    parser.add_argument("side", choices=("autopilot", "handwritten"))
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--account", required=True, help="the ANTS account: identifiant, mot_de_passe (JSON)")
    parser.add_argument("--launch", default="{}", help="the hand-written side's launch options (JSON)")
    args = parser.parse_args()
    _child(args.side, args.port, json.loads(args.account), json.loads(args.launch))


if __name__ == "__main__":
    main()
