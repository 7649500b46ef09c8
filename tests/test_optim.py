"""Optimizers against hand-computed updates, all-or-nothing steps, argument checks,
and the learning-rate schedules."""

import math

import pytest

from autograd_mini import Value
from autograd_mini.nn import MLP
from autograd_mini.optim import SGD, Adam, linear_decay, step_decay


def run(opt, params, grads_per_step):
    history = []
    for grads in grads_per_step:
        for p, g in zip(params, grads, strict=True):
            p.grad = g
        opt.step()
        history.append([p.data for p in params])
    return history


# ----------------------------------------------------------------------------
# SGD
# ----------------------------------------------------------------------------


def test_sgd_plain_step_is_p_minus_lr_g():
    a, b = Value(1.0), Value(-2.0)
    steps = run(SGD([a, b], lr=0.5), [a, b], [[0.2, -4.0], [1.0, 0.0]])
    assert steps[0] == pytest.approx([0.9, 0.0])
    assert steps[1] == pytest.approx([0.4, 0.0])


def test_sgd_momentum_and_weight_decay_by_hand():
    w = Value(2.0)
    opt = SGD([w], lr=0.1, momentum=0.5, weight_decay=0.1)
    steps = run(opt, [w], [[1.0], [1.0], [-2.0]])
    # step 1: g' = 1 + 0.1*2 = 1.2; buf = 1.2; w = 2 - 0.12 = 1.88
    # step 2: g' = 1 + 0.188 = 1.188; buf = 0.6 + 1.188 = 1.788; w = 1.88 - 0.1788 = 1.7012
    # step 3: g' = -2 + 0.17012 = -1.82988; buf = 0.894 - 1.82988 = -0.93588; w = 1.7012 + 0.093588
    assert [s[0] for s in steps] == pytest.approx([1.88, 1.7012, 1.794788], rel=1e-12)


def test_sgd_accepts_a_module_and_zero_grad_clears_grads():
    model = MLP(2, [3, 1], seed=0)
    opt = SGD(model, lr=0.1)
    assert opt.params == model.parameters()
    for p in model.parameters():
        p.grad = 1.0
    opt.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


# ----------------------------------------------------------------------------
# Adam
# ----------------------------------------------------------------------------


def test_adam_first_steps_by_hand():
    w = Value(1.0)
    opt = Adam([w], lr=0.1, betas=(0.9, 0.999), eps=1e-8)
    run(opt, [w], [[2.0]])
    # m = 0.2, v = 0.004; m_hat = 2, v_hat = 4; step = 0.1 * 2 / (2 + 1e-8)
    assert w.data == pytest.approx(1.0 - 0.1 * 2 / (2 + 1e-8), rel=1e-14)
    run(opt, [w], [[-1.0]])
    m = 0.9 * 0.2 + 0.1 * -1.0  # 0.08
    v = 0.999 * 0.004 + 0.001 * 1.0  # 0.004996
    m_hat, v_hat = m / (1 - 0.9**2), v / (1 - 0.999**2)
    expected = 1.0 - 0.1 * 2 / (2 + 1e-8) - 0.1 * m_hat / (math.sqrt(v_hat) + 1e-8)
    assert w.data == pytest.approx(expected, rel=1e-14)
    assert opt.steps == 2


def test_adam_weight_decay_adds_to_the_gradient():
    w = Value(3.0)
    opt = Adam([w], lr=0.01, weight_decay=0.5)
    run(opt, [w], [[0.0]])  # g' = 0.5 * 3 = 1.5 > 0, so w moves down by lr
    assert w.data == pytest.approx(3.0 - 0.01 * 1.5 / (1.5 + 1e-8), rel=1e-14)


def test_adam_defaults_match_the_api():
    opt = Adam([Value(0.0)])
    assert (opt.lr, opt.betas, opt.eps, opt.weight_decay) == (1e-3, (0.9, 0.999), 1e-8, 0.0)


# ----------------------------------------------------------------------------
# all-or-nothing steps
# ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make", [lambda ps: SGD(ps, lr=0.1, momentum=0.9), lambda ps: Adam(ps, lr=0.1)]
)
def test_step_with_a_non_finite_grad_changes_nothing_and_names_the_parameter(make):
    a, b, c = Value(1.0, label="a"), Value(2.0, label="b"), Value(3.0, label="c")
    opt = make([a, b, c])
    run(opt, [a, b, c], [[1.0, 1.0, 1.0]])
    before = [a.data, b.data, c.data]
    a.grad, b.grad, c.grad = 1.0, 1.0, float("nan")
    with pytest.raises(
        ValueError, match=r"gradient of parameter 'c' is nan; no parameter was changed"
    ):
        opt.step()
    assert [a.data, b.data, c.data] == before
    # The optimizer state did not move either: a fresh optimizer replaying the
    # same good steps lands on exactly the same numbers.
    c.grad = 1.0
    opt.step()
    a2, b2, c2 = Value(1.0), Value(2.0), Value(3.0)
    twin = make([a2, b2, c2])
    run(twin, [a2, b2, c2], [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]])
    assert [a.data, b.data, c.data] == [a2.data, b2.data, c2.data]


