"""softmax and log_softmax over a list of Values (PyTorch's torch.nn.functional names).

Each output is one node whose parents are all the inputs, with its local
derivatives stored next to the forward formula (as `losses` does):
d softmax_i / d z_j = s_i ([i == j] - s_j) and d log_softmax_i / d z_j = [i == j] - s_j.
Both subtract max(z) first, so huge logits never overflow.

Imports only `autograd_mini.engine`.

>>> from autograd_mini import Value
>>> z = [Value(1.0), Value(1.0)]
>>> [p.data for p in softmax(z)]
[0.5, 0.5]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Union

from autograd_mini._arraylike import as_list
from autograd_mini.engine import Value, _check_real, custom_op

__all__ = ["log_softmax", "softmax"]

Logit = Union[Value, float, int]


def softmax(logits: Sequence[Logit]) -> list[Value]:
    """exp(z_i) / sum_j exp(z_j) for each i: probabilities that sum to 1.

    >>> z = [Value(0.0), Value(math.log(3.0))]
    >>> p = softmax(z); p[1].backward()
    >>> round(p[1].data, 12), round(z[0].grad, 12), round(z[1].grad, 12)
    (0.75, -0.1875, 0.1875)
    """
    values, z = _logits(logits, "softmax")
    shares = _shares(z)
    return [
        custom_op(
            s_i,
            [v for _, v in values],
            "softmax",
            [s_i * ((1.0 if i == j else 0.0) - shares[j]) for j, _ in values],
        )
        for i, s_i in enumerate(shares)
    ]


def log_softmax(logits: Sequence[Logit]) -> list[Value]:
    """z_i - log(sum_j exp(z_j)) for each i, computed without forming the probabilities.

    >>> z = [Value(0.0), Value(0.0)]
    >>> out = log_softmax(z); out[0].backward()
    >>> round(out[0].data, 12), z[0].grad, z[1].grad
    (-0.69314718056, 0.5, -0.5)
    """
    values, z = _logits(logits, "log_softmax")
    top = max(z)
    # (z_i - top) - log(sum exp(z_j - top)): subtracting the shift first keeps the
    # digits that z_i - (top + log ...) would lose when |top| is large.
    log_total = math.log(math.fsum(math.exp(zj - top) for zj in z))
    shares = _shares(z)
    return [
        custom_op(
            (z_i - top) - log_total,
            [v for _, v in values],
            "log_softmax",
            [(1.0 if i == j else 0.0) - shares[j] for j, _ in values],
        )
        for i, z_i in enumerate(z)
    ]


def _shares(z: list[float]) -> list[float]:
    top = max(z)
    exps = [math.exp(zj - top) for zj in z]  # every argument <= 0: no overflow
    total = math.fsum(exps)
    return [e / total for e in exps]


def _logits(logits: object, op: str) -> tuple[list[tuple[int, Value]], list[float]]:
    """(position, Value) for each Value logit, and every logit's number (numbers are constants)."""
    logits = as_list(logits)
    if isinstance(logits, (Value, str, bytes)) or not isinstance(logits, Sequence):
        raise TypeError(
            f"{op}: logits must be a list of Values or numbers, got {type(logits).__name__}"
        )
    if not logits:
        raise ValueError(f"{op}: logits is empty")
    values = [(j, v) for j, v in enumerate(logits) if isinstance(v, Value)]
    z = [v.data if isinstance(v, Value) else _check_real(v, op) for v in logits]
    return values, z
