"""The benchmark suite: sizes, one function per workload, and the targets check.

Each `bench_*` function times one workload for both engines and returns a table
row; `run_suite` runs them all. Imports autograd_mini.nn and benchmarks.
{timing,workloads,report}; benchmarks/compare.py is the command line around it.
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from autograd_mini.nn import MLP
from benchmarks import workloads as w
from benchmarks.report import Row, Target, format_bytes, format_seconds, series_cell, timing_row
from benchmarks.timing import (
    Series,
    Timing,
    bytes_per_node,
    interleaved,
    memory_growth,
    peak_memory,
    time_once,
)

__all__ = ["FULL", "METHOD", "QUICK", "Config", "run_suite"]


@dataclass(frozen=True)
class Config:
    """Sizes and repetition counts for one run of the suite."""

    pairs: int  # A B pairs for the cheap workloads
    moons_points: int
    grid_side: int
    grid_chunks: int  # the grid is timed in this many interleaved slices
    chain_sizes: tuple[int, ...]
    chain_reps: int
    micrograd_chain_max: int  # deeper micrograd chains would only repeat the error
    wide_n: int
    wide_pairs: int
    wide_peak_n: int  # tracing micrograd's 10^6 graph would take longer than timing it
    bytes_n: int
    flat_steps: int
    flat_steps_micrograd: int
    fit_epochs: int = 200  # the recording-overhead run: the demo's full-batch epochs


FULL = Config(
    pairs=7,
    moons_points=100,
    grid_side=100,
    grid_chunks=10,
    chain_sizes=(10**3, 10**4, 10**5, 10**6),
    chain_reps=3,
    micrograd_chain_max=10**5,
    wide_n=10**6,
    wide_pairs=2,
    wide_peak_n=10**5,
    bytes_n=10**5,
    flat_steps=200,
    flat_steps_micrograd=4,
)
QUICK = Config(
    pairs=2,
    moons_points=100,
    grid_side=20,
    grid_chunks=2,
    chain_sizes=(10**3, 10**4),
    chain_reps=1,
    micrograd_chain_max=10**4,
    wide_n=10**4,
    wide_pairs=1,
    wide_peak_n=10**4,
    bytes_n=10**4,
    flat_steps=20,
    flat_steps_micrograd=2,
    fit_epochs=10,
)


def bench_moons(cfg: Config) -> Row:
    X, y = w.moons(cfg.moons_points)
    ours = MLP(2, [16, 16, 1], seed=0)
    theirs = w.micrograd_mlp(ours)
    timing = interleaved(
        lambda: w.ours_moons_step(ours, X, y, lr=0.05),
        lambda: w.micrograd_moons_step(theirs, X, y, lr=0.05),
        cfg.pairs,
    )
    peak = _peaks(
        lambda: w.ours_moons_step(ours, X, y, lr=0.05),
        lambda: w.micrograd_moons_step(theirs, X, y, lr=0.05),
    )
    return timing_row(f"moons step: MLP(2,[16,16,1]), {len(X)} points", timing, peak)


def bench_inference(cfg: Config) -> Row:
    X, _ = w.moons(cfg.moons_points)
    points = w.grid(X, cfg.grid_side)
    ours = MLP(2, [16, 16, 1], seed=0)
    theirs = w.micrograd_mlp(ours)
    # Slices interleave the engines finely; the row reports whole-grid times.
    size = -(-len(points) // cfg.grid_chunks)
    slices = [points[i : i + size] for i in range(0, len(points), size)]
    pairs = []
    for part in slices:
        pairs.append(
            (
                time_once(lambda: w.ours_inference(ours, part)),  # noqa: B023
                time_once(lambda: w.micrograd_inference(theirs, part)),  # noqa: B023
            )
        )
    timing = Timing.from_pairs(pairs)
    peak = _peaks(
        lambda: w.ours_inference(ours, slices[0]), lambda: w.micrograd_inference(theirs, slices[0])
    )
    side = cfg.grid_side
    return timing_row(
        f"inference: {side}x{side} grid, no_grad (median slice x {len(slices)})",
        timing,
        peak,
        scale=len(slices),
    )


def bench_chain(cfg: Config) -> tuple[list[Row], dict[int, float]]:
    """Rows for each depth, and our median backward-only seconds per depth."""
    rows, backward_seconds = [], {}
    micrograd_failed_at: int | None = None
    for n in cfg.chain_sizes:
        totals, backwards = [], []
        for _ in range(cfg.chain_reps):
            gc.collect()
            start = time.perf_counter()
            _, y = w.ours_chain(n)
            middle = time.perf_counter()
            y.backward()
            end = time.perf_counter()
            del y
            totals.append(end - start)
            backwards.append(end - middle)
        backward_seconds[n] = Series(tuple(backwards)).median
        ours = (
            f"{series_cell(Series(tuple(totals)))} (backward {format_seconds(backward_seconds[n])})"
        )
        if n > cfg.micrograd_chain_max:
            since = (
                f": RecursionError from 10^{_exponent(micrograd_failed_at)}"
                if micrograd_failed_at
                else ""
            )
            theirs = f"not run{since}"
        else:
            theirs = _micrograd_chain(n)
            if theirs == "RecursionError" and micrograd_failed_at is None:
                micrograd_failed_at = n
        rows.append(Row(f"deep chain 10^{_exponent(n)}: build + backward", ours, theirs))
    return rows, backward_seconds


def _micrograd_chain(n: int) -> str:
    """micrograd's build + backward time for an n-deep chain, or the error it raised."""
    gc.collect()
    start = time.perf_counter()
    _, y = w.micrograd_chain(n)
    try:
        y.backward()
    except RecursionError:
        return "RecursionError"
    return f"{format_seconds(time.perf_counter() - start)} (one run)"


