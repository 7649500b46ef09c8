"""An interrupt (Ctrl-C) or an error in the middle of training loses nothing already done.

An optimizer step is all or nothing: a KeyboardInterrupt injected before any
line the step runs (a trace function raises it there) leaves the parameters and
the optimizer's state exactly as before the step or exactly as after it (and
`load_state_dict` all old or all new numbers), and training
continued from that point ends exactly where an uninterrupted run ends. `fit`
interrupted or failing hands the epochs it finished back on the exception, as
`.history`.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

import pytest

from autograd_mini import Value, nn, optim
from autograd_mini.data import make_xor
from autograd_mini.nn import MLP
from autograd_mini.optim import SGD, Adam, Optimizer
from autograd_mini.train import fit

STEPS = 4
INTERRUPTED_STEP = 2  # a later step, so momentum and Adam's moments are not fresh


class Interrupted(KeyboardInterrupt):
    """The injected interrupt, told apart from a real Ctrl-C."""


class InterruptAtLine:
    """Raise Interrupted at the `n`-th line executed in the functions of one file."""

    def __init__(self, n: int, filename: str = optim.__file__) -> None:
        self.remaining = n
        self.fired = False
        self.filename = filename

    def __call__(self, frame: FrameType, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename != self.filename:
            return None
        return self._local

    def _local(self, frame: FrameType, event: str, arg: Any) -> Any:
        if event == "line" and not self.fired:
            self.remaining -= 1
            if self.remaining == 0:
                self.fired = True
                raise Interrupted
        return self._local


def gradients(params: list[Value], step: int) -> None:
    # Depends on the parameters, so a wrong intermediate state changes every later step.
    for i, p in enumerate(params):
        p.grad = math.sin(1.3 * i + step) + 0.5 * p.data


def state(params: list[Value]) -> list[float]:
    return [p.data for p in params]


MAKERS: dict[str, Callable[[list[Value]], Optimizer]] = {
    "sgd-momentum": lambda ps: SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.01),
    "adam": lambda ps: Adam(ps, lr=0.1, weight_decay=0.01),
}


def fresh_params() -> list[Value]:
    return [Value(v) for v in (0.3, -1.2, 2.0)]


def reference_run(kind: str) -> list[list[float]]:
    """Parameters after 0, 1, ..., STEPS uninterrupted steps."""
    params = fresh_params()
    opt = MAKERS[kind](params)
    snapshots = [state(params)]
    for step in range(STEPS):
        gradients(params, step)
        opt.step()
        snapshots.append(state(params))
    return snapshots


@pytest.mark.parametrize("kind", list(MAKERS))
def test_an_interrupt_anywhere_in_a_step_leaves_all_of_one_step(kind: str) -> None:
    expected = reference_run(kind)
    before, after = expected[INTERRUPTED_STEP], expected[INTERRUPTED_STEP + 1]
    outcomes = {"before": 0, "after": 0}
    n = 0
    while True:
        n += 1
        params = fresh_params()
        opt = MAKERS[kind](params)
        for step in range(INTERRUPTED_STEP):
            gradients(params, step)
            opt.step()
        gradients(params, INTERRUPTED_STEP)
        tripwire = InterruptAtLine(n)
        sys.settrace(tripwire)
        try:
            opt.step()
        except Interrupted:
            pass
        finally:
            sys.settrace(None)
        if not tripwire.fired:
            break  # n is past the step's last line: every line has been tried
        now = state(params)
        assert now in (before, after), f"line {n}: a mix of two steps {now}"
        outcome = "before" if now == before else "after"
        outcomes[outcome] += 1
        # Carry on as a user would after Ctrl-C: redo the step if it did not happen.
        first = INTERRUPTED_STEP if outcome == "before" else INTERRUPTED_STEP + 1
        for step in range(first, STEPS):
            gradients(params, step)
            opt.step()
        assert state(params) == expected[-1], f"line {n} ({outcome}): the optimizer state is off"
    assert outcomes["before"] > 0 and n > 5  # the injection really reached the step


def test_fit_interrupted_keeps_the_epochs_done_on_the_exception() -> None:
    X, y = make_xor(40, seed=0)
    model = MLP(2, [4, 1], seed=0)
    calls = 0

    def loss(outputs: list[Any], targets: list[Any]) -> Value:
        nonlocal calls
        calls += 1
        if calls == 4:
            raise KeyboardInterrupt
        return Value.sum([(o - t) ** 2 for o, t in zip(outputs, targets, strict=True)])

    with pytest.raises(KeyboardInterrupt) as caught:
        fit(model, X, y, loss=loss, epochs=10, progress=False)
    history = caught.value.history  # type: ignore[attr-defined]
    assert history.epochs == 3 and len(history.accuracy) == 3 and len(history.lr) == 3
    assert history.seconds > 0


def test_fit_failing_keeps_the_epochs_done_on_the_exception() -> None:
    X, y = make_xor(40, seed=0)
    calls = 0

    def loss(outputs: list[Any], targets: list[Any]) -> Value:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise RuntimeError("the loss failed")
        return Value.sum([(o - t) ** 2 for o, t in zip(outputs, targets, strict=True)])

    with pytest.raises(RuntimeError, match="the loss failed") as caught:
        fit(MLP(2, [4, 1], seed=0), X, y, loss=loss, epochs=10, progress=False)
    assert caught.value.history.epochs == 2  # type: ignore[attr-defined]


def test_an_interrupt_anywhere_in_load_state_dict_leaves_all_old_or_all_new() -> None:
    model = MLP(2, [3, 1], seed=0)
    old = model.state_dict()
    new = MLP(2, [3, 1], seed=1).state_dict()
    n = 0
    seen = set()
    while True:
        n += 1
        model.load_state_dict(old)
        tripwire = InterruptAtLine(n, nn.__file__)
        sys.settrace(tripwire)
        try:
            model.load_state_dict(new)
        except Interrupted:
            pass
        finally:
            sys.settrace(None)
        if not tripwire.fired:
            break
        now = model.state_dict()
        assert now in (old, new), f"line {n}: a mix of two states"
        seen.add("old" if now == old else "new")
    assert "old" in seen and n > 5
