"""matplotlib pictures of training: the loss curve and a decision boundary.

Both return a `matplotlib.figure.Figure` built without pyplot (no GUI backend,
no global state), so they work in scripts, tests and notebooks alike (a Figure
displays inline in Jupyter). matplotlib comes with the `notebooks` extra; when
it is missing both raise ImportError with the install command.

Imports `engine`, `nn` and `train` (for History).

>>> from autograd_mini.train import History
>>> fig = loss_curve_figure(History(loss=[1.0, 0.5], accuracy=[0.5, 1.0], lr=[0.1, 0.1]))
>>> type(fig).__name__
'Figure'
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from typing import Any

from autograd_mini._files import write_atomic
from autograd_mini.engine import no_grad
from autograd_mini.nn import Module
from autograd_mini.train import History

__all__ = [
    "INSTALL_HINT",
    "decision_boundary_figure",
    "grad_size_figure",
    "loss_curve_figure",
    "save_svg",
    "svg_bytes",
]

INSTALL_HINT = "pip install 'autograd-mini[notebooks]'"
"""What to run when matplotlib is missing."""


def loss_curve_figure(history: History, validation_name: str = "validation") -> Any:
    """Loss (log scale, left) and accuracy (right) per epoch; dashed lines for validation.

    `validation_name` is what the legend calls the data `fit` evaluated after each
    epoch: "validation" when it chooses settings, "test" when it only reports.
    """
    fig = _figure()
    ax = fig.add_subplot()
    epochs = range(1, history.epochs + 1)
    ax.plot(epochs, history.loss, color="tab:blue", label="train loss")
    if history.val_loss:
        ax.plot(
            epochs,
            history.val_loss,
            color="tab:blue",
            linestyle="--",
            label=f"{validation_name} loss",
        )
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.set_yscale("log")
    acc_ax = ax.twinx()
    acc_ax.plot(epochs, history.accuracy, color="tab:orange", label="train accuracy")
    if history.val_accuracy:
        acc_ax.plot(
            epochs,
            history.val_accuracy,
            color="tab:orange",
            linestyle="--",
            label=f"{validation_name} accuracy",
        )
    acc_ax.set_ylabel("accuracy")
    acc_ax.set_ylim(0.0, 1.02)
    handles = ax.get_legend_handles_labels()[0] + acc_ax.get_legend_handles_labels()[0]
    ax.legend(handles=handles, loc="center right")
    ax.set_title("Training loss and accuracy")
    return fig


def decision_boundary_figure(
    model: Module,
    X: Sequence[Sequence[float]],
    y: Sequence[int],
    X_test: Sequence[Sequence[float]] = (),
    y_test: Sequence[int] = (),
    resolution: int = 60,
    *,
    held_out_name: str = "test",
) -> Any:
    """The predicted class over the plane of a 2-input model, with the points on top.

    One output: its sign is the class and the boundary is its zero contour.
    Several outputs: each grid cell gets the flat colour of its argmax class (class
    indices are never interpolated). Test points are drawn as triangles. Axes: x1, x2.
    The legend says which marker is train or test and which colour is which class;
    `held_out_name` names the triangles ("validation" when they are a validation set).

    >>> from autograd_mini.nn import MLP
    >>> fig = decision_boundary_figure(MLP(2, [4, 1], seed=0), [[0.0, 0.0], [1.0, 1.0]], [0, 1],
    ...                                resolution=5)
    >>> len(fig.axes)
    1
    """
    if isinstance(resolution, bool) or not isinstance(resolution, int) or resolution < 2:
        raise ValueError(
            f"decision_boundary_figure: resolution must be an int >= 2, got {resolution!r}"
        )
    fig = _figure()
    points = [*X, *X_test]
    if not points:
        raise ValueError("decision_boundary_figure: X is empty")
    x_lo, x_hi = min(p[0] for p in points) - 0.5, max(p[0] for p in points) + 0.5
    y_lo, y_hi = min(p[1] for p in points) - 0.5, max(p[1] for p in points) + 0.5
    grid_x = [x_lo + (x_hi - x_lo) * i / (resolution - 1) for i in range(resolution)]
    grid_y = [y_lo + (y_hi - y_lo) * j / (resolution - 1) for j in range(resolution)]
    classes = max(2, max([*y, *y_test]) + 1)
    with no_grad():
        surface = [[_surface(model, [gx, gy]) for gx in grid_x] for gy in grid_y]
    ax = fig.add_subplot()
    if classes == 2:
        # The raw score is smooth, so its contour at 0 is a smooth boundary line
        # (a grid of predicted classes would draw a staircase).
        cmap, norm = "coolwarm", _normalize(0.0, 1.0)
        top = max(abs(v) for row in surface for v in row) + 1.0
        ax.contourf(grid_x, grid_y, surface, levels=[-top, 0.0, top], cmap=cmap, alpha=0.35)
        ax.contour(grid_x, grid_y, surface, levels=[0.0], colors="black", linewidths=1.0)
    else:
        # Class indices are labels, not a scale: contouring them would interpolate
        # between class 0 and class 2 and paint a thin class-1 band along their
        # border. Each grid cell gets exactly its predicted class's colour instead.
        cmap, norm = _class_colours(classes)
        # One image rather than a mesh of cells: no hairline seams between cells in SVG.
        half_x, half_y = (grid_x[1] - grid_x[0]) / 2, (grid_y[1] - grid_y[0]) / 2
        ax.imshow(
            surface,
            origin="lower",
            extent=(x_lo - half_x, x_hi + half_x, y_lo - half_y, y_hi + half_y),
            aspect="auto",
            interpolation="nearest",
            cmap=cmap,
            norm=norm,
            alpha=0.35,
        )
    held_out = (X_test, y_test, "^", held_out_name)
    for xs, labels, marker, name in ((X, y, "o", "train"), held_out):
        if not xs:
            continue
        style = {"marker": marker, "s": 22, "edgecolors": "black", "linewidths": 0.5}
        ax.scatter(
            [p[0] for p in xs],
            [p[1] for p in xs],
            c=list(labels),
            cmap=cmap,
            norm=norm,
            **style,
        )
        # A neutral proxy for the legend: the marker shape says train or test.
        ax.scatter([], [], c="lightgray", label=name, **style)
    for k in range(classes):
        # Which colour is which class: the points' colour, the background a paler one.
        ax.scatter([], [], color=_cmap_colour(cmap, norm, k), marker="s", s=40, label=f"class {k}")
    # Outside the axes: inside, it would hide points or the boundary.
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_title("Decision boundary (background: predicted class)")
    return fig


def grad_size_figure(
    sizes: Mapping[str, Sequence[float]] | Sequence[float], title: str | None = None
) -> Any:
    """Gradient size per layer on a log scale, one line per model.

    `sizes` is what `nn.grad_size_per_layer` returns, or a mapping from a name
    (e.g. "tanh") to such a list, to compare models. Layer 1 is next to the
    input, the last one is the output layer. A log scale cannot show 0: a layer
    whose weights got no gradient at all is left out and the legend says so.

    >>> fig = grad_size_figure({"sigmoid": [1e-6, 1e-3, 0.1], "relu": [0.05, 0.08, 0.1]})
    >>> [line.get_label() for line in fig.axes[0].get_lines()]
    ['sigmoid', 'relu']
    """
    series = _grad_series(sizes)
    fig = _figure()
    fig.set_size_inches(7.0, 4.0)  # wide: the legend sits beside the axes
    ax = fig.add_subplot()
    for name, values in series.items():
        zero = sum(1 for v in values if v == 0.0)
        label = name + (f" ({zero} layer{'s' if zero > 1 else ''} at 0, not shown)" if zero else "")
        layers = [k for k, v in enumerate(values, start=1) if v > 0.0]
        ax.plot(layers, [v for v in values if v > 0.0], "o-", label=label)
    ax.set_yscale("log")
    ax.set_xlabel("layer (1 = next to the input)")
    ax.set_ylabel("mean |dL/dw| (log scale)")
    deepest = max(len(values) for values in series.values())
    ax.set_xticks(range(1, deepest + 1))
    if len(series) > 1 or any(0.0 in values for values in series.values()):
        # Outside the axes, where it covers no line.
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    ax.set_title(title if title is not None else "Gradient size per layer")
    return fig


def _grad_series(sizes: object) -> dict[str, list[float]]:
    """`sizes` as {name: list of finite sizes >= 0}; one unnamed list is called "model"."""
    if isinstance(sizes, Mapping):
        items = list(sizes.items())
    elif isinstance(sizes, Sequence) and not isinstance(sizes, (str, bytes)):
        items = [("model", sizes)]
    else:
        raise TypeError(
            f"grad_size_figure: expected a list of sizes or a dict of them, "
            f"got {type(sizes).__name__}"
        )
    if not items:
        raise ValueError("grad_size_figure: no sizes given")
    series = {}
    for name, values in items:
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
            raise ValueError(f"grad_size_figure: {name!r} must be a non-empty list of sizes")
        numbers = []
        for v in values:
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise TypeError(f"grad_size_figure: {name!r} holds {v!r}, not a number")
            if not math.isfinite(v) or v < 0:
                raise ValueError(f"grad_size_figure: {name!r} holds {v!r}, not a size >= 0")
            numbers.append(float(v))
        series[str(name)] = numbers
    return series


def svg_bytes(fig: Any) -> bytes:
    """`fig` as SVG, without a date in its metadata (same run, same bytes)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def save_svg(fig: Any, path: str) -> None:
    """Write `fig` as SVG through the package's one file writer (all or nothing)."""
    write_atomic(path, svg_bytes(fig), "save_svg")


