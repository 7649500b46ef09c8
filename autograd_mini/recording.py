"""Recording a training run: the weights, gradients and updates at chosen steps.

A `Recording` is what a film of training is made from: for each recorded
optimizer step, every weight and bias of an MLP after the step, the gradients
that step used, the change the optimizer made (Δw), the loss, the learning
rate, accuracies and (for Adam and SGD with momentum) the optimizer's state.

Two ways to get one:

* `fit(..., record=True)` (every step is a candidate) or `record=k` (every
  k-th step) attaches `history.recording`; `record=Recorder(model, budget=50)`
  chooses the frame budget.
* A plain training loop makes a `Recorder` and calls `capture` once after every
  optimizer step (order below).

A budget (default 200 frames) keeps long runs small. When a new step would go
over it, the recorder drops the inner frame whose neighbours are closest on a
logarithmic step axis, so the frames end up log-spaced: every early step (where
training changes fastest) survives, later ones thin out, and step 0 and the
last step are always kept.

Call order in a plain loop (the recorder reads `p.grad` after the step, so do
not zero the gradients between `step()` and `capture`):

    forward -> loss -> zero_grad() -> loss.backward() -> optimizer.step()
    -> recorder.capture(step, loss, optimizer=optimizer)

`capture` must see every step (1, 2, 3, ...): Δw of step k is the weights now
minus the weights at the previous capture, so a skipped call would merge two
steps. Not every captured step is kept; that is the budget's job.

Saved as versioned JSON (`to_json` / `from_json`, `save` / `load`): floats in `repr` precision,
so a round trip is exact; NaN and infinities (only in a diverged run's last
frame) as the strings "nan", "inf", "-inf". Never pickle.

Imports `autograd_mini.engine` and `autograd_mini.nn`.

>>> from autograd_mini.nn import MLP
>>> from autograd_mini.optim import SGD
>>> model = MLP(2, [3, 1], seed=0)
>>> optimizer = SGD(model, lr=0.1)
>>> recorder = Recorder(model, budget=10)
>>> for step in range(1, 6):
...     loss = (model([1.0, -1.0]) - 1.0) ** 2
...     optimizer.zero_grad()
...     loss.backward()
...     optimizer.step()
...     recorder.capture(step, loss, optimizer=optimizer)
>>> recording = recorder.recording
>>> [frame.step for frame in recording.steps]
[0, 1, 2, 3, 4, 5]
>>> recording.model(-1).state_dict() == model.state_dict()
True
"""

from __future__ import annotations

import itertools
import json
import math
import numbers
import operator
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Union

from autograd_mini import _strict_json
from autograd_mini._files import PathLike, write_atomic
from autograd_mini._strict_json import StrictJSONError
from autograd_mini.engine import Value
from autograd_mini.nn import ACTIVATIONS, MLP

__all__ = [
    "DEFAULT_BUDGET",
    "FORMAT",
    "VERSION",
    "Biases",
    "RecordedStep",
    "Recorder",
    "Recording",
    "Weights",
]

DEFAULT_BUDGET = 200
"""Most frames a recording keeps unless told otherwise."""

FORMAT = "autograd_mini.recording"
"""The `format` field of a recording's JSON."""

VERSION = 1
"""The JSON version `to_json` writes and `from_json` reads."""

Weights = tuple[tuple[tuple[float, ...], ...], ...]
"""[layer][neuron][input]."""

Biases = tuple[tuple[float, ...], ...]
"""[layer][neuron]."""

Nested = Union[Weights, Biases]


