"""The float fast path that Neuron, Layer and MLP take under `no_grad`: it must
give bit-for-bit the numbers, the result types, the scope tags and the errors of
the graph-building path."""

from __future__ import annotations

import math
import random

import pytest

from autograd_mini import Value, no_grad
from autograd_mini.nn import ACTIVATIONS, MLP, Layer, Neuron


def numbers_of(out: Value | list[Value]) -> list[float]:
    return [out.data] if isinstance(out, Value) else [v.data for v in out]


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_no_grad_mlp_gives_the_same_bits_as_the_graph(activation: str) -> None:
    rng = random.Random(3)
    model = MLP(5, [7, 6, 3], activation=activation, seed=1)
    for _ in range(30):
        x = [rng.uniform(-3, 3) for _ in range(5)]
        with_graph = numbers_of(model(x))
        with no_grad():
            fast = numbers_of(model(x))
        assert fast == with_graph  # exact: same operations in the same order


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_no_grad_neuron_and_layer_match_too(activation: str) -> None:
    neuron = Neuron(4, activation=activation, seed=2)
    layer = Layer(4, 3, activation=activation, seed=2)
    x: list[Value | float] = [0.5, -2.0, Value(1.5), 3]
    expected = (neuron(x).data, numbers_of(layer(x)))
    with no_grad():
        assert (neuron(x).data, numbers_of(layer(x))) == expected


def test_saturated_activations_agree_far_out() -> None:
    # big inputs drive tanh/sigmoid to their limits and relu to 0 or the input
    for activation in ("tanh", "sigmoid", "relu"):
        neuron = Neuron(1, activation=activation, seed=0)
        for x in (-1e6, -800.0, 0.0, 800.0, 1e6):
            expected = neuron([x]).data
            with no_grad():
                assert neuron([x]).data == expected


def test_no_grad_results_are_leaves_with_the_neurons_scope() -> None:
    model = MLP(2, [3, 2], seed=0)
    with no_grad():
        outs = model([1.0, -1.0])
    assert isinstance(outs, list) and len(outs) == 2
    for out, neuron_name in zip(outs, ["layers.1.neurons.0", "layers.1.neurons.1"]):
        assert out.parents == () and out.op == "" and out.grad == 0.0
        assert out.scope == neuron_name
    with no_grad():
        single = MLP(2, [3, 1], seed=0)([1.0, -1.0])
        assert isinstance(single, Value)
        assert isinstance(Layer(2, 1, seed=0)([1.0, 2.0]), Value)


@pytest.mark.parametrize(
    "bad, error",
    [(math.nan, ValueError), (math.inf, ValueError), (True, TypeError), ("1", TypeError)],
)
def test_no_grad_rejects_bad_inputs_with_the_same_error(bad: object, error: type) -> None:
    model = MLP(2, [3, 1], seed=0)
    with pytest.raises(error) as graph_error:
        model([1.0, bad])  # type: ignore[list-item]
    with no_grad(), pytest.raises(error) as fast_error:
        model([1.0, bad])  # type: ignore[list-item]
    assert str(fast_error.value) == str(graph_error.value)


def test_no_grad_wrong_input_count_is_the_same_error() -> None:
    model = MLP(3, [2, 1], seed=0)
    with no_grad(), pytest.raises(ValueError, match="expected 3 inputs, got 2"):
        model([1.0, 2.0])


def test_no_grad_overflow_names_the_op() -> None:
    neuron = Neuron(2, activation="linear", seed=0)
    neuron.w[0].data, neuron.w[1].data = 1e308, 1e308
    with pytest.raises(OverflowError, match="dot"):
        neuron([1e308, 1e308])
    with no_grad(), pytest.raises(OverflowError, match="dot"):
        neuron([1e308, 1e308])


def test_no_grad_sees_updated_weights() -> None:
    neuron = Neuron(1, activation="linear", seed=0)
    neuron.w[0].data, neuron.b.data = 2.0, 0.5
    with no_grad():
        assert neuron([3.0]).data == 6.5
    neuron.w[0].data = -1.0
    with no_grad():
        assert neuron([3.0]).data == -2.5
