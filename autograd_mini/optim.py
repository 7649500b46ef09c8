"""Optimizers that update parameters from their `.grad`: SGD and Adam.

Both follow PyTorch's update rules, so numbers match what learners see
elsewhere. `step()` is all-or-nothing: every gradient and every new value is
checked to be finite before any parameter changes, and the error names the
parameter. `lr` is a validated attribute that schedules may change between
steps; `linear_decay` and `step_decay` are two such schedules.

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
        """Update every parameter once from its current `.grad`."""
        self._check_grads()
        new_data = self._new_data()
        for name, value in zip(self.names, new_data, strict=True):
            if not math.isfinite(value):
                raise NonFiniteUpdateError(
                    f"{type(self).__name__}: the update of parameter {name!r} is not finite "
                    f"({value!r}); no parameter was changed"
                )
        self._commit()
        for p, value in zip(self.params, new_data, strict=True):
            p.data = value

    def _check_grads(self) -> None:
        for name, p in zip(self.names, self.params, strict=True):
            if not math.isfinite(p.grad):
                raise ValueError(
                    f"{type(self).__name__}: gradient of parameter {name!r} is {p.grad!r}; "
                    "no parameter was changed"
                )

    def _new_data(self) -> list[float]:
        """The updated numbers, computed without changing anything yet."""
        raise NotImplementedError

    def _commit(self) -> None:
        """Make the optimizer state computed by `_new_data` current."""

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
        self._buffers: list[float] | None = None
        self._pending: list[float] | None = None

    def _new_data(self) -> list[float]:
        wd, mu = self.weight_decay, self.momentum
        grads = [p.grad + wd * p.data for p in self.params]
        if mu:
            # The first step starts the velocity at the gradient itself (PyTorch).
            if self._buffers is not None:
                grads = [mu * b + g for b, g in zip(self._buffers, grads, strict=True)]
            self._pending = grads
        lr = self.lr
        return [p.data - lr * g for p, g in zip(self.params, grads, strict=True)]

    def _commit(self) -> None:
        if self._pending is not None:
            self._buffers, self._pending = self._pending, None


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
            raise ValueError(f"Adam: betas must be a pair of numbers, got {betas!r}")
        self.betas = (
            _checks.number(pair[0], "Adam", "betas[0]", low=0.0, high=1.0, high_open=True),
            _checks.number(pair[1], "Adam", "betas[1]", low=0.0, high=1.0, high_open=True),
        )
        self.eps = _checks.number(eps, "Adam", "eps", low=0.0, low_open=True)
        self.weight_decay = _checks.number(weight_decay, "Adam", "weight_decay", low=0.0)
        self.steps = 0
        self._m = [0.0] * len(self.params)
        self._v = [0.0] * len(self.params)
        self._pending: tuple[list[float], list[float]] | None = None

    def _new_data(self) -> list[float]:
        b1, b2 = self.betas
        wd, lr, eps = self.weight_decay, self.lr, self.eps
        t = self.steps + 1
        correction1 = 1.0 - b1**t
        correction2 = 1.0 - b2**t
        m_new, v_new, out = [], [], []
        for name, p, m, v in zip(self.names, self.params, self._m, self._v, strict=True):
            g = p.grad + wd * p.data
            m = b1 * m + (1.0 - b1) * g
            v = b2 * v + (1.0 - b2) * g * g
            if not math.isfinite(v):
                # g*g overflowed: the update would still be finite (m / inf = 0), but
                # v = inf would freeze this parameter for every later step.
                raise NonFiniteUpdateError(
                    f"Adam: the squared gradient of parameter {name!r} overflows "
                    f"(gradient {g!r}); no parameter was changed"
                )
            m_new.append(m)
            v_new.append(v)
            out.append(p.data - lr * (m / correction1) / (math.sqrt(v / correction2) + eps))
        self._pending = (m_new, v_new)
        return out

    def _commit(self) -> None:
        if self._pending is not None:
            self._m, self._v = self._pending
            self._pending = None
            self.steps += 1


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
        raise ValueError(f"step_decay: factor must be <= 1, got {factor!r}")
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
