"""The `autograd-mini demo` job: train a small MLP on a toy dataset and draw it.

`run_demo` generates the data (100 training and 100 test points by default),
trains `MLP(2, [16, 16, k])` with `fit`, reports train/test accuracy and wall
time, and writes into an output directory:

    model.json               the trained model (`autograd_mini.save`)
    loss_curve.csv / .json   loss, accuracy and lr per epoch (always)
    loss_curve.svg           the same as a picture (needs matplotlib)
    decision_boundary.svg    the classes over the plane (needs matplotlib)
    loss_graph.svg           the loss graph of one sample with its gradients, at
                             the initial weights, grouped by neuron
                             (needs Graphviz)
    training.html / .gif     the film of the whole run (`viz.animate_training` of
                             `fit(record=True)`): an offline player and an
                             animated GIF (needs Pillow); `film=False` skips them

A picture whose optional dependency is missing is replaced by a one-line note.
Every file's content is made first and then all are written together through
the package's one file writer (`autograd_mini._files.write_all`): if one cannot
be written (a full disk, a directory where a file should go) `run_demo` raises
an OSError naming it and leaves no file of this run, whole or partial.
When training diverges (an overflow, or a final loss over DIVERGENCE_FACTOR
times the first epoch's) it prints "training diverged: try a smaller --lr"
with the reason, writes no file, and the result's `diverged` says why.

Imports `nn`, `losses`, `optim`, `data`, `train`, `serialization`, `plots` and `viz`.

>>> DATASETS["moons"].loss, DATASETS["blobs"].loss
('hinge', 'cross_entropy')
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TextIO

from autograd_mini import data, losses, plots
from autograd_mini._files import write_all, write_atomic
from autograd_mini.engine import Value
from autograd_mini.nn import MLP
from autograd_mini.optim import SGD, Adam, linear_decay
from autograd_mini.recording import Recording
from autograd_mini.serialization import to_json
from autograd_mini.train import History, TrainingDiverged, evaluate, fit

__all__ = [
    "DATASETS",
    "DIVERGENCE_FACTOR",
    "GRAPH_TITLE",
    "MAX_EPOCHS",
    "MAX_EPOCH_GRAPH",
    "MAX_HIDDEN_LAYERS",
    "MAX_LAYER_SIZE",
    "MAX_SAMPLES",
    "OPTIMIZERS",
    "DemoResult",
    "Dataset",
    "epoch_graph_size",
    "run_demo",
]


@dataclass(frozen=True)
class Dataset:
    """How the demo makes one dataset and which loss and output size fit it."""

    make: Callable[[int, int], tuple[list[list[float]], list[int]]]
    loss: str
    classes: int


DATASETS: dict[str, Dataset] = {
    "moons": Dataset(lambda n, seed: data.make_moons(n, noise=0.1, seed=seed), "hinge", 2),
    "circles": Dataset(lambda n, seed: data.make_circles(n, noise=0.08, seed=seed), "hinge", 2),
    "xor": Dataset(lambda n, seed: data.make_xor(n, seed=seed), "hinge", 2),
    "blobs": Dataset(lambda n, seed: data.make_blobs(n, centers=3, seed=seed), "cross_entropy", 3),
}
"""The datasets `--dataset` accepts."""

# Starting lr per optimizer; it decays linearly to 1/50 of that over the epochs.
# Adam at 0.05 -> 0.001 over 200 full-batch epochs reaches 100% train accuracy
# on the default moons for every seed we tried (0-5).
OPTIMIZERS: dict[str, float] = {"adam": 0.05, "sgd": 0.2}
"""The optimizers `--optimizer` accepts, with their default starting lr."""

DIVERGENCE_FACTOR = 10.0
"""A final loss this many times the first epoch's counts as diverged (steps overshoot)."""

GRAPH_TITLE = "{loss} loss of one training sample ({target}) at the initial weights"
"""The title of loss_graph.svg (each node shows its data and its gradient); {target}
is the sample's class, and for the hinge loss also the -1/+1 label it is scored against."""

