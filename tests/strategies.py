"""Hypothesis strategies for random expression graphs over every op in `engine.OPS`.

A drawn `Program` is plain data: a few input numbers and a list of steps, each step
one op applied to earlier nodes (inputs or step results) and/or plain constants.
Because operands are picked from *all* earlier nodes, a node can feed several later
ones (and both sides of one op, as in `a * a`): the graphs are DAGs, not trees.

The same Program is run by three interpreters (`evaluate` with a backend):
`VALUE` builds autograd_mini Values, `FLOAT` computes plain floats with `math`, and
`AUTOGRAD` builds HIPS autograd boxes in float64, the independent reference engine.
Binary ops go through the `operator` module, so constants sit on either side
exactly as a user would write them (`2 - x` calls `Value.__rsub__`).

Domains: each op's operands must lie in the op's sample interval from the op table
(`OpInfo.sample_low/high`). While drawing, every node's float value is known; an
operand outside its interval is wrapped in a *guard*, an affine map of sigmoid or
tanh into the interval, built from ordinary steps (so guards are tested too).
Operands of kinked ops (relu, abs, leaky_relu) too close to the kink are shifted
away from it. Nothing is filtered while drawing.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import autograd.numpy as anp
from hypothesis import strategies as st

from autograd_mini import Value
from autograd_mini.engine import OPS

__all__ = [
    "AUTOGRAD",
    "BINARY_OPERATORS",
    "FLOAT",
    "FUSED_OPS",
    "KINKED_OPS",
    "VALUE",
    "Backend",
    "Program",
    "Step",
    "evaluate",
    "programs",
]

# ---------------------------------------------------------------------------
# the op mapping: one row per op of engine.OPS in every backend
# ---------------------------------------------------------------------------

BINARY_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "**": operator.pow,
}


def _relu_float(x: float) -> float:
    return x if x > 0.0 else 0.0


def _leaky_float(x: float, slope: float) -> float:
    return x if x > 0.0 else slope * x


# Reference formulas in plain floats. sigmoid via tanh: a different formula from the
# engine's sign branch, and it cannot overflow for any finite input.
FLOAT_UNARY: dict[str, Callable[..., float]] = {
    "neg": operator.neg,
    "exp": math.exp,
    "log": math.log,
    "sqrt": math.sqrt,
    "tanh": math.tanh,
    "sigmoid": lambda x: 0.5 * (1.0 + math.tanh(0.5 * x)),
    "relu": _relu_float,
    "leaky_relu": _leaky_float,
    "abs": abs,
    "sin": math.sin,
    "cos": math.cos,
}

# HIPS autograd. relu / leaky_relu use `where`, not `maximum`: autograd splits the
# gradient of maximum 50/50 at a tie, we (like PyTorch) choose slope 0 at the kink.
AUTOGRAD_UNARY: dict[str, Callable[..., Any]] = {
    "neg": operator.neg,
    "exp": anp.exp,
    "log": anp.log,
    "sqrt": anp.sqrt,
    "tanh": anp.tanh,
    "sigmoid": lambda x: 0.5 * (1.0 + anp.tanh(0.5 * x)),
    "relu": lambda x: anp.where(x > 0.0, x, 0.0),
    "leaky_relu": lambda x, slope: anp.where(x > 0.0, x, slope * x),
    "abs": anp.abs,
    "sin": anp.sin,
    "cos": anp.cos,
}


def _value_unary(name: str) -> Callable[..., Value]:
    if name == "neg":
        return operator.neg
    return lambda v, *params: getattr(v, name)(*params)


VALUE_UNARY: dict[str, Callable[..., Value]] = {name: _value_unary(name) for name in FLOAT_UNARY}

FUSED_OPS = ("sum", "dot")
"""n-ary ops that are static methods of Value rather than rows of the op table."""

KINKED_OPS = frozenset({"relu", "leaky_relu", "abs"})
"""Ops whose derivative jumps at 0: finite differences must not straddle the kink."""

# ---------------------------------------------------------------------------
# programs
# ---------------------------------------------------------------------------

# An operand is ("node", index) or ("const", number).
Operand = tuple[str, Any]


@dataclass(frozen=True)
class Step:
    """One node: `op` applied to `operands` (for leaky_relu, `params` holds the slope).

    For "dot" the operands are the weights then the inputs (same count), then the bias
    if `params == ("bias",)`.
    """

    op: str
    operands: tuple[Operand, ...]
    params: tuple[Any, ...] = ()

    def __str__(self) -> str:
        def show(o: Operand) -> str:
            return f"n{o[1]}" if o[0] == "node" else repr(o[1])

        args = [show(o) for o in self.operands]
        if self.op in BINARY_OPERATORS:
            return f"{args[0]} {self.op} {args[1]}"
        return f"{self.op}({', '.join(args + [repr(p) for p in self.params])})"


@dataclass(frozen=True)
class Program:
    """Inputs n0..n(k-1), then one node per step; the last node is the root."""

    inputs: tuple[float, ...]
    steps: tuple[Step, ...]

    def __str__(self) -> str:
        lines = [f"n{i} = {x!r}" for i, x in enumerate(self.inputs)]
        first = len(self.inputs)
        lines += [f"n{first + k} = {step}" for k, step in enumerate(self.steps)]
        return "\n".join(lines)

    def ops_used(self) -> set[str]:
        """Names of the ops in this program, as keys of OPS (plus 'sum' / 'dot')."""
        return {s.op for s in self.steps}

    def kink_operands(self) -> list[int]:
        """Node indices that feed a kinked op."""
        return [s.operands[0][1] for s in self.steps if s.op in KINKED_OPS]


@dataclass(frozen=True)
class Backend:
    """How to make a leaf and apply a unary / fused op in one number system."""

    name: str
    leaf: Callable[[float, int], Any]
    unary: dict[str, Callable[..., Any]]
    total: Callable[[list[Any]], Any]
    dot: Callable[[list[Any], list[Any], Any], Any]


def _chain_sum(items: list[Any]) -> Any:
    total: Any = 0.0
    for item in items:
        total = total + item
    return total


def _chain_dot(ws: list[Any], xs: list[Any], bias: Any) -> Any:
    return _chain_sum(
        [w * x for w, x in zip(ws, xs, strict=True)] + ([] if bias is None else [bias])
    )


VALUE = Backend(
    "autograd_mini",
    leaf=lambda x, i: Value(x, label=f"n{i}"),
    unary=VALUE_UNARY,
    total=Value.sum,
    dot=lambda ws, xs, bias: Value.dot(ws, xs, bias=bias),
)
FLOAT = Backend("math", lambda x, i: x, FLOAT_UNARY, _chain_sum, _chain_dot)
AUTOGRAD = Backend("HIPS autograd", lambda x, i: x, AUTOGRAD_UNARY, _chain_sum, _chain_dot)


def evaluate(program: Program, backend: Backend, leaves: Sequence[Any] | None = None) -> list[Any]:
    """Run `program`; return every node (inputs first, root last).

    Args:
        program: what to compute.
        backend: VALUE, FLOAT or AUTOGRAD.
        leaves: the input nodes to use instead of `backend.leaf(program.inputs[i])`
            (autograd passes its boxes, finite differences perturbed floats).
    """
    if leaves is None:
        nodes = [backend.leaf(x, i) for i, x in enumerate(program.inputs)]
    else:
        nodes = list(leaves)
    for step in program.steps:
        args = [nodes[o[1]] if o[0] == "node" else o[1] for o in step.operands]
        if step.op in BINARY_OPERATORS:
            out = BINARY_OPERATORS[step.op](args[0], args[1])
        elif step.op == "sum":
            out = backend.total(args)
        elif step.op == "dot":
            bias = args.pop() if step.params == ("bias",) else None
            half = len(args) // 2
            out = backend.dot(args[:half], args[half:], bias)
        else:
            out = backend.unary[step.op](args[0], *step.params)
        if backend is VALUE:
            out.label = f"n{len(nodes)}"
        nodes.append(out)
    return nodes


# ---------------------------------------------------------------------------
# drawing programs
# ---------------------------------------------------------------------------

OP_NAMES: tuple[str, ...] = tuple(sorted(OPS)) + FUSED_OPS
FREE_INTERVAL = (-10.0, 10.0)
EXPONENT_INTERVAL = (-3.0, 3.0)  # keeps x ** y within a few orders of magnitude
KINK_MARGIN = 1e-3


def operand_intervals(op: str) -> tuple[tuple[float, float], tuple[float, float]]:
    """(left, right) operand intervals of a binary op, from its OPS row.

    The table's interval applies to the operand the domain restricts: the divisor
    of "/", the base of "**"; the other one of those two is free.
    """
    table = (OPS[op].sample_low, OPS[op].sample_high)
    if op == "/":
        return FREE_INTERVAL, table
    if op == "**":
        return table, EXPONENT_INTERVAL
    return table, table


class _Builder:
    """Accumulates steps while tracking every node's float value."""

    def __init__(self, draw: st.DrawFn, inputs: list[float]) -> None:
        self.draw = draw
        self.inputs = inputs
        self.steps: list[Step] = []
        self.values = list(inputs)

    def add(self, step: Step) -> int:
        """Append `step`; return its node index."""
        self.steps.append(step)
        args = [self.values[o[1]] if o[0] == "node" else o[1] for o in step.operands]
        # Evaluate just this step, in plain floats, with its operands as inputs.
        one_step = Program(tuple(args), (_on_inputs(step),))
        self.values.append(evaluate(one_step, FLOAT)[-1])
        return len(self.values) - 1

    def pick(self) -> int:
        return self.draw(st.integers(0, len(self.values) - 1))

    def constant(self, interval: tuple[float, float]) -> float:
        lo, hi = interval
        return self.draw(
            st.one_of(
                st.sampled_from([c for c in (-2.0, -1.0, 0.5, 1.0, 2.0, 3.0) if lo <= c <= hi]),
                st.floats(lo, hi, allow_nan=False, allow_infinity=False),
            )
        )

    def guard(self, index: int, interval: tuple[float, float]) -> int:
        """`index`, or a new node mapping it smoothly into `interval` if it is outside."""
        lo, hi = interval
        if lo <= self.values[index] <= hi:
            return index
        squash = self.draw(st.sampled_from(["sigmoid", "tanh"]))
        # Shrink the operand to |x| <= 2 first: sigmoid/tanh deep in saturation have
        # local derivatives (s*(1-s), 1-t*t) that lose all relative precision to
        # cancellation, and their own sample intervals say so.
        size = abs(self.values[index])
        if size > 2.0:
            index = self.add(Step("/", (("node", index), ("const", size / 2.0))))
        s = self.add(Step(squash, (("node", index),)))
        # sigmoid lands in [0, 1], tanh in [-1, 1]: scale and shift into [lo, hi].
        scale = (hi - lo) if squash == "sigmoid" else (hi - lo) / 2.0
        offset = lo if squash == "sigmoid" else (hi + lo) / 2.0
        s = self.add(self._binary_with_constant("*", s, scale))
        return self.add(self._binary_with_constant("+", s, offset))

    def _binary_with_constant(self, op: str, index: int, c: float) -> Step:
        # Commutative ops, so either side gives the same number: draw the side.
        if self.draw(st.booleans()):
            return Step(op, (("node", index), ("const", c)))
        return Step(op, (("const", c), ("node", index)))

    def away_from_kink(self, index: int) -> int:
        if abs(self.values[index]) >= KINK_MARGIN:
            return index
        return self.add(Step("+", (("node", index), ("const", 0.5))))