def bench_wide(cfg: Config) -> Row:
    xs, ws = w.wide_leaves(cfg.wide_n)
    from micrograd.engine import Value as MicroValue

    mxs, mws = w.wide_leaves(cfg.wide_n, MicroValue)
    timing = interleaved(
        lambda: w.ours_wide_sum(xs, ws), lambda: w.micrograd_wide_sum(mxs, mws), cfg.wide_pairs
    )
    k = cfg.wide_peak_n
    peak = _peaks(
        lambda: w.ours_wide_sum(xs[:k], ws[:k]), lambda: w.micrograd_wide_sum(mxs[:k], mws[:k])
    )
    label = (
        f"wide sum: 10^{_exponent(cfg.wide_n)} products, backward (micrograd: pairwise; "
        f"peak memory at 10^{_exponent(k)})"
    )
    return timing_row(label, timing, peak)


def _exponent(n: int) -> int:
    return len(str(n)) - 1


def _progress(what: str) -> None:
    print(f"  running: {what} ...", file=sys.stderr, flush=True)


def _peaks(ours: Callable[[], object], theirs: Callable[[], object]) -> str:
    return f"{format_bytes(peak_memory(ours))} / {format_bytes(peak_memory(theirs))}"


def run_suite(cfg: Config) -> tuple[list[Row], list[Target], list[str]]:
    """Run every workload; return the table rows, the targets and notes."""
    rows: list[Row] = []
    _progress("moons step")
    moons_row = bench_moons(cfg)
    rows.append(moons_row)
    _progress("inference grid")
    inference_row = bench_inference(cfg)
    rows.append(inference_row)
    _progress("deep chains")
    chain_rows, backward_seconds = bench_chain(cfg)
    rows.extend(chain_rows)
    _progress("wide sum")
    rows.append(bench_wide(cfg))
    _progress("bytes per node, digits, memory growth")

    ours_bytes = bytes_per_node(lambda n: w.ours_chain(n), cfg.bytes_n)
    theirs_bytes = bytes_per_node(lambda n: w.micrograd_chain(n), cfg.bytes_n)
    rows.append(
        Row(
            f"bytes per node, 10^{_exponent(cfg.bytes_n)}-node chain (tracemalloc)",
            f"{ours_bytes:.0f} B",
            f"{theirs_bytes:.0f} B",
            f"{theirs_bytes / ours_bytes:.1f}x",
        )
    )

    rows.append(bench_digits(cfg))

    X, y = w.moons(cfg.moons_points)
    ours_model = MLP(2, [16, 16, 1], seed=0)
    theirs_model = w.micrograd_mlp(ours_model)
    ours_growth = memory_growth(lambda: w.ours_moons_step(ours_model, X, y, 0.05), cfg.flat_steps)
    theirs_growth = memory_growth(
        lambda: w.micrograd_moons_step(theirs_model, X, y, 0.05), cfg.flat_steps_micrograd
    )
    rows.append(
        Row(
            f"memory growth per moons step, gc disabled ({cfg.flat_steps} / "
            f"{cfg.flat_steps_micrograd} steps)",
            f"{format_bytes(ours_growth)}/step",
            f"{format_bytes(theirs_growth)}/step",
        )
    )

    _progress("recording overhead")
    recording_row, recording_overhead = bench_recording(cfg)
    rows.append(recording_row)

    deepest = max(cfg.chain_sizes)
    targets = [
        Target(
            "moons step >= 20x (median of pair ratios)",
            moons_row.median_of_ratios,
            float(moons_row.median_of_ratios.rstrip("x")) >= 20,
        ),
        Target(
            "inference >= 30x (median of pair ratios)",
            inference_row.median_of_ratios,
            float(inference_row.median_of_ratios.rstrip("x")) >= 30,
        ),
        Target("bytes per node <= 400", f"{ours_bytes:.0f} B", ours_bytes <= 400),
        Target(
            f"10^{_exponent(deepest)}-deep chain backward < 3 s",
            format_seconds(backward_seconds[deepest]),
            backward_seconds[deepest] < 3.0,
        ),
        Target(
            f"memory flat over {cfg.flat_steps} steps, gc disabled",
            f"{format_bytes(ours_growth)}/step",
            abs(ours_growth) < 1024,
        ),
        Target(
            "recording overhead <= 10% at the default budget (median of pair ratios)",
            f"{recording_overhead:+.1%}",
            recording_overhead <= 0.10,
        ),
    ]
    notes = [
        "Inference is timed in interleaved slices of the grid (10 slices of 1000 points in "
        "the full run); the cells are the median slice times the number of slices.",
        "Deep chains: y = y * 1.0000001 with a plain-number constant; the cell is build + "
        "backward, the backward alone in parentheses (the 10^6 target is on the backward).",
        "Memory growth: tracemalloc's count of bytes still allocated after the steps, per "
        "step, with `gc.disable()`; micrograd's closures hold their own output node, so "
        "every graph it builds is a reference cycle that only the collector frees.",
        "micrograd's backward sorts the graph recursively, so any graph deeper than the "
        "recursion limit (1000 by default) raises RecursionError.",
        "micrograd has no exp or log, so the cross-entropy workload cannot be written in it.",
        "micrograd's `sum()` of 10^6 products is a 10^6-deep chain (RecursionError); the wide "
        "sum gives it a balanced pairwise sum instead.",
        "micrograd wraps every constant in a Value of its own: its bytes per node include that.",
        "Recording overhead: the demo's training run timed with `fit(record=True)` and "
        "without, alternately; the autograd_mini cell is the recorded run, the next cell the "
        "plain one, the ratios recorded / plain (micrograd has nothing to record).",
        "What each optimisation bought, profiles, and what was tried and left out: "
        "benchmarks/NOTES.md.",
    ]
    return rows, targets, notes


