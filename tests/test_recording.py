"""Recording a training run: the film tells the truth (replay), the frame budget,
the Recorder's call order, divergence, JSON round trips and bad input."""

import itertools
import json
import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd_mini import losses
from autograd_mini.data import batches, make_moons, make_xor
from autograd_mini.nn import MLP, Neuron
from autograd_mini.optim import SGD, Adam, linear_decay
from autograd_mini.recording import (
    DEFAULT_BUDGET,
    RecordedStep,
    Recorder,
    Recording,
)
from autograd_mini.train import TrainingDiverged, evaluate, fit


def nested_params(model):
    """The model's weights and biases as [layer][neuron][input] / [layer][neuron] tuples."""
    weights = tuple(
        tuple(tuple(w.data for w in n.w) for n in layer.neurons) for layer in model.layers
    )
    biases = tuple(tuple(n.b.data for n in layer.neurons) for layer in model.layers)
    return weights, biases


def nested_grads(model):
    weights = tuple(
        tuple(tuple(w.grad for w in n.w) for n in layer.neurons) for layer in model.layers
    )
    biases = tuple(tuple(n.b.grad for n in layer.neurons) for layer in model.layers)
    return weights, biases


def hinge_targets(y):
    return [2 * t - 1 for t in y]


def replay(X, y, epochs, batch_size, seed, lr_start, model_seed, schedule=True):
    """fit's loop written out by hand, without recording: the state after every step.

    Returns {step: (weights, biases, grads, loss, lr, epoch)} and the model.
    """
    model = MLP(2, [6, 5, 1], seed=model_seed)
    optimizer = Adam(model, lr=lr_start)
    lr_of = linear_decay(lr_start, lr_start / 10, epochs)
    targets = hinge_targets(y)
    shuffle_rng = random.Random(seed)
    after = {0: (*nested_params(model), None, None, None, 0)}
    step = 0
    for epoch in range(epochs):
        if schedule:
            optimizer.lr = lr_of(epoch)
        size = len(X) if batch_size is None else batch_size
        for X_batch, t_batch in batches(
            X, targets, size, shuffle=batch_size is not None, seed=shuffle_rng.getrandbits(64)
        ):
            objective = losses.hinge([model(x) for x in X_batch], t_batch)
            optimizer.zero_grad()
            objective.backward()
            optimizer.step()
            step += 1
            after[step] = (
                *nested_params(model),
                nested_grads(model),
                objective.data,
                optimizer.lr,
                epoch,
            )
    return after, model


@pytest.mark.parametrize(
    ("batch_size", "record", "budget"),
    [(None, True, DEFAULT_BUDGET), (16, 3, DEFAULT_BUDGET), (8, True, 12)],
)
def test_the_film_tells_the_truth_frame_k_is_the_model_after_step_k(batch_size, record, budget):
    X, y = make_moons(48, noise=0.1, seed=2)
    epochs = 12
    model = MLP(2, [6, 5, 1], seed=4)
    recorder = Recorder(model, budget=budget, every=record if record is not True else 1)
    history = fit(
        model,
        X,
        y,
        optimizer=Adam(model, lr=0.05),
        epochs=epochs,
        batch_size=batch_size,
        lr_schedule=linear_decay(0.05, 0.005, epochs),
        seed=7,
        progress=False,
        record=recorder,
    )
    recording = history.recording
    assert recording is not None
    expected, replayed = replay(X, y, epochs, batch_size, seed=7, lr_start=0.05, model_seed=4)
    last_step = max(expected)
    assert recording.steps[0].step == 0 and recording.steps[-1].step == last_step
    assert len(recording.steps) <= budget
    assert recording.layer_sizes == (2, 6, 5, 1)
    assert recording.activations == ("relu", "relu", "linear")
    assert recording.loss_name == "hinge" and recording.diverged is None
    for frame in recording.steps:
        weights, biases, grads, loss, lr, epoch = expected[frame.step]
        assert frame.weights == weights and frame.biases == biases  # exactly, not approx
        if frame.step == 0:
            assert frame.loss == expected[1][3]  # the first batch's loss, same weights
            assert set(_numbers(frame.grad_weights)) == {0.0}
            assert set(_numbers(frame.delta_biases)) == {0.0}
            continue
        assert frame.loss == loss and frame.lr == lr and frame.epoch == epoch
        assert (frame.grad_weights, frame.grad_biases) == grads
        previous_w, previous_b = expected[frame.step - 1][:2]
        assert frame.delta_weights == _minus(weights, previous_w)
        assert frame.delta_biases == _minus(biases, previous_b)
        if record is not True:
            assert frame.step % record == 0 or frame.step == last_step
    # Recording changes nothing about training.
    assert model.state_dict() == replayed.state_dict()
    assert recording.model(-1).state_dict() == model.state_dict()


