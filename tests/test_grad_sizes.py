"""grad_size_per_layer (nn) and grad_size_figure (plots): numbers worked out by hand."""

from __future__ import annotations

import math

import pytest

from autograd_mini import Value, plots
from autograd_mini.nn import MLP, Layer, Module, Neuron, grad_size_per_layer


def hand_made_mlp() -> MLP:
    """Two relu neurons (the second dead for x = [2, 1]) feeding one linear output."""
    model = MLP(2, [2, 1], seed=0)
    model.load_state_dict(
        {
            "layers.0.neurons.0.w.0": 1.0,
            "layers.0.neurons.0.w.1": -2.0,
            "layers.0.neurons.0.b": 0.5,
            "layers.0.neurons.1.w.0": -1.0,
            "layers.0.neurons.1.w.1": 1.0,
            "layers.0.neurons.1.b": -3.0,
            "layers.1.neurons.0.w.0": 3.0,
            "layers.1.neurons.0.w.1": -4.0,
            "layers.1.neurons.0.b": 0.0,
        }
    )
    return model


def test_sizes_match_a_backward_pass_worked_out_by_hand() -> None:
    model = hand_made_mlp()
    (out,) = model.outputs([2.0, 1.0])
    # hidden: relu(2 - 2 + 0.5) = 0.5 and relu(-2 + 1 - 3) = 0; out = 3 * 0.5 = 1.5
    assert out.data == 1.5
    (out**2).backward()  # dL/dout = 2 * 1.5 = 3
    # output layer: dL/dv = 3 * hidden = [1.5, 0]            -> mean |.| 0.75
    # layer 1: dL/dh0 = 3 * 3 = 9, times x = [2, 1] -> [18, 9]; the dead neuron
    # passes nothing back -> [0, 0]                           -> mean |.| 27 / 4
    assert grad_size_per_layer(model) == [6.75, 0.75]


def test_biases_do_not_count_and_signs_do_not_cancel() -> None:
    model = hand_made_mlp()
    for p in model.parameters():
        p.grad = 0.0
    model.layers[1].neurons[0].w[0].grad = -2.0
    model.layers[1].neurons[0].w[1].grad = 2.0  # mean of |.|, not of the signed values
    model.layers[1].neurons[0].b.grad = 100.0  # a bias: left out
    assert grad_size_per_layer(model) == [0.0, 2.0]


def test_before_backward_every_size_is_zero() -> None:
    assert grad_size_per_layer(MLP(3, [4, 4, 2], seed=1)) == [0.0, 0.0, 0.0]


def test_a_lone_layer_and_a_model_holding_an_mlp() -> None:
    layer = Layer(2, 3, activation="linear", seed=0)
    Value.sum(layer.outputs([1.0, -3.0])).backward()
    # d(sum)/dw = the input, for every neuron: mean(|1|, |-3|) = 2
    assert grad_size_per_layer(layer) == [2.0]

    class Wrapper(Module):
        def __init__(self) -> None:
            self.body = hand_made_mlp()

        def forward(self, x):
            return self.body(x)

    wrapper = Wrapper()
    (wrapper([2.0, 1.0]) ** 2).backward()  # type: ignore[operator]
    assert grad_size_per_layer(wrapper) == [6.75, 0.75]


def test_bad_arguments_are_named() -> None:
    with pytest.raises(TypeError, match="expected a Module, got list"):
        grad_size_per_layer([1.0])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Neuron has no Layer"):
        grad_size_per_layer(Neuron(2, seed=0))


def test_figure_draws_one_log_line_per_model_and_skips_zero_layers() -> None:
    fig = plots.grad_size_figure({"deep": [1e-6, 1e-3, 0.1], "dead": [0.0, 0.5, 0.2]})
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    lines = ax.get_lines()
    assert [list(line.get_xdata()) for line in lines] == [[1, 2, 3], [2, 3]]
    assert [list(line.get_ydata()) for line in lines] == [[1e-6, 1e-3, 0.1], [0.5, 0.2]]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "deep",
        "dead (1 layer at 0, not shown)",
    ]
    assert ax.get_title() == "Gradient size per layer"


def test_figure_of_one_model_straight_from_the_helper() -> None:
    model = hand_made_mlp()
    (model.outputs([2.0, 1.0])[0] ** 2).backward()
    fig = plots.grad_size_figure(grad_size_per_layer(model), title="hand-made")
    (line,) = fig.axes[0].get_lines()
    assert list(line.get_ydata()) == [6.75, 0.75]
    assert fig.axes[0].get_title() == "hand-made"


@pytest.mark.parametrize(
    ("sizes", "error", "pattern"),
    [
        ("abc", TypeError, "expected a list of sizes or a dict"),
        ({}, ValueError, "no sizes given"),
        ({"a": []}, ValueError, "'a' must be a non-empty list"),
        ([1.0, "x"], TypeError, "holds 'x', not a number"),
        ([1.0, -0.5], ValueError, "holds -0.5, not a size >= 0"),
        ({"a": [math.nan]}, ValueError, "holds nan"),
    ],
)
def test_figure_rejects_bad_sizes(sizes: object, error: type, pattern: str) -> None:
    with pytest.raises(error, match=pattern):
        plots.grad_size_figure(sizes)  # type: ignore[arg-type]
