"""plots: the figures' content (lines, contours, points), SVG output, bad input,
and the install hint when matplotlib is missing."""

import sys
import xml.etree.ElementTree as ET

import pytest

from autograd_mini import plots
from autograd_mini.nn import MLP
from autograd_mini.train import History


def history(val=True):
    h = History(loss=[1.0, 0.5, 0.25], accuracy=[0.5, 0.75, 1.0], lr=[0.1] * 3)
    if val:
        h.val_loss, h.val_accuracy = [1.1, 0.6, 0.3], [0.4, 0.7, 0.9]
    return h


def test_loss_curve_draws_train_and_validation_lines():
    fig = plots.loss_curve_figure(history())
    loss_ax, acc_ax = fig.axes
    assert [list(line.get_ydata()) for line in loss_ax.get_lines()] == [
        [1.0, 0.5, 0.25],
        [1.1, 0.6, 0.3],
    ]
    assert [list(line.get_ydata()) for line in acc_ax.get_lines()] == [
        [0.5, 0.75, 1.0],
        [0.4, 0.7, 0.9],
    ]
    assert loss_ax.get_yscale() == "log"
    assert [t.get_text() for t in loss_ax.get_legend().get_texts()] == [
        "train loss",
        "validation loss",
        "train accuracy",
        "validation accuracy",
    ]
    named = plots.loss_curve_figure(history(), validation_name="test").axes[0]
    assert [t.get_text() for t in named.get_legend().get_texts()][1::2] == [
        "test loss",
        "test accuracy",
    ]


def test_loss_curve_without_validation_has_one_line_per_axis():
    fig = plots.loss_curve_figure(history(val=False))
    assert [len(ax.get_lines()) for ax in fig.axes] == [1, 1]


def test_decision_boundary_separates_a_known_linear_model(tmp_path):
    model = MLP(2, [1], seed=0)  # one linear neuron: score = x0 - x1
    neuron = model.layers[0].neurons[0]
    neuron.w[0].data, neuron.w[1].data, neuron.b.data = 1.0, -1.0, 0.0
    X, y = [[1.0, 0.0], [0.0, 1.0]], [1, 0]
    fig = plots.decision_boundary_figure(model, X, y, [[2.0, 0.0]], [1], resolution=9)
    ax = fig.axes[0]
    # the zero contour of x0 - x1 is the diagonal x0 == x1
    boundary = [seg for level in ax.collections[1].allsegs for seg in level]
    assert boundary and all(abs(px - py) < 1e-9 for seg in boundary for px, py in seg)
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["train", "test", "class 0", "class 1"]
    # each class entry has the colour its points are drawn in
    points = ax.collections[2]  # the train points: [1, 0] is class 1, [0, 1] class 0
    assert [list(p) for p in points.get_offsets()] == X
    colours = [tuple(c) for c in points.to_rgba(points.get_array())]
    swatches = [tuple(h.get_facecolor()[0]) for h in legend.legend_handles[2:]]
    assert swatches == [colours[1], colours[0]] and colours[0] != colours[1]
    named = plots.decision_boundary_figure(
        model, X, y, [[2.0, 0.0]], [1], resolution=5, held_out_name="validation"
    )
    assert [t.get_text() for t in named.axes[0].get_legend().get_texts()][:2] == [
        "train",
        "validation",
    ]
    path = tmp_path / "b.svg"
    plots.save_svg(fig, str(path))
    assert ET.parse(path).getroot().tag == "{http://www.w3.org/2000/svg}svg"
    assert "<dc:date>" not in path.read_text()


def test_decision_boundary_of_a_multi_class_model():
    fig = plots.decision_boundary_figure(
        MLP(2, [4, 3], seed=0), [[0.0, 0.0], [1.0, 1.0]], [0, 2], resolution=4
    )
    assert len(fig.axes) == 1


@pytest.mark.parametrize("resolution", [1, 0, 2.5, True])
def test_decision_boundary_rejects_bad_resolution(resolution):
    with pytest.raises(
        ValueError, match="decision_boundary_figure: resolution must be an int >= 2"
    ):
        plots.decision_boundary_figure(
            MLP(2, [1], seed=0), [[0.0, 0.0]], [0], resolution=resolution
        )


def test_decision_boundary_rejects_empty_data():
    with pytest.raises(ValueError, match="decision_boundary_figure: X is empty"):
        plots.decision_boundary_figure(MLP(2, [1], seed=0), [], [])


def test_missing_matplotlib_raises_import_error_with_the_install_hint(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(
        ImportError, match=r"matplotlib is not installed: pip install 'autograd-mini\[notebooks\]'"
    ):
        plots.loss_curve_figure(history())


def _never_class_1_model() -> MLP:
    """Three linear outputs: x1, a hopeless -100 and -x1, so class 1 is never the argmax."""
    model = MLP(2, [3], activation="linear", seed=0)
    for k, (w0, b) in enumerate(((1.0, 0.0), (0.0, -100.0), (-1.0, 0.0))):
        neuron = model.layers[0].neurons[k]
        neuron.w[0].data, neuron.w[1].data, neuron.b.data = w0, 0.0, b
    return model


def test_multi_class_boundary_paints_only_predicted_classes():
    from matplotlib.contour import ContourSet

    X, y = [[-2.0, 0.0], [0.0, 1.0], [2.0, 0.0]], [2, 1, 0]
    fig = plots.decision_boundary_figure(_never_class_1_model(), X, y, resolution=21)
    ax = fig.axes[0]
    # No contour of class indices: between class 0 and class 2 it would interpolate
    # through 1 and draw a class-1 strip the model never predicts.
    assert not [c for c in ax.collections if isinstance(c, ContourSet)]
    (mesh,) = ax.get_images()
    assert mesh.get_interpolation() == "nearest"
    cells = [float(v) for v in mesh.get_array().ravel()]
    assert len(cells) == 21 * 21
    assert set(cells) == {0.0, 2.0}
    # x1 runs over [-2.5, 2.5] in 21 columns: class 2 left of 0, class 0 from 0 on
    # (at x1 == 0 the tie goes to the first maximum)
    assert (cells.count(2.0), cells.count(0.0)) == (21 * 10, 21 * 11)
    # every class has its own flat colour, shared with the scatter points
    colours = [tuple(mesh.cmap(mesh.norm(k))) for k in range(3)]
    assert len(set(colours)) == 3
    points = next(c for c in ax.collections if len(c.get_offsets()))
    assert tuple(points.cmap(points.norm(1))) == colours[1]
    # and the legend shows those colours, class by class
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()][1:] == ["class 0", "class 1", "class 2"]
    assert [tuple(h.get_facecolor()[0]) for h in legend.legend_handles[1:]] == colours


def test_decision_boundary_axes_are_labelled():
    for model, y in ((MLP(2, [4, 1], seed=0), [0, 1]), (_never_class_1_model(), [0, 2])):
        fig = plots.decision_boundary_figure(model, [[0.0, 0.0], [1.0, 1.0]], y, resolution=4)
        ax = fig.axes[0]
        assert (ax.get_xlabel(), ax.get_ylabel()) == ("x1", "x2")
