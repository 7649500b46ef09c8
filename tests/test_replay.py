"""replay: a graph's forward pass with new leaf values equals building it again."""

from __future__ import annotations

import random

import pytest
from graphs import karpathy

from autograd_mini import Value, losses
from autograd_mini.nn import MLP
from autograd_mini.viz.replay import replay


def mlp_loss(model: MLP, X: list[list[float]], y: list[float]) -> Value:
    outs = [model.outputs(x)[0] for x in X]
    return Value.sum([(o - t) ** 2 for o, t in zip(outs, y)]) / len(X)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_replay_equals_rebuilding_an_mlp_loss(seed: int, activation: str) -> None:
    rng = random.Random(seed)
    model = MLP(3, [5, 4, 1], activation=activation, seed=seed)
    X = [[rng.uniform(-2, 2) for _ in range(3)] for _ in range(4)]
    y = [rng.choice([-1.0, 1.0]) for _ in range(4)]
    loss = mlp_loss(model, X, y)
    new = {id(p): p.data + rng.uniform(-0.3, 0.3) for p in model.parameters()}
    replayed = replay(loss, new)
    assert replayed is not None
    for p in model.parameters():
        p.data = new[id(p)]
    assert replayed[id(loss)] == pytest.approx(mlp_loss(model, X, y).data, rel=1e-12, abs=1e-15)


def test_replay_of_the_karpathy_graph_and_constant_ops() -> None:
    L, _ = karpathy()
    leaves = [v for v in L.topological_order() if not v.parents]
    new = {id(v): v.data * 1.1 for v in leaves}
    replayed = replay(L, new)
    assert replayed is not None
    a, b = Value(2.0), Value(-3.0)
    expr = (2 - a) * 3 + (a / 4) ** 2 - 1 / b + (2**a).exp().log() + (-b).abs().sqrt()
    got = replay(expr, {id(a): 1.5, id(b): -2.0})
    a2, b2 = Value(1.5), Value(-2.0)
    want = (2 - a2) * 3 + (a2 / 4) ** 2 - 1 / b2 + (2**a2).exp().log() + (-b2).abs().sqrt()
    assert got is not None and got[id(expr)] == pytest.approx(want.data, rel=1e-14)


def test_a_fused_loss_cannot_be_replayed() -> None:
    s = Value(0.3)
    loss = losses.hinge([s], [1])
    assert replay(loss, {id(s): 2.0}) is None


def test_an_ambiguous_dot_gives_up_rather_than_guess() -> None:
    w, x = Value(2.0), Value(3.0)
    # A Value weight paired with a Value input and a number that equals a parent's value.
    y = Value.dot([w, 3.0], [x, 2.0])
    replayed = replay(y, {id(w): 5.0})
    assert replayed is None or replayed[id(y)] == 5.0 * 3.0 + 6.0
