"""Engine tests against independent oracles: closed forms, central differences,
micrograd's published README numbers, and the error contract of docs/design.md."""

from __future__ import annotations

import fractions
import gc
import math
import tracemalloc
from collections.abc import Callable

import numpy as np
import pytest

from autograd_mini import Value, no_grad
from autograd_mini.engine import OPS, UNARY_FUNCTIONS, ZeroDivisionValueError, is_grad_enabled


def central_difference(f: Callable[[float], float], x: float, h: float = 1e-6) -> float:
    return (f(x + h) - f(x - h)) / (2 * h)


# ----------------------------------------------------------------------------
# construction
# ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number, expected",
    [
        (3, 3.0),
        (2.5, 2.5),
        (np.float64(1.5), 1.5),
        (np.int32(7), 7.0),
        (fractions.Fraction(1, 4), 0.25),
    ],
)
def test_value_accepts_real_numbers_and_stores_float(number: object, expected: float) -> None:
    v = Value(number)  # type: ignore[arg-type]
    assert type(v.data) is float
    assert v.data == expected
    assert v.grad == 0.0
    assert v.op == ""
    assert v.parents == ()
    assert v.label == ""


@pytest.mark.parametrize("bad", [True, False, "1.0", None, 1 + 2j, [1.0], np.bool_(True)])
def test_value_rejects_non_real_types_naming_the_type(bad: object) -> None:
    with pytest.raises(TypeError, match=type(bad).__name__):
        Value(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, np.float64("nan")])
def test_value_rejects_nan_and_inf(bad: float) -> None:
    with pytest.raises(ValueError, match="finite"):
        Value(bad)


def test_huge_int_is_an_overflow_error() -> None:
    with pytest.raises(OverflowError, match="too large"):
        Value(10**400)


def test_label_is_settable_and_must_be_a_string() -> None:
    v = Value(1.0, label="x")
    assert v.label == "x"
    v.label = "renamed"
    assert "renamed" in repr(v)
    with pytest.raises(TypeError, match="label"):
        Value(1.0, label=3)  # type: ignore[arg-type]


def test_repr_shows_label_data_and_grad() -> None:
    v = Value(2.0, label="a")
    (v * 3).backward()
    assert repr(v) == "Value(label='a', data=2, grad=3)"
    assert repr(Value(0.5)) == "Value(data=0.5, grad=0)"


def test_values_have_slots_not_dicts() -> None:
    v = Value(1.0)
    assert not hasattr(v, "__dict__")
    with pytest.raises(AttributeError):
        v.something_else = 1  # type: ignore[attr-defined]


# ----------------------------------------------------------------------------
# operators: closed forms at hand-picked points
# ----------------------------------------------------------------------------


def grads_of(build: Callable[..., Value], *numbers: float) -> tuple[float, list[float]]:
    leaves = [Value(n) for n in numbers]
    out = build(*leaves)
    out.backward()
    return out.data, [leaf.grad for leaf in leaves]


