"""The benchmark workloads, written once for autograd_mini and once for micrograd.

Each workload is a plain function, so tests/test_benchmarks.py can run it at a
tiny size and check that both engines compute the same numbers. The micrograd
side follows its demo notebook (inputs wrapped in Values, builtin `sum`); the
autograd_mini side is what a user of this package writes (plain floats in,
`Value.sum` / `Value.dot` for the reductions). Imports autograd_mini.engine,
nn, optim and train; micrograd and scikit-learn are imported where they are used.

>>> model = MLP(2, [4, 1], seed=0)
>>> X, y = [[0.5, -1.0], [1.0, 2.0]], [1.0, -1.0]
>>> loss = ours_moons_step(model, X, y, lr=0.1)
>>> loss > 0
True
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from typing import Any

from autograd_mini.engine import Value, no_grad
from autograd_mini.losses import hinge_labels
from autograd_mini.nn import MLP
from autograd_mini.optim import Adam, linear_decay
from autograd_mini.recording import Recorder, Recording
from autograd_mini.train import History, fit

__all__ = [
    "CHAIN_FACTOR",
    "copy_weights",
    "cross_entropy",
    "digits_batch",
    "grid",
    "micrograd_chain",
    "micrograd_inference",
    "micrograd_mlp",
    "micrograd_moons_step",
    "micrograd_wide_sum",
    "moons",
    "ours_chain",
    "TimedRecorder",
    "ours_digits_step",
    "ours_fit",
    "ours_inference",
    "ours_moons_step",
    "ours_wide_sum",
    "wide_leaves",
]

CHAIN_FACTOR = 1.0000001
"""The constant of the deep chain y = y * c: close to 1 so y stays finite."""

MOONS_L2 = 1e-4  # micrograd demo: alpha * sum(p * p)

# ----------------------------------------------------------------------------
# data
# ----------------------------------------------------------------------------


def moons(n: int = 100) -> tuple[list[list[float]], list[float]]:
    """The micrograd demo's data: sklearn make_moons(noise=0.1, random_state=1), y in +-1."""
    from sklearn.datasets import make_moons

    X, y = make_moons(n_samples=n, noise=0.1, random_state=1)
    return X.tolist(), [float(sign) for sign in hinge_labels(int(label) for label in y)]


def grid(X: Sequence[Sequence[float]], side: int = 100) -> list[list[float]]:
    """A side x side decision-boundary grid covering X with a margin of 1, row by row."""
    lo = [min(p[i] for p in X) - 1.0 for i in range(2)]
    hi = [max(p[i] for p in X) + 1.0 for i in range(2)]
    step = [(hi[i] - lo[i]) / (side - 1) for i in range(2)]
    return [
        [lo[0] + col * step[0], lo[1] + row * step[1]] for row in range(side) for col in range(side)
    ]


def digits_batch(size: int = 32) -> tuple[list[list[float]], list[int]]:
    """The first `size` images of sklearn's bundled 8x8 digits, pixels scaled to [0, 1]."""
    from sklearn.datasets import load_digits

    images, labels = load_digits(return_X_y=True)
    return (images[:size] / 16.0).tolist(), [int(c) for c in labels[:size]]


def wide_leaves(n: int, engine: Any = Value) -> tuple[list[Any], list[Any]]:
    """Two lists of n leaf Values (of `engine`'s Value class) with fixed random data."""
    rng = random.Random(0)
    return (
        [engine(rng.uniform(-1.0, 1.0)) for _ in range(n)],
        [engine(rng.uniform(-1.0, 1.0)) for _ in range(n)],
    )


# ----------------------------------------------------------------------------
# autograd_mini
# ----------------------------------------------------------------------------


def ours_moons_step(
    model: MLP, X: Sequence[Sequence[float]], y: Sequence[float], lr: float
) -> float:
    """One step of the micrograd demo: forward, hinge + L2 loss, zero_grad, backward, SGD."""
    params = model.parameters()
    scores = [model(x) for x in X]
    losses = [(1 - yi * si).relu() for yi, si in zip(y, scores)]  # type: ignore[operator]
    data_loss = Value.sum(losses) * (1.0 / len(losses))
    total = data_loss + MOONS_L2 * Value.dot(params, params)
    model.zero_grad()
    total.backward()
    for p in params:
        p.data -= lr * p.grad
    return total.data


def ours_inference(model: MLP, points: Sequence[Sequence[float]]) -> list[float]:
    """The model's score at every point, with no graph built."""
    with no_grad():
        return [model(p).data for p in points]  # type: ignore[union-attr]


def ours_chain(n: int, c: float = CHAIN_FACTOR) -> tuple[Value, Value]:
    """(x, y) with y = x * c * c * ... (n multiplications): a graph n nodes deep."""
    x = Value(1.0)
    y = x
    for _ in range(n):
        y = y * c
    return x, y


def ours_wide_sum(xs: Sequence[Value], ws: Sequence[Value]) -> Value:
    """sum_i x_i * w_i as one fused sum node over n product nodes, then backward."""
    total = Value.sum([x * w for x, w in zip(xs, ws)])
    total.backward()
    return total


