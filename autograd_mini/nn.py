"""Neural networks on top of `Value`: Module, Neuron, Layer, MLP.

Imports only `autograd_mini.engine`. A Module finds its parameters by walking
its attributes (Values, Modules and lists of them), so names such as
`layers.0.neurons.3.w.1` come out stable and match `state_dict()` keys.
Under `no_grad()` the modules compute on plain floats and build no nodes at
all: the same numbers, to the bit, several times faster (benchmarks/NOTES.md).

>>> model = MLP(2, [16, 16, 1], seed=0)
>>> len(model.parameters())
337
>>> out = model([0.5, -1.0])
>>> type(out).__name__
'Value'
"""

from __future__ import annotations

import itertools
import math
import operator
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Union

# The private helpers serve the no_grad fast path: reusing the engine's input
# check, overflow check and sigmoid keeps its errors and its numbers (to the
# bit) the same as those of the graph-building path.
from autograd_mini import _checks
from autograd_mini.engine import Value, _check_real, _finite, _sigmoid, is_grad_enabled

__all__ = ["ACTIVATIONS", "MLP", "Layer", "Module", "Neuron", "Scope", "grad_size_per_layer"]

Input = Union[Value, float, int]

ACTIVATIONS: tuple[str, ...] = ("relu", "tanh", "sigmoid", "linear")


class Scope(str):
    """A module's dotted name inside its model (the str itself) and which model that is.

    Two models built alike give their nodes equal names, "layers.0.neurons.3";
    `model` (a number unique to each top-level model in this process) keeps
    them apart where pictures group nodes, without changing the readable name.

    >>> a, b = MLP(2, [1], seed=0), MLP(2, [1], seed=0)
    >>> sa, sb = a.layers[0].neurons[0].b.scope, b.layers[0].neurons[0].b.scope
    >>> sa == sb == "layers.0.neurons.0", sa.model == sb.model
    (True, False)
    """

    model: int

    def __new__(cls, name: str, model: int) -> Scope:
        scope = super().__new__(cls, name)
        scope.model = model
        return scope

    def __reduce__(self) -> tuple[type[Scope], tuple[str, int]]:
        return Scope, (str(self), self.model)

    def __deepcopy__(self, memo: dict[Any, Any]) -> Scope:
        # A deep copy of a model is another model: one new number for all of its
        # scopes (the memo is shared by the whole copy), so its layers stay together.
        number = memo.setdefault(("Scope.model", self.model), next(_model_numbers))
        return Scope(str(self), number)


# Numbers for Scope.model; next() on a count is atomic, so threads get distinct ones.
_model_numbers = itertools.count(1)


