"""fit() and evaluate(): what History records, every loss option, mini-batches,
early stop, validation, the progress bar, and the argument checks."""

import math

import pytest
import tqdm.auto

from autograd_mini import Value, train
from autograd_mini.data import make_blobs, make_moons, make_xor
from autograd_mini.losses import hinge, l2
from autograd_mini.nn import MLP
from autograd_mini.optim import SGD, Adam, linear_decay
from autograd_mini.train import LOSSES, History, TrainingDiverged, evaluate, fit


@pytest.fixture(scope="module")
def xor():
    return make_xor(40, seed=0)


class CountingSGD(SGD):
    steps = 0

    def step(self):
        self.steps += 1
        super().step()


def test_fit_learns_moons_and_records_every_epoch():
    X, y = make_moons(60, noise=0.05, seed=1)
    model = MLP(2, [8, 8, 1], seed=1)
    history = fit(model, X, y, optimizer=Adam(model, lr=0.05), epochs=80, progress=False)
    assert isinstance(history, History)
    assert len(history.loss) == len(history.accuracy) == len(history.lr) == history.epochs == 80
    assert all(isinstance(v, float) for v in history.loss + history.accuracy)
    assert history.loss[-1] < 0.25 * history.loss[0]
    assert history.accuracy[-1] >= 0.95
    assert evaluate(model, X, y)[1] >= 0.95
    assert history.val_loss == [] and not history.stopped_early
    assert history.seconds > 0


def test_first_epoch_numbers_are_the_initial_models_loss_plus_l2_and_accuracy(xor):
    X, y = xor
    model = MLP(2, [4, 1], seed=3)
    loss0, acc0 = evaluate(model, X, y, loss="hinge")
    penalty0 = sum(p.data**2 for p in model.parameters())
    history = fit(model, X, y, optimizer=SGD(model, lr=0.01), epochs=1, l2=0.01, progress=False)
    assert history.loss[0] == pytest.approx(loss0 + 0.01 * penalty0, rel=1e-12)
    assert history.accuracy[0] == acc0


def test_hinge_receives_plus_minus_one_labels_from_zero_one_data():
    seen = []

    def spy(outputs, targets):
        seen.extend(targets)
        return hinge(outputs, targets)

    model = MLP(2, [3, 1], seed=0)
    fit(model, [[0.0, 1.0], [1.0, 0.0]], [0, 1], loss="hinge", epochs=1, progress=False)
    fit(model, [[0.0, 1.0], [1.0, 0.0]], [-1, 1], loss=spy, epochs=1, progress=False)
    assert seen == [-1, 1]
    # and the builtin maps 0 -> -1: its epoch loss equals hinge with -1/+1 labels
    loss_01, _ = evaluate(model, [[0.0, 1.0], [1.0, 0.0]], [0, 1], loss="hinge")
    loss_pm, _ = evaluate(model, [[0.0, 1.0], [1.0, 0.0]], [-1, 1], loss="hinge")
    assert loss_01 == loss_pm


@pytest.mark.parametrize("loss", ["hinge", "mse", "binary_cross_entropy"])
def test_every_binary_loss_name_trains(xor, loss):
    X, y = xor
    model = MLP(2, [8, 8, 1], seed=2)
    history = fit(model, X, y, loss=loss, optimizer=Adam(model, lr=0.05), epochs=60, progress=False)
    assert history.loss[-1] < history.loss[0]
    assert history.accuracy[-1] > 0.8


def test_cross_entropy_trains_a_multi_output_model():
    X, y = make_blobs(60, centers=3, seed=0)
    model = MLP(2, [8, 3], seed=0)
    history = fit(model, X, y, loss="cross_entropy", epochs=40, progress=False)
    assert history.accuracy[-1] == 1.0
    assert history.loss[-1] < history.loss[0]


def test_a_callable_loss_is_used_as_given(xor):
    X, y = xor
    calls = []

    def my_loss(outputs, targets):
        calls.append(len(outputs))
        squares = [(o - t) ** 2 for o, t in zip(outputs, targets, strict=True)]
        return Value.sum(squares) / len(outputs)

    fit(MLP(2, [4, 1], seed=0), X, y, loss=my_loss, epochs=3, batch_size=16, progress=False)
    assert calls == [16, 16, 8] * 3


def test_mini_batches_step_once_per_batch(xor):
    X, y = xor
    model = MLP(2, [4, 1], seed=0)
    opt = CountingSGD(model, lr=0.05)
    history = fit(model, X, y, optimizer=opt, epochs=4, batch_size=6, progress=False)
    assert opt.steps == 4 * math.ceil(40 / 6)
    assert history.epochs == 4
    opt_full = CountingSGD(model, lr=0.05)
    fit(model, X, y, optimizer=opt_full, epochs=4, progress=False)
    assert opt_full.steps == 4


def test_mini_batch_shuffling_is_seeded(xor):
    X, y = xor
    runs = []
    for _ in range(2):
        model = MLP(2, [4, 1], seed=0)
        fit(
            model,
            X,
            y,
            optimizer=SGD(model, lr=0.1),
            epochs=2,
            batch_size=7,
            seed=9,
            progress=False,
        )
        runs.append(model.state_dict())
    assert runs[0] == runs[1]


