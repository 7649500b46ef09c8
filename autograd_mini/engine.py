"""The scalar autodiff engine: `Value`, `backward()`, `grad()` and `no_grad`.

Every `Value` is a node of a computation graph. It holds its number (`data`),
the gradient of the last `backward()` root with respect to it (`grad`), the
nodes it was computed from (`parents`, in argument order) and, for each parent,
the local derivative d(self)/d(parent) evaluated when the node was built
(`local_grads`). `backward()` walks the graph in reverse topological order and
applies the chain rule once per node:

    parent.grad += local_grad * node.grad

Beside every op sits its derivative rule, the same local derivatives written
with Value operations (`OPS[name].derivatives`, in the style of HIPS autograd's
`defvjp`). `backward(create_graph=True)` and `grad(..., create_graph=True)` use
the rules instead of the stored numbers, so a gradient is itself a Value with a
graph and can be differentiated again. The stored numbers stay the fast path
for plain first-order `backward()`.

Imports nothing else from the package (docs/design.md: data flows one way).

Errors raised here, and when:
    TypeError            an operand is not a real number or Value (bool included)
    ValueError           NaN/inf data, or undefined math (log(0), sqrt(-1), 0 ** -1)
      ZeroDivisionError  (also a ValueError) division by zero
    OverflowError        a result too large for a float, or a gradient that
                         becomes infinite in backward (named by node)
    RuntimeError         backward() on a Value computed under no_grad()
    NotImplementedError  a second derivative through an op without a rule

>>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
>>> y = a * b + a
>>> y.backward()
>>> a.grad, b.grad
(-2.0, 2.0)
>>> x = Value(3.0)
>>> (dy,) = grad(x * x * x, [x], create_graph=True)  # 3x², as a Value
>>> (d2y,) = grad(dy, [x])  # 6x
>>> dy.data, d2y
(27.0, 18.0)
"""

from __future__ import annotations

import math
import numbers
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import partial
from typing import Literal, NamedTuple, Union, overload

__all__ = [
    "OPS",
    "UNARY_FUNCTIONS",
    "AnomalyError",
    "BackwardStep",
    "OpInfo",
    "OpName",
    "Value",
    "MAX_OP_NAME",
    "ZeroDivisionValueError",
    "backward_steps",
    "custom_op",
    "grad",
    "is_grad_enabled",
    "no_grad",
]

Number = Union[int, float]
Operand = Union["Value", int, float]
Derivative = Union["Value", float]
"""A local derivative or a gradient: a float, or a Value when it must be differentiable."""
Rule = Callable[["Value"], Sequence[Derivative]]
"""rule(node) -> d(node)/d(parent) for each parent of `node`, written with Value ops."""

_INF = math.inf