MAX_EPOCHS = 100_000
"""The most epochs `--epochs` accepts."""

MAX_SAMPLES = 10_000
"""The most training points `--samples` accepts."""

MAX_HIDDEN_LAYERS, MAX_LAYER_SIZE = 8, 512
"""The most hidden layers `--hidden` accepts, and the most units in one."""

MAX_EPOCH_GRAPH = 10_000_000
"""The most numbers one full-batch epoch's graph may hold (`epoch_graph_size`).

At a few dozen bytes each (a node, or a weight's slot in a neuron's dot) that
is under a gigabyte; beyond it the demo would run out of memory, not finish.
"""


def epoch_graph_size(hidden: Sequence[int], samples: int, dataset: str) -> int:
    """About how many numbers the graph of one full-batch epoch holds.

    Every sample runs every neuron: a dot node with a slot per weight, and an
    activation node; so samples x (parameters + 2 x units).

    >>> epoch_graph_size([16, 16], 100, "moons")
    40300
    """
    classes = DATASETS[dataset].classes
    sizes = [2, *hidden, 1 if classes == 2 else classes]
    parameters = sum((a + 1) * b for a, b in itertools.pairwise(sizes))
    return samples * (parameters + 2 * sum(sizes[1:]))


@dataclass
class DemoResult:
    """What `run_demo` measured and wrote (accuracies are NaN when training diverged)."""

    train_accuracy: float
    test_accuracy: float
    seconds: float
    history: History
    files: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    diverged: str | None = None
    """Why training counts as diverged (then nothing but this is reported), else None."""


