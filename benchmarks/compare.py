"""Time autograd_mini against micrograd, side by side, and write benchmarks/RESULTS.md.

    python benchmarks/compare.py            # the full suite (a few minutes), writes RESULTS.md
    python benchmarks/compare.py --quick    # small sizes, a smoke run; prints only

Every timed workload alternates the engines (ours, micrograd, ours, ...) and
reports medians with min-max, the ratio of the medians and the median of the
per-pair ratios (micrograd time / autograd_mini time). Peak memory comes from a
separate tracemalloc run. Then the first-order step and bytes per node against the
previous release, and the cost of create_graph (benchmarks/previous.py).
Imports benchmarks.{suite,report,previous}.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.previous import PREVIOUS_RELEASE, compare_with_previous, render
from benchmarks.report import machine_description, render_markdown, render_table
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
    previous = render(compare_with_previous(*((2, 2, 10**4) if args.quick else (5, 5, 10**5))))
    print(previous)
    output = args.output if args.output is not None else (None if args.quick else RESULTS)
    if output is not None:
        text = render_markdown(rows, targets, machine, METHOD, notes)
        text += (
            "\n## Against the previous release\n\n"
            "First-order speed and memory must not change with higher-order gradients: "
            "benchmarks/previous.py runs both versions in alternating subprocesses "
            "(CPU time) and times `backward(create_graph=True)` on the same step.\n\n"
            f"{previous}\n"
        )
        output.write_text(text, encoding="utf-8")
        print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
