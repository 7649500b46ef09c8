"""Small line charts (loss, accuracy) with a cursor at the current frame.

The curves are drawn once; only the cursor (``data-k`` = `key`) moves from
frame to frame, so a player ships one chart and a number per frame.

Imports `autograd_mini.viz.drawing` and `.escape`.

>>> shapes = draw_chart("loss", [0, 1, 2], [("train", [1.0, 0.5, 0.2], "#2166ac", False)], 1)
>>> [s.key for s in shapes if s.key]
['cursor-loss']
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from autograd_mini.viz.drawing import INK, Line, Polyline, Shape, Text
from autograd_mini.viz.escape import format_number

__all__ = ["Chart", "Series", "draw_chart"]

Series = tuple[str, Sequence[float | None], str, bool]
"""(name, one value per frame or None, colour, dashed)."""


class Chart:
    """Where a chart's data lands: x from frame steps, y from the values' range."""

    def __init__(
        self,
        steps: Sequence[int],
        series: Sequence[Series],
        width: float,
        height: float,
        y_range: tuple[float, float] | None = None,
    ) -> None:
        self.left, self.right, self.top, self.bottom = 60.0, 10.0, 22.0, 26.0
        self.width, self.height = width, height
        self.x_min, self.x_max = (min(steps), max(steps)) if steps else (0, 1)
        finite = [v for _, values, _, _ in series for v in values if v is not None and _finite(v)]
        if y_range is not None:
            self.y_min, self.y_max = y_range
        else:
            self.y_min = min(0.0, *finite) if finite else 0.0
            self.y_max = _top(finite)
        if self.y_max <= self.y_min:
            self.y_max = self.y_min + 1.0

    def x(self, step: float) -> float:
        span = max(1, self.x_max - self.x_min)
        return self.left + (step - self.x_min) / span * (self.width - self.left - self.right)

    def y(self, value: float) -> float:
        share = (value - self.y_min) / (self.y_max - self.y_min)
        share = max(0.0, min(1.0, share))
        return self.height - self.bottom - share * (self.height - self.top - self.bottom)


def _top(values: list[float]) -> float:
    """The chart's top: the largest value, unless a few are far above the rest.

    A run that blows up (loss 1e300 in its last steps) would flatten every
    other step to the axis; then the top is 1.5 times the 90th percentile and
    the spikes run off the top of the chart.

    >>> _top([1.0, 0.5, 0.4]), _top([1.0] * 9 + [1e300])
    (1.0, 1.5)
    """
    if not values:
        return 1.0
    ordered = sorted(values)
    typical = ordered[int(0.9 * (len(ordered) - 1))]
    return ordered[-1] if ordered[-1] <= 10 * max(typical, 1e-12) else 1.5 * typical


def _finite(v: float | None) -> bool:
    return v is not None and math.isfinite(v)


def draw_chart(
    title: str,
    steps: Sequence[int],
    series: Sequence[Series],
    cursor: int,
    *,
    width: float = 300.0,
    height: float = 150.0,
    y_range: tuple[float, float] | None = None,
) -> list[Shape]:
    """A chart of several series over the frames' steps, cursor at frame `cursor`."""
    chart = Chart(steps, series, width, height, y_range)
    base = height - chart.bottom
    shapes: list[Shape] = [
        Line(chart.left, base, width - chart.right, base, "#94a3b8"),
        Line(chart.left, chart.top, chart.left, base, "#94a3b8"),
        Text(chart.left - 4, chart.y(chart.y_max), format_number(chart.y_max), 10, anchor="end"),
        Text(chart.left - 4, base, format_number(chart.y_min), 10, anchor="end"),
        Text(chart.left, base + 12, f"step {chart.x_min}", 10),
        Text(width - chart.right, base + 12, f"step {chart.x_max}", 10, anchor="end"),
        Text(chart.left, 9, title, 12, bold=True),
    ]
    legend_x = chart.left + 8 + 7 * len(title)
    for name, values, colour, dashed in series:
        points = tuple(
            (chart.x(s), chart.y(v)) for s, v in zip(steps, values) if v is not None and _finite(v)
        )
        if not points:
            continue
        shapes.append(Polyline(points, colour, 1.8, dashed))
        shapes.append(Line(legend_x, 9, legend_x + 16, 9, colour, 2.5))
        shapes.append(Text(legend_x + 20, 9, name, 10, fill=INK))
        legend_x += 28 + 6 * len(name)
    x = chart.x(steps[cursor]) if steps else chart.left
    shapes.append(Line(x, chart.top, x, base, INK, 1.2, key=f"cursor-{title.split()[0]}"))
    return shapes
