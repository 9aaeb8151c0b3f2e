"""What a process and its descendants have used, read from /proc (Linux): CPU time, peak memory.

CPU time depends much less on the machine's load than wall-clock time: on a shared machine it is
the steadier measure of the work done, while the wall clock is what the mediator waits.
"""

from __future__ import annotations

import collections
import contextlib
import ctypes
import os
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

_PR_SET_CHILD_SUBREAPER = 36  # <linux/prctl.h>


def _stats() -> dict[int, list[str]]:
    """The fields after the command name of every /proc/PID/stat."""
    found: dict[int, list[str]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as file:
                    found[int(entry)] = file.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
    return found


def cpu_seconds(skip: int | None = None) -> tuple[float, float]:
    """CPU seconds used so far by this process, and by its descendants but `skip` (and its own).

    A descendant counts with its reaped children (cutime, cstime): a renderer that exits is not
    lost. This process's own reaped children are not counted (finished measurements).
    """
    tick = os.sysconf("SC_CLK_TCK")
    stats = _stats()
    children: dict[int, list[int]] = collections.defaultdict(list)
    for pid, fields in stats.items():
        children[int(fields[1])].append(pid)  # fields[1] is the parent's pid
    me = os.getpid()
    own = sum(int(v) for v in stats[me][11:13]) / tick  # utime, stime
    others, pending = 0.0, [c for c in children[me] if c != skip]
    while pending:
        pid = pending.pop()
        others += sum(int(v) for v in stats[pid][11:15]) / tick  # utime, stime, cutime, cstime
        pending += children[pid]
    return own, others


def high_water_mb(pid: int | str) -> float | None:
    """A process's peak resident set (VmHWM), or None where /proc does not say.

    Not `getrusage`'s ru_maxrss: on Linux a process started by fork/vfork + exec inherits its
    parent's peak there.
    """
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def children_high_water_mb() -> float | None:
    """The sum of the peaks of this process's direct children (Playwright's driver), if /proc says."""
    try:
        children = [c for task in Path(f"/proc/{os.getpid()}/task").iterdir()
                    for c in (task / "children").read_text().split()]
    except OSError:
        return None
    peaks = [peak for peak in map(high_water_mb, children) if peak is not None]
    return sum(peaks) or None


def children() -> set[int]:
    """This process's children now: running, or ended and not yet waited for."""
    me = os.getpid()
    return {pid for pid, fields in _stats().items() if int(fields[1]) == me}


def _subreaper(on: bool) -> bool:
    """Linux's PR_SET_CHILD_SUBREAPER for this process; False where it cannot be set."""
    if not sys.platform.startswith("linux"):
        return False
    return ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, int(on), 0, 0, 0) == 0


@contextlib.contextmanager
def reaping() -> Iterator[bool]:
    """Within the block, the descendants orphaned by their parent's exit come to this process (a « child
    subreaper »), so that `orphans_cpu` can count them; yields whether the system allows it (Linux).

    Chromium's renderers are children of its zygote, which often ends before them: they were then given
    to init, and `wait4` on the process that started them never counted their CPU, about half of the
    process tree's (bench/RESULTS.md, 1b)."""
    on = _subreaper(True)
    try:
        yield on
    finally:
        if on:
            _subreaper(False)
            reap_ended()


def reap_ended() -> None:
    """Wait for this process's children that have ended (orphans given to it earlier), counting nothing."""
    for pid in children():
        with contextlib.suppress(ChildProcessError):
            os.wait4(pid, os.WNOHANG)


def orphans_cpu(known: set[int], wait_s: float = 10.0) -> tuple[float, int]:
    """CPU seconds of this process's children that are not in `known` (the orphans given to it), once
    they end, waiting at most `wait_s` for them; those still running then are killed and counted.
    Returns the seconds and how many processes they were."""
    seconds, count = 0.0, 0
    deadline = time.monotonic() + wait_s
    while True:
        for pid in children() - known:
            with contextlib.suppress(ChildProcessError):
                done, _, usage = os.wait4(pid, os.WNOHANG)
                if done:
                    seconds += usage.ru_utime + usage.ru_stime
                    count += 1
        left = children() - known  # again: an orphan that ended may have left orphans of its own
        if not left:
            return seconds, count
        if time.monotonic() >= deadline:
            for pid in left:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            deadline = float("inf")  # killed: they end at once, and are counted
        time.sleep(0.01)

