"""Wall time and peak memory of one benchmark stage.

Peak RSS is the maximum, over the stage, of the summed RSS of this process and all its descendants, sampled
every 20 ms with psutil; it is cross-checked with `resource.getrusage(RUSAGE_CHILDREN).ru_maxrss` (the largest
single child process) and the larger value is kept. Stages run in child processes where possible so that one
stage's memory does not leak into the next one's number.
"""

from __future__ import annotations

import os
import resource
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

MIB = 1024 * 1024


@dataclass
class Measurement:
    """One measured stage; `rows` and `files` are what the stage processed (for rates)."""

    stage: str
    size: str
    wall_s: float = 0.0
    peak_rss_mib: float = 0.0
    rows: int | None = None
    files: int | None = None
    note: str = ""
    floor_of: str | None = None  # set on floor stages: the pipeline stage they are compared with
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def rows_per_s(self) -> float | None:
        return self.rows / self.wall_s if self.rows and self.wall_s > 0 else None

    @property
    def files_per_s(self) -> float | None:
        return self.files / self.wall_s if self.files and self.wall_s > 0 else None


class _TreeSampler(threading.Thread):
    """Samples the summed RSS of this process tree until stopped."""

    def __init__(self, interval: float = 0.02) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.peak = 0
        self._halt = threading.Event()
        self._me = psutil.Process(os.getpid())

    def _sample(self) -> int:
        total = 0
        try:
            procs = [self._me, *self._me.children(recursive=True)]
        except psutil.Error:
            return 0
        for proc in procs:
            try:
                total += proc.memory_info().rss
            except psutil.Error:
                pass
        return total

    def run(self) -> None:
        while not self._halt.is_set():
            self.peak = max(self.peak, self._sample())
            self._halt.wait(self.interval)

    def stop(self) -> int:
        self._halt.set()
        self.join()
        self.peak = max(self.peak, self._sample())
        return self.peak


@contextmanager
def measured(stage: str, size: str, include_self: bool = True) -> Iterator[Measurement]:
    """Time the block and record the peak RSS of the process tree (MiB) into the yielded Measurement.

    With `include_self=False` the benchmark driver's own RSS (sampled at the start) is subtracted, so a stage
    run in a child process reports the child's memory only.
    """
    result = Measurement(stage=stage, size=size)
    base = psutil.Process(os.getpid()).memory_info().rss
    sampler = _TreeSampler()
    sampler.start()
    start = time.perf_counter()
    try:
        yield result
    finally:
        result.wall_s = time.perf_counter() - start
        peak = sampler.stop()
        if not include_self:
            peak -= base
        child_max = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # KiB on Linux
        # ru_maxrss of children is a high-water mark over all children ever waited for: only trust it when no
        # larger child ran before; the sampler is the primary number.
        result.extra["ru_maxrss_children_mib"] = round(child_max / MIB, 1)
        result.peak_rss_mib = peak / MIB


def run_child(
    cmd: Sequence[str], env: dict[str, str] | None = None, cwd: Path | None = None, log: Path | None = None
) -> tuple[int, float]:
    """Run a command to completion; return (exit code, its own peak RSS MiB from wait4)."""
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
    try:
        proc = subprocess.Popen(list(cmd), env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if log:
            out.close()
    return proc.returncode, usage.ru_maxrss / 1024


def run_measured(
    stage: str,
    size: str,
    cmd: Sequence[str],
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    log: Path | None = None,
    check: bool = True,
    on_done: Callable[[Measurement], None] | None = None,
) -> Measurement:
    """Run `cmd` as a child process and measure it (wall time, peak RSS of the child tree)."""
    with measured(stage, size, include_self=False) as m:
        code, own_peak = run_child(cmd, env=env, cwd=cwd, log=log)
    m.peak_rss_mib = max(m.peak_rss_mib, own_peak)
    m.extra["exit_code"] = code
    if on_done:
        on_done(m)
    if check and code != 0:
        raise RuntimeError(f"{stage}: {' '.join(cmd)} exited {code}" + (f" (log: {log})" if log else ""))
    return m
