"""Losses: closed forms at hand-picked points, finite differences, the composed
engine-op chain as a second oracle, stability at |logit| = 1000, bad inputs."""

import math

import pytest

from autograd_mini import Value, no_grad
from autograd_mini.gradcheck import gradcheck
from autograd_mini.losses import binary_cross_entropy, cross_entropy, hinge, hinge_labels, l2, mse


def central_difference(loss_of_numbers, xs, i, h=1e-6):
    """d loss / d xs[i] from plain floats: independent of Value and gradcheck."""
    up = list(xs)
    down = list(xs)
    up[i] += h
    down[i] -= h
    return (loss_of_numbers(up) - loss_of_numbers(down)) / (2 * h)


def grads_of(loss_fn, xs, *args):
    values = [Value(x) for x in xs]
    out = loss_fn(values, *args)
    out.backward()
    return out, [v.grad for v in values]


def sigmoid(z):
    return 1 / (1 + math.exp(-z))


# ----------------------------------------------------------------------------
# mse
# ----------------------------------------------------------------------------


def test_mse_closed_form_and_gradients():
    out, grads = grads_of(mse, [1.0, 3.0, -2.0], [0.0, 1.0, 1.0])
    assert out.data == pytest.approx((1 + 4 + 9) / 3)
    assert grads == pytest.approx([2 * 1 / 3, 2 * 2 / 3, 2 * -3 / 3])


def test_mse_matches_composed_engine_ops_and_finite_differences():
    xs, ts = [0.3, -1.2, 2.5, 0.0], [1.0, -1.0, 2.0, 0.5]
    out, grads = grads_of(mse, xs, ts)
    values = [Value(x) for x in xs]
    chain = Value.sum([(v - t) ** 2 for v, t in zip(values, ts, strict=True)]) / len(xs)
    chain.backward()
    assert out.data == pytest.approx(chain.data, rel=1e-12)
    assert grads == pytest.approx([v.grad for v in values], rel=1e-12)

    def f(p):
        return sum((a - b) ** 2 for a, b in zip(p, ts, strict=True)) / len(p)

    for i in range(len(xs)):
        assert grads[i] == pytest.approx(central_difference(f, xs, i), abs=1e-6)


def test_mse_is_one_node_whose_parents_are_the_value_predictions():
    a, b = Value(1.0), Value(2.0)
    out = mse([a, 5.0, b], [0.0, 5.0, 0.0])
    assert out.op == "mse"
    assert out.parents == (a, b)
    assert out.data == pytest.approx(5 / 3)


# ----------------------------------------------------------------------------
# hinge
# ----------------------------------------------------------------------------


def test_hinge_closed_form_and_gradients():
    out, grads = grads_of(hinge, [0.5, -3.0, 2.0, -0.2], [1, -1, -1, 1])
    # margins 1 - y*s: 0.5, -2 (inactive), 3, 1.2
    assert out.data == pytest.approx((0.5 + 0 + 3 + 1.2) / 4)
    assert grads == pytest.approx([-1 / 4, 0.0, 1 / 4, -1 / 4])


def test_hinge_gradient_is_zero_exactly_at_the_hinge():
    out, grads = grads_of(hinge, [1.0], [1])
    assert out.data == 0.0
    assert grads == [0.0]


def test_hinge_matches_finite_differences():
    xs, ys = [0.3, -0.7, 1.9, -2.2], [1, 1, -1, -1]

    def f(s):
        return sum(max(0.0, 1 - y * v) for v, y in zip(s, ys, strict=True)) / len(s)

    _, grads = grads_of(hinge, xs, ys)
    for i in range(len(xs)):
        assert grads[i] == pytest.approx(central_difference(f, xs, i), abs=1e-6)


def test_hinge_rejects_zero_one_labels_with_a_hint():
    with pytest.raises(
        ValueError,
        match=r"hinge: labels\[1\] must be one of \[-1, 1\], got 0 "
        r"\(hinge_labels maps 0/1 to -1/\+1\)",
    ):
        hinge([Value(1.0), Value(2.0)], [1, 0])


def test_hinge_labels_turn_class_indices_into_signs():
    assert hinge_labels([0, 1, 0, 1]) == [-1, 1, -1, 1]
    assert hinge_labels([-1, 1]) == [-1, 1]
    assert hinge_labels([1.0, 0.0]) == [1, -1]
    scores = [Value(0.5), Value(-2.0)]
    assert hinge(scores, hinge_labels([1, 0])).data == hinge(scores, [1, -1]).data == 0.25
    with pytest.raises(ValueError, match=r"^hinge_labels: labels must be 0/1 or -1/\+1, got 2$"):
        hinge_labels([0, 2])
    with pytest.raises(TypeError, match=r"^hinge_labels: labels must be numbers, got str$"):
        hinge_labels(["1"])
    with pytest.raises(TypeError, match=r"^hinge_labels: labels must be numbers, got bool$"):
        hinge_labels([True])