def test_target_loss_stops_early():
    X, y = [[0.0, 1.0], [1.0, 0.0]], [0, 1]
    model = MLP(2, [4, 1], seed=1)
    history = fit(model, X, y, epochs=500, target_loss=0.1, progress=False)
    assert history.stopped_early
    assert history.epochs < 500
    assert history.loss[-1] <= 0.1 < min(history.loss[:-1])


def test_validation_data_is_evaluated_after_each_epoch(xor):
    X, y = xor
    X_val, y_val = make_xor(20, seed=1)
    model = MLP(2, [4, 1], seed=0)
    history = fit(model, X, y, epochs=3, validation_data=(X_val, y_val), progress=False)
    assert len(history.val_loss) == len(history.val_accuracy) == 3
    assert (history.val_loss[-1], history.val_accuracy[-1]) == evaluate(model, X_val, y_val)
    assert set(history.rows()[0]) == {"epoch", "loss", "accuracy", "lr", "val_loss", "val_accuracy"}


def test_lr_schedule_sets_the_optimizer_lr_each_epoch(xor):
    X, y = xor
    model = MLP(2, [4, 1], seed=0)
    opt = SGD(model, lr=1.0)
    history = fit(
        model, X, y, optimizer=opt, epochs=5, lr_schedule=linear_decay(0.5, 0.1, 5), progress=False
    )
    assert history.lr == pytest.approx([0.5, 0.4, 0.3, 0.2, 0.1])
    assert opt.lr == pytest.approx(0.1)


def test_progress_bar_goes_to_stderr_and_progress_false_is_silent(xor, capsys):
    X, y = xor
    fit(MLP(2, [4, 1], seed=0), X, y, epochs=3, progress=False)
    assert capsys.readouterr() == ("", "")
    fit(MLP(2, [4, 1], seed=0), X, y, epochs=3, progress=True)
    out, err = capsys.readouterr()
    assert out == ""
    assert "training" in err and "3/3" in err and "loss=" in err and "acc=" in err


def test_progress_bar_is_the_notebook_aware_tqdm():
    assert train.tqdm is tqdm.auto.tqdm


def test_evaluate_builds_no_graph_and_leaves_grads_alone(xor):
    X, y = xor
    model = MLP(2, [4, 1], seed=0)
    for p in model.parameters():
        p.grad = 0.5
    loss, acc = evaluate(model, X, y)
    outputs = [model(x) for x in X]
    assert loss == pytest.approx(hinge(outputs, [2 * t - 1 for t in y]).data, rel=1e-12)
    assert acc == sum((o.data > 0) == (t == 1) for o, t in zip(outputs, y, strict=True)) / len(y)
    assert all(p.grad == 0.5 for p in model.parameters())


def test_mse_accuracy_counts_predictions_within_half_of_the_target():
    model = MLP(1, [1], seed=0)
    neuron = model.layers[0].neurons[0]
    neuron.w[0].data, neuron.b.data = 1.0, 0.0  # identity
    assert evaluate(model, [[0.2], [0.9], [2.0]], [0, 1, 1], loss="mse")[1] == pytest.approx(2 / 3)


def test_l2_term_matches_the_l2_loss():
    model = MLP(2, [3, 1], seed=4)
    X, y = [[1.0, 2.0]], [1]
    data_loss, _ = evaluate(model, X, y)
    penalty = l2(model.parameters()).data
    history = fit(model, X, y, optimizer=SGD(model, lr=1e-9), epochs=1, l2=0.5, progress=False)
    assert history.loss[0] == pytest.approx(data_loss + 0.5 * penalty, rel=1e-12)


# ----------------------------------------------------------------------------
# bad input
# ----------------------------------------------------------------------------


def model_and_data():
    return MLP(2, [3, 1], seed=0), [[0.0, 1.0], [1.0, 0.0]], [0, 1]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"loss": "hinge_loss"},
            ValueError,
            r"fit: unknown loss 'hinge_loss' \(must be one of \['hinge', 'mse'",
        ),
        ({"loss": 3}, TypeError, "fit: loss must be a name or a callable, got int"),
        ({"epochs": 0}, ValueError, "fit: epochs must be a positive int, got 0"),
        ({"epochs": 2.5}, TypeError, "fit: epochs must be a positive int, got 2.5"),
        ({"epochs": True}, TypeError, "fit: epochs must be a positive int, got True"),
        ({"batch_size": 0}, ValueError, "fit: batch_size must be a positive int or None, got 0"),
        (
            {"batch_size": "8"},
            TypeError,
            "fit: batch_size must be a positive int or None, got '8'",
        ),
        (
            {"target_loss": float("nan")},
            ValueError,
            "fit: target_loss must be a finite number, got nan",
        ),
        ({"l2": -1.0}, ValueError, "fit: l2 must be >= 0, got -1.0"),
        (
            {"optimizer": "adam"},
            TypeError,
            r"fit: optimizer must have step\(\) and zero_grad\(\), got str",
        ),
        ({"lr_schedule": 0.1}, TypeError, "fit: lr_schedule must be callable, got float"),
        (
            {"validation_data": ([[0.0, 1.0]],)},
            ValueError,
            r"fit: validation_data must be a pair \(X_val, y_val\)",
        ),
        (
            {"validation_data": ([[0.0, 1.0]], [0, 1])},
            ValueError,
            "fit: validation_data: X and y must have the same length, got 1 and 2",
        ),
    ],
)
def test_bad_arguments(kwargs, error, message):
    model, X, y = model_and_data()
    before = model.state_dict()
    with pytest.raises(error, match=message):
        fit(model, X, y, progress=False, **kwargs)
    assert model.state_dict() == before