# (name, function of Values, inputs, expected value, expected gradients)
CLOSED_FORMS = [
    ("x+y", lambda x, y: x + y, (2.0, -3.0), -1.0, [1.0, 1.0]),
    ("x+c", lambda x: x + 4, (2.0,), 6.0, [1.0]),
    ("c+x", lambda x: 4 + x, (2.0,), 6.0, [1.0]),
    ("x-y", lambda x, y: x - y, (2.0, -3.0), 5.0, [1.0, -1.0]),
    ("x-c", lambda x: x - 4, (2.0,), -2.0, [1.0]),
    ("c-x", lambda x: 4 - x, (2.0,), 2.0, [-1.0]),
    ("x*y", lambda x, y: x * y, (2.0, -3.0), -6.0, [-3.0, 2.0]),
    ("c*x", lambda x: 4 * x, (2.0,), 8.0, [4.0]),
    ("x/y", lambda x, y: x / y, (3.0, 2.0), 1.5, [0.5, -0.75]),
    ("x/c", lambda x: x / 4, (2.0,), 0.5, [0.25]),
    ("c/x", lambda x: 4 / x, (2.0,), 2.0, [-1.0]),
    ("x**c", lambda x: x**3, (2.0,), 8.0, [12.0]),
    ("x**-1", lambda x: x**-1, (2.0,), 0.5, [-0.25]),
    ("x**0", lambda x: x**0, (0.0,), 1.0, [0.0]),
    ("x**1 at 0", lambda x: x**1, (0.0,), 0.0, [1.0]),
    ("x**2 at 0", lambda x: x**2, (0.0,), 0.0, [0.0]),
    ("(-x)**2", lambda x: x**2, (-3.0,), 9.0, [-6.0]),
    ("c**x", lambda x: 2**x, (3.0,), 8.0, [8.0 * math.log(2.0)]),
    ("x**y", lambda x, y: x**y, (2.0, 3.0), 8.0, [12.0, 8.0 * math.log(2.0)]),
    ("-x", lambda x: -x, (2.0,), -2.0, [-1.0]),
    ("exp", lambda x: x.exp(), (1.0,), math.e, [math.e]),
    ("log", lambda x: x.log(), (2.0,), math.log(2.0), [0.5]),
    ("sqrt", lambda x: x.sqrt(), (4.0,), 2.0, [0.25]),
    ("tanh", lambda x: x.tanh(), (0.5,), math.tanh(0.5), [1 - math.tanh(0.5) ** 2]),
    ("sigmoid", lambda x: x.sigmoid(), (0.0,), 0.5, [0.25]),
    ("relu+", lambda x: x.relu(), (2.0,), 2.0, [1.0]),
    ("relu-", lambda x: x.relu(), (-2.0,), 0.0, [0.0]),
    ("relu at 0 (subgradient 0)", lambda x: x.relu(), (0.0,), 0.0, [0.0]),
    ("leaky_relu-", lambda x: x.leaky_relu(0.1), (-2.0,), -0.2, [0.1]),
    ("leaky_relu+", lambda x: x.leaky_relu(0.1), (2.0,), 2.0, [1.0]),
    ("abs-", lambda x: x.abs(), (-2.0,), 2.0, [-1.0]),
    ("abs() builtin", lambda x: abs(x), (3.0,), 3.0, [1.0]),
    ("abs at 0 (subgradient 0)", lambda x: x.abs(), (0.0,), 0.0, [0.0]),
    ("sin", lambda x: x.sin(), (1.0,), math.sin(1.0), [math.cos(1.0)]),
    ("cos", lambda x: x.cos(), (1.0,), math.cos(1.0), [-math.sin(1.0)]),
    ("a+a", lambda a: a + a, (3.0,), 6.0, [2.0]),
    ("a*a", lambda a: a * a, (3.0,), 9.0, [6.0]),
]


@pytest.mark.parametrize(
    "name, build, inputs, value, gradients", CLOSED_FORMS, ids=[c[0] for c in CLOSED_FORMS]
)
def test_closed_forms(
    name: str,
    build: Callable[..., Value],
    inputs: tuple[float, ...],
    value: float,
    gradients: list[float],
) -> None:
    got_value, got_grads = grads_of(build, *inputs)
    assert got_value == pytest.approx(value, rel=1e-12, abs=1e-15)
    assert got_grads == pytest.approx(gradients, rel=1e-12, abs=1e-15)


def test_micrograd_readme_numbers() -> None:
    """The example from micrograd's README, with its published results."""
    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    assert f"{g.data:.4f}" == "24.7041"
    assert f"{a.grad:.4f}" == "138.8338"
    assert f"{b.grad:.4f}" == "645.5773"


def test_karpathy_expression_graph_by_hand() -> None:
    """L = (a*b + c) * f, derived by hand: dL/da = b*f, dL/db = a*f, dL/dc = f, dL/df = a*b + c."""
    a, b, c, f = Value(2.0), Value(-3.0), Value(10.0), Value(-2.0)
    e = a * b
    d = e + c
    L = d * f
    L.backward()
    assert L.data == -8.0
    assert (a.grad, b.grad, c.grad, f.grad) == (6.0, -4.0, -2.0, 4.0)
    assert (e.grad, d.grad, L.grad) == (-2.0, -2.0, 1.0)


# ----------------------------------------------------------------------------
# every op in the table against central differences
# ----------------------------------------------------------------------------

