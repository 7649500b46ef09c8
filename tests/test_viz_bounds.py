"""What a picture costs is bounded by what it draws, not by the graph behind it.

`max_nodes` bounds the arrows as well as the boxes: a Value used many times by
one node is one arrow with a count. `animate` on a huge graph keeps the
backward steps of the boxes it draws (one bundled step for each group or
'… more' box), not one record per node of the graph, so the memory it needs
per node of the graph is about what `draw_graph` needs; its frames and
numbers are unchanged.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest

from autograd_mini import Value
from autograd_mini.nn import MLP
from autograd_mini.viz import animate, draw_graph, trace_backward
from autograd_mini.viz import player as player_module
from autograd_mini.viz.escape import format_number
from autograd_mini.viz.scene import build_scene


def test_a_value_used_many_times_by_one_node_is_one_arrow_with_a_count() -> None:
    x = Value(1.0, label="x")
    total = Value.sum([x] * 100_000)
    scene = build_scene(total)
    assert len(scene.edges) == 2  # x -> the sum's op node (×100000), op node -> the sum
    into_op = next(e for e in scene.edges if e.head.startswith("o"))
    assert into_op.count == 100_000


def test_a_repeated_parent_keeps_parent_order_and_counts_its_uses() -> None:
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    scene = build_scene(a * b + a * a)
    into_ops = [(e.tail, e.head, e.count) for e in scene.edges if e.head.startswith("o")]
    va, vb = scene.box_of[id(a)], scene.box_of[id(b)]
    assert [(t, c) for t, _, c in into_ops] == [(va, 1), (vb, 1), (va, 2), ("v2", 1), ("v3", 1)]


@pytest.mark.exe
def test_the_picture_of_a_repeated_parent_is_small_and_names_the_count() -> None:
    x = Value(1.0, label="x")
    svg = draw_graph(Value.sum([x] * 100_000)).pipe(format="svg", encoding="utf-8")
    assert "×100000" in svg
    assert svg.count("<path") < 10 and len(svg) < 10_000


def chain(n: int) -> Value:
    y = Value(0.5, label="x")
    for i in range(n):
        y = y * 1.0000001 if i % 2 else y + 0.001
    return y


@pytest.mark.exe
def test_animate_keeps_the_steps_it_draws_not_one_per_node(monkeypatch: pytest.MonkeyPatch) -> None:
    kept: list[int] = []
    plan = player_module.plan_frames

    def spy(scene: Any, trace: Any, *args: Any, **kwargs: Any) -> Any:
        kept.append(len(trace))
        return plan(scene, trace, *args, **kwargs)

    monkeypatch.setattr(player_module, "plan_frames", spy)
    anim = animate(chain(20_000), max_nodes=30)
    assert "summarised" in anim.captions[0]
    assert kept and kept[0] <= 30  # one step per drawn box at most, of 20,000 nodes


def peak_bytes(draw: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        draw()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.exe
def test_animate_needs_per_node_about_the_memory_draw_graph_needs() -> None:
    # Both draw the same 60-node summary; what grows with the graph is the cost per
    # node behind it: about 120 bytes for draw_graph, 600 when every step was kept.
    small, big = chain(1_000), chain(6_000)

    def per_node(draw: Callable[[Value], object]) -> float:
        return (peak_bytes(lambda: draw(big)) - peak_bytes(lambda: draw(small))) / 5_000

    picture = per_node(lambda root: draw_graph(root, max_nodes=60).pipe(format="svg"))
    film = per_node(lambda root: animate(root, max_nodes=60))
    assert film < 2 * picture, (film, picture)


@pytest.mark.exe
@pytest.mark.parametrize("group", [None, "neuron", "layer"])
def test_grouped_animation_counts_every_step_and_shows_backwards_numbers(
    group: str | None,
) -> None:
    model = MLP(2, [3, 1], seed=0)
    x1, x2 = [0.5, -1.0], [0.2, 0.3]
    out1, out2 = model(x1), model(x2)
    assert isinstance(out1, Value) and isinstance(out2, Value)
    loss = (1 - out1).relu() + (1 + out2).relu()
    anim = animate(loss, group=group, lr=0.1)
    steps = len(trace_backward(loss))
    loss.backward()
    backward = [c for c, p in zip(anim.captions, anim.phases, strict=True) if p == "backward"]
    # Every node's step is accounted for: one frame per single Value, a count per group.
    singles = sum(1 for c in backward if ": upstream grad" in c)
    in_groups = sum(
        int(c.split("runs through ")[1].split()[0]) for c in backward if "runs through" in c
    )
    assert singles + in_groups == steps
    grads = {f"{p.scope}.{p.label}": p.grad for p in model.parameters()}
    update = next(c for c, p in zip(anim.captions, anim.phases, strict=True) if p == "update")
    listed = [line.split(": ", 1) for line in update.splitlines()[1:] if ": " in line]
    assert len(listed) >= 6
    for name, update in listed:
        assert f" - 0.1 × {format_number(grads[name])} = " in update, (name, update)