def test_bad_data():
    model, X, y = model_and_data()
    with pytest.raises(ValueError, match="fit: X and y must have the same length, got 2 and 1"):
        fit(model, X, y[:1], progress=False)
    with pytest.raises(ValueError, match="fit: X and y are empty"):
        fit(model, [], [], progress=False)
    with pytest.raises(
        ValueError, match=r"fit: loss 'hinge' needs binary labels 0/1 or -1/\+1, got \[0, 2\]"
    ):
        fit(model, X, [0, 2], progress=False)
    with pytest.raises(TypeError, match=r"fit: y\[1\] must be a number, got str"):
        fit(model, X, [0, "1"], progress=False)


def test_single_output_losses_reject_a_multi_output_model():
    X, y = [[0.0, 1.0], [1.0, 0.0]], [0, 1]
    with pytest.raises(
        ValueError, match="fit: loss 'hinge' needs a model with one output, got 2 outputs"
    ):
        fit(MLP(2, [3, 2], seed=0), X, y, progress=False)


def test_loss_names_are_the_api_names():
    assert list(LOSSES) == ["hinge", "mse", "binary_cross_entropy", "cross_entropy"]


def test_l2_needs_a_module():
    def model(x):
        return Value(x[0])

    with pytest.raises(ValueError, match="fit: l2 needs a Module model"):
        fit(model, [[1.0]], [1], optimizer=SGD([Value(0.0)], lr=0.1), l2=0.1, progress=False)


def test_a_plain_callable_model_trains_with_its_own_optimizer():
    w = Value(0.0)

    def model(x):
        return w * x[0]

    history = fit(
        model, [[1.0], [-1.0]], [1, 0], optimizer=SGD([w], lr=0.5), epochs=3, progress=False
    )
    assert w.data > 0 and history.accuracy[-1] == 1.0


def test_fit_turns_an_overflow_into_a_message_naming_the_epoch_and_the_cure():
    model = MLP(2, [4, 1], seed=0)
    X, y = [[1.0, 2.0], [-1.0, 0.5]], [1, 0]
    # Epoch 1 is computed at the initial weights (finite); its huge step makes
    # every epoch-2 pre-activation overflow.
    with pytest.raises(OverflowError) as caught:
        fit(model, X, y, optimizer=SGD(model, lr=1e200), epochs=5, progress=False)
    message = str(caught.value)
    assert message.startswith("fit: training diverged in epoch 2 of 5 (")
    assert message.endswith("); try a smaller learning rate")
    engine_error = caught.value.__cause__
    assert isinstance(engine_error, OverflowError) and str(engine_error) in message


def test_divergence_is_a_training_diverged_error_carrying_epoch_cause_and_history():
    model = MLP(2, [4, 1], seed=0)
    X, y = [[1.0, 2.0], [-1.0, 0.5]], [1, 0]
    with pytest.raises(TrainingDiverged) as caught:
        fit(model, X, y, optimizer=SGD(model, lr=1e200), epochs=5, progress=False)
    error = caught.value
    assert isinstance(error, OverflowError)
    assert (error.epoch, error.epochs) == (2, 5)
    assert error.cause is error.__cause__
    assert type(error.cause) is OverflowError and str(error.cause) in str(error)
    # Epoch 1 finished at the initial weights: the History holds exactly that one epoch.
    assert error.history.epochs == 1 and math.isfinite(error.history.loss[0])
    assert error.history.seconds > 0


def test_evaluate_names_itself_in_its_errors() -> None:
    from autograd_mini.nn import MLP

    with pytest.raises(ValueError, match=r"^evaluate: loss 'hinge' needs a model with one output"):
        evaluate(MLP(2, [3], seed=0), [[1.0, 2.0]], [1])
    with pytest.raises(ValueError, match=r"^evaluate: X\[0\]\[1\] must be finite"):
        evaluate(MLP(2, [1], seed=0), [[1.0, float("nan")]], [1])


def test_an_optimizer_step_that_overflows_is_reported_as_divergence() -> None:
    from autograd_mini.nn import MLP
    from autograd_mini.optim import SGD

    model = MLP(1, [1], seed=0)
    before = model.state_dict()
    with pytest.raises(OverflowError, match=r"fit: training diverged in epoch 1 of 3 .*update"):
        fit(
            model,
            [[1.0]],
            [1e10],
            loss="mse",
            optimizer=SGD(model, lr=1e300),
            epochs=3,
            progress=False,
        )
    assert model.state_dict() == before