UNARY_SAMPLE_POINTS = [0.13, 0.37, 0.71, 0.93]


def unary_call(name: str) -> Callable[[Value], Value]:
    if name == "neg":
        return lambda v: -v
    return lambda v: getattr(v, name)()


BINARY_CALLS: dict[str, Callable[[Value, Value], Value]] = {
    "+": lambda x, y: x + y,
    "-": lambda x, y: x - y,
    "*": lambda x, y: x * y,
    "/": lambda x, y: x / y,
    "**": lambda x, y: x**y,
}


def test_every_op_in_the_table_has_a_finite_difference_case() -> None:
    covered = set(BINARY_CALLS) | {"neg"} | set(UNARY_FUNCTIONS)
    assert set(OPS) == covered


@pytest.mark.parametrize("name", sorted(n for n, info in OPS.items() if info.arity == 1))
@pytest.mark.parametrize("fraction", UNARY_SAMPLE_POINTS)
def test_unary_ops_match_central_differences(name: str, fraction: float) -> None:
    info = OPS[name]
    x0 = info.sample_low + fraction * (info.sample_high - info.sample_low)
    call = unary_call(name)
    x = Value(x0)
    y = call(x)
    y.backward()
    numeric = central_difference(lambda t: call(Value(t)).data, x0)
    assert x.grad == pytest.approx(numeric, rel=1e-6, abs=1e-8), (name, x0)
    assert y.op == name


@pytest.mark.parametrize("name", sorted(BINARY_CALLS))
@pytest.mark.parametrize("fractions_xy", [(0.2, 0.7), (0.9, 0.35), (0.55, 0.1)])
def test_binary_ops_match_central_differences(name: str, fractions_xy: tuple[float, float]) -> None:
    info = OPS[name]
    x0, y0 = (info.sample_low + f * (info.sample_high - info.sample_low) for f in fractions_xy)
    call = BINARY_CALLS[name]
    x, y = Value(x0), Value(y0)
    out = call(x, y)
    out.backward()
    assert out.op == name
    assert out.parents == (x, y)
    dx = central_difference(lambda t: call(Value(t), Value(y0)).data, x0)
    dy = central_difference(lambda t: call(Value(x0), Value(t)).data, y0)
    assert (x.grad, y.grad) == (
        pytest.approx(dx, rel=1e-6, abs=1e-8),
        pytest.approx(dy, rel=1e-6, abs=1e-8),
    )


# ----------------------------------------------------------------------------
# graph structure
# ----------------------------------------------------------------------------


def test_parents_are_an_ordered_tuple_in_argument_order() -> None:
    a, b = Value(1.0), Value(2.0)
    assert (a - b).parents == (a, b)
    assert (b - a).parents == (b, a)
    assert isinstance((a * b).parents, tuple)


def test_constants_go_into_the_op_label_not_the_graph() -> None:
    x = Value(3.0)
    assert (x * 2).op == "*2"
    assert (2 * x).op == "2*"
    assert (x + 1).op == "+1"
    assert (1 - x).op == "1-"
    assert (x / 0.5).op == "/0.5"
    assert (x**3).op == "**3"
    assert (2**x).op == "2**"
    for node in (x * 2, 1 - x, x**3, 2**x):
        assert node.parents == (x,)


def test_comparisons_compare_data_and_build_no_graph() -> None:
    a, b = Value(1.0), Value(2.0)
    assert (a < b) is True
    assert (a <= 1) is True
    assert (b > 1.5) is True
    assert (a >= b) is False
    with pytest.raises(TypeError):
        a < "x"  # type: ignore[operator]  # noqa: B015
    # == stays identity so Values can be set members and dict keys
    assert Value(1.0) != Value(1.0)
    assert len({a, b, a}) == 2


def test_float_and_item() -> None:
    assert float(Value(2.5)) == 2.5
    assert Value(3).item() == 3.0


def test_topological_order_puts_parents_first_and_visits_shared_nodes_once() -> None:
    a = Value(1.0)
    b = a * 2
    c = a + b
    d = b * c
    order = d.topological_order()
    assert len(order) == len(set(map(id, order))) == 4
    position = {id(n): i for i, n in enumerate(order)}
    for node in order:
        for parent in node.parents:
            assert position[id(parent)] < position[id(node)]


