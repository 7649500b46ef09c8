"""nn's fused neuron nodes (autograd_mini._dense): the same numbers as Value.dot
followed by the activation, one node per neuron, and second derivatives through
them against HIPS autograd."""

from __future__ import annotations

import random

import autograd
import autograd.numpy as anp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_mini import Value, grad, no_grad
from autograd_mini._dense import (
    COLUMN_SUMS,
    FUSED_OPS,
    _row_totals,
    _totals,
    dense,
    dense_data,
    dense_from_numbers,
    dense_from_values,
)
from autograd_mini.nn import ACTIVATIONS, MLP, Layer


def _two_node_layer(layer: Layer, x: list[Value | float]) -> list[Value]:
    """The reference: Value.dot, then the activation method, as written by hand."""
    outs = []
    for neuron in layer.neurons:
        z = Value.dot(neuron.w, x, bias=neuron.b)
        outs.append(z if layer.activation == "linear" else getattr(z, layer.activation)())
    return outs


def _inputs(kind: str, seed: int) -> list[Value | float]:
    rng = random.Random(seed)
    numbers = [rng.uniform(-2.0, 2.0) for _ in range(5)]
    if kind == "numbers":
        return list(numbers)
    if kind == "values":
        return [Value(v) for v in numbers]
    return [Value(v) if i % 2 else v for i, v in enumerate(numbers)]  # mixed


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("kind", ["numbers", "values", "mixed"])
def test_fused_layer_gives_the_numbers_and_gradients_of_dot_then_activation(
    activation: str, kind: str
) -> None:
    for seed in range(5):
        layer = Layer(5, 4, activation=activation, seed=seed)
        x = _inputs(kind, seed)
        fused = layer.outputs(x)
        reference = _two_node_layer(layer, x)
        assert [v.data for v in fused] == [v.data for v in reference]  # to the bit
        leaves = [*layer.parameters(), *(v for v in x if type(v) is Value)]
        weights = [1.0 + i for i in range(len(fused))]
        ours = grad(fused, leaves, grad_outputs=weights)
        theirs = grad(reference, leaves, grad_outputs=weights)
        exact = activation in ("relu", "linear")  # slope 1 or 0: the same products
        for a, b in zip(ours, theirs, strict=True):
            assert a == b if exact else a == pytest.approx(b, rel=1e-13, abs=1e-15)


def test_a_relu_neuron_is_one_node_with_weights_inputs_and_bias_as_parents() -> None:
    layer = Layer(3, 2, activation="relu", seed=0)
    x = [Value(0.5), Value(-1.0), Value(2.0)]
    for neuron, out in zip(layer.neurons, layer.outputs(x), strict=True):
        assert out.op == FUSED_OPS["relu"] == "relu(dot)"
        assert out.parents == (*neuron.w, *x, neuron.b)
        assert out.scope == neuron.scope
    first = Layer(2, 2, seed=0)
    out = first.outputs([1.0, 2.0])[0]
    assert out.op == "relu(dot)" and out.parents == (*first.neurons[0].w, first.neurons[0].b)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_a_smooth_activation_stays_a_node_over_a_dot(activation: str) -> None:
    layer = Layer(2, 2, activation=activation, seed=0)
    for neuron, out in zip(layer.neurons, layer.outputs([1.0, 2.0]), strict=True):
        (dot,) = out.parents
        assert out.op == activation and dot.op == "dot"
        assert dot.parents == (*neuron.w, neuron.b) and dot.scope == out.scope == neuron.scope


def test_a_relu_that_is_off_passes_no_gradient() -> None:
    layer = Layer(2, 1, activation="relu", seed=0)
    neuron = layer.neurons[0]
    neuron.b.data = -100.0
    (out,) = dense(layer.neurons, [1.0, 1.0], "relu")
    out.backward()
    assert out.data == 0.0 and all(p.grad == 0.0 for p in (*neuron.w, neuron.b))


POINTS = [(0.3, -0.7), (-1.1, 0.4), (0.9, 1.3)]
TARGETS = [0.5, -0.2, 0.8]