class Value:
    """A scalar that remembers how it was computed, so it can be differentiated.

    Args:
        data: a real number (int, float, or any `numbers.Real`); stored as float.
        label: a name shown in graphs and reprs.

    Attributes:
        data: the number.
        grad: d(root)/d(self) after `root.backward()`; 0.0 at creation.
        label: settable display name.
        op: the operation that produced this node ("" for leaves).
        parents: the operand Values, in argument order.
        local_grads: d(self)/d(parent) for each parent, same order as `parents`.
        scope: an optional tag (str) that `nn` sets so pictures can group nodes.
        grad_value: the gradient as a Value with its own graph, after
            `backward(create_graph=True)`; None otherwise (read-only).

    >>> x = Value(0.5, label="x")
    >>> y = x.tanh()
    >>> y.backward()
    >>> round(y.data, 4), round(x.grad, 4)
    (0.4621, 0.7864)
    """

    # `_grad_value` is left unset until a backward pass writes it, so building a
    # node costs no extra store for it (read through the `grad_value` property).
    __slots__ = ("_grad_value", "data", "grad", "label", "local_grads", "op", "parents", "scope")

    data: float
    grad: float
    label: str
    op: str
    parents: tuple[Value, ...]
    local_grads: tuple[float, ...]
    scope: str | None
    _grad_value: Value | None

    def __init__(self, data: Number, label: str = "") -> None:
        if not isinstance(label, str):
            raise TypeError(f"Value: label must be a str, got {type(label).__name__}")
        if isinstance(data, Value):
            raise TypeError(
                "Value: data must be a number, not a Value (pass x.data for its number)"
            )
        self.data = _check_real(data, "Value")
        self.grad = 0.0
        self.label = label
        self.op = ""
        self.parents = ()
        self.local_grads = ()
        self.scope = None

    @property
    def grad_value(self) -> Value | None:
        """d(root)/d(self) as a Value after `root.backward(create_graph=True)`, else None.

        Its `data` equals `grad`; differentiate it again with `backward()` or `grad()`.

        >>> x = Value(3.0); y = x * x * x
        >>> y.backward(create_graph=True)
        >>> x.grad, x.grad_value.data
        (27.0, 27.0)
        >>> x.grad = 0.0; x.grad_value.backward(); x.grad  # d/dx 3x² = 6x
        18.0
        """
        return getattr(self, "_grad_value", None)

    @property
    def is_leaf(self) -> bool:
        """True for a node with no parents (inputs, parameters, constants)."""
        return not self.parents

    def item(self) -> float:
        """The number, as in PyTorch's `Tensor.item()`.

        >>> Value(2).item()
        2.0
        """
        return self.data

    def __float__(self) -> float:
        return self.data

    def __repr__(self) -> str:
        name = f"label={self.label!r}, " if self.label else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g})"

    # Comparisons compare numbers and return bool; they never build graph nodes.
    # == and hash stay identity-based so Values can live in sets and dicts
    # (the topological sort relies on that).
    def __lt__(self, other: Operand) -> bool:
        return self.data < _data_of(other, "<")

    def __le__(self, other: Operand) -> bool:
        return self.data <= _data_of(other, "<=")

    def __gt__(self, other: Operand) -> bool:
        return self.data > _data_of(other, ">")

    def __ge__(self, other: Operand) -> bool:
        return self.data >= _data_of(other, ">=")

    # ------------------------------------------------------------------------
    # binary ops: one node per written operator, constants go into the label
    # ------------------------------------------------------------------------

    def __add__(self, other: Operand) -> Value:
        """x + y. Local derivatives: d/dx = 1, d/dy = 1.

        >>> (Value(2.0) + 3).data
        5.0
        """
        if type(other) is Value:
            out = _finite(self.data + other.data, "+")
            return _node(out, (self, other), _ADD, _ONES)
        c = _check_real(other, "+")
        label, slopes = _constant_op("+{}", c)
        return _node(_finite(self.data + c, "+"), (self,), label, slopes)

    def __radd__(self, other: Number) -> Value:
        c = _check_real(other, "+")
        label, slopes = _constant_op("{}+", c)
        return _node(_finite(c + self.data, "+"), (self,), label, slopes)

    def __sub__(self, other: Operand) -> Value:
        """x - y. Local derivatives: d/dx = 1, d/dy = -1.

        >>> (Value(2.0) - 3).data
        -1.0
        """
        if type(other) is Value:
            out = _finite(self.data - other.data, "-")
            return _node(out, (self, other), _SUB, _ONE_MINUS_ONE)
        c = _check_real(other, "-")
        label, slopes = _constant_op("-{}", c)
        return _node(_finite(self.data - c, "-"), (self,), label, slopes)

    def __rsub__(self, other: Number) -> Value:
        c = _check_real(other, "-")
        label, slopes = _constant_op("{}-", c)
        return _node(_finite(c - self.data, "-"), (self,), label, slopes)

    def __mul__(self, other: Operand) -> Value:
        """x * y. Local derivatives: d/dx = y, d/dy = x.

        >>> a, b = Value(2.0), Value(-3.0)
        >>> c = a * b; c.backward()
        >>> c.data, a.grad, b.grad
        (-6.0, -3.0, 2.0)
        """
        if type(other) is Value:
            x, y = self.data, other.data
            return _node(_finite(x * y, "*"), (self, other), _MUL, (y, x))
        c = _check_real(other, "*")
        label, slopes = _constant_op("*{}", c)
        return _node(_finite(self.data * c, "*"), (self,), label, slopes)

    def __rmul__(self, other: Number) -> Value:
        c = _check_real(other, "*")
        label, slopes = _constant_op("{}*", c)
        return _node(_finite(c * self.data, "*"), (self,), label, slopes)

    def __truediv__(self, other: Operand) -> Value:
        """x / y. Local derivatives: d/dx = 1/y, d/dy = -x/y**2.

        >>> (Value(1.0) / 4).data
        0.25
        """
        if type(other) is Value:
            x, y = self.data, other.data
            _check_divisor(y, x)
            out = _finite(x / y, "/")
            # A tiny divisor can make a slope infinite while the result is finite:
            # stored as computed, backward() names the node if it is ever used.
            return _node(out, (self, other), _DIV, (1.0 / y, -out / y))
        c = _check_real(other, "/")
        _check_divisor(c, self.data)
        out = _finite(self.data / c, "/")
        label, slopes = _constant_op("/{}", c)
        return _node(out, (self,), label, slopes)

    def __rtruediv__(self, other: Number) -> Value:
        c = _check_real(other, "/")
        y = self.data
        _check_divisor(y, c)
        out = _finite(c / y, "/")
        label, _ = _constant_op("{}/", c)  # the slope -out/y depends on x: no shared one
        return _node(out, (self,), label, (-out / y,))

    def __pow__(self, exponent: Operand) -> Value:
        """x ** c for a number c, or x ** y for a Value y (then x must be > 0).

        Local derivatives: d/dx = c * x**(c-1); for a Value exponent also
        d/dy = x**y * log(x).

        >>> x = Value(3.0); y = x ** 2; y.backward()
        >>> y.data, x.grad
        (9.0, 6.0)
        """
        if type(exponent) is Value:
            return _pow_values(self, exponent)
        c = _check_real(exponent, "**")
        x = self.data
        out = _real_power(x, c)
        return _node(out, (self,), _constant_op("**{}", c)[0], (_power_slope(x, c),))

    def __rpow__(self, base: Number) -> Value:
        """c ** x for a number c > 0. Local derivative: c**x * log(c).

        >>> x = Value(3.0); y = 2 ** x; y.data
        8.0
        """
        c = _check_real(base, "**")
        if c <= 0.0:
            raise ValueError(f"**: a number base with a Value exponent must be > 0, got {c!r}")
        out = _real_power(c, self.data)
        return _node(out, (self,), _constant_op("{}**", c)[0], (out * math.log(c),))

    def __neg__(self) -> Value:
        """-x. Local derivative: -1.

        >>> (-Value(2.0)).data
        -2.0
        """
        return _node(-self.data, (self,), _NEG, _MINUS_ONE)

    # ------------------------------------------------------------------------
    # unary functions
    # ------------------------------------------------------------------------

    def exp(self) -> Value:
        """e**x. Local derivative: e**x (the output itself).

        >>> round(Value(1.0).exp().data, 6)
        2.718282
        """
        try:
            out = math.exp(self.data)
        except OverflowError:
            raise OverflowError(f"exp: result overflows a float for input {self.data!r}") from None
        return _node(out, (self,), _EXP, (out,))

    def log(self) -> Value:
        """Natural logarithm, for x > 0. Local derivative: 1/x.

        >>> Value(1.0).log().data
        0.0
        """
        x = self.data
        if x <= 0.0:
            raise ValueError(f"log: input must be > 0, got {x!r}")
        return _node(math.log(x), (self,), _LOG, (1.0 / x,))  # 1/x may be inf: see __truediv__

    def sqrt(self) -> Value:
        """Square root, for x >= 0. Local derivative: 1 / (2 sqrt(x)), infinite at 0.

        >>> Value(9.0).sqrt().data
        3.0
        """
        x = self.data
        if x < 0.0:
            raise ValueError(f"sqrt: input must be >= 0, got {x!r}")
        out = math.sqrt(x)
        # At 0 the slope is infinite; backward() reports it if it is ever used.
        return _node(out, (self,), _SQRT, (0.5 / out if out > 0.0 else _INF,))

    def tanh(self) -> Value:
        """Hyperbolic tangent. Local derivative: 1 - tanh(x)**2.

        >>> Value(1000.0).tanh().data
        1.0
        """
        t = math.tanh(self.data)  # saturates to +-1, never overflows
        return _node(t, (self,), _TANH, (1.0 - t * t,))

    def sigmoid(self) -> Value:
        """Logistic sigmoid 1 / (1 + e**-x). Local derivative: s * (1 - s).

        >>> Value(0.0).sigmoid().data, Value(-1000.0).sigmoid().data
        (0.5, 0.0)
        """
        s = _sigmoid(self.data)  # stable for every finite input, see _sigmoid
        return _node(s, (self,), _SIGMOID, (s * (1.0 - s),))

    def relu(self) -> Value:
        """max(0, x). Local derivative: 1 for x > 0, else 0 (we choose 0 at x = 0).

        >>> Value(-2.0).relu().data, Value(3.0).relu().data
        (0.0, 3.0)
        """
        x = self.data
        if x > 0.0:
            return _node(x, (self,), _RELU, _ONE)
        return _node(0.0, (self,), _RELU, _ZERO)

    def leaky_relu(self, negative_slope: float = 0.01) -> Value:
        """x for x > 0, else negative_slope * x. Local derivative: 1 or negative_slope.

        >>> Value(-2.0).leaky_relu(0.1).data
        -0.2
        """
        a = _check_real(negative_slope, "leaky_relu")
        x = self.data
        local = 1.0 if x > 0.0 else a
        return _node(x * local, (self,), _LEAKY_RELU, (local,))

    def abs(self) -> Value:
        """|x|. Local derivative: sign(x) (we choose 0 at x = 0, as PyTorch does).

        >>> Value(-2.5).abs().data
        2.5
        """
        x = self.data
        local = 1.0 if x > 0.0 else (-1.0 if x < 0.0 else 0.0)
        return _node(abs(x), (self,), _ABS, (local,))

    def __abs__(self) -> Value:
        return self.abs()

    def sin(self) -> Value:
        """sin(x). Local derivative: cos(x).

        >>> Value(0.0).sin().data
        0.0
        """
        x = self.data
        return _node(math.sin(x), (self,), _SIN, (math.cos(x),))

    def cos(self) -> Value:
        """cos(x). Local derivative: -sin(x).

        >>> Value(0.0).cos().data
        1.0
        """
        x = self.data
        return _node(math.cos(x), (self,), _COS, (-math.sin(x),))

    # ------------------------------------------------------------------------
    # fused n-ary ops: one node instead of a chain of binary ones
    # ------------------------------------------------------------------------

    @staticmethod
    def sum(values: Iterable[Operand]) -> Value:
        """x1 + x2 + ... + xn as ONE node. Local derivative: 1 for every Value input.

        Plain numbers are added into the result without becoming parents.

        >>> xs = [Value(1.0), Value(2.0), 3]
        >>> s = Value.sum(xs); s.backward()
        >>> s.data, len(s.parents), xs[0].grad
        (6.0, 2, 1.0)
        """
        parents = []
        total = 0.0
        for v in values:
            if type(v) is Value:
                parents.append(v)
                total += v.data
            else:
                total += _check_real(v, "sum")
        return _node(_finite(total, "sum"), tuple(parents), _SUM, (1.0,) * len(parents))

    @staticmethod
    def dot(
        weights: Sequence[Operand], inputs: Sequence[Operand], bias: Operand | None = None
    ) -> Value:
        """w1*x1 + ... + wn*xn (+ bias) as ONE node.

        Local derivatives: d/dwi = xi, d/dxi = wi, d/dbias = 1. Parents are the
        Values among `weights`, then among `inputs`, then the bias.

        >>> w, x = [Value(2.0), Value(3.0)], [4.0, 5.0]
        >>> y = Value.dot(w, x, bias=1.0); y.backward()
        >>> y.data, w[0].grad, w[1].grad
        (24.0, 4.0, 5.0)
        """
        if len(weights) != len(inputs):
            raise ValueError(
                f"dot: weights and inputs must have the same length, "
                f"got {len(weights)} and {len(inputs)}"
            )
        w_data = [w.data if type(w) is Value else _check_real(w, "dot") for w in weights]
        x_data = [x.data if type(x) is Value else _check_real(x, "dot") for x in inputs]
        total = sum(map(operator.mul, w_data, x_data))
        if not _grad_enabled():
            if bias is not None:
                total += bias.data if type(bias) is Value else _check_real(bias, "dot")
            return _node(_finite(total, "dot"), (), _DOT, ())
        parents: list[Value] = []
        local_grads: list[float] = []
        for weight, x_number in zip(weights, x_data):
            if type(weight) is Value:
                parents.append(weight)
                local_grads.append(x_number)
        weight_values = len(parents)
        for item, w_number in zip(inputs, w_data):
            if type(item) is Value:
                parents.append(item)
                local_grads.append(w_number)
        input_values = len(parents) - weight_values
        if bias is not None:
            if type(bias) is Value:
                total += bias.data
                parents.append(bias)
                local_grads.append(1.0)
            else:
                total += _check_real(bias, "dot")
        # Which label (and so which second-derivative rule) depends on whether any
        # Value weight meets a Value input: only then is d/dw = x itself a Value.
        if not (weight_values and input_values):
            op = _DOT
        elif weight_values == input_values == len(weights):
            op = _DOT_PAIRED
        else:
            op = _mixed_dot(weights, inputs, bias)
        return _node(_finite(total, "dot"), tuple(parents), op, tuple(local_grads))

    # ------------------------------------------------------------------------
    # backward
    # ------------------------------------------------------------------------

    def topological_order(self) -> list[Value]:
        """Every node this Value depends on (itself included), parents before children.

        Iterative depth-first search, so a graph a million nodes deep needs no
        recursion.

        >>> a = Value(1.0); b = a * 2; c = b + a
        >>> [n.op for n in c.topological_order()]
        ['', '*2', '+']
        """
        return _topological_order((self,))

    def backward(self, gradient: float = 1.0, create_graph: bool = False) -> None:
        """Compute d(self)/d(node) for every node reachable from self.

        Leaf gradients ACCUMULATE across calls (call `zero_grad()` on a module or
        set `.grad = 0.0` between steps, as in PyTorch); gradients of
        intermediate nodes are recomputed from zero on every call. A failed pass
        changes no gradient.

        Args:
            gradient: d(loss)/d(self) to start from; 1.0 for a loss.
            create_graph: also record how each gradient was computed, so it can be
                differentiated again: every node's `grad_value` is then its gradient
                as a Value (`grad` stays a float either way).

        Raises:
            OverflowError: a gradient became infinite or NaN during the pass;
                the message names the node where it happened.
            RuntimeError: self was computed under `no_grad()` and has no graph.
            NotImplementedError: create_graph=True reached an op without a
                derivative rule (a `custom_op` made without `rule=`).

        >>> x = Value(3.0); y = x * x
        >>> y.backward(); y.backward()
        >>> x.grad  # 6 + 6: leaf gradients accumulate
        12.0
        """
        if self.op is _UNTRACKED:
            raise RuntimeError(
                "backward: this Value was computed under no_grad(), so it has no graph "
                "to differentiate; compute it outside the no_grad() block"
            )
        if create_graph is not False:
            _check_flag(create_graph, "backward", "create_graph")
        if create_graph or _anomaly_enabled():
            _backward_by_walk(self, gradient, create_graph, checked=_anomaly_enabled())
            return
        # The first-order fast path: the same walk as `_walk`, with the gradients
        # kept on the nodes themselves instead of in a dict, and no step records.
        seed = _check_real(gradient, "backward")
        order = self.topological_order()
        # Each pass computes fresh gradients for every node; leaves then add
        # theirs to what they held before. Adding the pass's total in one step
        # (not contribution by contribution) makes two identical passes give
        # exactly twice the gradient, as in PyTorch.
        leaves: list[Value] = []
        earlier_grads: list[float] = []
        for node in order:
            if not node.parents:
                leaves.append(node)
                earlier_grads.append(node.grad)
            node.grad = 0.0
        if _GRAD_VALUES_WRITTEN:  # only a create_graph pass sets grad_value: clear it
            for node in order:
                node._grad_value = None
        self.grad = seed
        try:
            for node in reversed(order):
                upstream_grad = node.grad
                if not -_INF < upstream_grad < _INF:
                    raise _gradient_overflow(order, node, _grad_attribute)
                local_grads = node.local_grads
                # All slopes 0.0 (a relu that is off; a leaf has none) add nothing:
                # skipped, to the bit the same (NaN and inf are truthy). The first
                # slope is looked at before calling any(): most nodes pass there.
                if local_grads and (local_grads[0] or any(local_grads)):
                    # `+=` because a node that feeds several consumers receives one
                    # contribution from each of them.
                    for parent, local_grad in zip(node.parents, local_grads):
                        parent.grad += local_grad * upstream_grad
        except BaseException:
            # A failed pass adds nothing: leaves keep the gradients they had.
            for leaf, earlier in zip(leaves, earlier_grads):
                leaf.grad = earlier
            raise
        for leaf, earlier in zip(leaves, earlier_grads):
            leaf.grad = earlier + leaf.grad


