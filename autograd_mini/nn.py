"""Neural networks on top of `Value`: Module, Neuron, Layer, MLP, Activation, Sequential.

Imports `autograd_mini.engine` and the package's private argument helpers.
A Module finds its parameters by walking its attributes (Values, Modules and
lists of them), so names such as `layers.0.neurons.3.w.1` come out stable and
match `state_dict()` keys.
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
from autograd_mini._arraylike import as_list
from autograd_mini._dense import dense, dense_data, dense_from_values
from autograd_mini.engine import Value, _check_real, _finite, _sigmoid, is_grad_enabled

__all__ = [
    "ACTIVATIONS",
    "INITS",
    "MLP",
    "Activation",
    "Layer",
    "Module",
    "Neuron",
    "Scope",
    "Sequential",
    "grad_size_per_layer",
]

Input = Union[Value, float, int]

ACTIVATIONS: tuple[str, ...] = ("relu", "tanh", "sigmoid", "linear")

INITS: tuple[str, ...] = ("pytorch", "micrograd", "he", "xavier")
"""The `init=` schemes for a neuron with `nin` inputs in a layer of `nout` neurons:

- "pytorch":   w, b ~ U(-1/sqrt(nin), 1/sqrt(nin))            (PyTorch's nn.Linear default)
- "micrograd": w ~ U(-1, 1), b = 0                              (micrograd's Neuron)
- "he":        w ~ U(-sqrt(6/nin), sqrt(6/nin)), b = 0          (He/Kaiming uniform, for relu)
- "xavier":    w ~ U(-sqrt(6/(nin+nout)), sqrt(6/(nin+nout))), b = 0   (Glorot uniform, for tanh)
"""


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
        # The same walk without building the names: a training step asks twice
        # (its update and zero_grad).
        found: list[Value] = []
        _collect_values(self, found)
        return found

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
    """activation(w . x + b) as one fused graph node (its op reads "relu(dot)").

    Args:
        nin: number of inputs.
        activation: "relu", "tanh", "sigmoid" or "linear".
        seed: makes the initial weights reproducible on every machine. Without
            one, they are drawn from Python's `random` module, so `random.seed(...)`
            beforehand makes them reproducible too.
        init: how the weights and bias start, one of `INITS` (default "pytorch":
            uniform in [-1/sqrt(nin), 1/sqrt(nin)], PyTorch's default for Linear layers).
        fan_out: the width of the layer the neuron belongs to (only "xavier" uses it).

    >>> n = Neuron(2, activation="linear", seed=1)
    >>> y = n([1.0, 2.0])
    >>> round(y.data, 6) == round(n.w[0].data + 2 * n.w[1].data + n.b.data, 6)
    True
    >>> Neuron(3, init="micrograd", seed=0).b.data
    0.0
    """

    def __init__(
        self,
        nin: int,
        activation: str = "relu",
        seed: int | None = None,
        *,
        init: str = "pytorch",
        fan_out: int = 1,
    ) -> None:
        self.nin = _checks.count(nin, "Neuron", "nin")
        self.activation = _checks.choice(activation, "Neuron", "activation", ACTIVATIONS)
        self.init = _checks.choice(init, "Neuron", "init", INITS)
        _checks.count(fan_out, "Neuron", "fan_out")
        uniform = _uniform_source(_check_seed(seed, "Neuron"))
        weights, bias = _initial_numbers(self.init, nin, fan_out, uniform)
        self.w = [Value(number, label=f"w{i}") for i, number in enumerate(weights)]
        self.b = Value(bias, label="b")
        self._assign_scopes()

    def __call__(self, x: Sequence[Input]) -> Value:
        return self.forward(x)

    def forward(self, x: Sequence[Input]) -> Value:
        x = _inputs(x, self.nin, "Neuron")
        if not is_grad_enabled():
            return _output_values([self._forward_data(_input_data(x))], [self])[0]
        return self._forward(x)

    def _forward(self, x: Sequence[Input]) -> Value:
        """forward() on inputs its caller has checked: one fused node (see _dense)."""
        return dense([self], x, self.activation)[0]

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

    Returns one Value when nout == 1, else a list of Values. `seed` and `init`
    as for `Neuron`.

    >>> layer = Layer(3, 2, seed=0)
    >>> len(layer([1.0, 2.0, 3.0]))
    2
    """

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str = "relu",
        seed: int | None = None,
        *,
        init: str = "pytorch",
    ) -> None:
        self.nin = _checks.count(nin, "Layer", "nin")
        self.nout = _checks.count(nout, "Layer", "nout")
        self.activation = _checks.choice(activation, "Layer", "activation", ACTIVATIONS)
        self.init = _checks.choice(init, "Layer", "init", INITS)
        seeds = _child_seeds(_check_seed(seed, "Layer"), nout)
        self.neurons = [Neuron(nin, activation, seed=s, init=init, fan_out=nout) for s in seeds]
        self._assign_scopes()

    def forward(self, x: Sequence[Input]) -> Value | list[Value]:
        out = self.outputs(x)
        return out[0] if len(out) == 1 else out

    def outputs(self, x: Sequence[Input]) -> list[Value]:
        """One Value per neuron, as a list also when nout == 1."""
        x = _inputs(x, self.nin, "Layer")
        if not is_grad_enabled():
            return _output_values(self._forward_data(_input_data(x)), self.neurons)
        return self._forward(x)

    def _forward(self, x: Sequence[Input]) -> list[Value]:
        # One pass over the inputs for all neurons (see _dense).
        return dense(self.neurons, x, self.activation)

    def _forward_data(self, x: list[float]) -> list[float]:
        return dense_data(self.neurons, x, self.activation)

    def __repr__(self) -> str:
        return f"Layer(nin={self.nin}, nout={self.nout}, activation={self.activation!r})"


class MLP(Module):
    """A multi-layer perceptron: hidden layers use `activation`, the last `output_activation`.

    `output_activation=None` (the default) leaves the last layer linear, as
    micrograd's `nonlin=False` does; "tanh" gives the lecture's network with tanh
    on every layer. `seed` and `init` as for `Neuron`.

    >>> model = MLP(2, [16, 16, 1], seed=42)
    >>> [layer.nout for layer in model.layers]
    [16, 16, 1]
    >>> MLP(3, [4, 4, 1], activation="tanh", output_activation="tanh").layers[-1].activation
    'tanh'
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str = "relu",
        seed: int | None = None,
        *,
        init: str = "pytorch",
        output_activation: str | None = None,
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
        last = "linear" if output_activation is None else output_activation
        self.output_activation = _checks.choice(last, "MLP", "output_activation", ACTIVATIONS)
        self.init = _checks.choice(init, "MLP", "init", INITS)
        seeds = _child_seeds(_check_seed(seed, "MLP"), len(self.nouts))
        sizes = [nin, *self.nouts]
        self.layers = [
            Layer(
                sizes[i],
                sizes[i + 1],
                activation if i < len(self.nouts) - 1 else self.output_activation,
                seed=seeds[i],
                init=init,
            )
            for i in range(len(self.nouts))
        ]
        self._assign_scopes()

    def forward(self, x: Sequence[Input]) -> Value | list[Value]:
        out = self.outputs(x)
        return out[0] if len(out) == 1 else out

    def outputs(self, x: Sequence[Input]) -> list[Value]:
        """The last layer's Values, as a list also when it has one neuron."""
        x = _inputs(x, self.nin, "MLP")
        # Inputs are checked once here, not again by every layer and neuron.
        if not is_grad_enabled():
            data = _input_data(x)
            for layer in self.layers:
                data = layer._forward_data(data)
            out = _output_values(data, self.layers[-1].neurons)
        else:
            out = self.layers[0]._forward(x)
            for layer in self.layers[1:]:
                # A layer's outputs are Values: no need to sort numbers from Values.
                out = dense_from_values(layer.neurons, out, layer.activation)
        return out

    def __repr__(self) -> str:
        last = "" if self.output_activation == "linear" else f", output={self.output_activation!r}"
        return f"MLP(nin={self.nin}, nouts={self.nouts}, activation={self.activation!r}{last})"


class Activation(Module):
    """An activation applied to every input, with no parameters (PyTorch's nn.ReLU, nn.Tanh).

    >>> [v.data for v in Activation("relu")([Value(-1.0), Value(2.0)])]
    [0.0, 2.0]
    """

    def __init__(self, name: str) -> None:
        self.name = _checks.choice(name, "Activation", "activation", ACTIVATIONS)

    def forward(self, x: Sequence[Input] | Input) -> Value | list[Value]:
        if isinstance(x, Value):
            return self._apply(x)
        x = as_list(x)
        if isinstance(x, (str, bytes)) or not isinstance(x, Sequence):
            if isinstance(x, (int, float)) and not isinstance(x, bool):
                return self._apply(Value(x))
            raise TypeError(
                f"Activation: expected a Value, a number or a list of them, got {type(x).__name__}"
            )
        return [self._apply(v if isinstance(v, Value) else Value(v)) for v in x]

    def _apply(self, v: Value) -> Value:
        if self.name == "linear":
            return v
        out: Value = getattr(v, self.name)()
        out.scope = self.scope
        return out

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"


class Sequential(Module):
    """Modules applied one after the other; an activation name stands for `Activation(name)`.

    The lecture's network, tanh after every layer including the last:

    >>> net = Sequential(Layer(2, 4, "linear", seed=0), "tanh",
    ...                  Layer(4, 1, "linear", seed=1), "tanh")
    >>> -1.0 < net([0.5, -1.0]).data < 1.0
    True
    >>> [name for name, _ in net.named_parameters()][:2]
    ['layers.0.neurons.0.w.0', 'layers.0.neurons.0.w.1']
    """

    def __init__(self, *layers: Module | str) -> None:
        if not layers:
            raise ValueError("Sequential: needs at least one module")
        built: list[Module] = []
        for i, layer in enumerate(layers):
            if isinstance(layer, str):
                if layer not in ACTIVATIONS:
                    raise ValueError(
                        f"Sequential: item {i} is {layer!r}, not an activation "
                        f"(must be one of {list(ACTIVATIONS)}) or a Module"
                    )
                built.append(Activation(layer))
            elif isinstance(layer, Module):
                built.append(layer)
            else:
                raise TypeError(
                    f"Sequential: item {i} must be a Module or an activation name, "
                    f"got {type(layer).__name__}"
                )
        self.layers = built
        self._assign_scopes()

    def forward(self, x: Sequence[Input]) -> Value | list[Value]:
        out: Value | list[Value] | Sequence[Input] = as_list(x)
        for i, layer in enumerate(self.layers):
            # A one-output layer returns a bare Value; the next module wants a list.
            if isinstance(out, Value) and i > 0 and not isinstance(layer, Activation):
                out = [out]
            out = layer(out)  # type: ignore[arg-type]
        if isinstance(out, list) and len(out) == 1:
            return out[0]
        return out  # type: ignore[return-value]

    def __getitem__(self, index: int) -> Module:
        return self.layers[index]

    def __len__(self) -> int:
        return len(self.layers)

    def __repr__(self) -> str:
        inner = ", ".join(repr(layer) for layer in self.layers)
        return f"Sequential({inner})"


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


def _collect_values(attr: object, found: list[Value]) -> None:
    """Append the Values `_named_values` would name, in its order."""
    if isinstance(attr, Value):
        found.append(attr)
    elif isinstance(attr, Module):
        if type(attr).named_parameters is not Module.named_parameters:
            found.extend(p for _, p in attr.named_parameters())  # a module naming its own
            return
        for name, item in vars(attr).items():
            if not (name.startswith("_") or name == "scope"):
                _collect_values(item, found)
    elif isinstance(attr, list):
        for item in attr:
            _collect_values(item, found)


def _check_seed(seed: object, where: str) -> int | None:
    return _checks.seed(seed, where)


def _uniform_source(seed: int | None) -> Callable[[float, float], float]:
    """uniform(a, b) from a private generator for a seed, else from Python's `random` module.

    Without a seed the draws come from the module's shared state in micrograd's order
    (each neuron's weights, then its bias), so `random.seed` makes a model reproducible.
    """
    return random.uniform if seed is None else random.Random(seed).uniform


def _child_seeds(seed: int | None, n: int) -> list[int | None]:
    """One seed per sub-module, derived from `seed`; all None (shared state) without one."""
    if seed is None:
        return [None] * n
    rng = random.Random(seed)
    return [rng.getrandbits(64) for _ in range(n)]


def _initial_numbers(
    init: str, nin: int, nout: int, uniform: Callable[[float, float], float]
) -> tuple[list[float], float]:
    """A neuron's starting weights and bias under `init` (formulas in INITS' docstring)."""
    if init == "pytorch":
        bound = 1.0 / math.sqrt(nin)
        weights = [uniform(-bound, bound) for _ in range(nin)]
        return weights, uniform(-bound, bound)
    spread = {"micrograd": 1.0, "he": math.sqrt(6.0 / nin), "xavier": math.sqrt(6.0 / (nin + nout))}
    return [uniform(-spread[init], spread[init]) for _ in range(nin)], 0.0


def _inputs(x: object, nin: int, where: str) -> Sequence[Input]:
    """`x` as a list of `nin` inputs; an array (NumPy, ...) is converted to a list first."""
    if type(x) is not list:  # a list needs no conversion and no ABC check
        x = as_list(x)
    _check_inputs(x, nin, where)
    return x  # type: ignore[return-value]


def _check_inputs(x: object, nin: int, where: str) -> None:
    if type(x) is not list and (isinstance(x, (str, bytes)) or not isinstance(x, Sequence)):
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
