"""Scale: a million-node backward, memory that stays flat, pictures of huge graphs.

Memory is measured with tracemalloc while the cyclic garbage collector is OFF, so
only reference counting frees anything: a graph that needs the collector (a node
referring to itself through a closure, say) shows up as growth. No wall-clock
assertions: a hang shows up as a test that never finishes, and the work done for
a picture is bounded by counting, not timing.
"""

from __future__ import annotations

import gc
import math
import random
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from autograd_mini import Value
from autograd_mini.nn import MLP

MILLION = 1_000_000


@contextmanager
def _traced_without_gc() -> Iterator[Callable[[], int]]:
    """Yield a function giving the bytes currently allocated (traced, gc off)."""
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    tracemalloc.start()
    try:
        yield lambda: tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
        if was_enabled:
            gc.enable()


def _chain(n: int, factor: float = 1.0000001) -> tuple[Value, Value]:
    x = Value(1.0, label="x")
    y = x
    for _ in range(n - 1):
        y = y * factor
    return x, y


def test_million_node_chain_backward_is_correct_and_needs_no_recursion() -> None:
    x, y = _chain(MILLION)
    y.backward()
    # d/dx x * c**(n-1) = c**(n-1); float error grows like n * eps ~ 1e-10.
    assert math.isclose(x.grad, 1.0000001 ** (MILLION - 1), rel_tol=1e-8)
    assert math.isclose(y.data, x.grad, rel_tol=1e-8)


def test_million_node_wide_and_shared_graph_backward() -> None:
    xs = [Value(float(i % 7) - 3.0) for i in range(1000)]
    # 1000 leaves, each reused by 500 products: ~10**6 nodes with heavy sharing.
    terms = [xs[i % 1000] * xs[(i * 7 + 3) % 1000] for i in range(500_000)]
    root = Value.sum(terms)
    root.backward()
    expected = [0.0] * 1000
    for i in range(500_000):
        a, b = i % 1000, (i * 7 + 3) % 1000
        expected[a] += xs[b].data
        expected[b] += xs[a].data
    assert [x.grad for x in xs] == pytest.approx(expected)


def test_repeated_backward_on_a_big_graph_keeps_memory_flat() -> None:
    _, y = _chain(50_000)
    with _traced_without_gc() as allocated:
        y.backward()
        after_first = allocated()
        for _ in range(3):
            y.backward()
        growth = allocated() - after_first
    assert growth < 64 * 1024, f"memory grew by {growth} bytes over 3 backward passes"


def test_a_dropped_graph_is_freed_without_the_garbage_collector() -> None:
    with _traced_without_gc() as allocated:
        baseline = allocated()
        x, y = _chain(100_000)
        y = y.tanh() + y.sigmoid() * y.exp()
        y.backward()
        built = allocated() - baseline
        del y
        left = allocated() - baseline
    assert built > 10_000_000, f"the graph should be big, took {built} bytes"
    # Only the leaf x survives; every other node died by refcount. What remains is
    # CPython's free lists (up to 2000 cached tuples per size), not graph nodes.
    assert left < 512 * 1024, f"{left} of {built} bytes still held after dropping the root"
    assert x.grad != 0.0


def _train_steps(model: MLP, steps: int, rng: random.Random) -> float:
    """Plain SGD on a fixed toy problem, by hand: engine and nn only."""
    params = model.parameters()
    loss = math.inf
    for _ in range(steps):
        batch = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(4)]
        targets = [1.0 if a * b > 0 else -1.0 for a, b in batch]
        outputs = [model(x) for x in batch]
        total = Value.sum([(out - t) ** 2 for out, t in zip(outputs, targets, strict=True)])
        for p in params:
            p.grad = 0.0
        total.backward()
        for p in params:
            p.data -= 0.01 * p.grad
        loss = total.data
    return loss


def test_two_hundred_training_steps_keep_memory_flat() -> None:
    model = MLP(2, [8, 8, 1], seed=0)
    rng = random.Random(0)
    with _traced_without_gc() as allocated:
        _train_steps(model, 20, rng)  # warm-up: caches, interned floats
        after_warm_up = allocated()
        loss = _train_steps(model, 180, rng)
        growth = allocated() - after_warm_up
    assert math.isfinite(loss)
    # One step's graph is ~20 KB here; 180 leaked steps would be ~4 MB.
    assert growth < 100 * 1024, f"memory grew by {growth} bytes over 180 steps"


def test_two_hundred_steps_with_optim_and_losses_keep_memory_flat() -> None:
    from autograd_mini import losses, optim

    model = MLP(2, [8, 8, 1], seed=1)
    opt = optim.Adam(model.parameters(), lr=0.01)
    rng = random.Random(1)

    def steps(n: int) -> None:
        for _ in range(n):
            batch = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(4)]
            labels = [1 if a * b > 0 else -1 for a, b in batch]
            loss = losses.hinge([model(x) for x in batch], labels)
            opt.zero_grad()
            loss.backward()
            opt.step()

    with _traced_without_gc() as allocated:
        steps(20)
        after_warm_up = allocated()
        steps(180)
        growth = allocated() - after_warm_up
    assert growth < 100 * 1024, f"memory grew by {growth} bytes over 180 steps"


# ---------------------------------------------------------------------------
# pictures of graphs far above max_nodes
# ---------------------------------------------------------------------------


@pytest.mark.exe
def test_drawing_a_huge_graph_summarises_to_a_bounded_picture() -> None:
    from autograd_mini.viz import draw_graph

    _, y = _chain(50_000)
    y.backward()
    dot = draw_graph(y, max_nodes=150)
    node_lines = [line for line in dot.source.splitlines() if "[" in line and "->" not in line]
    assert len(node_lines) <= 150 + 10, f"{len(node_lines)} DOT nodes for max_nodes=150"
    assert "summarised" in dot.source
    svg = dot.pipe(format="svg")
    assert len(svg) < 1_000_000


@pytest.mark.exe
def test_animating_a_huge_network_graph_stays_bounded() -> None:
    from autograd_mini.viz import animate

    model = MLP(2, [16, 16, 1], seed=0)
    root = Value.sum([model([0.1 * i, -0.2 * i]) for i in range(20)])
    animation = animate(root)
    assert 1 <= len(animation) <= 500
    assert len(animation.to_html()) < 5_000_000


@pytest.mark.exe
def test_summarising_does_per_node_drawing_work_only_for_drawn_nodes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Found by this suite: build_scene formatted every node of three full scenes
    # before summarising (draw_graph on a 10**6-node chain: ~40 s, animate ~57 s).
    from autograd_mini.viz import draw_graph, escape, groups, scene

    calls = 0
    real = escape.format_number

    def counting(x: float) -> str:
        nonlocal calls
        calls += 1
        return real(x)

    monkeypatch.setattr(scene, "format_number", counting)
    monkeypatch.setattr(groups, "format_number", counting)
    monkeypatch.setattr(escape, "format_number", counting)
    _, y = _chain(20_000)
    draw_graph(y, max_nodes=150)
    # Walking the graph is O(n); formatting, boxes and edges should be O(max_nodes).
    assert calls <= 20 * 150, f"{calls} numbers formatted for a 150-node picture"