def _on_inputs(step: Step) -> Step:
    """The same step with operand i renumbered to input i (for one-step evaluation)."""
    return Step(
        step.op,
        tuple(("node", k) for k in range(len(step.operands))),
        step.params,
    )


def _draw_step(b: _Builder, op: str) -> None:
    if op in FUSED_OPS:
        _draw_fused(b, op)
        return
    if OPS[op].arity == 1:
        index = b.guard(b.pick(), (OPS[op].sample_low, OPS[op].sample_high))
        if op in KINKED_OPS:
            index = b.away_from_kink(index)
        params: tuple[Any, ...] = ()
        if op == "leaky_relu":
            params = (b.draw(st.sampled_from([0.01, 0.1, 0.2])),)
        b.add(Step(op, (("node", index),), params))
        return
    left, right = operand_intervals(op)
    form = b.draw(st.sampled_from(["value op value", "value op const", "const op value"]))
    if form == "value op value":
        i = b.guard(b.pick(), left)
        j = b.guard(b.pick(), right)
        b.add(Step(op, (("node", i), ("node", j))))
    elif form == "value op const":
        i = b.guard(b.pick(), left)
        b.add(Step(op, (("node", i), ("const", b.constant(right)))))
    else:
        c = b.constant(left)
        j = b.guard(b.pick(), right)
        b.add(Step(op, (("const", c), ("node", j))))


