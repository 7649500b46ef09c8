"""Engine behaviour that the speed-ups must not break: the
topological sort on large and random graphs, memory that stays flat across
training steps without the cyclic collector, bytes per node, huge graphs being
freed, and the cached op labels. No test here measures time."""

from __future__ import annotations

import gc
import random
import tracemalloc

import pytest

from autograd_mini import Value, engine
from autograd_mini.nn import MLP


def reference_order(root: Value) -> list[Value]:
    """A plain recursive post-order DFS: the obvious algorithm, for small graphs."""
    order: list[Value] = []
    seen: set[int] = set()

    def visit(node: Value) -> None:
        if id(node) in seen:
            return
        seen.add(id(node))
        for parent in node.parents:
            visit(parent)
        order.append(node)

    visit(root)
    return order


def random_graph(rng: random.Random, size: int) -> Value:
    """A random expression DAG whose nodes are often shared by several children."""
    nodes = [Value(rng.uniform(0.5, 1.5)) for _ in range(4)]
    for _ in range(size):
        kind = rng.randrange(5)
        a, b = rng.choice(nodes), rng.choice(nodes)
        if kind == 0:
            nodes.append(a * b)
        elif kind == 1:
            nodes.append(a + b)
        elif kind == 2:
            nodes.append(a.tanh())
        elif kind == 3:
            nodes.append(Value.sum(rng.sample(nodes, min(4, len(nodes)))))
        else:
            nodes.append(a * 0.5)
    return Value.sum(nodes[-5:])


def assert_topological(order: list[Value]) -> None:
    position = {id(n): i for i, n in enumerate(order)}
    assert len(position) == len(order), "a node appears twice"
    for node in order:
        for parent in node.parents:
            assert position[id(parent)] < position[id(node)], "a parent after its child"


@pytest.mark.parametrize("seed", range(20))
def test_topological_order_matches_a_recursive_reference_on_random_graphs(seed: int) -> None:
    root = random_graph(random.Random(seed), 60)
    order = root.topological_order()
    assert_topological(order)
    assert {id(n) for n in order} == {id(n) for n in reference_order(root)}
    assert order[-1] is root


def test_topological_order_of_a_leaf_is_the_leaf() -> None:
    x = Value(1.0)
    assert x.topological_order() == [x]


def test_gradients_on_random_graphs_match_central_differences() -> None:
    # backward on shared sub-expressions, checked by perturbing each leaf
    rng = random.Random(7)
    leaves = [Value(rng.uniform(0.5, 1.5)) for _ in range(3)]

    def build() -> Value:
        a, b, c = leaves
        shared = a * b
        return Value.sum([shared.tanh(), shared * c, Value.dot([a, shared], [shared, c], bias=b)])

    out = build()
    out.backward()
    for leaf in leaves:
        original, h = leaf.data, 1e-6
        leaf.data = original + h
        up = build().data
        leaf.data = original - h
        down = build().data
        leaf.data = original
        assert leaf.grad == pytest.approx((up - down) / (2 * h), rel=1e-6, abs=1e-8)


def test_wide_sum_of_products_has_the_closed_form_gradient() -> None:
    rng = random.Random(1)
    xs = [Value(rng.uniform(-1, 1)) for _ in range(50_000)]
    ws = [Value(rng.uniform(-1, 1)) for _ in range(50_000)]
    total = Value.sum([x * w for x, w in zip(xs, ws)])
    total.backward()
    assert len(total.topological_order()) == 1 + 50_000 + 100_000
    assert all(x.grad == w.data and w.grad == x.data for x, w in zip(xs, ws))


def test_chain_node_costs_at_most_400_bytes() -> None:
    # The per-node budget (benchmarks/NOTES.md); micrograd needs about 1.2 kB for the same chain.
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        y = Value(1.0)
        for _ in range(20_000):
            y = y * 1.0000001
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert 60 < (after - before) / 20_000 <= 400
    del y


def test_training_memory_stays_flat_without_the_cyclic_collector() -> None:
    # No node refers back to itself, so each step's graph is freed by reference
    # counting alone the moment the next step drops it.
    rng = random.Random(0)
    X = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(16)]
    y = [1.0 if a * b > 0 else -1.0 for a, b in X]
    model = MLP(2, [8, 8, 1], seed=0)
    params = model.parameters()

    def step() -> None:
        scores = [model(x) for x in X]
        losses = [(1 - yi * si).relu() for yi, si in zip(y, scores)]  # type: ignore[operator]
        loss = Value.sum(losses) * (1 / len(losses)) + 1e-4 * Value.dot(params, params)
        model.zero_grad()
        loss.backward()
        for p in params:
            p.data -= 0.05 * p.grad

    gc.collect()
    gc.disable()
    tracemalloc.start()
    try:
        step()
        step()
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(40):
            step()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
        gc.enable()
    # one step's graph is ~100 kB; a leak of even one graph per step would be 4 MB
    assert after - before < 20_000


@pytest.mark.parametrize(
    "make, op",
    [
        (lambda x: x * 2, "*2"),
        (lambda x: 2 * x, "2*"),
        (lambda x: x + 0.5, "+0.5"),
        (lambda x: 1 - x, "1-"),
        (lambda x: x / 4, "/4"),
        (lambda x: 3 / x, "3/"),
        (lambda x: x**3, "**3"),
        (lambda x: 2**x, "2**"),
        (lambda x: x + 0.0, "+0"),
        (lambda x: x + -0.0, "+-0"),
        (lambda x: x * 1e20, "*1e+20"),
    ],
)
def test_constant_op_labels_are_right_every_time(make: object, op: str) -> None:
    # twice: the second label comes from the cache
    for _ in range(2):
        assert make(Value(1.5)).op == op  # type: ignore[operator]


def test_constant_op_label_cache_is_bounded() -> None:
    x = Value(1.0)
    try:
        for i in range(engine._CONSTANT_OP_LABELS_MAX + 100):
            assert (x * (i + 0.25)).op == f"*{i + 0.25!r}"
        assert len(engine._constant_op_labels) <= engine._CONSTANT_OP_LABELS_MAX
    finally:
        engine._constant_op_labels.clear()
