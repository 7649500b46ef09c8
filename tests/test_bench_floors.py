"""benchmarks/floors.py: the NumPy floor computes the same step as autograd_mini
(loss and updated weights), and the table renders (nothing here looks at times)."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # benchmarks/ is not part of the installed package
    sys.path.insert(0, str(ROOT))

from autograd_mini.nn import MLP  # noqa: E402
from benchmarks import floors  # noqa: E402
from benchmarks import workloads as w  # noqa: E402


def test_the_numpy_step_is_the_same_step_as_autograd_mini() -> None:
    rng = random.Random(0)
    X = [[rng.uniform(-1.5, 2.5), rng.uniform(-1.0, 1.5)] for _ in range(12)]
    y = [rng.choice([-1.0, 1.0]) for _ in range(12)]
    model = MLP(2, [16, 16, 1], seed=0)
    weights = floors.numpy_weights(model)
    ours = w.ours_moons_step(model, X, y, lr=0.5)
    theirs = floors.numpy_moons_step(weights, np.array(X), np.array(y), lr=0.5)
    assert theirs == pytest.approx(ours, rel=1e-12)
    for (W, b), (W2, b2) in zip(weights, floors.numpy_weights(model), strict=True):
        np.testing.assert_allclose(W, W2, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(b, b2, rtol=1e-12, atol=1e-15)


@pytest.mark.slow  # micrograd's step takes most of a second
def test_the_floor_table_runs_and_renders() -> None:
    rows = floors.run_floors(rounds=1)
    names = [row.name for row in rows]
    assert names[0] == "autograd_mini" and names[-1] == "NumPy by hand (the floor)"
    assert rows[0].ratio == 1.0 and all(row.median > 0 for row in rows)
    assert "| NumPy by hand (the floor) |" in floors.render_floors(rows)


def test_the_pytorch_steps_compute_the_same_loss_where_installed() -> None:
    torch = pytest.importorskip("torch")
    rng = random.Random(1)
    X = [[rng.uniform(-1.5, 2.5), rng.uniform(-1.0, 1.5)] for _ in range(6)]
    y = [rng.choice([-1.0, 1.0]) for _ in range(6)]
    model = MLP(2, [16, 16, 1], seed=0)
    scalar_step, _ = floors._torch_scalar(model)
    batched_step = floors._torch_batched(model)
    ours = w.ours_moons_step(model, X, y, lr=0.0)
    assert scalar_step(X, y) == pytest.approx(ours, rel=1e-12)
    tX, ty = torch.tensor(X, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)
    assert batched_step(tX, ty) == pytest.approx(ours, rel=1e-12)
