"""The Playground without a front end: its controls, its asyncio task, and that it tells the truth.

The replay tests compare its weights, step by step, with what an uninterrupted
`fit` with the same seed and settings recorded (`Recorder` keeps every step).
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import math
from array import array
from typing import Any

import pytest

pytest.importorskip("anywidget")

from autograd_mini.data import make_moons, make_xor
from autograd_mini.nn import MLP
from autograd_mini.optim import SGD, Adam
from autograd_mini.recording import Recorder
from autograd_mini.train import fit
from autograd_mini.viz import Film, Playground
from autograd_mini.viz.network import flat_parameters
from autograd_mini.viz.playground import SLICE_SECONDS
from autograd_mini.viz.weights import Net

X, Y = make_moons(60, seed=2)


def weights(model: MLP) -> list[float]:
    return [p.data for p in model.parameters()]


def fit_steps(batch_size: int | None, steps_wanted: int, *, seed: int = 5) -> list[list[float]]:
    """The weights after every step of fit (index k: after step k), settings as `playground`."""
    model = MLP(2, [6, 1], seed=1)
    recorder = Recorder(model, budget=10_000)
    per_epoch = 1 if batch_size is None else math.ceil(len(X) / batch_size)
    fit(
        model,
        X,
        Y,
        optimizer=Adam(model, lr=0.03),
        epochs=math.ceil(steps_wanted / per_epoch),
        batch_size=batch_size,
        seed=seed,
        progress=False,
        record=recorder,
    )
    recording = recorder.recording
    return [weights(recording.model(k)) for k in range(len(recording.steps))]


def playground(batch_size: int | None, *, seed: int = 5, **options: Any) -> Playground:
    model = MLP(2, [6, 1], seed=1)
    return Playground(
        model, X, Y, optimizer=Adam(model, lr=0.03), batch_size=batch_size, seed=seed, **options
    )


async def run_for(pg: Playground, seconds: float) -> None:
    pg.running = True
    await asyncio.sleep(seconds)
    pg.running = False


@pytest.mark.parametrize("batch_size", [None, 7, 16])
def test_paused_stepped_and_resumed_gives_fits_weights_at_every_step(
    batch_size: int | None,
) -> None:
    pg = playground(batch_size)
    model = pg.model
    seen = {0: weights(model)}
    for _ in range(3):
        pg.step_once()
        seen[pg.step] = weights(model)

    async def session() -> None:
        await pg.train(11)
        seen[pg.step] = weights(model)
        await run_for(pg, 0.15)
        seen[pg.step] = weights(model)
        pg.step_once()
        seen[pg.step] = weights(model)
        await pg.train(4)
        seen[pg.step] = weights(model)

    asyncio.run(session())
    assert pg.step > 19, "the running slice took no steps"
    reference = fit_steps(batch_size, pg.step)
    for step, got in seen.items():
        assert got == reference[step], f"step {step}"


def test_reset_gives_the_initial_weights_and_then_fits_steps_again() -> None:
    pg = playground(8)
    initial = weights(pg.model)
    asyncio.run(pg.train(20))
    assert weights(pg.model) != initial
    pg.reset()
    assert (pg.step, pg.epoch, weights(pg.model)) == (0, 0, initial)
    asyncio.run(pg.train(12))
    assert weights(pg.model) == fit_steps(8, 12)[12]


def test_running_takes_steps_on_the_event_loop_and_clearing_it_stops_them() -> None:
    pg = playground(4)
    counts: dict[str, int] = {}

    async def session() -> None:
        pg.running = True
        assert pg.step == 0  # setting it only schedules the task: the caller goes on at once
        await asyncio.sleep(0.3)
        counts["while running"] = pg.step
        pg.running = False
        counts["at pause"] = pg._stepper.steps
        await asyncio.sleep(3 * SLICE_SECONDS)
        counts["later"] = pg._stepper.steps

    asyncio.run(session())
    assert counts["while running"] > 0
    assert counts["later"] == counts["at pause"] == pg.step
    assert pg.running is False


def test_other_tasks_run_while_it_trains() -> None:
    pg = playground(4)
    ticks: list[int] = []

    async def ticker() -> None:
        for _ in range(5):
            ticks.append(pg._stepper.steps)
            await asyncio.sleep(0.05)

    async def session() -> None:
        pg.running = True
        await ticker()
        pg.running = False

    asyncio.run(session())
    assert len(ticks) == 5 and ticks[-1] > ticks[0]


def test_a_learning_rate_change_takes_effect_on_the_next_step() -> None:
    model = MLP(2, [4, 1], seed=3)
    pg = Playground(model, X, Y, optimizer=SGD(model, lr=0.1), batch_size=10)
    pg.step_once()
    pg.lr = 0.37
    before = weights(model)
    pg.step_once()
    # Plain SGD: every weight moved by -lr * its gradient from this step.
    for p, old in zip(model.parameters(), before):
        assert p.data == pytest.approx(old - 0.37 * p.grad, rel=1e-12, abs=1e-15)
    assert pg._stepper.optimizer.lr == 0.37


def test_a_batch_size_change_applies_from_the_next_epoch() -> None:
    pg = playground(20)  # 60 samples: 3 steps an epoch
    pg.step_once()
    pg.batch_size = 30
    pg.step_once()
    pg.step_once()
    assert pg.epoch == 1
    pg.step_once()
    pg.step_once()
    assert (pg.step, pg.epoch) == (5, 2)


def test_a_diverged_run_pauses_itself_and_sends_no_nan() -> None:
    model = MLP(2, [8, 1], seed=0)
    pg = Playground(model, X, Y, loss="mse", optimizer=SGD(model, lr=5.0), batch_size=10)
    asyncio.run(pg.train(500))
    assert pg.running is False
    assert pg.message.startswith("paused:") and "lower the learning rate and reset" in pg.message
    assert pg.step < 500
    assert all(math.isfinite(w) for w in weights(model))  # the failing step changed nothing
    for name in ("params", "steps", "loss", "accuracy"):
        numbers = array("d", pg.frame[name])
        assert len(numbers) > 0 and all(math.isfinite(v) for v in numbers), name
    rest = {k: v for k, v in pg.frame.items() if not isinstance(v, bytes)}
    json.dumps(rest, allow_nan=False)  # raises on NaN or infinity
    stopped_at = pg.step
    asyncio.run(pg.train(5))  # refused until reset
    assert pg.step == stopped_at and pg.message.startswith("paused:")
    film = pg.film()
    assert film.data.diverged is not None


def test_the_film_of_the_session_shows_its_steps() -> None:
    pg = playground(10)
    asyncio.run(pg.train(9))
    film = pg.film()
    assert isinstance(film, Film)
    assert film.steps == list(range(10))
    net = Net.from_mlp(pg.model)
    assert list(film.data.weights[-1]) == flat_parameters(net.weights, net.biases)


def test_the_saved_picture_is_a_png_of_the_current_frame() -> None:
    from PIL import Image

    pg = playground(10)
    pg.step_once()
    data, metadata = pg._picture()
    image = Image.open(io.BytesIO(base64.b64decode(data["image/png"])))
    assert image.size == (metadata["image/png"]["width"], metadata["image/png"]["height"])
    assert "step 1" in data["text/plain"]


def test_displayed_it_shows_the_picture_first_then_the_widget() -> None:
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.display import display
    from IPython.utils.capture import capture_output

    InteractiveShell.instance()
    pg = playground(10)
    with capture_output() as captured:
        display(pg)
    kinds = [sorted(output.data) for output in captured.outputs]
    assert kinds == [
        ["image/png", "text/plain"],
        ["application/vnd.jupyter.widget-view+json", "text/plain"],
    ]


def test_inputs_that_are_not_2d_train_without_a_surface() -> None:
    model = MLP(3, [4, 1], seed=0)
    X3 = [[x[0], x[1], x[0] * x[1]] for x in X]
    pg = Playground(model, X3, Y, batch_size=10)
    asyncio.run(pg.train(6))
    assert pg.step == 6 and pg.spec["plane"] is False and pg.spec["points"] is None
    assert "no decision surface" in pg.side_svg


def test_two_playgrounds_are_independent() -> None:
    a, b = playground(10), playground(10)

    async def session() -> None:
        a.running = True
        await b.train(6)
        a.running = False

    asyncio.run(session())
    assert b.step == 6 and a.step > 0
    assert weights(b.model) == fit_steps(10, 6)[6]
    assert weights(a.model) == fit_steps(10, a.step)[a.step]


def test_closing_while_training_stops_the_task_cleanly() -> None:
    pg = playground(4)
    errors: list[dict[str, Any]] = []

    async def session() -> None:
        asyncio.get_running_loop().set_exception_handler(lambda loop, ctx: errors.append(ctx))
        pg.running = True
        await asyncio.sleep(0.1)
        task = pg._task
        pg.close()
        steps = pg._stepper.steps
        await asyncio.sleep(0.2)
        assert task is not None and task.done()
        assert pg._stepper.steps == steps

    asyncio.run(session())
    assert errors == [] and pg.running is False


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("lr", 0, ValueError),
        ("lr", -0.1, ValueError),
        ("lr", math.nan, ValueError),
        ("lr", math.inf, ValueError),
        ("lr", "0.1", TypeError),
        ("batch_size", 0, ValueError),
        ("batch_size", 61, ValueError),
        ("batch_size", 2.5, TypeError),
        ("fps", 0, ValueError),
        ("running", 1, TypeError),
    ],
)
def test_bad_controls_are_refused_and_change_nothing(name: str, value: Any, error: type) -> None:
    pg = playground(10)
    before = getattr(pg, name)
    with pytest.raises(error, match=f"Playground: {name}"):
        setattr(pg, name, value)
    assert getattr(pg, name) == before
    assert pg._stepper.optimizer.lr == 0.03


def test_running_outside_an_event_loop_says_what_to_do() -> None:
    pg = playground(10)
    with pytest.raises(RuntimeError, match="step_once"):
        pg.running = True
    assert pg.running is False


def test_data_that_does_not_fit_the_model_is_refused_at_construction() -> None:
    with pytest.raises(ValueError, match="X has 3 features, the model takes 2"):
        Playground(MLP(2, [3, 1], seed=0), [[0.0, 1.0, 2.0]], [1])
    with pytest.raises(ValueError, match="Playground: X and y"):
        Playground(MLP(2, [3, 1], seed=0), [[0.0, 1.0]], [1, 0])
    with pytest.raises(TypeError, match="model must be an MLP"):
        Playground(lambda x: x, [[0.0, 1.0]], [1])
    with pytest.raises(ValueError, match="binary labels"):
        Playground(MLP(2, [3, 1], seed=0), *make_xor(10, seed=0)[:1], [2] * 10)
    with pytest.raises(ValueError, match="validation_data has 1 features"):
        Playground(MLP(2, [3, 1], seed=0), X, Y, validation_data=([[0.0]], [1]))


def test_train_checks_its_count() -> None:
    pg = playground(10)
    with pytest.raises(ValueError, match="n must be >= 1"):
        asyncio.run(pg.train(0))
    with pytest.raises(TypeError, match="n must be an int"):
        asyncio.run(pg.train(2.0))
    assert pg.step == 0


def test_a_loss_that_climbs_above_its_start_gets_a_note() -> None:
    model = MLP(2, [8, 8, 1], seed=0)
    pg = Playground(model, X, Y, optimizer=SGD(model, lr=10.0), batch_size=16)
    asyncio.run(pg.train(120))
    per_epoch = 4  # 60 samples in batches of 16
    recent = sum(pg._stepper.losses[-per_epoch:]) / per_epoch
    assert recent > pg._stepper.initial_loss  # the run bounced above its start ...
    assert pg.message.startswith("the loss (") and "learning rate may be too high" in pg.message
    calm = playground(16)
    asyncio.run(calm.train(120))
    assert calm.message == ""  # ... a good rate gets no note


def test_a_newer_playground_of_the_same_model_pauses_the_older() -> None:
    older = playground(10)
    model = older.model

    async def session() -> None:
        older.running = True
        await asyncio.sleep(0.2)
        newer = Playground(model, X, Y, batch_size=10)
        steps = older._stepper.steps
        await asyncio.sleep(0.2)
        assert older._stepper.steps == steps and older.running is False
        assert older.message.startswith("paused: a newer Playground")
        older.running = True  # refused: it would step the model the newer one trains
        assert older.running is False
        older.step_once()
        assert older._stepper.steps == steps
        await newer.train(3)
        assert newer.step == 3

    asyncio.run(session())


def test_a_frame_carries_the_models_weights_exactly() -> None:
    pg = playground(10)
    pg.step_once()
    net = Net.from_mlp(pg.model)
    assert list(array("d", pg.frame["params"])) == flat_parameters(net.weights, net.biases)
    assert list(array("d", pg.frame["loss"])) == pg._stepper.losses
    assert list(array("d", pg.frame["steps"])) == [1.0]
