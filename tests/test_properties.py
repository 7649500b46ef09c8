"""Property tests of the engine over random expression graphs (tests/strategies.py).

Oracles, all independent of the engine's own derivative code:
  * forward values: the same program in plain floats with `math`;
  * gradients: HIPS autograd in float64 (a reference engine) and central finite
    differences in plain floats.
Plus the engine's own contracts: backward() twice, no_grad, fused sum/dot.
"""

from __future__ import annotations

from collections.abc import Sequence

import autograd
import autograd.numpy as anp
import pytest
from hypothesis import assume, given, note, settings
from hypothesis import strategies as st
from strategies import (
    AUTOGRAD,
    AUTOGRAD_UNARY,
    BINARY_OPERATORS,
    FLOAT,
    FLOAT_UNARY,
    FUSED_OPS,
    OP_NAMES,
    VALUE,
    VALUE_UNARY,
    Program,
    evaluate,
    programs,
)

from autograd_mini import Value, no_grad
from autograd_mini.engine import OPS, UNARY_FUNCTIONS

# Each op also gets its own property run, at a fifth of the profile's budget.
PER_OP_EXAMPLES = max(10, settings().max_examples // 5)
FLOAT_EPS = 2.0**-52


def _values_and_grads(program: Program) -> tuple[list[Value], list[float]]:
    nodes = evaluate(program, VALUE)
    nodes[-1].backward()
    return nodes, [nodes[i].grad for i in range(len(program.inputs))]


def _reference_grads(program: Program) -> list[float]:
    def root(xs: anp.ndarray) -> anp.ndarray:
        return evaluate(program, AUTOGRAD, [xs[i] for i in range(len(program.inputs))])[-1]

    grads = autograd.grad(root)(anp.array(program.inputs, dtype=anp.float64))
    return [float(g) for g in grads]


def _close(a: float, b: float, rel: float, abs_: float = 0.0) -> bool:
    return abs(a - b) <= abs_ + rel * max(abs(a), abs(b))


def _check_gradients_against_references(program: Program) -> None:
    note(str(program))
    _nodes, grads = _values_and_grads(program)
    reference = _reference_grads(program)
    for i, (ours, theirs) in enumerate(zip(grads, reference, strict=True)):
        assert _close(ours, theirs, rel=1e-9, abs_=1e-12), (
            f"d root / d n{i}: autograd_mini {ours!r}, HIPS autograd {theirs!r}, "
            f"difference {ours - theirs!r}"
        )
    base = evaluate(program, FLOAT)
    scale = max(abs(v) for v in base)
    for i, x in enumerate(program.inputs):
        h = 1e-6 * max(1.0, abs(x))
        plus, minus = list(program.inputs), list(program.inputs)
        plus[i] += h
        minus[i] -= h
        f_plus, f_minus = evaluate(program, FLOAT, plus), evaluate(program, FLOAT, minus)
        # A difference quotient that straddles a kink of relu/abs/leaky_relu measures
        # neither one-sided slope; such (rare) draws say nothing about the engine.
        assume(
            all(
                (f_plus[k] > 0.0) == (base[k] > 0.0) == (f_minus[k] > 0.0)
                for k in program.kink_operands()
            )
        )
        numeric = (f_plus[-1] - f_minus[-1]) / (2.0 * h)
        # Truncation error is O(h**2); rounding error ~ eps * |values| / h.
        tolerance = 1e-5 * (1.0 + abs(grads[i])) + 16 * FLOAT_EPS * scale / h
        assert abs(grads[i] - numeric) <= tolerance, (
            f"d root / d n{i}: analytic {grads[i]!r}, numeric {numeric!r}, "
            f"difference {grads[i] - numeric!r}, tolerance {tolerance!r}"
        )


# ---------------------------------------------------------------------------
# the op mapping is complete (a new op cannot escape these tests)
# ---------------------------------------------------------------------------


def test_every_op_in_the_table_has_a_generator_and_references() -> None:
    for name, info in OPS.items():
        if info.arity == 2:
            assert name in BINARY_OPERATORS, f"binary op {name!r} has no operator mapping"
        else:
            assert info.arity == 1, f"op {name!r}: unexpected arity {info.arity}"
            for table, what in (
                (VALUE_UNARY, "autograd_mini"),
                (FLOAT_UNARY, "math reference"),
                (AUTOGRAD_UNARY, "HIPS autograd reference"),
            ):
                assert name in table, f"unary op {name!r} has no {what} mapping"
        assert name in OP_NAMES, f"op {name!r} is never drawn by tests/strategies.py"
    assert set(UNARY_FUNCTIONS) <= set(VALUE_UNARY)
    assert set(FUSED_OPS) <= set(OP_NAMES)


@pytest.mark.parametrize("op", sorted(OPS) + list(FUSED_OPS))
@settings(max_examples=PER_OP_EXAMPLES)
@given(data=st.data())
def test_each_op_gradients_match_autograd_and_finite_differences(
    op: str, data: st.DataObject
) -> None:
    program = data.draw(programs(ops=[op], max_steps=4))
    assert op in program.ops_used()
    _check_gradients_against_references(program)


# ---------------------------------------------------------------------------
# mixed graphs
# ---------------------------------------------------------------------------


@given(programs())
def test_gradients_match_autograd_and_finite_differences(program: Program) -> None:
    _check_gradients_against_references(program)


@given(programs())
def test_forward_values_match_math(program: Program) -> None:
    note(str(program))
    ours = evaluate(program, VALUE)
    reference = evaluate(program, FLOAT)
    for i, (node, expected) in enumerate(zip(ours, reference, strict=True)):
        # Ops map to the same libm calls, except sigmoid (different formula): a few
        # ulps, amplified by at most a few more ops downstream.
        assert _close(node.data, expected, rel=1e-10, abs_=1e-12), (
            f"n{i} ({node.op or 'input'}): autograd_mini {node.data!r}, math {expected!r}"
        )


@given(programs())
def test_backward_twice_doubles_leaf_grads_and_keeps_inner_grads(program: Program) -> None:
    note(str(program))
    nodes = evaluate(program, VALUE)
    root = nodes[-1]
    root.backward()
    first = [n.grad for n in nodes]
    root.backward()
    for i, node in enumerate(nodes):
        if node.parents:
            # Inner grads are recomputed from zero: the same numbers, bit for bit.
            assert node.grad == first[i], f"n{i}: {first[i]!r} then {node.grad!r}"
        else:
            # Leaves add each pass's total in one step: exactly twice, bit for bit.
            assert node.grad == 2.0 * first[i], f"n{i}: {first[i]!r} then {node.grad!r}"


@given(programs())
def test_no_grad_results_never_carry_parents(program: Program) -> None:
    note(str(program))
    with_graph = evaluate(program, VALUE)
    with no_grad():
        without = evaluate(program, VALUE)
    for i, (a, b) in enumerate(zip(with_graph, without, strict=True)):
        assert b.parents == (), f"n{i} ({a.op}) has parents under no_grad"
        assert b.local_grads == ()
        assert b.op == ""
        assert b.data == a.data, f"n{i}: {a.data!r} with graph, {b.data!r} without"
    # Computed under no_grad: no graph to differentiate, so backward() refuses
    # (as PyTorch does) instead of silently leaving every input's grad at 0.
    with pytest.raises(RuntimeError, match="no_grad"):
        without[-1].backward()
    assert all(n.grad == 0.0 for n in without)


# ---------------------------------------------------------------------------
# fused n-ary nodes equal their binary chains
# ---------------------------------------------------------------------------

_numbers = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


@st.composite
def _operand_lists(draw: st.DrawFn, n: int | None = None) -> list[Value | float]:
    """Values and plain numbers mixed, with some Values repeated (shared inputs)."""
    pool = [
        Value(x, label=f"v{i}")
        for i, x in enumerate(draw(st.lists(_numbers, min_size=1, max_size=4)))
    ]
    size = n if n is not None else draw(st.integers(0, 8))
    return [draw(st.one_of(st.sampled_from(pool), _numbers)) for _ in range(size)]


def _leaves(items: Sequence[object]) -> list[Value]:
    unique: dict[int, Value] = {}
    for item in items:
        if isinstance(item, Value):
            unique[id(item)] = item
    return list(unique.values())


def _grads_of(root: Value, leaves: list[Value]) -> list[float]:
    for leaf in leaves:
        leaf.grad = 0.0
    root.backward()
    return [leaf.grad for leaf in leaves]


@given(_operand_lists())
def test_sum_equals_binary_chain(items: list[Value | float]) -> None:
    leaves = _leaves(items)
    fused = Value.sum(items)
    assert fused.op == "sum"
    assert fused.parents == tuple(x for x in items if isinstance(x, Value))
    fused_grads = _grads_of(fused, leaves)
    chain: Value | float = 0.0
    for item in items:
        chain = chain + item
    if not isinstance(chain, Value):
        assert fused.data == chain
        return
    # Same additions in the same order: the same float, bit for bit.
    assert fused.data == chain.data
    assert fused_grads == _grads_of(chain, leaves)


@given(
    st.integers(0, 6).flatmap(lambda n: st.tuples(_operand_lists(n), _operand_lists(n))),
    st.one_of(st.none(), _numbers, _numbers.map(Value)),
)
def test_dot_equals_binary_chain(
    pair: tuple[list[Value | float], list[Value | float]], bias: Value | float | None
) -> None:
    weights, inputs = pair
    items = [*weights, *inputs] + ([bias] if bias is not None else [])
    leaves = _leaves(items)
    fused = Value.dot(weights, inputs, bias=bias)
    assert fused.op == "dot"
    fused_grads = _grads_of(fused, leaves)
    chain: Value | float = 0.0
    for w, x in zip(weights, inputs, strict=True):
        chain = chain + w * x
    if bias is not None:
        chain = chain + bias
    chain_data = chain.data if isinstance(chain, Value) else chain
    magnitude = sum(abs(float(w) * float(x)) for w, x in zip(weights, inputs, strict=True)) + abs(
        float(bias or 0.0)
    )
    assert abs(fused.data - chain_data) <= 8 * FLOAT_EPS * magnitude
    if isinstance(chain, Value):
        chain_grads = _grads_of(chain, leaves)
        for a, b in zip(fused_grads, chain_grads, strict=True):
            assert _close(a, b, rel=1e-12, abs_=1e-300), (fused_grads, chain_grads)
