"""draw_graph: records, op nodes, edge order, escaping, grouping and summarising."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import graphviz
import pytest
from graphs import karpathy

from autograd_mini import Value
from autograd_mini.nn import MLP
from autograd_mini.viz import draw_graph
from autograd_mini.viz.escape import clean_text, dot_text, format_number, record_field
from autograd_mini.viz.groups import group_key
from autograd_mini.viz.scene import build_scene, reading_order

SVG = "{http://www.w3.org/2000/svg}"

HOSTILE = [
    '"',
    "\\",
    '\\"',
    '"\\',
    "<>{}|",
    "{a|b}",
    "<f0> port",
    "</text><script>alert(1)</script>",
    '"]; evil [label="x',
    "\\N \\G \\l \\E",
    "two\nlines",
    "tab\there",
    "nul\x00esc\x1bdel\x7f",
    "ünïcødé ∂L/∂x 🧠 Ω",
    "&amp; &lt;b&gt; &#x3c;",
    "]]> <!-- -->",
    "'single'",
    "<<b>html</b>>",
    "lone \ud800 surrogate",
    "\\\\\\",
    "x" * 300,
    "\ufffe\uffff",
]


def mlp_loss(samples: int = 4) -> Value:
    model = MLP(2, [16, 16, 1], seed=0)
    xs = [[0.5 - 0.3 * i, -1.0 + 0.45 * i] for i in range(samples)]
    ys = [1.0 if i % 2 == 0 else -1.0 for i in range(samples)]
    losses = [(1 - y * model(x)).relu() for x, y in zip(xs, ys)]  # type: ignore[operator]
    loss = Value.sum(losses) / samples
    loss.backward()
    return loss


def node_texts(svg: bytes | str, key: str) -> list[str]:
    root = ET.fromstring(svg)
    for g in root.iter(f"{SVG}g"):
        if g.get("id") == key:
            return [t.text or "" for t in g.iter(f"{SVG}text")]
    raise AssertionError(f"no element with id {key!r} in the SVG")


# --- escaping -------------------------------------------------------------


def test_record_field_escapes_every_record_special_character() -> None:
    assert record_field("{a|b}<c> d") == r"\{a\|b\}\<c\>\ d"
    assert record_field('\\"') == '\\\\\\"'
    assert record_field("a\nb") == r"a\nb"


def test_dot_text_doubles_backslashes_so_dot_escapes_never_fire() -> None:
    assert dot_text("\\N") == "\\\\N"
    assert dot_text("&lt;") == "&amp;lt;"  # Graphviz decodes entities in labels
    assert dot_text("a\nb") == "a\\nb"


def test_clean_text_replaces_unprintables_and_cuts_long_text() -> None:
    assert clean_text("\x00\x1b") == "\\x00\\x1b"
    assert clean_text("\ud800") == "\ufffd"
    assert clean_text("y" * 100, max_chars=10) == "y" * 9 + "…"


def test_format_number_is_compact() -> None:
    assert [format_number(x) for x in (2.0, -6.0, 0.7864477, -0.0, 1e-7)] == [
        "2",
        "-6",
        "0.7864",
        "0",
        "1e-07",
    ]


@pytest.mark.exe
@pytest.mark.parametrize("label", HOSTILE)
def test_hostile_label_renders_as_its_own_text_in_valid_svg(label: str) -> None:
    x = Value(1.5, label=label)
    y = x * 2
    y.label = label
    svg = draw_graph(y).pipe(format="svg")
    root = ET.fromstring(svg)  # raises if the label broke the XML
    nodes = [g for g in root.iter(f"{SVG}g") if g.get("class") == "node"]
    assert len(nodes) == 3, "a label must never create or remove nodes"
    expected = clean_text(label).split("\n")
    for key, data in (("v0", "data 1.5"), ("v1", "data 3")):
        texts = node_texts(svg, key)
        assert texts[-2:] == [data, "grad 0"]
        assert [t.strip() for t in texts[:-2]] == [line.strip() for line in expected]
    assert b"<script>" not in svg


@pytest.mark.parametrize("label", HOSTILE)
def test_hostile_label_cannot_leave_its_quoted_dot_string(label: str) -> None:
    source = draw_graph(Value(1.0, label=label) + 1).source
    for line in source.splitlines():
        if line.lstrip().startswith("v0 "):
            # The label is the first attribute: everything up to its closing quote.
            body = line.split('label="', 1)[1]
            closing = _closing_quote(body)
            assert body[closing + 1 :].startswith(" fillcolor="), line
            break
    else:
        raise AssertionError("v0 not found in the DOT source")


def _closing_quote(text: str) -> int:
    escaped = False
    for i, char in enumerate(text):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            return i
    raise AssertionError(f"unterminated DOT string: {text!r}")


# --- structure --------------------------------------------------------------


def test_one_record_per_value_and_one_op_node_per_computed_value() -> None:
    L, _ = karpathy()
    source = draw_graph(L).source
    assert source.count("shape=record") == 7
    assert source.count("shape=circle") == 3


def test_edges_follow_parent_order_and_count_a_repeated_parent() -> None:
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    scene = build_scene(a * b)
    tails = [e.tail for e in scene.edges if e.head.startswith("o")]
    assert tails == [scene.box_of[id(a)], scene.box_of[id(b)]]
    doubled = build_scene(a + a)
    assert [(e.tail, e.count) for e in doubled.edges if e.head.startswith("o")] == [("v0", 2)]


def test_op_node_shows_its_constant() -> None:
    x = Value(3.0, label="x")
    source = draw_graph(2 - x**3).source
    assert 'label="**3"' in source and 'label="2-"' in source


def test_show_grad_false_omits_the_grad_field() -> None:
    L, _ = karpathy()
    L.backward()
    assert "grad" in draw_graph(L).source
    assert "grad" not in draw_graph(L, show_grad=False).source


def test_rankdir_and_highlight() -> None:
    L, v = karpathy()
    dot = draw_graph(L, rankdir="TB", highlight=[v["e"]], highlight_color="#ff0000")
    assert "rankdir=TB" in dot.source
    e_line = next(line for line in dot.source.splitlines() if '"e|data' in line)
    assert 'fillcolor="#ff0000"' in e_line
    assert dot.source.count("#ff0000") == 1


def test_reading_order_is_topological_and_follows_argument_order() -> None:
    L, _ = karpathy()
    order = reading_order(L)
    assert [n.label for n in order] == ["a", "b", "e", "c", "d", "f", "L"]
    position = {id(n): i for i, n in enumerate(order)}
    assert all(position[id(p)] < position[id(n)] for n in order for p in n.parents)


def test_draw_graph_does_not_change_the_graph() -> None:
    loss = mlp_loss(2)
    before = [(n.data, n.grad, n.label, n.op, n.scope) for n in loss.topological_order()]
    for group in (None, "neuron", "layer"):
        draw_graph(loss, group=group, max_nodes=10_000)
    draw_graph(loss, max_nodes=10)
    after = [(n.data, n.grad, n.label, n.op, n.scope) for n in loss.topological_order()]
    assert after == before


def test_bad_arguments_name_the_argument() -> None:
    L, _ = karpathy()
    with pytest.raises(ValueError, match="rankdir 'XY'"):
        draw_graph(L, rankdir="XY")
    with pytest.raises(ValueError, match="unknown group 'neurons'"):
        draw_graph(L, group="neurons")
    with pytest.raises(ValueError, match="max_nodes must be an int >= 4, got 2"):
        draw_graph(L, max_nodes=2)


def test_digraph_displays_inline_in_jupyter() -> None:
    L, _ = karpathy()
    assert isinstance(draw_graph(L), graphviz.Digraph)
    assert hasattr(draw_graph(L), "_repr_mimebundle_")


# --- grouping and summarising ---------------------------------------------


def test_group_key_reads_the_scope_nn_sets() -> None:
    assert group_key("layers.1.neurons.15", "neuron") == "layers.1.neurons.15"
    assert group_key("layers.1.neurons.15", "layer") == "layers.1"
    assert group_key("layers.1", "layer") == "layers.1"
    assert group_key("neurons.4", "layer") == "layer"
    assert group_key(None, "layer") is None
    assert group_key("layers.1.neurons.15", None) is None


def test_grouping_an_mlp_loss_by_neuron_and_by_layer() -> None:
    loss = mlp_loss(4)
    values = len(loss.topological_order())
    plain = build_scene(loss, max_nodes=100_000)
    by_neuron = build_scene(loss, group="neuron", max_nodes=100_000)
    by_layer = build_scene(loss, group="layer", max_nodes=100_000)
    groups = lambda s: sorted(b.title for b in s.boxes if b.kind == "group")  # noqa: E731
    assert len([b for b in plain.boxes if b.kind == "value"]) == values
    # plus the 2 numbers of each of the 4 samples, drawn once per sample
    assert len([b for b in plain.boxes if b.kind == "constant"]) == 4 * 2
    assert len(groups(by_neuron)) == 16 + 16 + 1
    assert groups(by_layer) == ["layers.0", "layers.1", "layers.2"]
    # Every parameter lands in exactly one group, and its group holds its whole neuron.
    layer0 = next(b for b in by_layer.boxes if b.title == "layers.0")
    assert sum(1 for v in layer0.members if not v.parents) == 16 * 3
    assert layer0.detail == "16 neurons: w·x + b → relu (×4) · 48 params"  # 4 samples
    # Arrows between layers say how many Values they carry: 16 outputs x 4 samples.
    layer1 = next(b for b in by_layer.boxes if b.title == "layers.1")
    carried = next(e for e in by_layer.edges if (e.tail, e.head) == (layer0.key, layer1.key))
    assert carried.count == 64
    assert by_layer.size < by_neuron.size < plain.size


def test_group_box_shows_its_outputs_numbers() -> None:
    model = MLP(2, [1], seed=3)
    out = model([Value(0.5, label="x0"), Value(-1.0, label="x1")])
    assert isinstance(out, Value)
    out.backward()
    scene = build_scene(out, group="neuron")
    box = next(b for b in scene.boxes if b.kind == "group")
    assert box.title == "layers.0.neurons.0"
    assert box.data_text == f"output {format_number(out.data)}"
    assert box.grad_text == "output grad 1"


def test_a_dead_neurons_box_says_its_gradient_is_the_outputs() -> None:
    model = MLP(2, [2, 1], seed=0)
    dead = model.layers[0].neurons[1]
    dead.w[0].data, dead.w[1].data, dead.b.data = 1.0, 1.0, -5.0  # relu(x0 + x1 - 5) = 0
    nxt = model.layers[1].neurons[0]
    nxt.w[1].data = 0.5  # so the dead output still gets dL/d(output) = 0.5
    out = model([1.0, 2.0])
    assert isinstance(out, Value)
    out.backward()
    assert [p.grad for p in dead.parameters()] == [0.0, 0.0, 0.0]  # relu passes nothing back
    box = next(b for b in build_scene(out, group="neuron").boxes if b.title.endswith("neurons.1"))
    # The old box read "data 0 | grad 0.5", as if the neuron were learning.
    assert (box.data_text, box.grad_text) == ("output 0", "output grad 0.5")


def test_clusters_keep_every_node_and_draw_a_box_per_neuron() -> None:
    model = MLP(2, [3, 1], activation="tanh", seed=1)
    out = model([0.5, -1.0])
    assert isinstance(out, Value)
    source = draw_graph(out, group="neuron", collapse=False).source
    assert source.count("subgraph cluster_") == 4 + 1  # and one holding the inputs x0, x1
    assert source.count("shape=record") == len(out.topological_order()) + 2


def test_big_graph_is_summarised_automatically_and_says_so() -> None:
    model = MLP(2, [8, 8, 1], seed=0)
    samples = (([0.5, -1.0], 1), ([0.3, 0.2], -1))
    loss = Value.sum([(1 - y * model.outputs(x)[0]).relu() for x, y in samples])
    scene = build_scene(loss, max_nodes=150)
    assert scene.group == "neuron" and scene.size <= 150
    assert len(scene.edges) <= 150  # 8 x 8 arrows between the layers: still readable
    assert "summarised: grouped by neuron" in scene.caption
    assert "summarised" in draw_graph(loss).source
    smaller = build_scene(loss, max_nodes=30)
    assert smaller.group == "layer" and smaller.size <= 30


def test_auto_summary_prefers_layers_when_neurons_would_need_too_many_arrows() -> None:
    loss = mlp_loss(4)
    by_neuron = build_scene(loss, group="neuron")
    assert by_neuron.size <= 150 and len(by_neuron.edges) > 256  # 16 x 16 between the layers
    scene = build_scene(loss)
    assert scene.group == "layer" and len(scene.edges) <= 150
    assert scene.caption == (
        f"summarised: grouped by layer (grouped by neuron it would draw "
        f"{len(by_neuron.edges)} arrows, more than 150)"
    )
    assert by_neuron.caption == ""  # asked for explicitly: drawn as asked


def test_a_big_graph_without_scopes_keeps_the_part_nearest_the_output() -> None:
    x = Value(0.1, label="x")
    y = x
    for _ in range(2000):
        y = (y * 1.0001).tanh()
    scene = build_scene(y, max_nodes=50)
    assert scene.size <= 50
    assert scene.box_of[id(y)] != "more" and scene.box_of[id(x)] == "more"
    assert "values nearest the output" in scene.caption
    more = next(b for b in scene.boxes if b.kind == "more")
    assert len(more.members) + len(scene.boxes) - 1 == 4001


@pytest.mark.exe
def test_grouped_mlp_svg_parses_and_names_the_layers() -> None:
    svg = draw_graph(mlp_loss(4), group="layer").pipe(format="svg")
    text = " ".join(t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text"))
    for name in ("layers.0", "layers.1", "layers.2"):
        assert name in text


@pytest.mark.exe
@pytest.mark.parametrize("collapse", [True, False])
def test_hostile_scope_is_escaped_in_group_boxes_and_cluster_labels(collapse: bool) -> None:
    hostile = 'layers.0.neurons.1"]; x [label="<b>|{}'
    w = Value(0.5, label="w")
    w.scope = hostile
    y = (w * 2).tanh()
    y.scope = hostile
    svg = draw_graph(y, group="neuron", collapse=collapse).pipe(format="svg")
    texts = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]
    assert clean_text(hostile) in texts


def test_hidden_parents_of_a_wide_node_share_one_counted_arrow() -> None:
    xs = [Value(float(i), label=f"x{i}") for i in range(500)]
    total = Value.sum(xs)
    scene = build_scene(total, max_nodes=50)
    assert scene.size <= 50
    from_more = [e for e in scene.edges if e.tail == "more"]
    assert len(from_more) == 1
    kept_parents = sum(1 for e in scene.edges if e.head == scene.boxes[-1].op_key) - 1
    assert from_more[0].count + kept_parents == 500


# --- neuron order in grouped pictures ---------------------------------------


def neuron_order(dot: graphviz.Digraph, axis: str) -> dict[int, list[int]]:
    """Per layer, the neuron indices sorted by where their boxes' titles are drawn."""
    import re

    root = ET.fromstring(dot.pipe(format="svg"))
    seen: dict[int, list[tuple[float, int]]] = {}
    for g in root.iter(f"{SVG}g"):
        texts = list(g.iter(f"{SVG}text"))
        match = (
            re.fullmatch(r"layers\.(\d+)\.neurons\.(\d+)", texts[0].text or "") if texts else None
        )
        # A collapsed neuron is a node; with collapse=False it is a cluster of nodes.
        if g.get("class") in ("node", "cluster") and match:
            position = float(texts[0].get(axis, "nan"))
            seen.setdefault(int(match.group(1)), []).append((position, int(match.group(2))))
    return {layer: [n for _, n in sorted(boxes)] for layer, boxes in seen.items()}