class Module:
    """Base class: parameter discovery, zero_grad and state dicts.

    Subclasses store their Values, sub-Modules, or lists of either as attributes
    and implement `forward`. `scope` is the module's dotted name inside its
    parent (set by the parent), a `Scope`; nodes it builds carry it so pictures
    can group them.
    """

    scope: str = ""

    def __call__(self, x: Sequence[Input]) -> Value | list[Value]:
        return self.forward(x)

    def forward(self, x: Sequence[Input]) -> Value | list[Value]:
        raise NotImplementedError(f"{type(self).__name__} must implement forward()")

    def outputs(self, x: Sequence[Input]) -> list[Value]:
        """The outputs for `x` as a list, one Value per output unit, however many there are.

        Calling the module returns a lone Value when there is one output (as in
        micrograd); this method has one return type for code that handles both.

        >>> [len(MLP(2, [3, k], seed=0).outputs([1.0, 2.0])) for k in (1, 3)]
        [1, 3]
        """
        out = self.forward(x)
        return out if isinstance(out, list) else [out]

    def named_parameters(self, prefix: str = "") -> list[tuple[str, Value]]:
        """(name, Value) pairs in a stable order, e.g. ('layers.0.neurons.3.w.1', w).

        >>> Neuron(2, seed=0).named_parameters()[2][0]
        'b'
        """
        found: list[tuple[str, Value]] = []
        for name, attr in vars(self).items():
            if name.startswith("_") or name == "scope":
                continue
            found.extend(_named_values(f"{prefix}{name}", attr))
        return found

    def parameters(self) -> list[Value]:
        """Every trainable Value, in `named_parameters()` order."""
        return [p for _, p in self.named_parameters()]

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """(dotted name, Module) for this module ('' ) and every sub-module."""
        yield prefix, self
        for name, attr in vars(self).items():
            if name.startswith("_"):
                continue
            if isinstance(attr, Module):
                yield from attr.named_modules(_join(prefix, name))
            elif isinstance(attr, list):
                for i, item in enumerate(attr):
                    if isinstance(item, Module):
                        yield from item.named_modules(_join(prefix, f"{name}.{i}"))

    def zero_grad(self) -> None:
        """Set every parameter's grad to 0.0 (leaf gradients accumulate otherwise)."""
        for p in self.parameters():
            p.grad = 0.0

    def state_dict(self) -> dict[str, float]:
        """Every parameter's number, keyed by its `named_parameters()` name.

        >>> sd = Neuron(1, seed=0).state_dict()
        >>> list(sd)
        ['w.0', 'b']
        """
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, float]) -> None:
        """Copy numbers from `state` into the parameters.

        Everything is validated first: the keys must match exactly and every value
        must be a finite real number. On any problem a ValueError or TypeError is
        raised and no parameter changes; an interrupt (Ctrl-C) leaves all the
        old numbers or all the new ones.
        """
        if not isinstance(state, Mapping):
            raise TypeError(f"load_state_dict: expected a mapping, got {type(state).__name__}")
        named = self.named_parameters()
        expected = [name for name, _ in named]
        missing = [k for k in expected if k not in state]
        known = set(expected)
        unexpected = [k for k in state if k not in known]
        if missing or unexpected:
            raise ValueError(
                "load_state_dict: keys do not match the model: "
                f"missing {_preview(missing)}, unexpected {_preview(unexpected)}"
            )
        numbers_in_order = [
            _checks.number(state[name], "load_state_dict", _checks.shown(name)) for name in expected
        ]
        old = [p.data for _, p in named]
        try:
            for (_, p), number in zip(named, numbers_in_order):
                p.data = number
        except BaseException:
            # Ctrl-C halfway: put every parameter back, so no mix of two states remains.
            for (_, p), number in zip(named, old):
                p.data = number
            raise

    def _assign_scopes(self) -> None:
        """Tell every sub-module and parameter its dotted name (for grouping in viz).

        A parameter's label becomes its name inside its own module ("w0", "b").
        Called by every constructor, so the outermost module, built last, numbers
        the model its sub-modules now belong to.
        """
        model = next(_model_numbers)
        for name, module in self.named_modules():
            module.scope = Scope(name, model)
            for attr_name, attr in vars(module).items():
                if attr_name.startswith("_") or isinstance(attr, Module):
                    continue
                for param_name, p in _named_values(attr_name, attr):
                    if "." in param_name and not isinstance(attr, list):
                        continue
                    p.scope = module.scope
                    p.label = param_name.replace(".", "")


class Neuron(Module):
    """activation(w . x + b) as one fused dot node plus one activation node.

    Args:
        nin: number of inputs.
        activation: "relu", "tanh", "sigmoid" or "linear".
        seed: makes the initial weights reproducible on every machine.

    Weights and bias start uniform in [-1/sqrt(nin), 1/sqrt(nin)] (PyTorch's
    default for Linear layers).

    >>> n = Neuron(2, activation="linear", seed=1)
    >>> y = n([1.0, 2.0])
    >>> round(y.data, 6) == round(n.w[0].data + 2 * n.w[1].data + n.b.data, 6)
    True
    """

    def __init__(self, nin: int, activation: str = "relu", seed: int | None = None) -> None:
        self.nin = _checks.count(nin, "Neuron", "nin")
        self.activation = _checks.choice(activation, "Neuron", "activation", ACTIVATIONS)
        rng = random.Random(_check_seed(seed, "Neuron"))
        bound = 1.0 / math.sqrt(nin)
        self.w = [Value(rng.uniform(-bound, bound), label=f"w{i}") for i in range(nin)]
        self.b = Value(rng.uniform(-bound, bound), label="b")
        self._assign_scopes()

    def __call__(self, x: Sequence[Input]) -> Value:
        return self.forward(x)

    def forward(self, x: Sequence[Input]) -> Value:
        _check_inputs(x, self.nin, "Neuron")
        if not is_grad_enabled():
            return _output_values([self._forward_data(_input_data(x))], [self])[0]
        return self._forward(x)

    def _forward(self, x: Sequence[Input]) -> Value:
        """forward() on inputs its caller has checked (Layer checks once for all neurons)."""
        out = Value.dot(self.w, x, bias=self.b)
        out.scope = self.scope
        if self.activation != "linear":
            out = getattr(out, self.activation)()
            out.scope = self.scope
        return out

    def _forward_data(self, x: list[float]) -> float:
        """The same computation on plain floats, for no_grad: no nodes at all.

        Same operations in the same order as Value.dot and the activation, so the
        result is bit-identical; inference 2.3x faster (benchmarks/NOTES.md).
        """
        total = sum(map(operator.mul, [w.data for w in self.w], x)) + self.b.data
        return _FLOAT_ACTIVATIONS[self.activation](_finite(total, "dot"))

    def __repr__(self) -> str:
        return f"Neuron(nin={self.nin}, activation={self.activation!r})"


