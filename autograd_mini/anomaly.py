"""Anomaly mode: find the first node whose value or gradient is not finite.

The engine refuses to *create* a non-finite value, but `data` is a plain settable
attribute: a NaN written into a parameter by hand (or by buggy user code) flows
silently through ops such as tanh and exp, which pass NaN through. Inside
`detect_anomaly()`, `backward()` runs a checked walk instead of the fast one: it
first checks every value in topological order, then every local derivative and every
gradient contribution as it applies them, and raises `AnomalyError` naming the first
offending node with its label and op. Outside the block the fast backward runs
unchanged, so anomaly mode costs nothing when it is off.

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
autograd_mini.anomaly.AnomalyError: detect_anomaly: value of node 'w' (leaf) is nan; ...
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager

from autograd_mini.engine import Value, _check_real

__all__ = ["AnomalyError", "checked_backward", "detect_anomaly", "is_anomaly_enabled"]


class AnomalyError(FloatingPointError):
    """A value or gradient in the graph is NaN or infinite.

    Attributes:
        node: the first offending node (in forward order for values, in backward
            order for gradients).
    """

    def __init__(self, message: str, node: Value) -> None:
        super().__init__(message)
        self.node = node


def _name(node: Value) -> str:
    label = f"{node.label!r} " if node.label else ""
    kind = f"op {node.op!r}" if node.op else "leaf"
    return f"node {label}({kind})"


def checked_backward(root: Value, gradient: float = 1.0) -> None:
    """`root.backward(gradient)` with every value and gradient checked for NaN/inf.

    Same semantics as `Value.backward` (leaf grads accumulate, inner grads are
    recomputed), but slower: use it to locate a fault, not to train.

    Raises:
        AnomalyError: naming the first node whose value, or whose incoming gradient,
            is not finite, and the op the gradient came through.

    >>> from autograd_mini import Value
    >>> x = Value(0.0, label="x")
    >>> y = x.sqrt()
    >>> checked_backward(y)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    autograd_mini.anomaly.AnomalyError: ... into node 'x' (leaf) through node (op 'sqrt') is inf ...
    """
    order = root.topological_order()
    # Forward check first: parents come before children, so the first hit is where
    # the NaN/inf entered; everything after it merely inherited it.
    for node in order:
        if not math.isfinite(node.data):
            raise AnomalyError(
                f"detect_anomaly: value of {_name(node)} is {node.data!r}; "
                "it is the first non-finite value in the graph",
                node,
            )
    try:
        seed = _check_real(gradient, "backward")  # TypeError for a non-number, as outside
    except ValueError:
        raise AnomalyError(
            f"detect_anomaly: backward seed gradient is {gradient!r}", root
        ) from None
    # Same bookkeeping as the engine: every node starts the pass at zero, leaves add
    # the pass's total to what they held afterwards (so two passes give exactly
    # twice the gradient), and a failed pass leaves their gradients as they were.
    leaves = [node for node in order if not node.parents]
    earlier_grads = [leaf.grad for leaf in leaves]
    for node in order:
        node.grad = 0.0
    root.grad = seed
    try:
        for node in reversed(order):
            upstream_grad = node.grad
            for parent, local_grad in zip(node.parents, node.local_grads, strict=True):
                contribution = local_grad * upstream_grad
                parent.grad += contribution
                if not (math.isfinite(contribution) and math.isfinite(parent.grad)):
                    raise AnomalyError(
                        f"detect_anomaly: gradient flowing into {_name(parent)} through "
                        f"{_name(node)} is {parent.grad!r} (local derivative "
                        f"{local_grad!r}, upstream gradient {upstream_grad!r})",
                        node,
                    )
    except BaseException:
        for leaf, earlier in zip(leaves, earlier_grads, strict=True):
            leaf.grad = earlier
        raise
    for leaf, earlier in zip(leaves, earlier_grads, strict=True):
        leaf.grad = earlier + leaf.grad


_fast_backward = Value.backward
_depth = 0


def is_anomaly_enabled() -> bool:
    """True inside a `detect_anomaly()` block.

    >>> with detect_anomaly():
    ...     is_anomaly_enabled()
    True
    """
    return _depth > 0


@contextmanager
def detect_anomaly() -> Iterator[None]:
    """Make every `backward()` in the block a `checked_backward()`.

    Blocks nest; the fast backward comes back when the outermost one exits, even
    on an exception. Meant for one thread at a time, like `no_grad`.

    >>> from autograd_mini import Value
    >>> x = Value(3.0); y = x * x
    >>> with detect_anomaly():
    ...     y.backward()
    >>> x.grad
    6.0
    """
    global _depth
    _depth += 1
    # Swapping the method on the class (instead of testing a flag inside the engine's
    # backward) keeps the engine's hot loop free of any anomaly-mode check.
    setattr(Value, "backward", checked_backward)  # noqa: B010 (mypy forbids method assignment)
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0:
            setattr(Value, "backward", _fast_backward)  # noqa: B010
