"""fit and evaluate under PyTorch's loss names: logits for
binary_cross_entropy_with_logits, probabilities for binary_cross_entropy."""

import math

import pytest

from autograd_mini.data import make_moons
from autograd_mini.nn import MLP
from autograd_mini.optim import SGD
from autograd_mini.train import LOSSES, evaluate, fit


def test_both_binary_cross_entropies_train_and_agree_on_a_sigmoid_model():
    X, y = make_moons(n_samples=40, noise=0.1, seed=0)
    logits_model = MLP(2, [8, 1], seed=0)
    probs_model = MLP(2, [8, 1], seed=0, output_activation="sigmoid")
    h_logits = fit(logits_model, X, y, loss="binary_cross_entropy_with_logits", epochs=5,
                   progress=False)  # fmt: skip
    h_probs = fit(probs_model, X, y, loss="binary_cross_entropy", epochs=5, progress=False)
    # sigmoid then log is the logits formula: the same losses, to rounding
    assert h_probs.loss == pytest.approx(h_logits.loss, rel=1e-9)
    assert h_probs.accuracy == h_logits.accuracy
    assert h_logits.loss[-1] < h_logits.loss[0]


def test_evaluate_counts_a_probability_above_one_half_as_class_1():
    model = MLP(1, [1], seed=0, output_activation="sigmoid")
    model.layers[0].neurons[0].w[0].data = 1.0
    model.layers[0].neurons[0].b.data = 0.0
    loss, accuracy = evaluate(model, [[2.0], [-1.0], [0.5]], [1, 0, 0], loss="binary_cross_entropy")
    assert accuracy == pytest.approx(2 / 3)
    p = [1 / (1 + math.exp(-x)) for x in (2.0, -1.0, 0.5)]
    assert loss == pytest.approx(-(math.log(p[0]) + math.log(1 - p[1]) + math.log(1 - p[2])) / 3)


def test_fitting_logits_with_binary_cross_entropy_names_the_logits_version():
    X, y = make_moons(n_samples=20, noise=0.1, seed=0)
    model = MLP(2, [4, 1], seed=0)  # a linear output: scores, not probabilities
    before = model.state_dict()
    with pytest.raises(
        ValueError,
        match="fit: loss 'binary_cross_entropy' takes probabilities, but the model's last "
        "activation is 'linear'; use 'binary_cross_entropy_with_logits'",
    ):
        fit(model, X, y, loss="binary_cross_entropy", epochs=1, progress=False)
    assert model.state_dict() == before
    # Any other callable: the loss itself refuses a score outside [0, 1].
    with pytest.raises(ValueError, match="use binary_cross_entropy_with_logits"):
        fit(lambda x: model(x) * 10, X, y, loss="binary_cross_entropy",
            optimizer=SGD(model, lr=0.1), progress=False)  # fmt: skip
    assert {"binary_cross_entropy", "binary_cross_entropy_with_logits"} <= set(LOSSES)


def test_the_films_sample_loss_follows_the_loss_names():
    from autograd_mini import Value
    from autograd_mini.losses import binary_cross_entropy_with_logits
    from autograd_mini.viz.filmdata import sample_loss

    logits = sample_loss([Value(-0.4)], 1, "binary_cross_entropy_with_logits")
    assert logits.data == binary_cross_entropy_with_logits([-0.4], [1]).data
    probability = sample_loss([Value(0.8)], 0, "binary_cross_entropy")
    assert probability.data == pytest.approx(-math.log(0.2), rel=1e-15)
