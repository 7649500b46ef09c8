"""Higher-order gradients: derivative rules, create_graph and grad().

Oracles: the stored first-order local derivatives (every rule must reproduce
them), closed forms (tanh', x**3 and friends), central finite differences of the
engine's own first derivative, and semantics stated by HIPS autograd, JAX and
PyTorch (accumulation, perturbation confusion, relu'' = 0).
"""

from __future__ import annotations

import gc
import math
import random
import tracemalloc
from collections.abc import Callable

import pytest

from autograd_mini import Value, grad, no_grad
from autograd_mini.engine import OPS, BackwardStep, OpName, backward_steps, custom_op
from autograd_mini.losses import binary_cross_entropy, cross_entropy, hinge, l2, mse

# ---------------------------------------------------------------------------
# every rule equals the stored local derivatives
# ---------------------------------------------------------------------------

_RNG = random.Random(12)


def _point(name: str) -> float:
    info = OPS[name]
    return _RNG.uniform(info.sample_low, info.sample_high)


def _rule_numbers(node: Value) -> list[float]:
    assert isinstance(node.op, OpName) and node.op.rule is not None, node.op
    return [d.data if isinstance(d, Value) else float(d) for d in node.op.rule(node)]


def _unary_nodes(name: str, x: float) -> list[Value]:
    v = Value(x)
    if name == "neg":
        return [-v]
    if name == "leaky_relu":
        return [v.leaky_relu(0.1), v.leaky_relu()]
    return [getattr(v, name)()]


def _binary_nodes(name: str, x: float, y: float) -> list[Value]:
    import operator

    f = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}.get(
        name, operator.pow
    )
    if name == "**":
        # a Value exponent needs a positive base; a number exponent any base
        return [f(Value(x), Value(y)), f(Value(x), y), f(x, Value(y)), f(Value(-x), 3.0)]
    return [f(Value(x), Value(y)), f(Value(x), y), f(y, Value(x))]


@pytest.mark.parametrize("name", sorted(OPS))
def test_every_op_rule_equals_its_stored_local_derivatives(name: str) -> None:
    for _ in range(25):
        if OPS[name].arity == 1:
            nodes = _unary_nodes(name, _point(name))
        else:
            nodes = _binary_nodes(name, _point(name), _point(name))
        for node in nodes:
            assert _rule_numbers(node) == pytest.approx(list(node.local_grads), rel=1e-12), (
                node.op,
                [p.data for p in node.parents],
            )


Builder = Callable[[Value, Value, Value, Value], Value]


def _mixed(*items: Value | float) -> list[Value | float]:
    return list(items)


FUSED_AND_LOSSES: list[tuple[str, Builder]] = [
    ("sum", lambda a, b, c, d: Value.sum([a, b, 2.0, a]) * b),
    ("dot, no Value pairs", lambda a, b, c, d: Value.dot([a, b], [3.0, -1.0], bias=c) * a),
    ("dot, Values as inputs", lambda a, b, c, d: Value.dot([2.0, 1.0], [a, b]) * b),
    ("dot, all pairs", lambda a, b, c, d: Value.dot([a, b], [c, d], bias=a)),
    ("dot, pairs and bias", lambda a, b, c, d: Value.dot([a, b], [b, d], bias=c)),
    ("dot, some pairs", lambda a, b, c, d: Value.dot([a, 2.0, b], [c, d, 4.0], bias=1.0)),
    ("dot, mixed", lambda a, b, c, d: Value.dot([a, b], [c, 1.5], bias=d) * a),
    ("dot, self pair", lambda a, b, c, d: Value.dot([a], [a]) + Value.dot([a, b], [b, a])),
    ("mse", lambda a, b, c, d: mse([a * b, 1.0, b], [0.5, 2.0, -1.0])),
    ("hinge", lambda a, b, c, d: hinge([a * b, b], [1, -1])),
    ("bce", lambda a, b, c, d: binary_cross_entropy([a, 0.3, a * b], [1, 0, 0])),
    ("cross_entropy", lambda a, b, c, d: cross_entropy([a, b, 2.0 * c], 1)),
    ("cross_entropy, a constant logit", lambda a, b, c, d: cross_entropy(_mixed(a, b, 1.0), 1)),
    ("cross_entropy batch", lambda a, b, c, d: cross_entropy([[a, b], [c, a]], [0, 1])),
    ("l2", lambda a, b, c, d: l2([a, b, c]) * a),
]
LEAVES = (0.7, -0.4, 1.1, 0.3)