def test_step_names_module_parameters_by_their_dotted_name():
    model = MLP(2, [2, 1], seed=0)
    opt = Adam(model, lr=0.1)
    model.layers[1].neurons[0].w[1].grad = float("inf")
    with pytest.raises(
        ValueError, match=r"Adam: gradient of parameter 'layers.1.neurons.0.w.1' is inf"
    ):
        opt.step()


def test_step_whose_update_overflows_changes_nothing():
    a, b = Value(1.0), Value(1e308)
    opt = SGD([a, b], lr=1.0)
    a.grad, b.grad = 1.0, -1e308
    with pytest.raises(ValueError, match="SGD: the update of parameter '#1' is not finite"):
        opt.step()
    assert (a.data, b.data) == (1.0, 1e308)


# ----------------------------------------------------------------------------
# argument checks
# ----------------------------------------------------------------------------


@pytest.mark.parametrize("lr", [0.0, -0.1, float("nan"), float("inf")])
def test_bad_lr_is_a_value_error_naming_lr(lr):
    with pytest.raises(ValueError, match=r"SGD: lr must be a number > 0, got"):
        SGD([Value(1.0)], lr=lr)
    opt = Adam([Value(1.0)], lr=0.1)
    with pytest.raises(ValueError, match=r"Adam: lr must be a number > 0"):
        opt.lr = lr
    assert opt.lr == 0.1


def test_lr_is_settable():
    w = Value(1.0)
    opt = SGD([w], lr=0.1)
    opt.lr = 0.5
    w.grad = 1.0
    opt.step()
    assert w.data == 0.5


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"momentum": -0.1}, "SGD: momentum must be a number >= 0 and < 1, got -0.1"),
        ({"momentum": 1.0}, "SGD: momentum must be a number >= 0 and < 1, got 1.0"),
        ({"weight_decay": -1.0}, "SGD: weight_decay must be a number >= 0, got -1.0"),
    ],
)
def test_bad_sgd_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        SGD([Value(1.0)], lr=0.1, **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"betas": (1.0, 0.999)}, r"Adam: betas\[0\] must be a number >= 0 and < 1, got 1.0"),
        ({"betas": (0.9, -0.1)}, r"Adam: betas\[1\] must be a number >= 0 and < 1, got -0.1"),
        ({"betas": (0.9,)}, r"Adam: betas must be a pair of numbers, got \(0.9,\)"),
        ({"eps": 0.0}, "Adam: eps must be a number > 0, got 0.0"),
        ({"weight_decay": float("nan")}, "Adam: weight_decay must be a number >= 0, got nan"),
    ],
)
def test_bad_adam_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Adam([Value(1.0)], **kwargs)


def test_bad_params():
    with pytest.raises(ValueError, match="SGD: params is empty"):
        SGD([], lr=0.1)
    with pytest.raises(TypeError, match=r"SGD: params\[1\] must be a Value, got float"):
        SGD([Value(1.0), 2.0], lr=0.1)
    with pytest.raises(
        TypeError, match="Adam: params must be a list of Values or a Module, got Value"
    ):
        Adam(Value(1.0))
    w = Value(1.0)
    with pytest.raises(ValueError, match="SGD: params contains the same Value more than once"):
        SGD([w, w], lr=0.1)
    with pytest.raises(TypeError, match=r"SGD: lr must be a number > 0, got True \(a bool\)"):
        SGD([Value(1.0)], lr=True)


# ----------------------------------------------------------------------------
# schedules
# ----------------------------------------------------------------------------


def test_linear_decay_hits_both_ends_and_clamps():
    schedule = linear_decay(0.5, 0.05, epochs=10)
    assert schedule(0) == 0.5
    assert schedule(9) == pytest.approx(0.05)
    assert schedule(4) == pytest.approx(0.5 - 0.45 * 4 / 9)
    assert schedule(50) == pytest.approx(0.05)
    assert linear_decay(0.3, 0.1, epochs=1)(0) == 0.3


def test_step_decay():
    schedule = step_decay(0.8, 0.5, every=3)
    assert [schedule(e) for e in range(7)] == [0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: linear_decay(0.0, 0.1, 10), "linear_decay: start must be a number > 0"),
        (lambda: linear_decay(0.1, -1.0, 10), "linear_decay: end must be a number > 0"),
        (lambda: linear_decay(0.1, 0.01, 0), "linear_decay: epochs must be a positive int, got 0"),
        (lambda: step_decay(0.1, 1.5, 2), "step_decay: factor must be <= 1, got 1.5"),
        (lambda: step_decay(0.1, 0.5, 0), "step_decay: every must be a positive int, got 0"),
    ],
)
def test_bad_schedule_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()
