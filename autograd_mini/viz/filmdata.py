"""What a training film shows, computed once from a recording.

`FilmData` holds, per frame, the network's numbers as flat lists (weights,
gradients, changes: see `network.flat_parameters`), the curves, a caption,
and for the sample on screen its value at every neuron and (for slow motion)
the gradient of its loss at every neuron, computed by the engine itself on the
weights the step started from. Scales are fixed over the whole film, so a
thick edge means the same in every frame.

Imports `autograd_mini.engine`, `.losses`, `.nn` and `autograd_mini.viz.*`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence, Sized
from dataclasses import dataclass, field
from typing import Any, Protocol

from autograd_mini import losses
from autograd_mini.engine import Value
from autograd_mini.viz.escape import clean_text, format_number
from autograd_mini.viz.network import flat_parameters
from autograd_mini.viz.weights import ACTIVATION_FUNCTIONS, Net

__all__ = ["FilmData", "RecordingLike", "StepLike", "build_film_data", "check_points"]

MAX_FILM_NUMBERS = 80_000
"""Frames x parameters above this are thinned to fewer frames.

Each number is shipped three times (weight, gradient, change) as 4 bytes of
float32 in base64: 80,000 numbers are about 1.3 MB of page. The demo's
MLP(2, [16, 16, 1]) (337 parameters) keeps all of a 200-frame recording."""


class StepLike(Protocol):
    """What the film reads from one recorded step (autograd_mini.recording.RecordedStep)."""

    @property
    def step(self) -> int: ...
    @property
    def epoch(self) -> int: ...
    @property
    def loss(self) -> float: ...
    @property
    def lr(self) -> float: ...
    @property
    def weights(self) -> Sequence[Sequence[Sequence[float]]]: ...
    @property
    def biases(self) -> Sequence[Sequence[float]]: ...
    @property
    def grad_weights(self) -> Sequence[Sequence[Sequence[float]]]: ...
    @property
    def grad_biases(self) -> Sequence[Sequence[float]]: ...
    @property
    def delta_weights(self) -> Sequence[Sequence[Sequence[float]]]: ...
    @property
    def delta_biases(self) -> Sequence[Sequence[float]]: ...
    @property
    def train_accuracy(self) -> float | None: ...
    @property
    def val_loss(self) -> float | None: ...
    @property
    def val_accuracy(self) -> float | None: ...


class RecordingLike(Protocol):
    """What the film reads from a recording (autograd_mini.recording.Recording)."""

    @property
    def layer_sizes(self) -> tuple[int, ...]: ...
    @property
    def activations(self) -> tuple[str, ...]: ...
    @property
    def loss_name(self) -> str: ...
    @property
    def steps(self) -> Sequence[Any]: ...
    @property
    def diverged(self) -> str | None: ...


@dataclass
class FilmData:
    """Everything the film draws, frame by frame (see the module docstring)."""

    layer_sizes: tuple[int, ...]
    activations: tuple[str, ...]
    loss_name: str
    diverged: str | None
    indices: list[int]
    steps: list[int]
    epochs: list[int]
    lrs: list[float]
    loss: list[float]
    train_accuracy: list[float | None]
    val_loss: list[float | None]
    val_accuracy: list[float | None]
    weights: list[list[float]]
    grads: list[list[float]]
    deltas: list[list[float]]
    scales: dict[str, float]
    captions: list[str] = field(default_factory=list)
    # The sample on screen: its value at every neuron (inputs first) per frame,
    # with the weights after the step (fills); and for slow motion the values
    # and loss gradients with the weights before it, and its loss there.
    sample: list[float] | None = None
    sample_label: int | None = None
    sample_index: int = 0
    values_after: list[list[float]] = field(default_factory=list)
    values_before: list[list[float]] = field(default_factory=list)
    neuron_grads: list[list[float]] = field(default_factory=list)
    sample_loss: list[float] = field(default_factory=list)
    value_scales: list[float] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.steps)

    def net(self, frame: int, before: bool = False) -> Net:
        """The network of `frame` as plain weights (before its step, if asked)."""
        flat = self.weights[frame]
        if before:
            flat = [w - d for w, d in zip(flat, self.deltas[frame])]
        weights, biases, at = [], [], 0
        for nin, nout in zip(self.layer_sizes, self.layer_sizes[1:]):
            weights.append(
                tuple(tuple(flat[at + j * nin : at + (j + 1) * nin]) for j in range(nout))
            )
            at += nin * nout
            biases.append(tuple(flat[at : at + nout]))
            at += nout
        return Net(tuple(weights), tuple(biases), self.activations)


def _rows(value: object, where: str, what: str) -> list[object]:
    """Any sized, indexable collection (a list, a tuple, a NumPy array) as a list."""
    if isinstance(value, (str, bytes)) or not (
        isinstance(value, Sized) and isinstance(value, Iterable)
    ):
        raise TypeError(f"{where}: {what}, got {type(value).__name__}")
    return list(value)


def check_points(
    X: object, y: object, nin: int, where: str
) -> tuple[list[list[float]], list[int]] | None:
    """`X`, `y` as lists of floats and int labels (None when X is None), or one clear error.

    Lists, tuples and NumPy arrays are all fine.

    >>> check_points([[1, 2]], (1,), 2, "f")
    ([[1.0, 2.0]], [1])
    """
    if X is None:
        if y is not None:
            raise ValueError(f"{where}: y given without X")
        return None
    samples = _rows(X, where, "X must be a list of samples")
    if y is None:
        raise TypeError(f"{where}: y must be a list of labels when X is given")
    targets = _rows(y, where, "y must be a list of labels")
    if len(samples) != len(targets):
        raise ValueError(f"{where}: X has {len(samples)} samples but y has {len(targets)} labels")
    points: list[list[float]] = []
    for i, x in enumerate(samples):
        if (
            isinstance(x, (str, bytes))
            or not (isinstance(x, Sized) and isinstance(x, Iterable))
            or len(x) != nin
        ):
            raise ValueError(f"{where}: X[{i}] must hold {nin} numbers (the network's inputs)")
        try:
            point = [float(v) for v in x]
        except (TypeError, ValueError):
            raise TypeError(f"{where}: X[{i}] holds something that is not a number") from None
        if not all(math.isfinite(v) for v in point):
            raise ValueError(f"{where}: X[{i}] holds a NaN or infinite number")
        points.append(point)
    labels: list[int] = []
    for i, label in enumerate(targets):
        number = None
        if not isinstance(label, (bool, str, bytes)):
            try:
                number = float(label)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                number = None
        if number is None or not number.is_integer():
            raise TypeError(f"{where}: y[{i}] must be a whole-number class label, got {label!r}")
        labels.append(int(number))
    return points, labels


def _chosen_frames(count: int, parameters: int, max_frames: int | None) -> list[int]:
    """Which recorded frames the film keeps: all, unless they would make it too big."""
    limit = max(2, MAX_FILM_NUMBERS // max(1, parameters))
    if max_frames is not None:
        limit = min(limit, max_frames)
    if count <= limit:
        return list(range(count))
    # Evenly over the recorded frames (already spaced by the recorder), keeping both ends.
    return sorted({round(i * (count - 1) / (limit - 1)) for i in range(limit)})


def _largest(lists: Sequence[Sequence[float]]) -> float:
    top = 0.0
    for values in lists:
        for v in values:
            if math.isfinite(v) and abs(v) > top:
                top = abs(v)
    return top or 1.0


def film_scale(lists: Sequence[Sequence[float]]) -> float:
    """The size drawn strongest: the 99th percentile of |number| over the whole film.

    A percentile, not the maximum, so one early spike (a first gradient, say)
    does not leave every later frame faint; bigger numbers are drawn at full
    strength, which the legend says ("widest at |value| >= scale").

    >>> film_scale([[float(i) for i in range(1, 101)], [1e6]])
    100.0
    """
    sizes = sorted(abs(v) for values in lists for v in values if math.isfinite(v) and v != 0.0)
    if not sizes:
        return 1.0
    return sizes[min(len(sizes) - 1, int(0.99 * len(sizes)))]


def build_film_data(
    recording: RecordingLike,
    points: tuple[list[list[float]], list[int]] | None,
    sample: int,
    max_frames: int | None,
) -> FilmData:
    """Read the recording once into the lists the film draws."""
    sizes = tuple(recording.layer_sizes)
    parameters = sum(nout * (nin + 1) for nin, nout in itertools.pairwise(sizes))
    keep = _chosen_frames(len(recording.steps), parameters, max_frames)
    frames = [recording.steps[i] for i in keep]
    data = FilmData(
        layer_sizes=sizes,
        activations=tuple(recording.activations),
        loss_name=str(recording.loss_name),
        diverged=recording.diverged,
        indices=keep,
        steps=[int(f.step) for f in frames],
        epochs=[int(f.epoch) for f in frames],
        lrs=[float(f.lr) for f in frames],
        loss=[float(f.loss) for f in frames],
        train_accuracy=[f.train_accuracy for f in frames],
        val_loss=[f.val_loss for f in frames],
        val_accuracy=[f.val_accuracy for f in frames],
        weights=[flat_parameters(f.weights, f.biases) for f in frames],
        grads=[flat_parameters(f.grad_weights, f.grad_biases) for f in frames],
        deltas=[flat_parameters(f.delta_weights, f.delta_biases) for f in frames],
        scales={},
    )
    data.scales = {
        "weights": film_scale(data.weights),
        "gradients": film_scale(data.grads),
        "changes": film_scale(data.deltas),
    }
    if points is not None and points[0] and 0 <= sample < len(points[0]):
        data.sample, data.sample_label = points[0][sample], points[1][sample]
        data.sample_index = sample
        _trace_sample(data)
    data.captions = [_caption(data, k) for k in range(len(data))]
    return data


def _trace_sample(data: FilmData) -> None:
    """The sample's neuron values (after each step) and its loss and gradients (before)."""
    assert data.sample is not None and data.sample_label is not None
    for k in range(len(data)):
        data.values_after.append([*data.sample, *_flat(data.net(k).forward(data.sample))])
        values, grads, loss = _sample_backward(
            data.net(k, before=True), data.sample, data.sample_label, data.loss_name
        )
        data.values_before.append(values)
        data.neuron_grads.append(grads)
        data.sample_loss.append(loss)
    columns = [0, *data.layer_sizes]
    starts = [sum(columns[: c + 1]) for c in range(len(data.layer_sizes))]
    data.value_scales = [
        _largest(
            [v[starts[c] : starts[c] + data.layer_sizes[c]] for v in data.values_after]
            + [v[starts[c] : starts[c] + data.layer_sizes[c]] for v in data.values_before]
        )
        for c in range(len(data.layer_sizes))
    ]


