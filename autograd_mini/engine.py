"""The scalar autodiff engine: `Value`, `backward()` and `no_grad`.

Every `Value` is a node of a computation graph. It holds its number (`data`),
the gradient of the last `backward()` root with respect to it (`grad`), the
nodes it was computed from (`parents`, in argument order) and, for each parent,
the local derivative d(self)/d(parent) evaluated when the node was built
(`local_grads`). `backward()` walks the graph in reverse topological order and
applies the chain rule once per node:

    parent.grad += local_grad * node.grad

Imports nothing else from the package (design.md: data flows one way).

Errors raised here, and when:
    TypeError            an operand is not a real number or Value (bool included)
    ValueError           NaN/inf data, or undefined math (log(0), sqrt(-1), 0 ** -1)
      ZeroDivisionError  (also a ValueError) division by zero
    OverflowError        a result or a gradient too large for a float

>>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
>>> y = a * b + a
>>> y.backward()
>>> a.grad, b.grad
(-2.0, 2.0)
"""

from __future__ import annotations

import math
import numbers
import operator
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Union

__all__ = [
    "OPS",
    "UNARY_FUNCTIONS",
    "OpInfo",
    "Value",
    "ZeroDivisionValueError",
    "custom_op",
    "is_grad_enabled",
    "no_grad",
]

Number = Union[int, float]
Operand = Union["Value", int, float]

_INF = math.inf


class ZeroDivisionValueError(ValueError, ZeroDivisionError):
    """Division by zero: a ValueError (undefined math) and a ZeroDivisionError."""


# ----------------------------------------------------------------------------
# grad mode
# ----------------------------------------------------------------------------

# A module global rather than a thread-local: reading a global costs one dict
# look-up per op, a thread-local attribute several. Like the rest of the engine,
# no_grad is meant for one thread at a time.
_grad_enabled = True


def is_grad_enabled() -> bool:
    """True unless inside a `no_grad()` block.

    >>> with no_grad():
    ...     is_grad_enabled()
    False
    """
    return _grad_enabled


@contextmanager
def no_grad() -> Iterator[None]:
    """Build no graph inside the block: results are leaves with no parents.

    Use it for evaluation, where no gradient is wanted; it skips recording
    parents and local derivatives, so it is faster and keeps no memory alive.

    >>> x = Value(3.0)
    >>> with no_grad():
    ...     y = x * x
    >>> y.data, y.parents
    (9.0, ())
    """
    global _grad_enabled
    previous = _grad_enabled
    _grad_enabled = False
    try:
        yield
    finally:
        _grad_enabled = previous


# ----------------------------------------------------------------------------
# construction and validation
# ----------------------------------------------------------------------------


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
# constants millions of times (y = y * c), so one shared string per (op, constant)
# saves the formatting and a ~60-byte string per node: 267 -> 208 bytes per node
# and 18% off a 10^5-deep chain (benchmarks/NOTES.md). Bounded so varying
# constants (a learning-rate schedule) cannot grow it without limit.
_constant_op_labels: dict[tuple[str, float], str] = {}
_CONSTANT_OP_LABELS_MAX = 4096