class ZeroDivisionValueError(ValueError, ZeroDivisionError):
    """Division by zero: a ValueError (undefined math) and a ZeroDivisionError."""


class AnomalyError(FloatingPointError):
    """In anomaly mode: a value or gradient in the graph is NaN or infinite.

    Attributes:
        node: the first offending node (in forward order for values, in backward
            order for gradients).
    """

    def __init__(self, message: str, node: Value) -> None:
        super().__init__(message)
        self.node = node


# ----------------------------------------------------------------------------
# grad mode and anomaly mode: one setting per thread and per asyncio task
# ----------------------------------------------------------------------------

# Context variables, not module globals: a thread or an asyncio task that enters
# no_grad() must not switch gradients off for the others. Every op reads grad
# mode once (`_grad_enabled()`); backward reads anomaly mode once per call.
_GRAD_MODE: ContextVar[bool] = ContextVar("autograd_mini_grad_mode", default=True)
_ANOMALY_MODE: ContextVar[bool] = ContextVar("autograd_mini_anomaly_mode", default=False)
_grad_enabled = _GRAD_MODE.get
_anomaly_enabled = _ANOMALY_MODE.get


def is_grad_enabled() -> bool:
    """True unless inside a `no_grad()` block (of this thread or asyncio task).

    >>> with no_grad():
    ...     is_grad_enabled()
    False
    """
    return _grad_enabled()


