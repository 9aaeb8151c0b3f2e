"""`python -m bench`: run the measurements, write bench/RESULTS.md (see bench/__init__.py)."""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

from autopilot.engine.browser import BrowserSettings, launch
from bench import console, memory, overhead, startup, validation, whole, workload
from bench.report import render
from bench.sandbox import RemoteSandbox

COMMAND = ".venv/bin/python -m bench"
MEASUREMENTS = ("overhead", "whole", "startup", "validation", "workload", "memory", "console")
FLOWS = 1000
READING = "<!-- lecture: python -m bench.reading -->"  # kept as it is: `python -m bench.reading` writes it


def _whole_runs(iterations: int) -> int:
    """Whole processes per side: as many as the overhead's runs. Three were too few to tell 1.10 from 1.17;
    five left the CPU ratio of one and the same code between 1.09 and 1.13 from run to run (bench/RESULTS.md)."""
    return iterations


def _clean(value):
    """JSON without NaN: a missing figure is null."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


@contextlib.contextmanager
def _browser() -> Iterator[Browser]:
    """Playwright and autopilot's own headless browser (its `launch`, hence its flags), closed at the end."""
    with sync_playwright() as playwright:
        browser = launch(playwright, BrowserSettings(headless=True))
        try:
            yield browser
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--iterations", type=int, default=10, help="runs per side for overhead and start-up (10)")
    parser.add_argument("--smoke", action="store_true",
                        help="one run of each measurement (20 flows, the workload of 4 démarches): checks the code path, proves nothing")
    parser.add_argument("--only", default=",".join(MEASUREMENTS), help=f"some of {', '.join(MEASUREMENTS)}")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "RESULTS.md")
    parser.add_argument("--json", type=Path, help="also write the raw figures there")
    args = parser.parse_args(argv)
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(chosen) - set(MEASUREMENTS))
    if unknown:
        parser.error(f"unknown measurement(s): {', '.join(unknown)}")
    iterations = 1 if args.smoke else args.iterations
    memory_runs = 1 if args.smoke else 2
    started = time.perf_counter()
    sections = []
    startup_figures = None  # the memory is measured in the start-up's processes
    if {"whole", "startup", "memory"} & set(chosen):
        startup.launch_options()  # probed (and kept) before the shared browser's Playwright, which owns this thread
    with RemoteSandbox() as sandbox, contextlib.ExitStack() as stack:
        browser = None  # one Playwright and browser for the in-process measurements, launched once
        for name in MEASUREMENTS:
            if name not in chosen:
                continue
            print(f"bench: {name}…", file=sys.stderr, flush=True)
            began = time.perf_counter()
            if name in ("overhead", "workload", "console") and browser is None:
                browser = stack.enter_context(_browser())
            if name == "overhead":
                sections.append(overhead.measure(iterations, sandbox, browser, smoke=args.smoke))
            elif name == "whole":
                sections.append(whole.measure(_whole_runs(iterations), sandbox, smoke=args.smoke))
            elif name == "startup":
                sections.append(startup.measure(iterations, sandbox, smoke=args.smoke,
                                                finish=memory_runs if "memory" in chosen else 0))
                startup_figures = sections[-1].data
            elif name == "validation":
                sections.append(validation.measure(20 if args.smoke else FLOWS))
            elif name == "workload":
                sections.append(workload.measure(sandbox, browser, smoke=args.smoke))
            elif name == "console":
                sections.append(console.measure(max(1, iterations // 3), sandbox, browser.browser_type, smoke=args.smoke))
            else:
                if startup_figures is None:  # the start-up not asked for: its processes run for the memory alone
                    startup_figures = startup.measure(memory_runs, sandbox, smoke=True, finish=memory_runs).data
                sections.append(memory.section(startup_figures))
            print(f"bench: {name} took {time.perf_counter() - began:.1f} s", file=sys.stderr, flush=True)
    seconds = time.perf_counter() - started
    command = COMMAND + (" --smoke" if args.smoke else "")
    runs = (f"{iterations} runs per side for the overhead and the start-up, {_whole_runs(iterations)} for the whole"
            f" process, {max(1, iterations // 3)} for the console's visits, {memory_runs} for the memory")
    previous = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
    reading = previous[previous.index(READING):] if READING in previous else ""  # bench.reading's own section
    args.out.write_text(render(sections, command=command, runs=runs, seconds=seconds)
                        + ("\n" + reading if reading else ""), encoding="utf-8")
    if args.json:
        rows = [{"measurement": r.measurement, "ratio": r.ratio, "target": r.target, "met": r.met,
                 "autopilot": r.subject.as_dict(), "baseline": r.baseline.as_dict() if r.baseline else None}
                for s in sections for r in s.rows]
        figures = {"rows": rows, "sections": {s.title: s.data for s in sections}, "seconds": seconds}
        args.json.write_text(json.dumps(_clean(figures), ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"bench: {args.out} written in {seconds:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