def bench_recording(cfg: Config) -> tuple[Row, float]:
    """fit with and without its default recording, alternately; the row and the overhead."""
    X, y = w.moons(cfg.moons_points)
    timing = interleaved(
        lambda: w.ours_fit(X, y, cfg.fit_epochs, record=True),
        lambda: w.ours_fit(X, y, cfg.fit_epochs, record=False),
        cfg.pairs,
    )
    # Timing's ratios are second / first; the overhead wants recorded / plain.
    overhead = statistics.median(1.0 / r for r in timing.pair_ratios) - 1.0
    recorded_over_plain = timing.ours.median / timing.theirs.median
    # The pair ratios carry the machine's noise; the recorder's own clock does not.
    timed: list[w.TimedRecorder] = []

    def make_recorder(model: MLP) -> w.TimedRecorder:
        timed.append(w.TimedRecorder(model))
        return timed[-1]

    start = time.perf_counter()
    w.ours_fit(X, y, cfg.fit_epochs, record=make_recorder)
    whole = time.perf_counter() - start
    inside = timed[0].seconds
    row = Row(
        f"fit(record=True) vs fit: demo run, MLP(2,[16,16,1]), {len(X)} points, "
        f"{cfg.fit_epochs} full-batch epochs (<= 200 frames; inside the recorder "
        f"{format_seconds(inside)} of {format_seconds(whole)} in one more run)",
        series_cell(timing.ours),
        f"without recording: {series_cell(timing.theirs)}",
        f"{recorded_over_plain:.3f}x",
        f"{overhead + 1.0:.3f}x ({overhead:+.1%})",
    )
    return row, overhead


def bench_digits(cfg: Config) -> Row:
    X, y = w.digits_batch(32)
    model = MLP(64, [32, 10], activation="tanh", seed=0)
    times = Series(
        tuple(time_once(lambda: w.ours_digits_step(model, X, y, 0.1)) for _ in range(cfg.pairs))
    )
    peak = format_bytes(peak_memory(lambda: w.ours_digits_step(model, X, y, 0.1)))
    return Row(
        "digits step: MLP(64,[32,10]) tanh, cross-entropy, batch 32",
        series_cell(times),
        "unsupported (no exp/log)",
        peak_memory=f"{peak} / -",
    )


METHOD = (
    "each workload alternates the engines (autograd_mini, micrograd, autograd_mini, ...) "
    "after a `gc.collect()` outside the clock; cells are median [min-max] of wall-clock "
    "times (`time.perf_counter`); ratios are micrograd / autograd_mini. Peak memory and "
    "bytes per node come from separate `tracemalloc` runs. Both engines start from the "
    "same weights."
)
