"""Bridges to PyTorch and micrograd: the same network, its weights carried across.

An `MLP` (or a `Sequential` of layers and activations) is PyTorch's
`nn.Sequential(Linear, ReLU, Linear, ...)`: each layer is a `Linear` whose
`weight` is `[out, in]` (row j holds neuron j's weights) and whose `bias` is
`[out]`, followed by its activation module, which takes an index but no keys.

- `torch_state_dict(model)`: that layout as plain nested lists, without PyTorch.
- `load_torch_state_dict(model, state)`: the way back, strict (keys and shapes
  exactly; nothing changes on an error).
- `to_torch(model)` / `from_torch(module)`: a float64 `torch.nn.Sequential` with
  the same weights, and back.
- `from_micrograd(model)`: a micrograd `MLP`, `Layer` or `Neuron` (duck-typed,
  micrograd is not imported).

PyTorch is optional (`pip install torch`); only `to_torch` and `from_torch` need it.

>>> from autograd_mini.nn import MLP
>>> state = torch_state_dict(MLP(2, [3, 1], seed=0))
>>> {key: _shape(value) for key, value in state.items()}
{'0.weight': [3, 2], '0.bias': [3], '2.weight': [1, 3], '2.bias': [1]}
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from autograd_mini._arraylike import as_list
from autograd_mini.nn import MLP, Activation, Layer, Module, Neuron, Sequential

__all__ = ["from_micrograd", "from_torch", "load_torch_state_dict", "to_torch", "torch_state_dict"]

TORCH_ACTIVATIONS: dict[str, str] = {
    "relu": "ReLU",
    "tanh": "Tanh",
    "sigmoid": "Sigmoid",
    "linear": "Identity",
}
"""Our activation name -> the torch.nn module that computes the same function."""

_INSTALL_HINT = (
    "pip install 'autograd-mini[torch]', or for a CPU-only build "
    "pip install torch --index-url https://download.pytorch.org/whl/cpu"
)


@dataclass
class _Step:
    """One entry of the nn.Sequential: a Linear (its neurons) or an activation module."""

    neurons: list[Neuron] | None
    activation: str = "linear"


# ----------------------------------------------------------------------------
# PyTorch's layout, without PyTorch
# ----------------------------------------------------------------------------


def torch_state_dict(model: Module, *, grad: bool = False) -> dict[str, list[Any]]:
    """The model's weights under PyTorch's keys and shapes, as nested lists of floats.

    `grad=True` gives the gradients instead, in the same layout, to compare with
    `{name: p.grad for name, p in to_torch(model).named_parameters()}`.

    >>> from autograd_mini.nn import Layer
    >>> layer = Layer(2, 1, activation="tanh", seed=0)
    >>> sd = torch_state_dict(layer)
    >>> sd["0.weight"] == [[w.data for w in layer.neurons[0].w]], list(sd)
    (True, ['0.weight', '0.bias'])
    """
    field = "grad" if grad else "data"
    state: dict[str, list[Any]] = {}
    for index, step in enumerate(_steps(model, "torch_state_dict")):
        if step.neurons is None:
            continue
        state[f"{index}.weight"] = [[getattr(w, field) for w in n.w] for n in step.neurons]
        state[f"{index}.bias"] = [getattr(n.b, field) for n in step.neurons]
    return state


def load_torch_state_dict(model: Module, state: Mapping[str, Any]) -> None:
    """Copy a PyTorch-layout state dict (tensors or nested lists) into `model`, strictly.

    The keys must be exactly those of `torch_state_dict(model)` and every shape must
    match; on any problem a ValueError or TypeError is raised and no parameter changes.

    >>> from autograd_mini.nn import Layer
    >>> layer = Layer(2, 1, seed=0)
    >>> load_torch_state_dict(layer, {"0.weight": [[1.0, 2.0]], "0.bias": [0.5]})
    >>> layer([1.0, 1.0]).data
    3.5
    """
    if not isinstance(state, Mapping):
        raise TypeError(f"load_torch_state_dict: expected a mapping, got {type(state).__name__}")
    expected = torch_state_dict(model)
    missing = [k for k in expected if k not in state]
    unexpected = [k for k in state if k not in expected]
    if missing or unexpected:
        raise ValueError(
            f"load_torch_state_dict: keys do not match the model: missing {missing}, "
            f"unexpected {unexpected}"
        )
    numbers: dict[str, list[Any]] = {}
    for key, reference in expected.items():
        value = as_list(state[key])
        if _shape(value) != _shape(reference):
            raise ValueError(
                f"load_torch_state_dict: {key!r} has shape {_shape(value)}, "
                f"the model needs {_shape(reference)}"
            )
        numbers[key] = value
    ours: dict[str, float] = {}
    values_in_order = [
        number
        for index, step in enumerate(_steps(model, "load_torch_state_dict"))
        if step.neurons is not None
        for j in range(len(step.neurons))
        for number in (*numbers[f"{index}.weight"][j], numbers[f"{index}.bias"][j])
    ]
    # Module.load_state_dict checks every number (real, finite) before changing any.
    for (name, _), number in zip(model.named_parameters(), values_in_order, strict=True):
        ours[name] = number
    model.load_state_dict(ours)


# ----------------------------------------------------------------------------
# PyTorch itself
# ----------------------------------------------------------------------------


def to_torch(model: Module) -> Any:
    """A float64 `torch.nn.Sequential` computing the same function with the same weights.

    Needs PyTorch. Keys and shapes are those of `torch_state_dict(model)`.
    """
    torch = _import_torch("to_torch")
    modules = []
    for step in _steps(model, "to_torch"):
        if step.neurons is None:
            modules.append(getattr(torch.nn, TORCH_ACTIVATIONS[step.activation])())
        else:
            nin, nout = len(step.neurons[0].w), len(step.neurons)
            modules.append(torch.nn.Linear(nin, nout, dtype=torch.float64))
    module = torch.nn.Sequential(*modules)
    tensors = {
        key: torch.tensor(value, dtype=torch.float64)
        for key, value in torch_state_dict(model).items()
    }
    module.load_state_dict(tensors, strict=True)
    return module


def from_torch(module: Any) -> MLP | Sequential:
    """Our model for a `torch.nn.Sequential` of Linear, ReLU, Tanh, Sigmoid and Identity.

    Returns an `MLP` when the layout is one (Linear layers, the same activation after
    each hidden one, optionally one after the last), else a `Sequential`. A bare
    `nn.Linear` works too. Anything else, a Linear without bias, or sizes that do not
    chain, is a clear error.
    """
    torch = _import_torch("from_torch")
    if isinstance(module, torch.nn.Linear):
        module = torch.nn.Sequential(module)
    if not isinstance(module, torch.nn.Sequential):
        raise TypeError(
            f"from_torch: expected a torch.nn.Sequential or Linear, got {type(module).__name__}"
        )
    by_class = {cls: name for name, cls in TORCH_ACTIVATIONS.items()}
    items: list[Layer | str] = []
    width: int | None = None
    for index, child in enumerate(module):
        kind = type(child).__name__
        if isinstance(child, torch.nn.Linear):
            if child.bias is None:
                raise ValueError(f"from_torch: module {index} is a Linear without bias")
            if width is not None and child.in_features != width:
                raise ValueError(
                    f"from_torch: module {index} is Linear({child.in_features}, "
                    f"{child.out_features}) but the layer before it has {width} outputs"
                )
            items.append(Layer(child.in_features, child.out_features, "linear", seed=0))
            width = child.out_features
        elif kind in by_class and type(child) is getattr(torch.nn, kind):
            items.append(by_class[kind])
        else:
            supported = ", ".join(["Linear", *TORCH_ACTIVATIONS.values()])
            raise TypeError(
                f"from_torch: module {index} ({kind}) is not supported (supported: {supported})"
            )
    if width is None:
        raise ValueError("from_torch: the module has no Linear layer")
    model = _as_mlp(items) or Sequential(*items)
    load_torch_state_dict(model, module.state_dict())
    return model


# ----------------------------------------------------------------------------
# micrograd
# ----------------------------------------------------------------------------


def from_micrograd(model: Any) -> MLP | Layer | Neuron:
    """The same network with the same weights, from a micrograd MLP, Layer or Neuron.

    Duck-typed (micrograd is not imported): an MLP has `.layers`, a Layer `.neurons`,
    a Neuron `.w`, `.b` and `.nonlin` (relu, or linear when False). micrograd's MLP
    has relu hidden layers and a linear last layer, which is our `MLP`'s default.

    >>> class N:  # a stand-in for micrograd.nn.Neuron
    ...     def __init__(self, w, b, nonlin):
    ...         self.w = [type("V", (), {"data": x})() for x in w]
    ...         self.b, self.nonlin = type("V", (), {"data": b})(), nonlin
    >>> n = from_micrograd(N([0.5, -2.0], 0.0, nonlin=False))
    >>> n([2.0, 1.0]).data
    -1.0
    """
    if hasattr(model, "layers"):
        layers = [_micrograd_layer(layer, f"layers[{i}]") for i, layer in enumerate(model.layers)]
        if not layers:
            raise ValueError("from_micrograd: the MLP has no layers")
        hidden = {layer.activation for layer in layers[:-1]}
        if len(hidden) > 1:
            raise ValueError(
                f"from_micrograd: hidden layers mix activations {sorted(hidden)}; "
                "build a Sequential for that"
            )
        mlp = MLP(
            layers[0].nin,
            [layer.nout for layer in layers],
            activation=hidden.pop() if hidden else "relu",
            seed=0,
            output_activation=layers[-1].activation,
        )
        for ours, theirs in zip(mlp.layers, layers, strict=True):
            ours.load_state_dict(theirs.state_dict())
        return mlp
    if hasattr(model, "neurons"):
        return _micrograd_layer(model, "model")
    return _micrograd_neuron(model, "model")


def _micrograd_layer(layer: Any, where: str) -> Layer:
    if not hasattr(layer, "neurons"):
        raise TypeError(f"from_micrograd: {where} has no .neurons (not a micrograd Layer)")
    neurons = [_micrograd_neuron(n, f"{where}.neurons[{j}]") for j, n in enumerate(layer.neurons)]
    if not neurons:
        raise ValueError(f"from_micrograd: {where} has no neurons")
    kinds = {(n.nin, n.activation) for n in neurons}
    if len(kinds) > 1:
        raise ValueError(f"from_micrograd: the neurons of {where} differ in size or activation")
    result = Layer(neurons[0].nin, len(neurons), neurons[0].activation, seed=0)
    for ours, theirs in zip(result.neurons, neurons, strict=True):
        ours.load_state_dict(theirs.state_dict())
    return result


def _micrograd_neuron(neuron: Any, where: str) -> Neuron:
    if not all(hasattr(neuron, attr) for attr in ("w", "b", "nonlin")):
        raise TypeError(
            f"from_micrograd: {where} is a {type(neuron).__name__}, not a micrograd MLP, "
            "Layer or Neuron (no .layers, .neurons, or .w/.b/.nonlin)"
        )
    weights: list[Any] = [getattr(w, "data", None) for w in neuron.w]
    result = Neuron(len(weights), "relu" if neuron.nonlin else "linear", seed=0)
    # load_state_dict refuses anything that is not a finite real number, such as a
    # missing .data (None), before it changes anything.
    state: dict[str, Any] = {f"w.{i}": w for i, w in enumerate(weights)}
    state["b"] = getattr(neuron.b, "data", None)
    result.load_state_dict(state)
    return result


# ----------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------


def _steps(model: object, where: str) -> list[_Step]:
    """The nn.Sequential entries for `model`, in order (nested Sequentials flattened)."""
    if isinstance(model, Neuron):
        return _layer_steps([model], model.activation)
    if isinstance(model, Layer):
        return _layer_steps(model.neurons, model.activation)
    if isinstance(model, MLP):
        return [step for layer in model.layers for step in _steps(layer, where)]
    if isinstance(model, Activation):
        return [_Step(None, model.name)]
    if isinstance(model, Sequential):
        return [step for item in model.layers for step in _steps(item, where)]
    raise TypeError(
        f"{where}: expected an MLP, Sequential, Layer or Neuron, got {type(model).__name__}"
    )


def _layer_steps(neurons: list[Neuron], activation: str) -> list[_Step]:
    linear = _Step(list(neurons))
    return [linear] if activation == "linear" else [linear, _Step(None, activation)]


def _as_mlp(items: list[Layer | str]) -> MLP | None:
    """The MLP with exactly this layout (same indices, same keys), or None.

    An MLP is Linear layers, each followed by its activation module unless that is
    linear, with one activation shared by the hidden layers.
    """
    groups: list[tuple[Layer, str]] = []
    for item in items:
        if isinstance(item, Layer):
            groups.append((item, "linear"))
        elif not groups or groups[-1][1] != "linear" or item == "linear":
            return None  # an activation first, two in a row, or an explicit Identity
        else:
            groups[-1] = (groups[-1][0], item)
    hidden = {activation for _, activation in groups[:-1]}
    if len(hidden) > 1:
        return None
    return MLP(
        groups[0][0].nin,
        [layer.nout for layer, _ in groups],
        activation=hidden.pop() if hidden else "relu",
        seed=0,
        output_activation=groups[-1][1],
    )


def _shape(value: object) -> list[int]:
    """[len, len of the first row, ...] of nested lists; ragged rows give -1 at that depth."""
    shape: list[int] = []
    while isinstance(value, (list, tuple)):
        shape.append(len(value))
        if not value:
            break
        first = value[0]
        if isinstance(first, (list, tuple)) and any(
            not isinstance(row, (list, tuple)) or len(row) != len(first) for row in value
        ):
            shape.append(-1)
            break
        value = first
    return shape


def _import_torch(where: str) -> Any:
    try:
        return importlib.import_module("torch")
    except ImportError:
        raise ImportError(
            f"{where} needs PyTorch, which is not installed: {_INSTALL_HINT}"
        ) from None