def test_full_batch_losses_and_validation_match_what_fit_reports():
    X, y = make_moons(40, noise=0.1, seed=0)
    X_val, y_val = make_moons(20, noise=0.1, seed=1)
    model = MLP(2, [8, 1], seed=0)
    history = fit(
        model,
        X,
        y,
        optimizer=Adam(model, lr=0.05),
        epochs=30,
        validation_data=(X_val, y_val),
        progress=False,
        record=True,
    )
    frames = history.recording.steps
    assert [f.step for f in frames] == list(range(31))
    n = len(X)
    for frame in frames[1:]:
        e = frame.epoch
        assert frame.step == e + 1
        assert frame.loss * n / n == history.loss[e]  # fit's epoch mean of one batch
        assert frame.train_accuracy == history.accuracy[e]
        assert frame.lr == history.lr[e]
        assert (frame.val_loss, frame.val_accuracy) == (
            history.val_loss[e],
            history.val_accuracy[e],
        )
        index = frames.index(frame)
        assert evaluate(history.recording.model(index), X_val, y_val) == (
            frame.val_loss,
            frame.val_accuracy,
        )
    assert frames[0].val_loss is None


def test_mini_batch_frames_carry_validation_only_where_it_was_measured():
    X, y = make_xor(40, seed=0)
    model = MLP(2, [4, 1], seed=0)
    history = fit(
        model, X, y, epochs=3, batch_size=10, validation_data=(X, y), progress=False, record=True
    )
    frames = history.recording.steps
    measured = [f.step for f in frames if f.val_loss is not None]
    assert measured == [4, 8, 12]  # the last step of each epoch of 4 batches
    assert all(f.train_accuracy is not None for f in frames)


def test_adam_state_is_recorded_in_the_models_shape():
    X, y = make_xor(20, seed=1)
    model = MLP(2, [3, 1], seed=1)
    optimizer = Adam(model, lr=0.01)
    history = fit(model, X, y, optimizer=optimizer, epochs=2, progress=False, record=True)
    first = history.recording.steps[1]
    b1, b2 = optimizer.betas
    g = first.grad_weights[0][2][1]
    assert first.optimizer_state["m_weights"][0][2][1] == (1.0 - b1) * g
    assert first.optimizer_state["v_weights"][0][2][1] == (1.0 - b2) * g * g
    last = history.recording.steps[-1]
    flat_m = [x for layer in last.optimizer_state["m_weights"] for row in layer for x in row]
    weight_positions = [i for i, (name, _) in enumerate(model.named_parameters()) if ".w." in name]
    assert flat_m == [optimizer.buffers()["m"][i] for i in weight_positions]
    assert history.recording.steps[0].optimizer_state is None


def test_optimizer_state_follows_the_model_whatever_order_the_optimizer_holds():
    X, y = make_xor(20, seed=1)
    model = MLP(2, [3, 1], seed=1)
    named = model.named_parameters()
    optimizer = Adam(list(reversed(model.parameters())), lr=0.01)
    history = fit(model, X, y, optimizer=optimizer, epochs=2, progress=False, record=True)
    last = history.recording.steps[-1]
    expected = dict(
        zip(reversed([name for name, _ in named]), optimizer.buffers()["v"], strict=True)
    )
    flat_v = [x for layer in last.optimizer_state["v_weights"] for row in layer for x in row]
    assert flat_v == [expected[name] for name, _ in named if ".w." in name]
    flat_vb = [x for layer in last.optimizer_state["v_biases"] for x in layer]
    assert flat_vb == [expected[name] for name, _ in named if name.endswith(".b")]