@pytest.mark.parametrize(
    ("sizes", "rankdir", "axis", "collapse"),
    [
        ([16, 16, 1], "LR", "y", True),
        ([16, 16, 1], "TB", "x", True),
        ([3, 2, 1], "LR", "y", True),
        ([5, 4, 1], "RL", "y", True),
        ([5, 4, 1], "BT", "x", True),
        ([5, 4, 1], "LR", "y", False),
        ([5, 4, 1], "TB", "x", False),
    ],
)
def test_grouped_neurons_are_drawn_in_index_order(
    sizes: list[int], rankdir: str, axis: str, collapse: bool
) -> None:
    # The demo's picture: one sample's hinge loss of MLP(2, [16, 16, 1]) (and notebook 4's
    # smaller net). Left to itself, dot may stack them 12..15, 0..11.
    model = MLP(2, sizes, seed=0)
    loss = (1 - model.outputs([0.5, -1.0])[0]).relu()
    loss.backward()
    order = neuron_order(draw_graph(loss, group="neuron", rankdir=rankdir, collapse=collapse), axis)
    assert order == {layer: list(range(size)) for layer, size in enumerate(sizes)}


# --- readable group boxes and a title ----------------------------------------


def test_a_neuron_box_says_what_the_neuron_computes() -> None:
    model = MLP(2, [3, 1], seed=0)
    out = model.outputs([0.5, -1.0])[0]
    out.backward()
    scene = build_scene(out, group="neuron")
    details = {b.title: b.detail for b in scene.boxes if b.kind == "group"}
    assert details["layers.0.neurons.0"] == "w·x + b → relu · 3 params"
    assert details["layers.1.neurons.0"] == "w·x + b · 4 params"  # the linear output neuron