def _fused_and_loss_nodes() -> list[Value]:
    a, b, c, d = (Value(_RNG.uniform(-2, 2), label=k) for k in "abcd")
    return [
        build(a, b, c, d).parents[0] if build(a, b, c, d).op == "*" else build(a, b, c, d)
        for _, build in FUSED_AND_LOSSES
    ]


def test_fused_ops_and_losses_have_rules_equal_to_their_local_derivatives() -> None:
    nodes = _fused_and_loss_nodes()
    assert {n.op for n in nodes} >= {
        "sum",
        "dot",
        "mse",
        "hinge",
        "binary_cross_entropy",
        "cross_entropy",
        "l2",
    }
    for node in nodes:
        assert _rule_numbers(node) == pytest.approx(list(node.local_grads), rel=1e-12), node.op


@pytest.mark.parametrize("name, build", FUSED_AND_LOSSES, ids=[n for n, _ in FUSED_AND_LOSSES])
def test_fused_ops_and_losses_second_derivatives_match_finite_differences(
    name: str, build: Builder
) -> None:
    """Every mixed second derivative d/dv (d out / d u) against central differences."""
    leaves = [Value(x) for x in LEAVES]
    first = grad(build(*leaves), leaves, create_graph=True)
    h = 1e-5
    for u in range(4):
        for v in range(4):
            (second,) = grad(first[u], [leaves[v]])

            def d_du(t: float, u: int = u, v: int = v) -> float:
                xs = [Value(x) for x in LEAVES]
                xs[v].data = t
                return float(grad(build(*xs), [xs[u]])[0])

            x0 = LEAVES[v]
            numeric = (d_du(x0 + h) - d_du(x0 - h)) / (2 * h)
            assert second == pytest.approx(numeric, rel=1e-5, abs=1e-6), (name, u, v)


# ---------------------------------------------------------------------------
# create_graph and grad()
# ---------------------------------------------------------------------------


def test_second_derivative_of_a_cubic_through_backward_create_graph() -> None:
    x = Value(2.0, label="x")
    y = x * x * x
    y.backward(create_graph=True)
    assert x.grad == 12.0
    assert x.grad_value is not None and x.grad_value.data == 12.0
    assert y.grad_value is not None and y.grad_value.data == 1.0
    (second,) = grad(x.grad_value, [x])
    assert second == 12.0  # 6x


@pytest.mark.parametrize(
    "f, d1, d2",
    [
        (
            lambda x: x.exp() * x.sin(),
            lambda x: math.exp(x) * (math.sin(x) + math.cos(x)),
            lambda x: 2 * math.exp(x) * math.cos(x),
        ),
        (
            lambda x: x.log() / x,
            lambda x: (1 - math.log(x)) / x**2,
            lambda x: (2 * math.log(x) - 3) / x**3,
        ),
        (lambda x: x.sqrt().sigmoid(), None, None),
        (
            lambda x: 2.0**x + x**x,
            lambda x: 2**x * math.log(2) + x**x * (math.log(x) + 1),
            lambda x: 2**x * math.log(2) ** 2 + x**x * ((math.log(x) + 1) ** 2 + 1 / x),
        ),
        (
            lambda x: 1.0 / x - x**-2.5,
            lambda x: -1 / x**2 + 2.5 * x**-3.5,
            lambda x: 2 / x**3 - 8.75 * x**-4.5,
        ),
        (lambda x: (x * 3.0).cos().abs() + x.leaky_relu(0.2), None, None),
    ],
)
def test_second_derivatives_match_closed_forms_and_finite_differences(
    f: Callable[[Value], Value],
    d1: Callable[[float], float] | None,
    d2: Callable[[float], float] | None,
) -> None:
    for x0 in (0.7, 1.3, 2.1):
        x = Value(x0)
        (g,) = grad(f(x), [x], create_graph=True)
        (h,) = grad(g, [x])
        if d1 is not None and d2 is not None:
            assert g.data == pytest.approx(d1(x0), rel=1e-12)
            assert h == pytest.approx(d2(x0), rel=1e-10)

        def first(t: float) -> float:
            v = Value(t)
            return float(grad(f(v), [v])[0])

        eps = 1e-6
        assert h == pytest.approx((first(x0 + eps) - first(x0 - eps)) / (2 * eps), rel=1e-5)


