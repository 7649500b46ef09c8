"""The PyTorch layout without PyTorch, strict loading, and micrograd's models
brought across (checked against micrograd itself when it is installed)."""

import random

import pytest

from autograd_mini import Value
from autograd_mini.interop import from_micrograd, load_torch_state_dict, torch_state_dict
from autograd_mini.nn import MLP, Activation, Layer, Module, Neuron, Sequential


def shape(nested):
    out = []
    while isinstance(nested, list):
        out.append(len(nested))
        nested = nested[0]
    return out


def test_mlp_state_dict_has_pytorch_keys_shapes_and_numbers():
    model = MLP(2, [16, 16, 1], seed=0)
    state = torch_state_dict(model)
    assert {k: shape(v) for k, v in state.items()} == {
        "0.weight": [16, 2], "0.bias": [16],
        "2.weight": [16, 16], "2.bias": [16],
        "4.weight": [1, 16], "4.bias": [1],
    }  # fmt: skip
    neuron = model.layers[1].neurons[5]
    assert state["2.weight"][5] == [w.data for w in neuron.w]
    assert state["2.bias"][5] == neuron.b.data


def test_state_dict_of_gradients_uses_the_same_layout():
    model = MLP(3, [4, 2], seed=1)
    out = model([1.0, -2.0, 0.5])
    (out[0] * out[1]).backward()
    grads = torch_state_dict(model, grad=True)
    assert grads["0.weight"][3] == [w.grad for w in model.layers[0].neurons[3].w]
    assert grads["2.bias"] == [n.b.grad for n in model.layers[1].neurons]


def test_activation_modules_take_indices_but_no_keys():
    seq = Sequential(Layer(2, 3, "tanh", seed=0), Layer(3, 3, "linear", seed=1), "linear",
                     Layer(3, 1, "sigmoid", seed=2))  # fmt: skip
    # 0 Linear, 1 Tanh, 2 Linear, 3 Identity, 4 Linear, 5 Sigmoid
    assert list(torch_state_dict(seq)) == ["0.weight", "0.bias", "2.weight", "2.bias",
                                           "4.weight", "4.bias"]  # fmt: skip
    assert list(torch_state_dict(MLP(2, [3, 1], output_activation="tanh", seed=0))) == [
        "0.weight", "0.bias", "2.weight", "2.bias"
    ]  # fmt: skip
    assert list(torch_state_dict(Neuron(4, seed=0))) == ["0.weight", "0.bias"]


def test_load_round_trips_and_is_strict():
    source, target = MLP(2, [3, 1], seed=0), MLP(2, [3, 1], seed=1)
    load_torch_state_dict(target, torch_state_dict(source))
    assert target.state_dict() == source.state_dict()

    before = target.state_dict()
    good = torch_state_dict(source)
    with pytest.raises(ValueError, match=r"missing \['2.bias'\], unexpected \[\]"):
        load_torch_state_dict(target, {k: v for k, v in good.items() if k != "2.bias"})
    with pytest.raises(ValueError, match=r"unexpected \['4.weight'\]"):
        load_torch_state_dict(target, {**good, "4.weight": [[1.0]]})
    with pytest.raises(
        ValueError, match=r"'0.weight' has shape \[2, 3\], the model needs \[3, 2\]"
    ):
        load_torch_state_dict(target, {**good, "0.weight": [[1.0, 2.0, 3.0]] * 2})
    with pytest.raises(ValueError, match=r"'0.weight' has shape \[3, -1\]"):  # ragged rows
        load_torch_state_dict(target, {**good, "0.weight": [[1.0, 2.0], [1.0], [3.0, 4.0]]})
    with pytest.raises(ValueError, match=r"must be (a )?finite"):
        load_torch_state_dict(target, {**good, "2.bias": [float("nan")]})
    with pytest.raises(TypeError, match="expected a mapping, got list"):
        load_torch_state_dict(target, [])
    assert target.state_dict() == before  # nothing changed on any error


class Custom(Module):
    def __init__(self):
        self.w = Value(1.0)

    def forward(self, x):
        return self.w * x[0]


def test_unsupported_models_are_type_errors():
    with pytest.raises(TypeError, match="torch_state_dict: expected an MLP, Sequential, Layer or "
                                        "Neuron, got Custom"):  # fmt: skip
        torch_state_dict(Custom())
    with pytest.raises(TypeError, match="got Custom"):
        torch_state_dict(Sequential(Layer(1, 1), Custom()))
    assert torch_state_dict(Sequential(Activation("relu"))) == {}


def test_from_micrograd_matches_micrograd_outputs_and_gradients():
    micrograd_nn = pytest.importorskip("micrograd.nn")
    random.seed(3)
    theirs = micrograd_nn.MLP(3, [5, 4, 1])
    ours = from_micrograd(theirs)
    assert isinstance(ours, MLP)
    assert [p.data for p in ours.parameters()] == [p.data for p in theirs.parameters()]
    x = [0.4, -1.1, 2.0]
    out_theirs = theirs(x)
    out_ours = ours(x)
    assert out_ours.data == pytest.approx(out_theirs.data, abs=1e-12)
    out_theirs.backward()
    out_ours.backward()
    assert [p.grad for p in ours.parameters()] == pytest.approx(
        [p.grad for p in theirs.parameters()], abs=1e-12
    )
    layer = from_micrograd(theirs.layers[0])
    assert isinstance(layer, Layer) and layer.activation == "relu"
    neuron = from_micrograd(theirs.layers[-1].neurons[0])
    assert isinstance(neuron, Neuron) and neuron.activation == "linear"


def test_from_micrograd_refuses_what_is_not_a_micrograd_model():
    with pytest.raises(TypeError, match="from_micrograd: model is a int, not a micrograd MLP"):
        from_micrograd(3)

    class Box:
        pass

    bad = Box()
    bad.w, bad.b, bad.nonlin = [Box()], Box(), True
    with pytest.raises(TypeError, match=r"'w.0' must be a (real|finite) number, got None"):
        from_micrograd(bad)


def test_without_pytorch_the_bridges_say_how_to_install_it(monkeypatch):
    import sys

    from autograd_mini.interop import from_torch, to_torch

    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` fail
    with pytest.raises(ImportError, match=r"to_torch needs PyTorch, which is not installed: pip"):
        to_torch(MLP(2, [1], seed=0))
    with pytest.raises(
        ImportError, match=r"from_torch needs PyTorch.*download.pytorch.org/whl/cpu"
    ):
        from_torch(object())
    assert list(torch_state_dict(MLP(2, [1], seed=0))) == ["0.weight", "0.bias"]
