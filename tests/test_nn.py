"""nn tests: shapes, names, seeding, state dicts and their rejection, and
gradients of whole networks against central differences."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Sequence

import pytest

from autograd_mini import Value, no_grad
from autograd_mini.nn import ACTIVATIONS, MLP, Layer, Module, Neuron


def test_classic_demo_net_has_337_parameters() -> None:
    model = MLP(2, [16, 16, 1], seed=0)
    assert len(model.parameters()) == 337
    assert all(isinstance(p, Value) for p in model.parameters())
    assert len({id(p) for p in model.parameters()}) == 337


def test_named_parameters_are_stable_dotted_paths() -> None:
    model = MLP(2, [16, 16, 1], seed=0)
    names = [name for name, _ in model.named_parameters()]
    assert names[:3] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1", "layers.0.neurons.0.b"]
    assert "layers.0.neurons.3.w.1" in names
    assert names[-1] == "layers.2.neurons.0.b"
    assert names == [name for name, _ in MLP(2, [16, 16, 1], seed=1).named_parameters()]
    assert list(model.state_dict()) == names


def test_calling_modules_returns_a_value_or_a_list() -> None:
    assert isinstance(Neuron(3, seed=0)([1.0, 2.0, 3.0]), Value)
    assert isinstance(Layer(3, 1, seed=0)([1.0, 2.0, 3.0]), Value)
    outs = Layer(3, 4, seed=0)([1.0, 2.0, 3.0])
    assert isinstance(outs, list) and len(outs) == 4
    assert isinstance(MLP(3, [4, 1], seed=0)([1.0, 2.0, 3.0]), Value)
    many = MLP(3, [4, 2], seed=0)([Value(1.0), 2.0, 3])
    assert isinstance(many, list) and len(many) == 2


@pytest.mark.parametrize("grad_enabled", [True, False])
def test_outputs_is_always_a_list_with_the_same_values_as_calling(grad_enabled: bool) -> None:
    x = [1.0, -2.0, 0.5]
    for module in (
        Neuron(3, seed=0),
        Layer(3, 1, seed=1),
        Layer(3, 4, seed=2),
        MLP(3, [4, 1], seed=3),
        MLP(3, [4, 2], seed=4),
    ):
        with contextlib.nullcontext() if grad_enabled else no_grad():
            called = module(x)
            listed: list[Value] = module.outputs(x)
        expected = called if isinstance(called, list) else [called]
        assert type(listed) is list and all(type(v) is Value for v in listed)
        assert [v.data for v in listed] == [v.data for v in expected]


def test_neuron_computes_activation_of_weighted_sum_plus_bias() -> None:
    x = [0.5, -1.5, 2.0]
    for activation in ACTIVATIONS:
        n = Neuron(3, activation=activation, seed=7)
        z = sum(w.data * xi for w, xi in zip(n.w, x)) + n.b.data
        expected = {
            "relu": max(0.0, z),
            "tanh": math.tanh(z),
            "sigmoid": 1 / (1 + math.exp(-z)),
            "linear": z,
        }[activation]
        assert n(x).data == pytest.approx(expected, rel=1e-12)


def test_neuron_uses_one_fused_dot_node() -> None:
    n = Neuron(64, activation="linear", seed=0)
    out = n([0.1] * 64)
    assert out.op == "dot"
    assert out.parents == (*n.w, n.b)


def test_hidden_layers_use_the_activation_and_the_last_is_linear() -> None:
    model = MLP(2, [3, 3, 1], activation="tanh", seed=0)
    assert [layer.activation for layer in model.layers] == ["tanh", "tanh", "linear"]
    assert model([1.0, 2.0]).op == "dot"  # type: ignore[union-attr]


def test_same_seed_same_weights_and_different_seed_different_weights() -> None:
    a = MLP(2, [16, 16, 1], seed=0).state_dict()
    b = MLP(2, [16, 16, 1], seed=0).state_dict()
    c = MLP(2, [16, 16, 1], seed=1).state_dict()
    assert a == b
    assert a != c


def test_seeded_weights_are_the_same_on_every_machine() -> None:
    """Pinned from Python's Mersenne Twister, which is specified bit for bit."""
    sd = MLP(2, [16, 16, 1], seed=0).state_dict()
    assert sd["layers.0.neurons.0.w.0"] == -0.3440188412453222
    assert sd["layers.2.neurons.0.b"] == 0.0435801461473489
    n = Neuron(3, seed=123)
    assert [p.data for p in n.parameters()] == [
        -0.5168859934049652,
        -0.4766757657147441,
        -0.10710798542890093,
        -0.4529887499226384,
    ]