def test_sgd_without_momentum_has_no_state_and_delta_is_minus_lr_times_grad():
    X, y = make_xor(20, seed=1)
    model = MLP(2, [3, 1], seed=1)
    history = fit(model, X, y, optimizer=SGD(model, lr=0.1), epochs=3, progress=False, record=True)
    for frame in history.recording.steps[1:]:
        assert frame.optimizer_state is None
        for d, g in zip(_numbers(frame.delta_weights), _numbers(frame.grad_weights), strict=True):
            assert d == pytest.approx(-0.1 * g, rel=1e-9, abs=1e-15)


# ----------------------------------------------------------------------------
# the frame budget
# ----------------------------------------------------------------------------


def run_plain_loop(steps, budget, every=1, model=None):
    """A cheap loop of `steps` SGD steps on a one-weight model, captured by a Recorder."""
    model = model or MLP(1, [1], seed=0)
    optimizer = SGD(model, lr=0.01)
    recorder = Recorder(model, budget=budget, every=every)
    for step in range(1, steps + 1):
        loss = (model([1.0]) - 0.5) ** 2
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        recorder.capture(step, loss, optimizer=optimizer)
    return recorder.recording


@given(
    steps=st.integers(min_value=1, max_value=400),
    budget=st.integers(min_value=2, max_value=40),
    every=st.integers(min_value=1, max_value=7),
)
def test_budget_keeps_step_zero_the_last_step_and_at_most_budget_frames(steps, budget, every):
    recording = run_plain_loop(steps, budget, every)
    kept = [f.step for f in recording.steps]
    assert kept[0] == 0 and kept[-1] == steps
    assert len(kept) <= budget
    assert kept == sorted(set(kept))
    assert all(s % every == 0 for s in kept[:-1])
    candidates = 1 + steps // every + (steps % every != 0)
    assert len(kept) == min(budget, candidates)


def test_budget_spaces_frames_logarithmically_so_early_steps_survive():
    kept = [f.step for f in run_plain_loop(3000, budget=60).steps]
    assert kept[:11] == list(range(11))  # every early step
    later_half = [s for s in kept if s > 1500]
    assert 1 <= len(later_half) <= 10  # the slow end thins out
    ratios = [b / a for a, b in itertools.pairwise(kept[20:])]
    assert max(ratios) / min(ratios) < 1.6  # roughly geometric after the dense start


def test_default_fit_recording_fits_the_default_budget():
    X, y = make_xor(20, seed=0)
    model = MLP(2, [3, 1], seed=0)
    history = fit(model, X, y, epochs=250, progress=False, record=True)
    steps = [f.step for f in history.recording.steps]
    assert len(steps) == DEFAULT_BUDGET and steps[0] == 0 and steps[-1] == 250


def test_early_stopping_still_ends_on_the_last_step_taken():
    X, y = [[0.0, 1.0], [1.0, 0.0]], [0, 1]
    model = MLP(2, [4, 1], seed=1)
    history = fit(model, X, y, epochs=100, target_loss=0.1, progress=False, record=5)
    assert history.stopped_early
    last = history.recording.steps[-1]
    assert last.step == history.epochs and last.weights == nested_params(model)[0]


# ----------------------------------------------------------------------------
# the Recorder in a plain loop
# ----------------------------------------------------------------------------


