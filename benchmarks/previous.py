"""This engine against its previous release, side by side, and what create_graph costs.

    python benchmarks/previous.py              # the full comparison, prints a table
    python benchmarks/previous.py --quick      # a smoke run with small repeats

Five workloads: the moons step (MLP(2,[16,16,1]), 100 points, forward + loss +
zero_grad + backward + SGD), the digits step (MLP(64,[32,10]) tanh, cross-entropy,
batch 32), inference under no_grad (1000 points of the moons grid), and two on the
teaching path, where `nn`'s fused nodes play no part: a chain y = y * c built and
differentiated, and micrograd's lecture network written by hand, one node per
operator (MLP(3,[4,4,1]) tanh on its 4 samples, squared error). The previous
release is taken from git (`git archive PREVIOUS_RELEASE autograd_mini`) into a temporary folder.
Both versions are imported under the same name `autograd_mini`, so each one runs
in its own subprocess (this file with `--worker ROOT`, ROOT first on `sys.path`),
the two alternating round by round; a round reports the median of its repeats.
Times are CPU time of the worker (`time.process_time`), which the other processes
of a shared machine disturb less than wall-clock time.
The table gives the median over rounds and the median of the per-round ratios
(this / previous: 1.00 is unchanged, above 1 slower or larger).

The current worker also times the same moons step with `backward(create_graph=True)`
against the plain step, interleaved in one process: the cost of building the
gradient's own graph. The parent takes the data from benchmarks.workloads and
hands it to the workers as JSON; the workers import only names both releases have
(Value, MLP) and benchmarks.timing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

__all__ = ["PREVIOUS_RELEASE", "Comparison", "compare_with_previous", "main", "render"]

PREVIOUS_RELEASE = "b84498b"
"""The commit of the previous release (main before higher-order gradients)."""

ROOT = Path(__file__).resolve().parent.parent

CHAIN_N = 10**4
"""Length of the chain workload (build + backward)."""


@dataclass(frozen=True)
class Comparison:
    """Medians over rounds (seconds or bytes) and medians of per-round ratios."""

    rounds: int
    step_current: float
    step_previous: float
    step_ratio: float
    digits_current: float
    digits_previous: float
    digits_ratio: float
    inference_current: float
    inference_previous: float
    inference_ratio: float
    chain_current: float
    chain_previous: float
    chain_ratio: float
    lecture_current: float
    lecture_previous: float
    lecture_ratio: float
    bytes_current: float
    bytes_previous: float
    create_graph_step: float
    create_graph_ratio: float


def export_previous(into: Path, revision: str = PREVIOUS_RELEASE) -> Path:
    """Write the package of `revision` into `into`/autograd_mini; return `into`."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", revision, "autograd_mini"],
        check=True,
        capture_output=True,
    ).stdout
    with tempfile.TemporaryFile() as raw:
        raw.write(archive)
        raw.seek(0)
        with tarfile.open(fileobj=raw) as tar:
            for member in tar.getmembers():
                # Only regular files and folders under autograd_mini/, nothing else.
                inside = member.name == "autograd_mini" or member.name.startswith("autograd_mini/")
                if not inside or ".." in member.name or not (member.isfile() or member.isdir()):
                    raise ValueError(f"previous.py: unexpected archive member {member.name!r}")
            if hasattr(tarfile, "data_filter"):
                tar.extractall(into, filter="data")
            else:  # older Pythons: the members were checked above
                tar.extractall(into)
    return into


