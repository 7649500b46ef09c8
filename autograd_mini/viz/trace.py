"""`trace_backward`: the backward pass as a list of chain-rule steps.

`backward()` visits the nodes in reverse topological order and, for each one,
adds ``local_grad * upstream_grad`` to every parent's grad. `trace_backward`
reads that walk step by step from the engine (`engine.backward_steps`, which
keeps its gradients in a private table and never touches `.grad`), so its
numbers are the ones `backward()` computes. The result prints as an aligned table and renders as an
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

from dataclasses import dataclass

from autograd_mini.engine import Value, _check_real, backward_steps
from autograd_mini.viz.escape import clean_text, format_number, html_text
from autograd_mini.viz.scene import reading_order, require_value, short_scope

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


def node_names(root: Value) -> dict[int, str]:
    """Display names by `id(value)`: the label, prefixed by its short scope; "#k" if unlabeled.

    k is the node's position in `reading_order(root)`, the same number as the
    node's id ("v" + k) in `draw_graph`'s SVG.

    >>> from autograd_mini import Value
    >>> x = Value(1.0, label="x"); y = x + 1
    >>> sorted(node_names(y).values())
    ['#1', 'x']
    """
    names: dict[int, str] = {}
    for k, v in enumerate(reading_order(root)):
        label = clean_text(v.label, 40)
        scope = short_scope(v.scope)
        if label and scope:
            # The short form draw_graph shows: "L0.N3.w0" for layers.0.neurons.3's w0.
            label = f"{clean_text(scope, 40)}.{label}"
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
    # The engine's own walk (the one backward() takes in anomaly mode and with
    # create_graph), so the numbers are the ones backward() computes, bit for bit.
    for step in backward_steps(root, seed):
        node = step.node
        trace.append(
            Step(
                index=len(trace) + 1,
                node=node,
                name=names[id(node)],
                op=node.op,
                upstream_grad=_number(step.upstream),
                parents=node.parents,
                parent_names=tuple(names[id(p)] for p in node.parents),
                local_grads=node.local_grads,
                contributions=tuple(_number(c) for c in step.contributions),
                parent_grads=tuple(_number(g) for g in step.parent_grads),
            )
        )
    return trace


def _number(g: float | Value) -> float:
    return g.data if isinstance(g, Value) else g