def test_recorder_in_a_plain_loop_gets_gradients_and_deltas_right():
    model = MLP(2, [3, 1], seed=5)
    optimizer = SGD(model, lr=0.2, momentum=0.9)
    recorder = Recorder(model, loss_name="mse")
    recorder.capture(0, 1.25, lr=0.2)  # the initial frame with a loss of its own
    before = nested_params(model)
    grads = {}
    for step in range(1, 4):
        loss = (model([0.5, -1.0]) - 1.0) ** 2
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        grads[step] = nested_grads(model)
        recorder.capture(step, loss, optimizer=optimizer, epoch=step // 2)
    frames = recorder.recording.steps
    assert [f.step for f in frames] == [0, 1, 2, 3]
    assert frames[0].loss == 1.25 and frames[0].weights == before[0]
    assert frames[3].epoch == 1 and recorder.recording.loss_name == "mse"
    for frame in frames[1:]:
        assert (frame.grad_weights, frame.grad_biases) == grads[frame.step]
        assert "momentum_weights" in frame.optimizer_state
    assert frames[2].delta_weights == _minus(frames[2].weights, frames[1].weights)
    assert frames[3].weights == nested_params(model)[0]


def test_capture_checks_its_order_and_arguments():
    model = MLP(2, [1], seed=0)
    recorder = Recorder(model)
    with pytest.raises(ValueError, match="expected step 1, got 2"):
        recorder.capture(2, 0.5, lr=0.1)
    with pytest.raises(TypeError, match="step must be an int"):
        recorder.capture(1.0, 0.5, lr=0.1)
    with pytest.raises(TypeError, match="give lr= or an optimizer"):
        recorder.capture(1, 0.5)
    with pytest.raises(TypeError, match="loss must be a number"):
        recorder.capture(1, "0.5", lr=0.1)
    assert recorder.recording.steps == ()  # nothing half-captured
    recorder.capture(1, 0.5, lr=0.1)
    with pytest.raises(ValueError, match="expected step 2, got 1"):
        recorder.capture(1, 0.5, lr=0.1)
    assert [f.step for f in recorder.recording.steps] == [0, 1]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"budget": 1}, ValueError, "budget must be an int >= 2"),
        ({"budget": True}, TypeError, "budget must be an int >= 2"),
        ({"every": 0}, ValueError, "every must be a positive int"),
        ({"every": 2.0}, TypeError, "every must be a positive int"),
        ({"loss_name": 3}, TypeError, "loss_name must be a str"),
    ],
)
def test_recorder_rejects_bad_settings(kwargs, error, match):
    with pytest.raises(error, match=match):
        Recorder(MLP(2, [1], seed=0), **kwargs)


def test_recorder_needs_an_mlp():
    with pytest.raises(TypeError, match="model must be an MLP, got Neuron"):
        Recorder(Neuron(2, seed=0))


# ----------------------------------------------------------------------------
# divergence
# ----------------------------------------------------------------------------


def test_a_diverged_fit_ends_the_recording_on_the_failed_step():
    X, y = make_moons(30, noise=0.1, seed=0)
    model = MLP(2, [8, 8, 1], seed=0)
    recorder = Recorder(model)
    with pytest.raises(TrainingDiverged, match="training diverged") as caught:
        fit(model, X, y, optimizer=SGD(model, lr=1e150), epochs=50, progress=False, record=recorder)
    recording = recorder.recording
    # Also where fit's error keeps it. Compared as JSON: the last frame's loss is NaN, and
    # from Python 3.13 a dataclass compares its fields with ==, where NaN != NaN.
    kept = caught.value.history.recording
    assert kept is not None and kept.to_json() == recording.to_json()
    assert recording.diverged is not None and recording.diverged.startswith("training diverged at")
    last, before = recording.steps[-1], recording.steps[-2]
    assert f"at step {last.step} " in recording.diverged
    assert last.step == before.step + 1
    assert (
        last.weights == before.weights == nested_params(model)[0]
    )  # the failed step changed nothing
    assert set(_numbers(last.delta_weights)) == {0.0}
    text = recording.to_json()
    assert Recording.from_json(text).diverged == recording.diverged
    assert math.isnan(last.loss) == math.isnan(Recording.from_json(text).steps[-1].loss)


def test_diverge_before_any_step_and_nothing_after_it():
    model = MLP(2, [1], seed=0)
    recorder = Recorder(model)
    recorder.diverge("training diverged at step 1: the first forward pass overflowed")
    frames = recorder.recording.steps
    assert [f.step for f in frames] == [0, 1] and math.isnan(frames[1].loss)
    with pytest.raises(ValueError, match="already diverged"):
        recorder.capture(1, 0.1, lr=0.1)
    with pytest.raises(ValueError, match="already diverged"):
        recorder.diverge("again")


# ----------------------------------------------------------------------------
# Recording objects and JSON
# ----------------------------------------------------------------------------


def test_empty_and_one_frame_recordings_are_valid_and_round_trip():
    empty = Recorder(MLP(2, [3, 1], seed=0)).recording
    assert empty.steps == () and Recording.from_json(empty.to_json()) == empty
    model = MLP(2, [3, 1], seed=0)
    recorder = Recorder(model)
    recorder.capture(0, 0.75, lr=0.01)
    one = recorder.recording
    assert len(one.steps) == 1 and one.steps[0].step == 0
    assert Recording.from_json(one.to_json()) == one
    assert one.model(0).state_dict() == model.state_dict()