def _figure() -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError(f"matplotlib is not installed: {INSTALL_HINT}") from None
    return Figure(figsize=(5.5, 4.5), layout="constrained")


def _normalize(vmin: float, vmax: float) -> Any:
    from matplotlib.colors import Normalize

    return Normalize(vmin, vmax)


def _cmap_colour(cmap: Any, norm: Any, k: int) -> Any:
    """The colour `scatter(c=..., cmap=cmap, norm=norm)` gives class `k`."""
    from matplotlib import colormaps

    colormap = colormaps[cmap] if isinstance(cmap, str) else cmap
    return colormap(norm(k))


def _class_colours(classes: int) -> tuple[Any, Any]:
    """A colormap with one flat colour per class and the norm mapping class k to it."""
    from matplotlib import colormaps
    from matplotlib.colors import BoundaryNorm, ListedColormap

    palette = colormaps["tab10"] if classes <= 10 else colormaps["tab20"]
    cmap = ListedColormap([palette(k % palette.N) for k in range(classes)])
    return cmap, BoundaryNorm([k - 0.5 for k in range(classes + 1)], classes)


def _surface(model: Module, x: list[float]) -> float:
    """The score for one output (its sign is the class), else the argmax class."""
    scores = [o.data for o in model.outputs(x)]
    if len(scores) == 1:
        return scores[0]
    return float(scores.index(max(scores)))
