"""Argument checks for the whole package outside the engine: one wording, one rule.

A value of the wrong type raises TypeError; a value of the right type outside
its range raises ValueError (docs/design.md, "Errors"). Every message has the
shape "where: what must be ..., got value". bool is never a number or a count.
Imports nothing from the package, so every module can use it.

>>> count(3, "Layer", "nout")
3
>>> count(2.5, "Layer", "nout")
Traceback (most recent call last):
    ...
TypeError: Layer: nout must be a positive int, got 2.5 (a float)
>>> number(1.0, "SGD", "momentum", low=0.0, high=1.0, high_open=True)
Traceback (most recent call last):
    ...
ValueError: SGD: momentum must be a number >= 0 and < 1, got 1.0
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

__all__ = ["choice", "count", "number", "paired_samples", "seed", "shown"]

EXCERPT = 60
"""Most characters of an argument's repr that a message quotes."""


def shown(value: object) -> str:
    """A bounded excerpt of `repr(value)` for an error message.

    Huge ints are described by size (their repr can be thousands of digits, and
    past 4300 digits repr itself fails); long reprs are cut with their length.

    >>> shown("x" * 1000)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx... (1002 characters)"
    >>> shown(-(10**5000))
    'an int of 16610 bits'
    """
    if isinstance(value, int) and value.bit_length() > 4 * EXCERPT:
        return f"an int of {value.bit_length()} bits"
    text = repr(value)
    if len(text) <= EXCERPT:
        return text
    return f"{text[:EXCERPT]}... ({len(text)} characters)"


def count(
    value: object,
    where: str,
    what: str,
    minimum: int = 1,
    maximum: int | None = None,
    *,
    none_allowed: bool = False,
) -> int:
    """`value` as an int in [minimum, maximum].

    `none_allowed` only adds "or None" to the message, for callers that accept
    None and check for it before calling.

    >>> count(7, "make_blobs", "centers", minimum=2, maximum=5)
    Traceback (most recent call last):
        ...
    ValueError: make_blobs: centers must be an int in [2, 5], got 7
    """
    if minimum == 1 and maximum is None:
        wanted = "a positive int"
    elif maximum is None:
        wanted = f"an int >= {minimum}"
    else:
        wanted = f"an int in [{minimum}, {maximum}]"
    if none_allowed:
        wanted += " or None"
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(
            f"{where}: {what} must be {wanted}, got {shown(value)} (a {type(value).__name__})"
        )
    if value < minimum or (maximum is not None and value > maximum):
        raise ValueError(f"{where}: {what} must be {wanted}, got {shown(value)}")
    return value


def number(
    value: object,
    where: str,
    what: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """`value` as a finite float within the bounds given (open bounds exclude themselves).

    >>> number(0.1, "make_moons", "noise", low=0.0)
    0.1
    >>> number("x", "fit", "l2")
    Traceback (most recent call last):
        ...
    TypeError: fit: l2 must be a finite number, got 'x' (a str)
    """
    bounds = []
    if low is not None:
        bounds.append(f"{'>' if low_open else '>='} {low:g}")
    if high is not None:
        bounds.append(f"{'<' if high_open else '<='} {high:g}")
    wanted = f"a number {' and '.join(bounds)}" if bounds else "a finite number"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{where}: {what} must be {wanted}, got {shown(value)} (a {type(value).__name__})"
        )
    try:
        result = float(value)
    except OverflowError:
        raise ValueError(
            f"{where}: {what} must be {wanted}, got an int too large for a float"
        ) from None
    below = low is not None and (result < low or (low_open and result == low))
    above = high is not None and (result > high or (high_open and result == high))
    if not math.isfinite(result) or below or above:
        raise ValueError(f"{where}: {what} must be {wanted}, got {shown(value)}")
    return result


def choice(value: object, where: str, what: str, options: Sequence[str]) -> str:
    """`value` if it is one of the strings `options`.

    >>> choice("tanh", "Neuron", "activation", ("relu", "tanh"))
    'tanh'
    >>> choice(None, "Neuron", "activation", ("relu", "tanh"))
    Traceback (most recent call last):
        ...
    TypeError: Neuron: activation must be a str, one of ['relu', 'tanh'], got None (a NoneType)
    """
    if not isinstance(value, str):
        raise TypeError(
            f"{where}: {what} must be a str, one of {list(options)}, "
            f"got {shown(value)} (a {type(value).__name__})"
        )
    if value not in options:
        raise ValueError(f"{where}: unknown {what} {shown(value)} (must be one of {list(options)})")
    return value


def paired_samples(X: Sequence[object], y: Sequence[object], where: str) -> int:
    """The common length of the sample list `X` and the label list `y` (at least 1).

    >>> paired_samples([[0.0], [1.0]], [0, 1], "fit")
    2
    """
    for name, seq in (("X", X), ("y", y)):
        if isinstance(seq, (str, bytes)) or not isinstance(seq, Sequence):
            raise TypeError(f"{where}: {name} must be a list, got {type(seq).__name__}")
    if len(X) != len(y):
        raise ValueError(f"{where}: X and y must have the same length, got {len(X)} and {len(y)}")
    if not X:
        raise ValueError(f"{where}: X and y are empty")
    return len(X)


def seed(value: object, where: str) -> int | None:
    """`value` if it is None or an int: the only seeds that mean what the caller expects.

    random.Random would also take a str, float or bool and silently derive some
    other stream from it.

    >>> seed(7, "fit")
    7
    """
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise TypeError(f"{where}: seed must be None or an int, got {shown(value)}")
    return value
