"""What to draw: Values (or groups of them) as boxes, op nodes and edges.

A `Scene` is the drawing of a graph before it becomes DOT: `graph.py` turns it
into a `graphviz.Digraph` and `player.py` restyles its SVG frame by frame. The
scene decides grouping (by neuron or layer, read from `Value.scope`, which
`nn` sets) and summarising: when the picture would have more than `max_nodes`
nodes it groups by neuron (unless that draws over `MAX_AUTO_EDGES` arrows), then
by layer, then keeps only the part nearest to the root, and says so in its
caption. It reads Values and never changes them.

Two things make `nn` pictures readable without grouping: each parameter's box
names its neuron in short ("L0.N3.w0" is `layers.0.neurons.3`'s w0), and the
numbers a neuron was called with, which are not Values and so not in the graph,
are drawn as constant boxes ("x0", "x1") feeding its dot node: the local
derivative d(dot)/d(w0) is x0, and the learner can see where it comes from.

Imports `autograd_mini.engine` and `autograd_mini.viz.escape` / `.groups`.

>>> from autograd_mini import Value
>>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
>>> scene = build_scene(a * b)
>>> [box.title for box in scene.boxes], len(scene.op_nodes), len(scene.edges)
(['a', 'b', '#2'], 1, 3)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from autograd_mini._dense import fused_parts
from autograd_mini.engine import Value
from autograd_mini.viz.escape import format_number
from autograd_mini.viz.groups import GROUPS, GroupId, GroupNames, describe_group, group_id

__all__ = [
    "MAX_AUTO_EDGES",
    "Box",
    "Edge",
    "OpNode",
    "Scene",
    "build_scene",
    "constant_inputs",
    "reading_order",
    "require_value",
    "short_scope",
]


MAX_AUTO_EDGES = 150
"""An automatic summary with more arrows than this goes one level coarser.

