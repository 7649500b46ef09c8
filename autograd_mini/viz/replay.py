"""Run a finished graph's forward pass again with new leaf values, through the engine.

After `animate` shows an update, its last frame shows the loss the updated
parameters give. `replay` recomputes every node by calling the engine's own
operation on the new parent values (``a * b``, ``v.tanh()``, ``Value.dot``...),
so no formula is written twice. An op whose operands cannot be read back from
the graph (a fused loss such as hinge, whose labels are not stored) makes the
replay give up with None; so does a node whose recorded value the rule does not
reproduce from the old parent values (the self-check that keeps it honest).

Imports `autograd_mini.engine`.

>>> from autograd_mini import Value
>>> w = Value(0.5); y = (w * 3.0 + 1.0).tanh()
>>> new = replay(y, {id(w): 0.0})
>>> new is not None and new[id(y)] == Value(1.0).tanh().data
True
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

from autograd_mini.engine import Value

__all__ = ["replay"]

_NUMBER = r"-?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?|-?inf|nan"
_SUFFIX = re.compile(rf"^(\*\*|[+\-*/])({_NUMBER})$")
_PREFIX = re.compile(rf"^({_NUMBER})(\*\*|[+\-*/])$")
_BINARY: dict[str, Callable[[Value, Value], Value]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "**": lambda a, b: a**b,
}
_WITH_CONSTANT: dict[str, Callable[[Value, float], Value]] = {
    "+": lambda a, c: a + c,
    "-": lambda a, c: a - c,
    "*": lambda a, c: a * c,
    "/": lambda a, c: a / c,
    "**": lambda a, c: a**c,
}
_CONSTANT_FIRST: dict[str, Callable[[float, Value], Value]] = {
    "+": lambda c, a: c + a,
    "-": lambda c, a: c - a,
    "*": lambda c, a: c * a,
    "/": lambda c, a: c / a,
    "**": lambda c, a: c**a,
}
_UNARY = {"exp", "log", "sqrt", "tanh", "sigmoid", "relu", "abs", "sin", "cos"}

Rule = Callable[[Sequence[float]], float]


def replay(root: Value, new_leaves: dict[int, float]) -> dict[int, float] | None:
    """Every node's value (by id) with some leaves changed; None if an op cannot be replayed."""
    old: dict[int, float] = {}
    new: dict[int, float] = {}
    try:
        for node in root.topological_order():
            if not node.parents:
                old[id(node)] = node.data
                new[id(node)] = new_leaves.get(id(node), node.data)
                continue
            rule = _rule(node)
            if rule is None:
                return None
            check = rule([old[id(p)] for p in node.parents])
            if not _same(check, node.data):
                return None
            old[id(node)] = node.data
            new[id(node)] = rule([new[id(p)] for p in node.parents])
    except (OverflowError, ValueError, ZeroDivisionError):
        return None
    return new


def _same(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b or abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def _rule(node: Value) -> Rule | None:
    """How `node` is computed from its parents' values, using the engine."""
    op, n = node.op, len(node.parents)
    if op in _BINARY and n == 2:
        f2 = _BINARY[op]
        return lambda xs: f2(Value(xs[0]), Value(xs[1])).data
    if op == "neg" and n == 1:
        return lambda xs: (-Value(xs[0])).data
    if op in _UNARY and n == 1:
        return lambda xs: getattr(Value(xs[0]), op)().data
    if op == "leaky_relu" and n == 1:
        return _leaky_relu(node)
    if op == "sum":
        return _sum(node)
    if op == "dot":
        return _dot(node)
    suffix, prefix = _SUFFIX.match(op), _PREFIX.match(op)
    if suffix and n == 1:
        fc, c = _WITH_CONSTANT[suffix.group(1)], float(suffix.group(2))
        return lambda xs: fc(Value(xs[0]), c).data
    if prefix and n == 1:
        cf, c = _CONSTANT_FIRST[prefix.group(2)], float(prefix.group(1))
        return lambda xs: cf(c, Value(xs[0])).data
    return None


def _leaky_relu(node: Value) -> Rule | None:
    # The slope is stored only as the local derivative of a non-positive input.
    x, local = node.parents[0].data, node.local_grads[0]
    slope = local if x <= 0.0 else None

    def rule(xs: Sequence[float]) -> float:
        if xs[0] > 0.0:
            return Value(xs[0]).leaky_relu().data
        if slope is None:
            raise ValueError("leaky_relu slope unknown")
        return Value(xs[0]).leaky_relu(slope).data

    return rule


def _sum(node: Value) -> Rule:
    # Plain numbers were folded into the result: keep them as one constant.
    constant = node.data - math.fsum(p.data for p in node.parents)
    return lambda xs: Value.sum([*[Value(x) for x in xs], constant]).data


def _dot(node: Value) -> Rule | None:
    """Value.dot's parents are the Value weights, then the Value inputs, then the bias.

    Which parent multiplies which is not stored, so the two layouts `nn` makes
    are tried and the one that reproduces the recorded value is used: every
    Value weight times a number, or weights paired with Value inputs.
    """
    parents, local = node.parents, node.local_grads
    m = len(parents)
    for bias in (True, False):
        if bias and (m == 0 or local[-1] != 1.0):
            continue
        k = m - bias
        if k % 2 == 0 and k > 0:
            h = k // 2
            paired = all(
                local[i] == parents[h + i].data and local[h + i] == parents[i].data
                for i in range(h)
            )
            if paired:
                return _dot_rule(h, paired=True, bias=bias, numbers=[])
        numbers = list(local[:k])
        # A number that equals some parent's value may really be that parent
        # (a Value input paired with a Value weight): then give up rather than guess.
        if set(numbers) & {p.data for p in parents}:
            continue
        rule = _dot_rule(k, paired=False, bias=bias, numbers=numbers)
        if _same(rule([p.data for p in parents]), node.data):
            return rule
    return None


def _dot_rule(h: int, *, paired: bool, bias: bool, numbers: list[float]) -> Rule:
    def rule(xs: Sequence[float]) -> float:
        if paired:
            weights: list[Value | float] = [Value(x) for x in xs[:h]]
            inputs: list[Value | float] = [Value(x) for x in xs[h : 2 * h]]
        else:
            weights = [Value(x) for x in xs[:h]]
            inputs = list(numbers)
        b = Value(xs[-1]) if bias else None
        return Value.dot(weights, inputs, bias=b).data

    return rule
