"""The moons step on other engines: where autograd_mini stands, and what bounds it.

    python benchmarks/floors.py            # prints a table (about a minute)
    python benchmarks/floors.py --quick    # a smoke run

The same step as benchmarks/workloads.py (MLP(2,[16,16,1]) relu, 100 moons points,
hinge + L2 loss, zero_grad, backward, SGD), all engines from the same weights:

- micrograd as a user runs it, and with its cyclic garbage collector off (most of
  micrograd's time is the collector, which scales with memory, not with work done);
- PyTorch with 0-dim tensors (the way a learner ports micrograd) and PyTorch
  batched in float64 (where users go when they outgrow scalar engines), if
  installed (`pip install torch==2.13.0`);
- NumPy by hand, batched forward and backward: the floor for this step in Python.

The engines alternate in one process, a `gc.collect()` before each timing outside
the clock; times are CPU time of the process (`time.process_time`, every thread); a
ratio is the median of per-round ratios (other time / autograd_mini time). Imports
benchmarks.workloads.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograd_mini.nn import MLP
from benchmarks import workloads as w

__all__ = ["FloorRow", "numpy_moons_step", "numpy_weights", "run_floors", "render_floors"]

LR = 0.0  # the same work as an update, weights unchanged: every round times the same step


def numpy_weights(model: MLP) -> list[tuple[Any, Any]]:
    """(W, b) per layer as float64 arrays, W of shape (nin, nout), from `model`."""
    import numpy as np

    return [
        (
            np.array([[n.w[i].data for n in layer.neurons] for i in range(layer.nin)]),
            np.array([n.b.data for n in layer.neurons]),
        )
        for layer in model.layers
    ]


def numpy_moons_step(
    weights: list[tuple[Any, Any]], X: Any, y: Any, lr: float, l2: float = w.MOONS_L2
) -> float:
    """The moons step by hand in NumPy: relu hidden layers, hinge + L2, backward, SGD."""
    import numpy as np

    last = len(weights) - 1
    inputs, pre = [], []
    h = X
    for k, (W, b) in enumerate(weights):
        inputs.append(h)
        z = h @ W + b
        pre.append(z)
        h = np.maximum(z, 0.0) if k < last else z
    margins = 1.0 - y * h[:, 0]
    loss = np.maximum(margins, 0.0).mean() + l2 * sum(
        (W * W).sum() + (b * b).sum() for W, b in weights
    )
    grad_h = (-(y * (margins > 0.0)) / len(y))[:, None]
    for k in range(last, -1, -1):
        W, b = weights[k]
        if k < last:
            grad_h = grad_h * (pre[k] > 0.0)
        grad_W = inputs[k].T @ grad_h + 2.0 * l2 * W
        grad_b = grad_h.sum(axis=0) + 2.0 * l2 * b
        grad_h = grad_h @ W.T
        W -= lr * grad_W
        b -= lr * grad_b
    return float(loss)


def _torch_scalar(
    model: MLP,
) -> tuple[Callable[[Sequence[Sequence[float]], Sequence[float]], float], Any]:
    """micrograd ported to PyTorch 0-dim tensors: one tensor per weight."""
    import torch

    layers = [
        [
            (
                [torch.tensor(p.data, dtype=torch.float64, requires_grad=True) for p in n.w],
                torch.tensor(n.b.data, dtype=torch.float64, requires_grad=True),
            )
            for n in layer.neurons
        ]
        for layer in model.layers
    ]
    params = [t for layer in layers for ws, b in layer for t in (*ws, b)]

    def step(X: Sequence[Sequence[float]], y: Sequence[float]) -> float:
        scores = []
        for point in X:
            h: list[Any] = [torch.tensor(v, dtype=torch.float64) for v in point]
            for k, layer in enumerate(layers):
                outs = [sum((wi * xi for wi, xi in zip(ws, h)), b) for ws, b in layer]
                h = [o.relu() for o in outs] if k < len(layers) - 1 else outs
            scores.append(h[0])
        losses = [(1 - yi * si).relu() for yi, si in zip(y, scores)]
        total = sum(losses) * (1.0 / len(losses)) + w.MOONS_L2 * sum(p * p for p in params)
        for p in params:
            p.grad = None
        total.backward()
        with torch.no_grad():
            for p in params:
                p -= LR * _grad_of(p)
        return float(total.detach())

    return step, torch


def _torch_batched(model: MLP) -> Callable[[Any, Any], float]:
    """The same MLP as float64 matrices with torch autograd."""
    import torch

    weights = [
        (torch.tensor(W, requires_grad=True), torch.tensor(b, requires_grad=True))
        for W, b in numpy_weights(model)
    ]

    def step(X: Any, y: Any) -> float:
        h = X
        for k, (W, b) in enumerate(weights):
            h = h @ W + b
            if k < len(weights) - 1:
                h = h.relu()
        data_loss = (1.0 - y * h[:, 0]).relu().mean()
        total = data_loss + w.MOONS_L2 * sum((W * W).sum() + (b * b).sum() for W, b in weights)
        for W, b in weights:
            W.grad = b.grad = None
        total.backward()
        with torch.no_grad():
            for W, b in weights:
                W -= LR * _grad_of(W)
                b -= LR * _grad_of(b)
        return float(total.detach())

    return step


def _grad_of(tensor: Any) -> Any:
    """A leaf tensor's gradient after backward (typed Any: never None here)."""
    return tensor.grad


