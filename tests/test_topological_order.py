"""The topological sort: parents before children, every node once, and the same
order as a plain depth-first walk that checks every parent of every node (so
gradients are summed in the same order, to the bit)."""

from __future__ import annotations

import random

from autograd_mini import Value
from autograd_mini.engine import _topological_order
from autograd_mini.nn import MLP


def _plain_walk(root: Value) -> list[Value]:
    """The reference: a marker-based depth-first walk with no shortcut."""
    order: list[Value] = []
    visited: set[Value] = set()
    stack: list[Value | None] = [root]
    while stack:
        node = stack.pop()
        if node is None:
            done = stack.pop()
            assert done is not None
            order.append(done)
            continue
        if node in visited:
            continue
        visited.add(node)
        stack += [node, None]
        for parent in node.parents:
            if parent not in visited:
                if parent.parents:
                    stack.append(parent)
                else:
                    visited.add(parent)
                    order.append(parent)
    return order


def _random_graph(seed: int) -> Value:
    rng = random.Random(seed)
    nodes = [Value(rng.uniform(-1.0, 1.0)) for _ in range(4)]
    for _ in range(60):
        a, b = rng.choice(nodes), rng.choice(nodes)
        kind = rng.randrange(4)
        if kind == 0:
            nodes.append(a * b)
        elif kind == 1:
            nodes.append(Value.sum(rng.sample(nodes, min(len(nodes), 5))))
        elif kind == 2:
            nodes.append(a.tanh())
        else:
            nodes.append(a + b)
    return Value.sum(nodes[-10:])


def _mlp_loss() -> Value:
    model = MLP(2, [8, 8, 1], seed=0)
    points = [[0.5, -1.0], [1.5, 0.25], [-0.75, 0.5]]
    return Value.sum([(1 - model.outputs(p)[0]).relu() for p in points])


def test_the_order_is_that_of_the_plain_walk_and_parents_come_first() -> None:
    for root in [_mlp_loss(), *(_random_graph(seed) for seed in range(30))]:
        order = _topological_order((root,))
        assert [id(n) for n in order] == [id(n) for n in _plain_walk(root)]
        position = {n: i for i, n in enumerate(order)}
        assert len(position) == len(order)
        assert all(position[p] < position[n] for n in order for p in n.parents)