A neuron-level picture stays under `max_nodes` long after its arrows stop being
followable: two fully connected layers of n neurons draw n x n crossing arrows.
150 keeps 10 x 10 layers (about 140 arrows in all, measured on an MLP(2, [10, 10, 1])
loss) and sends 12 x 12 (about 170) and bigger to the layer view. It is the same
budget as `draw_graph`'s default `max_nodes`: an arrow costs the reader as much as a box.
"""


@dataclass
class Box:
    """One drawn record: a single Value, a collapsed group, or the '… more' summary.

    Attributes:
        key: DOT node id (also the SVG element id).
        kind: "value", "group", "more" or "constant" (a number a neuron was called
            with: not a Value, so it has no members and no gradient).
        title: user text (label or group name); may be empty.
        detail: a second line for groups ("w·x + b → relu · 3 params").
        data_text, grad_text: the two number fields, e.g. "data 2".
        members: the Values drawn by this box, in topological order.
        op_key: key of the op node feeding this box (single computed Values only).
        position: where the box's first computed member comes in `reading_order`.
    """

    key: str
    kind: str
    title: str
    detail: str
    data_text: str
    grad_text: str
    members: list[Value]
    op_key: str | None = None
    position: int = 0

    @property
    def is_input(self) -> bool:
        """True when nothing in the box is computed (inputs, parameters, constants)."""
        return all(not v.parents for v in self.members)


@dataclass
class OpNode:
    """The small node showing an op (with its constant, e.g. "*2") before its output."""

    key: str
    op: str
    box_key: str


@dataclass
class Edge:
    """An arrow; `count` > 1 means it stands for that many distinct Values (into or
    out of a group), or for that many uses of one Value (`a + a`, `Value.sum([x] * n)`)."""

    key: str
    tail: str
    head: str
    count: int = 1


@dataclass
class Scene:
    """Boxes (forward order), op nodes, edges, clusters and a caption for one graph."""

    boxes: list[Box]
    op_nodes: list[OpNode]
    edges: list[Edge]
    group: str | None
    caption: str = ""
    clusters: dict[str, list[str]] = field(default_factory=dict)
    box_of: dict[int, str] = field(default_factory=dict)

    @property
    def size(self) -> int:
        """Number of DOT nodes (boxes plus op nodes): what makes Graphviz slow."""
        return len(self.boxes) + len(self.op_nodes)


def build_scene(
    root: Value,
    *,
    group: str | None = None,
    max_nodes: int = 150,
    collapse: bool = True,
    grad_of: Callable[[Value], float] | None = None,
) -> Scene:
    """Lay out what to draw for `root`, grouping or summarising to stay under `max_nodes`.

    Args:
        root: the Value whose graph is drawn.
        group: None, "neuron" or "layer".
        max_nodes: above this many DOT nodes the scene is summarised further.
        collapse: draw each group as one box (True) or as a cluster around its nodes.
        grad_of: where gradients come from (default: each Value's `.grad`).

    >>> from autograd_mini import Value
    >>> y = Value(1.0, label="x")
    >>> for _ in range(100):
    ...     y = y * 1.01
    >>> scene = build_scene(y, max_nodes=20)
    >>> scene.size <= 20, scene.caption
    (True, 'summarised: the 9 values nearest the output of 101 (max_nodes=20)')
    """
    if group not in GROUPS:
        raise ValueError(f"draw_graph: unknown group {group!r} (must be one of {list(GROUPS)})")
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 4:
        raise ValueError(f"draw_graph: max_nodes must be an int >= 4, got {max_nodes!r}")
    grad = grad_of or (lambda v: v.grad)
    order = reading_order(root)
    levels = list(GROUPS[GROUPS.index(group) :])
    crowded = 0  # arrows of the level skipped for having too many, if any
    for level in levels:
        if _size_at_least(order, level, collapse and level is not None) > max_nodes:
            # Hopeless at this level: skip building it, which formats every node
            # (most of a minute for a 10**6-node chain).
            collapse = True
            continue
        scene = _grouped_scene(order, root, level, collapse and level is not None, grad)
        if scene.size <= max_nodes:
            if level == group:
                return scene
            if level != GROUPS[-1] and len(scene.edges) > MAX_AUTO_EDGES:
                # Chosen by us, not asked for, and a hairball: whole neurons of one
                # layer each feed every neuron of the next (16 x 16 = 256 arrows).
                crowded = len(scene.edges)
                continue
            scene.caption = f"summarised: grouped by {level} " + (
                f"(grouped by {GROUPS[GROUPS.index(level) - 1]} it would draw "
                f"{crowded} arrows, more than {MAX_AUTO_EDGES})"
                if crowded
                else f"({len(order)} values would need more than max_nodes={max_nodes} nodes)"
            )
            return scene
        collapse = True  # clusters keep every node; only collapsing makes it smaller
    scene = _nearest_scene(order, root, max_nodes, grad)
    scene.caption = (
        f"summarised: the {len(scene.boxes) - 1} values nearest the output "
        f"of {len(order)} (max_nodes={max_nodes})"
    )
    return scene


def require_value(root: object, who: str) -> None:
    """Refuse anything but a Value as the graph's root, naming the type given.

    >>> require_value(3.0, "draw_graph")
    Traceback (most recent call last):
    ...
    TypeError: draw_graph: root must be a Value, got float (wrap numbers as Value(3.0))
    """
    if not isinstance(root, Value):
        hint = " (wrap numbers as Value(3.0))" if isinstance(root, (int, float)) else ""
        raise TypeError(f"{who}: root must be a Value, got {type(root).__name__}{hint}")


def _size_at_least(order: list[Value], group: str | None, collapse: bool) -> int:
    """A cheap lower bound on `_grouped_scene(...).size`: one box per group or lone value."""
    if group is None or not collapse:
        return len(order)
    keys = {group_id(v.scope, group) for v in order}
    lone = sum(1 for v in order if group_id(v.scope, group) is None)
    return len(keys - {None}) + lone


def reading_order(root: Value) -> list[Value]:
    """Parents before children, visiting parents in argument order.

    `Value.topological_order()` (what `backward()` uses) pops the last parent
    first; this order reads like the written expression, so pictures and the
    forward half of the animation use it.

    >>> from autograd_mini import Value
    >>> a, b = Value(1.0, label="a"), Value(2.0, label="b")
    >>> [v.label or v.op for v in reading_order(a * b + a)]
    ['a', 'b', '*', '+']
    """
    order: list[Value] = []
    done: set[int] = set()
    stack: list[tuple[Value, int]] = [(root, 0)]
    while stack:
        node, next_parent = stack.pop()
        if next_parent == 0 and id(node) in done:
            continue
        if next_parent < len(node.parents):
            stack.append((node, next_parent + 1))
            parent = node.parents[next_parent]
            if id(parent) not in done:
                stack.append((parent, 0))
            continue
        if id(node) not in done:
            done.add(id(node))
            order.append(node)
    return order


def short_scope(scope: str | None) -> str:
    """`nn`'s dotted scope in short: "layers.0.neurons.3" -> "L0.N3".

    >>> short_scope("layers.0.neurons.3"), short_scope("neurons.2"), short_scope(None)
    ('L0.N3', 'N2', '')
    >>> short_scope("encoder.layers.1.neurons.0")
    'encoder.L1.N0'
    """
    if not scope:
        return ""
    return _NEURONS.sub(r"N\1", _LAYERS.sub(r"L\1", scope))


_LAYERS = re.compile(r"(?<![^.])layers\.(\d+)(?![^.])")
_NEURONS = re.compile(r"(?<![^.])neurons\.(\d+)(?![^.])")


def constant_inputs(v: Value) -> list[float] | None:
    """The numbers an `nn` neuron was called with, if its dot node `v` took plain numbers.

    `Value.dot` keeps a number input only as the local derivative of its
    weight (d(w·x)/dw_i = x_i), so a neuron's dot node whose parents are its
    weights w0..w(n-1) and at most its bias took n numbers: those derivatives.
    A fused relu neuron node (`autograd_mini._dense`) keeps its input numbers in its
    op label. Inputs given as Values are nodes of their own; then (or for any other
    node) this returns None.

    >>> from autograd_mini.nn import Neuron
    >>> constant_inputs(Neuron(2, activation="linear", seed=0)([0.5, -1.0]))
    [0.5, -1.0]
    """
    if v.scope is None:
        return None
    fused = fused_parts(v)
    if fused is not None:
        # A fused relu neuron's derivatives hold x_i times relu's slope, which is 0 when
        # the neuron is off; its label keeps the input numbers themselves.
        return None if fused[1] is None else list(fused[1])
    if v.op != "dot":
        return None
    count = 0
    for parent in v.parents:
        if parent.parents or parent.scope != v.scope or parent.label != f"w{count}":
            break
        count += 1
    rest = v.parents[count:]
    if count == 0 or len(rest) > 1 or (rest and rest[0].label != "b"):
        return None
    return list(v.local_grads[:count])


def _value_box(index: int, v: Value, grad: Callable[[Value], float], scoped: bool = False) -> Box:
    title = v.label or f"#{index}"
    if scoped and v.label and v.scope and not v.parents:
        # Ungrouped, every neuron's parameters would all read w0, w1, b.
        title = f"{short_scope(v.scope)}.{v.label}"
    return Box(
        key=f"v{index}",
        kind="value",
        # Unlabelled nodes get the "#k" name trace_backward and the captions use.
        title=title,
        detail="",
        data_text=f"data {format_number(v.data)}",
        grad_text=f"grad {format_number(grad(v))}",
        members=[v],
        op_key=f"o{index}" if v.parents else None,
    )


def _grouped_scene(
    order: list[Value],
    root: Value,
    group: str | None,
    collapse: bool,
    grad: Callable[[Value], float],
) -> Scene:
    box_of: dict[int, str] = {}
    boxes: dict[str, Box] = {}
    clusters: dict[str, list[str]] = {}
    op_nodes: list[OpNode] = []
    group_boxes: dict[GroupId, Box] = {}
    names = GroupNames(v.scope for v in order)
    for index, v in enumerate(order):
        key = group_id(v.scope, group)
        if key is not None and collapse:
            box = group_boxes.get(key)
            if box is None:
                box = Box(f"g{len(group_boxes)}", "group", names.title(key), "", "", "", [])
                group_boxes[key] = box
                boxes[box.key] = box
            box.members.append(v)
            box_of[id(v)] = box.key
            continue
        box = _value_box(index, v, grad, scoped=group is None)
        boxes[box.key] = box
        box_of[id(v)] = box.key
        if box.op_key is not None:
            op_nodes.append(OpNode(box.op_key, v.op, box.key))
        if key is not None:
            clusters.setdefault(names.title(key), []).extend(k for k in (box.key, box.op_key) if k)
    used_outside = {
        id(parent) for v in order for parent in v.parents if box_of[id(parent)] != box_of[id(v)]
    }
    for key, box in group_boxes.items():
        box.detail, box.data_text, box.grad_text = describe_group(
            box.members, used_outside, root, grad
        )
        if group == "neuron":
            # Neurons of one layer sit in one cluster, so the layers line up.
            layer = group_id(key[1], "layer")
            if layer is not None and layer[1] != key[1]:
                clusters.setdefault(names.title((key[0], layer[1])), []).append(box.key)
    edges = _edges(order, boxes, box_of)
    # Boxes follow the forward pass: a group takes its place with its first computed member.
    position = {id(v): i for i, v in enumerate(order)}
    for box in boxes.values():
        computed = [v for v in box.members if v.parents] or box.members
        box.position = position[id(computed[0])]
    constants = _constant_boxes(order, boxes, box_of, edges)
    # A constant goes just before the first node using it (ties: constants first).
    ordered = sorted(
        [*boxes.values(), *constants], key=lambda b: (b.position, b.kind != "constant")
    )
    return Scene(ordered, op_nodes, edges, group, clusters=clusters, box_of=box_of)


def _constant_boxes(
    order: list[Value], boxes: dict[str, Box], box_of: dict[int, str], edges: list[Edge]
) -> list[Box]:
    """One box per number an `nn` neuron took ("x0", "x1"), and its arrows (added to `edges`).

    The neurons called on the same inputs share the boxes. Arrows go into the
    dot node, or into the collapsed group holding it; groups get constants only
    when one input vector feeds them all (one sample): for a batch, the group
    box says "w·x + b" and a box per number of every sample would bury it.
    """
    found: dict[tuple[int, tuple[float, ...]], Box] = {}
    into_groups: list[tuple[int, tuple[float, ...], str]] = []
    arrows: list[tuple[tuple[int, tuple[float, ...]], str]] = []
    for index, v in enumerate(order):
        numbers = constant_inputs(v)
        if numbers is None:
            continue
        box = boxes[box_of[id(v)]]
        vector = tuple(numbers)
        if box.kind == "group":
            into_groups.append((index, vector, box.key))
            continue
        if box.kind != "value" or box.op_key is None:
            continue
        for i in range(len(numbers)):
            _constant_box(found, i, vector, index)
            arrows.append(((i, vector), box.op_key))
    if len({vector for _, vector, _ in into_groups}) == 1:
        drawn: set[tuple[int, str]] = set()
        for index, vector, group_key in into_groups:
            for i in range(len(vector)):
                _constant_box(found, i, vector, index)
                if (i, group_key) not in drawn:  # one arrow per group, not per neuron
                    drawn.add((i, group_key))
                    arrows.append(((i, vector), group_key))
    for key, head in arrows:
        edges.append(Edge(f"e{len(edges)}", found[key].key, head))
    return list(found.values())


def _constant_box(
    found: dict[tuple[int, tuple[float, ...]], Box], i: int, vector: tuple[float, ...], index: int
) -> None:
    if (i, vector) not in found:
        found[(i, vector)] = Box(
            key=f"c{len(found)}",
            kind="constant",
            title=f"x{i}",
            detail="",
            data_text=f"input {format_number(vector[i])}",
            grad_text="",
            members=[],
            position=index,
        )


def _edges(order: list[Value], boxes: dict[str, Box], box_of: dict[int, str]) -> list[Edge]:
    edges: list[Edge] = []
    grouped: dict[tuple[str, str], set[int]] = {}
    for v in order:
        head_box = boxes[box_of[id(v)]]
        head = head_box.op_key or head_box.key
        repeated: dict[str, Edge] = {}
        for parent in v.parents:
            tail = box_of[id(parent)]
            if head_box.kind == "value" and boxes[tail].kind == "value":
                # One arrow per parent, in parent order; a parent used again counts
                # on its arrow (a + a: one arrow x2), so arrows never outnumber
                # pairs of drawn boxes (Value.sum([x] * 10**5) would draw 10**5).
                if tail in repeated:
                    repeated[tail].count += 1
                else:
                    repeated[tail] = Edge(f"e{len(edges)}", tail, head)
                    edges.append(repeated[tail])
            elif tail != head_box.key:
                # Into or out of a group (or the '… more' box): one arrow per pair
                # of boxes, counting the distinct Values it carries.
                grouped.setdefault((tail, head), set()).add(id(parent))
        if head_box.kind == "value" and head_box.op_key is not None:
            edges.append(Edge(f"e{len(edges)}", head_box.op_key, head_box.key))
    for (tail, head), sources in grouped.items():
        edges.append(Edge(f"e{len(edges)}", tail, head, len(sources)))
    return edges


def _nearest_scene(
    order: list[Value], root: Value, max_nodes: int, grad: Callable[[Value], float]
) -> Scene:
    # Breadth-first from the root: what is closest to the output explains it best.
    budget = max(1, (max_nodes - 1) // 2)
    kept: dict[int, Value] = {id(root): root}
    frontier = [root]
    while frontier and len(kept) < budget:
        next_frontier = []
        for v in frontier:
            for parent in v.parents:
                if id(parent) not in kept and len(kept) < budget:
                    kept[id(parent)] = parent
                    next_frontier.append(parent)
        frontier = next_frontier
    hidden = [v for v in order if id(v) not in kept]
    more = Box("more", "more", f"… {len(hidden)} more values", "", "", "", hidden)
    box_of: dict[int, str] = {id(v): "more" for v in hidden}
    boxes: dict[str, Box] = {"more": more}
    op_nodes: list[OpNode] = []
    for index, v in enumerate(order):
        if id(v) in kept:
            box = _value_box(index, v, grad)
            boxes[box.key] = box
            box_of[id(v)] = box.key
            if box.op_key is not None:
                op_nodes.append(OpNode(box.op_key, v.op, box.key))
    edges = _edges(order, boxes, box_of)
    for box in boxes.values():
        box.position = int(box.key[1:]) if box.kind == "value" else -1
    ordered = [more] + [b for b in boxes.values() if b.kind == "value"]
    return Scene(ordered, op_nodes, edges, None, box_of=box_of)
