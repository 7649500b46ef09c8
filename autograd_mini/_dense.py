"""A layer's forward pass: one graph node per relu neuron, relu(w·x + b) fused.

`nn.Layer` and `nn.Neuron` build their nodes here. The layer reads its inputs'
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
from collections.abc import Sequence
from functools import partial
from typing import Protocol, Union

from autograd_mini.engine import (
    _DOT,
    _DOT_PAIRED,
    Derivative,
    OpName,
    Value,
    _check_real,
    _finite,
    _grad_enabled,
    _new_value,
    _node,
    _sigmoid,
)

__all__ = ["FUSED_OPS", "FusedOpName", "dense", "dense_data", "fused_parts"]

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
_zeros: dict[int, tuple[float, ...]] = {}


def dense(neurons: Sequence[NeuronParameters], x: Sequence[Input], activation: str) -> list[Value]:
    """One node per neuron: activation(w·x + b), for inputs the caller has checked.

    Inputs that are all numbers or all Values take the fused path; a mix of both
    (rare: a caller passing some Values) is computed as `Value.dot` then the
    activation, two nodes per neuron, with the same numbers.
    """
    x_data = [v.data if type(v) is Value else _check_real(v, "dot") for v in x]
    # A list, not tuple(generator): a tuple grown from an iterator is resized in
    # place and then freed onto CPython's tuple free list without ever being taken
    # from it, and that list filling up reads as growing memory in tracemalloc.
    x_values = [v for v in x if type(v) is Value]
    if x_values and len(x_values) != len(x_data):
        return [_two_nodes(neuron, x, activation) for neuron in neurons]
    paired = bool(x_values)
    x_slopes = tuple(x_data)
    if activation != "relu":
        label = _DOT_PAIRED if paired else _DOT
    elif paired:
        label = _PAIRED_LABELS[activation]
    else:
        # The input numbers, for `fused_parts`: a relu that is off stores only zeros.
        label = _fused_label(activation, x_slopes)
    width = len(x_slopes) * (2 if paired else 1) + 1
    shared = x_slopes + _ONE  # every float-input neuron's slopes where s == 1
    zeros = _zeros_like(width)  # a relu that is off: every slope 0
    tracked = _grad_enabled()
    smooth = activation in ("tanh", "sigmoid")
    outs = []
    mul = operator.mul
    for neuron in neurons:
        weights = neuron.w
        bias = neuron.b
        w_data = list(map(_data, weights))
        total = sum(map(mul, w_data, x_data))
        total += bias.data  # as Value.dot: the products' sum, then the bias
        if not -_INF < total < _INF:
            _finite(total, "dot")  # raises OverflowError naming the op
        if activation == "relu" and not total > 0.0:
            out, slopes = 0.0, zeros
        else:  # relu that is on, linear, or the dot under tanh / sigmoid: s == 1
            out = total
            slopes = (*x_slopes, *w_data, 1.0) if paired else shared
        parents = (*weights, *x_values, bias) if paired else (*weights, bias)
        if tracked:  # what engine._node does, inline: this runs once per neuron and sample
            node = _new_value(Value)
            node.data = out
            node.grad = 0.0
            node.label = ""
            node.op = label
            node.parents = parents
            node.local_grads = slopes
        else:
            node = _node(out, parents, label, slopes)
        node.scope = neuron.scope
        if smooth:
            node = getattr(node, activation)()
            node.scope = neuron.scope
        outs.append(node)
    return outs


def dense_data(neurons: Sequence[NeuronParameters], x: list[float], activation: str) -> list[float]:
    """The same layer on plain floats, for no_grad: no nodes, the same numbers to the bit.

    >>> from autograd_mini.nn import Layer
    >>> layer = Layer(2, 3, activation="tanh", seed=0)
    >>> dense_data(layer.neurons, [0.5, -1.0], "tanh") == [v.data for v in layer([0.5, -1.0])]
    True
    """
    mul = operator.mul
    totals = [sum(map(mul, map(_data, n.w), x)) + n.b.data for n in neurons]
    # One C-level sum finds any inf or NaN (it may also overflow on its own, and
    # then the loop finds nothing): the same OverflowError as Value.dot.
    if not -_INF < sum(totals) < _INF:
        for total in totals:
            _finite(total, "dot")
    if activation == "relu":
        return [t if t > 0.0 else 0.0 for t in totals]  # as Value.relu
    if activation == "tanh":
        return list(map(math.tanh, totals))
    if activation == "sigmoid":
        return list(map(_sigmoid, totals))
    return totals


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
