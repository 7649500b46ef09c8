"""Colours that colour-blind readers can tell apart: blue for +, orange for -.

Sign is carried by hue (blue / orange, which the common colour-vision
deficiencies keep distinct) and size by saturation and line width, so every
picture still reads in grey. The browser films use the same numbers (they are
shipped to the page), so a frame looks the same in Python and in JavaScript.

Imports nothing from the package.

>>> diverging(1.0), diverging(-1.0), diverging(0.0)
('#2166ac', '#d95f02', '#f7f7f7')
"""

from __future__ import annotations

import math

__all__ = [
    "CLASS_COLOURS",
    "NEGATIVE",
    "NEUTRAL",
    "POSITIVE",
    "diverging",
    "diverging_rgb",
    "hex_rgb",
]

POSITIVE = "#2166ac"
"""Positive numbers (and class 1 of two)."""
NEGATIVE = "#d95f02"
"""Negative numbers (and class 0 of two)."""
NEUTRAL = "#f7f7f7"
"""Zero."""
CLASS_COLOURS = ("#d95f02", "#2166ac", "#009e73", "#cc79a7", "#e6ab02", "#56b4e9", "#666666")
"""Classes 0, 1, 2, ... (Okabe-Ito-like; the first two match NEGATIVE/POSITIVE)."""


def hex_rgb(colour: str) -> tuple[int, int, int]:
    """'#rrggbb' as three ints.

    >>> hex_rgb("#2166ac")
    (33, 102, 172)
    """
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def diverging_rgb(t: float) -> tuple[int, int, int]:
    """`t` in [-1, 1] (clipped; NaN counts as 0) blended from NEUTRAL to POSITIVE/NEGATIVE.

    >>> diverging_rgb(0.5)
    (140, 175, 210)
    """
    if math.isnan(t):
        t = 0.0
    t = max(-1.0, min(1.0, t))
    end = hex_rgb(POSITIVE if t >= 0 else NEGATIVE)
    start = hex_rgb(NEUTRAL)
    a = abs(t)
    # Rounded the way the browser does it (Math.round), so both agree to the digit.
    return tuple(math.floor(s + (e - s) * a + 0.5) for s, e in zip(start, end))  # type: ignore[return-value]


def diverging(t: float) -> str:
    """`diverging_rgb` as '#rrggbb'."""
    return "#{:02x}{:02x}{:02x}".format(*diverging_rgb(t))