@dataclass(frozen=True)
class RecordedStep:
    """One frame: the network right after optimizer step `step`.

    Attributes:
        step: optimizer steps taken when captured; 0 is the initial weights.
            In a diverged run the last frame's step is the step that failed
            (its update was refused, so its weights equal the frame before).
        epoch: the 0-based epoch this step belongs to.
        loss: the training loss of the batch that produced this step, computed
            with the weights before the step (the forward pass whose gradients
            the step used). Step 0 repeats step 1's loss (same weights) unless
            the caller gave one. NaN when a diverged step had no finite loss.
        lr: the learning rate this step used (step 0: the first step's).
        weights, biases: the model's parameters after this step.
        grad_weights, grad_biases: the gradients this step used; zeros at step 0
            and in a diverged frame.
        delta_weights, delta_biases: parameters after minus before this step;
            zeros at step 0 and in a diverged frame.
        train_accuracy: accuracy on the step's batch, with the weights before
            the step (as `loss`); None if not given.
        val_loss, val_accuracy: on validation data, measured with exactly this
            frame's weights; None when not measured here (`fit` measures at the
            end of each epoch).
        optimizer_state: the optimizer's state after the step, each entry
            shaped like weights (keys ending "_weights") or biases ("_biases"):
            Adam gives m_* and v_* (its moment estimates), SGD with momentum
            momentum_*; None when unknown and at step 0.
    """

    step: int
    epoch: int
    loss: float
    lr: float
    weights: Weights
    biases: Biases
    grad_weights: Weights
    grad_biases: Biases
    delta_weights: Weights
    delta_biases: Biases
    train_accuracy: float | None = None
    val_loss: float | None = None
    val_accuracy: float | None = None
    optimizer_state: dict[str, Nested] | None = None