def test_initial_weights_are_scaled_by_fan_in() -> None:
    n = Neuron(100, seed=3)
    assert all(abs(p.data) <= 0.1 for p in n.parameters())


def test_zero_grad_clears_every_parameter() -> None:
    model = MLP(2, [4, 1], seed=0)
    model([1.0, -1.0]).backward()  # type: ignore[union-attr]
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_state_dict_round_trip_is_exact() -> None:
    source = MLP(2, [5, 1], seed=0)
    target = MLP(2, [5, 1], seed=99)
    target.load_state_dict(source.state_dict())
    assert target.state_dict() == source.state_dict()
    assert target([0.3, 0.4]).data == source([0.3, 0.4]).data  # type: ignore[union-attr]


def test_state_dict_is_a_copy_of_numbers() -> None:
    model = Neuron(2, seed=0)
    sd = model.state_dict()
    sd["b"] = 123.0
    assert model.b.data != 123.0
    assert all(type(v) is float for v in sd.values())


@pytest.mark.parametrize(
    "corrupt, error, pattern",
    [
        (
            lambda sd: sd.pop("layers.1.neurons.0.b"),
            ValueError,
            r"missing \['layers\.1\.neurons\.0\.b'\]",
        ),
        (lambda sd: sd.update(extra=1.0), ValueError, r"unexpected \['extra'\]"),
        (
            lambda sd: sd.update({"layers.1.neurons.0.w.2": math.nan}),
            ValueError,
            r"^load_state_dict: 'layers\.1\.neurons\.0\.w\.2' must be a finite number, got nan$",
        ),
        (
            lambda sd: sd.update({"layers.1.neurons.0.w.2": math.inf}),
            ValueError,
            r"must be a finite number, got inf$",
        ),
        (
            lambda sd: sd.update({"layers.1.neurons.0.w.2": "0.5"}),
            TypeError,
            r"must be a finite number, got '0\.5' \(a str\)$",
        ),
        (
            lambda sd: sd.update({"layers.1.neurons.0.w.2": True}),
            TypeError,
            r"got True \(a bool\)$",
        ),
    ],
)
def test_load_state_dict_rejects_bad_input_and_changes_nothing(
    corrupt: object, error: type, pattern: str
) -> None:
    model = MLP(2, [3, 1], seed=0)
    before = model.state_dict()
    bad = MLP(2, [3, 1], seed=5).state_dict()
    corrupt(bad)  # type: ignore[operator]
    with pytest.raises(error, match=pattern):
        model.load_state_dict(bad)
    assert model.state_dict() == before


def test_load_state_dict_rejects_non_mappings() -> None:
    with pytest.raises(TypeError, match="mapping"):
        Neuron(1, seed=0).load_state_dict([("w.0", 1.0), ("b", 0.0)])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "make, error, pattern",
    [
        (
            lambda: Neuron(2, activation="gelu"),
            ValueError,
            r"unknown activation 'gelu' \(must be one of",
        ),
        (lambda: MLP(2, [3, 1], activation="softmax"), ValueError, r"unknown activation"),
        (lambda: Neuron(0), ValueError, r"Neuron: nin must be a positive int, got 0"),
        (lambda: Layer(2, -1), ValueError, r"Layer: nout must be a positive int, got -1"),
        (lambda: Neuron(2.5), TypeError, r"nin must be a positive int, got 2\.5 \(a float\)"),  # type: ignore[arg-type]
        (lambda: Neuron(True), TypeError, r"nin must be a positive int, got True \(a bool\)"),
        (lambda: MLP("2", [1]), TypeError, r"MLP: nin must be a positive int, got '2' \(a str\)"),  # type: ignore[arg-type]
        (lambda: MLP(2, []), ValueError, r"nouts must be a non-empty list"),
        (lambda: MLP(2, "16"), TypeError, r"^MLP: nouts must be a list of layer sizes, got '16'$"),  # type: ignore[arg-type]
        (lambda: MLP(2, "ab"), TypeError, r"^MLP: nouts must be a list of layer sizes, got 'ab'$"),  # type: ignore[arg-type]
        (
            lambda: Neuron(2, activation=None),  # type: ignore[arg-type]
            TypeError,
            r"^Neuron: activation must be a str, one of \['relu', .*got None \(a NoneType\)$",
        ),
        (
            lambda: Layer(2, 2, activation="swish"),
            ValueError,
            r"^Layer: unknown activation 'swish'",
        ),
    ],
)
def test_bad_constructor_arguments_are_named(make: object, error: type, pattern: str) -> None:
    with pytest.raises(error, match=pattern):
        make()  # type: ignore[operator]