def run_demo(
    dataset: str = "moons",
    epochs: int = 200,
    hidden: Sequence[int] = (16, 16),
    optimizer: str = "adam",
    seed: int = 0,
    out: str = "autograd-mini-demo",
    *,
    samples: int = 100,
    lr: float | None = None,
    progress: bool = True,
    stream: TextIO | None = None,
    film: bool = True,
) -> DemoResult:
    """Train, evaluate, write the pictures and the model into `out`, print a summary.

    Args:
        dataset: a key of DATASETS.
        epochs: full-batch training epochs.
        hidden: hidden layer sizes.
        optimizer: "adam" or "sgd" (with momentum 0.9).
        seed: seeds the data, the split and the initial weights.
        out: output directory (created if missing).
        samples: training points; as many again are held out for testing.
        lr: starting learning rate (default from OPTIMIZERS).
        progress: show the tqdm bar.
        stream: where the summary goes (default stdout).
        film: record the run and write its film (training.html, training.gif).
    """
    write = (stream or sys.stdout).write
    spec = DATASETS[dataset]
    X, y = spec.make(2 * samples, seed)
    X_train, X_test, y_train, y_test = data.train_test_split(X, y, test_fraction=0.5, seed=seed)
    outputs = 1 if spec.classes == 2 else spec.classes
    model = MLP(2, [*hidden, outputs], activation="relu", seed=seed)
    start_lr = OPTIMIZERS[optimizer] if lr is None else lr
    opt = Adam(model, lr=start_lr) if optimizer == "adam" else SGD(model, lr=start_lr, momentum=0.9)
    write(
        f"autograd-mini demo: MLP(2, {model.nouts}) relu on {dataset} "
        f"({len(X_train)} train / {len(X_test)} test points), {optimizer}, {epochs} epochs\n"
    )
    os.makedirs(out, exist_ok=True)
    # Drawn before training: the loss is not yet zero there, so backward leaves
    # a gradient worth looking at on every node (after training most are 0).
    # Written only after training succeeded, so a diverged run writes nothing.
    graph_svg, graph_note = _graph_svg(model, X_train[0], y_train[0], spec.loss)
    started = time.perf_counter()
    try:
        history = fit(
            model,
            X_train,
            y_train,
            loss=spec.loss,
            optimizer=opt,
            epochs=epochs,
            progress=progress,
            l2=1e-4,
            validation_data=(X_test, y_test),
            lr_schedule=linear_decay(start_lr, start_lr / 50, epochs),
            record=film,
        )
        diverged = _divergence(history)
    except TrainingDiverged as e:
        history = e.history
        diverged = f"overflow in epoch {e.epoch} of {e.epochs} ({e.cause})"
    seconds = time.perf_counter() - started
    if diverged is not None:
        # A diverged model's pictures and weights are noise (and drawing them can
        # overflow again), so only the hint is reported.
        write(f"training diverged: try a smaller --lr ({diverged})\n")
        return DemoResult(math.nan, math.nan, seconds, history, diverged=diverged)
    _, train_acc = evaluate(model, X_train, y_train, loss=spec.loss)
    _, test_acc = evaluate(model, X_test, y_test, loss=spec.loss)
    result = DemoResult(train_acc, test_acc, seconds, history)
    write(
        f"train accuracy {train_acc:.1%}, test accuracy {test_acc:.1%}, "
        f"final loss {history.loss[-1]:.4f}, {seconds:.1f} s\n"
    )

    # Every file's content first, then all of them together: a failure leaves
    # none of this run's files, rather than some of them or half of one.
    written: list[tuple[str, str, bytes]] = [
        ("model", "model.json", to_json(model).encode("utf-8")),
        ("loss numbers (CSV)", "loss_curve.csv", _history_csv(history)),
        ("loss numbers (JSON)", "loss_curve.json", _history_json(history)),
    ]
    for name, filename, (content, note) in (
        ("loss curve", "loss_curve.svg", _loss_curve_svg(history)),
        (
            "decision boundary",
            "decision_boundary.svg",
            _decision_boundary_svg(model, X_train, y_train, X_test, y_test),
        ),
        ("loss graph (1 sample, initial weights)", "loss_graph.svg", (graph_svg, graph_note)),
    ):
        if content is not None:
            written.append((name, filename, content))
        if note is not None:
            result.notes.append(f"{name}: {note}")
    film_started = time.perf_counter()
    if history.recording is not None:
        made, frames, film_notes = _film_files(history.recording, X_train, y_train, X_test, y_test)
        written.extend(made)
        result.notes.append(
            f"training film: {frames} frames of {history.recording.steps[-1].step} steps, "
            f"made in {time.perf_counter() - film_started:.1f} s (--no-film skips it)"
        )
        result.notes.extend(film_notes)
    write_all([(os.path.join(out, filename), content) for _, filename, content in written], "demo")
    files = result.files
    for name, filename, _ in written:
        files[name] = os.path.join(out, filename)

    write(f"wrote into {os.path.abspath(out)}:\n")
    width = max(len(name) for name in files)
    for name, path in files.items():
        write(f"  {name:<{width}}  {path}\n")
    for note in result.notes:
        write(f"note: {note}\n")
    return result


def _divergence(history: History) -> str | None:
    """Why `history` looks diverged (non-finite or exploding loss), else None."""
    first, last = history.loss[0], history.loss[-1]
    if not (math.isfinite(first) and math.isfinite(last)):
        return f"the loss became {last!r}"
    if last > DIVERGENCE_FACTOR * first:
        return f"the loss rose from {first:.4g} in epoch 1 to {last:.4g} in epoch {history.epochs}"
    return None


# ----------------------------------------------------------------------------
# the written files
# ----------------------------------------------------------------------------

Written = tuple[str | None, str | None]  # (path written, or a note saying why not)
Made = tuple[bytes | None, str | None]  # (a file's content, or a note saying why not)


def _one_sample_loss(model: MLP, x: Sequence[float], label: int, loss: str) -> Value:
    outputs = model.outputs(x)
    if loss == "cross_entropy":
        return losses.cross_entropy(outputs, label)
    return losses.hinge(outputs, losses.hinge_labels([label]))


