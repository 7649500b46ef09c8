"""Pictures over the input plane and of image inputs, from plain weights.

For two inputs: the decision surface (the class the network answers at every
point of a grid) and one small heatmap per first-layer neuron (its output over
the same plane). For image inputs: a first-layer neuron's weights as a picture
and an input image itself. All of them are small pixel grids (`Raster`s), the
browser redraws them with the same formulas.

Imports `autograd_mini.viz.drawing`, `.palette` and `.weights`.

>>> extent = plane_extent([[0.0, 0.0], [1.0, 2.0]])
>>> extent
(-0.1, 1.1, -0.2, 2.2)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from autograd_mini.viz.drawing import RGB, Circle, Raster, Rect, Shape
from autograd_mini.viz.palette import CLASS_COLOURS, diverging_rgb, hex_rgb
from autograd_mini.viz.weights import ACTIVATION_FUNCTIONS, Net

__all__ = [
    "image_side",
    "image_pixels",
    "neuron_pixels",
    "plane_extent",
    "point_shapes",
    "surface_pixels",
]

Extent = tuple[float, float, float, float]


def plane_extent(X: Sequence[Sequence[float]], margin: float = 0.1) -> Extent:
    """(x_min, x_max, y_min, y_max) around the points, widened by `margin` of each span."""
    xs = [p[0] for p in X]
    ys = [p[1] for p in X]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    dx, dy = (x1 - x0) or 1.0, (y1 - y0) or 1.0
    return (
        round(x0 - margin * dx, 12),
        round(x1 + margin * dx, 12),
        round(y0 - margin * dy, 12),
        round(y1 + margin * dy, 12),
    )


def _grid(extent: Extent, n: int) -> list[list[tuple[float, float]]]:
    """n x n points, row 0 at the top (largest y), centred in their cells."""
    x0, x1, y0, y1 = extent
    return [
        [(x0 + (i + 0.5) / n * (x1 - x0), y1 - (r + 0.5) / n * (y1 - y0)) for i in range(n)]
        for r in range(n)
    ]


def _lighter(colour: str, keep: float) -> RGB:
    r, g, b = hex_rgb(colour)
    return (
        math.floor(255 + (r - 255) * keep + 0.5),
        math.floor(255 + (g - 255) * keep + 0.5),
        math.floor(255 + (b - 255) * keep + 0.5),
    )


def surface_colour(outputs: Sequence[float], loss_name: str) -> RGB:
    """One grid point's colour: blue/orange by the answer, paler where the network is unsure.

    >>> surface_colour([5.0], "hinge"), surface_colour([0.0, 3.0, 1.0], "cross_entropy")
    ((119, 160, 202), (144, 179, 214))
    """
    if len(outputs) == 1:
        centre = 0.5 if loss_name == "mse" else 0.0
        return diverging_rgb(0.6 * math.tanh(2.0 * (outputs[0] - centre)))
    best = max(range(len(outputs)), key=lambda i: outputs[i])
    return _lighter(CLASS_COLOURS[best % len(CLASS_COLOURS)], 0.5)


def surface_pixels(net: Net, extent: Extent, n: int, loss_name: str) -> list[list[RGB]]:
    """The decision surface on an n x n grid."""
    return [[surface_colour(net.output(p), loss_name) for p in row] for row in _grid(extent, n)]


def neuron_pixels(net: Net, neuron: int, extent: Extent, n: int) -> list[list[RGB]]:
    """First-layer `neuron`'s output over the plane (blue +, orange -, scaled to its largest)."""
    (w0, w1), b = net.weights[0][neuron], net.biases[0][neuron]
    f = ACTIVATION_FUNCTIONS[net.activations[0]]
    values = [[f(w0 * x + w1 * y + b) for x, y in row] for row in _grid(extent, n)]
    top = max((abs(v) for row in values for v in row if v == v), default=0.0) or 1.0
    return [[diverging_rgb(v / top) for v in row] for row in values]


def image_side(inputs: int) -> int | None:
    """The side of a square image with that many pixels (64 -> 8), None if not square or tiny.

    >>> image_side(64), image_side(2), image_side(10)
    (8, None, None)
    """
    side = math.isqrt(inputs)
    return side if side * side == inputs and side >= 4 else None


def image_pixels(values: Sequence[float], scale: float | None = None) -> list[list[RGB]]:
    """Square image of numbers: with `scale`, blue/orange by sign; without, dark = large.

    >>> image_pixels([0.0, 1.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
    ...               0.0, 0.0])[0][:2]
    [(255, 255, 255), (31, 41, 55)]
    """
    side = math.isqrt(len(values))
    rows = [values[r * side : (r + 1) * side] for r in range(side)]
    if scale is not None:
        return [[diverging_rgb(v / scale if scale > 0 else 0.0) for v in row] for row in rows]
    top = max((abs(v) for v in values), default=0.0) or 1.0
    ink = hex_rgb("#1f2937")
    return [
        [
            tuple(math.floor(255 + (c - 255) * min(1.0, abs(v) / top) + 0.5) for c in ink)  # type: ignore[misc]
            for v in row
        ]
        for row in rows
    ]


def point_shapes(
    points: Sequence[tuple[Sequence[float], int, bool]],
    extent: Extent,
    x: float,
    y: float,
    size: float,
) -> list[Shape]:
    """Data points on a plane drawn at (x, y) with side `size`: circles train, squares test."""
    x0, x1, y0, y1 = extent
    shapes: list[Shape] = []
    for p, label, is_test in points:
        px = x + (p[0] - x0) / (x1 - x0) * size
        py = y + (y1 - p[1]) / (y1 - y0) * size
        colour = CLASS_COLOURS[label % len(CLASS_COLOURS)]
        if is_test:
            shapes.append(Rect(px - 3, py - 3, 6, 6, colour, "#1f2937", 0.8))
        else:
            shapes.append(Circle(px, py, 3.3, colour, "#1f2937", 0.8))
    return shapes


def plane_raster(pixels: list[list[RGB]], x: float, y: float, size: float, key: str) -> Raster:
    """A plane picture as a smooth raster keyed for the browser."""
    return Raster(x, y, size, size, tuple(tuple(row) for row in pixels), smooth=True, key=key)
