"""`trace_backward`: the backward pass as a list of chain-rule steps.

`backward()` visits the nodes in reverse topological order and, for each one,
adds ``local_grad * upstream_grad`` to every parent's grad. `trace_backward`
replays exactly that loop on a private dict of gradients (it never touches
`.grad`) and records each multiplication, so its numbers are the ones
`backward()` computes. The result prints as an aligned table and renders as an
HTML table in Jupyter.

Imports `autograd_mini.engine` and `autograd_mini.viz.escape` / `.scene`.

>>> from autograd_mini import Value
>>> x = Value(3.0, label="x"); y = x * x; y.label = "y"
>>> print(trace_backward(y))
step  node  op  upstream  parent  local  contribution  parent grad
   1  y     *          1  x           3             3            3
                          x           3             3            6
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass

from autograd_mini.engine import Value, _check_real, backward_steps
from autograd_mini.viz.escape import clean_text, format_number, html_text
from autograd_mini.viz.scene import Scene, reading_order, require_value

__all__ = ["Step", "Trace", "node_names", "trace_backward"]

_HEADERS = (
    "step",
    "node",
    "op",
    "upstream",
    "parent",
    "local",
    "contribution",
    "parent grad",
)
_NUMERIC = {"step", "upstream", "local", "contribution", "parent grad"}


@dataclass(frozen=True)
class Step:
    """One node's turn in the backward pass.

    Attributes:
        index: 1 for the first node `backward()` processes (the root).
        node: the Value whose gradient is passed on.
        name: its display name (label, scoped for `nn` nodes, or "#k").
        op: its op, e.g. "*" or "tanh".
        upstream_grad: d(root)/d(node), complete when this step runs.
        parents: the node's parents, in order (a parent may appear twice).
        parent_names: their display names.
        local_grads: d(node)/d(parent) for each parent, as stored at forward time.
        contributions: local_grad * upstream_grad, added to each parent's grad.
        parent_grads: each parent's accumulated gradient right after its addition.
    """

    index: int
    node: Value
    name: str
    op: str
    upstream_grad: float
    parents: tuple[Value, ...]
    parent_names: tuple[str, ...]
    local_grads: tuple[float, ...]
    contributions: tuple[float, ...]
    parent_grads: tuple[float, ...]


class Trace(list[Step]):
    """A list of Steps that prints as a table (`str`) and as HTML in Jupyter."""

    def rows(self) -> list[tuple[str, ...]]:
        """One row of text per (step, parent), the step columns filled on its first row.

        >>> from autograd_mini import Value
        >>> x = Value(2.0, label="x"); y = x + x; y.label = "y"
        >>> trace_backward(y).rows()
        [('1', 'y', '+', '1', 'x', '1', '1', '1'), ('', '', '', '', 'x', '1', '1', '2')]
        """
        rows: list[tuple[str, ...]] = []
        for step in self:
            for k, parent_name in enumerate(step.parent_names):
                head = (str(step.index), step.name, step.op, format_number(step.upstream_grad))
                rows.append(
                    (head if k == 0 else ("", "", "", ""))
                    + (
                        parent_name,
                        format_number(step.local_grads[k]),
                        format_number(step.contributions[k]),
                        format_number(step.parent_grads[k]),
                    )
                )
        return rows

    def table(self, max_rows: int | None = None) -> str:
        """The steps as an aligned plain-text table (numbers right-aligned).

        >>> from autograd_mini import Value
        >>> a = Value(0.5, label="a"); t = a.tanh(); t.label = "t"
        >>> print(trace_backward(t).table())
        step  node  op    upstream  parent  local   contribution  parent grad
           1  t     tanh         1  a       0.7864        0.7864       0.7864
        """
        # A newline in a label would start a new table line: show it as "\\n",
        # as draw_graph shows other control characters (names are already clean_text'ed).
        rows = [tuple(_one_line(cell) for cell in row) for row in self.rows()]
        hidden = 0
        if max_rows is not None and len(rows) > max_rows:
            hidden, rows = len(rows) - max_rows, rows[:max_rows]
        widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(_HEADERS)]

        def line(cells: tuple[str, ...]) -> str:
            padded = (
                c.rjust(w) if h in _NUMERIC else c.ljust(w)
                for c, w, h in zip(cells, widths, _HEADERS)
            )
            return "  ".join(padded).rstrip()

        lines = ["  ".join(h.ljust(w) for h, w in zip(_HEADERS, widths)).rstrip()]
        lines.extend(line(r) for r in rows)
        if hidden:
            lines.append(f"… {hidden} more rows")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()

    def __repr__(self) -> str:
        return self.table(max_rows=60)

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{h}</th>" for h in _HEADERS)
        body = []
        for row in self.rows():
            cells = "".join(
                f'<td style="text-align:{"right" if h in _NUMERIC else "left"}">{html_text(c)}</td>'
                for c, h in zip(row, _HEADERS)
            )
            top = ' style="border-top:1px solid #cbd5e1"' if row[0] else ""
            body.append(f"<tr{top}>{cells}</tr>")
        return (
            '<table style="border-collapse:collapse;font-family:monospace">'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        )


def _one_line(cell: str) -> str:
    return clean_text(cell, 10_000).replace("\n", "\\n")


def node_names(root: Value, only: Collection[int] | None = None) -> dict[int, str]:
    """Display names by `id(value)`: the label, prefixed by its scope; "#k" if unlabeled.

    k is the node's position in `reading_order(root)`, the same number as the
    node's id ("v" + k) in `draw_graph`'s SVG. With `only` (ids), just those
    nodes are named (the numbers still count every node), which keeps the
    names of a huge graph's picture small.

    >>> from autograd_mini import Value
    >>> x = Value(1.0, label="x"); y = x + 1
    >>> sorted(node_names(y).values())
    ['#1', 'x']
    """
    names: dict[int, str] = {}
    for k, v in enumerate(reading_order(root)):
        if only is not None and id(v) not in only:
            continue
        label = clean_text(v.label, 40)
        if label and v.scope:
            label = f"{clean_text(v.scope, 40)}.{label}"
        names[id(v)] = label or f"#{k}"
    return names


def trace_backward(root: Value, gradient: float = 1.0) -> Trace:
    """Replay `root.backward(gradient)` step by step without changing any `.grad`.

    Each node's gradient starts at 0 here, so for nodes whose `.grad` was zero
    before `backward()` (all intermediate nodes, and leaves after `zero_grad()`),
    the last `parent_grads` entry for a node equals its `.grad` afterwards.

    Args:
        root: the Value `backward()` would start from.
        gradient: the seed, d(root)/d(root); 1.0 for a loss.

    Returns:
        A `Trace` (a list of `Step`) in the order `backward()` runs; leaves do
        nothing in the backward pass and get no step.

    >>> from autograd_mini import Value
    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> steps = trace_backward(a * b)
    >>> steps[0].local_grads, steps[0].contributions
    ((-3.0, 2.0), (-3.0, 2.0))
    """
    require_value(root, "trace_backward")
    names = node_names(root)
    seed = _check_real(gradient, "trace_backward")
    trace = Trace()
    for index, (node, upstream, contributions, totals) in enumerate(_replay(root, seed), 1):
        trace.append(_step(index, node, upstream, contributions, totals, names))
    return trace


def final_grads(root: Value) -> dict[int, float]:
    """d(root)/d(v) for every node v, by `id(v)`: what `root.backward()` would give.

    >>> from autograd_mini import Value
    >>> x = Value(3.0); y = x * x
    >>> final_grads(y)[id(x)]
    6.0
    """
    grads = {id(root): 1.0}
    for node, _, _, totals in _replay(root, 1.0):
        for parent, total in zip(node.parents, totals):
            grads[id(parent)] = total
    return grads


def drawn_names(root: Value, scene: Scene) -> dict[int, str]:
    """`node_names` of what a picture of `scene` can name: `drawn_trace` needs no others.

    The root, every single-value box and its parents, and every leaf.
    """
    wanted = {id(root)}
    for box in scene.boxes:
        for v in box.members:
            if box.kind == "value":
                wanted.add(id(v))
                wanted.update(id(p) for p in v.parents)
            elif not v.parents:
                wanted.add(id(v))
    return node_names(root, only=wanted)


def drawn_trace(root: Value, scene: Scene, names: dict[int, str]) -> Trace:
    """The steps `animate` shows for `scene`: bounded by the picture, not the graph.

    A node drawn as its own box gets its full Step, as in `trace_backward`. All
    the steps of one group or '… more' box become one bundled Step named after
    the box (node, op and upstream grad of its first step), whose parents are
    only those whose numbers are drawn (single-value boxes, and leaves, which
    the update frame shows), with each contribution in `backward()`'s order.
    The arithmetic is the same; a 10**6-node graph keeps one float per node,
    not one Step. `names` needs the nodes `drawn_names` names.
    """
    boxes = {box.key: box for box in scene.boxes}
    slots: list[Step | _Bundle] = []
    bundles: dict[str, _Bundle] = {}
    for index, (node, upstream, contributions, totals) in enumerate(_replay(root, 1.0), 1):
        key = scene.box_of[id(node)]
        if boxes[key].kind == "value":
            slots.append(_step(index, node, upstream, contributions, totals, names))
            continue
        bundle = bundles.get(key)
        if bundle is None:
            bundle = bundles[key] = _Bundle(index, node, upstream, boxes[key].title)
            slots.append(bundle)
        for k, parent in enumerate(node.parents):
            if not parent.parents or boxes[scene.box_of[id(parent)]].kind == "value":
                bundle.add(parent, node.local_grads[k], contributions[k], totals[k])
    return Trace(slot if isinstance(slot, Step) else slot.step(names) for slot in slots)


class _Bundle:
    """The steps of one group box, collected into one Step (see `drawn_trace`)."""

    def __init__(self, index: int, node: Value, upstream: float, name: str) -> None:
        self.index, self.node, self.upstream, self.name = index, node, upstream, name
        self.parents: list[Value] = []
        self.numbers: list[tuple[float, float, float]] = []

    def add(self, parent: Value, local: float, contribution: float, total: float) -> None:
        self.parents.append(parent)
        self.numbers.append((local, contribution, total))

    def step(self, names: dict[int, str]) -> Step:
        local_grads, contributions, totals = (tuple(c) for c in zip(*self.numbers, strict=True))
        return Step(
            index=self.index,
            node=self.node,
            name=self.name,
            op=self.node.op,
            upstream_grad=self.upstream,
            parents=tuple(self.parents),
            parent_names=tuple(names[id(p)] for p in self.parents),
            local_grads=local_grads,
            contributions=contributions,
            parent_grads=totals,
        )


def _replay(
    root: Value, seed: float
) -> Iterator[tuple[Value, float, tuple[float, ...], tuple[float, ...]]]:
    """Each node's turn in the backward pass: (node, upstream grad, contribution
    to each parent, each parent's total right after).

    The engine's own walk (`backward_steps`, the one backward() takes in anomaly
    mode and with create_graph), so the numbers are backward()'s, bit for bit.
    """
    for step in backward_steps(root, seed):
        yield (
            step.node,
            _number(step.upstream),
            tuple(_number(c) for c in step.contributions),
            tuple(_number(g) for g in step.parent_grads),
        )


def _number(g: float | Value) -> float:
    return g.data if isinstance(g, Value) else g


def _step(
    index: int,
    node: Value,
    upstream: float,
    contributions: tuple[float, ...],
    totals: tuple[float, ...],
    names: dict[int, str],
) -> Step:
    return Step(
        index=index,
        node=node,
        name=names[id(node)],
        op=node.op,
        upstream_grad=upstream,
        parents=node.parents,
        parent_names=tuple(names[id(p)] for p in node.parents),
        local_grads=node.local_grads,
        contributions=contributions,
        parent_grads=totals,
    )