@dataclass(frozen=True)
class Recording:
    """A recorded training run of an MLP: architecture plus frames in step order.

    Attributes:
        layer_sizes: (inputs, hidden sizes..., outputs).
        activations: one per layer, as `nn` names them ("relu", ..., "linear").
        loss_name: the loss trained on ("hinge", "cross_entropy", ...).
        steps: the recorded frames, in increasing step order (may be empty).
        diverged: None, or one line saying where and why training diverged;
            then the last frame is the failed step.

    >>> Recording((2, 1), ("linear",), "mse", steps=()).steps
    ()
    """

    layer_sizes: tuple[int, ...]
    activations: tuple[str, ...]
    loss_name: str
    steps: tuple[RecordedStep, ...]
    diverged: str | None = None

    def __post_init__(self) -> None:
        _check_architecture(self.layer_sizes, self.activations, "Recording")
        if not isinstance(self.loss_name, str):
            raise TypeError(
                f"Recording: loss_name must be a str, got {type(self.loss_name).__name__}"
            )
        if self.diverged is not None and not isinstance(self.diverged, str):
            raise TypeError(
                f"Recording: diverged must be None or a str, got {type(self.diverged).__name__}"
            )
        if not isinstance(self.steps, tuple):
            raise TypeError(f"Recording: steps must be a tuple, got {type(self.steps).__name__}")
        previous = -1
        for i, frame in enumerate(self.steps):
            if not isinstance(frame, RecordedStep):
                raise TypeError(
                    f"Recording: steps[{i}] must be a RecordedStep, got {type(frame).__name__}"
                )
            if frame.step <= previous:
                raise ValueError(
                    f"Recording: steps must be in increasing step order, "
                    f"steps[{i}].step is {frame.step} after {previous}"
                )
            previous = frame.step
            _check_frame_shapes(frame, self.layer_sizes, f"Recording: steps[{i}]")

    def model(self, index: int) -> MLP:
        """A new MLP holding frame `index`'s weights (negative counts from the end).

        >>> Recording((2, 1), ("linear",), "mse", steps=()).model(0)
        Traceback (most recent call last):
            ...
        ValueError: Recording.model: index 0 is out of range for a recording of 0 frames
        """
        if isinstance(index, bool) or not isinstance(index, int):
            raise TypeError(f"Recording.model: index must be an int, got {type(index).__name__}")
        hidden = self.activations[:-1]
        if len(set(hidden)) > 1:
            raise ValueError(
                "Recording.model: an MLP has one activation for all its hidden layers, "
                f"this recording has {list(self.activations)}"
            )
        if not -len(self.steps) <= index < len(self.steps):
            raise ValueError(
                f"Recording.model: index {index} is out of range "
                f"for a recording of {len(self.steps)} frames"
            )
        frame = self.steps[index]
        # seed=0: the starting numbers are overwritten below, and a seed keeps this
        # from drawing from Python's global `random` (a user's seeded run stays as it was).
        model = MLP(
            self.layer_sizes[0],
            list(self.layer_sizes[1:]),
            hidden[0] if hidden else "relu",
            seed=0,
            output_activation=self.activations[-1],
        )
        for p, number in zip(
            model.parameters(), _flatten(frame.weights, frame.biases), strict=True
        ):
            p.data = number
        return model

    def to_json(self) -> str:
        """The recording as JSON text (exact floats; see the module docstring).

        >>> text = Recording((2, 1), ("linear",), "mse", steps=()).to_json()
        >>> Recording.from_json(text) == Recording((2, 1), ("linear",), "mse", steps=())
        True
        """
        document = {
            "format": FORMAT,
            "version": VERSION,
            "layer_sizes": list(self.layer_sizes),
            "activations": list(self.activations),
            "loss_name": self.loss_name,
            "diverged": self.diverged,
            "steps": [_frame_to_json(frame) for frame in self.steps],
        }
        return json.dumps(document, allow_nan=False, separators=(",", ":"))

    def save(self, path: PathLike) -> None:
        """Write `to_json()` to `path` atomically (all of it or nothing).

        Raises:
            OSError (FileNotFoundError, IsADirectoryError, ...): it cannot be
                written; the message names `path`.
        """
        write_atomic(path, self.to_json(), "Recording.save")

    @classmethod
    def load(cls, path: PathLike) -> Recording:
        """Read a recording written by `save`; ValueError if it is not one.

        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "run.json")
        >>> Recording((2, 1), ("linear",), "mse", steps=()).save(path)
        >>> Recording.load(path).layer_sizes
        (2, 1)
        """
        with open(os.fspath(path), encoding="utf-8") as f:
            text = f.read()
        return cls.from_json(text)

    @classmethod
    def from_json(cls, text: str) -> Recording:
        """Read what `to_json` wrote; ValueError naming the first problem otherwise."""
        if not isinstance(text, str):
            raise TypeError(f"Recording.from_json: text must be a str, got {type(text).__name__}")
        try:
            document = _strict_json.loads(
                text, constants_note="non-finite numbers are written as strings"
            )
            return _recording_from_json(document)
        except json.JSONDecodeError as e:
            raise ValueError(f"Recording.from_json: not valid JSON: {e}") from None
        except (StrictJSONError, TypeError, ValueError, RecursionError) as e:  # _FormatError too
            raise ValueError(f"Recording.from_json: not a valid recording: {e}") from None