def test_diamond_accumulates_from_every_path() -> None:
    x = Value(3.0)
    left, right = x * 2, x * x
    y = left + right  # dy/dx = 2 + 2x = 8
    y.backward()
    assert x.grad == 8.0


# ----------------------------------------------------------------------------
# backward semantics
# ----------------------------------------------------------------------------


def test_backward_twice_accumulates_leaves_and_recomputes_intermediates() -> None:
    a, b = Value(2.0), Value(-3.0)
    mid = a * b
    out = mid.tanh() + a
    out.backward()
    first = (a.grad, b.grad, mid.grad, out.grad)
    out.backward()
    assert (a.grad, b.grad) == (2 * first[0], 2 * first[1])
    assert (mid.grad, out.grad) == (first[2], first[3])


def test_backward_with_a_seed_gradient() -> None:
    x = Value(2.0)
    (x * 3).backward(gradient=0.5)
    assert x.grad == 1.5


def test_backward_of_a_leaf_accumulates_one() -> None:
    x = Value(2.0)
    x.backward()
    x.backward()
    assert x.grad == 2.0


@pytest.mark.slow
def test_deep_chain_of_a_million_nodes_backpropagates_without_recursion() -> None:
    x = Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = y * 1.0000001 + 0.0
    y.backward()
    assert x.grad == pytest.approx(1.0000001**1_000_000, rel=1e-9)
    del y  # freeing a million-deep chain must not overflow the C stack either


def test_dropped_graph_is_freed_without_the_cyclic_collector() -> None:
    gc.collect()
    gc.disable()
    try:
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        x = Value(0.5)
        y = x
        for _ in range(20_000):
            y = (y * 1.0001).tanh() + x
        y.backward()
        during = tracemalloc.get_traced_memory()[0]
        del y
        after = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
    finally:
        gc.enable()
    assert during - before > 20_000 * 100  # the graph really held memory
    # ...and reference counting alone gave it back (what stays is CPython's
    # tuple and float free lists, a few hundred kB at most)
    assert after - before < (during - before) / 20


# ----------------------------------------------------------------------------
# fused n-ary nodes
# ----------------------------------------------------------------------------


def test_sum_is_one_node_equal_to_the_binary_chain() -> None:
    xs = [Value(float(i) - 2.5) for i in range(6)]
    fused = Value.sum([*xs, 1.5])
    assert fused.op == "sum"
    assert fused.parents == tuple(xs)
    chain = xs[0]
    for v in xs[1:]:
        chain = chain + v
    chain = chain + 1.5
    assert fused.data == pytest.approx(chain.data)
    fused.backward()
    assert [v.grad for v in xs] == [1.0] * 6


def test_sum_of_nothing_is_zero_and_sum_rejects_junk() -> None:
    assert Value.sum([]).data == 0.0
    with pytest.raises(TypeError, match="sum"):
        Value.sum([Value(1.0), "2"])  # type: ignore[list-item]


def test_dot_is_one_node_equal_to_the_binary_chain() -> None:
    ws = [Value(0.5), Value(-1.5), Value(2.0)]
    x0, x2 = Value(1.0), Value(-0.25)
    b = Value(0.75)
    fused = Value.dot(ws, [x0, 3.0, x2], bias=b)
    assert fused.op == "dot"
    assert fused.parents == (*ws, x0, x2, b)
    fused.backward()
    got = [v.grad for v in (*ws, x0, x2, b)]
    for v in (*ws, x0, x2, b):
        v.grad = 0.0
    chain = ws[0] * x0 + ws[1] * 3.0 + ws[2] * x2 + b
    chain.backward()
    assert fused.data == pytest.approx(chain.data)
    assert got == pytest.approx([v.grad for v in (*ws, x0, x2, b)])


def test_dot_of_a_value_with_itself_counts_both_factors() -> None:
    a = Value(3.0)
    sq = Value.dot([a], [a])
    sq.backward()
    assert (sq.data, a.grad) == (9.0, 6.0)


