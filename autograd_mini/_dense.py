"""A layer's forward pass: one graph node per relu neuron, relu(w·x + b) fused.

`nn.Layer` and `nn.Neuron` build their nodes here: `dense_from_numbers` for a
network's first layer (inputs are numbers), `dense_from_values` for the layers after
it (inputs are the previous layer's Values), `dense` to tell the two apart, and
`dense_data` for `no_grad` (floats only, no nodes). The layer reads its inputs'
numbers once for all its neurons. A relu neuron becomes ONE node whose parents are
its weights, the layer's input Values (if any) and its bias, and whose stored local
derivatives already include relu's slope s (1 or 0):

    d(out)/d(w_i) = x_i * s      d(out)/d(x_i) = w_i * s      d(out)/d(b) = s

So backward() passes each gradient on once, not twice (dot node, then relu node),
and with s being 1 or 0 the layer's float-input neurons share one tuple of local
derivatives. A tanh or sigmoid neuron stays a `dot` node (sharing that tuple too)
then an activation node: folding a slope that is not 1 or 0 into the derivatives
costs a multiplication per input, more than the node it saves (benchmarks/NOTES.md).
A linear neuron is a `dot` node. The numbers are those of `Value.dot` followed by the
activation method, to the bit.

A fused node carries a derivative rule like every op, so `backward(create_graph=True)`
and Hessians go through networks unchanged. Expressions a learner writes by hand
never take this path: `x * w + b` is still one node per operator.

Imports only `autograd_mini.engine`.

>>> from autograd_mini.nn import Neuron
>>> n = Neuron(2, activation="relu", seed=0)
>>> (out,) = dense([n], [0.5, -1.0], "relu")
>>> out.op, len(out.parents)  # two weights and the bias
('relu(dot)', 3)
"""

from __future__ import annotations

import math
import operator
import sys
from collections.abc import Sequence
from functools import partial
from typing import Protocol, Union

from autograd_mini.engine import (
    _DOT,
    _DOT_PAIRED,
    _UNTRACKED,
    Derivative,
    OpName,
    Value,
    _check_real,
    _finite,
    _grad_enabled,
    _new_value,
    _sigmoid,
)

__all__ = [
    "FUSED_OPS",
    "FusedOpName",
    "dense",
    "dense_data",
    "dense_from_numbers",
    "dense_from_values",
    "fused_parts",
]

Input = Union[Value, float, int]


class NeuronParameters(Protocol):
    """What `dense` reads from a neuron: weights, bias, and the scope its node gets."""

    w: list[Value]
    b: Value
    scope: str


FUSED_OPS: dict[str, str] = {"relu": "relu(dot)"}
"""The op label of a fused neuron node, by activation."""

_ONE = (1.0,)
_INF = math.inf
_data = operator.attrgetter("data")
_add = operator.add
_zeros: dict[int, tuple[float, ...]] = {}

COLUMN_SUMS = sys.version_info < (3, 12)
"""Whether narrow layers sum by columns. From Python 3.12 on, `sum()` of floats is
compensated (Neumaier), so adding column after column would differ from `Value.dot`
in the last bit; there the rows are summed with `sum` as everywhere else."""


def dense(neurons: Sequence[NeuronParameters], x: Sequence[Input], activation: str) -> list[Value]:
    """One node per neuron: activation(w·x + b), for inputs the caller has checked.

    Inputs that are all numbers or all Values take the fused path; a mix of both
    (rare: a caller passing some Values) is computed as `Value.dot` then the
    activation, two nodes per neuron, with the same numbers.
    """
    x_values = [v for v in x if type(v) is Value]
    if not x_values:
        return dense_from_numbers(neurons, [_check_real(v, "dot") for v in x], activation)
    if len(x_values) == len(x):
        return dense_from_values(neurons, x_values, activation)
    return [_two_nodes(neuron, x, activation) for neuron in neurons]


