"""Measurement 5: peak memory of the process that drives the browser, the browser apart.

Measured in the start-up's fresh processes (`bench/startup.py`), the first pairs of which go on
after "ready" to the end of the passport pré-demande, login included, on the parent's sandbox
(which runs in its own process, so its memory is not counted): autopilot with the imports
`autopilot run` makes, or raw Playwright then the hand-written script, which imports Playwright
alone. At the end the child reports its own peak resident set (VmHWM, see
`bench.processes.high_water_mb`) and, for information, the peak of Playwright's driver (the
Node.js process it spawns; the browser's own processes are the driver's children and are not
counted).
"""

from __future__ import annotations

import resource

from bench.processes import children_high_water_mb, high_water_mb

TARGET_MB = 150


def peaks() -> dict[str, float | None]:
    """In a child that finished the démarche: its peak and its driver's, in MB."""
    # without /proc, getrusage: an upper bound, as it may include the parent's
    python = high_water_mb("self") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"python_mb": python, "driver_mb": children_high_water_mb()}


def section(startup: dict):
    """The memory section from the start-up's figures (`bench.startup.measure(…, finish=n)`)."""
    from bench.report import Row, Section
    from bench.stats import Samples, ratio

    section = Section("5. Memory: peak resident set of the driving process")
    python = {"autopilot": Samples("MB", digits=0), "raw": Samples("MB", digits=0)}
    driver = {"autopilot": Samples("MB", digits=0), "raw": Samples("MB", digits=0)}
    for side, runs in startup.get("memory", {}).items():
        for run in runs:
            python[side].add(run["python_mb"])
            if run["driver_mb"] is not None:
                driver[side].add(run["driver_mb"])
    failure = startup.get("failure") or (None if python["autopilot"].values and python["raw"].values
                                         else "no start-up process went on to the end")
    engine, script = python["autopilot"], python["raw"]
    section.rows.append(Row(
        f"Peak RSS of the Python process, browser apart (n={len(engine.values)})", engine, script,
        ratio(engine, script), f"≤ {TARGET_MB} MB", None if failure else engine.high <= TARGET_MB,
    ))
    section.details += [
        ("The whole pré-demande in a fresh process (the start-up's first pairs, which go on after \"ready\");"
         " the target is checked on the highest of the runs."),
        "",
        "| process | autopilot | hand-written script |",
        "|---|---|---|",
        f"| Python (VmHWM) | {engine.summary()} | {script.summary()} |",
        (f"| Playwright's driver (Node.js, VmHWM; information) | {driver['autopilot'].summary()}"
         f" | {driver['raw'].summary()} |"),
    ]
    if failure:
        section.details += ["", f"**Not measured**: {failure}"]
    section.data = {"python": {s: v.as_dict() for s, v in python.items()},
                    "driver": {s: v.as_dict() for s, v in driver.items()}, "failure": failure}
    return section
