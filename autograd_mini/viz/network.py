"""The network diagram: neurons as circles in layers, edges coloured by sign.

`NetworkLayout` places the inputs and every layer's neurons in columns (a
layer with more than `max_neurons` shows that many and a "+k more" note) and
numbers every weight and bias the way `flat_parameters` packs them, so a
picture can be redrawn from any set of plain weights: a training film's
frames, a live widget's current model. `draw_network` draws one such picture:
an edge's colour is its number's sign (blue +, orange -), its width the size
of the number on a fixed `scale`, so pictures of different steps compare.

Imports `autograd_mini.viz.drawing`, `.palette` and `.weights`.

>>> layout = NetworkLayout((2, 3, 1))
>>> [len(c) for c in layout.shown], layout.parameter_count
([2, 3, 1], 13)
>>> layout.weight_index(1, 0, 2), layout.bias_index(0, 2)
(11, 8)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from autograd_mini.viz.drawing import INK, Circle, Line, Rect, Shape, Text
from autograd_mini.viz.escape import format_number
from autograd_mini.viz.palette import NEGATIVE, NEUTRAL, POSITIVE, diverging

__all__ = [
    "MAX_EDGE_WIDTH",
    "NetworkLayout",
    "draw_network",
    "edge_width",
    "flat_parameters",
]

MAX_EDGE_WIDTH = 4.0
"""The width of an edge whose number is at least the picture's scale."""
MIN_EDGE_WIDTH = 0.4


def edge_width(value: float, scale: float) -> float:
    """Line width for a number on a fixed scale (the browser uses the same formula).

    >>> edge_width(0.0, 1.0), edge_width(-0.5, 1.0), edge_width(3.0, 1.0)
    (0.4, 2.2, 4.0)
    """
    share = min(1.0, abs(value) / scale) if scale > 0 and value == value else 0.0
    return round(MIN_EDGE_WIDTH + (MAX_EDGE_WIDTH - MIN_EDGE_WIDTH) * share, 2)


def flat_parameters(
    weights: Sequence[Sequence[Sequence[float]]], biases: Sequence[Sequence[float]]
) -> list[float]:
    """A network's numbers in one list: per layer its weights (by neuron), then its biases.

    >>> flat_parameters([[[1.0, 2.0]], [[3.0]]], [[0.5], [0.25]])
    [1.0, 2.0, 0.5, 3.0, 0.25]
    """
    flat: list[float] = []
    for w, b in zip(weights, biases):
        for row in w:
            flat.extend(row)
        flat.extend(b)
    return flat


@dataclass
class NetworkLayout:
    """Where every drawn neuron sits, and where each parameter lives in the flat list.

    Args:
        layer_sizes: (inputs, neurons per layer ...).
        width, height: the picture's size.
        max_neurons: a column with more neurons shows this many, then "+k more".
    """

    layer_sizes: tuple[int, ...]
    width: float = 560.0
    height: float = 330.0
    max_neurons: int = 10
    shown: list[list[int]] = field(init=False)
    positions: dict[tuple[int, int], tuple[float, float]] = field(init=False)
    radius: float = field(init=False)
    offsets: list[int] = field(init=False)

    def __post_init__(self) -> None:
        if len(self.layer_sizes) < 2 or any(n < 1 for n in self.layer_sizes):
            raise ValueError(f"NetworkLayout: bad layer sizes {self.layer_sizes!r}")
        self.shown = [list(range(min(n, self.max_neurons))) for n in self.layer_sizes]
        columns = len(self.layer_sizes)
        left, right, top, bottom = 40.0, 40.0, 34.0, 76.0
        step_x = (self.width - left - right) / max(1, columns - 1)
        most = max(len(c) for c in self.shown)
        step_y = (self.height - top - bottom) / max(1, most)
        self.radius = max(4.0, min(13.0, step_y * 0.36))
        self.positions = {}
        for c, neurons in enumerate(self.shown):
            x = left + c * step_x
            y0 = top + (self.height - top - bottom - step_y * len(neurons)) / 2 + step_y / 2
            for row, j in enumerate(neurons):
                self.positions[(c, j)] = (x, y0 + row * step_y)
        self.offsets = [0]
        for nin, nout in zip(self.layer_sizes, self.layer_sizes[1:]):
            self.offsets.append(self.offsets[-1] + nout * (nin + 1))

    @property
    def parameter_count(self) -> int:
        """How many numbers the flat list holds."""
        return self.offsets[-1]

    def weight_index(self, layer: int, neuron: int, source: int) -> int:
        """Position of weight [layer][neuron][source] in the flat list."""
        return self.offsets[layer] + neuron * self.layer_sizes[layer] + source

    def bias_index(self, layer: int, neuron: int) -> int:
        """Position of bias [layer][neuron] in the flat list."""
        return self.offsets[layer] + self.layer_sizes[layer + 1] * self.layer_sizes[layer] + neuron

    def edges(self) -> list[tuple[int, int, int]]:
        """(layer, neuron, source) of every drawn edge, in drawing order."""
        return [
            (layer, j, i)
            for layer in range(len(self.layer_sizes) - 1)
            for j in self.shown[layer + 1]
            for i in self.shown[layer]
        ]