def _flat(layers: list[list[float]]) -> list[float]:
    return [v for layer in layers for v in layer]


def sample_loss(outputs: list[Value], label: int, loss_name: str) -> Value:
    """One sample's loss, the number `fit` computes for a batch of one.

    Hinge and mse are written with plain ops (relu(1 - y·s), (s - t)**2), not
    the fused loss nodes, so the chain-rule player can show each step and rerun
    the forward pass after the update.
    """
    if loss_name == "cross_entropy":
        return losses.cross_entropy(outputs, label)
    if loss_name == "hinge":
        return (1.0 - outputs[0] * (1.0 if label > 0 else -1.0)).relu()
    if loss_name == "binary_cross_entropy":
        return losses.binary_cross_entropy(outputs, [1 if label > 0 else 0])
    return (outputs[0] - float(label)) ** 2


def sample_graph(
    net: Net, x: Sequence[float], label: int, loss_name: str
) -> tuple[Value, list[list[Value]]]:
    """The engine's graph of one sample's loss on plain weights: (loss, values per column)."""
    columns: list[list[Value]] = [[Value(v, label=f"x{i}") for i, v in enumerate(x)]]
    for layer, (w, b, act) in enumerate(zip(net.weights, net.biases, net.activations)):
        outs = []
        for j, (row, bias) in enumerate(zip(w, b)):
            params = [Value(v, label=f"w{i}") for i, v in enumerate(row)]
            for p in params:
                p.scope = f"layers.{layer}.neurons.{j}"
            b_value = Value(bias, label="b")
            b_value.scope = f"layers.{layer}.neurons.{j}"
            out = Value.dot(params, columns[-1], bias=b_value)
            out.scope = f"layers.{layer}.neurons.{j}"
            if act != "linear":
                out = getattr(out, act)()
                out.scope = f"layers.{layer}.neurons.{j}"
            outs.append(out)
        columns.append(outs)
    loss = sample_loss(columns[-1], label, loss_name)
    loss.label = "loss"
    return loss, columns


