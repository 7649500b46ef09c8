"""The training loop: `fit(model, X, y, ...) -> History`, and `evaluate`.

`fit` runs epochs of mini-batches (forward, loss, zero_grad, backward, step),
records the epoch's mean loss and accuracy, optionally evaluates validation
data, shows a tqdm progress bar (`tqdm.auto`: a text bar in a terminal, a
widget in Jupyter), and stops early once the epoch loss reaches `target_loss`.

Labels are the datasets' class indices (0/1, or 0..k-1); `fit` maps them to
what the loss wants (-1/+1 for hinge). Accuracy counts a prediction as right
when its sign matches the label (one output), its argmax is the class
(several outputs), or, for mse, it lies within 0.5 of the target.

Imports `engine`, `nn`, `losses`, `optim` and `data` from the package.

>>> from autograd_mini.nn import MLP
>>> from autograd_mini.data import make_xor
>>> X, y = make_xor(40, seed=0)
>>> history = fit(MLP(2, [8, 1], seed=0), X, y, epochs=3, progress=False)
>>> len(history.loss), len(history.accuracy)
(3, 3)
"""

from __future__ import annotations

import math
import numbers
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Union

from tqdm.auto import tqdm

from autograd_mini import _checks, losses
from autograd_mini.data import batches
from autograd_mini.engine import Value, no_grad
from autograd_mini.nn import Module
from autograd_mini.optim import Adam, Optimizer
from autograd_mini.recording import Recorder, Recording, recorder_for_fit

__all__ = ["LOSSES", "MAX_INPUT", "History", "TrainingDiverged", "evaluate", "fit"]

MAX_INPUT = 1e100
"""Largest magnitude `fit` and `evaluate` accept for a number in X.

Far beyond the scale of any real feature, and far enough below float overflow
(about 1.8e308) that a model's first squares (mse, Adam's second moment) of
inputs this size stay finite; a larger number is reported as bad input rather
than surfacing later as "training diverged".
"""

Output = Union[Value, list[Value]]
LossFunction = Callable[[list[Any], list[Any]], Value]

LOSSES: dict[str, LossFunction] = {
    "hinge": losses.hinge,
    "mse": losses.mse,
    "binary_cross_entropy": losses.binary_cross_entropy,
    "cross_entropy": losses.cross_entropy,
}
"""The loss names `fit` and `evaluate` accept."""


@dataclass
class History:
    """What `fit` measured, one entry per finished epoch.

    Attributes:
        loss: mean training objective (data loss + l2 term) over the epoch's batches.
        accuracy: fraction of training samples predicted right during the epoch.
        val_loss, val_accuracy: the same on `validation_data` after each epoch
            (empty without it).
        lr: the learning rate used in each epoch.
        stopped_early: True if `target_loss` was reached before the last epoch.
        seconds: wall time of the whole fit.
        recording: the run's frames when `fit(record=...)` asked for them
            (`autograd_mini.recording`), else None.
    """

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    stopped_early: bool = False
    seconds: float = 0.0
    recording: Recording | None = None

    @property
    def epochs(self) -> int:
        """Number of epochs run."""
        return len(self.loss)

    def rows(self) -> list[dict[str, float]]:
        """One dict per epoch (epoch, loss, accuracy, lr and val_* if present), for CSV/JSON.

        >>> History(loss=[0.5], accuracy=[1.0], lr=[0.1]).rows()
        [{'epoch': 1, 'loss': 0.5, 'accuracy': 1.0, 'lr': 0.1}]
        """
        out = []
        for i in range(self.epochs):
            row: dict[str, float] = {
                "epoch": i + 1,
                "loss": self.loss[i],
                "accuracy": self.accuracy[i],
                "lr": self.lr[i],
            }
            if self.val_loss:
                row["val_loss"] = self.val_loss[i]
                row["val_accuracy"] = self.val_accuracy[i]
            out.append(row)
        return out


