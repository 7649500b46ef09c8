"""Argument checks shared by nn, optim, data and train: one wording, one rule.

A value of the wrong type raises TypeError; a value of the right type outside its
range raises ValueError (design.md's error contract). Both messages have the shape
"where: what must be ..., got value". Imports nothing from the package.

>>> count(3, "Layer", "nout")
3
>>> count(2.5, "Layer", "nout")
Traceback (most recent call last):
    ...
TypeError: Layer: nout must be a positive int, got 2.5 (a float)
"""

from __future__ import annotations

import math
import numbers

__all__ = ["count", "finite_number", "seed", "shown"]

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
    value: object, where: str, what: str, minimum: int = 1, *, none_allowed: bool = False
) -> int:
    """`value` as an int >= `minimum` (bool is not a count); the message says if None is fine."""
    wanted = "a positive int" if minimum == 1 else f"an int >= {minimum}"
    if none_allowed:
        wanted += " or None"
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(
            f"{where}: {what} must be {wanted}, got {shown(value)} (a {type(value).__name__})"
        )
    if value < minimum:
        raise ValueError(f"{where}: {what} must be {wanted}, got {shown(value)}")
    return value


def finite_number(value: object, where: str, what: str, minimum: float | None = None) -> float:
    """`value` as a finite float, optionally >= `minimum` (bool is not a number).

    >>> finite_number(0.1, "make_moons", "noise", minimum=0.0)
    0.1
    """
    wanted = "a finite number" if minimum is None else f"a number >= {minimum:g}"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{where}: {what} must be {wanted}, got {shown(value)} (a {type(value).__name__})"
        )
    try:
        number = float(value)
    except OverflowError:
        raise ValueError(f"{where}: {what} must be {wanted}, got {shown(value)}") from None
    if not math.isfinite(number) or (minimum is not None and number < minimum):
        raise ValueError(f"{where}: {what} must be {wanted}, got {shown(value)}")
    return number


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