class Recorder:
    """Captures frames of a training loop into a `Recording`, within a frame budget.

    Args:
        model: the MLP being trained (read, never changed).
        budget: most frames to keep, at least 2 (step 0 and the last step).
        every: only every `every`-th step is a candidate frame (the last step
            and step 0 always are).
        loss_name: stored in the recording, for the film's labels.

    Call `capture` once after every optimizer step (module docstring for the
    order), `add_validation` when you measure validation data, `diverge` when
    training fails; read `recording` at any time.

    >>> from autograd_mini.nn import MLP
    >>> recorder = Recorder(MLP(2, [1], seed=0))
    >>> recorder.recording.steps  # nothing captured yet: an empty recording
    ()
    """

    def __init__(
        self,
        model: MLP,
        *,
        budget: int = DEFAULT_BUDGET,
        every: int = 1,
        loss_name: str = "custom",
    ) -> None:
        if not isinstance(model, MLP):
            raise TypeError(f"Recorder: model must be an MLP, got {type(model).__name__}")
        self.budget = _count(budget, "budget", minimum=2)
        self.every = _count(every, "every", minimum=1)
        if not isinstance(loss_name, str):
            raise TypeError(f"Recorder: loss_name must be a str, got {type(loss_name).__name__}")
        self.model = model
        self.loss_name = loss_name
        self._params = model.parameters()
        self._sizes = (model.nin, *model.nouts)
        self._activations = tuple(layer.activation for layer in model.layers)
        self._step = 0
        self._initial = _Snapshot(step=0, after=self._weights_now())
        self._kept: list[_Snapshot] = []
        self._latest: _Snapshot | None = None
        self._diverged: str | None = None
        self._state_order: tuple[object, list[int] | None] = (None, None)
        self._state_size = 0
        self._layout = _layout(self._sizes)

    @property
    def steps_captured(self) -> int:
        """The last step number captured (0 before any)."""
        return self._step

    def capture(
        self,
        step: int,
        loss: float | Value,
        *,
        lr: float | None = None,
        optimizer: Any = None,
        epoch: int = 0,
        train_accuracy: float | None = None,
    ) -> None:
        """Capture the model right after optimizer step `step` (1, 2, 3, ... in turn).

        Args:
            step: the number of optimizer steps taken so far. Step 0 may be
                captured first, before any step, to give the initial frame a
                loss of its own (else it takes step 1's).
            loss: the loss that was backpropagated for this step (a Value or float).
            lr: the learning rate the step used; default `optimizer.lr`.
            optimizer: the optimizer; its `lr`, and its state if it is Adam or
                SGD with momentum.
            epoch: the 0-based epoch, if the loop has epochs.
            train_accuracy: accuracy on this step's batch, if measured.
        """
        if self._diverged is not None:
            raise ValueError("Recorder.capture: the run already diverged; nothing follows it")
        expected = self._step + 1
        if isinstance(step, bool) or not isinstance(step, int):
            raise TypeError(f"Recorder.capture: step must be an int, got {type(step).__name__}")
        first_frame = step == 0 and self._step == 0 and self._initial.lr is None
        if step != expected and not first_frame:
            raise ValueError(
                f"Recorder.capture: expected step {expected}, got {step} "
                "(call capture once after every optimizer step)"
            )
        loss_value = _number(loss.data if isinstance(loss, Value) else loss, "loss")
        rate = _learning_rate(lr, optimizer)
        epoch_index = _count(epoch, "epoch", minimum=0)
        accuracy = None if train_accuracy is None else _number(train_accuracy, "train_accuracy")
        initial = self._initial
        if initial.lr is None:
            # Step 0 takes the first capture's loss: the same weights produced it.
            initial.loss, initial.lr, initial.epoch = loss_value, rate, epoch_index
            initial.train_accuracy = accuracy
            self._kept.append(initial)
            if step == 0:
                return
        before = self._latest.after if self._latest is not None else initial.after
        snapshot = _Snapshot(
            step=step,
            after=self._weights_now(),
            before=before,
            grads=[p.grad for p in self._params],
            loss=loss_value,
            lr=rate,
            epoch=epoch_index,
            train_accuracy=accuracy,
            state=self._optimizer_state(optimizer),
            state_order=self._state_order[1],
        )
        self._step = step
        self._latest = snapshot
        if step % self.every == 0:
            self._kept.append(snapshot)
            if len(self._kept) > self.budget:
                del self._kept[_crowded_index(self._kept)]

    def add_validation(self, step: int, val_loss: float, val_accuracy: float) -> None:
        """Attach validation results measured with the weights after `step`.

        Does nothing when that step is not among the frames kept.
        """
        loss_value = _number(val_loss, "val_loss")
        accuracy = _number(val_accuracy, "val_accuracy")
        for snapshot in (*self._kept[-1:], self._latest):
            if snapshot is not None and snapshot.step == step:
                snapshot.val_loss, snapshot.val_accuracy = loss_value, accuracy

    def diverge(
        self,
        message: str,
        *,
        loss: float = math.nan,
        epoch: int | None = None,
        optimizer: Any = None,
    ) -> None:
        """End the recording with the step that failed: its weights are unchanged.

        The failed frame has zero gradients and Δw (nothing was applied).

        Args:
            message: one line saying what happened (becomes `Recording.diverged`).
            loss: the failed step's loss, NaN if it was never computed.
            epoch: the failed step's epoch (default: the last captured one).
            optimizer: read for the failed step's lr (default: the last step's).
        """
        if not isinstance(message, str):
            raise TypeError(
                f"Recorder.diverge: message must be a str, got {type(message).__name__}"
            )
        if self._diverged is not None:
            raise ValueError("Recorder.diverge: the run already diverged")
        last = self._latest or self._initial
        loss_value = _number(loss, "loss")
        rate = getattr(optimizer, "lr", None)
        if rate is None:
            rate = last.lr if last.lr is not None else math.nan
        weights = self._weights_now()
        zeros = [0.0] * len(weights)
        failed = _Snapshot(
            step=self._step + 1,
            after=weights,
            before=weights,
            grads=zeros,
            loss=loss_value,
            lr=_number(rate, "lr"),
            epoch=last.epoch if epoch is None else _count(epoch, "epoch", minimum=0),
        )
        if not self._kept:
            self._kept.append(self._initial)
            self._initial.lr = failed.lr
            self._initial.loss = failed.loss
        if self._latest is not None and self._latest is not self._kept[-1]:
            self._kept.append(self._latest)
        self._kept.append(failed)
        while len(self._kept) > self.budget:
            del self._kept[_crowded_index(self._kept)]
        self._latest = failed
        self._diverged = message

    @property
    def recording(self) -> Recording:
        """The frames kept so far as a Recording (the last step always included)."""
        kept = list(self._kept)
        if self._latest is not None and kept and kept[-1] is not self._latest:
            kept.append(self._latest)
            if len(kept) > self.budget:
                del kept[_crowded_index(kept)]
        frames = tuple(self._frame(snapshot) for snapshot in kept)
        return Recording(
            layer_sizes=self._sizes,
            activations=self._activations,
            loss_name=self.loss_name,
            steps=frames,
            diverged=self._diverged,
        )

    # -- internals -------------------------------------------------------------

    def _weights_now(self) -> list[float]:
        return [p.data for p in self._params]

    def _optimizer_state(self, optimizer: Any) -> dict[str, list[float]] | None:
        """Adam's m and v, or SGD's momentum buffers, in the model's parameter order."""
        if optimizer is None:
            return None
        if not self._order_for(optimizer):
            return None
        # The optimizers give copies of their state lists in `optimizer.params`
        # order; no `buffers` means an optimizer we do not know. Put into model
        # order only when a frame is read.
        buffers = getattr(optimizer, "buffers", None)
        state: dict[str, list[float]] = {}
        for key, values in (buffers() if callable(buffers) else {}).items():
            if isinstance(values, list) and len(values) == self._state_size:
                state[key] = values
        return state or None

    def _order_for(self, optimizer: Any) -> bool:
        """Whether `optimizer.params` holds every model parameter; remembers the order.

        `self._state_order[1]` is where each model parameter sits in the
        optimizer's list, or None when that is the model's own order.
        """
        if self._state_order[0] is optimizer:
            return self._state_size > 0
        params = getattr(optimizer, "params", None)
        order: list[int] | None = None
        self._state_size = 0
        if isinstance(params, list):
            position = {id(p): i for i, p in enumerate(params)}
            if all(id(p) in position for p in self._params):
                order = [position[id(p)] for p in self._params]
                self._state_size = len(params)
                if order == list(range(len(order))) and len(params) == len(order):
                    order = None
        self._state_order = (optimizer, order)
        return self._state_size > 0

    def _frame(self, s: _Snapshot) -> RecordedStep:
        layout = self._layout
        after = s.after
        before = s.before if s.before is not None else after
        grads = s.grads if s.grads is not None else [0.0] * len(after)
        weights, biases = _nest(after, layout)
        grad_weights, grad_biases = _nest(grads, layout)
        delta_weights, delta_biases = _nest(list(map(operator.sub, after, before)), layout)
        state: dict[str, Nested] | None = None
        if s.state is not None:
            state = {}
            order = s.state_order
            for key, values in s.state.items():
                in_model_order = values if order is None else [values[i] for i in order]
                state[f"{key}_weights"], state[f"{key}_biases"] = _nest(in_model_order, layout)
        return RecordedStep(
            step=s.step,
            epoch=s.epoch,
            loss=s.loss,
            lr=s.lr if s.lr is not None else math.nan,
            weights=weights,
            biases=biases,
            grad_weights=grad_weights,
            grad_biases=grad_biases,
            delta_weights=delta_weights,
            delta_biases=delta_biases,
            train_accuracy=s.train_accuracy,
            val_loss=s.val_loss,
            val_accuracy=s.val_accuracy,
            optimizer_state=state,
        )