class TrainingDiverged(OverflowError):
    """`fit` stopped because a value overflowed (usually a learning rate too large).

    An OverflowError, so ``except OverflowError`` still catches it.

    Attributes:
        epoch: the 1-based epoch in which the overflow happened.
        epochs: the number of epochs `fit` was asked for.
        cause: the engine's OverflowError, which names the operation.
        history: the epochs finished before it (possibly none).

    >>> error = TrainingDiverged(3, 10, OverflowError("exp: result overflows"), History())
    >>> print(error)
    fit: training diverged in epoch 3 of 10 (exp: result overflows); try a smaller learning rate
    >>> error.epoch, error.history.epochs
    (3, 0)
    """

    def __init__(self, epoch: int, epochs: int, cause: OverflowError, history: History) -> None:
        super().__init__(
            f"fit: training diverged in epoch {epoch} of {epochs} ({cause}); "
            "try a smaller learning rate"
        )
        self.epoch = epoch
        self.epochs = epochs
        self.cause = cause
        self.history = history


def fit(
    model: Module,
    X: Sequence[Sequence[float]],
    y: Sequence[int | float],
    loss: str | LossFunction = "hinge",
    optimizer: Any = None,
    epochs: int = 100,
    batch_size: int | None = None,
    progress: bool = True,
    target_loss: float | None = None,
    *,
    l2: float = 0.0,
    validation_data: tuple[Sequence[Sequence[float]], Sequence[int | float]] | None = None,
    lr_schedule: Callable[[int], float] | None = None,
    seed: int | None = None,
    record: bool | int | Recorder = False,
) -> History:
    """Train `model` on `(X, y)` and return the per-epoch History.

    Args:
        model: a Module (or any callable mapping one sample to a Value or list of Values).
        X, y: samples and their labels (class indices; or numbers for mse).
        loss: "hinge", "mse", "binary_cross_entropy", "cross_entropy", or a
            callable(outputs, targets) -> Value over a batch.
        optimizer: anything with `step()` and `zero_grad()`; default
            `Adam(model, lr=0.01)`.
        epochs: maximum number of passes over the data.
        batch_size: samples per step; None means the whole set (full batch).
        progress: show a tqdm bar; False is silent.
        target_loss: stop after the first epoch whose loss is <= this.
        l2: coefficient of `losses.l2(parameters)` added to the loss.
        validation_data: `(X_val, y_val)` evaluated after every epoch.
        lr_schedule: epoch -> learning rate, applied before each epoch.
        seed: seeds the mini-batch shuffling.
        record: True records every optimizer step as a candidate frame, k every
            k-th, a `Recorder` uses its settings (e.g. its frame budget);
            `history.recording` then holds the frames (at most 200 by default,
            log-spaced; `autograd_mini.recording`). Needs an MLP model.

    Raises:
        TrainingDiverged: a value overflowed during training (usually a learning
            rate too large); it carries the epoch, the engine's error and the
            History of the epochs before.
            A recording then ends with the failed step and says so.

    Whatever else stops training early (an error, Ctrl-C) carries the History
    of the epochs finished so far as its `history` attribute too; the model
    keeps the parameters of the last complete optimizer step.

    >>> from autograd_mini.nn import MLP
    >>> X, y = [[0.0, 1.0], [1.0, 0.0]], [0, 1]
    >>> h = fit(MLP(2, [4, 1], seed=1), X, y, epochs=100, target_loss=0.1, progress=False)
    >>> h.accuracy[-1], h.stopped_early, h.epochs < 100, h.loss[-1] <= 0.1
    (1.0, True, True, True)
    """
    loss_name, loss_fn = _resolve_loss(loss, "fit")
    n = _checks.paired_samples(X, y, "fit")
    width = _check_samples(X, "fit")
    targets = _targets_for(loss_name, y, "fit")
    _checks.count(epochs, "fit", "epochs")
    _checks.seed(seed, "fit")
    if batch_size is not None:
        _checks.count(batch_size, "fit", "batch_size", none_allowed=True)
    stop_at = None if target_loss is None else _checks.number(target_loss, "fit", "target_loss")
    l2_coefficient = _checks.number(l2, "fit", "l2")
    if l2_coefficient < 0:
        raise ValueError(f"fit: l2 must be >= 0, got {_checks.shown(l2)}")
    if not callable(model):
        raise TypeError(f"fit: model must be callable, got {type(model).__name__}")
    classes = _class_count(model, X[0]) if loss_name == "cross_entropy" else 0
    if classes:
        _check_labels(targets, classes, "fit")
    if optimizer is None:
        optimizer = Adam(model, lr=0.01)
    elif not (hasattr(optimizer, "step") and hasattr(optimizer, "zero_grad")):
        raise TypeError(
            f"fit: optimizer must have step() and zero_grad(), got {type(optimizer).__name__}"
        )
    else:
        _check_optimizer_updates(optimizer, model)
    if lr_schedule is not None:
        if not callable(lr_schedule):
            raise TypeError(f"fit: lr_schedule must be callable, got {type(lr_schedule).__name__}")
        # Every epoch's rate, before the first step: a schedule that goes bad in
        # epoch 50 would otherwise stop training there with the model changed.
        for e in range(epochs):
            _scheduled_lr(lr_schedule, e)
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise ValueError("fit: validation_data must be a pair (X_val, y_val)")
        _checks.paired_samples(validation_data[0], validation_data[1], "fit: validation_data")
        val_width = _check_samples(validation_data[0], "fit: validation_data")
        if val_width != width:
            raise ValueError(
                f"fit: validation_data: X[0] has {val_width} features, the training X has {width}"
            )
        # Checked and converted once here, before the first step changes the
        # model; every epoch then only runs the model.
        val_X = validation_data[0]
        val_targets = _targets_for(loss_name, validation_data[1], "fit: validation_data")
        if classes:
            _check_labels(val_targets, classes, "fit: validation_data")

    recorder = recorder_for_fit(record, model, loss_name)
    params = model.parameters() if isinstance(model, Module) else []
    if l2_coefficient and not params:
        raise ValueError("fit: l2 needs a Module model (the penalty is on its parameters)")
    shuffle_rng = random.Random(seed)
    history = History()
    started = time.perf_counter()
    bar = tqdm(total=epochs, desc="training", unit="epoch", disable=not progress)
    epoch = steps = 0
    objective: Value | None = None
    try:
        for epoch in range(epochs):
            if lr_schedule is not None:
                optimizer.lr = _scheduled_lr(lr_schedule, epoch)
            total, correct = 0.0, 0
            size = n if batch_size is None else batch_size
            for X_batch, t_batch in batches(
                X, targets, size, shuffle=batch_size is not None, seed=shuffle_rng.getrandbits(64)
            ):
                objective = None
                outputs = [model(x) for x in X_batch]
                objective = _batch_loss(loss_name, loss_fn, outputs, t_batch)
                if l2_coefficient:
                    objective = objective + l2_coefficient * losses.l2(params)
                optimizer.zero_grad()
                objective.backward()
                optimizer.step()
                steps += 1
                batch_correct = _count_correct(loss_name, outputs, t_batch)
                total += objective.data * len(X_batch)
                correct += batch_correct
                if recorder is not None:
                    recorder.capture(
                        steps,
                        objective,
                        lr=getattr(optimizer, "lr", math.nan),
                        optimizer=optimizer,
                        epoch=epoch,
                        train_accuracy=batch_correct / len(X_batch),
                    )
            history.loss.append(total / n)
            history.accuracy.append(correct / n)
            history.lr.append(float(getattr(optimizer, "lr", math.nan)))
            postfix = {"loss": f"{total / n:.4f}", "acc": f"{correct / n:.1%}"}
            if validation_data is not None:
                val_loss, val_acc = _evaluate(model, val_X, val_targets, loss_name, loss_fn)
                history.val_loss.append(val_loss)
                history.val_accuracy.append(val_acc)
                if recorder is not None:
                    recorder.add_validation(steps, val_loss, val_acc)
                postfix["val_acc"] = f"{val_acc:.1%}"
            bar.set_postfix(postfix, refresh=False)
            bar.update(1)
            if stop_at is not None and total / n <= stop_at:
                history.stopped_early = epoch < epochs - 1
                break
    except OverflowError as e:
        if recorder is not None:
            recorder.diverge(
                f"training diverged at step {steps + 1} (epoch {epoch + 1}): {e}",
                loss=math.nan if objective is None else objective.data,
                epoch=epoch,
                optimizer=optimizer,
            )
        # The engine names the op; say where in training it happened and the usual cure.
        history.seconds = time.perf_counter() - started
        raise TrainingDiverged(epoch + 1, epochs, e, history) from e
    except BaseException as e:
        # Ctrl-C or any failure: the finished epochs stay available on the exception.
        history.seconds = time.perf_counter() - started
        e.history = history  # type: ignore[attr-defined]
        raise
    finally:
        bar.close()
        if recorder is not None:
            history.recording = recorder.recording
    history.seconds = time.perf_counter() - started
    return history


