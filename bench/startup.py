"""Measurement 2: start-up, from process start to the first step ready for approval.

Each run is a fresh process (`python -m bench.startup autopilot|raw …`), launched alternately:

- autopilot: as `autopilot run`, Playwright's driver started while autopilot's modules are imported
  and the flows loaded in a thread (cli/head_start.py), then the citizen's data, autopilot's own browser
  `launch`, a context, then `Session.run` until the first `decide` of a scripted approver — the
  login page opened, checked and filled, waiting for the mediator;
- raw: Playwright imported, the same browser launched with the same flags, a context, the
  same login page opened and its heading waited for.

The parent times from `Popen` to the child's "ready" line; the child also reports its phases,
measured from its first line of code, so the table shows where the time goes.

The first pairs of a run (`finish`) go on after "ready" to the end of the pré-demande (autopilot
approving every step, raw running `bench/handwritten.py`) and report their peak memory: the
memory measurement (`bench/memory.py`) is made in these same fresh processes, not in processes
of its own.
"""

from __future__ import annotations

import time

_STARTED = time.perf_counter()  # before any import but this one: the child's own clock

import argparse
import functools
import json
import subprocess
import sys

LOGIN_URL = "https://ants.gouv.fr/monespace/se-connecter"
LOGIN_HEADING = "Connexion à mon compte"
TARGET = 1.20


class _Phases:
    def __init__(self) -> None:
        self.marks: dict[str, float] = {}
        self._last = _STARTED

    def mark(self, name: str) -> None:
        now = time.perf_counter()
        self.marks[name] = now - self._last
        self._last = now

    def ready(self) -> None:
        """Say so at once (the parent's clock), then the CPU seconds used so far by this process tree."""
        print(json.dumps({"ready": True, "phases": self.marks}), flush=True)
        from bench.processes import cpu_seconds

        print(json.dumps({"cpu": sum(cpu_seconds())}), flush=True)


def _peaks() -> None:
    """The last line of a child that finished the démarche: its peak memory and its driver's (bench/memory.py)."""
    from bench.memory import peaks

    print(json.dumps(peaks()), flush=True)


def _autopilot(port: int, account: dict[str, str], finish: bool) -> None:
    phases = _Phases()
    from autopilot.cli.head_start import head_start  # as `autopilot run`: cli/__init__.py's dispatch

    phases.mark("imports")

    def flows():
        from autopilot.flows import Library

        return Library.load()

    # the driver started while `autopilot run`'s module is imported and the flows loaded in a thread
    # (cli/head_start.py)
    with head_start("autopilot.cli.run_command", flows) as (playwright, _, library):
        phases.mark("Playwright driver")
        from autopilot.engine.approver import Decision, ScriptedApprover
        from autopilot.engine.browser import BrowserSettings, launch
        from autopilot.engine.origins import Origins
        from autopilot.engine.session import Session
        from bench.citizen import CONTEXT, FLOW_ID, values_for

        flow = library.find(FLOW_ID).flow
        values = values_for(flow)
        phases.mark("flows and data")

        class FirstDecision(ScriptedApprover):
            def decide(self, view, poll=None):
                if phases.marks.get("to the first approval") is None:
                    phases.mark("to the first approval")
                    phases.ready()
                return super().decide(view, poll) if finish else Decision.STOP

        browser = launch(playwright, BrowserSettings(headless=True))
        phases.mark("browser launch")
        page = browser.new_context(**CONTEXT).new_page()
        phases.mark("context and page")
        # the account as the keyring would give it (`sandbox_credentials` would import the sandbox server)
        secrets = {"ants.mot_de_passe": account["mot_de_passe"]}.__getitem__
        accounts = {"ants": {"identifiant": account["identifiant"]}}
        result = Session(page, library, FirstDecision(), origins=Origins(port), secrets=secrets,
                         accounts=accounts).run(flow, values)
        if finish:
            from autopilot.engine.outcomes import Outcome

            if result.outcome is not Outcome.COMPLETED:
                raise SystemExit(f"autopilot stopped at « {result.step} »: {result.error}")
            _peaks()
        browser.close()


def _raw(port: int, launch_options: dict, account: dict[str, str], finish: bool) -> None:
    phases = _Phases()
    from playwright.sync_api import sync_playwright

    phases.mark("imports")
    url = f"http://ants.gouv.fr.localhost:{port}/monespace/se-connecter"
    with sync_playwright() as playwright:
        phases.mark("Playwright driver")
        browser = playwright.chromium.launch(**launch_options)
        phases.mark("browser launch")
        page = browser.new_context(locale="fr-FR", viewport={"width": 1400, "height": 900}).new_page()
        phases.mark("context and page")
        page.goto(url, wait_until="domcontentloaded")
        page.get_by_role("heading", level=1, name=LOGIN_HEADING).wait_for()
        phases.mark("to the first approval")
        phases.ready()
        if finish:
            from bench.handwritten import pre_demande

            pre_demande(page, port, account)
            _peaks()
        browser.close()


# --- the parent side ---------------------------------------------------------------------


@functools.cache
def launch_options() -> dict:
    """The browser autopilot's `launch` picks on this machine, with its flags (for the raw side); probed once."""
    from playwright.sync_api import Error, sync_playwright

    from autopilot.engine.browser import BrowserSettings, candidates, launch_arguments

    settings = BrowserSettings(headless=True)
    with sync_playwright() as playwright:
        for options in candidates(playwright, settings):
            try:
                playwright.chromium.launch(headless=True, args=launch_arguments(settings), **options).close()
            except Error:
                continue
            return {"headless": True, "args": launch_arguments(settings), **options}
    raise RuntimeError("no browser starts on this machine")


