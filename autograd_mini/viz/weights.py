"""A network given as plain numbers: its forward pass, its answers, its shape.

The film (and anything else that draws a network from saved weights) works on
`Net`: per layer the weights ``[neuron][input]``, the biases ``[neuron]`` and
the activation's name, the same numbers an MLP holds. Running it here on plain
floats keeps drawing independent of the engine's graph and fast enough to
paint a decision surface.

Imports `autograd_mini.engine` (its overflow-safe sigmoid).

>>> net = Net(weights=(((1.0, -1.0),), ((2.0,),)), biases=((0.0,), (0.5,)),
...           activations=("relu", "linear"))
>>> net.layer_sizes, net.forward([3.0, 1.0])
((2, 1, 1), [[2.0], [4.5]])
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from autograd_mini.engine import _sigmoid

__all__ = ["ACTIVATION_FUNCTIONS", "Net", "decide"]


def _relu(x: float) -> float:
    return x if x > 0.0 else 0.0


def _tanh(x: float) -> float:
    return math.tanh(x)


def _linear(x: float) -> float:
    return x


def _leaky_relu(x: float) -> float:
    return x if x > 0.0 else 0.01 * x


ACTIVATION_FUNCTIONS: dict[str, Callable[[float], float]] = {
    "relu": _relu,
    "tanh": _tanh,
    "sigmoid": _sigmoid,
    "linear": _linear,
    "leaky_relu": _leaky_relu,
}
"""The activations a `Net` layer may use, by the names nn and the recording use."""


@dataclass(frozen=True)
class Net:
    """Layers of plain weights ``[layer][neuron][input]``, biases and activation names."""

    weights: tuple[tuple[tuple[float, ...], ...], ...]
    biases: tuple[tuple[float, ...], ...]
    activations: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.weights:
            raise ValueError("Net: needs at least one layer")
        if not (len(self.weights) == len(self.biases) == len(self.activations)):
            raise ValueError(
                f"Net: {len(self.weights)} weight layers, {len(self.biases)} bias layers and "
                f"{len(self.activations)} activations must be as many"
            )
        width = len(self.weights[0][0]) if self.weights[0] else 0
        for layer, (w, b, act) in enumerate(zip(self.weights, self.biases, self.activations)):
            if act not in ACTIVATION_FUNCTIONS:
                raise ValueError(f"Net: unknown activation {act!r} in layer {layer}")
            if not w or len(w) != len(b) or any(len(row) != width for row in w):
                raise ValueError(f"Net: layer {layer} has ragged or missing weights")
            width = len(w)

    @classmethod
    def from_mlp(cls, model: Any) -> Net:
        """The numbers an `nn.MLP` holds right now (a copy: training it later changes nothing here).

        >>> from autograd_mini.nn import MLP
        >>> model = MLP(2, [3, 1], seed=0)
        >>> Net.from_mlp(model).output([0.5, -1.0])[0] == model([0.5, -1.0]).data
        True
        """
        layers = model.layers
        return cls(
            tuple(tuple(tuple(w.data for w in n.w) for n in layer.neurons) for layer in layers),
            tuple(tuple(n.b.data for n in layer.neurons) for layer in layers),
            tuple(layer.neurons[0].activation for layer in layers),
        )

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        """(inputs, neurons of layer 0, neurons of layer 1, ...)."""
        return (len(self.weights[0][0]), *(len(w) for w in self.weights))

    def forward(self, x: Sequence[float]) -> list[list[float]]:
        """Every layer's outputs (after its activation) for one input."""
        outputs: list[list[float]] = []
        values = [float(v) for v in x]
        for w, b, act in zip(self.weights, self.biases, self.activations):
            f = ACTIVATION_FUNCTIONS[act]
            values = [f(_dot(row, values) + bias) for row, bias in zip(w, b)]
            outputs.append(values)
        return outputs

    def output(self, x: Sequence[float]) -> list[float]:
        """The last layer's outputs for one input."""
        return self.forward(x)[-1]


def _dot(row: Sequence[float], values: Sequence[float]) -> float:
    total: float = sum(map(operator.mul, row, values))
    # inf - inf in a diverged network is NaN; drawing treats it as 0.
    return total if total == total else 0.0


def decide(outputs: Sequence[float], loss_name: str) -> int:
    """The class a network's outputs answer, as `fit` counts accuracy.

    One output: class 1 when it is above 0 (above 0.5 for mse). Several: the
    index of the largest.

    >>> decide([0.3], "hinge"), decide([0.3], "mse"), decide([0.1, 2.0, -1.0], "cross_entropy")
    (1, 0, 1)
    """
    if len(outputs) == 1:
        return int(outputs[0] > (0.5 if loss_name == "mse" else 0.0))
    return max(range(len(outputs)), key=lambda i: outputs[i])