@contextmanager
def no_grad() -> Iterator[None]:
    """Build no graph inside the block: results are leaves with no parents.

    Use it for evaluation, where no gradient is wanted; it skips recording
    parents and local derivatives, so it is faster and keeps no memory alive.
    The setting belongs to the current thread and asyncio task only.

    >>> x = Value(3.0)
    >>> with no_grad():
    ...     y = x * x
    >>> y.data, y.parents
    (9.0, ())
    """
    with _set_grad_mode(False):
        yield


@contextmanager
def _set_grad_mode(enabled: bool) -> Iterator[None]:
    token = _GRAD_MODE.set(enabled)
    try:
        yield
    finally:
        _GRAD_MODE.reset(token)


@contextmanager
def _set_anomaly_mode(enabled: bool) -> Iterator[None]:
    """What `anomaly.detect_anomaly()` does: switch anomaly mode for this context."""
    token = _ANOMALY_MODE.set(enabled)
    try:
        yield
    finally:
        _ANOMALY_MODE.reset(token)


# ----------------------------------------------------------------------------
# the gradient walk
# ----------------------------------------------------------------------------


class BackwardStep(NamedTuple):
    """One node's turn in the backward pass (what `backward_steps` yields).

    Attributes:
        node: the Value whose gradient is passed on to its parents.
        upstream: d(root)/d(node), complete when this step runs.
        derivatives: d(node)/d(parent) for each parent: the stored `local_grads`,
            or with create_graph the rule's Values.
        contributions: derivative * upstream, added to each parent's gradient.
        parent_grads: each parent's gradient right after its contribution was
            added (a parent listed twice, as in x * x, shows both sums).
    """

    node: Value
    upstream: Derivative
    derivatives: tuple[Derivative, ...]
    contributions: tuple[Derivative, ...]
    parent_grads: tuple[Derivative, ...]


def backward_steps(
    root: Value, gradient: float = 1.0, *, create_graph: bool = False
) -> Iterator[BackwardStep]:
    """The backward pass from `root`, one `BackwardStep` per non-leaf node, in order.

    The same walk `backward()` does, step by step, without touching any `.grad`:
    the gradients live in a private table. `viz.trace_backward` and the animation
    players read the pass through it. With create_graph=True the derivatives come
    from the op rules, and every gradient that depends on the graph is a Value
    (constant ones stay floats).

    >>> x = Value(2.0, label="x"); y = x * x
    >>> [(s.node is y, s.upstream, s.contributions, s.parent_grads) for s in backward_steps(y)]
    [(True, 1.0, (2.0, 2.0), (2.0, 4.0))]
    """
    if type(root) is not Value:
        raise TypeError(f"backward_steps: root must be a Value, got {type(root).__name__}")
    seed = _check_real(gradient, "backward_steps")
    _check_flag(create_graph, "backward_steps", "create_graph")
    return _walk(root.topological_order(), {root: seed}, create_graph)


def _walk(
    order: list[Value], grads: dict[Value, Derivative], create_graph: bool
) -> Iterator[BackwardStep]:
    """Apply the chain rule over `order` (parents first) from the seeds in `grads`.

    `grads` maps node -> gradient; it holds the seeds on entry and every node's
    gradient once the walk is done. Plain floats throughout unless create_graph:
    then derivatives come from the op rules and gradients are Values.
    """
    for node in reversed(order):
        if not node.parents:
            continue
        if not create_graph:
            yield _step(node, node.local_grads, grads)
            continue
        # The rule's Values and the products below must record their graph,
        # even when the caller is inside no_grad().
        with _set_grad_mode(True):
            step = _step(node, _rule_derivatives(node), grads)
        yield step


def _step(
    node: Value, derivatives: Sequence[Derivative], grads: dict[Value, Derivative]
) -> BackwardStep:
    """The chain rule at one node: pass its gradient on to every parent in `grads`."""
    upstream = grads.get(node, 0.0)
    contributions: list[Derivative] = []
    totals: list[Derivative] = []
    for parent, derivative in zip(node.parents, derivatives):
        contribution = _times(derivative, upstream)
        total = _plus(grads.get(parent), contribution)
        grads[parent] = total
        contributions.append(contribution)
        totals.append(total)
    return BackwardStep(node, upstream, tuple(derivatives), tuple(contributions), tuple(totals))


def _times(derivative: Derivative, upstream: Derivative) -> Derivative:
    """derivative * upstream, without graph nodes for multiplying by 0 or 1."""
    if type(derivative) is float and type(upstream) is float:
        return derivative * upstream  # the first-order case: same float as backward()
    if type(derivative) is float:
        if derivative == 1.0:
            return upstream
        if derivative == 0.0 and -_INF < _number(upstream) < _INF:
            return 0.0
        return _constant(derivative) * upstream
    if type(upstream) is float:
        return derivative if upstream == 1.0 else derivative * _constant(upstream)
    return derivative * upstream


def _plus(total: Derivative | None, contribution: Derivative) -> Derivative:
    """The running sum of a node's contributions (starting from 0.0, as backward() does)."""
    if total is None:
        return 0.0 + contribution if type(contribution) is float else contribution
    if type(total) is float and type(contribution) is float:
        return total + contribution
    if type(total) is float:
        return contribution if total == 0.0 else _constant(total) + contribution
    if type(contribution) is float:
        return total if contribution == 0.0 else total + _constant(contribution)
    return total + contribution


def _constant(c: float) -> Value:
    """A leaf for a number inside a gradient's graph.

    Gradients multiply by many different numbers (every input of a first layer,
    say): as leaves they cost one small node each, where an op label such as
    "*0.7316" would be formatted and cached per number.
    """
    leaf = _new_value(Value)
    leaf.data = c
    leaf.grad = 0.0
    leaf.label = ""
    leaf.scope = None
    leaf.op = ""
    leaf.parents = ()
    leaf.local_grads = ()
    return leaf


def _number(g: Derivative) -> float:
    return g.data if isinstance(g, Value) else g


def _rule_derivatives(node: Value) -> tuple[Derivative, ...]:
    """The node's local derivatives from its op's rule, as differentiable Values."""
    rule = getattr(node.op, "rule", None)
    if rule is None:
        raise NotImplementedError(
            f"backward(create_graph=True): op {node.op!r} has no derivative rule, so its "
            "gradient cannot be differentiated again (give custom_op a rule=)"
        )
    try:
        derivatives = tuple(rule(node))
    except (ValueError, OverflowError) as error:
        raise OverflowError(
            f"backward: the derivative of {_describe(node)} is not finite ({error})"
        ) from None
    if len(derivatives) != len(node.parents):
        raise ValueError(
            f"backward: the rule of op {node.op!r} gave {len(derivatives)} derivatives "
            f"for {len(node.parents)} parents"
        )
    for d in derivatives:
        if type(d) is not Value:
            _check_real(d, f"the rule of op {node.op!r}")
    return tuple(d if type(d) is Value else float(d) for d in derivatives)


_GRAD_VALUES_WRITTEN = False
"""True once a create_graph pass has run in this process: from then on backward()
clears the grad_value of every node it visits (False: no node has one to clear)."""