def run_child(side: str, port: int, options: dict, *, finish: bool = False,
              timeout: float = 120.0) -> tuple[float, dict[str, float], float, dict | None]:
    """One fresh process; seconds from its start to "ready", its phases, its tree's CPU seconds then, and
    (`finish`: it went on to the end of the pré-demande) its peak memory."""
    from autopilot.sandbox import DEMO_ACCOUNT

    command = [sys.executable, "-m", "bench.startup", side, "--port", str(port), "--launch", json.dumps(options),
               "--account", json.dumps(DEMO_ACCOUNT)] + (["--finish"] if finish else [])
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline()
        elapsed = time.perf_counter() - start
        cpu = child.stdout.readline()
        peaks = child.stdout.readline() if finish else ""
        child.wait(timeout=timeout)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    if not line.startswith("{") or not cpu.startswith("{") or (finish and not peaks.startswith("{")):
        raise RuntimeError(f"start-up child « {side} » failed: {child.stderr.read().strip()[-800:]}")
    return elapsed, json.loads(line)["phases"], json.loads(cpu)["cpu"], json.loads(peaks) if finish else None


def measure(iterations: int, sandbox, *, smoke: bool = False, finish: int = 0):
    """`iterations` fresh processes per side, alternating, after one warm-up pair (none if `smoke`); the
    first `finish` timed pairs go on to the end and report their peak memory (`section.data["memory"]`)."""
    # imported here: the children run this module and must not pay for the parent's imports
    from bench.report import Row, Section
    from bench.stats import Samples, interleaved, ratio

    section = Section("2. Start-up: process start to the first step ready for approval")
    options = launch_options()
    totals = {"autopilot": Samples("s"), "raw": Samples("s")}
    cpu = {"autopilot": Samples("s"), "raw": Samples("s")}
    phases: dict[str, dict[str, Samples]] = {"autopilot": {}, "raw": {}}
    memory: dict[str, list[dict]] = {"autopilot": [], "raw": []}
    failure = None
    try:
        warm_up = not smoke
        for index, order in enumerate([("a", "b")] * warm_up + interleaved(iterations)):
            finishing = warm_up <= index < warm_up + finish
            for side in ("autopilot" if s == "a" else "raw" for s in order):
                if finishing:
                    sandbox.reset()  # a timbre fiscal is accepted once
                elapsed, marks, used, peaks = run_child(side, sandbox.port, options, finish=finishing)
                if peaks is not None:
                    memory[side].append(peaks)
                if index < warm_up:
                    continue  # the first pair loads the files into the OS cache
                totals[side].add(elapsed)
                cpu[side].add(used)
                for name, seconds in marks.items():
                    phases[side].setdefault(name, Samples("s")).add(seconds)
    except RuntimeError as error:
        failure = str(error)
    value = ratio(totals["autopilot"], totals["raw"])
    section.rows.append(Row(f"Start-up to the first approval, fresh process (n={len(totals['autopilot'].values)})",
                            totals["autopilot"], totals["raw"], value, f"ratio ≤ {TARGET:.2f}",
                            None if failure else value <= TARGET))
    browser = options.get("executable_path") or options.get("channel") or "Playwright's Chromium"
    section.details += [
        (f"Browser: {browser}, headless, autopilot's flags. Timed by the parent from `Popen` to the child's"
        " \"ready\" line. Phases are medians measured inside the child from its first line of code"
        " (the interpreter's own start-up is the difference with the total)."),
        "",
    ]
    if failure:
        section.details.append(f"**Not measured**: {failure}")
    names = list(dict.fromkeys([*phases["autopilot"], *phases["raw"]]))
    section.details += ["| phase | autopilot | raw Playwright |", "|---|---|---|"]
    for name in names:
        cells = [f"{phases[side][name].median * 1000:.0f} ms" if name in phases[side] else "—"
                 for side in ("autopilot", "raw")]
        section.details.append(f"| {name} | {cells[0]} | {cells[1]} |")
    section.details += [
        (f"| **total, from `Popen`** | **{totals['autopilot'].median * 1000:.0f} ms**"
        f" | **{totals['raw'].median * 1000:.0f} ms** |"),
        (f"| CPU time of the process tree (Python, driver, browser) by then | {cpu['autopilot'].median * 1000:.0f} ms"
        f" | {cpu['raw'].median * 1000:.0f} ms |"),
        "",
        f"CPU ratio (steadier than wall-clock on a loaded machine): {ratio(cpu['autopilot'], cpu['raw']):.2f}.",
    ]
    section.data = {
        "autopilot": totals["autopilot"].as_dict(), "raw": totals["raw"].as_dict(), "ratio": value,
        "failure": failure, "phases": {side: {n: s.median for n, s in p.items()} for side, p in phases.items()},
        "cpu": {side: samples.as_dict() for side, samples in cpu.items()}, "memory": memory,
    }
    return section


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.startup")
    parser.add_argument("side", choices=("autopilot", "raw"))
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--launch", default="{}", help="the raw side's launch options (JSON)")
    parser.add_argument("--account", default="{}", help="the ANTS account: identifiant, mot_de_passe (JSON)")
    parser.add_argument("--finish", action="store_true", help="go on to the end of the pré-demande, report the peaks")
    args = parser.parse_args()
    if args.side == "autopilot":
        _autopilot(args.port, json.loads(args.account), args.finish)
    else:
        _raw(args.port, json.loads(args.launch), json.loads(args.account), args.finish)


if __name__ == "__main__":
    main()
