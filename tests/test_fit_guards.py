"""fit refuses what would train wrongly, before the first step changes the model.

An optimizer made for another model, validation data the model cannot take,
input numbers the model overflows on, a seed that is not an int: each is one
clear error, raised while the model is still exactly as it was. Messages about
an argument quote at most a bounded excerpt of it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from autograd_mini import Value
from autograd_mini.data import make_blobs, make_xor
from autograd_mini.nn import MLP, Layer, Neuron
from autograd_mini.optim import SGD, Adam
from autograd_mini.train import fit

MESSAGE_LIMIT = 300  # characters; the argument excerpts are far shorter


def xor_model() -> tuple[MLP, list[list[float]], list[int]]:
    X, y = make_xor(40, seed=0)
    return MLP(2, [4, 1], seed=0), X, y


def refused_unchanged(model: MLP, error: type[Exception], match: str, **kwargs: Any) -> str:
    """fit(model, **kwargs) raises `error`, and the model is exactly as before."""
    before = model.state_dict()
    with pytest.raises(error, match=match) as caught:
        fit(model, progress=False, **kwargs)
    assert model.state_dict() == before
    return str(caught.value)


# ----------------------------------------------------------------------------
# the optimizer must update this model
# ----------------------------------------------------------------------------


def test_an_optimizer_made_for_another_model_is_refused() -> None:
    model, X, y = xor_model()
    old = MLP(2, [4, 1], seed=1)  # e.g. the model before `model = load(path)`
    old_before = old.state_dict()
    refused_unchanged(
        model,
        ValueError,
        "fit: the optimizer updates none of the model's parameters",
        X=X,
        y=y,
        optimizer=Adam(old, lr=0.1),
        epochs=3,
    )
    assert old.state_dict() == old_before


def test_an_optimizer_over_part_of_the_model_trains_that_part_only() -> None:
    model, X, y = xor_model()
    frozen = model.layers[0].state_dict()
    last = model.layers[-1].state_dict()
    fit(model, X, y, optimizer=SGD(model.layers[-1], lr=0.1), epochs=3, progress=False)
    assert model.layers[0].state_dict() == frozen
    assert model.layers[-1].state_dict() != last


# ----------------------------------------------------------------------------
# validation data is checked before the first step
# ----------------------------------------------------------------------------


def test_validation_samples_of_the_wrong_width_are_refused_before_training() -> None:
    model, X, y = xor_model()
    wide = ([[0.0, 1.0, 2.0]] * 4, [0, 1, 0, 1])
    message = refused_unchanged(
        model, ValueError, "validation_data", X=X, y=y, validation_data=wide, epochs=2
    )
    assert "3" in message and "2" in message


def test_validation_class_labels_out_of_range_are_refused_before_training() -> None:
    X, y = make_blobs(30, centers=3, seed=0)
    model = MLP(2, [4, 3], seed=0)
    bad = (X[:4], [0, 1, 3, 2])
    refused_unchanged(
        model,
        ValueError,
        r"fit: validation_data: y\[2\] must be a class index in \[0, 3\), got 3",
        X=X,
        y=y,
        loss="cross_entropy",
        validation_data=bad,
        epochs=2,
    )


# ----------------------------------------------------------------------------
# inputs the model overflows on are bad input, not divergence
# ----------------------------------------------------------------------------


@pytest.mark.parametrize("batch_size", [None, 4])
@pytest.mark.parametrize("make", [lambda: MLP(2, [8, 8, 1], seed=0), lambda: Neuron(2, seed=0)])
def test_a_huge_input_is_reported_as_bad_input_not_as_divergence(
    make: Any, batch_size: Any
) -> None:
    model, X, y = make(), *make_xor(40, seed=0)
    X = [list(x) for x in X]
    X[29][0] = 1e308
    message = refused_unchanged(
        model,
        ValueError,
        r"fit: X\[29\]",
        X=X,
        y=y,
        epochs=2,
        batch_size=batch_size,
        seed=0,
    )
    assert "out of range" in message
    assert "diverged" not in message and "learning rate" not in message


def test_a_huge_validation_input_is_reported_as_bad_input() -> None:
    model, X, y = xor_model()
    refused_unchanged(
        model,
        ValueError,
        r"fit: validation_data: X\[1\].*out of range",
        X=X,
        y=y,
        validation_data=([[0.0, 1.0], [1e308, 1e308]], [0, 1]),
    )


# ----------------------------------------------------------------------------
# seed follows nn's rule; messages stay short
# ----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", ["1", 1.0, True, [1]])
def test_fit_seed_must_be_none_or_an_int_like_nn(seed: object) -> None:
    model, X, y = xor_model()
    with pytest.raises(TypeError, match="fit: seed must be None or an int"):
        fit(model, X, y, seed=seed, epochs=1, batch_size=4, progress=False)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="MLP: seed must be None or an int"):
        MLP(2, [1], seed=seed)  # type: ignore[arg-type]


# The wrong types are the point of these calls (hence the ignores).
HUGE_ARGUMENTS: list[tuple[str, Callable[[], object], type[Exception], str]] = [
    ("nin 10**4000", lambda: MLP(-(10**4000), [1]), ValueError, "MLP: nin"),
    ("nin 10**5000", lambda: Layer(-(10**5000), 1), ValueError, "Layer: nin"),
    ("nouts entry", lambda: MLP(2, [1.5e300]), TypeError, "MLP: nouts"),  # type: ignore[list-item]
    ("long activation", lambda: Neuron(2, activation="x" * 10**6), ValueError, "activation"),
    ("long seed", lambda: Neuron(2, seed="s" * 10**6), TypeError, "Neuron: seed"),  # type: ignore[arg-type]
    ("long lr", lambda: SGD([Value(1.0)], lr="1" * 10**6), TypeError, "SGD: lr"),  # type: ignore[arg-type]
    ("huge lr", lambda: SGD([Value(1.0)], lr=-(10**4000)), ValueError, "SGD: lr"),
    ("epochs", lambda: fit(MLP(1, [1]), [[1.0]], [1], epochs=-(10**4000)), ValueError, "epochs"),
    ("nouts list", lambda: MLP(2, "n" * 10**6), TypeError, "MLP: nouts"),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(
    ("make", "error", "needle"),
    [c[1:] for c in HUGE_ARGUMENTS],
    ids=[c[0] for c in HUGE_ARGUMENTS],
)
def test_messages_quote_a_bounded_excerpt_of_huge_arguments(
    make: Any, error: Any, needle: str
) -> None:
    with pytest.raises(error) as caught:
        make()
    message = str(caught.value)
    assert needle in message and len(message) < MESSAGE_LIMIT, message[:400]


# ----------------------------------------------------------------------------
# a learning-rate schedule is checked for every epoch before the first step
# ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "error"), [(-0.1, ValueError), (float("nan"), ValueError), ("x", TypeError)]
)
def test_a_schedule_that_goes_bad_later_is_refused_before_training(
    bad: object, error: type
) -> None:
    model, X, y = xor_model()

    def schedule(epoch: int) -> object:
        return 0.1 if epoch < 3 else bad

    refused_unchanged(
        model, error, r"fit: lr_schedule\(3\)", X=X, y=y, lr_schedule=schedule, epochs=5
    )
