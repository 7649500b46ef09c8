"""animate_training: the film's frames, drawings, files and bad input (no browser).

The browser side (controls, slow motion, what the page draws) is in
test_film_browser.py.
"""

from __future__ import annotations

import base64
import json
import math
import re
import struct
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from film_runs import Run, moons_run, record_run

from autograd_mini import data
from autograd_mini.viz import Film, animate_training
from autograd_mini.viz.drawing import to_svg
from autograd_mini.viz.network import NetworkLayout, edge_width
from autograd_mini.viz.palette import diverging


@pytest.fixture(scope="module")
def moons() -> tuple[Run, list, list, tuple]:
    return moons_run(6)


@pytest.fixture(scope="module")
def film(moons: tuple[Run, list, list, tuple]) -> Film:
    run, X, y, val = moons
    return animate_training(run, X, y, validation_data=val, chain_rule_frames=0)


def payload(film: Film) -> dict:
    text = re.search(r'class="agm-film-data">(.*?)</script>', film.to_html(), re.S)
    assert text is not None
    return json.loads(text.group(1))


def float32s(text: str) -> list[float]:
    raw = base64.b64decode(text)
    return list(struct.unpack(f"<{len(raw) // 4}f", raw))


def test_one_frame_per_recorded_step_with_its_numbers(moons, film: Film) -> None:
    run = moons[0]
    assert len(film) == len(run.steps) and film.steps == [s.step for s in run.steps]
    for k, step in enumerate(run.steps):
        assert f"batch loss {float(f'{step.loss:.4g}'):.4g}" in film.captions[k]
    # The page ships every weight of every frame (float32) in the flat order.
    shipped = float32s(payload(film)["W"])
    per_frame = len(shipped) // len(film)
    layer0 = run.steps[3].weights[0]
    assert shipped[3 * per_frame + 5] == pytest.approx(layer0[2][1], rel=1e-6)  # neuron 2, input 1


def test_edges_are_coloured_and_sized_by_the_frames_weights(moons, film: Film) -> None:
    run = moons[0]
    layout = NetworkLayout(run.layer_sizes)
    scale = film.data.scales["weights"]
    sizes = sorted(
        abs(v)
        for s in run.steps
        for layer, biases in zip(s.weights, s.biases)
        for v in [*(w for r in layer for w in r), *biases]
        if v != 0
    )
    assert scale == sizes[int(0.99 * len(sizes))]  # the 99th percentile, fixed for the film
    svg = ET.fromstring(to_svg(film.panels(4)["network"], 10, 10))
    edges = {e.get("data-k"): e for e in svg.iter() if (e.get("data-k") or "").startswith("w")}
    w = run.steps[4].weights[1][3][7]  # layer 2, neuron 3, input 7
    edge = edges[f"w{layout.weight_index(1, 3, 7)}"]
    assert edge.get("stroke") == diverging(w / scale)
    assert float(edge.get("stroke-width") or "nan") == pytest.approx(edge_width(w, scale), abs=0.05)
    # Gradients mode draws the gradient the step used.
    g = run.steps[4].grad_weights[0][1][0]
    svg = ET.fromstring(to_svg(film.panels(4, "gradients")["network"], 10, 10))
    edge = next(e for e in svg.iter() if e.get("data-k") == f"w{layout.weight_index(0, 1, 0)}")
    assert edge.get("stroke") == diverging(g / film.data.scales["gradients"])


def test_sample_values_are_the_engines(moons, film: Film) -> None:
    X = moons[1]
    from autograd_mini.nn import MLP

    model = MLP(2, [16, 16, 1], seed=0)
    out = model.outputs(X[0])[0]
    # Frame 0 holds the initial weights, so the engine's output is the film's.
    assert film.data.values_after[0][-1] == pytest.approx(out.data, rel=1e-12)


def test_surface_appears_for_two_inputs_only(moons) -> None:
    run, X, y, _ = moons
    assert animate_training(run, X, y, chain_rule_frames=0).view.kind == "plane"
    assert animate_training(run, chain_rule_frames=0).view.kind == "none"
    X3 = [[a, b, a * b] for a, b in X]
    run3 = record_run(X3, y, [4], 2)
    film3 = animate_training(run3, X3, y, chain_rule_frames=0)
    assert film3.view.kind == "none"
    assert "No decision surface" in to_svg(film3.panels(0)["side"], 10, 10)
    assert film3.to_html().count("<svg") >= 4


