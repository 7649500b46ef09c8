"""Pictures of `nn` models a learner can read without grouping: each parameter
names its neuron (L0.N3.w0), and the numbers the model was called with appear
as constant boxes (x0, x1) feeding the dot nodes whose local derivatives they are."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from autograd_mini import Value
from autograd_mini.nn import MLP, Layer, Neuron
from autograd_mini.viz import animate, draw_graph, trace_backward
from autograd_mini.viz.scene import build_scene, constant_inputs, short_scope

SVG = "{http://www.w3.org/2000/svg}"


def mlp_out(x: list[float] | list[Value]) -> tuple[MLP, Value]:
    model = MLP(2, [3, 1], seed=0)
    out = model(x)
    assert isinstance(out, Value)
    out.label = "out"
    out.backward()
    return model, out


# --- item: enough scope to tell weights apart ---------------------------------


def test_short_scope_reads_layers_and_neurons() -> None:
    assert short_scope("layers.0.neurons.3") == "L0.N3"
    assert short_scope("layers.12.neurons.0") == "L12.N0"
    assert short_scope("neurons.2") == "N2"
    assert short_scope("mylayers.1.neurons.0") == "mylayers.1.N0"  # whole names only
    assert short_scope("") == short_scope(None) == ""


def test_ungrouped_mlp_parameters_have_distinct_scoped_titles() -> None:
    model, out = mlp_out([0.5, -1.0])
    scene = build_scene(out)
    titles = {b.members[0]: b.title for b in scene.boxes if b.kind == "value"}
    params = model.named_parameters()
    assert [titles[p] for _, p in params[:3]] == ["L0.N0.w0", "L0.N0.w1", "L0.N0.b"]
    assert titles[model.layers[1].neurons[0].w[2]] == "L1.N0.w2"
    assert len({titles[p] for _, p in params}) == len(params)  # no two alike
    assert titles[out] == "out"  # a computed node keeps its own label
    # every title matches the parameter's state_dict name: layers.i.neurons.j.w.k
    for name, p in params:
        match = re.fullmatch(r"layers\.(\d+)\.neurons\.(\d+)\.(.*)", name)
        assert match is not None
        layer, neuron, rest = match.groups()
        assert titles[p] == f"L{layer}.N{neuron}.{rest.replace('.', '')}"


def test_grouped_views_keep_the_short_labels_their_group_already_names() -> None:
    _, out = mlp_out([0.5, -1.0])
    clustered = build_scene(out, group="neuron", collapse=False)
    titles = [b.title for b in clustered.boxes if b.kind == "value" and not b.members[0].parents]
    assert set(titles) == {"w0", "w1", "w2", "b"}


def test_a_lone_neuron_has_no_scope_to_show() -> None:
    neuron = Neuron(2, seed=0)
    out = neuron([1.0, 2.0])
    titles = {b.title for b in build_scene(out).boxes if b.kind == "value"}
    assert {"w0", "w1", "b"} <= titles


# --- item: inputs drawn as constants ------------------------------------------


def test_number_inputs_are_drawn_once_per_layer_and_feed_every_first_layer_dot() -> None:
    _, out = mlp_out([0.5, -1.0])
    scene = build_scene(out)
    constants = [b for b in scene.boxes if b.kind == "constant"]
    assert [(b.title, b.data_text, b.grad_text) for b in constants] == [
        ("x0", "input 0.5", ""),
        ("x1", "input -1", ""),
    ]
    first_layer_dots = [
        b
        for b in scene.boxes
        if b.kind == "value"
        and b.members[0].op in ("dot", "relu(dot)")  # relu neurons are one fused node
        and (b.members[0].scope or "").startswith("layers.0.")
    ]
    assert len(first_layer_dots) == 3
    order = [b.key for b in scene.boxes]
    for constant in constants:
        heads = {e.head for e in scene.edges if e.tail == constant.key}
        assert heads == {b.op_key for b in first_layer_dots}
        # declared before the nodes that use it, so the picture reads left to right
        assert all(order.index(constant.key) < order.index(b.key) for b in first_layer_dots)


def test_the_constant_is_the_local_derivative_the_trace_shows_for_w0() -> None:
    model, out = mlp_out([0.5, -1.0])
    w0 = model.layers[0].neurons[1].w[0]
    w1 = model.layers[0].neurons[1].w[1]
    locals_of = {
        p: local for step in trace_backward(out) for p, local in zip(step.parents, step.local_grads)
    }
    assert (locals_of[w0], locals_of[w1]) == (0.5, -1.0)
    source = draw_graph(out).source
    assert "{x0|input 0.5}" in source.replace("\\ ", " ")
    assert "{x1|input -1}" in source.replace("\\ ", " ")


def test_each_sample_of_a_batch_gets_its_own_constants() -> None:
    model = MLP(2, [2, 1], seed=1)
    loss = Value.sum([model(x) for x in ([0.5, -1.0], [2.0, 3.0])])  # type: ignore[misc]
    constants = [b for b in build_scene(loss).boxes if b.kind == "constant"]
    assert sorted(b.data_text for b in constants) == sorted(
        ["input 0.5", "input -1", "input 2", "input 3"]
    )


def test_value_inputs_are_drawn_as_themselves_not_as_constants() -> None:
    x0, x1 = Value(0.5, label="x0"), Value(-1.0, label="x1")
    _, out = mlp_out([x0, x1])
    scene = build_scene(out)
    assert not [b for b in scene.boxes if b.kind == "constant"]
    assert {b.title for b in scene.boxes} >= {"x0", "x1"}


def test_which_dot_nodes_took_numbers() -> None:
    layer = Layer(3, 2, seed=0)
    outs = layer([1.0, 2.0, 3.0])
    assert isinstance(outs, list)
    # A relu neuron is one fused node, which keeps its input numbers in its op label.
    assert [constant_inputs(o) for o in outs] == [[1.0, 2.0, 3.0]] * 2
    tanh_neuron = Neuron(3, activation="tanh", seed=0)([1.0, 2.0, 3.0])
    assert constant_inputs(tanh_neuron.parents[0]) == [1.0, 2.0, 3.0]  # dot, then tanh
    mixed = Neuron(2, seed=0)([Value(1.0), 2.0])
    assert constant_inputs(mixed) is None  # only when every input is a number
    w = [Value(1.0, label="w0")]
    assert constant_inputs(Value.dot(w, [2.0])) is None  # not built by nn
    assert constant_inputs(Value(1.0) * 2) is None


def test_grouped_views_get_constants_for_one_sample_but_not_for_a_batch() -> None:
    model, out = mlp_out([0.5, -1.0])
    for group, collapse in (("neuron", True), ("layer", True), ("neuron", False)):
        scene = build_scene(out, group=group, collapse=collapse)
        constants = [b for b in scene.boxes if b.kind == "constant"]
        assert [b.title for b in constants] == ["x0", "x1"], (group, collapse)
    by_neuron = build_scene(out, group="neuron")
    heads = {e.head for e in by_neuron.edges if e.tail.startswith("c")}
    layer0 = {b.key for b in by_neuron.boxes if b.title.startswith("layers.0.neurons.")}
    assert heads == layer0 and len(layer0) == 3
    by_layer = build_scene(out, group="layer")
    assert [
        (e.tail, b.title)
        for e in by_layer.edges
        for b in by_layer.boxes
        if e.tail.startswith("c") and b.key == e.head
    ] == [("c0", "layers.0"), ("c1", "layers.0")]
    batch = Value.sum([model(x) for x in ([0.5, -1.0], [2.0, 3.0])])  # type: ignore[misc]
    assert not [b for b in build_scene(batch, group="layer").boxes if b.kind == "constant"]


@pytest.mark.exe
def test_constants_render_dashed_without_a_grad_and_survive_the_player() -> None:
    _, out = mlp_out([0.5, -1.0])
    svg = draw_graph(out).pipe(format="svg").decode()
    root = ET.fromstring(svg)
    node = next(g for g in root.iter(f"{SVG}g") if g.get("id") == "c0")
    texts = [t.text for t in node.iter(f"{SVG}text")]
    assert texts == ["x0", "input 0.5"]
    (outline,) = node.iter(f"{SVG}polygon")
    assert outline.get("stroke-dasharray")  # dashed: a number, not a Value
    anim = animate(out, group=None, max_nodes=200)
    assert all('id="c0"' in frame for frame in anim.frames)
