"""Scale (marked slow): a million-node shared graph, memory that stays flat, huge pictures.

Memory is measured with tracemalloc while the cyclic garbage collector is OFF, so
only reference counting frees anything: a graph that needs the collector (a node
referring to itself through a closure, say) shows up as growth. No wall-clock
assertions: a hang shows up as a test that never finishes, and the work done for
a picture is bounded by counting, not timing.
"""

from __future__ import annotations

import gc
import random
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from autograd_mini import Value
from autograd_mini.nn import MLP

pytestmark = pytest.mark.slow


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


def test_two_hundred_steps_with_optim_and_losses_keep_memory_flat() -> None:
    from autograd_mini import losses, optim

    model = MLP(2, [8, 8, 1], seed=1)
    opt = optim.Adam(model.parameters(), lr=0.01)
    rng = random.Random(1)

    def steps(n: int) -> None:
        for _ in range(n):
            batch = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(4)]
            labels = [1 if a * b > 0 else -1 for a, b in batch]
            loss = losses.hinge([model.outputs(x)[0] for x in batch], labels)
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
    root = Value.sum([model.outputs([0.1 * i, -0.2 * i])[0] for i in range(20)])
    animation = animate(root)
    assert 1 <= len(animation) <= 500
    assert len(animation.to_html()) < 5_000_000


@pytest.mark.exe
def test_summarising_does_per_node_drawing_work_only_for_drawn_nodes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Formatting every node of the full scenes before summarising would make a
    # 10**6-node chain cost tens of seconds to draw; counting calls catches it.
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