def _sample_backward(
    net: Net, x: Sequence[float], label: int, loss_name: str
) -> tuple[list[float], list[float], float]:
    if any(act not in ACTIVATION_FUNCTIONS or act == "leaky_relu" for act in net.activations):
        outputs = net.forward(x)
        return [*x, *_flat(outputs)], [0.0] * (len(x) + sum(map(len, outputs))), math.nan
    try:
        loss, columns = sample_graph(net, x, label, loss_name)
        loss.backward()
    except (OverflowError, ValueError):
        # A diverged step's weights can overflow the forward pass: nothing to show.
        count = sum(len(c) for c in net.weights) + len(x)
        return [math.nan] * count, [0.0] * count, math.nan
    values = [v.data for column in columns for v in column]
    grads = [v.grad for column in columns for v in column]
    return values, grads, loss.data


def _percent(x: float | None) -> str:
    return "-" if x is None or not math.isfinite(x) else f"{x:.0%}"


def _caption(data: FilmData, k: int) -> str:
    step = data.steps[k]
    head = (
        "Step 0: the initial weights, before any update"
        if step == 0
        else f"Step {step} (epoch {data.epochs[k] + 1}), lr {format_number(data.lrs[k])}"
    )
    accuracy = _percent(data.train_accuracy[k])
    line = f"batch loss {format_number(data.loss[k])}, train accuracy {accuracy}"
    val_loss = data.val_loss[k]
    if val_loss is not None or data.val_accuracy[k] is not None:
        shown = format_number(val_loss) if val_loss is not None else "-"
        line += f"; validation loss {shown}, accuracy {_percent(data.val_accuracy[k])}"
    lines = [head, line]
    if data.diverged is not None and k == len(data) - 1:
        lines.append("Training diverged here: " + clean_text(data.diverged, 300))
    return "\n".join(lines)