def draw_network(
    layout: NetworkLayout,
    values: Sequence[float],
    scale: float,
    *,
    activations: Sequence[float] | None = None,
    activation_scales: Sequence[float] | None = None,
    input_names: Sequence[str] | None = None,
    what: str = "weights",
) -> list[Shape]:
    """The diagram for one flat parameter list (weights, gradients or changes).

    Args:
        values: one number per parameter, in `flat_parameters` order.
        scale: numbers of this size or more get the widest, strongest edges.
        activations: every neuron's output for the sample on screen, flat by
            column (inputs first), filling its circle; None leaves them white.
        activation_scales: per column, the output size drawn darkest.
        input_names: labels for the inputs (default x0, x1, ...).
        what: named in the legend ("weights", "gradients", "changes").
    """
    if len(values) != layout.parameter_count:
        raise ValueError(
            f"draw_network: {len(values)} numbers for {layout.parameter_count} parameters"
        )
    shapes: list[Shape] = []
    for layer, j, i in layout.edges():
        x1, y1 = layout.positions[(layer, i)]
        x2, y2 = layout.positions[(layer + 1, j)]
        v = values[layout.weight_index(layer, j, i)]
        shapes.append(
            Line(
                x1,
                y1,
                x2,
                y2,
                diverging(v / scale if scale > 0 else 0.0),
                edge_width(v, scale),
                key=f"w{layout.weight_index(layer, j, i)}",
            )
        )
    starts = [0]
    for n in layout.layer_sizes:
        starts.append(starts[-1] + n)
    r = layout.radius
    for c, neurons in enumerate(layout.shown):
        for j in neurons:
            x, y = layout.positions[(c, j)]
            fill = NEUTRAL
            if activations is not None and activation_scales is not None:
                a = activations[starts[c] + j]
                fill = diverging(a / activation_scales[c] if activation_scales[c] > 0 else 0.0)
            shapes.append(Circle(x, y, r, fill, INK, 1.2, key=f"n{c}_{j}"))
            # Filled with a number in slow motion (a value or a gradient).
            shapes.append(Text(x, y - r - 5, "", 9, anchor="middle", key=f"v{c}_{j}"))
            if c > 0:
                b = values[layout.bias_index(c - 1, j)]
                side = max(3.0, r * 0.55)
                shapes.append(
                    Rect(
                        x + r * 0.75,
                        y + r * 0.75 - side,
                        side,
                        side,
                        diverging(b / scale if scale > 0 else 0.0),
                        INK,
                        0.5,
                        key=f"b{layout.bias_index(c - 1, j)}",
                    )
                )
            elif input_names is not None and j < len(input_names):
                shapes.append(Text(x - r - 4, y, input_names[j], 11, anchor="end"))
            else:
                shapes.append(Text(x - r - 4, y, f"x{j}", 11, anchor="end"))
        hidden = layout.layer_sizes[c] - len(neurons)
        x, y = layout.positions[(c, neurons[-1])]
        if hidden:
            shapes.append(Text(x, y + r + 12, f"+{hidden} more", 11, anchor="middle"))
        title = "inputs" if c == 0 else f"layer {c}"
        x0 = layout.positions[(c, neurons[0])][0]
        shapes.append(Text(x0, 12, f"{title} ({layout.layer_sizes[c]})", 11, anchor="middle"))
    shapes.extend(network_legend(layout, scale, what))
    return shapes


def network_legend(layout: NetworkLayout, scale: float, what: str) -> list[Shape]:
    """One line under the diagram: what blue, orange and width mean, and the scale."""
    y = layout.height - 14
    x = 12.0
    return [
        Line(x, y, x + 22, y, POSITIVE, MAX_EDGE_WIDTH),
        Text(x + 27, y, "positive", 11),
        Line(x + 82, y, x + 104, y, NEGATIVE, MAX_EDGE_WIDTH),
        Text(x + 109, y, "negative", 11),
        Text(
            x + 170,
            y,
            f"{what}: widest at |value| ≥ {format_number(scale)}; square = bias",
            11,
            key="legend",
        ),
    ]