def test_gif_decodes_to_the_frames_and_size(tmp_path: Path, film: Film) -> None:
    from PIL import Image

    path = film.save(tmp_path / "training.gif")
    with Image.open(path) as image:
        assert image.n_frames == len(film)
        assert image.size == film.gif_frame(0).size
        image.seek(image.n_frames - 1)
    assert film.gif_frames(4) == [0, 2, 4, 6]
    assert len(film.to_gif(max_frames=3)) < path.stat().st_size


def test_html_has_csp_and_no_external_reference(film: Film) -> None:
    html = film.to_html()
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_empty_and_one_step_recordings(moons) -> None:
    run = moons[0]
    with pytest.raises(ValueError, match="no frames"):
        animate_training(replace(run, steps=()))
    one = animate_training(replace(run, steps=run.steps[:1]), chain_rule_frames=0)
    assert len(one) == 1 and one.captions[0].startswith("Step 0")
    assert "<svg" in one.to_html()


def test_a_thousand_neurons_show_ten_and_a_count(tmp_path: Path) -> None:
    X, y = data.make_moons(20, seed=1)
    run = record_run(X, y, [1000], 3, lr=0.01)
    film = animate_training(run, X, y, chain_rule_frames=0)
    svg = to_svg(film.panels(0)["network"], 10, 10)
    assert "+990 more" in svg
    assert svg.count("<circle") == 2 + 10 + 1
    assert film.save(tmp_path / "big.html").stat().st_size < 2_000_000


def test_diverged_recording_ends_on_a_frame_that_says_so(moons) -> None:
    run = moons[0]
    bad = replace(run.steps[-1], step=run.steps[-1].step + 1, loss=math.nan)
    film = animate_training(
        replace(run, steps=(*run.steps, bad), diverged="overflow in epoch 7 (exp)"),
        chain_rule_frames=0,
    )
    assert "Training diverged here: overflow in epoch 7 (exp)" in film.captions[-1]
    assert "diverged" not in film.captions[-2]
    assert "Training diverged here" in to_svg(film.panels(len(film) - 1)["network"], 1, 1)
    assert "Training diverged here" not in to_svg(film.panels(0)["network"], 1, 1)
    assert payload(film)["diverged"] is True


def test_unwritable_path_one_clear_error_nothing_written(tmp_path: Path, film: Film) -> None:
    with pytest.raises(
        FileNotFoundError, match=r"^Film.save: cannot write .*: directory .* does not exist"
    ):
        film.save(tmp_path / "missing" / "film.html")
    (tmp_path / "film.gif").mkdir()
    with pytest.raises(IsADirectoryError, match="is a directory"):
        film.save(tmp_path / "film.gif")
    with pytest.raises(ValueError, match=r"use \.html or \.gif"):
        film.save(tmp_path / "film.mp3")
    assert [p.name for p in tmp_path.iterdir()] == ["film.gif"]


def test_a_failed_write_leaves_nothing(tmp_path: Path, film: Film, monkeypatch) -> None:
    from autograd_mini import _files

    def refused(source: str, target: str) -> None:
        raise PermissionError(13, "Permission denied", target)

    monkeypatch.setattr(_files.os, "replace", refused)
    with pytest.raises(PermissionError):
        film.save(tmp_path / "film.html")
    assert list(tmp_path.iterdir()) == []