def _draw_operand(b: _Builder) -> Operand:
    if b.draw(st.integers(0, 3)) == 0:
        return ("const", b.constant(FREE_INTERVAL))
    return ("node", b.guard(b.pick(), FREE_INTERVAL))


def _draw_fused(b: _Builder, op: str) -> None:
    n = b.draw(st.integers(1, 4))
    if op == "sum":
        b.add(Step("sum", tuple(_draw_operand(b) for _ in range(n))))
        return
    operands = tuple(_draw_operand(b) for _ in range(2 * n))
    if b.draw(st.booleans()):
        b.add(Step("dot", (*operands, _draw_operand(b)), ("bias",)))
    else:
        b.add(Step("dot", operands))


@st.composite
def programs(
    draw: st.DrawFn, *, max_inputs: int = 4, max_steps: int = 10, ops: Sequence[str] = OP_NAMES
) -> Program:
    """Random expression graphs (DAGs) over `ops`, every operand inside its op's domain.

    The root sums every node nothing else consumed, so every input reaches the root.
    """
    n_inputs = draw(st.integers(1, max_inputs))
    inputs = []
    for _ in range(n_inputs):
        # Each input starts inside some op's sample interval, so many ops take
        # an input directly without a guard.
        info = OPS[draw(st.sampled_from(sorted(OPS)))]
        inputs.append(draw(st.floats(info.sample_low, info.sample_high, allow_nan=False)))
    b = _Builder(draw, inputs)
    for _ in range(draw(st.integers(1, max_steps))):
        _draw_step(b, draw(st.sampled_from(list(ops))))
    consumed = {o[1] for s in b.steps for o in s.operands if o[0] == "node"}
    sinks = [i for i in range(len(b.values)) if i not in consumed]
    if len(sinks) > 1:
        b.add(Step("sum", tuple(("node", i) for i in sinks)))
    return Program(tuple(inputs), tuple(b.steps))