def test_json_round_trip_is_exact_and_plain_json():
    X, y = make_xor(20, seed=0)
    model = MLP(2, [4, 2], seed=0)
    history = fit(model, X, y, loss="cross_entropy", epochs=5, progress=False, record=True)
    text = history.recording.to_json()
    document = json.loads(text)  # plain JSON: no NaN literals, no code
    assert document["format"] == "autograd_mini.recording" and document["version"] == 1
    assert Recording.from_json(text) == history.recording
    assert history.recording.loss_name == "cross_entropy"


def test_save_and_load_round_trip_and_a_bad_path_is_one_clear_error(tmp_path):
    recording = run_plain_loop(5, budget=4)
    path = tmp_path / "run.json"
    recording.save(path)
    assert Recording.load(path) == recording
    with pytest.raises(FileNotFoundError, match=r"Recording\.save"):
        recording.save(tmp_path / "missing" / "run.json")
    with pytest.raises(IsADirectoryError, match=r"Recording\.save"):
        recording.save(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.json"]  # no temporary left
    (tmp_path / "model.json").write_text('{"format": "autograd_mini.model"}')
    with pytest.raises(ValueError, match=r"format is 'autograd_mini\.model'"):
        Recording.load(tmp_path / "model.json")


@pytest.mark.parametrize(
    ("mutate", "match"),
    [
        (lambda d: d.update(format="autograd_mini.model"), "format is"),
        (lambda d: d.update(version=2), "unsupported version 2"),
        (lambda d: d.update(extra=1), "expected keys"),
        (lambda d: d["steps"][1]["weights"][0].pop(), "expected 4 neurons"),
        (lambda d: d["steps"][1].update(loss="lots"), "loss must be a number"),
        (lambda d: d["steps"][1].update(step=-1), "step must be an int >= 0"),
        (lambda d: d["steps"].reverse(), "increasing step order"),
        (lambda d: d.update(activations=["relu", "gelu"]), "unknown activation"),
        (lambda d: d.update(layer_sizes=[2, 4, 10**9]), "expected 1000000000 neurons"),
    ],
)
def test_from_json_names_the_first_problem(mutate, match):
    model = MLP(2, [4, 1], seed=0)
    history = fit(model, *make_xor(10, seed=0), epochs=2, progress=False, record=True)
    document = json.loads(history.recording.to_json())
    mutate(document)
    with pytest.raises(ValueError, match=match):
        Recording.from_json(json.dumps(document))


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ('{"format": 1, "format": 2}', "duplicate key"),
        ('{"loss": NaN}', "NaN is not allowed"),
        ('{"format": "autograd_mini.recording"', "not valid JSON"),
        ("[]", "expected a JSON object"),
    ],
)
def test_from_json_refuses_broken_text(text, match):
    with pytest.raises(ValueError, match=match):
        Recording.from_json(text)


def test_from_json_wants_text():
    with pytest.raises(TypeError, match="text must be a str"):
        Recording.from_json(b"{}")


def test_recording_checks_its_fields():
    frame = run_plain_loop(2, budget=5).steps[1]
    with pytest.raises(ValueError, match="layer_sizes"):
        Recording((2,), (), "mse", steps=())
    with pytest.raises(ValueError, match="one name per layer"):
        Recording((1, 1), ("relu", "linear"), "mse", steps=())
    with pytest.raises(ValueError, match=r"steps\[0\]\.weights\[0\]: expected 3 inputs"):
        Recording((3, 1), ("linear",), "mse", steps=(frame,))
    with pytest.raises(TypeError, match="must be a RecordedStep"):
        Recording((1, 1), ("linear",), "mse", steps=("frame",))
    with pytest.raises(ValueError, match="increasing step order"):
        Recording((1, 1), ("linear",), "mse", steps=(frame, frame))
    assert isinstance(frame, RecordedStep)


def test_a_layer_of_a_thousand_neurons_records_and_round_trips():
    X, y = make_xor(8, seed=0)
    model = MLP(2, [1000, 1], seed=0)
    history = fit(model, X, y, epochs=2, progress=False, record=True)
    recording = history.recording
    assert recording.layer_sizes == (2, 1000, 1)
    assert (
        len(recording.steps[-1].weights[0]) == 1000
        and len(recording.steps[-1].weights[1][0]) == 1000
    )
    assert Recording.from_json(recording.to_json()) == recording
    assert recording.model(-1).state_dict() == model.state_dict()