# ----------------------------------------------------------------------------
# binary cross-entropy
# ----------------------------------------------------------------------------


@pytest.mark.parametrize("z", [-3.0, -0.4, 0.0, 0.7, 4.0])
@pytest.mark.parametrize("y", [0, 1])
def test_bce_matches_textbook_formula_and_derivative(z, y):
    p = sigmoid(z)
    textbook = -(y * math.log(p) + (1 - y) * math.log(1 - p))
    out, grads = grads_of(binary_cross_entropy, [z], [y])
    assert out.data == pytest.approx(textbook, rel=1e-12)
    assert grads[0] == pytest.approx(p - y, rel=1e-12, abs=1e-15)

    def f(zs):
        q = sigmoid(zs[0])
        return -(y * math.log(q) + (1 - y) * math.log(1 - q))

    assert grads[0] == pytest.approx(central_difference(f, [z], 0), abs=1e-6)


def test_bce_is_exact_and_finite_at_logit_1000():
    zs = [1000.0, -1000.0, 1000.0, -1000.0]
    out, grads = grads_of(binary_cross_entropy, zs, [1, 1, 0, 0])
    # confident right: 0 loss; confident wrong: loss |z| = 1000 each
    assert out.data == pytest.approx((0 + 1000 + 1000 + 0) / 4, rel=1e-15)
    assert grads == pytest.approx([0.0, -1 / 4, 1 / 4, 0.0], abs=1e-300)
    assert all(math.isfinite(g) for g in grads)


def test_bce_mean_over_samples_matches_composed_engine_ops():
    zs, ys = [0.2, -1.5, 2.0], [1, 0, 0]
    out, grads = grads_of(binary_cross_entropy, zs, ys)
    values = [Value(z) for z in zs]
    terms = [
        -(y * v.sigmoid().log() + (1 - y) * (1 - v.sigmoid()).log())
        for v, y in zip(values, ys, strict=True)
    ]
    chain = Value.sum(terms) / 3
    chain.backward()
    assert out.data == pytest.approx(chain.data, rel=1e-12)
    assert grads == pytest.approx([v.grad for v in values], rel=1e-9)


def test_bce_rejects_plus_minus_one_labels():
    with pytest.raises(
        ValueError, match=r"binary_cross_entropy: labels\[0\] must be one of \[0, 1\], got -1"
    ):
        binary_cross_entropy([Value(0.0)], [-1])


# ----------------------------------------------------------------------------
# cross-entropy
# ----------------------------------------------------------------------------


def softmax(z):
    m = max(z)
    e = [math.exp(v - m) for v in z]
    return [v / sum(e) for v in e]


def test_cross_entropy_single_sample_closed_form():
    z = [2.0, -1.0, 0.5]
    out, grads = grads_of(cross_entropy, z, 2)
    p = softmax(z)
    assert out.data == pytest.approx(-math.log(p[2]), rel=1e-12)
    assert grads == pytest.approx([p[0], p[1], p[2] - 1], rel=1e-12)

    def f(zs):
        return -math.log(softmax(zs)[2])

    for i in range(3):
        assert grads[i] == pytest.approx(central_difference(f, z, i), abs=1e-6)


def test_cross_entropy_batch_is_the_mean_of_samples():
    a = [Value(1.0), Value(0.0)]
    b = [Value(-2.0), Value(3.0)]
    out = cross_entropy([a, b], [0, 0])
    out.backward()
    expected = (-math.log(softmax([1.0, 0.0])[0]) - math.log(softmax([-2.0, 3.0])[0])) / 2
    assert out.data == pytest.approx(expected, rel=1e-12)
    assert b[0].grad == pytest.approx((softmax([-2.0, 3.0])[0] - 1) / 2, rel=1e-12)
    assert out.op == "cross_entropy" and len(out.parents) == 4


def test_cross_entropy_log_sum_exp_is_stable_for_huge_logits():
    z = [1000.0, 0.0, -1000.0]
    right, grads = grads_of(cross_entropy, z, 0)
    assert right.data == 0.0
    assert grads == [0.0, 0.0, 0.0]
    wrong, grads = grads_of(cross_entropy, z, 1)
    assert wrong.data == pytest.approx(1000.0, rel=1e-15)
    assert grads == pytest.approx([1.0, -1.0, 0.0])


@pytest.mark.parametrize(
    ("bad", "error"), [(3, ValueError), (-1, ValueError), (True, TypeError), (1.0, TypeError)]
)
def test_cross_entropy_rejects_bad_class_index(bad, error):
    with pytest.raises(error, match=r"^cross_entropy: class"):
        cross_entropy([Value(1.0), Value(2.0), Value(3.0)], bad)


