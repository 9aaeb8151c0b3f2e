"""Samples and their summary: median, min, max, and the ratio of two medians."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field


@dataclass
class Samples:
    """Repeated measurements of one quantity, in `unit`."""

    unit: str
    values: list[float] = field(default_factory=list)
    digits: int = 2  # decimals shown

    def add(self, value: float) -> None:
        self.values.append(value)

    @property
    def median(self) -> float:
        return statistics.median(self.values) if self.values else math.nan

    @property
    def low(self) -> float:
        return min(self.values) if self.values else math.nan

    @property
    def high(self) -> float:
        return max(self.values) if self.values else math.nan

    def summary(self) -> str:
        """`median (min – max) unit`, as the table shows it; a single value alone."""
        if not self.values:
            return "—"
        d = self.digits
        shown = f"{self.median:.{d}f}" if len(self.values) == 1 else (
            f"{self.median:.{d}f} ({self.low:.{d}f} – {self.high:.{d}f})")
        return f"{shown} {self.unit}".rstrip()

    def as_dict(self) -> dict:
        return {"unit": self.unit, "median": self.median, "min": self.low, "max": self.high, "n": len(self.values)}


def ratio(numerator: Samples, denominator: Samples) -> float:
    """median / median; NaN when either side has no sample."""
    if not numerator.values or not denominator.values or denominator.median == 0:
        return math.nan
    return numerator.median / denominator.median


def interleaved(count: int, sides: tuple[str, ...] = ("a", "b")) -> list[tuple[str, ...]]:
    """The order of each round of runs: AB, BA, AB… (ABC, CBA…) so that drift in the machine's load hits every side."""
    return [sides if index % 2 == 0 else sides[::-1] for index in range(count)]