def recorder_for_fit(record: object, model: object, loss_name: str) -> Recorder | None:
    """What `fit(record=...)` asks for: False -> None, True/k -> a Recorder, or the one given.

    >>> from autograd_mini.nn import MLP
    >>> recorder_for_fit(3, MLP(2, [1], seed=0), "mse").every
    3
    """
    if record is False:
        return None
    if isinstance(record, Recorder):
        if record.model is not model:
            raise ValueError("fit: record is a Recorder of another model")
        if record.steps_captured or record._kept:
            raise ValueError("fit: record must be a fresh Recorder (it has captured steps)")
        record.loss_name = loss_name if record.loss_name == "custom" else record.loss_name
        return record
    if record is True:
        every = 1
    elif isinstance(record, int) and not isinstance(record, bool):
        if record < 1:
            raise ValueError(f"fit: record must be True, False or a positive int, got {record!r}")
        every = record
    else:
        raise TypeError(
            "fit: record must be True, False, a positive int or a Recorder, "
            f"got {record!r} (a {type(record).__name__})"
        )
    if not isinstance(model, MLP):
        raise TypeError(f"fit: record needs an MLP model, got {type(model).__name__}")
    return Recorder(model, every=every, loss_name=loss_name)


# ----------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------


@dataclass
class _Snapshot:
    """A captured step in flat form (model parameter order); nested only when read."""

    step: int
    after: list[float]
    before: list[float] | None = None
    grads: list[float] | None = None
    loss: float = math.nan
    lr: float | None = None
    epoch: int = 0
    train_accuracy: float | None = None
    val_loss: float | None = None
    val_accuracy: float | None = None
    state: dict[str, list[float]] | None = field(default=None)
    state_order: list[int] | None = None  # optimizer -> model order; None: the same
    position: float = field(init=False)  # log(1 + step): where the budget measures gaps

    def __post_init__(self) -> None:
        self.position = math.log1p(self.step)


