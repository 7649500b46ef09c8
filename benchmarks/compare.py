"""Time autograd_mini against micrograd, side by side, and write benchmarks/RESULTS.md.

    python benchmarks/compare.py            # the full suite (a few minutes), writes RESULTS.md
    python benchmarks/compare.py --quick    # small sizes, a smoke run; prints only

Every timed workload alternates the engines (ours, micrograd, ours, ...) and
reports medians with min-max, the ratio of the medians and the median of the
per-pair ratios (micrograd time / autograd_mini time). Peak memory comes from a
separate tracemalloc run. Then the first-order step and bytes per node against the
previous release, the digits step and no_grad inference against it, and the cost of
create_graph (benchmarks/previous.py); then the moons step on micrograd with its
collector off, PyTorch and NumPy (benchmarks/floors.py).
Imports benchmarks.{suite,report,previous,floors}.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.floors import render_floors, run_floors
from benchmarks.previous import PREVIOUS_RELEASE, Comparison, compare_with_previous, render
from benchmarks.report import Target, machine_description, render_markdown, render_table
from benchmarks.suite import FULL, METHOD, QUICK, run_suite

__all__ = ["RESULTS", "main"]

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run")
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help=f"where to write the Markdown (default {RESULTS}; --quick writes none)",
    )
    args = parser.parse_args(argv)
    if importlib.util.find_spec("micrograd") is None:
        print(
            "compare.py: micrograd is not installed; run `make setup` (it is in the dev "
            "extra) or `pip install micrograd==0.1.0`",
            file=sys.stderr,
        )
        return 2
    if importlib.util.find_spec("sklearn") is None:
        print(
            "compare.py: scikit-learn is not installed; run `make setup` (notebooks extra)",
            file=sys.stderr,
        )
        return 2
    machine = machine_description()
    print(machine, flush=True)
    rows, targets, notes = run_suite(QUICK if args.quick else FULL)
    print(render_table(rows))
    for t in targets:
        print(f"{'met' if t.met else 'NOT MET'}: {t.name}: {t.measured}")
    print(
        f"against the previous release ({PREVIOUS_RELEASE}), see benchmarks/previous.py", flush=True
    )
    comparison = compare_with_previous(*((2, 2, 10**4) if args.quick else (5, 5, 10**5)))
    previous = render(comparison)
    print(previous)
    release = release_targets(comparison)
    for t in release:
        print(f"{'met' if t.met else 'NOT MET'}: {t.name}: {t.measured}")
    print("the moons step on other engines, see benchmarks/floors.py", flush=True)
    floors = render_floors(run_floors(2 if args.quick else 5))
    print(floors)
    output = args.output if args.output is not None else (None if args.quick else RESULTS)
    if output is not None:
        text = render_markdown(rows, targets, machine, METHOD, notes)
        text += (
            "\n## Against the previous release\n\n"
            "The targets: the moons and digits steps twice as fast as the first release, "
            "inference under no_grad 1.5 times, bytes per node no higher. "
            "benchmarks/previous.py runs both versions in alternating subprocesses "
            "(CPU time; ratio = this / previous) and times `backward(create_graph=True)` "
            "on the same step.\n\n"
            f"{previous}\n\n"
            "| target against the first release | measured | met |\n"
            "| --- | --- | --- |\n"
            + "".join(
                f"| {t.name} | {t.measured} | {'yes' if t.met else 'NO'} |\n" for t in release
            )
            + "\n## The moons step on other engines\n\n"
            "micrograd as users run it and with its garbage collector off (the fair measure "
            "of work: most of micrograd's time is the collector, which scales with memory, "
            "so its ratio depends on the machine), PyTorch on the same scalar graph and "
            "batched in float64 where installed, and NumPy by hand as the floor "
            "(benchmarks/floors.py; alternating in one process, CPU time).\n\n"
            f"{floors}\n"
        )
        output.write_text(text, encoding="utf-8")
        print(f"wrote {output}")
    return 0


def release_targets(c: Comparison) -> list[Target]:
    """Round two's targets, as ratios this / first release (0.50 is twice as fast).

    >>> from benchmarks.previous import Comparison
    >>> c = Comparison(5, *[0.01, 0.02, 0.47] * 2, 0.025, 0.031, 0.81, *[0.01] * 6,
    ...                168.0, 208.0, 0.3, 29.0)
    >>> [(t.measured, t.met) for t in release_targets(c)]
    [('0.47', True), ('0.47', True), ('0.81', False), ('168 B against 208 B', True)]
    """
    return [
        Target(
            "moons step <= 0.50 of the first release's time",
            f"{c.step_ratio:.2f}",
            c.step_ratio <= 0.5,
        ),
        Target(
            "digits step <= 0.50 of the first release's time",
            f"{c.digits_ratio:.2f}",
            c.digits_ratio <= 0.5,
        ),
        Target(
            "inference under no_grad <= 0.67 (1.5x as fast)",
            f"{c.inference_ratio:.2f}",
            c.inference_ratio <= 1 / 1.5,
        ),
        Target(
            "bytes per node no higher than the first release's",
            f"{c.bytes_current:.0f} B against {c.bytes_previous:.0f} B",
            c.bytes_current <= c.bytes_previous,
        ),
    ]


if __name__ == "__main__":
    sys.exit(main())
