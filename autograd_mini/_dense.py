"""A layer's forward pass with one graph node per neuron: activation(w·x + b) fused.

`nn.Layer` and `nn.Neuron` build their nodes here. Each neuron becomes ONE node
whose parents are its weights, the layer's input Values (if any) and its bias, and
whose stored local derivatives already include the activation's slope s:

    d(out)/d(w_i) = x_i * s      d(out)/d(x_i) = w_i * s      d(out)/d(b) = s

So backward() passes each gradient on once, not twice (dot node, then activation
node). The layer reads its inputs' numbers once for all its neurons, and where the
slope is 1 (relu on, linear) the neurons share one tuple of local derivatives.
The numbers are those of `Value.dot` followed by the activation method, to the bit.

A fused node carries a derivative rule like every op, so `backward(create_graph=True)`
and Hessians go through networks unchanged. Expressions a learner writes by hand
never take this path: `x * w + b` is still one node per operator.

Imports only `autograd_mini.engine`.

>>> from autograd_mini.nn import Neuron
>>> n = Neuron(2, activation="tanh", seed=0)
>>> (out,) = dense([n], [0.5, -1.0], "tanh")
>>> out.op, len(out.parents)  # two weights and the bias
('tanh(dot)', 3)
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


FUSED_OPS: dict[str, str] = {"relu": "relu(dot)", "tanh": "tanh(dot)", "sigmoid": "sigmoid(dot)"}
"""The op label of a fused neuron node, by activation (a linear neuron is a plain dot)."""

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
    if activation == "linear":
        label = _DOT_PAIRED if paired else _DOT
    elif paired:
        label = _PAIRED_LABELS[activation]
    else:
        # The rule needs the input numbers: with a slope such as tanh's they cannot
        # be read back from the stored products x_i * s.
        label = _fused_label(activation, x_slopes)
    width = len(x_slopes) * (2 if paired else 1) + 1
    shared = x_slopes + _ONE  # every float-input neuron's slopes where s == 1
    zeros = _zeros_like(width)  # a relu that is off: every slope 0
    tracked = _grad_enabled()
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
        if activation == "tanh" or activation == "sigmoid":
            if activation == "tanh":
                out = math.tanh(total)
                s = 1.0 - out * out
            else:
                out = _sigmoid(total)
                s = out * (1.0 - out)
            slopes = tuple(
                [g * s for g in (*x_slopes, *w_data, 1.0)] if paired else [g * s for g in shared]
            )
        elif activation == "relu" and not total > 0.0:
            out, slopes = 0.0, zeros
        else:  # relu that is on, linear: s == 1
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
    >>> fused_parts(Neuron(2, activation="tanh", seed=0)([0.5, 1.0]))
    ('tanh', (0.5, 1.0))
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


def _activation_slope(activation: str, node: Value) -> Derivative:
    """s, the activation's derivative at the node, as a Value where it is not constant."""
    if activation == "tanh":
        return 1.0 - node * node
    if activation == "sigmoid":
        return node * (1.0 - node)
    return node.local_grads[-1]  # relu: the bias's slope is s itself, 1.0 or 0.0


def _fused_rule(
    activation: str, inputs: tuple[float, ...] | None, node: Value
) -> tuple[Derivative, ...]:
    """d(out)/d(parent) written with Value ops: x_i * s, w_i * s (paired inputs), s."""
    s = _activation_slope(activation, node)
    parents = node.parents
    if inputs is None:  # parents: n weights, n input Values, the bias
        n = len(parents) // 2
        partners: Sequence[Derivative] = parents[n : 2 * n] + parents[:n]
    else:  # parents: the weights, the bias
        partners = inputs
    if type(s) is float:
        if s == 0.0:
            return node.local_grads
        if s == 1.0:
            return (*partners, 1.0)
    return (*[p * s for p in partners], s)


_PAIRED_LABELS = {name: _fused_label(name, None) for name in FUSED_OPS}