def test_hostile_title_and_class_names_are_escaped(moons) -> None:
    run, X, y, _ = moons
    hostile = '</script><img src=x onerror=alert(1)>"&<!--'
    html = animate_training(
        run, X, y, title=hostile, class_names=[hostile, hostile], chain_rule_frames=0
    ).to_html()
    assert "<img src=x" not in html and "</script><img" not in html
    assert "&lt;/script&gt;&lt;img src=x" in html


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"X": [[0.0, 1.0]], "y": None}, TypeError, "y must be a list"),
        ({"X": [[0.0, 1.0]], "y": [1, 0]}, ValueError, "1 samples but y has 2"),
        ({"X": [[0.0]], "y": [1]}, ValueError, "must hold 2 numbers"),
        ({"X": [["a", 1.0]], "y": [1]}, TypeError, "not a number"),
        ({"X": [[float("nan"), 1.0]], "y": [1]}, ValueError, "NaN or infinite"),
        ({"X": [[0.0, 1.0]], "y": [0.5]}, TypeError, "whole-number class label"),
        ({"X": [[0.0, 1.0]], "y": [1], "sample": 3}, ValueError, "sample 3 is not in X"),
        ({"max_neurons": 0}, ValueError, "max_neurons"),
        ({"max_frames": 1}, ValueError, "max_frames"),
        ({"title": 3}, TypeError, "title must be a str"),
    ],
)
def test_bad_arguments(moons, kwargs: dict, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        animate_training(moons[0], **kwargs)
    with pytest.raises(TypeError, match="must be a Recording"):
        animate_training([1, 2, 3])  # type: ignore[arg-type]


def test_long_runs_are_thinned_to_a_bounded_film(moons) -> None:
    run = moons[0]
    film = animate_training(run, max_frames=3, chain_rule_frames=0)
    assert film.steps == [0, 3, 6]


def model_at(run: Run, k: int):
    """The engine's own MLP holding frame k's weights (an independent reference)."""
    from autograd_mini.nn import MLP

    model = MLP(run.layer_sizes[0], list(run.layer_sizes[1:]), seed=0)
    step = run.steps[k]
    for layer, weights, biases in zip(model.layers, step.weights, step.biases):
        for neuron, row, b in zip(layer.neurons, weights, biases):
            for w, v in zip(neuron.w, row):
                w.data = v
            neuron.b.data = b
    return model


def test_digits_film_shows_weight_images_answers_and_counts() -> None:
    pytest.importorskip("sklearn")
    from film_runs import digits_run

    run, X, y = digits_run()
    film = animate_training(run, X, y, class_names=("not 5", "5"), chain_rule_frames=0)
    assert film.view.kind == "image"
    strip = film.view.strip
    assert len(strip) == 10 and sum(y[i] for i in strip) == 5  # five 5s, five others
    k = len(film) - 1
    model = model_at(run, k)
    said = [int(model(x).data > 0) for x in X]
    tp = sum(s and t for s, t in zip(said, y))
    fp = sum(s and not t for s, t in zip(said, y))
    _, counts = film.view.answers(k)
    assert counts == [tp, fp, sum(y) - tp, len(y) - sum(y) - fp]
    svg = to_svg(film.panels(k)["side"], 10, 10)
    assert svg.count('data-k="img') == 8  # one weight image per first-layer neuron
    first = next(i for i in strip)
    name = "5" if said[first] else "not 5"
    mark = "✓" if said[first] == y[first] else "✗"
    assert f'data-k="ans0">{name} {mark}</text>' in svg
    assert f"said 5: {tp} ✓ {fp} ✗" in svg


@pytest.mark.parametrize("label", [0, 1])
@pytest.mark.parametrize("score", [-2.0, 0.0, 0.3, 1.7])
def test_sample_loss_is_fits_loss_for_a_batch_of_one(label: int, score: float) -> None:
    from autograd_mini import Value, losses
    from autograd_mini.viz.filmdata import sample_loss

    hinge = sample_loss([Value(score)], label, "hinge").data
    assert hinge == losses.hinge([Value(score)], [2 * label - 1]).data
    mse = sample_loss([Value(score)], label, "mse").data
    assert mse == pytest.approx(losses.mse([Value(score)], [float(label)]).data, rel=1e-15)


@pytest.mark.exe
def test_chain_rule_players_end_with_the_loss_after_the_step(moons) -> None:
    run, X, y, _ = moons
    film = animate_training(run, X, y, chain_rule_frames=2)
    assert sorted(film.chain_rule) == [0, len(film) - 1]
    html = film.chain_rule[len(film) - 1]
    assert "Forward pass again with the updated parameters: loss = " in html
    assert html in film.to_html()


def test_gif_without_pillow_says_what_to_install(tmp_path: Path, film: Film, monkeypatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(ImportError, match=r"needs Pillow \(pip install pillow\)"):
        film.save(tmp_path / "film.gif")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
def test_plain_weight_forward_pass_is_the_engines(activation: str) -> None:
    import random

    from autograd_mini.nn import MLP
    from autograd_mini.viz.weights import Net

    rng = random.Random(activation)
    model = MLP(3, [5, 4, 2], activation=activation, seed=7)
    net = Net.from_mlp(model)
    for _ in range(20):
        x = [rng.uniform(-3, 3) for _ in range(3)]
        assert net.output(x) == [v.data for v in model.outputs(x)]


@pytest.mark.exe
def test_chain_rule_players_stay_within_their_byte_budget(moons, monkeypatch) -> None:
    from autograd_mini.viz import film as film_module

    run, X, y, _ = moons
    monkeypatch.setattr(film_module, "_MAX_PLAYER_BYTES", 1)
    film = animate_training(run, X, y, chain_rule_frames=3)
    assert sorted(film.chain_rule) == [0]  # the first is always kept
    assert "2 more chain-rule players were left out" in film.notes[0]
    assert "2 more chain-rule players were left out" in film.to_html()


def test_notebook_shows_a_picture_of_frame_0_then_the_live_film(film: Film, monkeypatch) -> None:
    import IPython.display

    from autograd_mini.viz.notebook import RUN_TO_PLAY

    shown: list[tuple[dict, dict]] = []

    def display(data: dict, *, metadata: dict, raw: bool) -> None:
        shown.append((data, metadata))

    monkeypatch.setattr(IPython.display, "display", display)
    film._ipython_display_()
    (picture, metadata), (live, _) = shown
    assert picture["image/svg+xml"] == film.frame_svg(0)
    assert picture["text/plain"] == repr(film)
    assert metadata["image/png"] == {"width": 910, "height": 550}
    assert live["text/plain"] == RUN_TO_PLAY
    assert "agm-film" in live["application/javascript"]
    assert "</" not in live["application/javascript"]
    # The picture is the GIF's frame drawn as SVG: same size, same caption.
    assert film.gif_frame(0).size == (910, 550)
    assert film.captions[0].splitlines()[0] in picture["image/svg+xml"]


def test_a_film_of_fits_own_recording_shows_its_weights() -> None:
    from autograd_mini.nn import MLP
    from autograd_mini.optim import Adam
    from autograd_mini.train import fit

    X, y = data.make_moons(40, noise=0.1, seed=3)
    model = MLP(2, [6, 1], seed=3)
    history = fit(
        model, X, y, optimizer=Adam(model, lr=0.05), epochs=12, progress=False, record=True
    )
    recording = history.recording
    assert recording is not None
    film = animate_training(recording, X, y, chain_rule_frames=0)
    assert film.steps == [s.step for s in recording.steps]
    shipped = float32s(payload(film)["W"])
    per_frame = len(shipped) // len(film)
    for k in (0, len(film) // 2, len(film) - 1):
        # The flat order: per layer the weights neuron by neuron, then the biases.
        params = recording.model(k).layers
        expected = [w.data for layer in params for n in layer.neurons for w in n.w]
        expected_b = [n.b.data for layer in params for n in layer.neurons]
        frame = shipped[k * per_frame : (k + 1) * per_frame]
        assert frame[:12] == pytest.approx(expected[:12], rel=1e-6)  # layer 1's weights
        assert frame[12:18] == pytest.approx(expected_b[:6], rel=1e-6)  # then its biases
        assert film.data.loss[k] == recording.steps[k].loss


def test_numpy_arrays_are_fine_as_data(moons) -> None:
    np = pytest.importorskip("numpy")
    run, X, y, _ = moons
    from_lists = animate_training(run, X, y, chain_rule_frames=0)
    from_arrays = animate_training(run, np.array(X), np.array(y), chain_rule_frames=0)
    assert from_arrays.view.points is not None and from_lists.view.points is not None
    assert from_arrays.view.points.X == from_lists.view.points.X
    assert from_arrays.view.points.y == from_lists.view.points.y
    assert from_arrays.captions == from_lists.captions


def test_a_real_diverged_fit_makes_a_film_that_ends_saying_so() -> None:
    from autograd_mini.nn import MLP
    from autograd_mini.optim import SGD
    from autograd_mini.train import TrainingDiverged, fit

    X, y = data.make_moons(30, seed=0)
    model = MLP(2, [8, 8, 1], seed=0)
    with pytest.raises(TrainingDiverged) as caught:
        fit(
            model,
            X,
            y,
            optimizer=SGD(model, lr=1e6),
            epochs=50,
            progress=False,
            record=True,
            loss="mse",
        )
    recording = caught.value.history.recording
    assert recording is not None and recording.diverged is not None
    film = animate_training(recording, X, y, chain_rule_frames=0)
    assert film.captions[-1].endswith("Training diverged here: " + recording.diverged)
    html = film.to_html()  # NaN and overflowing numbers still make a valid page
    assert '"diverged":true' in html
    # Losses from 0.34 to 1e298 and a NaN still draw a chart.
    chart = ET.fromstring(to_svg(film.panels(len(film) - 1)["loss"], 1, 1))
    assert any(el.tag.endswith("polyline") for el in chart.iter())