def _worker(
    data_file: str, repeats: int, bytes_n: int, with_create_graph: bool
) -> dict[str, float]:
    """Runs inside the subprocess, whose sys.path starts with the release being timed."""
    import gc
    import itertools
    import math
    import time

    # Only names both releases have: the current benchmarks.workloads imports newer API.
    from autograd_mini.engine import Value, no_grad
    from autograd_mini.nn import MLP
    from benchmarks.timing import bytes_per_node

    data = json.loads(Path(data_file).read_text())
    X, y, l2, chain_factor = data["X"], data["y"], data["l2"], data["chain_factor"]
    chain_n = data["chain_n"]

    def chain(n: int) -> Value:
        node = Value(1.0)
        for _ in range(n):
            node = node * chain_factor
        return node

    model = MLP(2, [16, 16, 1], seed=0)
    digits_model = MLP(64, [32, 10], activation="tanh", seed=0)
    digits_X, digits_y, points = data["digits_X"], data["digits_y"], data["points"]

    def step(create_graph: bool = False) -> None:
        params = model.parameters()
        scores = [model(x) for x in X]
        losses = [(1 - yi * si).relu() for yi, si in zip(y, scores)]
        total = Value.sum(losses) * (1.0 / len(losses)) + l2 * Value.dot(params, params)
        model.zero_grad()
        if create_graph:
            total.backward(create_graph=True)
        else:
            total.backward()
        for p in params:
            p.data -= 0.0 * p.grad  # the same work as an update, weights unchanged

    def cross_entropy(logits: list[Value], target: int) -> Value:
        shift = max(logit.data for logit in logits)
        log_sum_exp = Value.sum([(logit - shift).exp() for logit in logits]).log() + shift
        return log_sum_exp - logits[target]

    def digits_step() -> None:
        params = digits_model.parameters()
        # model(x) is a list for 10 outputs (`outputs` is newer than the previous release)
        losses = [cross_entropy(digits_model(x), t) for x, t in zip(digits_X, digits_y)]  # type: ignore[arg-type]
        total = Value.sum(losses) * (1.0 / len(losses))
        digits_model.zero_grad()
        total.backward()
        for p in params:
            p.data -= 0.0 * p.grad

    def inference() -> None:
        with no_grad():
            [model(p).data for p in points]  # type: ignore[union-attr]

    def chain_pass() -> None:
        chain(chain_n).backward()

    # micrograd's lecture: its 4 samples, a 3-4-4-1 tanh network written with + * tanh.
    lecture_x = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    lecture_y = [1.0, -1.0, -1.0, 1.0]
    sizes = [3, 4, 4, 1]
    lecture_layers = [
        [
            ([Value(math.sin(7 * i + j + 1)) for j in range(nin)], Value(math.cos(i + 1)))
            for i in range(nout)
        ]
        for nin, nout in itertools.pairwise(sizes)
    ]

    def lecture_steps() -> None:
        for _ in range(20):
            loss = Value(0.0)
            for x, target in zip(lecture_x, lecture_y):
                h: list[Value | float] = list(x)  # numbers, as in the lecture
                for layer in lecture_layers:
                    outs: list[Value | float] = []
                    for w, b in layer:
                        act = b
                        for wi, xi in zip(w, h):
                            act = act + wi * xi
                        outs.append(act.tanh())
                    h = outs
                loss = loss + (h[0] - target) ** 2  # h[0] is a Value by now
            for layer in lecture_layers:
                for w, b in layer:
                    for p in (*w, b):
                        p.grad = 0.0
            loss.backward()

    def timed(run: Callable[[], None]) -> float:
        gc.collect()
        start = time.process_time()
        run()
        return time.process_time() - start

    step()  # warm-up
    digits_step()
    inference()
    chain_pass()
    lecture_steps()
    plain, digits, inferred, chained, lectured = [], [], [], [], []
    for _ in range(repeats):  # the workloads interleaved, repeat by repeat
        plain.append(timed(step))
        digits.append(timed(digits_step))
        inferred.append(timed(inference))
        chained.append(timed(chain_pass))
        lectured.append(timed(lecture_steps))
    # After the plain steps: a create_graph step leaves its gradient graphs on the
    # parameters (grad_value) until the next pass, whose clean-up it would pay for.
    graph = [timed(partial(step, True)) for _ in range(repeats)] if with_create_graph else []
    result = {
        "step": statistics.median(plain),
        "digits_step": statistics.median(digits),
        "inference": statistics.median(inferred),
        "chain": statistics.median(chained),
        "lecture": statistics.median(lectured),
        "bytes_per_node": bytes_per_node(chain, bytes_n),
    }
    if with_create_graph:
        result["create_graph_step"] = statistics.median(graph)
        result["create_graph_ratio"] = result["create_graph_step"] / result["step"]
    return result


def _run_worker(root: Path, repeats: int, bytes_n: int, current: bool) -> dict[str, float]:
    from benchmarks import workloads as w

    X, y = w.moons(100)
    digits_X, digits_y = w.digits_batch(32)
    data = {
        "X": X,
        "y": y,
        "l2": w.MOONS_L2,
        "chain_factor": w.CHAIN_FACTOR,
        "digits_X": digits_X,
        "digits_y": digits_y,
        "points": w.grid(X, 100)[::10],
        "chain_n": CHAIN_N,
    }
    with tempfile.TemporaryDirectory() as folder:
        data_file = Path(folder) / "data.json"
        data_file.write_text(json.dumps(data))
        return _run_worker_on(root, data_file, repeats, bytes_n, current)


