"""output_activation, Activation and Sequential: the same numbers as the
equivalent hand-written chain of engine ops, and clear errors."""

import math

import pytest

from autograd_mini import Value
from autograd_mini.nn import MLP, Activation, Layer, Sequential
from autograd_mini.train import fit


def test_output_activation_tanh_is_tanh_of_the_linear_output():
    linear = MLP(3, [4, 2], activation="tanh", seed=1)
    squashed = MLP(3, [4, 2], activation="tanh", seed=1, output_activation="tanh")
    x = [0.2, -1.5, 0.9]
    assert [v.data for v in squashed(x)] == [math.tanh(v.data) for v in linear(x)]
    assert MLP(3, [4, 2], seed=1, output_activation=None).layers[-1].activation == "linear"
    assert "output='tanh'" in repr(squashed)


def test_bad_output_activation_is_a_value_error():
    with pytest.raises(ValueError, match=r"MLP: unknown (output_)?activation 'softmax'"):
        MLP(2, [2, 1], output_activation="softmax")


def test_the_lectures_all_tanh_network_as_sequential_matches_the_mlp():
    mlp = MLP(3, [4, 4, 1], activation="tanh", output_activation="tanh", seed=0)
    seq = Sequential(
        Layer(3, 4, "linear"), "tanh", Layer(4, 4, "linear"), "tanh", Layer(4, 1, "linear"), "tanh"
    )
    # Copy the MLP's weights into the linear layers (Sequential indices 0, 2, 4).
    for i, layer in enumerate(mlp.layers):
        for mine, theirs in zip(seq[2 * i].parameters(), layer.parameters(), strict=True):
            mine.data = theirs.data
    x = [0.5, -0.25, 2.0]
    out_mlp, out_seq = mlp(x), seq(x)
    assert out_seq.data == out_mlp.data
    out_mlp.backward()
    out_seq.backward()
    assert [p.grad for p in seq.parameters()] == [p.grad for p in mlp.parameters()]
    assert len(seq) == 6
    assert [name for name, _ in seq.named_parameters()][-1] == "layers.4.neurons.0.b"


def test_sequential_trains_with_fit():
    seq = Sequential(Layer(2, 8, "linear", seed=0), "relu", Layer(8, 1, "linear", seed=1))
    X = [[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]]
    history = fit(seq, X, [0, 0, 1, 1], epochs=200, progress=False, seed=0)
    assert history.loss[-1] < history.loss[0]


def test_activation_applies_to_lists_values_and_numbers():
    assert Activation("sigmoid")(0.0).data == 0.5
    out = Activation("tanh")([Value(0.0), 1.0])
    assert [v.data for v in out] == [0.0, math.tanh(1.0)]
    v = Value(-2.0)
    assert Activation("linear")(v) is v


@pytest.mark.parametrize(
    ("items", "error", "message"),
    [
        ((), ValueError, "needs at least one module"),
        (("softmax",), ValueError, r"item 0 is 'softmax', not an activation"),
        ((Layer(1, 1), 3), TypeError, r"item 1 must be a Module or an activation name, got int"),
    ],
)
def test_sequential_bad_items(items, error, message):
    with pytest.raises(error, match=message):
        Sequential(*items)


def test_activation_bad_input():
    with pytest.raises(ValueError, match="Activation: unknown activation 'gelu'"):
        Activation("gelu")
    with pytest.raises(TypeError, match="Activation: expected a Value, a number or a list"):
        Activation("relu")("1.0")


def test_save_and_load_keep_the_output_activation(tmp_path):
    import json

    from autograd_mini import load, save

    model = MLP(2, [3, 1], activation="tanh", output_activation="sigmoid", seed=4)
    path = tmp_path / "m.json"
    save(model, path)
    loaded = load(path)
    assert loaded.output_activation == "sigmoid"
    assert loaded([0.3, 0.1]).data == model([0.3, 0.1]).data
    save(MLP(2, [3, 1], seed=4), path)
    assert "output_activation" not in json.loads(path.read_text())["architecture"]
    document = json.loads(path.read_text())
    document["architecture"]["output_activation"] = "softmax"
    path.write_text(json.dumps(document))
    with pytest.raises(ValueError, match=r"unknown (output_)?activation 'softmax'"):
        load(path)
    document["architecture"]["colour"] = "red"
    path.write_text(json.dumps(document))
    with pytest.raises(ValueError, match=r"and optionally \['output_activation'\]\), got"):
        load(path)