def test_tanh_derivatives_one_to_six_match_closed_forms() -> None:
    for x0 in (-1.2, 0.0, 0.4, 2.0):
        t = math.tanh(x0)
        s = 1 - t * t
        closed = [
            s,
            -2 * t * s,
            -2 * s * (1 - 3 * t * t),
            8 * t * s * (2 - 3 * t * t),
            8 * s * (2 - 15 * t * t + 15 * t**4),
            -16 * t * s * (17 - 60 * t * t + 45 * t**4),
        ]
        x = Value(x0)
        g: Value = x.tanh()
        for k in range(6):
            (g,) = grad(g, [x], create_graph=True)
            assert g.data == pytest.approx(closed[k], rel=1e-9, abs=1e-12), k + 1


def test_grad_leaves_every_dot_grad_alone_and_weights_several_outputs() -> None:
    x, y = Value(2.0), Value(3.0)
    x.grad, y.grad = 0.5, -0.5
    a, b = x * y, x + y
    assert grad([a, b], [x, y]) == (4.0, 3.0)
    assert grad([a, b], [x, y], grad_outputs=[2.0, -1.0]) == (5.0, 3.0)
    assert (x.grad, y.grad, a.grad) == (0.5, -0.5, 0.0)


def test_grad_of_an_unused_input_is_zero_and_bad_arguments_are_named() -> None:
    x, z = Value(1.0), Value(5.0)
    assert grad(x * 2, [x, z]) == (2.0, 0.0)
    (gz,) = grad(x * 2, [z], create_graph=True)
    assert isinstance(gz, Value) and gz.data == 0.0
    with pytest.raises(TypeError, match=r"grad: inputs\[1\] must be a Value, got float"):
        grad(x * 2, [x, 1.0])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="grad: need one grad_output per output"):
        grad([x * 2], [x], grad_outputs=[1.0, 2.0])
    with pytest.raises(ValueError, match="grad: inputs is empty"):
        grad(x * 2, [])


def test_create_graph_must_be_a_bool() -> None:
    x = Value(1.0)
    with pytest.raises(TypeError, match="backward: create_graph must be True or False, got str"):
        (x * x).backward(create_graph="yes")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="grad: create_graph must be True or False, got int"):
        grad(x * x, [x], create_graph=1)  # type: ignore[call-overload]
    assert x.grad == 0.0


def test_grad_with_respect_to_an_intermediate_node() -> None:
    x = Value(0.5)
    h = x.tanh()
    y = h * h
    (dh,) = grad(y, [h])
    assert dh == 2 * h.data


def test_leaf_gradients_accumulate_with_create_graph_too() -> None:
    x = Value(1.5)
    y = x * x
    y.backward(create_graph=True)
    y.backward(create_graph=True)
    assert x.grad == 6.0
    assert x.grad_value is not None and x.grad_value.data == 6.0
    assert grad(x.grad_value, [x]) == (4.0,)  # d/dx (2x + 2x)
    y.backward()  # a plain pass clears the stale Value; the float accumulates
    assert x.grad == 9.0 and x.grad_value is None


def test_relu_second_derivative_is_zero() -> None:
    for x0 in (-1.0, 0.5, 3.0):
        x = Value(x0)
        (g,) = grad((x * x).relu() + x.relu(), [x], create_graph=True)
        (h,) = grad(g, [x])
        assert h == 2.0  # relu(x*x) is x*x: only the square curves, relu adds nothing
        x = Value(x0)
        (g,) = grad(x.relu(), [x], create_graph=True)
        assert grad(g, [x]) == (0.0,)


def test_perturbation_confusion_is_avoided() -> None:
    # d/dx [x * (d/dy (x + y))] at x = 1 is 1: the inner derivative is 1, not 2.
    x = Value(1.0)
    y = Value(1.0)
    (inner,) = grad(x + y, [y], create_graph=True)
    assert grad(x * inner, [x]) == (1.0,)