def _constant_op(template: str, c: float) -> str:
    """The op label for an op with a constant operand: template "*{}" and 2.0 give "*2"."""
    key = (template, c)
    label = _constant_op_labels.get(key)
    if label is None:
        label = template.format(_format_constant(c))
        # 0.0 and -0.0 are equal as dict keys but print differently: never cache them.
        if c != 0.0 and len(_constant_op_labels) < _CONSTANT_OP_LABELS_MAX:
            _constant_op_labels[key] = label
    return label


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

    >>> x = Value(0.5, label="x")
    >>> y = x.tanh()
    >>> y.backward()
    >>> round(y.data, 4), round(x.grad, 4)
    (0.4621, 0.7864)
    """

    __slots__ = ("data", "grad", "label", "local_grads", "op", "parents", "scope")

    data: float
    grad: float
    label: str
    op: str
    parents: tuple[Value, ...]
    local_grads: tuple[float, ...]
    scope: str | None

    def __init__(self, data: Number, label: str = "") -> None:
        if not isinstance(label, str):
            raise TypeError(f"Value: label must be a str, got {type(label).__name__}")
        self.data = _check_real(data, "Value")
        self.grad = 0.0
        self.label = label
        self.op = ""
        self.parents = ()
        self.local_grads = ()
        self.scope = None

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
            return _node(out, (self, other), "+", (1.0, 1.0))
        c = _check_real(other, "+")
        return _node(_finite(self.data + c, "+"), (self,), _constant_op("+{}", c), (1.0,))

    def __radd__(self, other: Number) -> Value:
        c = _check_real(other, "+")
        return _node(_finite(c + self.data, "+"), (self,), _constant_op("{}+", c), (1.0,))

    def __sub__(self, other: Operand) -> Value:
        """x - y. Local derivatives: d/dx = 1, d/dy = -1.

        >>> (Value(2.0) - 3).data
        -1.0
        """
        if type(other) is Value:
            out = _finite(self.data - other.data, "-")
            return _node(out, (self, other), "-", (1.0, -1.0))
        c = _check_real(other, "-")
        return _node(_finite(self.data - c, "-"), (self,), _constant_op("-{}", c), (1.0,))

    def __rsub__(self, other: Number) -> Value:
        c = _check_real(other, "-")
        return _node(_finite(c - self.data, "-"), (self,), _constant_op("{}-", c), (-1.0,))

    def __mul__(self, other: Operand) -> Value:
        """x * y. Local derivatives: d/dx = y, d/dy = x.

        >>> a, b = Value(2.0), Value(-3.0)
        >>> c = a * b; c.backward()
        >>> c.data, a.grad, b.grad
        (-6.0, -3.0, 2.0)
        """
        if type(other) is Value:
            x, y = self.data, other.data
            return _node(_finite(x * y, "*"), (self, other), "*", (y, x))
        c = _check_real(other, "*")
        return _node(_finite(self.data * c, "*"), (self,), _constant_op("*{}", c), (c,))

    def __rmul__(self, other: Number) -> Value:
        c = _check_real(other, "*")
        return _node(_finite(c * self.data, "*"), (self,), _constant_op("{}*", c), (c,))

    def __truediv__(self, other: Operand) -> Value:
        """x / y. Local derivatives: d/dx = 1/y, d/dy = -x/y**2.

        >>> (Value(1.0) / 4).data
        0.25
        """
        if type(other) is Value:
            x, y = self.data, other.data
            _check_divisor(y, x)
            out = _finite(x / y, "/")
            return _node(out, (self, other), "/", (_finite(1.0 / y, "/"), _finite(-out / y, "/")))
        c = _check_real(other, "/")
        _check_divisor(c, self.data)
        out = _finite(self.data / c, "/")
        return _node(out, (self,), _constant_op("/{}", c), (_finite(1.0 / c, "/"),))

    def __rtruediv__(self, other: Number) -> Value:
        c = _check_real(other, "/")
        y = self.data
        _check_divisor(y, c)
        out = _finite(c / y, "/")
        return _node(out, (self,), _constant_op("{}/", c), (_finite(-out / y, "/"),))

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
        # d/dx x**c = c * x**(c-1); written so that c == 0 and x == 0 stay finite.
        if c == 0.0:
            local = 0.0
        elif x == 0.0:
            local = 0.0 if c > 1.0 else (1.0 if c == 1.0 else _INF)
        else:
            local = _finite(c * _real_power(x, c - 1.0), "**")
        return _node(out, (self,), _constant_op("**{}", c), (local,))

    def __rpow__(self, base: Number) -> Value:
        """c ** x for a number c > 0. Local derivative: c**x * log(c).

        >>> x = Value(3.0); y = 2 ** x; y.data
        8.0
        """
        c = _check_real(base, "**")
        if c <= 0.0:
            raise ValueError(f"**: a number base with a Value exponent must be > 0, got {c!r}")
        out = _real_power(c, self.data)
        return _node(out, (self,), _constant_op("{}**", c), (out * math.log(c),))

    def __neg__(self) -> Value:
        """-x. Local derivative: -1.

        >>> (-Value(2.0)).data
        -2.0
        """
        return _node(-self.data, (self,), "neg", (-1.0,))

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
        return _node(out, (self,), "exp", (out,))

    def log(self) -> Value:
        """Natural logarithm, for x > 0. Local derivative: 1/x.

        >>> Value(1.0).log().data
        0.0
        """
        x = self.data
        if x <= 0.0:
            raise ValueError(f"log: input must be > 0, got {x!r}")
        return _node(math.log(x), (self,), "log", (_finite(1.0 / x, "log"),))

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
        return _node(out, (self,), "sqrt", (0.5 / out if out > 0.0 else _INF,))

    def tanh(self) -> Value:
        """Hyperbolic tangent. Local derivative: 1 - tanh(x)**2.

        >>> Value(1000.0).tanh().data
        1.0
        """
        t = math.tanh(self.data)  # saturates to +-1, never overflows
        return _node(t, (self,), "tanh", (1.0 - t * t,))

    def sigmoid(self) -> Value:
        """Logistic sigmoid 1 / (1 + e**-x). Local derivative: s * (1 - s).

        >>> Value(0.0).sigmoid().data, Value(-1000.0).sigmoid().data
        (0.5, 0.0)
        """
        s = _sigmoid(self.data)  # stable for every finite input, see _sigmoid
        return _node(s, (self,), "sigmoid", (s * (1.0 - s),))

    def relu(self) -> Value:
        """max(0, x). Local derivative: 1 for x > 0, else 0 (we choose 0 at x = 0).

        >>> Value(-2.0).relu().data, Value(3.0).relu().data
        (0.0, 3.0)
        """
        x = self.data
        if x > 0.0:
            return _node(x, (self,), "relu", (1.0,))
        return _node(0.0, (self,), "relu", (0.0,))

    def leaky_relu(self, negative_slope: float = 0.01) -> Value:
        """x for x > 0, else negative_slope * x. Local derivative: 1 or negative_slope.

        >>> Value(-2.0).leaky_relu(0.1).data
        -0.2
        """
        a = _check_real(negative_slope, "leaky_relu")
        x = self.data
        local = 1.0 if x > 0.0 else a
        return _node(x * local, (self,), "leaky_relu", (local,))

    def abs(self) -> Value:
        """|x|. Local derivative: sign(x) (we choose 0 at x = 0, as PyTorch does).

        >>> Value(-2.5).abs().data
        2.5
        """
        x = self.data
        local = 1.0 if x > 0.0 else (-1.0 if x < 0.0 else 0.0)
        return _node(abs(x), (self,), "abs", (local,))

    def __abs__(self) -> Value:
        return self.abs()

    def sin(self) -> Value:
        """sin(x). Local derivative: cos(x).

        >>> Value(0.0).sin().data
        0.0
        """
        x = self.data
        return _node(math.sin(x), (self,), "sin", (math.cos(x),))

    def cos(self) -> Value:
        """cos(x). Local derivative: -sin(x).

        >>> Value(0.0).cos().data
        1.0
        """
        x = self.data
        return _node(math.cos(x), (self,), "cos", (-math.sin(x),))

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
        return _node(_finite(total, "sum"), tuple(parents), "sum", (1.0,) * len(parents))

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
        if not _grad_enabled:
            if bias is not None:
                total += bias.data if type(bias) is Value else _check_real(bias, "dot")
            return _node(_finite(total, "dot"), (), "dot", ())
        parents: list[Value] = []
        local_grads: list[float] = []
        for weight, x_number in zip(weights, x_data):
            if type(weight) is Value:
                parents.append(weight)
                local_grads.append(x_number)
        for item, w_number in zip(inputs, w_data):
            if type(item) is Value:
                parents.append(item)
                local_grads.append(w_number)
        if bias is not None:
            if type(bias) is Value:
                total += bias.data
                parents.append(bias)
                local_grads.append(1.0)
            else:
                total += _check_real(bias, "dot")
        return _node(_finite(total, "dot"), tuple(parents), "dot", tuple(local_grads))

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
        order: list[Value] = []
        # Values hash by identity, so the set holds the nodes themselves.
        visited: set[Value] = set()
        # When a node is first popped it goes back on the stack under a `None`
        # marker, with its unvisited parents above. Popping the marker means all
        # those parents are in `order`, so the node under it goes next.
        # Markers instead of (node, expanded) pairs (no tuple per node) and no
        # stack round trip for leaves: the sort is 2.4x (moons step) to 3x (wide
        # sum) faster than with a stack of pairs (benchmarks/NOTES.md).
        stack: list[Value | None] = [self]
        push, pop, append, mark = stack.append, stack.pop, order.append, visited.add
        while stack:
            node = pop()
            if node is None:
                append(pop())  # type: ignore[arg-type]  # under a marker is always a node
                continue
            if node in visited:  # pushed twice, by two children, before it was expanded
                continue
            mark(node)
            push(node)
            push(None)
            for parent in node.parents:
                if parent not in visited:
                    if parent.parents:
                        push(parent)
                    else:  # a leaf has nothing to wait for: straight into the order
                        mark(parent)
                        append(parent)
        return order

    def backward(self, gradient: float = 1.0) -> None:
        """Compute d(self)/d(node) for every node reachable from self.

        Leaf gradients ACCUMULATE across calls (call `zero_grad()` on a module or
        set `.grad = 0.0` between steps, as in PyTorch); gradients of
        intermediate nodes are recomputed from zero on every call.

        Args:
            gradient: d(loss)/d(self) to start from; 1.0 for a loss.

        Raises:
            OverflowError: a gradient became infinite or NaN during the pass;
                the message names the node where it happened.

        >>> x = Value(3.0); y = x * x
        >>> y.backward(); y.backward()
        >>> x.grad  # 6 + 6: leaf gradients accumulate
        12.0
        """
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
        self.grad = seed
        try:
            for node in reversed(order):
                upstream_grad = node.grad
                if not -_INF < upstream_grad < _INF:
                    raise _gradient_overflow(order, node)
                # `+=` because a node that feeds several consumers receives one
                # contribution from each of them.
                for parent, local_grad in zip(node.parents, node.local_grads):
                    parent.grad += local_grad * upstream_grad
        except BaseException:
            # A failed pass adds nothing: leaves keep the gradients they had.
            for leaf, earlier in zip(leaves, earlier_grads):
                leaf.grad = earlier
            raise
        for leaf, earlier in zip(leaves, earlier_grads):
            leaf.grad = earlier + leaf.grad


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
    if _grad_enabled:
        out.op = op
        out.parents = parents
        out.local_grads = local_grads
    else:
        out.op = ""
        out.parents = ()
        out.local_grads = ()
    return out


def custom_op(
    data: float, parents: Sequence[Value], op: str, local_grads: Sequence[float]
) -> Value:
    """A node for an op of your own: its forward number and one local derivative per parent.

    This is how every built-in op is made; `losses` builds its fused loss nodes
    with it. Under `no_grad` the result is a plain leaf.

    Args:
        data: the forward value (finite).
        parents: the operand Values.
        op: the label shown in graphs ("cube", "softplus", ...).
        local_grads: d(output)/d(parent) for each parent, same order, finite.

    >>> x = Value(3.0)
    >>> cube = custom_op(x.data ** 3, [x], "cube", [3 * x.data ** 2])
    >>> cube.backward()
    >>> cube.data, x.grad
    (27.0, 27.0)
    """
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
    grads = tuple(_check_real(g, f"custom_op {op!r}") for g in local_grads)
    return _node(_finite(_check_real(data, f"custom_op {op!r}"), op), tuple(parents), op, grads)


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


def _gradient_overflow(order: list[Value], node: Value) -> OverflowError:
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
            p is node and not -_INF < local * n.grad < _INF
            for p, local in zip(n.parents, n.local_grads, strict=True)
        )
    ] or consumers
    sources = ", ".join(_describe(n) for n in culprits)
    return OverflowError(
        f"backward: the gradient at {_describe(node)} is {node.grad!r}; "
        f"it flows from {sources}, whose local derivative was infinite "
        "or whose product with the upstream gradient overflowed"
    )


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


def _pow_values(base: Value, exponent: Value) -> Value:
    """x ** y with both Values. Local derivatives: y * x**(y-1) and x**y * log(x)."""
    x, y = base.data, exponent.data
    if x <= 0.0:
        raise ValueError(f"**: a Value exponent needs a base > 0, got {x!r}")
    out = _real_power(x, y)
    local_base = _finite(y * out / x, "**")
    local_exponent = _finite(out * math.log(x), "**")
    return _node(out, (base, exponent), "**", (local_base, local_exponent))


# ----------------------------------------------------------------------------
# the op table: the parser, the tests and the docs read it
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
    """

    name: str
    arity: int
    domain: str
    sample_low: float
    sample_high: float


