"""What a measurement hands back, and the Markdown page (`bench/RESULTS.md`) they make together."""

from __future__ import annotations

import math
import os
import platform
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bench.stats import Samples


@dataclass
class Row:
    """One line of the summary table."""

    measurement: str
    subject: Samples  # autopilot's side
    baseline: Samples | None  # the hand-written side, when there is one
    ratio: float | None  # subject / baseline medians; None when the target is absolute
    target: str
    met: bool | None  # None when the measurement could not be made


@dataclass
class Section:
    """One measurement: its summary rows, its details in Markdown, its raw figures."""

    title: str
    rows: list[Row] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)


def _met(met: bool | None) -> str:
    return {True: "yes", False: "**no**", None: "not measured"}[met]


def _ratio(value: float | None) -> str:
    if value is None:
        return "—"
    return "n/a" if math.isnan(value) else f"{value:.3f}"  # three decimals: 1.104 is not "1.10"


def render(sections: list[Section], *, command: str, runs: str, seconds: float) -> str:
    """The whole page: the summary table first, then each measurement's details."""
    lines = [
        "# Benchmarks",
        "",
        (f"Produced by `{command}` on {datetime.now():%Y-%m-%d %H:%M} ({platform.node() or 'this machine'},"
        f" Python {platform.python_version()}; {runs}; {seconds:.0f} s in all)."),
        "Every ratio compares two sides measured side by side, interleaved, in this one run: the machine's",
        "load changes from run to run, the ratios much less. Times are wall-clock; lower is better.",
        (f"Load average at the end of the run: {' / '.join(f'{v:.1f}' for v in os.getloadavg())} (1 / 5 / 15 min)"
        f" on {os.cpu_count()} CPUs."),
        "",
        "| measurement | autopilot: median (min – max) | baseline: median (min – max) | ratio | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for section in sections:
        for row in section.rows:
            baseline = row.baseline.summary() if row.baseline is not None else "—"
            lines.append(
                f"| {row.measurement} | {row.subject.summary()} | {baseline} | {_ratio(row.ratio)}"
                f" | {row.target} | {_met(row.met)} |"
            )
    for section in sections:
        lines += ["", f"## {section.title}", "", *section.details]
    return "\n".join(lines) + "\n"