def test_model_index_checks():
    recording = run_plain_loop(3, budget=5)
    assert recording.model(-1).state_dict() == recording.model(3).state_dict()
    with pytest.raises(ValueError, match="index 4 is out of range"):
        recording.model(4)
    with pytest.raises(TypeError, match="index must be an int"):
        recording.model(True)
    mixed = Recording((1, 1, 1, 1), ("relu", "tanh", "linear"), "mse", steps=())
    with pytest.raises(ValueError, match="one activation for all its hidden layers"):
        mixed.model(0)


def test_model_rebuilds_any_output_activation_and_leaves_global_random_alone():
    model = MLP(2, [3, 1], activation="tanh", seed=1, output_activation="sigmoid")
    X, y = [[0.5, -1.0], [1.0, 0.25], [-0.5, 0.5]], [1.0, 0.0, 1.0]
    history = fit(model, X, y, loss="binary_cross_entropy", epochs=2, progress=False, record=True)
    random.seed(123)
    expected = random.random()
    random.seed(123)
    rebuilt = history.recording.model(-1)
    assert random.random() == expected  # nothing drawn from the global generator
    assert [layer.activation for layer in rebuilt.layers] == ["tanh", "sigmoid"]
    assert rebuilt.state_dict() == model.state_dict()
    assert [rebuilt(x).data for x in X] == [model(x).data for x in X]


# ----------------------------------------------------------------------------
# fit(record=...) argument checks
# ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("record", "error", "match"),
    [
        (0, ValueError, "record must be True, False or a positive int, got 0"),
        (-3, ValueError, "got -3"),
        (1.0, TypeError, r"got 1\.0 \(a float\)"),
        ("yes", TypeError, "got 'yes'"),
        (None, TypeError, "got None"),
    ],
)
def test_fit_rejects_bad_record_before_changing_the_model(record, error, match):
    X, y = make_xor(10, seed=0)
    model = MLP(2, [3, 1], seed=0)
    before = model.state_dict()
    with pytest.raises(error, match=match):
        fit(model, X, y, epochs=2, progress=False, record=record)
    assert model.state_dict() == before


def test_fit_record_needs_an_mlp_and_its_own_fresh_recorder():
    X, y = make_xor(10, seed=0)
    with pytest.raises(TypeError, match="record needs an MLP model, got Neuron"):
        fit(Neuron(2, seed=0), X, y, epochs=1, progress=False, record=True)
    model = MLP(2, [3, 1], seed=0)
    with pytest.raises(ValueError, match="Recorder of another model"):
        fit(model, X, y, epochs=1, progress=False, record=Recorder(MLP(2, [3, 1], seed=0)))
    used = Recorder(model)
    used.capture(0, 0.0, lr=0.1)
    with pytest.raises(ValueError, match="fresh Recorder"):
        fit(model, X, y, epochs=1, progress=False, record=used)


def test_fit_records_with_an_optimizer_of_its_own_kind():
    class HalfStep:
        """Not an Optimizer: no lr, no state; just step() and zero_grad()."""

        def __init__(self, params):
            self.params = params

        def zero_grad(self):
            for p in self.params:
                p.grad = 0.0

        def step(self):
            for p in self.params:
                p.data -= 0.5 * 0.1 * p.grad

    X, y = make_xor(10, seed=0)
    model = MLP(2, [3, 1], seed=0)
    history = fit(
        model, X, y, optimizer=HalfStep(model.parameters()), epochs=2, progress=False, record=True
    )
    frames = history.recording.steps
    assert [f.step for f in frames] == [0, 1, 2]
    assert all(math.isnan(f.lr) and f.optimizer_state is None for f in frames)
    assert frames[-1].weights == nested_params(model)[0]


def test_no_recording_unless_asked():
    X, y = make_xor(10, seed=0)
    history = fit(MLP(2, [3, 1], seed=0), X, y, epochs=1, progress=False, record=False)
    assert history.recording is None


# ----------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------


def _numbers(nested):
    if isinstance(nested, tuple):
        return [x for item in nested for x in _numbers(item)]
    return [nested]


def _minus(a, b):
    if isinstance(a, tuple):
        return tuple(_minus(x, y) for x, y in zip(a, b, strict=True))
    return a - b
