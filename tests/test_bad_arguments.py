"""Bad input across the public API: a TypeError/ValueError naming the argument, and
nothing half-changed (a failed optimizer step, load_state_dict or fit leaves every
parameter exactly as it was).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from autograd_mini import Value, data, gradcheck, losses, optim, train
from autograd_mini.nn import MLP, Layer, Module, Neuron

V = Value


def _mlp() -> MLP:
    return MLP(2, [3, 1], seed=0)


MODEL = _mlp()

# (id, call, expected error, words the message must contain: where and which argument)
BAD_CALLS: list[tuple[str, Callable[[], object], type[Exception], tuple[str, ...]]] = [
    # engine
    ("Value of str", lambda: V("1"), TypeError, ("Value", "str")),  # type: ignore[arg-type]
    ("Value of None", lambda: V(None), TypeError, ("Value", "NoneType")),  # type: ignore[arg-type]
    ("Value of bool", lambda: V(True), TypeError, ("Value", "bool")),
    ("Value of list", lambda: V([1.0]), TypeError, ("Value", "list")),  # type: ignore[arg-type]
    ("Value of complex", lambda: V(1j), TypeError, ("Value", "complex")),  # type: ignore[arg-type]
    ("Value NaN", lambda: V(math.nan), ValueError, ("Value", "nan")),
    ("Value label int", lambda: V(1.0, label=3), TypeError, ("label",)),  # type: ignore[arg-type]
    ("Value + str", lambda: V(1.0) + "1", TypeError, ("+", "str")),  # type: ignore[operator]
    ("dot mismatch", lambda: V.dot([V(1.0)], [1.0, 2.0]), ValueError, ("dot", "length")),
    ("backward seed str", lambda: V(1.0).backward("1"), TypeError, ("backward",)),  # type: ignore[arg-type]
    # nn
    ("MLP nin 0", lambda: MLP(0, [1]), ValueError, ("MLP", "nin")),
    ("MLP nin float", lambda: MLP(2.5, [1]), TypeError, ("MLP", "nin")),  # type: ignore[arg-type]
    ("MLP nin bool", lambda: MLP(True, [1]), TypeError, ("MLP", "nin")),
    ("MLP nouts str", lambda: MLP(2, "ab"), TypeError, ("MLP", "nouts", "'ab'")),  # type: ignore[arg-type]
    ("MLP nouts empty", lambda: MLP(2, []), ValueError, ("MLP", "nouts")),
    ("MLP nouts zero", lambda: MLP(2, [0]), ValueError, ("MLP", "nouts")),
    (
        "MLP unknown activation",
        lambda: MLP(2, [1], activation="swish"),
        ValueError,
        ("MLP", "activation", "swish"),
    ),
    (
        "Neuron activation None",
        lambda: Neuron(2, activation=None),  # type: ignore[arg-type]
        TypeError,
        ("Neuron", "activation", "None"),
    ),
    ("Layer nout negative", lambda: Layer(2, -1), ValueError, ("Layer", "nout")),
    ("model too few features", lambda: MODEL([1.0]), ValueError, ("MLP", "2", "1")),
    ("model too many features", lambda: MODEL([1.0, 2.0, 3.0]), ValueError, ("MLP", "2", "3")),
    ("model no features", lambda: MODEL([]), ValueError, ("MLP",)),
    ("model str input", lambda: MODEL("ab"), TypeError, ("MLP", "str")),  # type: ignore[arg-type]
    ("model None input", lambda: MODEL(None), TypeError, ("MLP",)),  # type: ignore[arg-type]
    ("model NaN feature", lambda: MODEL([math.nan, 1.0]), ValueError, ("nan",)),
    ("model bool feature", lambda: MODEL([True, 1.0]), TypeError, ("bool",)),
    (
        "load_state_dict list",
        lambda: _mlp().load_state_dict([1.0]),  # type: ignore[arg-type]
        TypeError,
        ("load_state_dict",),
    ),
    # losses
    ("mse mismatched", lambda: losses.mse([V(1.0)], [1.0, 2.0]), ValueError, ("mse", "length")),
    ("mse empty", lambda: losses.mse([], []), ValueError, ("mse", "empty")),
    ("mse NaN target", lambda: losses.mse([V(1.0)], [math.nan]), ValueError, ("mse", "targets")),
    ("hinge label 0", lambda: losses.hinge([V(1.0)], [0]), ValueError, ("hinge", "labels")),
    ("hinge label 2", lambda: losses.hinge([V(1.0)], [2]), ValueError, ("hinge", "labels")),
    (
        "bce label 2",
        lambda: losses.binary_cross_entropy([V(1.0)], [2]),
        ValueError,
        ("binary_cross_entropy", "labels"),
    ),
    (
        "bce label 0.5",
        lambda: losses.binary_cross_entropy([V(1.0)], [0.5]),  # type: ignore[list-item]
        ValueError,
        ("binary_cross_entropy", "labels"),
    ),
    (
        "cross_entropy class too big",
        lambda: losses.cross_entropy([V(1.0), V(2.0)], 5),
        ValueError,
        ("cross_entropy", "class"),
    ),
    (
        "cross_entropy class negative",
        lambda: losses.cross_entropy([V(1.0), V(2.0)], -1),
        ValueError,
        ("cross_entropy", "class"),
    ),
    (
        "cross_entropy class str",
        lambda: losses.cross_entropy([V(1.0)], "0"),  # type: ignore[arg-type]
        TypeError,
        ("cross_entropy", "class_index"),
    ),
    (
        "cross_entropy empty logits",
        lambda: losses.cross_entropy([], 0),
        ValueError,
        ("cross_entropy", "empty"),
    ),
    ("l2 empty", lambda: losses.l2([]), ValueError, ("l2",)),
    ("l2 of str", lambda: losses.l2("ab"), TypeError, ("l2",)),  # type: ignore[arg-type]
    # optim
    (
        "SGD negative lr",
        lambda: optim.SGD(MODEL.parameters(), lr=-0.1),
        ValueError,
        ("SGD", "lr", "-0.1"),
    ),
    ("SGD zero lr", lambda: optim.SGD(MODEL.parameters(), lr=0), ValueError, ("SGD", "lr")),
    ("SGD NaN lr", lambda: optim.SGD(MODEL.parameters(), lr=math.nan), ValueError, ("SGD", "lr")),
    ("SGD str lr", lambda: optim.SGD(MODEL.parameters(), lr="0.1"), TypeError, ("SGD", "lr")),  # type: ignore[arg-type]
    ("SGD no params", lambda: optim.SGD([], lr=0.1), ValueError, ("SGD", "params")),
    ("SGD float params", lambda: optim.SGD([1.0], lr=0.1), TypeError, ("SGD", "params")),  # type: ignore[list-item]
    (
        "SGD momentum 1.5",
        lambda: optim.SGD(MODEL.parameters(), lr=0.1, momentum=1.5),
        ValueError,
        ("SGD", "momentum"),
    ),
    (
        "SGD negative weight_decay",
        lambda: optim.SGD(MODEL.parameters(), lr=0.1, weight_decay=-1),
        ValueError,
        ("SGD", "weight_decay"),
    ),
    (
        "Adam negative lr",
        lambda: optim.Adam(MODEL.parameters(), lr=-1e-3),
        ValueError,
        ("Adam", "lr"),
    ),
    (
        "Adam one beta",
        lambda: optim.Adam(MODEL.parameters(), betas=(0.9,)),  # type: ignore[arg-type]
        ValueError,
        ("Adam", "betas"),
    ),
    (
        "Adam beta 1",
        lambda: optim.Adam(MODEL.parameters(), betas=(1.0, 0.9)),
        ValueError,
        ("Adam", "betas"),
    ),
    ("Adam eps 0", lambda: optim.Adam(MODEL.parameters(), eps=0), ValueError, ("Adam", "eps")),
    # data
    ("make_moons n 0", lambda: data.make_moons(0), ValueError, ("make_moons", "n")),
    (
        "make_moons negative noise",
        lambda: data.make_moons(10, noise=-1),
        ValueError,
        ("make_moons", "noise"),
    ),
    ("make_circles n 0", lambda: data.make_circles(0), ValueError, ("make_circles", "n")),
    ("make_xor n 0", lambda: data.make_xor(0), ValueError, ("make_xor", "n")),
    ("make_blobs n 0", lambda: data.make_blobs(0), ValueError, ("make_blobs", "n")),
    (
        "make_circles factor str",
        lambda: data.make_circles(10, factor="x"),  # type: ignore[arg-type]
        TypeError,
        ("make_circles", "factor", "'x'"),
    ),
    (
        "make_blobs centers float",
        lambda: data.make_blobs(10, centers=2.5),  # type: ignore[arg-type]
        TypeError,
        ("make_blobs", "centers", "2.5"),
    ),
    (
        "split fraction str",
        lambda: data.train_test_split([[1.0]] * 4, [0] * 4, test_fraction="x"),  # type: ignore[arg-type]
        TypeError,
        ("train_test_split", "test_fraction", "'x'"),
    ),
    (
        "split fraction 0",
        lambda: data.train_test_split([[1.0]] * 4, [0] * 4, test_fraction=0),
        ValueError,
        ("train_test_split", "test_fraction"),
    ),
    (
        "split mismatched",
        lambda: data.train_test_split([[1.0]] * 4, [0] * 3),
        ValueError,
        ("train_test_split", "length"),
    ),
    (
        "split empty",
        lambda: data.train_test_split([], []),
        ValueError,
        ("train_test_split", "empty"),
    ),
    (
        "batches size 0",
        lambda: data.batches([[1.0]], [0], 0),
        ValueError,
        ("batches", "batch_size"),
    ),
    (
        "batches size 1.5",
        lambda: data.batches([[1.0]], [0], 1.5),  # type: ignore[arg-type]
        TypeError,
        ("batches", "batch_size"),
    ),
    (
        "batches mismatched",
        lambda: data.batches([[1.0]], [0, 1], 1),
        ValueError,
        ("batches", "length"),
    ),
    # train
    (
        "fit unknown loss",
        lambda: train.fit(_mlp(), [[0.0, 1.0]], [1], loss="l1", progress=False),
        ValueError,
        ("fit", "loss", "l1"),
    ),
    (
        "fit epochs 0",
        lambda: train.fit(_mlp(), [[0.0, 1.0]], [1], epochs=0, progress=False),
        ValueError,
        ("fit", "epochs"),
    ),
    (
        "fit batch_size 0",
        lambda: train.fit(_mlp(), [[0.0, 1.0]], [1], batch_size=0, progress=False),
        ValueError,
        ("fit", "batch_size"),
    ),
    (
        "fit empty data",
        lambda: train.fit(_mlp(), [], [], progress=False),
        ValueError,
        ("fit", "empty"),
    ),
    (
        "fit mismatched",
        lambda: train.fit(_mlp(), [[0.0, 1.0]], [1, 1], progress=False),
        ValueError,
        ("fit", "length"),
    ),
    (
        "fit hinge label 2",
        lambda: train.fit(_mlp(), [[0.0, 1.0]], [2], loss="hinge", progress=False),
        ValueError,
        ("fit", "hinge"),
    ),
    (
        "fit NaN target_loss",
        lambda: train.fit(_mlp(), [[0.0, 1.0]], [1], target_loss=math.nan, progress=False),
        ValueError,
        ("fit", "target_loss"),
    ),
    (
        "fit NaN feature",
        lambda: train.fit(_mlp(), [[0.0, 1.0], [math.nan, 1.0]], [1, 0], progress=False),
        ValueError,
        ("fit", "X[1][0]", "nan"),
    ),
    (
        "fit short sample",
        lambda: train.fit(_mlp(), [[0.0, 1.0], [1.0]], [1, 0], progress=False),
        ValueError,
        ("fit", "X[1]"),
    ),
    (
        "fit class index beyond the outputs",
        lambda: train.fit(
            MLP(2, [3, 2], seed=0), [[0.0, 1.0]] * 2, [0, 2], loss="cross_entropy", progress=False
        ),
        ValueError,
        ("fit", "y[1]", "[0, 2)"),
    ),
    # gradcheck
    (
        "numerical_grad eps 0",
        lambda: gradcheck.numerical_grad(lambda x: x * x, [V(1.0)], eps=0),
        ValueError,
        ("numerical_grad", "eps"),
    ),
    (
        "numerical_grad float inputs",
        lambda: gradcheck.numerical_grad(lambda x: x * x, [1.0]),  # type: ignore[list-item]
        TypeError,
        ("numerical_grad", "inputs"),
    ),
]


@pytest.mark.parametrize(
    ("call", "error", "words"), [c[1:] for c in BAD_CALLS], ids=[c[0] for c in BAD_CALLS]
)
def test_bad_argument_raises_a_clear_error(
    call: Callable[[], object], error: type[Exception], words: tuple[str, ...]
) -> None:
    with pytest.raises(error) as caught:
        call()
    message = str(caught.value)
    for word in words:
        assert word in message, f"{word!r} missing from {message!r}"
    assert "\n" not in message


# ---------------------------------------------------------------------------
# nothing half-changed
# ---------------------------------------------------------------------------


def _snapshot(model: Module) -> list[tuple[float, float]]:
    return [(p.data, p.grad) for p in model.parameters()]


def _with_grads(model: Module) -> Module:
    model([0.5, -1.0]).backward()  # type: ignore[union-attr]
    return model


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: optim.SGD(ps, lr=0.1),
        lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01),
        lambda ps: optim.Adam(ps, lr=0.01),
    ],
    ids=["SGD", "SGD momentum", "Adam"],
)
@pytest.mark.parametrize("bad_grad", [math.nan, math.inf, -math.inf])
def test_failed_optimizer_step_changes_no_parameter_and_no_state(
    make: Callable[[list[Value]], optim.Optimizer], bad_grad: float
) -> None:
    model, twin = _with_grads(_mlp()), _with_grads(_mlp())
    opt, twin_opt = make(model.parameters()), make(twin.parameters())
    opt.step()  # one good step first, so momentum / moment estimates exist
    twin_opt.step()
    model.parameters()[-1].grad = bad_grad  # the LAST parameter: all others were fine
    before = _snapshot(model)
    with pytest.raises(ValueError) as caught:
        opt.step()
    assert str(caught.value).endswith(
        f"gradient of parameter 'layers.1.neurons.0.b' is {bad_grad!r}; no parameter was changed"
    )
    assert _snapshot(model) == before
    # The optimizer's own state is untouched too: the next good step matches a twin
    # that never saw the failed one.
    model.parameters()[-1].grad = twin.parameters()[-1].grad
    opt.step()
    twin_opt.step()
    assert [p.data for p in model.parameters()] == [p.data for p in twin.parameters()]


def test_optimizer_step_whose_update_overflows_changes_nothing() -> None:
    model = _mlp()
    opt = optim.SGD(model.parameters(), lr=1e300)
    for p in model.parameters():
        p.grad = 1.0
    model.parameters()[-1].grad = 1e10  # lr * grad = 1e310: not a float
    before = _snapshot(model)
    with pytest.raises(ValueError, match="not finite"):
        opt.step()
    assert _snapshot(model) == before


def test_setting_a_bad_learning_rate_keeps_the_old_one() -> None:
    opt = optim.SGD(_mlp().parameters(), lr=0.1)
    for bad in (-0.1, 0.0, math.nan, math.inf):
        with pytest.raises(ValueError, match="lr"):
            opt.lr = bad
        assert opt.lr == 0.1


def _state_with(change: Callable[[dict[str, object]], object]) -> dict[str, object]:
    state: dict[str, object] = dict(MLP(2, [3, 1], seed=7).state_dict())
    change(state)
    return state


def _last_key(state: dict[str, object]) -> str:
    return list(state)[-1]


BAD_STATES: dict[str, tuple[Callable[[dict[str, object]], object], type[Exception]]] = {
    "NaN in the last entry": (lambda s: s.__setitem__(_last_key(s), math.nan), ValueError),
    "inf in the last entry": (lambda s: s.__setitem__(_last_key(s), math.inf), ValueError),
    "str in the last entry": (lambda s: s.__setitem__(_last_key(s), "0.5"), TypeError),
    "bool in the last entry": (lambda s: s.__setitem__(_last_key(s), True), TypeError),
    "None in the last entry": (lambda s: s.__setitem__(_last_key(s), None), TypeError),
    "missing last key": (lambda s: s.pop(_last_key(s)), ValueError),
    "extra key": (lambda s: s.__setitem__("layers.9.neurons.0.b", 0.0), ValueError),
    "renamed key": (
        lambda s: s.__setitem__("x" + _last_key(s), s.pop(_last_key(s))),
        ValueError,
    ),
}


@pytest.mark.parametrize("damage", list(BAD_STATES))
def test_failed_load_state_dict_changes_no_parameter(damage: str) -> None:
    model = _mlp()
    before = _snapshot(model)
    change, error = BAD_STATES[damage]
    with pytest.raises(error) as caught:
        model.load_state_dict(_state_with(change))  # type: ignore[arg-type]
    assert str(caught.value).startswith("load_state_dict: ")
    assert _snapshot(model) == before


@pytest.mark.parametrize(
    ("X", "y", "loss", "out", "error"),
    [
        ([[0.0, 1.0]] * 9 + [[math.nan, 1.0]], [0, 1] * 5, "hinge", 1, ValueError),
        ([[0.0, 1.0]] * 9 + [[1.0]], [0, 1] * 5, "hinge", 1, ValueError),
        ([[0.0, 1.0]] * 9 + [[1.0, "x"]], [0, 1] * 5, "hinge", 1, TypeError),
        ([[0.0, 1.0]] * 10, [0] * 9 + [7], "cross_entropy", 2, ValueError),
    ],
    ids=[
        "NaN feature in the last sample",
        "short last sample",
        "str feature",
        "class label out of range in the last sample",
    ],
)
def test_fit_rejects_bad_data_before_changing_the_model(
    X: list[list[float]], y: list[int], loss: str, out: int, error: type[Exception]
) -> None:
    # A bad sample late in the data must be found before the first step, not after
    # the model has already been trained on the samples before it.
    for seed in range(4):  # shuffling decides when the bad sample comes
        model = MLP(2, [3, out], seed=0)
        before = _snapshot(model)
        with pytest.raises(error, match=r"^fit: (X|y)\[9\]") as caught:
            train.fit(model, X, y, loss=loss, batch_size=1, epochs=1, progress=False, seed=seed)
        assert _snapshot(model) == before, f"seed {seed}: {caught.value}"


def test_adam_step_with_a_gradient_whose_square_overflows_changes_nothing() -> None:
    # g = 1e200 makes v = g**2 = inf: a step that "succeeds" without moving would
    # freeze the parameter for every later step.
    model, twin = _with_grads(_mlp()), _with_grads(_mlp())
    opt, twin_opt = optim.Adam(model.parameters(), lr=0.01), optim.Adam(twin.parameters(), lr=0.01)
    good_grad = model.parameters()[0].grad
    model.parameters()[0].grad = 1e200
    before = _snapshot(model)
    with pytest.raises(ValueError, match="overflows"):
        opt.step()
    assert _snapshot(model) == before
    model.parameters()[0].grad = good_grad
    opt.step()
    twin_opt.step()
    assert [p.data for p in model.parameters()] == [p.data for p in twin.parameters()]