class Layer(Module):
    """`nout` neurons that all see the same inputs.

    Returns one Value when nout == 1, else a list of Values.

    >>> layer = Layer(3, 2, seed=0)
    >>> len(layer([1.0, 2.0, 3.0]))
    2
    """

    def __init__(
        self, nin: int, nout: int, activation: str = "relu", seed: int | None = None
    ) -> None:
        self.nin = _checks.count(nin, "Layer", "nin")
        self.nout = _checks.count(nout, "Layer", "nout")
        self.activation = _checks.choice(activation, "Layer", "activation", ACTIVATIONS)
        rng = random.Random(_check_seed(seed, "Layer"))
        self.neurons = [Neuron(nin, activation, seed=rng.getrandbits(64)) for _ in range(nout)]
        self._assign_scopes()

    def forward(self, x: Sequence[Input]) -> Value | list[Value]:
        out = self.outputs(x)
        return out[0] if len(out) == 1 else out

    def outputs(self, x: Sequence[Input]) -> list[Value]:
        """One Value per neuron, as a list also when nout == 1."""
        _check_inputs(x, self.nin, "Layer")
        if not is_grad_enabled():
            return _output_values(self._forward_data(_input_data(x)), self.neurons)
        return self._forward(x)

    def _forward(self, x: Sequence[Input]) -> list[Value]:
        return [neuron._forward(x) for neuron in self.neurons]

    def _forward_data(self, x: list[float]) -> list[float]:
        return [neuron._forward_data(x) for neuron in self.neurons]

    def __repr__(self) -> str:
        return f"Layer(nin={self.nin}, nout={self.nout}, activation={self.activation!r})"


class MLP(Module):
    """A multi-layer perceptron: hidden layers use `activation`, the last is linear.

    >>> model = MLP(2, [16, 16, 1], seed=42)
    >>> [layer.nout for layer in model.layers]
    [16, 16, 1]
    """

    def __init__(
        self, nin: int, nouts: Sequence[int], activation: str = "relu", seed: int | None = None
    ) -> None:
        self.nin = _checks.count(nin, "MLP", "nin")
        if isinstance(nouts, (str, bytes)) or not isinstance(nouts, Sequence):
            raise TypeError(f"MLP: nouts must be a list of layer sizes, got {_checks.shown(nouts)}")
        if not nouts:
            raise ValueError(
                f"MLP: nouts must be a non-empty list of layer sizes, got {_checks.shown(nouts)}"
            )
        self.nouts = [_checks.count(n, "MLP", "nouts") for n in nouts]
        self.activation = _checks.choice(activation, "MLP", "activation", ACTIVATIONS)
        rng = random.Random(_check_seed(seed, "MLP"))
        sizes = [nin, *self.nouts]
        self.layers = [
            Layer(
                sizes[i],
                sizes[i + 1],
                activation if i < len(self.nouts) - 1 else "linear",
                seed=rng.getrandbits(64),
            )
            for i in range(len(self.nouts))
        ]
        self._assign_scopes()

    def forward(self, x: Sequence[Input]) -> Value | list[Value]:
        out = self.outputs(x)
        return out[0] if len(out) == 1 else out

    def outputs(self, x: Sequence[Input]) -> list[Value]:
        """The last layer's Values, as a list also when it has one neuron."""
        _check_inputs(x, self.nin, "MLP")
        # Inputs are checked once here, not again by every layer and neuron.
        if not is_grad_enabled():
            data = _input_data(x)
            for layer in self.layers:
                data = layer._forward_data(data)
            out = _output_values(data, self.layers[-1].neurons)
        else:
            layer_input: Sequence[Input] = x
            for layer in self.layers:
                out = layer._forward(layer_input)
                layer_input = out
        return out

    def __repr__(self) -> str:
        return f"MLP(nin={self.nin}, nouts={self.nouts}, activation={self.activation!r})"