def _backward_by_walk(root: Value, gradient: object, create_graph: bool, checked: bool) -> None:
    """backward() through `_walk`: anomaly mode and create_graph take this path."""
    order = root.topological_order()
    if checked:
        _check_values(order)
    seed = _seed(gradient, "backward", checked, root)
    grads = _gradients(order, {root: seed}, create_graph, checked)
    # Every new gradient is worked out before any is written: a failed pass
    # changes nothing.
    results: list[tuple[float, Value | None]] = []
    for node in order:
        g = grads.get(node, 0.0)
        number = _number(g)
        if not node.parents:
            earlier = node.grad
            number = earlier + number  # leaves accumulate
            if create_graph and earlier:
                # As Values too; a grad_value that no longer matches the float
                # (after zero_grad, or set by hand) is replaced by the float.
                previous = getattr(node, "_grad_value", None)
                base = previous if previous is not None and previous.data == earlier else earlier
                with _set_grad_mode(True):
                    g = _plus(base, g)
        results.append((number, _as_value(g) if create_graph else None))
    global _GRAD_VALUES_WRITTEN
    _GRAD_VALUES_WRITTEN = _GRAD_VALUES_WRITTEN or create_graph
    for node, (number, value) in zip(order, results):
        node.grad = number
        node._grad_value = value


def _gradients(
    order: list[Value], grads: dict[Value, Derivative], create_graph: bool, checked: bool
) -> dict[Value, Derivative]:
    """Run `_walk` to the end, checking every gradient; return the table."""
    for step in _walk(order, grads, create_graph):
        if checked:
            _check_step(step)
        elif not -_INF < _number(step.upstream) < _INF:
            raise _gradient_overflow(order, step.node, partial(_grad_in, grads))
    for node in order:
        if not node.parents and not -_INF < _number(grads.get(node, 0.0)) < _INF:
            raise _gradient_overflow(order, node, partial(_grad_in, grads))
    return grads


def _grad_in(grads: dict[Value, Derivative], node: Value) -> float:
    return _number(grads.get(node, 0.0))


def _grad_attribute(node: Value) -> float:
    return node.grad


def _as_value(g: Derivative) -> Value:
    return g if isinstance(g, Value) else Value(g)


@overload
def grad(
    outputs: Value | Sequence[Value],
    inputs: Value | Sequence[Value],
    grad_outputs: Derivative | Sequence[Derivative] | None = None,
    create_graph: Literal[False] = False,
) -> tuple[float, ...]: ...


@overload
def grad(
    outputs: Value | Sequence[Value],
    inputs: Value | Sequence[Value],
    grad_outputs: Derivative | Sequence[Derivative] | None = None,
    *,
    create_graph: Literal[True],
) -> tuple[Value, ...]: ...


@overload
def grad(
    outputs: Value | Sequence[Value],
    inputs: Value | Sequence[Value],
    grad_outputs: Derivative | Sequence[Derivative] | None = None,
    create_graph: bool = False,
) -> tuple[Derivative, ...]: ...


def grad(
    outputs: Value | Sequence[Value],
    inputs: Value | Sequence[Value],
    grad_outputs: Derivative | Sequence[Derivative] | None = None,
    create_graph: bool = False,
) -> tuple[Derivative, ...] | tuple[float, ...] | tuple[Value, ...]:
    """The gradients of `outputs` with respect to `inputs`, as `torch.autograd.grad`.

    Touches no `.grad`. Several outputs add up, each weighted by its entry of
    `grad_outputs` (default 1.0). An input the outputs do not depend on gets 0.

    Args:
        outputs: a Value or a list of Values.
        inputs: a Value or a list of Values (leaves or intermediate nodes).
        grad_outputs: d(loss)/d(output) for each output; numbers, or Values
            when create_graph=True and the seed itself should be differentiable.
        create_graph: return Values with a graph of their own (differentiable
            again) instead of floats.

    Returns:
        A tuple with one gradient per input: floats, or Values with create_graph.

    >>> x, y = Value(2.0), Value(5.0)
    >>> grad(x * y, [x, y])
    (5.0, 2.0)
    >>> (dx,) = grad(x * x * y, [x], create_graph=True)  # 2xy, a Value
    >>> grad(dx, [x, y])  # d/dx 2xy = 2y, d/dy 2xy = 2x
    (10.0, 4.0)
    """
    _check_flag(create_graph, "grad", "create_graph")
    roots = _value_list(outputs, "grad", "outputs")
    wrt = _value_list(inputs, "grad", "inputs")
    if grad_outputs is None:
        seeds: list[object] = [1.0] * len(roots)
    elif type(grad_outputs) is Value or not isinstance(grad_outputs, Sequence):
        seeds = [grad_outputs]
    else:
        seeds = list(grad_outputs)
    if len(seeds) != len(roots):
        raise ValueError(
            f"grad: need one grad_output per output, got {len(seeds)} for {len(roots)} outputs"
        )
    checked = _anomaly_enabled()
    for root in roots:
        if root.op is _UNTRACKED:
            raise RuntimeError(
                "grad: an output was computed under no_grad(), so it has no graph to differentiate"
            )
    order = _topological_order(roots)
    if checked:
        _check_values(order)
    grads: dict[Value, Derivative] = {}
    for root, seed in zip(roots, seeds):
        if type(seed) is Value and not create_graph:
            seed = seed.data
        start = seed if type(seed) is Value else _seed(seed, "grad", checked, root)
        grads[root] = _plus(grads.get(root), start)
    _gradients(order, grads, create_graph, checked)
    if create_graph:
        return tuple(_as_value(grads.get(v, 0.0)) for v in wrt)
    return tuple(_number(grads.get(v, 0.0)) for v in wrt)


def _check_flag(flag: object, where: str, what: str) -> None:
    if flag is not True and flag is not False:
        raise TypeError(f"{where}: {what} must be True or False, got {type(flag).__name__}")


def _value_list(items: object, where: str, what: str) -> list[Value]:
    if type(items) is Value:
        return [items]
    if isinstance(items, (str, bytes)) or not isinstance(items, Sequence):
        raise TypeError(
            f"{where}: {what} must be a Value or a list of Values, got {type(items).__name__}"
        )
    if not items:
        raise ValueError(f"{where}: {what} is empty")
    for i, item in enumerate(items):
        if type(item) is not Value:
            raise TypeError(f"{where}: {what}[{i}] must be a Value, got {type(item).__name__}")
    return list(items)


def _topological_order(roots: Sequence[Value]) -> list[Value]:
    """Every node the roots depend on (roots included), parents before children."""
    order: list[Value] = []
    # Values hash by identity, so the set holds the nodes themselves.
    visited: set[Value] = set()
    # When a node is first popped it goes back on the stack under a `None`
    # marker, with its unvisited parents above. Popping the marker means all
    # those parents are in `order`, so the node under it goes next.
    # Markers instead of (node, expanded) pairs (no tuple per node) and no
    # stack round trip for leaves: the sort is 2.4x (moons step) to 3x (wide
    # sum) faster than with a stack of pairs (benchmarks/NOTES.md).
    stack: list[Value | None] = [*roots]
    stack.reverse()  # the first root is expanded first
    push, pop, append, mark = stack.append, stack.pop, order.append, visited.add
    placed = visited.issuperset
    while stack:
        node = pop()
        if node is None:
            append(pop())  # type: ignore[arg-type]  # under a marker is always a node
            continue
        if node in visited:  # pushed twice, by two children, before it was expanded
            continue
        mark(node)
        parents = node.parents
        # Seen parents are already in `order` (in a DAG none can be waiting under a
        # marker), so when all are seen the node goes straight in: one C-level check
        # instead of a loop, for the many nodes whose inputs were met before (every
        # neuron of a layer after the first shares the layer's inputs).
        # Only for nodes with three or more parents (a neuron's): a chain's or a
        # hand-written expression's node seldom has its parents placed already, and
        # there the check costs more than it saves.
        if len(parents) > 2 and placed(parents):
            append(node)
            continue
        push(node)
        push(None)
        for parent in parents:
            if parent not in visited:
                if parent.parents:
                    push(parent)
                else:  # a leaf has nothing to wait for: straight into the order
                    mark(parent)
                    append(parent)
    return order