def test_cross_entropy_rejects_mismatched_batch():
    with pytest.raises(
        ValueError,
        match="cross_entropy: logits_list and class_index must have the same length, got 1 and 2",
    ):
        cross_entropy([[Value(1.0), Value(2.0)]], [0, 1])


# ----------------------------------------------------------------------------
# l2
# ----------------------------------------------------------------------------


def test_l2_closed_form_one_node():
    ps = [Value(1.5), Value(-2.0), Value(0.0)]
    out = l2(ps)
    out.backward()
    assert out.data == pytest.approx(1.5**2 + 4.0)
    assert [p.grad for p in ps] == [3.0, -4.0, 0.0]
    assert out.op == "l2" and out.parents == tuple(ps)


def test_l2_counts_a_repeated_parameter_twice():
    p = Value(3.0)
    out = l2([p, p])
    out.backward()
    assert out.data == 18.0
    assert p.grad == 12.0  # d(2 p^2)/dp


def test_l2_rejects_empty_and_non_values():
    with pytest.raises(ValueError, match="l2: parameters is empty"):
        l2([])
    with pytest.raises(TypeError, match="l2: parameter 1 must be a Value, got float"):
        l2([Value(1.0), 2.0])


# ----------------------------------------------------------------------------
# shared behaviour
# ----------------------------------------------------------------------------

ALL = [
    (mse, [0.5, -0.5], [1.0, 0.0]),
    (hinge, [0.5, -0.5], [1, 1]),
    (binary_cross_entropy, [0.5, -0.5], [1, 0]),
]


@pytest.mark.parametrize(("loss", "xs", "ys"), ALL)
def test_losses_build_no_graph_under_no_grad(loss, xs, ys):
    with no_grad():
        out = loss([Value(x) for x in xs], ys)
    assert out.parents == () and out.op == ""


@pytest.mark.parametrize(("loss", "xs", "ys"), ALL)
def test_losses_reject_mismatched_lengths(loss, xs, ys):
    with pytest.raises(
        ValueError, match=f"{loss.__name__}: predictions and .* same length, got 2 and 1"
    ):
        loss([Value(x) for x in xs], ys[:1])


@pytest.mark.parametrize(("loss", "xs", "ys"), ALL)
def test_losses_reject_empty_input(loss, xs, ys):
    with pytest.raises(ValueError, match=f"{loss.__name__}: .* is empty"):
        loss([], [])


@pytest.mark.parametrize(("loss", "xs", "ys"), ALL)
def test_losses_reject_a_single_value_and_bools(loss, xs, ys):
    with pytest.raises(TypeError, match=loss.__name__):
        loss(Value(1.0), ys)
    with pytest.raises(TypeError, match=loss.__name__):
        loss([True, Value(1.0)], ys)


def test_mse_rejects_non_finite_target():
    with pytest.raises(ValueError, match=r"^mse: targets\[0\] must be a finite number, got nan$"):
        mse([Value(1.0)], [float("nan")])


def test_mse_overflow_names_the_loss():
    with pytest.raises(OverflowError, match="mse: result overflows"):
        mse([Value(1e200)], [0.0])


@pytest.mark.parametrize(
    ("name", "f"),
    [
        ("mse", lambda *v: mse(list(v), [0.5, -1.0, 2.0])),
        ("hinge", lambda *v: hinge(list(v), [1, -1, 1])),
        ("binary_cross_entropy", lambda *v: binary_cross_entropy(list(v), [1, 0, 0])),
        ("cross_entropy", lambda *v: cross_entropy([list(v), list(v[::-1])], [0, 2])),
        ("l2", lambda *v: l2(list(v))),
    ],
)
def test_public_gradcheck_agrees_on_every_loss(name, f):
    inputs = [Value(0.3), Value(-1.4), Value(2.2)]
    report = gradcheck(f, inputs)
    assert report, str(report)
    assert f(*inputs).op == name


@pytest.mark.parametrize(
    "loss_fn, labels",
    [
        (mse, [0.5, -1.0, 2.0]),
        (hinge, [1, -1, 1]),
        (binary_cross_entropy, [1, 0, 1]),
    ],
)
def test_plain_numbers_among_predictions_are_constants_not_misaligned(loss_fn, labels) -> None:
    """A number between two Values must not shift the Values' local derivatives."""
    a, c = Value(0.3), Value(-0.7)
    loss_fn([a, 0.9, c], labels).backward()
    mixed = (a.grad, c.grad)
    a2, b2, c2 = Value(0.3), Value(0.9), Value(-0.7)
    loss_fn([a2, b2, c2], labels).backward()
    assert mixed == pytest.approx((a2.grad, c2.grad), rel=1e-12)