def _numpy_loss(params: object, model: MLP) -> object:
    """The same network in HIPS autograd's numpy, reading parameters in nn's order."""
    total = 0.0
    for point, target in zip(POINTS, TARGETS):
        activations = list(point)
        k = 0
        for layer in model.layers:
            outs = []
            for _ in layer.neurons:
                nin = len(activations)
                z = params[k + nin]  # type: ignore[index]
                z = z + anp.dot(params[k : k + nin], anp.array(activations))  # type: ignore[index]
                k += nin + 1
                outs.append(
                    {
                        "tanh": anp.tanh,
                        "sigmoid": lambda v: 1.0 / (1.0 + anp.exp(-v)),
                        "relu": lambda v: anp.where(v > 0.0, v, 0.0),
                        "linear": lambda v: v,
                    }[layer.activation](z)
                )
            activations = outs
        total = total + (activations[0] - target) ** 2
    return total / len(POINTS)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
def test_hessian_of_an_nn_loss_matches_hips_autograd(activation: str) -> None:
    model = MLP(2, [3, 2, 1], activation=activation, seed=4)
    params = model.parameters()
    total: Value | float = 0.0
    for point, target in zip(POINTS, TARGETS):
        error = model.outputs(list(point))[0] - target
        total = total + error * error
    loss = total * (1.0 / len(POINTS))
    assert isinstance(loss, Value)
    first = grad(loss, params, create_graph=True)
    theirs = autograd.hessian(lambda p: _numpy_loss(p, model))(anp.array([p.data for p in params]))
    for i, g in enumerate(first):
        row = grad(g, params) if g.parents else (0.0,) * len(params)
        for j, h in enumerate(row):
            assert h == pytest.approx(float(theirs[i, j]), rel=1e-9, abs=1e-12), (i, j)


# --- the layer-wide sums: column order for narrow layers, row order otherwise ---------

_SIGNED = st.one_of(
    st.floats(-3.0, 3.0, allow_nan=False),
    st.sampled_from([0.0, -0.0, 1e-300, -1e-300, 1e300, -1e300]),
)


def _bits(numbers: list[float]) -> list[str]:
    return [float.hex(n) for n in numbers]  # tells -0.0 from 0.0


@settings(max_examples=150, deadline=None)
@given(
    nin=st.integers(1, 5),
    nout=st.integers(1, 24),
    data=st.data(),
)
def test_layer_sums_are_those_of_value_dot_to_the_bit(
    nin: int, nout: int, data: st.DataObject
) -> None:
    layer = Layer(nin, nout, activation="linear", seed=0)
    for neuron in layer.neurons:
        for p in (*neuron.w, neuron.b):
            p.data = data.draw(_SIGNED)
    x = data.draw(st.lists(_SIGNED, min_size=nin, max_size=nin))
    reference = []
    for neuron in layer.neurons:
        try:
            reference.append(Value.dot(neuron.w, x, bias=neuron.b).data)
        except OverflowError:
            with pytest.raises(OverflowError, match="dot"):
                _totals(layer.neurons, x)
            return
    assert _bits(_totals(layer.neurons, x)) == _bits(reference)
    assert _bits(dense_data(layer.neurons, x, "linear")) == _bits(reference)
    assert _bits([v.data for v in dense_from_numbers(layer.neurons, x, "linear")]) == _bits(
        reference
    )


@pytest.mark.skipif(not COLUMN_SUMS, reason="Python 3.12+ sums floats compensated")
def test_a_narrow_layer_sums_by_columns_and_agrees_with_the_rows() -> None:
    layer = Layer(2, 16, seed=3)  # 4 * nin <= nout: the column order
    x = [0.25, -1.5]
    assert _totals(layer.neurons, x) == _row_totals(layer.neurons, x)
    # A weight list shortened by hand: the columns run out, the row sums are used
    # (they stop where the list ends, as Value.dot's products would not).
    layer.neurons[5].w.pop()
    assert _totals(layer.neurons, x) == _row_totals(layer.neurons, x)


def test_dense_under_no_grad_builds_leaves_without_history() -> None:
    layer = Layer(2, 2, activation="tanh", seed=0)
    with no_grad():
        outs = dense(layer.neurons, [0.5, 1.0], "tanh")
        values = dense_from_values(layer.neurons, [Value(0.5), Value(1.0)], "relu")
    for out in (*outs, *values):
        assert out.parents == () and out.local_grads == ()
        with pytest.raises(RuntimeError, match="no_grad"):
            out.backward()
    assert [o.data for o in outs] == dense_data(layer.neurons, [0.5, 1.0], "tanh")