def test_dot_rejects_mismatched_lengths_naming_both() -> None:
    with pytest.raises(ValueError, match=r"dot: .*same length, got 2 and 3"):
        Value.dot([Value(1.0), Value(2.0)], [1.0, 2.0, 3.0])


# ----------------------------------------------------------------------------
# no_grad
# ----------------------------------------------------------------------------


def test_no_grad_builds_no_graph_and_restores_afterwards() -> None:
    x = Value(2.0)
    with no_grad():
        assert not is_grad_enabled()
        results = [x * 3, x.exp(), Value.sum([x, x]), Value.dot([x], [2.0], bias=1.0), x**2]
    assert is_grad_enabled()
    for r in results:
        assert r.parents == () and r.op == "" and r.local_grads == ()
    assert [r.data for r in results] == pytest.approx([6.0, math.exp(2.0), 4.0, 5.0, 4.0])
    assert (x * 3).parents == (x,)


def test_no_grad_nests_and_survives_exceptions() -> None:
    with pytest.raises(ValueError), no_grad():
        with no_grad():
            pass
        assert not is_grad_enabled()
        Value(-1.0).log()
    assert is_grad_enabled()


# ----------------------------------------------------------------------------
# undefined math, saturation and overflow
# ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, error, pattern",
    [
        (lambda: Value(0.0).log(), ValueError, r"log: input must be > 0, got 0\.0"),
        (lambda: Value(-1.0).log(), ValueError, r"log: input must be > 0, got -1\.0"),
        (lambda: Value(-1.0).sqrt(), ValueError, r"sqrt: input must be >= 0, got -1\.0"),
        (lambda: Value(0.0) ** -1, ValueError, r"\*\*: 0\.0 \*\* -1"),
        (lambda: Value(-8.0) ** (1 / 3), ValueError, r"\*\*: a negative base"),
        (lambda: Value(-2.0) ** Value(2.0), ValueError, r"\*\*: a Value exponent needs a base > 0"),
        (lambda: 0 ** Value(2.0), ValueError, r"\*\*: a number base .* must be > 0"),
        (lambda: Value(1.0) / 0, ZeroDivisionValueError, r"/: division by zero"),
        (lambda: Value(1.0) / Value(0.0), ZeroDivisionError, r"/: division by zero"),
        (lambda: 1 / Value(0.0), ValueError, r"/: division by zero"),
        (lambda: Value(1000.0).exp(), OverflowError, r"exp: .*1000\.0"),
        (lambda: Value(1e200) * Value(1e200), OverflowError, r"\*: result overflows"),
        (lambda: Value(1e308) + 1e308, OverflowError, r"\+: result overflows"),
        (lambda: Value(10.0) ** 400, OverflowError, r"\*\*: .*overflows"),
        (lambda: Value.sum([Value(1e308), Value(1e308)]), OverflowError, r"sum: "),
        (lambda: Value.dot([Value(1e200)], [1e200]), OverflowError, r"dot: "),
        (lambda: Value(1.0) + math.nan, ValueError, r"\+: value must be finite"),
        (lambda: Value(1.0) * "2", TypeError, r"\*: expected a real number .* got str"),  # type: ignore[operator]
        (lambda: Value(1.0) + True, TypeError, r"\+: .*got bool"),
        (lambda: Value(1.0) ** None, TypeError, r"\*\*: .*got NoneType"),  # type: ignore[operator]
    ],
)
def test_errors_name_the_op_and_the_value(
    make: Callable[[], object], error: type, pattern: str
) -> None:
    with pytest.raises(error, match=pattern):
        make()


def test_division_by_zero_is_both_value_and_zero_division_error() -> None:
    assert issubclass(ZeroDivisionValueError, ValueError)
    assert issubclass(ZeroDivisionValueError, ZeroDivisionError)


def test_saturating_functions_return_their_limits() -> None:
    assert Value(1000.0).tanh().data == 1.0
    assert Value(-1000.0).tanh().data == -1.0
    assert Value(-1000.0).sigmoid().data == 0.0
    assert Value(1000.0).sigmoid().data == 1.0
    big = Value(1000.0)
    big.sigmoid().backward()
    assert big.grad == 0.0
    assert Value(-745.2).exp().data >= 0.0


