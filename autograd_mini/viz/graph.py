"""`draw_graph`: a computation graph as a `graphviz.Digraph`.

One record per Value (label | data | grad), one small node per op (with its
constant, e.g. "*2"), arrows in parent order. The numbers an `nn` neuron was
called with appear as dashed constant records (x0 | data), and ungrouped
parameters carry their neuron's short scope ("L0.N3.w0"). Networks from `nn` can be drawn
by neuron or by layer, as clusters or as collapsed boxes; a graph bigger than
`max_nodes` is summarised automatically (see `scene.py`). Every piece of user
text goes through `escape.py`. The returned Digraph shows inline in Jupyter, also
in untrusted notebooks (see `notebook.py`).

Imports `autograd_mini.engine` and `autograd_mini.viz.escape` / `.notebook` / `.scene`.

>>> from autograd_mini import Value
>>> x = Value(3.0, label="x")
>>> dot = draw_graph(x * 2)
>>> "*2" in dot.source
True
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import graphviz

from autograd_mini.engine import Value
from autograd_mini.viz.escape import dot_text, record_field
from autograd_mini.viz.notebook import NotebookDigraph
from autograd_mini.viz.scene import Box, Scene, build_scene, require_value

__all__ = ["RANKDIRS", "STYLE", "draw_graph", "scene_to_digraph"]

RANKDIRS = ("LR", "TB", "RL", "BT")
_MAX_LABELLED_EDGES = 60

STYLE = {
    "font": "Helvetica",
    "ink": "#1f2937",
    "edge": "#64748b",
    "input_fill": "#dbeafe",
    "value_fill": "#ffffff",
    "root_fill": "#fef3c7",
    "group_fill": "#dcfce7",
    "op_fill": "#f1f5f9",
    "highlight_fill": "#fde047",
}
"""Colours and font shared by the static picture and the animation."""


def draw_graph(
    root: Value,
    rankdir: str = "LR",
    show_grad: bool = True,
    group: str | None = None,
    max_nodes: int = 150,
    *,
    collapse: bool = True,
    highlight: Iterable[Value] = (),
    highlight_color: str = STYLE["highlight_fill"],
    title: str | None = None,
) -> NotebookDigraph:
    """Draw the computation graph that produced `root`.

    An unlabelled node is called "#k": k is its position (from 0) in this
    graph read as written, leaves first (`scene.reading_order(root)`), so the
    same node can get another number in the picture of a different root.

    Args:
        root: the output Value (usually a loss).
        rankdir: "LR" (left to right, default), "TB", "RL" or "BT".
        show_grad: show each Value's current `.grad` next to its data.
        group: None, "neuron" or "layer": group the nodes `nn` tagged with a scope.
        max_nodes: summarise (group by neuron, then layer, then keep the part
            nearest the output) when the picture would need more DOT nodes; an
            automatic neuron view with over `MAX_AUTO_EDGES` (150) arrows goes
            to layers too. The caption says what was summarised.
        collapse: draw each group as one box (default) or as a cluster around
            its nodes.
        highlight: Values to colour (their box, or the group box holding them).
        highlight_color: their fill colour.
        title: a heading above the picture, e.g. "Loss of one sample".

    Returns:
        A `graphviz.Digraph` (a `NotebookDigraph`); `.pipe(format="svg")` gives SVG,
        Jupyter shows it inline as SVG with a PNG beside it for untrusted notebooks.

    >>> from autograd_mini import Value
    >>> a = Value(2.0, label="a"); y = a.tanh(); y.backward()
    >>> print(draw_graph(y).source.count("record"))
    2
    >>> 'label="tanh of a"' in draw_graph(y, title="tanh of a").source
    True
    """
    require_value(root, "draw_graph")
    if title is not None and not isinstance(title, str):
        raise TypeError(f"draw_graph: title must be a str or None, got {type(title).__name__}")
    if rankdir not in RANKDIRS:
        raise ValueError(f"draw_graph: unknown rankdir {rankdir!r} (must be one of {RANKDIRS})")
    scene = build_scene(root, group=group, max_nodes=max_nodes, collapse=collapse)
    marked = {id(v) for v in highlight}
    highlight_keys = {scene.box_of[i] for i in marked if i in scene.box_of}
    return scene_to_digraph(
        scene,
        rankdir=rankdir,
        show_grad=show_grad,
        root_key=scene.box_of[id(root)],
        highlight_keys=highlight_keys,
        highlight_color=highlight_color,
        title=title,
    )


def _record_label(box: Box, show_grad: bool, rankdir: str) -> str:
    fields = [box.title, box.detail, box.data_text]
    if show_grad:
        fields.append(box.grad_text)
    text = "|".join(record_field(f) for f in fields if f)
    # Records flip direction at each level of braces. A Value reads across
    # (label | data | grad, as in micrograd); a group stacks its longer lines.
    across = rankdir in ("LR", "RL")
    return "{" + text + "}" if across == (box.kind in ("value", "constant")) else text


def scene_to_digraph(
    scene: Scene,
    *,
    rankdir: str = "LR",
    show_grad: bool = True,
    root_key: str | None = None,
    highlight_keys: Iterable[str] = (),
    highlight_color: str = STYLE["highlight_fill"],
    title: str | None = None,
) -> NotebookDigraph:
    """Turn a `Scene` into DOT. Node and edge ids are the scene keys (kept in the SVG).

    >>> from autograd_mini import Value
    >>> from autograd_mini.viz.scene import build_scene
    >>> scene_to_digraph(build_scene(Value(1.0, label="x"))).source.count("x|")
    1
    """
    font = STYLE["font"]
    dot = NotebookDigraph(
        graph_attr={
            "rankdir": rankdir,
            "fontname": font,
            "fontsize": "11",
            "nodesep": "0.25",
            # Whole layers of neurons are joined by dense bundles of arrows: give them room.
            "ranksep": "1.2" if scene.group == "neuron" else "0.35",
            "bgcolor": "white",
            # dot's final crossing-reduction pass over clusters reshuffles boxes
            # whose order costs no crossings (a layer's neurons all connect alike),
            # e.g. neurons 12..15 above 0..11; without it they keep index order.
            "remincross": "false",
        },
        node_attr={"fontname": font, "fontsize": "11", "color": STYLE["ink"]},
        edge_attr={"color": STYLE["edge"], "arrowsize": "0.6"},
    )
    if title:
        # A graph has one label: the title goes on top, a summary note under it.
        heading = dot_text(title, 200) + (
            f"\\n({dot_text(scene.caption, 200)})" if scene.caption else ""
        )
        dot.attr(label=graphviz.nohtml(heading), labelloc="t", fontsize="14")
    elif scene.caption:
        dot.attr(label=graphviz.nohtml(dot_text(scene.caption, 200)), labelloc="b")
    highlighted = set(highlight_keys)
    clustered = {key for keys in scene.clusters.values() for key in keys}
    if any(box.kind == "value" and box.key in clustered for box in scene.boxes) or any(
        box.kind == "constant" for box in scene.boxes
    ):
        # Neurons drawn as clusters of their nodes, or inputs feeding every
        # neuron of a layer: dot's crossing reduction rotates them (neurons 3, 4,
        # 0, 1, 2); a short run keeps the declared order, and a layer's neurons
        # cross the same edges either way.
        dot.attr(mclimit="0.01")
    op_of = {op.key: op for op in scene.op_nodes}

    def emit(target: graphviz.Digraph, key: str) -> None:
        if key in op_of:
            target.node(
                key,
                graphviz.nohtml(dot_text(op_of[key].op, 24)),
                id=key,
                shape="circle",
                style="filled",
                fillcolor=STYLE["op_fill"],
                fontsize="10",
                width="0.3",
                margin="0.02",
            )
            return
        box = boxes[key]
        if box.kind == "more":
            fill, shape, style = "white", "box", "dashed"
        elif box.kind == "constant":
            # A number, not a Value: dashed, and it has no grad field.
            fill, shape, style = STYLE["value_fill"], "record", "filled,dashed"
        elif box.kind == "group":
            fill, shape, style = STYLE["group_fill"], "Mrecord", "filled"
        else:
            fill = STYLE["input_fill"] if box.is_input else STYLE["value_fill"]
            fill = STYLE["root_fill"] if key == root_key else fill
            shape, style = "record", "filled"
        label = (
            _record_label(box, show_grad, rankdir) if box.kind != "more" else dot_text(box.title)
        )
        target.node(
            key,
            graphviz.nohtml(label),
            id=key,
            shape=shape,
            style=style,
            fillcolor=highlight_color if key in highlighted else fill,
            penwidth="2" if key in highlighted or key == root_key else "1",
        )

    boxes = {box.key: box for box in scene.boxes}
    # Beside clusters, loose constants feeding a whole layer make dot pull that
    # layer's clusters out of index order; kept together in a box of their own they do not.
    inputs = [box.key for box in scene.boxes if box.kind == "constant"] if scene.clusters else []
    if inputs:
        with dot.subgraph(name="cluster_inputs") as cluster:
            cluster.attr(
                label="inputs",
                style="rounded,dashed",
                fontsize="11",
                color="#94a3b8",
                fontcolor="#475569",
            )
            for key in reversed(inputs) if rankdir in ("TB", "BT") else inputs:
                emit(cluster, key)
    for box in scene.boxes:
        if box.key not in clustered and box.key not in inputs:
            emit(dot, box.key)
            if box.op_key is not None:
                emit(dot, box.op_key)
    for index, (name, keys) in enumerate(scene.clusters.items()):
        with dot.subgraph(name=f"cluster_{index}") as cluster:
            cluster.attr(
                label=graphviz.nohtml(dot_text(name)),
                style="rounded,dashed",
                fontsize="11",  # not the title's size
                color="#94a3b8",
                fontcolor="#475569",
            )
            # dot places a cluster's nodes in the order they are declared, and
            # with rankdir TB/BT that order ends up mirrored (measured with dot
            # 2.43-9): declare them so index 0 is on top (LR) or on the left (TB).
            for key in reversed(keys) if rankdir in ("TB", "BT") else keys:
                emit(cluster, key)
    # Edge labels make dot route around them; on dense pictures they cost
    # readability, so only a sparse picture names how many Values an arrow carries.
    label_counts = len(scene.edges) <= _MAX_LABELLED_EDGES
    for edge in scene.edges:
        extra = {}
        if not label_counts:
            extra["penwidth"] = "0.6"
        elif edge.count > 1:
            extra["penwidth"] = f"{1 + math.log10(edge.count):.2f}"
            extra.update(label=f"×{edge.count}", fontsize="9", fontcolor=STYLE["edge"])
        dot.edge(edge.tail, edge.head, id=edge.key, **extra)
    return dot