def cross_entropy(logits: Sequence[Value], target: int) -> Value:
    """-log softmax(logits)[target], written as log-sum-exp minus the target logit.

    Shifting by the largest logit (a plain number) keeps exp from overflowing and
    changes neither the value nor the gradient.
    """
    shift = max(logit.data for logit in logits)
    log_sum_exp = Value.sum([(logit - shift).exp() for logit in logits]).log() + shift
    return log_sum_exp - logits[target]


def ours_digits_step(
    model: MLP, X: Sequence[Sequence[float]], y: Sequence[int], lr: float
) -> float:
    """One cross-entropy SGD step of a digits classifier on the batch (X, y)."""
    params = model.parameters()
    losses = [cross_entropy(model(x), target) for x, target in zip(X, y)]  # type: ignore[arg-type]
    total = Value.sum(losses) * (1.0 / len(losses))
    model.zero_grad()
    total.backward()
    for p in params:
        p.data -= lr * p.grad
    return total.data


class TimedRecorder(Recorder):
    """A Recorder that adds up the seconds spent in its own methods (`seconds`)."""

    seconds = 0.0

    def capture(self, *args: Any, **kwargs: Any) -> None:
        start = time.perf_counter()
        super().capture(*args, **kwargs)
        self.seconds += time.perf_counter() - start

    def add_validation(self, *args: Any, **kwargs: Any) -> None:
        start = time.perf_counter()
        super().add_validation(*args, **kwargs)
        self.seconds += time.perf_counter() - start

    @property
    def recording(self) -> Recording:
        start = time.perf_counter()
        result = super().recording
        self.seconds += time.perf_counter() - start
        return result


def ours_fit(
    X: Sequence[Sequence[float]],
    y: Sequence[float],
    epochs: int,
    record: bool | Callable[[MLP], Recorder] = False,
) -> History:
    """The demo's training run: MLP(2, [16, 16, 1]), hinge, Adam 0.05 decaying, full batch.

    With `record=True` fit also keeps its default 200-frame recording; a callable
    makes the Recorder from the model (e.g. TimedRecorder, default budget).
    """
    model = MLP(2, [16, 16, 1], seed=0)
    recording: bool | Recorder = record if isinstance(record, bool) else record(model)
    return fit(
        model,
        X,
        y,
        optimizer=Adam(model, lr=0.05),
        epochs=epochs,
        lr_schedule=linear_decay(0.05, 0.001, epochs),
        progress=False,
        record=recording,
    )


# ----------------------------------------------------------------------------
# micrograd (as in its demo notebook)
# ----------------------------------------------------------------------------


def micrograd_mlp(like: MLP) -> Any:
    """A micrograd MLP with the same layer sizes and the same weights as `like`."""
    from micrograd.nn import MLP as MicroMLP

    model = MicroMLP(like.nin, list(like.nouts))
    copy_weights(like, model)
    return model


def copy_weights(source: MLP, target: Any) -> None:
    """Copy autograd_mini weights into a micrograd model (same parameter order)."""
    theirs = target.parameters()
    ours = source.parameters()
    if len(theirs) != len(ours):
        raise ValueError(f"copy_weights: {len(ours)} parameters vs {len(theirs)}")
    for p, q in zip(ours, theirs):
        q.data = p.data


def micrograd_moons_step(
    model: Any, X: Sequence[Sequence[float]], y: Sequence[float], lr: float
) -> float:
    """micrograd's demo step, verbatim apart from names and a fixed learning rate."""
    from micrograd.engine import Value as MicroValue

    inputs = [list(map(MicroValue, row)) for row in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = MOONS_L2 * sum(p * p for p in model.parameters())
    total = data_loss + reg_loss
    model.zero_grad()
    total.backward()
    for p in model.parameters():
        p.data -= lr * p.grad
    return float(total.data)


def micrograd_inference(model: Any, points: Sequence[Sequence[float]]) -> list[float]:
    """micrograd has no no_grad: every score builds (and drops) a graph."""
    from micrograd.engine import Value as MicroValue

    return [model(list(map(MicroValue, p))).data for p in points]


def micrograd_chain(n: int, c: float = CHAIN_FACTOR) -> tuple[Any, Any]:
    """(x, y) with y = x * c * ... in micrograd (each c becomes a Value of its own)."""
    from micrograd.engine import Value as MicroValue

    x = MicroValue(1.0)
    y = x
    for _ in range(n):
        y = y * c
    return x, y


def micrograd_wide_sum(xs: Sequence[Any], ws: Sequence[Any]) -> Any:
    """sum_i x_i * w_i in micrograd, then backward.

    The builtin `sum` would build a chain n additions deep, whose recursive
    backward raises RecursionError past about a thousand; a balanced pairwise
    sum (depth log2 n) is the closest micrograd can get to a wide sum.
    """
    level = [x * w for x, w in zip(xs, ws)]
    while len(level) > 1:
        paired = [level[i] + level[i + 1] for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    level[0].backward()
    return level[0]
