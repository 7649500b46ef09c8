"""autograd_mini.functional: JAX-style transforms, checked against HIPS autograd.

HIPS autograd (a reference engine, in the dev extra) gives the expected numbers for
nested derivatives, Hessians and Jacobians; its own test of closures over an
enclosing scope (answer 2.0) and the perturbation-confusion example are
reproduced here.
"""

from __future__ import annotations

import math
import random

import autograd
import autograd.numpy as anp
import pytest

from autograd_mini import Value
from autograd_mini.functional import grad, hessian, hvp, jacobian, value_and_grad


def test_enclosing_scope_reference_as_in_hips_autograd() -> None:
    # HIPS autograd's test_enclosing_scope_ref: the inner gradient is x itself,
    # so d/dx [x * x] = 2x = 2 at x = 1. Taken as a constant it would be 1.
    def fun(x: Value) -> Value:
        inner = lambda y: x * y  # noqa: E731
        inner_slope: Value = grad(inner)(x)
        return x * inner_slope

    assert grad(fun)(1.0) == 2.0
    expected = autograd.grad(lambda x: x * autograd.grad(lambda y: x * y)(x))(1.0)
    assert expected == 2.0


def test_no_perturbation_confusion() -> None:
    # d/dx [x * (d/dy (x + y))] at x = 1 is 1, not 2.
    f = lambda x: x * grad(lambda y: x + y)(1.0)  # noqa: E731
    assert grad(f)(1.0) == 1.0
    g = lambda x: x * grad(lambda y: x + y)(x)  # the same x passed in  # noqa: E731
    assert grad(g)(1.0) == 1.0


def test_nested_grads_are_floats_outside_and_match_closed_forms() -> None:
    f = lambda x: x.sin() * x  # noqa: E731
    x0 = 0.8
    d1, d2, d3 = grad(f)(x0), grad(grad(f))(x0), grad(grad(grad(f)))(x0)
    assert all(type(d) is float for d in (d1, d2, d3))
    assert d1 == pytest.approx(math.cos(x0) * x0 + math.sin(x0), rel=1e-12)
    assert d2 == pytest.approx(2 * math.cos(x0) - x0 * math.sin(x0), rel=1e-12)
    assert d3 == pytest.approx(-3 * math.sin(x0) - x0 * math.cos(x0), rel=1e-12)


def test_inside_a_transform_results_are_values() -> None:
    seen: list[object] = []

    def outer(x: Value) -> Value:
        value, slope = value_and_grad(lambda y: y * y * x)(x)
        seen.extend([value, slope])
        assert isinstance(slope, Value)
        return slope

    assert grad(outer)(2.0) == 8.0  # the slope 2yx at y = x is 2x², whose derivative is 4x
    assert all(isinstance(v, Value) for v in seen)
    assert value_and_grad(lambda y: y * y)(3.0) == (9.0, 6.0)


def test_value_arguments_are_accepted_and_left_alone() -> None:
    x = Value(2.0, label="x")
    assert grad(lambda v: v * v)(x) == 4.0
    assert x.grad == 0.0


def test_constant_function_has_zero_gradient() -> None:
    assert grad(lambda x: 3.0)(1.0) == 0.0
    assert hessian(lambda x, y: x * 2.0 + y, argnums=(0, 1))(1.0, 2.0) == ((0.0, 0.0), (0.0, 0.0))


def _poly(a: object, b: object) -> object:
    return a * a * b + (a * b).sin() + b.exp() / (a * a + 1.0)  # type: ignore[operator,attr-defined]


def _poly_np(a: object, b: object) -> object:
    return a * a * b + anp.sin(a * b) + anp.exp(b) / (a * a + 1.0)  # type: ignore[operator]


def test_hessian_with_two_argnums_matches_hips_autograd() -> None:
    for a0, b0 in ((0.3, -0.7), (1.5, 0.2)):
        ours = hessian(_poly, argnums=(0, 1))(a0, b0)
        theirs = autograd.hessian(lambda v: _poly_np(v[0], v[1]))(anp.array([a0, b0]))
        for i in range(2):
            for j in range(2):
                assert ours[i][j] == pytest.approx(float(theirs[i][j]), rel=1e-10)


def test_jacobian_shapes_and_values() -> None:
    f = lambda x, y: [x * y, x + y, (x / y).exp()]  # noqa: E731
    rows = jacobian(f, argnums=(0, 1))(2.0, 4.0)
    assert isinstance(rows, list) and len(rows) == 3
    assert rows[0] == (4.0, 2.0) and rows[1] == (1.0, 1.0)
    assert rows[2][0] == pytest.approx(math.exp(0.5) / 4) and rows[2][1] == pytest.approx(
        -2 * math.exp(0.5) / 16
    )
    assert jacobian(lambda x: (x * 2.0, x * x))(3.0) == (2.0, 6.0)