def dense_from_numbers(
    neurons: Sequence[NeuronParameters], x: list[float], activation: str
) -> list[Value]:
    """`dense` for inputs that are checked floats: a network's first layer.

    The sums come first, layer-wide (see `_totals`); a neuron's parents are its
    weights and bias, and every neuron that is on shares one tuple of slopes.
    """
    x_slopes = tuple(x)
    # The input numbers ride on the label, for `fused_parts` (a relu that is off
    # stores only zeros).
    label = _fused_label("relu", x_slopes) if activation == "relu" else _DOT
    on = x_slopes + _ONE  # d/dw_i = x_i, d/db = 1
    off = _zeros_like(len(on))
    relu = activation == "relu"
    outs: list[Value] = []
    append = outs.append
    new = _new_value
    for neuron, total in zip(neurons, _totals(neurons, x)):
        # What engine._node does, inline: this runs once per neuron and sample.
        node = new(Value)
        if relu and not total > 0.0:
            node.data = 0.0
            node.local_grads = off
        else:
            node.data = total
            node.local_grads = on
        node.grad = 0.0
        node.label = ""
        node.op = label
        node.parents = (*neuron.w, neuron.b)
        node.scope = neuron.scope
        append(node)
    return _finish(outs, activation)


def dense_from_values(
    neurons: Sequence[NeuronParameters], x: list[Value], activation: str
) -> list[Value]:
    """`dense` for inputs that are all Values: every layer after a network's first.

    A neuron's parents are its weights, the inputs and its bias; its slopes hold
    the input numbers and its own weights' numbers.
    """
    x_data = [v.data for v in x]
    x_slopes = tuple(x_data)
    label = _PAIRED_LABELS["relu"] if activation == "relu" else _DOT_PAIRED
    off = _zeros_like(2 * len(x_data) + 1)
    relu = activation == "relu"
    outs: list[Value] = []
    append = outs.append
    new = _new_value
    mul = operator.mul
    for neuron in neurons:
        weights = neuron.w
        bias = neuron.b
        w_data = [w.data for w in weights]  # a comprehension reads slots fastest
        total = sum(map(mul, w_data, x_data)) + bias.data  # as Value.dot: products, then bias
        if not -_INF < total < _INF:
            _finite(total, "dot")  # raises OverflowError naming the op
        node = new(Value)
        if relu and not total > 0.0:
            node.data = 0.0
            node.local_grads = off
        else:
            node.data = total
            node.local_grads = (*x_slopes, *w_data, 1.0)  # d/dw_i = x_i, d/dx_i = w_i
        node.grad = 0.0
        node.label = ""
        node.op = label
        node.parents = (*weights, *x, bias)
        node.scope = neuron.scope
        append(node)
    return _finish(outs, activation)


def _finish(outs: list[Value], activation: str) -> list[Value]:
    """No history under no_grad (as `engine._node`); tanh or sigmoid as a node of its own."""
    if not _grad_enabled():
        for node in outs:
            node.op = _UNTRACKED
            node.parents = ()
            node.local_grads = ()
    if activation in ("tanh", "sigmoid"):
        activated: list[Value] = []
        for node in outs:
            out = getattr(node, activation)()
            out.scope = node.scope
            activated.append(out)
        return activated
    return outs


def dense_data(neurons: Sequence[NeuronParameters], x: list[float], activation: str) -> list[float]:
    """The same layer on plain floats, for no_grad: no nodes, the same numbers to the bit.

    >>> from autograd_mini.nn import Layer
    >>> layer = Layer(2, 3, activation="tanh", seed=0)
    >>> dense_data(layer.neurons, [0.5, -1.0], "tanh") == [v.data for v in layer([0.5, -1.0])]
    True
    """
    totals = _totals(neurons, x)
    if activation == "relu":
        return [t if t > 0.0 else 0.0 for t in totals]  # as Value.relu
    if activation == "tanh":
        return list(map(math.tanh, totals))
    if activation == "sigmoid":
        return list(map(_sigmoid, totals))
    return totals