class FloorRow:
    """One engine's moons step: median seconds and the median ratio to autograd_mini."""

    def __init__(self, name: str, seconds: list[float], ours: list[float]) -> None:
        self.name = name
        self.median = statistics.median(seconds)
        self.ratio = statistics.median(s / o for s, o in zip(seconds, ours, strict=True))


def _micrograd_gc_off(model: Any, X: Any, y: Any) -> None:
    gc.disable()
    try:
        w.micrograd_moons_step(model, X, y, LR)
    finally:
        gc.enable()


def _cpu_time(run: Callable[[], object]) -> float:
    """CPU seconds of one call (all threads: PyTorch's too), after collecting garbage.

    CPU time, not wall-clock: other processes on a shared machine inflate wall-clock
    times by whole factors, CPU time much less.
    """
    gc.collect()
    start = time.process_time()
    run()
    return time.process_time() - start


def run_floors(rounds: int = 5) -> list[FloorRow]:
    """Time every available engine against autograd_mini, alternating, `rounds` times."""
    import numpy as np

    X, y = w.moons(100)
    ours_model = MLP(2, [16, 16, 1], seed=0)
    engines: dict[str, Callable[[], object]] = {
        "autograd_mini": lambda: w.ours_moons_step(ours_model, X, y, LR),
    }
    if importlib.util.find_spec("micrograd") is not None:
        micro = w.micrograd_mlp(ours_model)
        engines["micrograd, as users run it"] = lambda: w.micrograd_moons_step(micro, X, y, LR)
        engines["micrograd, gc off"] = lambda: _micrograd_gc_off(micro, X, y)
    if importlib.util.find_spec("torch") is not None:
        scalar_step, torch = _torch_scalar(ours_model)
        # One thread: a 100 x 16 problem gains nothing from more, and threads that
        # spin while waiting would be counted as CPU time.
        torch.set_num_threads(1)
        batched_step = _torch_batched(ours_model)
        tX, ty = torch.tensor(X, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)
        engines["PyTorch, 0-dim tensors"] = lambda: scalar_step(X, y)
        engines["PyTorch, batched float64"] = lambda: batched_step(tX, ty)
    weights = numpy_weights(ours_model)
    nX, ny = np.array(X), np.array(y)
    engines["NumPy by hand (the floor)"] = lambda: numpy_moons_step(weights, nX, ny, LR)
    for run in engines.values():
        run()  # warm-up
    times: dict[str, list[float]] = {name: [] for name in engines}
    for _ in range(rounds):
        for name, run in engines.items():
            times[name].append(_cpu_time(run))
    ours = times["autograd_mini"]
    return [FloorRow(name, t, ours) for name, t in times.items()]


def render_floors(rows: list[FloorRow]) -> str:
    """The rows as a Markdown table (ratio: that engine's time / autograd_mini's)."""
    lines = [
        "| moons step on | median time | time / autograd_mini's (median of round ratios) |",
        "| --- | --- | --- |",
    ]
    for row in rows:
        lines.append(f"| {row.name} | {row.median * 1e3:.2f} ms | {row.ratio:.3g} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="two rounds: a smoke run")
    args = parser.parse_args(argv)
    print(render_floors(run_floors(2 if args.quick else 5)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
