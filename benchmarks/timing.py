"""Interleaved timing and memory measurement for the benchmark suite.

On a shared machine the load changes while a benchmark runs, so the two engines
are timed in alternation (A B A B ...) and compared pair by pair: a burst of
load then slows both members of a pair rather than one engine's whole series.
Imports nothing from autograd_mini.

>>> stats = Timing.from_pairs([(1.0, 10.0), (2.0, 30.0), (1.0, 12.0)])
>>> stats.ours.median, stats.theirs.median, stats.ratio_of_medians, stats.median_of_ratios
(1.0, 12.0, 12.0, 12.0)
"""

from __future__ import annotations

import gc
import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "Series",
    "Timing",
    "bytes_per_node",
    "interleaved",
    "memory_growth",
    "peak_memory",
    "time_once",
]


@dataclass(frozen=True)
class Series:
    """Repeated measurements of one engine on one workload (seconds or bytes)."""

    samples: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def low(self) -> float:
        return min(self.samples)

    @property
    def high(self) -> float:
        return max(self.samples)


@dataclass(frozen=True)
class Timing:
    """Paired timings: `ours[i]` and `theirs[i]` ran back to back.

    `ratio_of_medians` and `median_of_ratios` are theirs / ours, so 20.0 means
    autograd_mini took a twentieth of micrograd's time.
    """

    ours: Series
    theirs: Series
    pair_ratios: tuple[float, ...]

    @classmethod
    def from_pairs(cls, pairs: list[tuple[float, float]]) -> Timing:
        if not pairs:
            raise ValueError("Timing: need at least one (ours, theirs) pair, got none")
        return cls(
            ours=Series(tuple(a for a, _ in pairs)),
            theirs=Series(tuple(b for _, b in pairs)),
            pair_ratios=tuple(b / a for a, b in pairs),
        )

    @property
    def ratio_of_medians(self) -> float:
        return self.theirs.median / self.ours.median

    @property
    def median_of_ratios(self) -> float:
        return statistics.median(self.pair_ratios)


def time_once(run: Callable[[], object]) -> float:
    """Seconds taken by one call of `run`, after collecting earlier garbage.

    The collection happens before the clock starts: micrograd leaves reference
    cycles behind (each node's closure holds the node), and without it their
    clean-up would be charged to whichever engine runs next.
    """
    gc.collect()
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def interleaved(ours: Callable[[], object], theirs: Callable[[], object], pairs: int) -> Timing:
    """Time `ours` and `theirs` alternately, `pairs` times each, ours first."""
    measured = []
    for _ in range(pairs):
        a = time_once(ours)
        b = time_once(theirs)
        measured.append((a, b))
    return Timing.from_pairs(measured)


def peak_memory(run: Callable[[], object]) -> int:
    """Peak bytes allocated by Python while `run` executes (tracemalloc).

    Run separately from the timings: tracing slows Python down severalfold.
    """
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        run()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak - base


def bytes_per_node(build: Callable[[int], object], n: int) -> float:
    """Bytes that stay allocated per written op while an n-op chain is alive."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        graph = build(n)
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    del graph
    return (after - before) / n


def memory_growth(step: Callable[[], object], steps: int) -> float:
    """Bytes per step still allocated after `steps` steps with the cyclic GC disabled."""
    gc.collect()
    gc.disable()
    tracemalloc.start()
    try:
        step()  # warm-up: first-call caches are not growth
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(steps):
            step()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
        gc.enable()
    return (after - before) / steps