def test_title_is_drawn_above_the_graph_and_kept_literal() -> None:
    L, _ = karpathy()
    L.backward()
    title = 'Loss of one sample, grouped by neuron <b>&amp; "x"\nline two'
    root = ET.fromstring(draw_graph(L, title=title).pipe(format="svg"))
    texts = [(float(t.get("y", "nan")), t.text or "") for t in root.iter(f"{SVG}text")]
    lines = [text for _, text in texts]
    assert 'Loss of one sample, grouped by neuron <b>&amp; "x"' in lines and "line two" in lines
    top = min(y for y, text in texts if text.startswith("Loss of one sample"))
    assert all(top < y for y, text in texts if not text.startswith("Loss") and text != "line two")


def test_title_and_summary_caption_both_show() -> None:
    y = Value(1.0, label="x")
    for _ in range(60):
        y = y * 1.01
    source = draw_graph(y, max_nodes=20, title="A chain").source
    assert "A chain\\n(summarised: the 9 values nearest the output of 61" in source


@pytest.mark.parametrize("title", [3, b"bytes", ["a"]])
def test_title_must_be_text(title: object) -> None:
    with pytest.raises(TypeError, match="draw_graph: title must be a str or None, got"):
        draw_graph(Value(1.0), title=title)  # type: ignore[arg-type]