def evaluate(
    model: Module,
    X: Sequence[Sequence[float]],
    y: Sequence[int | float],
    loss: str | LossFunction = "hinge",
) -> tuple[float, float]:
    """Mean loss and accuracy of `model` on `(X, y)`, without building a graph.

    >>> from autograd_mini.nn import Neuron
    >>> n = Neuron(1, activation="linear", seed=0)
    >>> n.w[0].data, n.b.data = 1.0, 0.0
    >>> evaluate(n, [[2.0], [-3.0]], [1, 0])
    (0.0, 1.0)
    """
    loss_name, loss_fn = _resolve_loss(loss, "evaluate")
    _checks.paired_samples(X, y, "evaluate")
    _check_samples(X, "evaluate")
    targets = _targets_for(loss_name, y, "evaluate")
    return _evaluate(model, X, targets, loss_name, loss_fn)


def _evaluate(
    model: Module,
    X: Sequence[Sequence[float]],
    targets: list[Any],
    loss_name: str,
    loss_fn: LossFunction,
) -> tuple[float, float]:
    """`evaluate` on data already checked, with targets already converted for the loss."""
    with no_grad():
        outputs = [model(x) for x in X]
        value = _batch_loss(loss_name, loss_fn, outputs, targets, "evaluate").data
    return value, _count_correct(loss_name, outputs, targets) / len(targets)


