"""`fit`'s loop one optimizer step at a time, so a live view can pause it anywhere.

`Stepper(model, X, y, ...)` holds everything `fit` keeps between steps (the
shuffling generator, the epoch's batches, the optimizer) and `step()` takes
exactly the next step `fit` would take with the same seed and settings: the
same batches in the same order, the same forward, loss, zero_grad, backward
and update. Stopping after any step and going on later changes nothing. The
learning rate may change before any step; the batch size from the next epoch
on (an epoch's batches are drawn when it starts, as in `fit`).

A step whose loss or gradients are not finite, or whose update overflows,
changes nothing and returns a message instead: the run has diverged.

Imports `autograd_mini.train`, `recording`, `nn`, `optim`, `engine`.

>>> from autograd_mini.nn import MLP
>>> from autograd_mini.data import make_xor
>>> X, y = make_xor(20, seed=0)
>>> stepper = Stepper(MLP(2, [4, 1], seed=0), X, y, batch_size=8)
>>> [stepper.step() for _ in range(4)], stepper.steps, stepper.epoch
([None, None, None, None], 4, 1)
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import Any

from autograd_mini import _checks
from autograd_mini.data import batches
from autograd_mini.engine import Value
from autograd_mini.nn import MLP
from autograd_mini.optim import Adam
from autograd_mini.recording import Recorder, Recording
from autograd_mini.train import (
    LossFunction,
    _batch_loss,
    _check_labels,
    _check_samples,
    _class_count,
    _count_correct,
    _evaluate,
    _resolve_loss,
    _targets_for,
)

__all__ = ["Stepper"]

Samples = Sequence[Sequence[float]]
Labels = Sequence[int]
Batch = tuple[list[Any], list[Any]]


class Stepper:
    """`fit(model, X, y, loss, optimizer, batch_size=..., seed=...)`, one step per `step()`.

    Args as for `fit`; `model` must be an `nn.MLP` (it is drawn and recorded),
    `optimizer` anything with `step()`, `zero_grad()` and a settable `lr`
    (default `Adam(model, lr=0.01)`). `batch_size` None is the whole set in
    order, as in `fit`.

    Attributes:
        steps, epoch: optimizer steps taken; 0-based epoch the next step belongs to.
        losses, accuracies: each step's batch loss and batch accuracy.
        validation: (step, val_loss, val_accuracy) after each finished epoch.
        diverged: the message of the step that diverged, else None.
        initial_loss: the loss over all of X at the initial weights.
    """

    def __init__(
        self,
        model: MLP,
        X: Samples,
        y: Labels,
        *,
        loss: str | LossFunction = "hinge",
        optimizer: Any = None,
        batch_size: int | None = None,
        validation_data: tuple[Samples, Labels] | None = None,
        seed: int = 0,
        where: str = "Stepper",
    ) -> None:
        if not isinstance(model, MLP):
            raise TypeError(f"{where}: model must be an MLP, got {type(model).__name__}")
        self.loss_name, self._loss_fn = _resolve_loss(loss, where)
        n = _checks.paired_samples(X, y, where)
        _check_samples(X, where)
        if len(X[0]) != model.nin:
            raise ValueError(f"{where}: X has {len(X[0])} features, the model takes {model.nin}")
        self._targets = _targets_for(self.loss_name, y, where)
        classes = _class_count(model, X[0]) if self.loss_name == "cross_entropy" else 0
        if classes:
            _check_labels(self._targets, classes, where)
        if batch_size is not None:
            _checks.count(batch_size, where, "batch_size")
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise TypeError(f"{where}: seed must be an int, got {type(seed).__name__}")
        if optimizer is None:
            optimizer = Adam(model, lr=0.01)
        elif not all(hasattr(optimizer, a) for a in ("step", "zero_grad", "lr")):
            raise TypeError(
                f"{where}: optimizer must have step(), zero_grad() and lr, "
                f"got {type(optimizer).__name__}"
            )
        self._val: tuple[Samples, list[Any]] | None = None
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
                raise ValueError(f"{where}: validation_data must be a pair (X_val, y_val)")
            val_X, val_y = validation_data
            _checks.paired_samples(val_X, val_y, f"{where}: validation_data")
            _check_samples(val_X, f"{where}: validation_data")
            if len(val_X[0]) != model.nin:
                raise ValueError(
                    f"{where}: validation_data has {len(val_X[0])} features, "
                    f"the model takes {model.nin}"
                )
            val_targets = _targets_for(self.loss_name, val_y, f"{where}: validation_data")
            if classes:
                _check_labels(val_targets, classes, f"{where}: validation_data")
            self._val = (val_X, val_targets)
        self.model = model
        self.optimizer = optimizer
        self.X, self.y = X, y
        self.n = n
        self.seed = seed
        self.batch_size = n if batch_size is None else min(batch_size, n)
        self._params = model.parameters()
        self._initial = [p.data for p in self._params]
        # Everything the optimizer keeps between steps except what the user sets.
        self._initial_state = {
            k: _copy(v) for k, v in vars(optimizer).items() if k not in ("params", "names", "_lr")
        }
        self._restart()

    # -- state ---------------------------------------------------------------------

    def _restart(self) -> None:
        self._shuffle = random.Random(self.seed)
        self._batches: list[Batch] = []
        self._next = 0
        self.steps = 0
        self.epoch = 0
        self.losses: list[float] = []
        self.accuracies: list[float] = []
        self.validation: list[tuple[int, float, float]] = []
        self.diverged: str | None = None
        self.recorder = Recorder(self.model, loss_name=self.loss_name)
        # Frame 0 with a loss of its own, so even an untrained session has a film.
        first_loss, _ = _evaluate(self.model, self.X, self._targets, self.loss_name, self._loss_fn)
        self.initial_loss = first_loss
        if math.isfinite(first_loss):
            self.recorder.capture(0, first_loss, optimizer=self.optimizer)

    def reset(self) -> None:
        """Back to the initial weights and optimizer state, step 0, the seed's first batches."""
        for p, value in zip(self._params, self._initial):
            p.data, p.grad = value, 0.0
        for k, v in self._initial_state.items():
            setattr(self.optimizer, k, _copy(v))
        self._restart()

    @property
    def recording(self) -> Recording:
        """The session so far as a `Recording` (for `animate_training`)."""
        return self.recorder.recording

    def climbing(self) -> str | None:
        """A note when the last epoch's mean batch loss is above the initial loss, else None.

        Not divergence (nothing overflows), but the usual sign of a learning
        rate too high: the steps overshoot and the loss bounces above its start.
        """
        per_epoch = math.ceil(self.n / self.batch_size)
        if self.epoch < 2 or len(self.losses) < per_epoch:
            return None
        recent = sum(self.losses[-per_epoch:]) / per_epoch
        if not recent > self.initial_loss:
            return None
        return (
            f"the loss ({recent:.3g} over the last epoch) is above where it started "
            f"({self.initial_loss:.3g}): the learning rate may be too high; lower it and reset"
        )

    def evaluate_validation(self) -> tuple[float, float] | None:
        """Loss and accuracy on the validation data now (None without it)."""
        if self._val is None:
            return None
        return _evaluate(self.model, self._val[0], self._val[1], self.loss_name, self._loss_fn)

    # -- one step ------------------------------------------------------------------

    def _next_batch(self) -> Batch:
        if self._next == len(self._batches):
            # fit draws a shuffling seed every epoch, shuffling or not.
            epoch_seed = self._shuffle.getrandbits(64)
            shuffle = self.batch_size < self.n
            self._batches = list(
                batches(self.X, self._targets, self.batch_size, shuffle=shuffle, seed=epoch_seed)
            )
            self._next = 0
        return self._batches[self._next]

    def _finish_epoch(self) -> None:
        self.epoch += 1
        result = self.evaluate_validation()
        if result is not None:
            self.validation.append((self.steps, *result))
            self.recorder.add_validation(self.steps, *result)

    def step(self) -> str | None:
        """Take one optimizer step; None, or why it was refused (the run diverged).

        A refused step changes no weight; every later call returns the same message.
        """
        if self.diverged is not None:
            return self.diverged
        X_batch, t_batch = self._next_batch()
        number = self.steps + 1
        problem = None
        try:
            outputs = [self.model(x) for x in X_batch]
            objective: Value = _batch_loss(self.loss_name, self._loss_fn, outputs, t_batch)
            if not math.isfinite(objective.data):
                problem = f"the loss became {objective.data!r} at step {number}"
            else:
                self.optimizer.zero_grad()
                objective.backward()
                if not all(math.isfinite(p.grad) for p in self._params):
                    problem = f"a gradient became infinite or NaN at step {number}"
                else:
                    self.optimizer.step()
        except OverflowError as e:
            problem = f"a value overflowed at step {number} ({e})"
        if problem is not None:
            self.diverged = f"paused: {problem}; lower the learning rate and reset"
            self.recorder.diverge(self.diverged, loss=math.nan, epoch=self.epoch)
            return self.diverged
        self.steps = number
        correct = _count_correct(self.loss_name, outputs, t_batch)
        self.losses.append(objective.data)
        self.accuracies.append(correct / len(X_batch))
        self.recorder.capture(
            number,
            objective,
            optimizer=self.optimizer,
            epoch=self.epoch,
            train_accuracy=correct / len(X_batch),
        )
        self._next += 1
        # An epoch ends with its last batch, as fit's does (validation then).
        if self._next == len(self._batches):
            self._finish_epoch()
        return None


def _copy(value: Any) -> Any:
    """A copy of optimizer state: lists and tuples copied through, numbers as they are."""
    if isinstance(value, list):
        return [_copy(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_copy(v) for v in value)
    return value
