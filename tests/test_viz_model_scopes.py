"""Grouped pictures keep different model instances apart.

Two models built alike give their nodes the same dotted names
("layers.0.neurons.0"); a grouped picture of a graph that uses both must still
draw one box per neuron (or layer) of each model, with titles that say which
model is which, while a picture of one model keeps its plain names.
"""

from __future__ import annotations

import copy

import pytest

from autograd_mini import Value
from autograd_mini.nn import MLP, Layer, Module
from autograd_mini.viz.scene import build_scene
from autograd_mini.viz.trace import node_names


def output(model: Module, x: list[float]) -> Value:
    """The single output of `model` on `x`."""
    out = model(x)
    assert isinstance(out, Value)
    return out


def group_boxes(root: Value, group: str) -> list[tuple[str, str]]:
    scene = build_scene(root, group=group)
    return [(b.title, b.detail) for b in scene.boxes if b.kind == "group"]


@pytest.mark.parametrize("group", ["neuron", "layer"])
def test_two_models_built_alike_draw_two_boxes(group: str) -> None:
    m1, m2 = MLP(2, [1], seed=0), MLP(2, [1], seed=1)
    x = [0.5, -1.0]
    boxes = group_boxes(output(m1, x) + output(m2, x), group)
    assert len(boxes) == 2, boxes
    assert all(detail == "w·x + b · 3 params" for _, detail in boxes), boxes
    titles = [title for title, _ in boxes]
    assert len(set(titles)) == 2 and all(
        t.endswith("layers.0" if group == "layer" else "0") for t in titles
    )
    assert titles == [
        "model 1: " + titles[0].split(": ")[1],
        "model 2: " + titles[1].split(": ")[1],
    ]


def test_one_model_used_twice_is_one_group_and_keeps_its_plain_names() -> None:
    model = MLP(2, [2, 1], seed=0)
    y = output(model, [0.5, -1.0]) + output(model, [1.0, 2.0])
    boxes = group_boxes(y, "layer")
    assert [title for title, _ in boxes] == ["layers.0", "layers.1"]
    assert boxes[0][1] == "2 neurons: w·x + b → relu (×2) · 6 params"


def test_two_lone_layers_draw_two_layer_boxes() -> None:
    x = [0.5, -1.0]
    y = Layer(2, 2, seed=0)(x)[0] + Layer(2, 2, seed=0)(x)[1]  # type: ignore[index]
    assert [title for title, _ in group_boxes(y, "layer")] == ["model 1: layer", "model 2: layer"]


def test_names_stay_the_plain_dotted_names() -> None:
    m1, m2 = MLP(2, [1], seed=0), MLP(2, [1], seed=1)
    assert (
        m1.layers[0].neurons[0].b.scope == m2.layers[0].neurons[0].b.scope == "layers.0.neurons.0"
    )
    y = m1([1.0, 2.0])
    assert "layers.0.neurons.0.b" in node_names(y).values()  # type: ignore[arg-type]


def test_a_deep_copy_is_a_model_of_its_own() -> None:
    original = MLP(2, [2, 1], seed=0)
    twin = copy.deepcopy(original)
    x = [0.5, -1.0]
    titles = [title for title, _ in group_boxes(output(original, x) + output(twin, x), "layer")]
    assert sorted(titles) == [
        "model 1: layers.0",
        "model 1: layers.1",
        "model 2: layers.0",
        "model 2: layers.1",
    ]
    assert twin.layers[0].scope == "layers.0" and twin.state_dict() == original.state_dict()
