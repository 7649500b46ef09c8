"""Anomaly mode: find the first node whose value or gradient is not finite.

The engine refuses to *create* a non-finite value, but `data` is a plain settable
attribute: a NaN written into a parameter by hand (or by buggy user code) flows
silently through ops such as tanh and exp, which pass NaN through. Inside
`detect_anomaly()`, `backward()` and `grad()` run the engine's step-by-step walk
with checks: first every value in topological order, then every local derivative
and every gradient contribution as it is applied, and raise `AnomalyError` naming
the first offending node with its label and op. The setting is a flag that
backward() reads once per call; it belongs to the current thread and asyncio task
only, and outside the block the fast backward runs unchanged.

Imports only `autograd_mini.engine`.

>>> from autograd_mini import Value
>>> w = Value(0.5, label="w")
>>> w.data = float("nan")  # a parameter corrupted behind the engine's back
>>> y = w.tanh().exp()  # both pass NaN through without complaint
>>> y.data
nan
>>> with detect_anomaly():
...     y.backward()  # doctest: +ELLIPSIS
Traceback (most recent call last):
    ...
autograd_mini.engine.AnomalyError: detect_anomaly: value of node 'w' (leaf) is nan; ...
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from autograd_mini.engine import AnomalyError, Value, _anomaly_enabled, _set_anomaly_mode

__all__ = ["AnomalyError", "checked_backward", "detect_anomaly", "is_anomaly_enabled"]


def checked_backward(root: Value, gradient: float = 1.0) -> None:
    """`root.backward(gradient)` with every value and gradient checked for NaN/inf.

    Same semantics as `Value.backward` (leaf grads accumulate, inner grads are
    recomputed, a failed pass changes nothing), but slower: use it to locate a
    fault, not to train.

    Raises:
        AnomalyError: naming the first node whose value, or whose incoming gradient,
            is not finite, and the op the gradient came through.

    >>> from autograd_mini import Value
    >>> x = Value(0.0, label="x")
    >>> y = x.sqrt()
    >>> checked_backward(y)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    autograd_mini.engine.AnomalyError: ... into node 'x' (leaf) through node (op 'sqrt') is inf ...
    """
    with detect_anomaly():
        root.backward(gradient)


def is_anomaly_enabled() -> bool:
    """True inside a `detect_anomaly()` block (of this thread or asyncio task).

    >>> with detect_anomaly():
    ...     is_anomaly_enabled()
    True
    """
    return _anomaly_enabled()


@contextmanager
def detect_anomaly() -> Iterator[None]:
    """Check every value and gradient of each `backward()` in the block.

    Blocks nest; the previous setting comes back when a block exits, even on an
    exception. Other threads and asyncio tasks are not affected.

    >>> from autograd_mini import Value
    >>> x = Value(3.0); y = x * x
    >>> with detect_anomaly():
    ...     y.backward()
    >>> x.grad
    6.0
    """
    with _set_anomaly_mode(True):
        yield
