"""Loss functions, each ONE fused graph node with its own local derivatives.

A loss over n predictions is a single Value whose parents are the prediction
Values (numbers among them are constants, not parents), with the local
derivative d(loss)/d(prediction) stored next to the forward formula, exactly
as the engine's `Value.sum` and `Value.dot` do. Each loss also passes its
derivative rule (the same derivatives written with Value ops) so that
second derivatives, such as a Hessian of the loss, go through it. One node instead of ~3n binary
nodes keeps graphs readable and backward fast; the formulas are also the
numerically stable ones (log-sum-exp, softplus from logits).

Imports only `autograd_mini.engine`.

>>> from autograd_mini import Value
>>> s = [Value(2.0), Value(-0.5)]
>>> loss = hinge(s, [1, 1])
>>> loss.backward()
>>> loss.data, s[0].grad, s[1].grad
(0.75, 0.0, -0.5)
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from typing import Union

from autograd_mini import _checks
from autograd_mini.engine import Derivative, Value, _finite, _sigmoid, custom_op

__all__ = ["binary_cross_entropy", "cross_entropy", "hinge", "hinge_labels", "l2", "mse"]

Prediction = Union[Value, float, int]


# ----------------------------------------------------------------------------
# regression and margin losses
# ----------------------------------------------------------------------------


def mse(preds: Sequence[Prediction], targets: Sequence[float]) -> Value:
    """Mean squared error: mean of (p - t)**2. Local derivative: 2 (p - t) / n.

    >>> p = [Value(1.0), Value(3.0)]
    >>> loss = mse(p, [0.0, 1.0]); loss.backward()
    >>> loss.data, p[0].grad, p[1].grad
    (2.5, 1.0, 2.0)
    """
    values, data = _predictions(preds, "mse", "preds")
    goals = _targets(targets, len(data), "mse")
    n = len(data)
    residuals = [p - t for p, t in zip(data, goals, strict=True)]
    total = _finite(math.fsum(r * r for r in residuals) / n, "mse")
    locals_ = [2.0 * r / n for r in residuals]
    goals_of_values = _for_values(preds, goals)

    def rule(out: Value, *ps: Value) -> list[Derivative]:
        return [2.0 * (p - t) / n for p, t in zip(ps, goals_of_values, strict=True)]

    return custom_op(total, values, "mse", _for_values(preds, locals_), rule)


def hinge(scores: Sequence[Prediction], labels: Sequence[int]) -> Value:
    """Hinge loss, mean of relu(1 - y*s) for labels y in {-1, +1}.

    Local derivative: -y / n where the margin is violated (1 - y*s > 0), else 0
    (we choose 0 exactly at the hinge, like relu).

    >>> s = [Value(0.5), Value(-3.0)]
    >>> loss = hinge(s, [1, -1]); loss.backward()
    >>> loss.data, s[0].grad, s[1].grad
    (0.25, -0.5, 0.0)
    """
    values, data = _predictions(scores, "hinge", "scores")
    signs = _labels(
        labels, len(data), "hinge", allowed=(-1, 1), hint=" (hinge_labels maps 0/1 to -1/+1)"
    )
    n = len(data)
    margins = [1.0 - y * s for s, y in zip(data, signs, strict=True)]
    total = _finite(math.fsum(m for m in margins if m > 0.0) / n, "hinge")
    locals_ = [-y / n if m > 0.0 else 0.0 for m, y in zip(margins, signs, strict=True)]
    # Piecewise linear: the slopes are constants, their own derivative is 0.
    return custom_op(total, values, "hinge", _for_values(scores, locals_), _stored_slopes)


def hinge_labels(labels: Iterable[int]) -> list[int]:
    """Binary class labels as the signs `hinge` wants: 0 -> -1 and 1 -> +1 (-1 stays -1).

    >>> hinge_labels([0, 1, 1, -1])
    [-1, 1, 1, -1]
    >>> hinge_labels([2])
    Traceback (most recent call last):
        ...
    ValueError: hinge_labels: labels must be 0/1 or -1/+1, got 2
    """
    signs: list[int] = []
    for label in labels:
        if isinstance(label, bool) or not isinstance(label, numbers.Real):
            raise TypeError(f"hinge_labels: labels must be numbers, got {type(label).__name__}")
        if label not in (0, 1, -1):
            raise ValueError(
                f"hinge_labels: labels must be 0/1 or -1/+1, got {_checks.shown(label)}"
            )
        signs.append(1 if label == 1 else -1)
    return signs


# ----------------------------------------------------------------------------
# likelihood losses from logits
# ----------------------------------------------------------------------------


def binary_cross_entropy(logits: Sequence[Prediction], labels: Sequence[int]) -> Value:
    """Mean binary cross-entropy of sigmoid(z) against labels y in {0, 1}.

    Computed from the logits z as max(z, 0) - z*y + log(1 + exp(-|z|)), which
    never overflows: exp only ever sees a non-positive argument, so a logit of
    +-1000 gives an exact loss instead of log(0). Local derivative:
    (sigmoid(z) - y) / n.

    >>> z = [Value(0.0), Value(1000.0)]
    >>> loss = binary_cross_entropy(z, [1, 0]); loss.backward()
    >>> round(loss.data, 6), round(z[0].grad, 6), z[1].grad
    (500.346574, -0.25, 0.5)
    """
    values, data = _predictions(logits, "binary_cross_entropy", "logits")
    ys = _labels(labels, len(data), "binary_cross_entropy", allowed=(0, 1))
    n = len(data)
    terms = [
        max(z, 0.0) - z * y + math.log1p(math.exp(-abs(z))) for z, y in zip(data, ys, strict=True)
    ]
    total = _finite(math.fsum(terms) / n, "binary_cross_entropy")
    locals_ = [(_sigmoid(z) - y) / n for z, y in zip(data, ys, strict=True)]
    labels_of_values = _for_values(logits, [float(y) for y in ys])

    def rule(out: Value, *zs: Value) -> list[Derivative]:
        return [(z.sigmoid() - y) / n for z, y in zip(zs, labels_of_values, strict=True)]

    return custom_op(total, values, "binary_cross_entropy", _for_values(logits, locals_), rule)


def cross_entropy(
    logits_list: Sequence[Prediction] | Sequence[Sequence[Prediction]],
    class_index: int | Sequence[int],
) -> Value:
    """Softmax cross-entropy: logsumexp(z) - z[c], as one node.

    Give one sample's logits and its class index, or a list of samples and a
    list of class indices (then the result is the mean). log-sum-exp is taken
    after subtracting max(z), so huge logits never overflow. Local derivative:
    softmax(z)_j - [j == c] (divided by the number of samples).

    >>> z = [Value(1.0), Value(1.0)]
    >>> loss = cross_entropy(z, 0); loss.backward()
    >>> round(loss.data, 6), z[0].grad, z[1].grad
    (0.693147, -0.5, 0.5)
    """
    if isinstance(class_index, numbers.Integral) and not isinstance(class_index, bool):
        samples: list[Sequence[Prediction]] = [logits_list]  # type: ignore[list-item]
        classes: Sequence[object] = [class_index]
    else:
        if not isinstance(class_index, Sequence) or isinstance(class_index, (str, bytes)):
            raise TypeError(
                "cross_entropy: class_index must be an int or a list of ints, "
                f"got {type(class_index).__name__}"
            )
        samples = list(logits_list)  # type: ignore[arg-type]
        classes = class_index
        if len(samples) != len(classes):
            raise ValueError(
                "cross_entropy: logits_list and class_index must have the same length, "
                f"got {len(samples)} and {len(classes)}"
            )
        if not samples:
            raise ValueError("cross_entropy: logits_list is empty")
    n = len(samples)
    values: list[Value] = []
    locals_: list[float] = []
    terms: list[float] = []
    checked: list[tuple[Sequence[Prediction], int]] = []
    for i, (sample, c) in enumerate(zip(samples, classes, strict=True)):
        sample_values, z = _predictions(sample, "cross_entropy", f"logits of sample {i}")
        k = len(z)
        if isinstance(c, bool) or not isinstance(c, numbers.Integral) or not 0 <= int(c) < k:
            raise ValueError(
                f"cross_entropy: class index of sample {i} must be an int in [0, {k}), "
                f"got {_checks.shown(c)}"
            )
        # Shift by the max so every exp argument is <= 0: no overflow, and the
        # largest term is exactly 1 so the log never sees 0.
        top = max(z)
        exps = [math.exp(zj - top) for zj in z]
        total = math.fsum(exps)
        terms.append(top + math.log(total) - z[int(c)])
        # One local derivative per Value logit (numbers in the list are constants).
        for j, e in enumerate(exps):
            if isinstance(sample[j], Value):
                locals_.append((e / total - (1.0 if j == c else 0.0)) / n)
        values.extend(sample_values)
        checked.append((sample, int(c)))
    loss = _finite(math.fsum(terms) / n, "cross_entropy")

    def rule(out: Value, *logits: Value) -> list[Derivative]:
        # softmax(z)_j - [j == c], per sample, with the sample's own Values.
        derivatives: list[Derivative] = []
        for sample, c in checked:
            top = max(z.data if isinstance(z, Value) else float(z) for z in sample)
            exps = [(z - top).exp() if isinstance(z, Value) else math.exp(z - top) for z in sample]
            total = Value.sum(exps)
            for j, z in enumerate(sample):
                if isinstance(z, Value):
                    derivatives.append((exps[j] / total - (1.0 if j == c else 0.0)) / n)
        return derivatives

    return custom_op(loss, values, "cross_entropy", locals_, rule)


# ----------------------------------------------------------------------------
# regularisation
# ----------------------------------------------------------------------------


def l2(parameters: Iterable[Value]) -> Value:
    """Sum of squares of the parameters as one node. Local derivative: 2p.

    Multiply by a small coefficient and add to a data loss for weight decay.

    >>> ps = [Value(1.0), Value(-2.0)]
    >>> r = l2(ps); r.backward()
    >>> r.data, ps[0].grad, ps[1].grad
    (5.0, 2.0, -4.0)
    """
    params = list(parameters)
    if not params:
        raise ValueError("l2: parameters is empty")
    for i, p in enumerate(params):
        if not isinstance(p, Value):
            raise TypeError(f"l2: parameter {i} must be a Value, got {type(p).__name__}")
    total = _finite(math.fsum(p.data * p.data for p in params), "l2")
    return custom_op(
        total, params, "l2", [2.0 * p.data for p in params], lambda out, *ps: [2.0 * p for p in ps]
    )


# ----------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------


def _predictions(preds: object, op: str, what: str) -> tuple[list[Value], list[float]]:
    """Split predictions into their Values (the parents) and all their numbers."""
    if isinstance(preds, (Value, str, bytes)) or not isinstance(preds, Sequence):
        raise TypeError(
            f"{op}: {what} must be a list of Values or numbers, got {type(preds).__name__}"
        )
    if not preds:
        raise ValueError(f"{op}: {what} is empty")
    values: list[Value] = []
    data: list[float] = []
    for i, p in enumerate(preds):
        if isinstance(p, Value):
            values.append(p)
            data.append(p.data)
        else:
            data.append(_checks.number(p, op, f"{what}[{i}]"))
    return values, data


def _stored_slopes(out: Value, *parents: Value) -> tuple[float, ...]:
    return out.local_grads


def _for_values(preds: Sequence[Prediction], local_grads: list[float]) -> list[float]:
    """Keep the local derivatives of the Value predictions: numbers are constants, not parents."""
    return [g for p, g in zip(preds, local_grads) if isinstance(p, Value)]


def _targets(targets: object, n: int, op: str) -> list[float]:
    if isinstance(targets, (str, bytes)) or not isinstance(targets, Sequence):
        raise TypeError(f"{op}: targets must be a list of numbers, got {type(targets).__name__}")
    if len(targets) != n:
        raise ValueError(
            f"{op}: predictions and targets must have the same length, got {n} and {len(targets)}"
        )
    return [_checks.number(t, op, f"targets[{i}]") for i, t in enumerate(targets)]


def _labels(labels: object, n: int, op: str, allowed: tuple[int, int], hint: str = "") -> list[int]:
    if isinstance(labels, (str, bytes)) or not isinstance(labels, Sequence):
        raise TypeError(f"{op}: labels must be a list of ints, got {type(labels).__name__}")
    if len(labels) != n:
        raise ValueError(
            f"{op}: predictions and labels must have the same length, got {n} and {len(labels)}"
        )
    out = []
    for i, y in enumerate(labels):
        if isinstance(y, bool) or not isinstance(y, numbers.Real) or y not in allowed:
            raise ValueError(
                f"{op}: labels[{i}] must be one of {list(allowed)}, got {_checks.shown(y)}{hint}"
            )
        out.append(allowed[allowed.index(y)])  # the int itself, also for 1.0
    return out