def test_wrong_number_of_features_is_a_clear_error() -> None:
    model = MLP(2, [4, 1], seed=0)
    with pytest.raises(ValueError, match=r"MLP: expected 2 inputs, got 3"):
        model([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match=r"MLP: expected a list of 2 numbers"):
        model("ab")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"got str"):
        model([1.0, "2"])  # type: ignore[list-item]


def test_mlp_gradients_match_central_differences() -> None:
    model = MLP(3, [4, 3, 1], activation="tanh", seed=11)
    x = [0.2, -0.4, 0.9]

    def loss_value() -> float:
        with no_grad():
            out = model.outputs(x)[0]
        return (out.data - 0.5) ** 2

    out = model.outputs(x)[0]
    loss = (out - 0.5) ** 2
    model.zero_grad()
    loss.backward()
    h = 1e-6
    for name, p in model.named_parameters():
        original = p.data
        p.data = original + h
        up = loss_value()
        p.data = original - h
        down = loss_value()
        p.data = original
        assert p.grad == pytest.approx((up - down) / (2 * h), rel=1e-5, abs=1e-9), name


def test_nodes_built_by_a_neuron_carry_its_scope() -> None:
    model = MLP(2, [3, 1], seed=0)
    out = model([1.0, 2.0])
    assert out.scope == "layers.1.neurons.0"  # type: ignore[union-attr]
    first_hidden = out.parents[3]  # type: ignore[union-attr]  # after the 3 weights
    assert first_hidden.scope == "layers.0.neurons.0"
    assert model.layers[0].neurons[2].w[1].scope == "layers.0.neurons.2"
    assert model.layers[0].neurons[2].w[1].label == "w1"
    assert model.layers[0].neurons[2].b.label == "b"


def test_custom_modules_find_their_parameters() -> None:
    class Affine(Module):
        def __init__(self) -> None:
            self.scale = Value(2.0)
            self.shift = [Value(1.0)]
            self.inner = Neuron(1, activation="linear", seed=0)
            self._cache = Value(9.0)  # private attributes are not parameters

        def forward(self, x: Sequence[Value | float]) -> Value:
            return self.inner([x[0] * self.scale + self.shift[0]])

    m = Affine()
    assert [n for n, _ in m.named_parameters()] == ["scale", "shift.0", "inner.w.0", "inner.b"]
    out = m.forward([3.0])
    out.backward()
    assert m.scale.grad == pytest.approx(3.0 * m.inner.w[0].data)


def test_module_without_forward_says_so() -> None:
    with pytest.raises(NotImplementedError, match="Plain must implement forward"):

        class Plain(Module):
            pass

        Plain()([1.0])


def test_reprs_describe_the_architecture() -> None:
    assert repr(MLP(2, [16, 1])) == "MLP(nin=2, nouts=[16, 1], activation='relu')"
    assert repr(Layer(2, 3, activation="tanh")) == "Layer(nin=2, nout=3, activation='tanh')"
    assert repr(Neuron(4)) == "Neuron(nin=4, activation='relu')"


@pytest.mark.parametrize("seed", ["x", 1.5, True, False, b"1", [1]])
@pytest.mark.parametrize(
    ("where", "build"),
    [
        ("Neuron", lambda seed: Neuron(2, seed=seed)),
        ("Layer", lambda seed: Layer(2, 3, seed=seed)),
        ("MLP", lambda seed: MLP(2, [3, 1], seed=seed)),
    ],
)
def test_seed_must_be_none_or_an_int(where, build, seed) -> None:
    with pytest.raises(TypeError, match=rf"^{where}: seed must be None or an int, got "):
        build(seed)


def test_int_and_none_seeds_still_work() -> None:
    assert MLP(2, [3, 1], seed=7).state_dict() == MLP(2, [3, 1], seed=7).state_dict()
    assert MLP(2, [3, 1], seed=2**70).state_dict() != MLP(2, [3, 1], seed=7).state_dict()
    assert len(MLP(2, [3, 1], seed=None).parameters()) == 13