def _crowded_index(kept: list[_Snapshot]) -> int:
    """The inner frame whose neighbours are closest on a log(1 + step) axis.

    Dropping it keeps the frames log-spaced; the first and last are never chosen
    (of equal gaps, the earliest goes).
    """
    axis = [s.position for s in kept]
    gaps = list(map(operator.sub, axis[2:], axis[:-2]))
    return gaps.index(min(gaps)) + 1


Layout = list[tuple[int, list[int]]]
"""Per layer: its number of inputs and where each neuron's weights start in model order."""


def _layout(sizes: tuple[int, ...]) -> Layout:
    layout, at = [], 0
    for nin, nout in itertools.pairwise(sizes):
        layout.append((nin, [at + k * (nin + 1) for k in range(nout)]))
        at += nout * (nin + 1)
    return layout


def _nest(flat: Sequence[float], layout: Layout) -> tuple[Weights, Biases]:
    """Model-order numbers (each neuron's weights, then its bias) as [layer][neuron][input]."""
    numbers = tuple(flat)  # slices of a tuple are tuples: no second copy
    weights = tuple(tuple([numbers[a : a + nin] for a in starts]) for nin, starts in layout)
    biases = tuple(tuple([numbers[a + nin] for a in starts]) for nin, starts in layout)
    return weights, biases