# ----------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------


def _resolve_loss(loss: object, where: str) -> tuple[str, LossFunction]:
    if isinstance(loss, str):
        if loss not in LOSSES:
            raise ValueError(
                f"{where}: unknown loss {_checks.shown(loss)} "
                f"(must be one of {list(LOSSES)} or a callable)"
            )
        return loss, LOSSES[loss]
    if callable(loss):
        return "callable", loss
    raise TypeError(f"{where}: loss must be a name or a callable, got {type(loss).__name__}")


def _check_samples(X: Sequence[Any], where: str) -> int:
    """Every sample a list of numbers within ±MAX_INPUT, all of one length; that length.

    Checked before the first step, so a bad sample late in the data cannot stop
    training halfway with the model already changed.
    """
    width = 0
    for i, x in enumerate(X):
        if isinstance(x, (str, bytes)) or not hasattr(x, "__len__"):
            raise TypeError(f"{where}: X[{i}] must be a list of numbers, got {type(x).__name__}")
        width = len(x) if i == 0 else width
        if len(x) != width:
            raise ValueError(f"{where}: X[{i}] has {len(x)} features, X[0] has {width}")
        for j, v in enumerate(x):
            if isinstance(v, bool) or not isinstance(v, (numbers.Real, Value)):
                raise TypeError(f"{where}: X[{i}][{j}] must be a number, got {type(v).__name__}")
            number = _magnitude(v)
            if not math.isfinite(number) and not isinstance(v, numbers.Integral):
                raise ValueError(f"{where}: X[{i}][{j}] must be finite, got {_checks.shown(v)}")
            if not number <= MAX_INPUT:
                raise ValueError(
                    f"{where}: X[{i}][{j}] = {_checks.shown(v)} is out of range: inputs must "
                    f"lie within ±{MAX_INPUT:g} (scale the data)"
                )
    return width