# ----------------------------------------------------------------------------
# anomaly checks (the walk with every value and gradient checked)
# ----------------------------------------------------------------------------


def _name(node: Value) -> str:
    label = f"{node.label!r} " if node.label else ""
    kind = f"op {node.op!r}" if node.op else "leaf"
    return f"node {label}({kind})"


def _check_values(order: list[Value]) -> None:
    # Parents come before children, so the first hit is where the NaN/inf
    # entered; everything after it merely inherited it.
    for node in order:
        if not -_INF < node.data < _INF:
            raise AnomalyError(
                f"detect_anomaly: value of {_name(node)} is {node.data!r}; "
                "it is the first non-finite value in the graph",
                node,
            )


def _seed(gradient: object, where: str, checked: bool, root: Value) -> float:
    """The seed gradient as a float; in anomaly mode a non-finite one is an AnomalyError."""
    try:
        return _check_real(gradient, where)  # TypeError for a non-number, in both modes
    except ValueError:
        if not checked:
            raise
        raise AnomalyError(
            f"detect_anomaly: backward seed gradient is {gradient!r}", root
        ) from None


def _check_step(step: BackwardStep) -> None:
    node = step.node
    for parent, derivative, contribution, total in zip(
        node.parents, step.derivatives, step.contributions, step.parent_grads
    ):
        if not (-_INF < _number(contribution) < _INF and -_INF < _number(total) < _INF):
            raise AnomalyError(
                f"detect_anomaly: gradient flowing into {_name(parent)} through "
                f"{_name(node)} is {_number(total)!r} (local derivative "
                f"{_number(derivative)!r}, upstream gradient {_number(step.upstream)!r})",
                node,
            )


# ----------------------------------------------------------------------------
# derivative rules: the local derivatives again, written with Value ops
# ----------------------------------------------------------------------------


class OpName(str):
    """An op label as graphs show it ("*", "*2", "tanh") that carries its derivative rule.

    It is a plain str for everything else (comparing, printing, drawing);
    `rule(node)` returns d(node)/d(parent) for each parent of `node`, built from
    Value ops so that `create_graph=True` can differentiate it again. The engine
    makes one label per op (and per constant, see `_constant_op`), so nodes
    share them and carry no extra memory.

    >>> x = Value(0.5); y = x.tanh()
    >>> d = y.op.rule(y)[0]  # 1 - tanh(x)**2, as a Value
    >>> d.data == y.local_grads[0], type(d).__name__
    (True, 'Value')
    """

    rule: Rule | None

    def __new__(cls, text: str, rule: Rule | None) -> OpName:
        label = super().__new__(cls, text)
        label.rule = rule
        return label


_UNTRACKED = OpName("", None)
"""The (empty) op label of a result computed under no_grad(): backward() refuses it."""


def _identity_rule(node: Value) -> tuple[float]:
    return (1.0,)


_INPUT = OpName("input", _identity_rule)


def _input_node(value: Value) -> Value:
    """A new node equal to `value` with `value` as its parent (slope 1).

    `functional` differentiates with respect to this node, not `value` itself: a
    nested transform then cannot mistake another transform's variable for its
    own (no perturbation confusion), while an outer transform still
    differentiates through it.
    """
    with _set_grad_mode(True):
        return _node(value.data, (value,), _INPUT, _ONE)


def _apply_table_rule(name: str, node: Value) -> tuple[Derivative, ...]:
    """The rule of `OPS[name]` at `node`, whose parents are all the operands."""
    return tuple(d(node, *node.parents) for d in OPS[name].derivatives)


def _apply_constant_rule(name: str, constant: float, at: int, node: Value) -> tuple[Derivative]:
    """The rule of `OPS[name]` at a node with a constant operand at position `at`."""
    x = node.parents[0]
    operands = (x, constant) if at == 1 else (constant, x)
    return (OPS[name].derivatives[1 - at](node, *operands),)


def _labelled(name: str) -> OpName:
    return OpName(name, partial(_apply_table_rule, name))


def _stored_slope(out: Value, x: Value) -> float:
    """For piecewise-linear ops (relu, leaky_relu, abs): the slope is a constant,
    so the number stored at forward time is the rule (its own derivative is 0)."""
    return out.local_grads[0]


def _pow_base_slope(out: Value, x: Derivative, y: Derivative) -> Derivative:
    """d/dx x**y: c * x**(c-1) for a number c; y * out / x for a Value y (then x > 0)."""
    if type(y) is Value:
        return y * out / x
    if y == 0.0:
        return 0.0
    if y == 1.0:
        return 1.0
    return y * x ** (y - 1.0)


def _pow_exponent_slope(out: Value, x: Derivative, y: Derivative) -> Derivative:
    """d/dy x**y = x**y * log(x)."""
    return out * (x.log() if type(x) is Value else math.log(x))


def _sum_rule(node: Value) -> tuple[float, ...]:
    return node.local_grads  # all 1.0: constants


def _constant_dot_rule(node: Value) -> tuple[float, ...]:
    """dot where no Value weight meets a Value input: every slope is a stored number."""
    return node.local_grads


def _paired_dot_rule(node: Value) -> tuple[Derivative, ...]:
    """dot of n Value weights with n Value inputs (+ bias): d/dw_i = x_i, d/dx_i = w_i."""
    parents = node.parents
    n = len(parents) // 2
    bias: tuple[float, ...] = (1.0,) if len(parents) % 2 else ()
    return parents[n : 2 * n] + parents[:n] + bias


def _partnered_dot_rule(partners: tuple[int | None, ...], node: Value) -> tuple[Derivative, ...]:
    """dot with some Value pairs: parent k's slope is its partner parent, else the stored number."""
    return tuple(
        node.local_grads[k] if j is None else node.parents[j] for k, j in enumerate(partners)
    )


def _mixed_dot(
    weights: Sequence[Operand], inputs: Sequence[Operand], bias: Operand | None
) -> OpName:
    """A label for a dot whose Value weights and Value inputs pair up only in part."""
    positions: list[int | None] = []
    k = 0
    for item in [*weights, *inputs]:
        positions.append(k if type(item) is Value else None)
        k += type(item) is Value
    partners: list[int | None] = [None] * (k + (type(bias) is Value))
    n = len(weights)
    for w_at, x_at in zip(positions[:n], positions[n:]):
        if w_at is not None and x_at is not None:
            partners[w_at], partners[x_at] = x_at, w_at
    return OpName("dot", partial(_partnered_dot_rule, tuple(partners)))


# ----------------------------------------------------------------------------
# helpers for the ops above
# ----------------------------------------------------------------------------

_new_value = object.__new__