def test_sigmoid_keeps_precision_far_in_the_negative_tail() -> None:
    assert Value(-30.0).sigmoid().data == pytest.approx(
        math.exp(-30.0) / (1 + math.exp(-30.0)), rel=1e-14
    )


def test_overflowing_gradient_is_reported_naming_the_node() -> None:
    x = Value(1e-300, label="tiny")
    y = x.log() * 1e300  # finite forward; dy/dx = 1e300 * (1 / 1e-300) overflows
    with pytest.raises(OverflowError, match=r"backward: the gradient at node 'tiny'"):
        y.backward()


def test_infinite_slope_of_sqrt_at_zero_is_reported_by_backward() -> None:
    z = Value(0.0, label="root")
    s = z.sqrt()
    assert s.data == 0.0  # the forward value is fine...
    with pytest.raises(OverflowError, match=r"backward: .*'root'"):
        s.backward()  # ...the slope 1 / (2 sqrt(0)) is not


def test_an_infinite_local_derivative_is_reported_by_backward_naming_the_node() -> None:
    y = Value(1e-310, label="x").log()  # finite result; its slope 1/x is inf
    assert y.data == math.log(1e-310)
    with pytest.raises(OverflowError, match=r"backward: the gradient at node 'x'.*'log'"):
        y.backward()


def test_failed_backward_leaves_leaf_gradients_as_they_were() -> None:
    x = Value(1e-300, label="tiny")
    w = Value(2.0)
    (x * w).backward()
    before = (x.grad, w.grad)
    y = x.log() * 1e300 + w
    with pytest.raises(OverflowError):
        y.backward()
    assert (x.grad, w.grad) == before


def test_two_identical_passes_double_leaf_gradients_exactly() -> None:
    a, b = Value(0.3), Value(-1.7)
    out = (a * b).tanh() + a * a + b.exp()
    out.backward()
    once = (a.grad, b.grad)
    out.backward()
    assert (a.grad, b.grad) == (2 * once[0], 2 * once[1])


def test_custom_op_builds_a_node_from_a_forward_value_and_local_derivatives() -> None:
    from autograd_mini.engine import custom_op

    x, y = Value(2.0), Value(3.0)
    out = custom_op(x.data**2 * y.data, [x, y], "x²y", [2 * x.data * y.data, x.data**2])
    out.backward()
    assert (out.data, out.op, out.parents, x.grad, y.grad) == (12.0, "x²y", (x, y), 12.0, 4.0)
    with no_grad():
        assert custom_op(1.0, [x], "f", [1.0]).parents == ()


@pytest.mark.parametrize(
    "args, error, pattern",
    [
        (
            (1.0, [Value(1.0)], "f", []),
            ValueError,
            r"custom_op 'f': need one local derivative per parent",
        ),
        ((1.0, [2.0], "f", [1.0]), TypeError, r"custom_op 'f': parents must be Values, got float"),
        ((math.nan, [Value(1.0)], "f", [1.0]), ValueError, r"custom_op 'f'.*finite"),
        ((1.0, [Value(1.0)], "f", [math.inf]), ValueError, r"custom_op 'f'.*finite"),
    ],
)
def test_custom_op_rejects_inconsistent_input(args: tuple, error: type, pattern: str) -> None:
    from autograd_mini.engine import custom_op

    with pytest.raises(error, match=pattern):
        custom_op(*args)


@pytest.mark.parametrize(
    "make, label",
    [
        (lambda x: x * 1234567, "*1234567"),
        (lambda x: x + 123456789012.0, "+123456789012"),
        (lambda x: x * 1e20, "*1e+20"),
        (lambda x: x - 0.1, "-0.1"),
    ],
)
def test_constants_in_op_labels_are_shown_in_full(
    make: Callable[[Value], Value], label: str
) -> None:
    assert make(Value(2.0)).op == label


def test_division_by_a_subnormal_reports_the_overflowing_slope_in_backward() -> None:
    for y in (Value(0.0, label="x") / 1e-320, Value(0.0, label="x") / Value(1e-320)):
        assert y.data == 0.0
        with pytest.raises(OverflowError, match=r"backward: .*'x'.*op '/"):
            y.backward()