def _run_worker_on(
    root: Path, data_file: Path, repeats: int, bytes_n: int, current: bool
) -> dict[str, float]:
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", str(root)]
    command += ["--data", str(data_file)]
    command += ["--repeats", str(repeats), "--bytes-n", str(bytes_n)]
    if current:
        command.append("--create-graph")
    done = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    result: dict[str, float] = json.loads(done.stdout.splitlines()[-1])
    return result


def compare_with_previous(rounds: int = 5, repeats: int = 5, bytes_n: int = 10**5) -> Comparison:
    """Alternate the previous release and this checkout, `rounds` times each."""
    with tempfile.TemporaryDirectory(prefix="autograd_mini_previous_") as folder:
        previous_root = export_previous(Path(folder))
        current, previous = [], []
        for _ in range(rounds):
            previous.append(_run_worker(previous_root, repeats, bytes_n, current=False))
            current.append(_run_worker(ROOT, repeats, bytes_n, current=True))

    def median(results: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in results)

    def ratio(key: str) -> float:
        return statistics.median(c[key] / p[key] for c, p in zip(current, previous, strict=True))

    return Comparison(
        rounds=rounds,
        step_current=median(current, "step"),
        step_previous=median(previous, "step"),
        step_ratio=ratio("step"),
        digits_current=median(current, "digits_step"),
        digits_previous=median(previous, "digits_step"),
        digits_ratio=ratio("digits_step"),
        inference_current=median(current, "inference"),
        inference_previous=median(previous, "inference"),
        inference_ratio=ratio("inference"),
        chain_current=median(current, "chain"),
        chain_previous=median(previous, "chain"),
        chain_ratio=ratio("chain"),
        lecture_current=median(current, "lecture"),
        lecture_previous=median(previous, "lecture"),
        lecture_ratio=ratio("lecture"),
        bytes_current=median(current, "bytes_per_node"),
        bytes_previous=median(previous, "bytes_per_node"),
        create_graph_step=median(current, "create_graph_step"),
        create_graph_ratio=median(current, "create_graph_ratio"),
    )


def render(c: Comparison) -> str:
    """The comparison as a Markdown table: ratios are this / previous (0.50 is twice as fast)."""
    ms = 1e3
    return "\n".join(
        [
            f"| workload (median of {c.rounds} rounds) | this checkout | "
            f"previous release (`{PREVIOUS_RELEASE}`) | ratio (median of round ratios) |",
            "| --- | --- | --- | --- |",
            _timed_row(
                "moons step: MLP(2,[16,16,1]), 100 points",
                c.step_current,
                c.step_previous,
                c.step_ratio,
            ),
            _timed_row(
                "digits step: MLP(64,[32,10]) tanh, batch 32",
                c.digits_current,
                c.digits_previous,
                c.digits_ratio,
            ),
            _timed_row(
                "inference under no_grad, 1000 grid points",
                c.inference_current,
                c.inference_previous,
                c.inference_ratio,
            ),
            _timed_row(
                f"chain of {CHAIN_N} nodes, y = y * c: build + backward",
                c.chain_current,
                c.chain_previous,
                c.chain_ratio,
            ),
            _timed_row(
                "micrograd's lecture by hand (+ * tanh), 20 steps of 4 samples",
                c.lecture_current,
                c.lecture_previous,
                c.lecture_ratio,
            ),
            f"| bytes per node, chain (tracemalloc) | {c.bytes_current:.0f} B | "
            f"{c.bytes_previous:.0f} B | {c.bytes_current / c.bytes_previous:.2f} |",
            f"| moons step with `backward(create_graph=True)` | "
            f"{c.create_graph_step * ms:.1f} ms | - | "
            f"{c.create_graph_ratio:.2f}x the first-order step |",
        ]
    )


def _timed_row(workload: str, current: float, previous: float, ratio: float) -> str:
    """One timed workload: both times in ms, and the ratio this / previous."""
    return (
        f"| {workload} | {current * 1e3:.1f} ms | {previous * 1e3:.1f} ms | "
        f"{ratio:.2f} ({1 / ratio:.2f}x as fast) |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small repeats: a smoke run")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--repeats", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--bytes-n", type=int, default=10**5, help=argparse.SUPPRESS)
    parser.add_argument("--create-graph", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker is not None:
        sys.path[:0] = [args.worker, str(ROOT)]
        result = _worker(args.data, args.repeats or 5, args.bytes_n, args.create_graph)
        print(json.dumps(result))
        return 0
    rounds, repeats, bytes_n = (2, 2, 10**4) if args.quick else (5, 5, 10**5)
    print(render(compare_with_previous(rounds, repeats, bytes_n)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
