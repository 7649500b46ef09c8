"""numerical_grad and gradcheck: closed forms, a deliberately wrong derivative
that must be caught and reported, state restored, argument checks."""

import math

import pytest

from autograd_mini import Value
from autograd_mini.engine import OPS
from autograd_mini.gradcheck import GradcheckReport, gradcheck, numerical_grad


def test_numerical_grad_matches_closed_forms():
    x, y = Value(1.3), Value(-0.4)
    grads = numerical_grad(lambda a, b: a * a * b + b.exp(), [x, y])
    assert grads[0] == pytest.approx(2 * 1.3 * -0.4, abs=1e-7)
    assert grads[1] == pytest.approx(1.3**2 + math.exp(-0.4), abs=1e-7)


def test_numerical_grad_uses_the_given_eps():
    # For x**3 the central difference is exactly 3x^2 + eps^2.
    x = Value(1.0)
    assert numerical_grad(lambda v: v**3, [x], eps=0.1)[0] == pytest.approx(3.01, rel=1e-12)


def test_numerical_grad_restores_data_exactly_and_builds_no_graph():
    x = Value(0.1 + 0.2)
    seen_parents = []

    def f(v):
        out = v * 3
        seen_parents.append(out.parents)
        return out

    numerical_grad(f, [x], eps=1e-3)
    assert x.data == 0.1 + 0.2
    assert seen_parents == [(), ()]  # evaluated under no_grad


@pytest.mark.parametrize("op", [name for name, info in OPS.items() if info.arity == 1])
def test_gradcheck_passes_for_every_unary_engine_op(op):
    info = OPS[op]
    x = Value(0.3 * info.sample_low + 0.7 * info.sample_high)
    f = (lambda v: -v) if op == "neg" else (lambda v: getattr(v, op)())
    assert gradcheck(f, [x])


def test_gradcheck_passes_for_a_composite_with_shared_subexpressions():
    a, b, c = Value(0.7, label="a"), Value(-1.1, label="b"), Value(2.0, label="c")

    def f(a, b, c):
        shared = a * b + c
        return (shared * shared.tanh() + shared / c) ** 2

    report = gradcheck(f, [a, b, c])
    assert report and report.ok
    assert len(report.analytic) == len(report.numeric) == 3


def wrong_square(v):
    """v**2 with a deliberately wrong local derivative (x instead of 2x)."""
    out = v * v
    out.local_grads = (v.data * 0.5, v.data * 0.5)
    return out


def test_gradcheck_catches_a_wrong_derivative_and_reports_the_worst_input():
    good, bad = Value(1.0, label="good"), Value(3.0, label="bad")
    report = gradcheck(lambda g, b: g * 2 + wrong_square(b), [good, bad])
    assert not report
    assert isinstance(report, GradcheckReport)
    assert report.worst == 1
    assert report.analytic[1] == 3.0
    assert report.numeric[1] == pytest.approx(6.0, abs=1e-6)
    text = str(report)
    assert text.startswith(
        "gradcheck FAILED for 2 inputs; worst: input 1 'bad': analytic 3, numeric 6"
    )
    assert "> tolerance" in text


def test_gradcheck_restores_grads_and_data():
    x = Value(2.0)
    x.grad = 7.0
    assert gradcheck(lambda v: v.log(), [x])
    assert (x.data, x.grad) == (2.0, 7.0)


def test_gradcheck_tolerances_are_respected():
    x = Value(1.0, label="x")
    # analytic 1.0 vs numeric 2.0: difference 1.0
    assert gradcheck(wrong_square, [x], atol=1.01, rtol=0.0)
    assert not gradcheck(wrong_square, [x], atol=0.99, rtol=0.0)
    assert gradcheck(wrong_square, [x], atol=0.0, rtol=0.51)


def test_unlabelled_inputs_are_named_by_index():
    report = gradcheck(lambda a, b: wrong_square(b) + a, [Value(1.0), Value(2.0)])
    assert "worst: input 1:" in str(report)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: numerical_grad(lambda v: v, []), ValueError, "numerical_grad: inputs is empty"),
        (
            lambda: numerical_grad(lambda v: v, [1.0]),  # type: ignore[list-item]
            TypeError,
            r"numerical_grad: inputs\[0\] must be a Value, got float",
        ),
        (
            lambda: gradcheck(lambda v: v, Value(1.0)),  # type: ignore[arg-type]
            TypeError,
            "gradcheck: inputs must be a list of Values, got Value",
        ),
        (
            lambda: numerical_grad(lambda v: v, [Value(1.0)], eps=0),
            ValueError,
            "numerical_grad: eps must be a number > 0, got 0",
        ),
        (
            lambda: gradcheck(lambda v: v, [Value(1.0)], atol=-1),
            ValueError,
            "gradcheck: atol must be a number >= 0, got -1",
        ),
        (
            lambda: gradcheck(lambda v: 3.0, [Value(1.0)]),  # type: ignore[arg-type, return-value]
            TypeError,
            "gradcheck: f must return a Value, got float",
        ),
        (
            lambda: numerical_grad(lambda v: 3.0, [Value(1.0)]),  # type: ignore[arg-type, return-value]
            TypeError,
            "numerical_grad: f must return a Value, got float",
        ),
    ],
)
def test_bad_arguments(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_one_input_is_singular():
    text = str(gradcheck(wrong_square, [Value(1.0)]))
    assert text.startswith("gradcheck FAILED for 1 input; worst: input 0: analytic 1, numeric 2")


def test_repeated_labels_are_told_apart_by_index():
    # Two neurons, both with a "w0": the report must say which one is wrong.
    first, second = Value(1.0, label="w0"), Value(3.0, label="w0")
    report = gradcheck(lambda a, b: a * 2 + wrong_square(b), [first, second])
    assert report.names == ("w0", "w0")
    assert "worst: input 1 'w0':" in str(report)


def test_names_from_named_parameters_appear_in_the_report():
    from autograd_mini.nn import MLP

    model = MLP(2, [2, 1], seed=0)
    pairs = model.named_parameters()
    target = pairs[4][1]  # layers.0.neurons.1.w.1 (after w.0, w.1, b of neuron 0, then w.0)

    def loss(*params):
        # the model's output, plus a wrong-derivative term on one parameter
        return model([0.5, -1.0]) + wrong_square(params[4]) - target * target

    report = gradcheck(loss, [v for _, v in pairs], names=[n for n, _ in pairs])
    assert report.names == tuple(n for n, _ in pairs)
    assert report.worst == 4
    assert f"worst: input 4 {pairs[4][0]!r}:" in str(report)
    assert pairs[4][0] == "layers.0.neurons.1.w.1"


@pytest.mark.parametrize(
    ("names", "error", "message"),
    [
        ("ab", TypeError, "gradcheck: names must be a list of str, got str"),
        (["a", 1], TypeError, r"gradcheck: names\[1\] must be a str, got int"),
        (["a"], ValueError, r"gradcheck: names must have one entry per input \(2\), got 1"),
    ],
)
def test_bad_names_are_refused(names, error, message):
    with pytest.raises(error, match=message):
        gradcheck(lambda a, b: a * b, [Value(1.0), Value(2.0)], names=names)


def test_gradcheck_of_a_non_leaf_input_leaves_its_ancestors_untouched() -> None:
    w = Value(2.0)
    w.grad = 0.25
    h = w * 3
    report = gradcheck(lambda v: v * v, [h])
    assert report
    assert report.analytic[0] == pytest.approx(12.0)
    assert (w.grad, h.grad) == (0.25, 0.0)
