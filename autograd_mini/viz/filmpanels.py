"""The film's panels for one frame, as shapes: network, curves, plane or images.

The same shapes become the page's SVG (its first frame, readable without
JavaScript; keyed shapes are then restyled by the player) and each GIF frame.

Imports `autograd_mini.viz.*`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from autograd_mini.viz.curves import draw_chart
from autograd_mini.viz.drawing import INK, Circle, Raster, Rect, Shape, Text
from autograd_mini.viz.filmdata import FilmData, film_scale
from autograd_mini.viz.network import NetworkLayout, draw_network
from autograd_mini.viz.palette import NEGATIVE, POSITIVE
from autograd_mini.viz.planes import (
    Extent,
    image_pixels,
    image_side,
    neuron_pixels,
    plane_extent,
    plane_raster,
    point_shapes,
    surface_pixels,
)
from autograd_mini.viz.weights import decide

__all__ = ["FilmView", "PANEL_SIZES"]

PANEL_SIZES = {
    "network": (560, 330),
    "side": (330, 330),
    "loss": (445, 150),
    "accuracy": (445, 150),
}
"""Width and height of each panel (the page and the GIF lay them out the same way)."""

DIVERGED = "Training diverged here (see the caption)"
"""Written across the network on a diverged run's last frame."""
SURFACE = 230.0
TILE = 44.0
MODES = {"weights": "weights", "gradients": "grads", "changes": "deltas"}


@dataclass
class Points:
    """The data drawn with the film: train points, test points, and a few shown digits."""

    X: list[list[float]]
    y: list[int]
    is_test: list[bool]


