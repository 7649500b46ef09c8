"""Optimizers that update parameters from their `.grad`: SGD and Adam.

Both follow PyTorch's update rules, so numbers match what learners see
elsewhere. `step()` is all-or-nothing: every gradient and every new value is
checked to be finite before any parameter changes, and the error names the
parameter; an interrupted step (Ctrl-C) leaves all of it or none. `lr` is a
validated attribute that schedules may change between steps; `linear_decay`
and `step_decay` are two such schedules.

Imports `autograd_mini.engine` and `autograd_mini.nn` (to name a Module's parameters).

>>> from autograd_mini import Value
>>> w = Value(1.0)
>>> opt = SGD([w], lr=0.1)
>>> w.grad = 2.0
>>> opt.step()
>>> w.data
0.8
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

from autograd_mini import _checks
from autograd_mini.engine import Value
from autograd_mini.nn import Module

__all__ = ["SGD", "Adam", "NonFiniteUpdateError", "Optimizer", "linear_decay", "step_decay"]


class NonFiniteUpdateError(OverflowError, ValueError):
    """A step would make a parameter (or Adam's state) infinite: training is diverging.

    An OverflowError, like the engine's overflow errors, so `fit` reports it as
    divergence; also a ValueError, as every rejected step is.
    """


class Optimizer:
    """Shared parts: the parameter list, `lr`, `zero_grad` and the safe update.

    Subclasses keep everything a step changes besides the parameters in `_state`,
    one attribute, so that it is replaced in a single assignment.

    Args:
        params: the Values to train, or a Module (then its named parameters).
        lr: learning rate, a finite number > 0.
    """

    def __init__(self, params: Iterable[Value] | Module, lr: float) -> None:
        name = type(self).__name__
        if isinstance(params, Module):
            named = params.named_parameters()
        else:
            if isinstance(params, Value) or not isinstance(params, Iterable):
                got = type(params).__name__
                raise TypeError(f"{name}: params must be a list of Values or a Module, got {got}")
            named = [(_param_name(p, i), p) for i, p in enumerate(params)]
        for i, (_, p) in enumerate(named):
            if not isinstance(p, Value):
                raise TypeError(f"{name}: params[{i}] must be a Value, got {type(p).__name__}")
        if not named:
            raise ValueError(f"{name}: params is empty")
        if len({id(p) for _, p in named}) != len(named):
            # A repeated parameter would be stepped twice per step().
            raise ValueError(f"{name}: params contains the same Value more than once")
        self._state: Any = None
        self.params: list[Value] = [p for _, p in named]
        self.names: list[str] = [n for n, _ in named]
        self.lr = lr

    @property
    def lr(self) -> float:
        """The learning rate; setting it validates (finite and > 0)."""
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = _checks.number(value, type(self).__name__, "lr", low=0.0, low_open=True)

    def zero_grad(self) -> None:
        """Set every parameter's grad to 0.0 (leaf gradients accumulate otherwise)."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Update every parameter once from its current `.grad`.

        All or nothing: every new number and the new optimizer state are computed
        and checked first, then committed together; an error or a KeyboardInterrupt
        at any point leaves the parameters and the state all as before the step or
        all as after it.
        """
        self._check_grads()
        new_data, new_state = self._proposal()
        for name, value in zip(self.names, new_data, strict=True):
            if not math.isfinite(value):
                raise NonFiniteUpdateError(
                    f"{type(self).__name__}: the update of parameter {_checks.shown(name)} "
                    f"is not finite ({value!r}); no parameter was changed"
                )
        self._commit(new_data, new_state)

    def buffers(self) -> dict[str, list[float]]:
        """Copies of the per-parameter state, each list in `params` order.

        Adam's moment estimates "m" and "v"; SGD's "momentum" buffers (none
        before the first step or without momentum).

        >>> from autograd_mini import Value
        >>> w = Value(1.0); opt = Adam([w], lr=0.1); w.grad = 2.0; opt.step()
        >>> {name: [round(x, 4) for x in values] for name, values in opt.buffers().items()}
        {'m': [0.2], 'v': [0.004]}
        """
        return {}

    def _check_grads(self) -> None:
        for name, p in zip(self.names, self.params, strict=True):
            if not math.isfinite(p.grad):
                raise ValueError(
                    f"{type(self).__name__}: gradient of parameter {_checks.shown(name)} "
                    f"is {p.grad!r}; no parameter was changed"
                )

    def _proposal(self) -> tuple[list[float], object]:
        """The updated numbers and the next state, computed without changing anything."""
        raise NotImplementedError

    def _commit(self, new_data: list[float], new_state: object) -> None:
        """Make the new numbers and state current together, or neither of them.

        The parameters are assigned one by one; if anything (Ctrl-C included)
        interrupts that, the old numbers go back before the exception moves on.
        The state is one attribute, replaced in a single assignment.
        """
        old_data = [p.data for p in self.params]
        old_state = self._state
        try:
            for p, value in zip(self.params, new_data, strict=True):
                p.data = value
            self._state = new_state
        except BaseException:
            for p, value in zip(self.params, old_data, strict=True):
                p.data = value
            self._state = old_state
            raise

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self.params)} parameters, lr={self.lr!r})"


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum and weight decay.

    Per parameter p with gradient g (PyTorch's rule):
    g' = g + weight_decay * p; buf = momentum * buf + g' (buf = g' on the first
    step); p -= lr * buf (buf is just g' without momentum).

    >>> from autograd_mini import Value
    >>> w = Value(1.0); opt = SGD([w], lr=0.1, momentum=0.9)
    >>> for _ in range(2):
    ...     w.grad = 1.0; opt.step()
    >>> round(w.data, 6)  # 1 - 0.1*1 - 0.1*(0.9 + 1)
    0.71
    """

    def __init__(
        self,
        params: Iterable[Value] | Module,
        lr: float,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        self.momentum = _checks.number(
            momentum, "SGD", "momentum", low=0.0, high=1.0, high_open=True
        )
        self.weight_decay = _checks.number(weight_decay, "SGD", "weight_decay", low=0.0)
        # The momentum buffers, one per parameter; None until the first step.
        self._state: list[float] | None = None

    def buffers(self) -> dict[str, list[float]]:
        return {} if self._state is None else {"momentum": self._state[:]}

    def _proposal(self) -> tuple[list[float], list[float] | None]:
        wd, mu = self.weight_decay, self.momentum
        grads = [p.grad + wd * p.data for p in self.params]
        buffers = None
        if mu:
            # The first step starts the velocity at the gradient itself (PyTorch).
            if self._state is not None:
                grads = [mu * b + g for b, g in zip(self._state, grads, strict=True)]
            buffers = grads
        lr = self.lr
        return [p.data - lr * g for p, g in zip(self.params, grads, strict=True)], buffers


class Adam(Optimizer):
    """Adam with bias correction (Kingma & Ba), PyTorch's rule.

    g' = g + weight_decay * p; m = b1 m + (1 - b1) g'; v = b2 v + (1 - b2) g'**2;
    p -= lr * (m / (1 - b1**t)) / (sqrt(v / (1 - b2**t)) + eps).

    >>> from autograd_mini import Value
    >>> w = Value(1.0); opt = Adam([w], lr=0.1)
    >>> w.grad = 123.0; opt.step()
    >>> round(w.data, 6)  # the first step moves by lr, whatever the gradient's size
    0.9
    """

    def __init__(
        self,
        params: Iterable[Value] | Module,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        if isinstance(betas, (str, bytes)) or not isinstance(betas, Iterable):
            raise TypeError(f"Adam: betas must be a pair of numbers, got {type(betas).__name__}")
        pair = tuple(betas)
        if len(pair) != 2:
            raise ValueError(f"Adam: betas must be a pair of numbers, got {_checks.shown(betas)}")
        self.betas = (
            _checks.number(pair[0], "Adam", "betas[0]", low=0.0, high=1.0, high_open=True),
            _checks.number(pair[1], "Adam", "betas[1]", low=0.0, high=1.0, high_open=True),
        )
        self.eps = _checks.number(eps, "Adam", "eps", low=0.0, low_open=True)
        self.weight_decay = _checks.number(weight_decay, "Adam", "weight_decay", low=0.0)
        # (steps taken, first moments, second moments): one tuple, so a step's
        # count and moments always change in the same assignment.
        zeros = [0.0] * len(self.params)
        self._state: tuple[int, list[float], list[float]] = (0, zeros, zeros)

    @property
    def steps(self) -> int:
        """How many steps this optimizer has taken (Adam's t)."""
        return self._state[0]

    def buffers(self) -> dict[str, list[float]]:
        _, moments1, moments2 = self._state
        return {"m": moments1[:], "v": moments2[:]}

    def _proposal(self) -> tuple[list[float], tuple[int, list[float], list[float]]]:
        b1, b2 = self.betas
        wd, lr, eps = self.weight_decay, self.lr, self.eps
        steps, moments1, moments2 = self._state
        t = steps + 1
        correction1 = 1.0 - b1**t
        correction2 = 1.0 - b2**t
        m_new, v_new, out = [], [], []
        for name, p, m, v in zip(self.names, self.params, moments1, moments2, strict=True):
            g = p.grad + wd * p.data
            m = b1 * m + (1.0 - b1) * g
            v = b2 * v + (1.0 - b2) * g * g
            if not math.isfinite(v):
                # g*g overflowed: the update would still be finite (m / inf = 0), but
                # v = inf would freeze this parameter for every later step.
                raise NonFiniteUpdateError(
                    f"Adam: the squared gradient of parameter {_checks.shown(name)} overflows "
                    f"(gradient {g!r}); no parameter was changed"
                )
            m_new.append(m)
            v_new.append(v)
            out.append(p.data - lr * (m / correction1) / (math.sqrt(v / correction2) + eps))
        return out, (t, m_new, v_new)


# ----------------------------------------------------------------------------
# learning-rate schedules: epoch -> lr, for fit(lr_schedule=...) or by hand
# ----------------------------------------------------------------------------


def linear_decay(start: float, end: float, epochs: int) -> Callable[[int], float]:
    """lr falling in a straight line from `start` (epoch 0) to `end` (last epoch).

    >>> schedule = linear_decay(1.0, 0.1, epochs=4)
    >>> [round(schedule(e), 2) for e in range(4)]
    [1.0, 0.7, 0.4, 0.1]
    """
    first = _checks.number(start, "linear_decay", "start", low=0.0, low_open=True)
    last = _checks.number(end, "linear_decay", "end", low=0.0, low_open=True)
    total = _checks.count(epochs, "linear_decay", "epochs")

    def schedule(epoch: int) -> float:
        fraction = min(max(epoch, 0), total - 1) / max(total - 1, 1)
        return first + (last - first) * fraction

    return schedule


def step_decay(start: float, factor: float, every: int) -> Callable[[int], float]:
    """lr multiplied by `factor` once every `every` epochs.

    >>> schedule = step_decay(1.0, 0.5, every=2)
    >>> [schedule(e) for e in range(5)]
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """
    first = _checks.number(start, "step_decay", "start", low=0.0, low_open=True)
    ratio = _checks.number(factor, "step_decay", "factor", low=0.0, low_open=True)
    if ratio > 1.0:
        raise ValueError(f"step_decay: factor must be <= 1, got {_checks.shown(factor)}")
    period = _checks.count(every, "step_decay", "every")

    def schedule(epoch: int) -> float:
        return first * ratio ** (max(epoch, 0) // period)

    return schedule


# ----------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------


def _param_name(p: object, index: int) -> str:
    """A readable name for a bare parameter: its scope and label, else its index."""
    if isinstance(p, Value) and p.label:
        return f"{p.scope}.{p.label}" if p.scope else p.label
    return f"#{index}"
