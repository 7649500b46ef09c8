"""Second derivatives on random expression graphs (tests/strategies.py), two oracles.

For every drawn program (every op of `engine.OPS`, plus sum and dot) the full
Hessian of the root with respect to the inputs, built by differentiating the
engine's own gradient (create_graph=True), must agree with
  * HIPS autograd's `hessian` of the same program in float64, and
  * central finite differences of the engine's first derivative.
"""

from __future__ import annotations

import warnings

import autograd
import autograd.numpy as anp
import pytest
from hypothesis import assume, given, note, settings
from hypothesis import strategies as st
from strategies import AUTOGRAD, FLOAT, FUSED_OPS, VALUE, Program, evaluate, programs

from autograd_mini import Value, grad
from autograd_mini.engine import OPS

PER_OP_EXAMPLES = max(10, settings().max_examples // 5)


def _hessian(program: Program) -> list[list[float]]:
    nodes = evaluate(program, VALUE)
    inputs = nodes[: len(program.inputs)]
    first = grad(nodes[-1], inputs, create_graph=True)
    return [list(grad(g, inputs)) for g in first]


def _first(program: Program, xs: list[float]) -> tuple[float, ...]:
    leaves = [Value(x) for x in xs]
    nodes = evaluate(program, VALUE, leaves)
    return grad(nodes[-1], leaves)


def _reference_hessian(program: Program) -> list[list[float]]:
    def root(xs: anp.ndarray) -> anp.ndarray:
        return evaluate(program, AUTOGRAD, [xs[i] for i in range(len(program.inputs))])[-1]

    with warnings.catch_warnings():
        # A root linear in its inputs has a constant gradient; autograd says so.
        warnings.filterwarnings("ignore", "Output seems independent of input")
        h = autograd.hessian(root)(anp.array(program.inputs, dtype=anp.float64))
    n = len(program.inputs)
    return [[float(h[i][j]) for j in range(n)] for i in range(n)]


def _zero_value_exponent(program: Program) -> bool:
    """Whether some x ** y has a Value exponent y that is exactly 0.

    HIPS autograd writes d/dx x**y as y * x ** where(y, y - 1, 1): right at y = 0,
    but its derivative with respect to y there is not (for b(x) ** x at x = 0 it
    gives 1.76 where the exact second derivative is 1.03). Finite differences
    still check those draws.
    """
    values = evaluate(program, FLOAT)
    return any(
        step.op == "**" and step.operands[1][0] == "node" and values[step.operands[1][1]] == 0.0
        for step in program.steps
    )


def _close(a: float, b: float, rel: float, abs_: float) -> bool:
    return abs(a - b) <= abs_ + rel * max(abs(a), abs(b))


def _check_second_derivatives(program: Program) -> None:
    note(str(program))
    ours = _hessian(program)
    n = len(program.inputs)
    if not _zero_value_exponent(program):
        theirs = _reference_hessian(program)
        scale = max([1.0] + [abs(v) for row in theirs for v in row])
        for i in range(n):
            for j in range(n):
                assert _close(ours[i][j], theirs[i][j], rel=1e-8, abs_=1e-10 * scale), (
                    f"d2 root / d n{i} d n{j}: autograd_mini {ours[i][j]!r}, "
                    f"HIPS autograd {theirs[i][j]!r}"
                )
    base = evaluate(program, FLOAT)
    for j, x in enumerate(program.inputs):
        h = 1e-5 * max(1.0, abs(x))
        plus, minus = list(program.inputs), list(program.inputs)
        plus[j] += h
        minus[j] -= h
        f_plus, f_minus = evaluate(program, FLOAT, plus), evaluate(program, FLOAT, minus)
        # A difference that straddles a kink of relu/abs/leaky_relu measures neither side.
        assume(
            all(
                (f_plus[k] > 0.0) == (base[k] > 0.0) == (f_minus[k] > 0.0)
                for k in program.kink_operands()
            )
        )
        g_plus, g_minus = _first(program, plus), _first(program, minus)
        for i in range(n):
            numeric = (g_plus[i] - g_minus[i]) / (2.0 * h)
            g_scale = max(1.0, abs(g_plus[i]), abs(g_minus[i]))
            tolerance = 1e-4 * (1.0 + abs(ours[i][j])) + 1e-9 * g_scale / h
            assert abs(ours[i][j] - numeric) <= tolerance, (
                f"d2 root / d n{i} d n{j}: analytic {ours[i][j]!r}, numeric {numeric!r}"
            )


@pytest.mark.parametrize("op", sorted(OPS) + list(FUSED_OPS))
@settings(max_examples=PER_OP_EXAMPLES)
@given(data=st.data())
def test_each_op_second_derivatives_match_autograd_and_finite_differences(
    op: str, data: st.DataObject
) -> None:
    program = data.draw(programs(ops=[op], max_steps=4))
    assert op in program.ops_used()
    _check_second_derivatives(program)


@given(programs(max_steps=8))
def test_second_derivatives_match_autograd_and_finite_differences(program: Program) -> None:
    _check_second_derivatives(program)


@given(programs(max_steps=6))
def test_plain_backward_after_create_graph_gives_the_same_first_derivatives(
    program: Program,
) -> None:
    note(str(program))
    nodes = evaluate(program, VALUE)
    inputs = nodes[: len(program.inputs)]
    with_graph = grad(nodes[-1], inputs, create_graph=True)
    plain = grad(nodes[-1], inputs)
    for g, p in zip(with_graph, plain, strict=True):
        assert isinstance(g, Value)
        assert _close(g.data, p, rel=1e-12, abs_=1e-300)