OPS: dict[str, OpInfo] = {
    info.name: info
    for info in (
        OpInfo("+", 2, "all reals", -10.0, 10.0),
        OpInfo("-", 2, "all reals", -10.0, 10.0),
        OpInfo("*", 2, "all reals", -10.0, 10.0),
        OpInfo("/", 2, "divisor != 0", 0.5, 10.0),
        OpInfo("**", 2, "base > 0 for a Value exponent", 0.5, 3.0),
        OpInfo("neg", 1, "all reals", -10.0, 10.0),
        OpInfo("exp", 1, "x < ~709.78", -5.0, 5.0),
        OpInfo("log", 1, "x > 0", 0.1, 10.0),
        OpInfo("sqrt", 1, "x >= 0 (slope infinite at 0)", 0.1, 10.0),
        OpInfo("tanh", 1, "all reals", -3.0, 3.0),
        OpInfo("sigmoid", 1, "all reals", -6.0, 6.0),
        OpInfo("relu", 1, "all reals (slope 0 chosen at 0)", -5.0, 5.0),
        OpInfo("leaky_relu", 1, "all reals", -5.0, 5.0),
        OpInfo("abs", 1, "all reals (slope 0 chosen at 0)", -5.0, 5.0),
        OpInfo("sin", 1, "all reals", -5.0, 5.0),
        OpInfo("cos", 1, "all reals", -5.0, 5.0),
    )
}
"""Every op Value offers, by name. Unary ones are methods of the same name."""

UNARY_FUNCTIONS: tuple[str, ...] = tuple(
    name for name, info in OPS.items() if info.arity == 1 and name != "neg"
)