def _totals(neurons: Sequence[NeuronParameters], x: list[float]) -> list[float]:
    """w·x + b for every neuron, to the bit what `Value.dot` computes.

    Row by row (`sum` of the products, then the bias) in general; column by column
    for a narrow layer with many neurons, such as the first layer on 2-D points,
    where one pass per input over all neurons costs less than a `sum` per neuron
    (16 neurons of 2 inputs: 3.9 against 6.7 us, benchmarks/NOTES.md). Adding
    column after column onto 0.0 is the order `sum` adds in, signed zeros included
    (before Python 3.12: see `COLUMN_SUMS`).
    """
    if COLUMN_SUMS and 4 * len(x) <= len(neurons):
        rows = [neuron.w for neuron in neurons]
        try:
            # 0.0 + the first product: what `sum` starts with (it makes -0.0 into 0.0).
            totals = [w[0].data * x[0] + 0.0 for w in rows]
            for j in range(1, len(x)):
                x_j = x[j]
                totals = list(map(_add, totals, [w[j].data * x_j for w in rows]))
        except IndexError:  # a weight list shortened by hand: row sums stop where it ends
            totals = _row_totals(neurons, x)
        else:
            totals = list(map(_add, totals, [neuron.b.data for neuron in neurons]))
    else:
        totals = _row_totals(neurons, x)
    # One C-level sum finds any inf or NaN (it may also overflow on its own, and
    # then the loop finds nothing): the same OverflowError as Value.dot.
    if not -_INF < sum(totals) < _INF:
        for total in totals:
            _finite(total, "dot")
    return totals


def _row_totals(neurons: Sequence[NeuronParameters], x: list[float]) -> list[float]:
    mul = operator.mul
    return [sum(map(mul, map(_data, n.w), x)) + n.b.data for n in neurons]


class FusedOpName(OpName):
    """The label of a fused neuron node: its activation, and its input numbers when
    the inputs were numbers (None when they are parents)."""

    activation: str
    inputs: tuple[float, ...] | None


def _fused_label(activation: str, inputs: tuple[float, ...] | None) -> FusedOpName:
    label = FusedOpName(FUSED_OPS[activation], partial(_fused_rule, activation, inputs))
    label.activation = activation
    label.inputs = inputs
    return label


def fused_parts(node: Value) -> tuple[str, tuple[float, ...] | None] | None:
    """(activation, input numbers or None) for a fused neuron node; None for any other node.

    >>> from autograd_mini.nn import Neuron
    >>> fused_parts(Neuron(2, activation="relu", seed=3)([0.5, 1.0]))
    ('relu', (0.5, 1.0))
    """
    op = node.op
    return (op.activation, op.inputs) if isinstance(op, FusedOpName) else None


def _two_nodes(neuron: NeuronParameters, x: Sequence[Input], activation: str) -> Value:
    out = Value.dot(neuron.w, x, bias=neuron.b)
    out.scope = neuron.scope
    if activation != "linear":
        out = getattr(out, activation)()
        out.scope = neuron.scope
    return out


def _zeros_like(width: int) -> tuple[float, ...]:
    """A shared tuple of `width` zeros (a relu that is off passes nothing on)."""
    zeros = _zeros.get(width)
    if zeros is None:
        zeros = _zeros[width] = (0.0,) * width
    return zeros


def _fused_rule(
    activation: str, inputs: tuple[float, ...] | None, node: Value
) -> tuple[Derivative, ...]:
    """d(out)/d(parent) written with Value ops: x_i * s, w_i * s (paired inputs), s.

    relu's slope s is 1.0 or 0.0 (the bias's stored slope), a constant whose own
    derivative is 0, as for `Value.relu`.
    """
    s = node.local_grads[-1]
    if s == 0.0:
        return node.local_grads
    parents = node.parents
    if inputs is None:  # parents: n weights, n input Values, the bias
        n = len(parents) // 2
        return (*parents[n : 2 * n], *parents[:n], 1.0)
    return (*inputs, 1.0)  # parents: the weights, the bias


_PAIRED_LABELS = {name: _fused_label(name, None) for name in FUSED_OPS}