def _write_graph_svg(
    model: MLP, x: Sequence[float], y: int, path: str, loss: str = "hinge"
) -> Written:
    """The loss graph of one sample with its gradients, as SVG, one cluster per neuron."""
    svg, note = _graph_svg(model, x, y, loss)
    if svg is None:
        return None, note
    write_atomic(path, svg, "demo")
    return path, note


def _graph_svg(
    model: MLP, x: Sequence[float], y: int, loss: str = "hinge"
) -> tuple[bytes | None, str | None]:
    """The SVG of `_write_graph_svg`, or None and a note saying why it is missing.

    Runs backward() on that one-sample loss and clears the model's grads again.
    """
    # Imported here so that `autograd-mini --help` and argument errors stay quick.
    import graphviz

    from autograd_mini.viz import draw_graph

    root = _one_sample_loss(model, x, y, loss)
    root.label = "loss"
    root.backward()
    target = f"class {y}" if loss == "cross_entropy" else f"class {y}, hinge label {2 * y - 1:+d}"
    title = GRAPH_TITLE.format(target=target, loss=loss.replace("_", " ").capitalize())
    try:
        svg = draw_graph(root, group="neuron", title=title).pipe(format="svg")
    except graphviz.ExecutableNotFound:
        return None, "skipped (Graphviz 'dot' not found; install it: sudo apt-get install graphviz)"
    finally:
        model.zero_grad()
    return (svg if isinstance(svg, bytes) else svg.encode("utf-8")), None


def _history_csv(history: History) -> bytes:
    rows = history.rows()
    text = io.StringIO(newline="")
    writer = csv.DictWriter(text, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return text.getvalue().encode("utf-8")


def _history_json(history: History) -> bytes:
    document = {"epochs": history.rows(), "seconds": history.seconds}
    return (json.dumps(document, indent=1) + "\n").encode("utf-8")


def _film_files(
    recording: Recording,
    X_train: list[list[float]],
    y_train: list[int],
    X_test: list[list[float]],
    y_test: list[int],
) -> tuple[list[tuple[str, str, bytes]], int, list[str]]:
    """training.html and training.gif as (name, file name, content), the film's number
    of frames, and notes on what is missing (no Graphviz: the chain-rule players; no
    Pillow: the GIF)."""
    import graphviz

    from autograd_mini.viz import animate_training

    notes = []
    title = "autograd-mini demo: watch it learn"
    validation = (X_test, y_test)
    try:
        film = animate_training(
            recording, X_train, y_train, validation_data=validation, title=title
        )
    except graphviz.ExecutableNotFound:
        film = animate_training(
            recording,
            X_train,
            y_train,
            validation_data=validation,
            title=title,
            chain_rule_frames=0,
        )
        notes.append(
            "training film: no chain-rule players (Graphviz 'dot' not found; install it: "
            "sudo apt-get install graphviz)"
        )
    made = [("training film (HTML player)", "training.html", film.to_html().encode("utf-8"))]
    try:
        made.append(("training film (GIF)", "training.gif", film.to_gif()))
    except ImportError:
        notes.append("training film (GIF): skipped (Pillow not installed: pip install pillow)")
    return made, len(film), notes


def _loss_curve_svg(history: History) -> Made:
    try:
        # The demo's validation data is its test set, only reported, never tuned on.
        fig = plots.loss_curve_figure(history, validation_name="test")
    except ImportError:
        return (
            None,
            f"skipped (matplotlib not installed: {plots.INSTALL_HINT}); numbers are in the CSV",
        )
    return plots.svg_bytes(fig), None


def _decision_boundary_svg(
    model: MLP,
    X_train: list[list[float]],
    y_train: list[int],
    X_test: list[list[float]],
    y_test: list[int],
) -> Made:
    try:
        fig = plots.decision_boundary_figure(model, X_train, y_train, X_test, y_test)
    except ImportError:
        return None, f"skipped (matplotlib not installed: {plots.INSTALL_HINT})"
    return plots.svg_bytes(fig), None