def test_a_custom_op_without_rule_names_itself_when_differentiated_twice() -> None:
    x = Value(2.0)
    cube = custom_op(8.0, [x], "cube", [12.0])
    cube.backward()  # first order is fine
    assert x.grad == 12.0
    with pytest.raises(NotImplementedError, match=r"op 'cube' has no derivative rule"):
        grad(cube, [x], create_graph=True)
    with pytest.raises(TypeError, match="rule must be callable"):
        custom_op(8.0, [x], "cube", [12.0], rule=3)  # type: ignore[arg-type]


def test_a_custom_op_rule_is_used_for_second_derivatives() -> None:
    x = Value(2.0)
    cube = custom_op(8.0, [x], "cube", [12.0], rule=lambda out, v: (3 * v * v,))
    (g,) = grad(cube * cube, [x], create_graph=True)  # d/dx x^6 = 6x^5
    assert g.data == 192.0
    assert grad(g, [x]) == (480.0,)  # 30x^4


def test_create_graph_leaves_no_graph_behind_for_a_plain_step() -> None:
    # Memory per plain training step stays 0 B with the collector off, also after
    # create_graph passes on the same parameters.
    w = [Value(0.1 * i) for i in range(5)]
    x = [1.0, -2.0, 0.5, 3.0, 1.5]

    def step() -> None:
        loss = (Value.dot(w, x).tanh() - 1.0) ** 2
        loss.backward()
        for p in w:
            p.data -= 0.01 * p.grad
            p.grad = 0.0

    gc.collect()
    gc.disable()
    try:
        for _ in range(3):  # warm-up: caches, label objects
            step()
        Value.dot(w, x).tanh().backward(create_graph=True)
        step()  # clears the grad_values left by create_graph
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(50):
            step()
        after = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
    finally:
        gc.enable()
    assert after - before <= 0


def test_backward_steps_is_the_walk_backward_takes() -> None:
    a, b = Value(0.3, label="a"), Value(-1.2, label="b")
    y = (a * b).tanh() + a * a
    steps = list(backward_steps(y))
    assert all(isinstance(s, BackwardStep) for s in steps)
    assert steps[0].node is y and steps[0].upstream == 1.0
    final: dict[int, float] = {}
    for s in steps:
        for p, total in zip(s.node.parents, s.parent_grads):
            final[id(p)] = float(total)
    y.backward()
    assert (final[id(a)], final[id(b)]) == (a.grad, b.grad)  # bit for bit
    graph_steps = list(backward_steps(y, create_graph=True))
    # Gradients that depend on a node are Values; constant ones stay floats.
    under_tanh = next(
        s
        for s in graph_steps
        if s.node.op == "*" and s.node.parents[0] is a and s.node.parents[1] is b
    )
    assert isinstance(under_tanh.upstream, Value)
    assert under_tanh.upstream.data == pytest.approx(1 - math.tanh(0.3 * -1.2) ** 2)


def test_trace_backward_and_draw_graph_work_on_a_derivative_graph() -> None:
    from autograd_mini.viz import draw_graph, trace_backward

    x = Value(0.5, label="x")
    (dy,) = grad(x.tanh(), [x], create_graph=True)
    assert isinstance(dy, Value) and dy.data == pytest.approx(1 - math.tanh(0.5) ** 2)
    trace = trace_backward(dy)
    assert trace[-1].parent_grads  # it steps through d/dx of the derivative
    source = draw_graph(dy).source
    assert "tanh" in source and "x" in source


# ---------------------------------------------------------------------------
# fixes on the way: finite results are never refused for their slope
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda: Value(1e300) / Value(1e-5), 1e300 / 1e-5),
        (lambda: Value(1e-320).log(), math.log(1e-320)),
        (lambda: Value(1e-320) ** 0.01, 1e-320**0.01),
        (lambda: Value(0.0) / 1e-320, 0.0),
    ],
)
def test_a_finite_result_is_returned_even_when_its_slope_overflows(
    make: Callable[[], Value], expected: float
) -> None:
    assert make().data == expected
    with no_grad():
        assert make().data == expected
    with pytest.raises(OverflowError, match="backward: the gradient at node"):
        make().backward()


def test_a_value_of_a_value_says_a_value_is_not_accepted() -> None:
    with pytest.raises(TypeError, match=r"^Value: data must be a number, not a Value"):
        Value(Value(1.0))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"got a Value \(pass x.data\)"):
        Value(1.0).backward(Value(1.0))  # type: ignore[arg-type]