def _flatten(weights: Weights, biases: Biases) -> list[float]:
    """Inverse of `_nest`: the numbers in model parameter order."""
    flat: list[float] = []
    for layer_w, layer_b in zip(weights, biases, strict=True):
        for neuron_w, b in zip(layer_w, layer_b, strict=True):
            flat.extend(neuron_w)
            flat.append(b)
    return flat


def _count(value: object, what: str, minimum: int) -> int:
    wanted = "a positive int" if minimum == 1 else f"an int >= {minimum}"
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(
            f"Recorder: {what} must be {wanted}, got {value!r} (a {type(value).__name__})"
        )
    if value < minimum:
        raise ValueError(f"Recorder: {what} must be {wanted}, got {value!r}")
    return value


def _number(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"Recorder: {what} must be a number, got {type(value).__name__}")
    return float(value)


def _learning_rate(lr: object, optimizer: object) -> float:
    if lr is None:
        lr = getattr(optimizer, "lr", None)
        if lr is None:
            raise TypeError("Recorder.capture: give lr= or an optimizer with an lr attribute")
    return _number(lr, "lr")


def _check_architecture(sizes: object, activations: object, where: str) -> None:
    if not isinstance(sizes, tuple) or len(sizes) < 2:
        raise ValueError(f"{where}: layer_sizes must be a tuple of at least 2 sizes, got {sizes!r}")
    for n in sizes:
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"{where}: layer sizes must be positive ints, got {sizes!r}")
    if not isinstance(activations, tuple) or len(activations) != len(sizes) - 1:
        raise ValueError(
            f"{where}: activations must be a tuple with one name per layer ({len(sizes) - 1})"
        )
    for name in activations:
        if name not in ACTIVATIONS:
            raise ValueError(
                f"{where}: unknown activation {name!r} (must be one of {list(ACTIVATIONS)})"
            )


def _check_frame_shapes(frame: RecordedStep, sizes: tuple[int, ...], where: str) -> None:
    """Every weights- and biases-shaped field of `frame` matches the architecture."""
    for name in ("weights", "grad_weights", "delta_weights"):
        _check_shape(getattr(frame, name), sizes, True, f"{where}.{name}")
    for name in ("biases", "grad_biases", "delta_biases"):
        _check_shape(getattr(frame, name), sizes, False, f"{where}.{name}")
    for key, value in (frame.optimizer_state or {}).items():
        _check_shape(value, sizes, key.endswith("_weights"), f"{where}.optimizer_state[{key!r}]")


def _check_shape(value: object, sizes: tuple[int, ...], is_weights: bool, where: str) -> None:
    layers = list(itertools.pairwise(sizes))
    if not isinstance(value, tuple) or len(value) != len(layers):
        raise ValueError(f"{where}: expected {len(layers)} layers")
    for i, (layer, (nin, nout)) in enumerate(zip(value, layers)):
        if not isinstance(layer, tuple) or len(layer) != nout:
            raise ValueError(f"{where}[{i}]: expected {nout} neurons")
        # map() keeps this check quick: a recording holds many frames.
        if is_weights and nout and ({*map(type, layer)} != {tuple} or {*map(len, layer)} != {nin}):
            raise ValueError(f"{where}[{i}]: expected {nin} inputs per neuron")


# -- JSON ------------------------------------------------------------------------

_FLOAT_FIELDS = ("loss", "lr", "train_accuracy", "val_loss", "val_accuracy")
_NESTED_FIELDS = (
    "weights",
    "biases",
    "grad_weights",
    "grad_biases",
    "delta_weights",
    "delta_biases",
)
_TOP_KEYS = {"format", "version", "layer_sizes", "activations", "loss_name", "diverged", "steps"}
_FRAME_KEYS = {"step", "epoch", *_FLOAT_FIELDS, *_NESTED_FIELDS, "optimizer_state"}
_NON_FINITE = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