def _magnitude(v: numbers.Real | Value) -> float:
    """abs(v) as a float; inf for an int too large for a float."""
    try:
        return abs(float(v))
    except OverflowError:
        return math.inf


def _check_optimizer_updates(optimizer: object, model: object) -> None:
    """An Optimizer given for a Module must update at least one of its parameters.

    One made for another model (say, before `model = load(path)`) would step
    Values the model never uses, leaving the loss flat without any error. An
    optimizer over part of the model (fine-tuning one layer) is fine.
    """
    if not (isinstance(optimizer, Optimizer) and isinstance(model, Module)):
        return
    mine = {id(p) for p in model.parameters()}
    if mine and not any(id(p) in mine for p in optimizer.params):
        raise ValueError(
            "fit: the optimizer updates none of the model's parameters "
            "(was it made for another model, e.g. before load()?)"
        )


def _scheduled_lr(schedule: Callable[[int], float], epoch: int) -> float:
    """`schedule(epoch)`, checked to be a finite number > 0."""
    return _checks.number(schedule(epoch), "fit", f"lr_schedule({epoch})", low=0, low_open=True)


def _class_count(model: Callable[..., Any], x: Any) -> int:
    """The number of outputs of `model`, the classes of cross_entropy."""
    with no_grad():
        first = model(x)  # one forward pass also checks the feature count
    return len(first) if isinstance(first, list) else 1


def _check_labels(y: Sequence[Any], classes: int, where: str) -> None:
    """Class labels for cross_entropy: ints in [0, classes)."""
    for i, label in enumerate(y):
        if not isinstance(label, numbers.Integral) or not 0 <= int(label) < classes:
            raise ValueError(
                f"{where}: y[{i}] must be a class index in [0, {classes}), "
                f"got {_checks.shown(label)}"
            )


def _targets_for(loss_name: str, y: Sequence[int | float], where: str) -> list[Any]:
    """The labels in the form the loss wants (hinge: -1/+1, binary_cross_entropy: 0/1)."""
    for i, label in enumerate(y):
        if isinstance(label, bool) or not isinstance(label, numbers.Real):
            raise TypeError(f"{where}: y[{i}] must be a number, got {type(label).__name__}")
    if loss_name not in ("hinge", "binary_cross_entropy"):
        return list(y)
    kinds = set(y)
    if not (kinds <= {0, 1} or kinds <= {-1, 1}):
        found = ", ".join(_checks.shown(k) for k in sorted(kinds)[:5])
        raise ValueError(
            f"{where}: loss {loss_name!r} needs binary labels 0/1 or -1/+1, got [{found}]"
        )
    signs = losses.hinge_labels(int(t) for t in y)
    return signs if loss_name == "hinge" else [(s + 1) // 2 for s in signs]


def _batch_loss(
    loss_name: str,
    loss_fn: LossFunction,
    outputs: list[Output],
    targets: list[Any],
    where: str = "fit",
) -> Value:
    if loss_name in ("hinge", "mse", "binary_cross_entropy"):
        for out in outputs:
            if not isinstance(out, Value):
                raise ValueError(
                    f"{where}: loss {loss_name!r} needs a model with one output, "
                    f"got {len(out)} outputs per sample"
                )
    result = loss_fn(outputs, targets)
    if not isinstance(result, Value):
        raise TypeError(f"{where}: the loss must return a Value, got {type(result).__name__}")
    return result


def _count_correct(loss_name: str, outputs: list[Output], targets: list[Any]) -> int:
    correct = 0
    for out, t in zip(outputs, targets, strict=True):
        if isinstance(out, Value):
            if loss_name == "mse":
                correct += abs(out.data - t) < 0.5
            else:
                correct += (out.data > 0) == (t > 0)
        else:
            scores = [o.data if isinstance(o, Value) else float(o) for o in out]
            correct += scores.index(max(scores)) == t
    return correct