def test_hvp_equals_hessian_times_vector() -> None:
    h = hessian(_poly, argnums=(0, 1))(0.4, 0.9)
    v = (0.3, -2.0)
    ours = hvp(_poly, (0.4, 0.9), v)
    for i in range(2):
        assert ours[i] == pytest.approx(h[i][0] * v[0] + h[i][1] * v[1], rel=1e-12)


def test_non_scalar_output_gives_a_jax_like_error() -> None:
    with pytest.raises(
        TypeError, match=r"grad: only defined for functions returning one scalar.*list.*jacobian"
    ):
        grad(lambda x: [x, x])(1.0)
    with pytest.raises(
        TypeError, match=r"hvp: only defined for functions returning one scalar.*returned str"
    ):
        hvp(lambda x: "x", (1.0,), (1.0,))
    with pytest.raises(TypeError, match=r"jacobian: .*str \(output 1\)"):
        jacobian(lambda x: [x, "no"])(1.0)


@pytest.mark.parametrize(
    "call, error, pattern",
    [
        (lambda: grad(lambda x: x, argnums=2)(1.0), ValueError, "argnums 2 is out of range"),
        (
            lambda: grad(lambda x: x, argnums="0")(1.0),  # type: ignore[arg-type]
            TypeError,
            "argnums must be an int",
        ),
        (
            lambda: grad(lambda x: x)("1.0"),
            TypeError,
            "argument 0 must be a number or a Value, got str",
        ),
        (lambda: grad(lambda x: x)(True), TypeError, "got bool"),
        (lambda: hvp(lambda x: x, (1.0,), ()), ValueError, "one tangent per primal"),
    ],
)
def test_bad_arguments_are_named(call: object, error: type, pattern: str) -> None:
    with pytest.raises(error, match=pattern):
        call()  # type: ignore[operator]


# ---------------------------------------------------------------------------
# the Hessian of a small MLP's loss, against HIPS autograd
# ---------------------------------------------------------------------------

SIZES = (2, 3, 1)
POINTS = [(0.5, -1.0), (1.5, 0.3), (-0.7, 0.8), (0.1, 0.1)]
TARGETS = [1.0, -1.0, 0.5, 0.0]


def _n_params() -> int:
    return sum((SIZES[k] + 1) * SIZES[k + 1] for k in range(len(SIZES) - 1))


def _mlp_loss(*params: Value) -> Value:
    """A 2-3-1 tanh MLP written with Value.dot (as nn builds it), mean squared error."""
    total: Value | float = 0.0
    for point, target in zip(POINTS, TARGETS):
        activations: list[Value | float] = list(point)
        k = 0
        for layer in range(len(SIZES) - 1):
            nin, nout = SIZES[layer], SIZES[layer + 1]
            outs = []
            for _ in range(nout):
                w, b = list(params[k : k + nin]), params[k + nin]
                k += nin + 1
                z = Value.dot(w, activations, bias=b)
                outs.append(z.tanh() if layer < len(SIZES) - 2 else z)
            activations = outs  # type: ignore[assignment]
        error = activations[0] - target
        total = total + error * error
    return total * (1.0 / len(POINTS))  # type: ignore[return-value]


def _mlp_loss_np(params: object) -> object:
    total = 0.0
    for point, target in zip(POINTS, TARGETS):
        activations = list(point)
        k = 0
        for layer in range(len(SIZES) - 1):
            nin, nout = SIZES[layer], SIZES[layer + 1]
            outs = []
            for _ in range(nout):
                z = params[k + nin]  # type: ignore[index]
                for i in range(nin):
                    z = z + params[k + i] * activations[i]  # type: ignore[index]
                k += nin + 1
                outs.append(anp.tanh(z) if layer < len(SIZES) - 2 else z)
            activations = outs
        total = total + (activations[0] - target) ** 2
    return total / len(POINTS)


def test_hessian_of_a_small_mlp_loss_matches_hips_autograd() -> None:
    rng = random.Random(3)
    params = [rng.uniform(-1.0, 1.0) for _ in range(_n_params())]
    n = len(params)
    ours = hessian(_mlp_loss, argnums=tuple(range(n)))(*params)
    theirs = autograd.hessian(_mlp_loss_np)(anp.array(params))
    assert len(ours) == n and all(len(row) == n for row in ours)
    for i in range(n):
        for j in range(n):
            assert ours[i][j] == pytest.approx(float(theirs[i, j]), rel=1e-9, abs=1e-12), (i, j)
    # symmetric, as a Hessian must be
    assert all(
        ours[i][j] == pytest.approx(ours[j][i], rel=1e-12, abs=1e-14)
        for i in range(n)
        for j in range(n)
    )