class _FormatError(StrictJSONError):
    """A structural problem in a recording's JSON (turned into ValueError)."""


def _encode(value: Any) -> Any:
    """Floats as JSON allows them (non-finite ones as strings), nested tuples as lists."""
    if isinstance(value, tuple):
        return [_encode(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return value


def _frame_to_json(frame: RecordedStep) -> dict[str, Any]:
    out: dict[str, Any] = {"step": frame.step, "epoch": frame.epoch}
    for name in (*_FLOAT_FIELDS, *_NESTED_FIELDS):
        out[name] = _encode(getattr(frame, name))
    state = frame.optimizer_state
    out["optimizer_state"] = None if state is None else {k: _encode(v) for k, v in state.items()}
    return out


def _decode_number(value: object, where: str) -> float:
    if isinstance(value, str) and value in _NON_FINITE:
        return _NON_FINITE[value]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _FormatError(f"{where} must be a number, got {type(value).__name__}")
    return float(value)


def _decode_nested(value: object, depth: int, where: str) -> Any:
    if depth == 0:
        return _decode_number(value, where)
    if not isinstance(value, list):
        raise _FormatError(f"{where} must be a list, got {type(value).__name__}")
    return tuple(_decode_nested(v, depth - 1, where) for v in value)


def _decode_int(value: object, where: str) -> int:
    if type(value) is not int or value < 0:
        raise _FormatError(f"{where} must be an int >= 0, got {value!r}")
    return value


def _recording_from_json(document: object) -> Recording:
    if not isinstance(document, dict):
        raise _FormatError(f"expected a JSON object, got {type(document).__name__}")
    if document.get("format") != FORMAT:
        raise _FormatError(f"format is {document.get('format')!r}, expected {FORMAT!r}")
    version = document.get("version")
    if type(version) is not int or version != VERSION:
        raise _FormatError(f"unsupported version {version!r} (this autograd_mini reads {VERSION})")
    if set(document) != _TOP_KEYS:
        raise _FormatError(f"expected keys {sorted(_TOP_KEYS)}, got {sorted(document)}")
    sizes, activations = document["layer_sizes"], document["activations"]
    if not isinstance(sizes, list) or not isinstance(activations, list):
        raise _FormatError("layer_sizes and activations must be lists")
    frames_json = document["steps"]
    if not isinstance(frames_json, list):
        raise _FormatError(f"steps must be a list, got {type(frames_json).__name__}")
    frames = tuple(_frame_from_json(f, i) for i, f in enumerate(frames_json))
    return Recording(
        layer_sizes=tuple(sizes),
        activations=tuple(activations),
        loss_name=document["loss_name"],
        steps=frames,
        diverged=document["diverged"],
    )


def _frame_from_json(frame: object, index: int) -> RecordedStep:
    where = f"steps[{index}]"
    if not isinstance(frame, dict) or set(frame) != _FRAME_KEYS:
        got = sorted(frame) if isinstance(frame, dict) else type(frame).__name__
        raise _FormatError(f"{where} must be an object with keys {sorted(_FRAME_KEYS)}, got {got}")
    values: dict[str, Any] = {
        "step": _decode_int(frame["step"], f"{where}.step"),
        "epoch": _decode_int(frame["epoch"], f"{where}.epoch"),
    }
    for name in _FLOAT_FIELDS:
        raw = frame[name]
        optional = name not in ("loss", "lr")
        values[name] = None if raw is None and optional else _decode_number(raw, f"{where}.{name}")
    for name in _NESTED_FIELDS:
        values[name] = _decode_nested(frame[name], 3 if name.endswith("weights") else 2, where)
    state = frame["optimizer_state"]
    if state is not None:
        if not isinstance(state, dict):
            raise _FormatError(f"{where}.optimizer_state must be an object or null")
        state = {
            key: _decode_nested(v, 3 if key.endswith("_weights") else 2, where)
            for key, v in state.items()
        }
    values["optimizer_state"] = state
    return RecordedStep(**values)