def grad_size_per_layer(model: Module) -> list[float]:
    """Mean |dL/dw| over the weights of each `Layer` in `model`, input side first.

    Call it after `backward()`: it reads `.grad` and changes nothing. Biases are
    left out, so the number measures what reaches the connections of each layer
    (a weight's gradient is the neuron's upstream gradient times its input).
    Plot several with `autograd_mini.plots.grad_size_figure` to see gradients
    vanish (falling towards the input) or explode (rising towards it).

    Raises TypeError if `model` is not a Module, ValueError if it holds no Layer.

    >>> model = MLP(2, [3, 1], activation="linear", seed=0)
    >>> out = model([1.0, 2.0])
    >>> out.backward()
    >>> sizes = grad_size_per_layer(model)  # [layer 1 (3 neurons x 2 weights), output layer]
    >>> len(sizes)
    2
    >>> # the output layer's weights get dL/dw = the hidden activations themselves
    >>> hidden = model.layers[0]([1.0, 2.0])
    >>> abs(sizes[1] - sum(abs(h.data) for h in hidden) / 3) < 1e-12
    True
    """
    if not isinstance(model, Module):
        raise TypeError(f"grad_size_per_layer: expected a Module, got {type(model).__name__}")
    layers = [m for _, m in model.named_modules() if isinstance(m, Layer)]
    if not layers:
        raise ValueError(f"grad_size_per_layer: {type(model).__name__} has no Layer")
    sizes = []
    for layer in layers:
        grads = [abs(w.grad) for neuron in layer.neurons for w in neuron.w]
        sizes.append(sum(grads) / len(grads))
    return sizes


# ----------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _named_values(name: str, attr: object) -> list[tuple[str, Value]]:
    if isinstance(attr, Value):
        return [(name, attr)]
    if isinstance(attr, Module):
        return attr.named_parameters(prefix=f"{name}.")
    if isinstance(attr, list):
        found: list[tuple[str, Value]] = []
        for i, item in enumerate(attr):
            found.extend(_named_values(f"{name}.{i}", item))
        return found
    return []


def _check_seed(seed: object, where: str) -> int | None:
    return _checks.seed(seed, where)


def _check_inputs(x: object, nin: int, where: str) -> None:
    if isinstance(x, (str, bytes)) or not isinstance(x, Sequence):
        raise TypeError(
            f"{where}: expected a list of {nin} numbers or Values, got {type(x).__name__}"
        )
    if len(x) != nin:
        raise ValueError(f"{where}: expected {nin} inputs, got {len(x)}")


def _relu(x: float) -> float:
    return x if x > 0.0 else 0.0  # as Value.relu


def _linear(x: float) -> float:
    return x


_FLOAT_ACTIVATIONS: dict[str, Callable[[float], float]] = {
    "relu": _relu,
    "tanh": math.tanh,
    "sigmoid": _sigmoid,
    "linear": _linear,
}
"""Each activation on a plain float, exactly as the Value method computes it."""


def _input_data(x: Sequence[Input]) -> list[float]:
    """The numbers of checked inputs; same errors as Value.dot for bad ones."""
    return [v.data if type(v) is Value else _check_real(v, "dot") for v in x]


def _output_values(data: list[float], neurons: Sequence[Neuron]) -> list[Value]:
    """Wrap no_grad results as leaf Values tagged with the neuron that made them."""
    outs = []
    for number, neuron in zip(data, neurons):
        out = Value(number)
        out.scope = neuron.scope
        outs.append(out)
    return outs


def _preview(names: list[str], limit: int = 5) -> str:
    listed = ", ".join(_checks.shown(n) for n in names[:limit])
    more = f" (+{len(names) - limit} more)" if len(names) > limit else ""
    return f"[{listed}]{more}"