def _node(
    data: float, parents: tuple[Value, ...], op: str, local_grads: tuple[float, ...]
) -> Value:
    """Build an op's output node (a leaf with no history under `no_grad`).

    Skips `Value.__init__`'s validation: every op has already checked its result.
    """
    out = _new_value(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    out.scope = None
    if _grad_enabled():
        out.op = op
        out.parents = parents
        out.local_grads = local_grads
    else:
        out.op = _UNTRACKED
        out.parents = ()
        out.local_grads = ()
    return out


MAX_OP_NAME = 100
"""Most characters in a `custom_op` name: it labels the node in every picture."""


def custom_op(
    data: float,
    parents: Sequence[Value],
    op: str,
    local_grads: Sequence[float],
    rule: Callable[..., Sequence[Derivative]] | None = None,
) -> Value:
    """A node for an op of your own: its forward number and one local derivative per parent.

    This is how every built-in op is made; `losses` builds its fused loss nodes
    with it. Under `no_grad` the result is a plain leaf.

    Args:
        data: the forward value (finite).
        parents: the operand Values, a list or tuple (derivatives pair with
            them by position, so a set or dict is a TypeError).
        op: the label shown in graphs ("cube", "softplus", ...), a str of at
            most MAX_OP_NAME characters.
        local_grads: d(output)/d(parent) for each parent, same order, finite;
            a list or tuple.
        rule: optional, for higher derivatives: `rule(out, *parents)` returns the
            same local derivatives written with Value ops (HIPS autograd's
            `defvjp` style). Without it, `create_graph=True` through this node
            raises NotImplementedError naming the op.

    >>> x = Value(3.0)
    >>> cube = custom_op(x.data ** 3, [x], "cube", [3 * x.data ** 2],
    ...                  rule=lambda out, x: (3 * x * x,))
    >>> cube.backward(create_graph=True)
    >>> cube.data, x.grad, grad(x.grad_value, [x])  # 27, 3x² = 27, 6x = 18
    (27.0, 27.0, (18.0,))
    """
    if not isinstance(op, str):
        raise TypeError(f"custom_op: op must be a str, got {type(op).__name__}")
    if len(op) > MAX_OP_NAME:
        raise ValueError(f"custom_op: op must be at most {MAX_OP_NAME} characters, got {len(op):,}")
    for what, items in (("parents", parents), ("local_grads", local_grads)):
        if not isinstance(items, (list, tuple)):
            raise TypeError(
                f"custom_op {op!r}: {what} must be a list or tuple (derivatives pair with "
                f"parents by position), got {type(items).__name__}"
            )
    if len(parents) != len(local_grads):
        raise ValueError(
            f"custom_op {op!r}: need one local derivative per parent, "
            f"got {len(parents)} parents and {len(local_grads)} derivatives"
        )
    for parent in parents:
        if type(parent) is not Value:
            raise TypeError(
                f"custom_op {op!r}: parents must be Values, got {type(parent).__name__}"
            )
    if rule is not None and not callable(rule):
        raise TypeError(f"custom_op {op!r}: rule must be callable, got {type(rule).__name__}")
    grads = tuple(_check_real(g, f"custom_op {op!r}") for g in local_grads)
    label = op if rule is None else OpName(op, partial(_apply_custom_rule, rule))
    return _node(_finite(_check_real(data, f"custom_op {op!r}"), op), tuple(parents), label, grads)


def _apply_custom_rule(
    rule: Callable[..., Sequence[Derivative]], node: Value
) -> Sequence[Derivative]:
    return rule(node, *node.parents)


def _sigmoid(x: float) -> float:
    """1 / (1 + e**-x) for a float; nn's no_grad path calls it too (same bits)."""
    # Branch on the sign so exp only ever sees a non-positive argument:
    # no overflow for any finite x, and the small side keeps full precision.
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _data_of(other: object, op: str) -> float:
    if type(other) is Value:
        return other.data
    return _check_real(other, op)


def _describe(node: Value) -> str:
    name = f"{node.label!r} " if node.label else ""
    kind = f"op {node.op!r}" if node.op else "leaf"
    return f"node {name}({kind}, data={node.data!r})"


def _gradient_overflow(
    order: list[Value], node: Value, grad_of: Callable[[Value], float]
) -> OverflowError:
    """The error for a non-finite gradient at `node`, naming the op(s) it came from.

    Only runs once backward() has already failed, so it may scan the whole graph.
    """
    consumers = [n for n in order if any(p is node for p in n.parents)]
    # The consumers whose own contribution was not finite are the culprits; if every
    # contribution was finite, their sum overflowed and all consumers share the blame.
    culprits = [
        n
        for n in consumers
        if any(
            p is node and not -_INF < local * grad_of(n) < _INF
            for p, local in zip(n.parents, n.local_grads, strict=True)
        )
    ] or consumers
    sources = ", ".join(_describe(n) for n in culprits)
    return OverflowError(
        f"backward: the gradient at {_describe(node)} is {grad_of(node)!r}; "
        f"it flows from {sources}, whose local derivative was infinite "
        "or whose product with the upstream gradient overflowed"
    )


def _check_real(x: object, where: str) -> float:
    """Return `x` as a finite float, or raise TypeError / ValueError naming `where`."""
    if type(x) is float:
        if -_INF < x < _INF:
            return x
        raise ValueError(f"{where}: value must be finite, got {x!r}")
    if type(x) is int:  # `1 - x`, `2 * x`: skip the slower ABC checks below
        try:
            return float(x)
        except OverflowError:
            # By size, not by digits: repr of 10**5000 is 5001 characters, and past
            # 4300 digits repr itself raises ValueError.
            shown = f"an int of {x.bit_length()} bits"
            raise OverflowError(f"{where}: {shown} is too large for a float") from None
    if isinstance(x, Value):
        raise TypeError(f"{where}: expected a number here, got a Value (pass x.data)")
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(
            f"{where}: expected a real number (int or float) or a Value, got {type(x).__name__}"
        )
    try:
        value = float(x)
    except OverflowError:
        # An int subclass or another Real too big for a float: name its type.
        shown = f"an int of {x.bit_length()} bits" if isinstance(x, int) else type(x).__name__
        raise OverflowError(f"{where}: {shown} is too large for a float") from None
    if not -_INF < value < _INF:
        raise ValueError(f"{where}: value must be finite, got {x!r}")
    return value


def _finite(result: float, op: str) -> float:
    """Return `result`, or raise OverflowError naming `op` if it overflowed to inf."""
    if -_INF < result < _INF:
        return result
    raise OverflowError(f"{op}: result overflows a float ({result!r})")


def _format_constant(c: float) -> str:
    """Shortest readable text for a constant in an op label: 2.0 -> '2', 0.5 -> '0.5'."""
    if c.is_integer() and abs(c) < 1e15:
        short = f"{c:g}"  # 2.0 -> '2', 1e10 -> '1e+10'
        # ...but never rounded: 1234567 stays '1234567', not '1.23457e+06'.
        return short if float(short) == c else str(int(c))
    return repr(c)


# Op labels with a constant, e.g. ("*{}", 2.0) -> "*2". Programs reuse a few
# constants millions of times (y = y * c), so one shared label per (op, constant)
# saves the formatting and a ~60-byte string per node: 267 -> 208 bytes per node
# and 18% off a 10^5-deep chain (benchmarks/NOTES.md); sharing the slopes tuple
# saves another 48 bytes. Bounded so varying constants (a learning-rate
# schedule) cannot grow it without limit.
_constant_op_labels: dict[tuple[str, float], tuple[OpName, tuple[float, ...]]] = {}
_CONSTANT_OP_LABELS_MAX = 4096


def _constant_op(template: str, c: float) -> tuple[OpName, tuple[float, ...]]:
    """The op label for an op with a constant operand, and its local derivatives.

    Template "*{}" and 2.0 give the label "*2" and the slopes (2.0,). The label's
    rule knows the constant and on which side of the op it stands. Where the
    slope does not depend on the operand (+, -, * and / by c), nodes share the
    slopes tuple too; otherwise the slopes are () and the op supplies its own.
    """
    key = (template, c)
    cached = _constant_op_labels.get(key)
    if cached is not None:
        return cached
    name = template.replace("{}", "")
    at = 0 if template.startswith("{}") else 1
    label = OpName(template.format(_format_constant(c)), partial(_apply_constant_rule, name, c, at))
    slopes = _CONSTANT_SLOPES[template](c) if template in _CONSTANT_SLOPES else ()
    # 0.0 and -0.0 are equal as dict keys but print differently: never cache them.
    if c != 0.0 and len(_constant_op_labels) < _CONSTANT_OP_LABELS_MAX:
        _constant_op_labels[key] = (label, slopes)
    return label, slopes


_CONSTANT_SLOPES: dict[str, Callable[[float], tuple[float, ...]]] = {
    "+{}": lambda c: (1.0,),
    "{}+": lambda c: (1.0,),
    "-{}": lambda c: (1.0,),
    "{}-": lambda c: (-1.0,),
    "*{}": lambda c: (c,),
    "{}*": lambda c: (c,),
    "/{}": lambda c: (1.0 / c,),  # may be inf for a subnormal c: see __truediv__
}


def _check_divisor(divisor: float, dividend: float) -> None:
    if divisor == 0.0:
        raise ZeroDivisionValueError(f"/: division by zero ({dividend!r} / 0.0)")


def _real_power(base: float, exponent: float) -> float:
    """base ** exponent as a finite real float, or a clear error naming '**'."""
    if base == 0.0 and exponent < 0.0:
        raise ValueError(f"**: 0.0 ** {exponent!r} is undefined (division by zero)")
    if base < 0.0 and exponent != int(exponent):
        raise ValueError(
            f"**: a negative base needs a whole exponent, got {base!r} ** {exponent!r}"
        )
    try:
        out = base**exponent
    except OverflowError:
        raise OverflowError(f"**: {base!r} ** {exponent!r} overflows a float") from None
    return _finite(float(out), "**")


def _power_slope(x: float, c: float) -> float:
    """d/dx x**c = c * x**(c-1) for a float x, possibly infinite (never an error)."""
    if c == 0.0:
        return 0.0
    if x == 0.0:
        return 0.0 if c > 1.0 else (1.0 if c == 1.0 else _INF)
    try:
        return c * float(x ** (c - 1.0))
    except OverflowError:  # the result itself was finite: keep the slope as inf
        negative = x < 0.0 and (c - 1.0) % 2.0 == 1.0
        return c * (-_INF if negative else _INF)


def _pow_values(base: Value, exponent: Value) -> Value:
    """x ** y with both Values. Local derivatives: y * x**(y-1) and x**y * log(x)."""
    x, y = base.data, exponent.data
    if x <= 0.0:
        raise ValueError(f"**: a Value exponent needs a base > 0, got {x!r}")
    out = _real_power(x, y)
    return _node(out, (base, exponent), _POW, (y * out / x, out * math.log(x)))


# ----------------------------------------------------------------------------
# the op table: the parser, the tests, the docs and the derivative rules read it
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class OpInfo:
    """One differentiable operation.

    Attributes:
        name: the method name on Value (or the operator symbol).
        arity: number of operands.
        domain: where it is defined, as text for error messages and docs.
        sample_low, sample_high: an interval inside the domain where the op is
            smooth and well conditioned; property tests draw inputs from it.
        derivatives: its rule, one function per operand: `d(out, *operands)` is
            d(out)/d(operand), written with Value ops so it can be differentiated
            again. An operand may be a plain number (a constant in `x * 2`).
    """

    name: str
    arity: int
    domain: str
    sample_low: float
    sample_high: float
    derivatives: tuple[Callable[..., Derivative], ...]


OPS: dict[str, OpInfo] = {
    info.name: info
    for info in (
        OpInfo("+", 2, "all reals", -10.0, 10.0, (lambda o, x, y: 1.0, lambda o, x, y: 1.0)),
        OpInfo("-", 2, "all reals", -10.0, 10.0, (lambda o, x, y: 1.0, lambda o, x, y: -1.0)),
        OpInfo("*", 2, "all reals", -10.0, 10.0, (lambda o, x, y: y, lambda o, x, y: x)),
        OpInfo(
            "/", 2, "divisor != 0", 0.5, 10.0, (lambda o, x, y: 1.0 / y, lambda o, x, y: -o / y)
        ),
        OpInfo(
            "**",
            2,
            "base > 0 for a Value exponent",
            0.5,
            3.0,
            (_pow_base_slope, _pow_exponent_slope),
        ),
        OpInfo("neg", 1, "all reals", -10.0, 10.0, (lambda o, x: -1.0,)),
        OpInfo("exp", 1, "x < ~709.78", -5.0, 5.0, (lambda o, x: o,)),
        OpInfo("log", 1, "x > 0", 0.1, 10.0, (lambda o, x: 1.0 / x,)),
        OpInfo("sqrt", 1, "x >= 0 (slope infinite at 0)", 0.1, 10.0, (lambda o, x: 0.5 / o,)),
        OpInfo("tanh", 1, "all reals", -3.0, 3.0, (lambda o, x: 1.0 - o * o,)),
        OpInfo("sigmoid", 1, "all reals", -6.0, 6.0, (lambda o, x: o * (1.0 - o),)),
        OpInfo("relu", 1, "all reals (slope 0 chosen at 0)", -5.0, 5.0, (_stored_slope,)),
        OpInfo("leaky_relu", 1, "all reals", -5.0, 5.0, (_stored_slope,)),
        OpInfo("abs", 1, "all reals (slope 0 chosen at 0)", -5.0, 5.0, (_stored_slope,)),
        OpInfo("sin", 1, "all reals", -5.0, 5.0, (lambda o, x: x.cos(),)),
        OpInfo("cos", 1, "all reals", -5.0, 5.0, (lambda o, x: -x.sin(),)),
    )
}
"""Every op Value offers, by name. Unary ones are methods of the same name."""

UNARY_FUNCTIONS: tuple[str, ...] = tuple(
    name for name, info in OPS.items() if info.arity == 1 and name != "neg"
)

# One shared label per op; nodes point at these (see OpName).
_ADD, _SUB, _MUL, _DIV, _POW, _NEG = map(_labelled, ("+", "-", "*", "/", "**", "neg"))
_EXP, _LOG, _SQRT, _TANH, _SIGMOID = map(_labelled, ("exp", "log", "sqrt", "tanh", "sigmoid"))
_RELU, _LEAKY_RELU, _ABS, _SIN, _COS = map(_labelled, ("relu", "leaky_relu", "abs", "sin", "cos"))
_SUM = OpName("sum", _sum_rule)
_DOT = OpName("dot", _constant_dot_rule)
_DOT_PAIRED = OpName("dot", _paired_dot_rule)

# Shared local-derivative tuples for ops whose slopes never change.
_ONE, _ZERO, _MINUS_ONE = (1.0,), (0.0,), (-1.0,)
_ONES, _ONE_MINUS_ONE = (1.0, 1.0), (1.0, -1.0)