class FilmView:
    """Draws the panels of any frame of `data`."""

    def __init__(
        self,
        data: FilmData,
        points: Points | None,
        *,
        max_neurons: int,
        class_names: Sequence[str],
        grid: int = 30,
    ) -> None:
        self.data = data
        self.points = points
        self.class_names = list(class_names)
        self.grid = grid
        self.layout = NetworkLayout(data.layer_sizes, *PANEL_SIZES["network"], max_neurons)
        nin = data.layer_sizes[0]
        self.kind = "none"
        self.extent: Extent | None = None
        if points is not None and points.X:
            if nin == 2:
                self.kind = "plane"
                self.extent = plane_extent(points.X)
            elif image_side(nin) is not None:
                self.kind = "image"
        self.strip = self._strip() if self.kind == "image" else []
        # One colour scale for every neuron's weight image over the whole film.
        first = data.layer_sizes[0] * data.layer_sizes[1]
        self.image_scale = film_scale([flat[:first] for flat in data.weights])

    def _strip(self) -> list[int]:
        """Up to 10 shown images: the first few of each class, alternating."""
        assert self.points is not None
        by_class: dict[int, list[int]] = {}
        for i, label in enumerate(self.points.y):
            if len(by_class.setdefault(label, [])) < 10:
                by_class[label].append(i)
        order = sorted(by_class, reverse=True)
        chosen: list[int] = []
        while len(chosen) < 10 and any(by_class[c] for c in order):
            for c in order:
                if by_class[c] and len(chosen) < 10:
                    chosen.append(by_class[c].pop(0))
        return chosen

    def network(self, k: int, mode: str = "weights") -> list[Shape]:
        data = self.data
        values = getattr(data, MODES[mode])[k]
        shapes = draw_network(
            self.layout,
            values,
            data.scales[mode],
            activations=data.values_after[k] if data.values_after else None,
            activation_scales=data.value_scales or None,
            what=mode,
        )
        width, height = PANEL_SIZES["network"]
        if data.sample is not None:
            label = self._name(self._label_class(data.sample_label or 0))
            shapes.append(
                Text(
                    12,
                    height - 30,
                    f"fill: each neuron's output for sample X[{data.sample_index}] ({label})"
                    + (", ringed" if self.kind == "plane" else ""),
                    11,
                    fill="#475569",
                )
            )
        diverged = data.diverged is not None and k == len(data) - 1
        shapes.append(
            Text(
                width / 2,
                height - 48,
                DIVERGED if diverged else "",
                14,
                fill=NEGATIVE,
                anchor="middle",
                bold=True,
                key="banner",
            )
        )
        return shapes

    def charts(self, k: int) -> dict[str, list[Shape]]:
        d = self.data
        w, h = PANEL_SIZES["loss"]
        return {
            "loss": draw_chart(
                "loss",
                d.steps,
                [
                    ("train (batch)", d.loss, POSITIVE, False),
                    ("validation", d.val_loss, NEGATIVE, True),
                ],
                k,
                width=w,
                height=h,
            ),
            "accuracy": draw_chart(
                "accuracy",
                d.steps,
                [
                    ("train (batch)", d.train_accuracy, POSITIVE, False),
                    ("validation", d.val_accuracy, NEGATIVE, True),
                ],
                k,
                width=w,
                height=h,
                y_range=(0.0, 1.0),
            ),
        }

    def side(self, k: int) -> list[Shape]:
        if self.kind == "plane":
            return self._plane(k)
        if self.kind == "image":
            return self._images(k)
        return [
            Text(10, 20, "No decision surface:", 12, bold=True),
            Text(10, 40, "it is drawn for two inputs (a plane)", 11),
            Text(10, 56, "or square images with data given.", 11),
        ]

    def _plane(self, k: int) -> list[Shape]:
        assert self.points is not None and self.extent is not None
        net = self.data.net(k)
        x0, y0 = 8.0, 22.0
        shapes: list[Shape] = [
            Text(x0, 9, "decision surface (circles train, squares test)", 11, bold=True),
            plane_raster(
                surface_pixels(net, self.extent, self.grid, self.data.loss_name),
                x0,
                y0,
                SURFACE,
                "surface",
            ),
            Rect(x0, y0, SURFACE, SURFACE, "none", "#94a3b8"),
        ]
        shapes += point_shapes(
            list(zip(self.points.X, self.points.y, self.points.is_test)),
            self.extent,
            x0,
            y0,
            SURFACE,
        )
        if self.data.sample is not None:
            # The sample whose values fill the network's circles, ringed.
            sx, sy = self.data.sample
            ex0, ex1, ey0, ey1 = self.extent
            shapes.append(
                Circle(
                    x0 + (sx - ex0) / (ex1 - ex0) * SURFACE,
                    y0 + (ey1 - sy) / (ey1 - ey0) * SURFACE,
                    7.5,
                    "none",
                    INK,
                    2.0,
                )
            )
        # One small map per first-layer neuron: where in the plane it fires.
        shown = self.layout.shown[1]
        cx = x0 + SURFACE + 8
        per_row = 2
        side = 36.0
        shapes.append(Text(cx, y0 - 2 + 0, "layer 1", 10))
        for n, j in enumerate(shown):
            col, row = n % per_row, n // per_row
            x = cx + col * (side + 4)
            y = y0 + 10 + row * (side + 4)
            if y + side > PANEL_SIZES["side"][1]:
                break
            shapes.append(
                plane_raster(neuron_pixels(net, j, self.extent, 16), x, y, side, f"heat{j}")
            )
        return shapes

    def answers(self, k: int) -> tuple[list[int], list[int]]:
        """Every point's answer at frame k, and counts [tp, fp, fn, tn] (or [right, wrong])."""
        assert self.points is not None
        net = self.data.net(k)
        said = [decide(net.output(x), self.data.loss_name) for x in self.points.X]
        if self.data.layer_sizes[-1] == 1:
            truth = [int(t > 0) for t in self.points.y]
            counts = [
                sum(1 for s, t in zip(said, truth) if s == a and t == b)
                for a, b in ((1, 1), (1, 0), (0, 1), (0, 0))
            ]
        else:
            right = sum(1 for s, t in zip(said, self.points.y) if s == t)
            counts = [right, len(said) - right]
        return said, counts

    def _images(self, k: int) -> list[Shape]:
        assert self.points is not None
        d = self.data
        nin = d.layer_sizes[0]
        shapes: list[Shape] = [
            Text(8, 9, "layer 1 neurons: weight per pixel (blue +, orange -)", 11, bold=True)
        ]
        scale = (
            max((abs(v) for flat in d.weights for v in flat[: nin * d.layer_sizes[1]]), default=1.0)
            or 1.0
        )
        shown = self.layout.shown[1][:18]
        for n, j in enumerate(shown):
            x = 8 + (n % 6) * (TILE + 10)
            y = 20 + (n // 6) * (TILE + 6)
            row = d.weights[k][j * nin : (j + 1) * nin]
            shapes.append(Raster(x, y, TILE, TILE, _rows(image_pixels(row, scale)), key=f"img{j}"))
        said, counts = self.answers(k)
        y = 20 + ((len(shown) + 5) // 6) * (TILE + 6) + 14
        shapes.append(Text(8, y - 6, "the network's answers (orange = wrong)", 11, bold=True))
        for n, i in enumerate(self.strip):
            x = 8 + (n % 5) * 62
            yy = y + 4 + (n // 5) * 62
            shapes.append(Raster(x, yy, 34, 34, _rows(image_pixels(self.points.X[i]))))
            right = said[i] == self._truth(i)
            shapes.append(
                Text(
                    x + 17,
                    yy + 44,
                    f"{self._name(said[i])} {'✓' if right else '✗'}",
                    10,
                    fill=INK if right else NEGATIVE,
                    anchor="middle",
                    key=f"ans{n}",
                )
            )
        shapes.append(Text(8, 322, self.confusion_text(counts), 11, key="confusion"))
        return shapes

    def _truth(self, i: int) -> int:
        assert self.points is not None
        return self._label_class(self.points.y[i])

    def _label_class(self, label: int) -> int:
        return int(label > 0) if self.data.layer_sizes[-1] == 1 else label

    def _name(self, c: int) -> str:
        return self.class_names[c] if 0 <= c < len(self.class_names) else str(c)

    def confusion_text(self, counts: list[int]) -> str:
        if len(counts) == 4:
            tp, fp, fn, tn = counts
            yes = self._name(1)
            return (
                f"{sum(counts)} images · said {yes}: {tp} ✓ {fp} ✗ · "
                f"said {self._name(0)}: {tn} ✓ {fn} ✗"
            )
        return f"{sum(counts)} images: {counts[0]} ✓ right, {counts[1]} ✗ wrong"

    def panels(self, k: int, mode: str = "weights") -> dict[str, list[Shape]]:
        """Every panel of frame k."""
        return {"network": self.network(k, mode), "side": self.side(k), **self.charts(k)}


def _rows(pixels: list[list[tuple[int, int, int]]]) -> tuple[tuple[tuple[int, int, int], ...], ...]:
    return tuple(tuple(row) for row in pixels)
