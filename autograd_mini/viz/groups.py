"""Which group (neuron or layer) a node belongs to, and how a group box reads.

`nn` tags every node a neuron builds, and its parameters, with the module's
dotted name in `Value.scope` (for example "layers.0.neurons.3"). Grouping only
reads that tag: there is no registry.

Imports `autograd_mini.engine` and `autograd_mini.viz.escape`.

>>> group_key("layers.2.neurons.0", "layer")
'layers.2'
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from autograd_mini.engine import Value
from autograd_mini.viz.escape import format_number

__all__ = ["GROUPS", "describe_group", "group_key"]

GROUPS: tuple[str | None, ...] = (None, "neuron", "layer")
"""Grouping levels, from most detailed to most summarised."""

_LAYER = re.compile(r"^((?:.*\.)?layers\.\d+)(?:\.|$)")
_NEURON = re.compile(r"^((?:.*\.)?neurons\.\d+)(?:\.|$)")


def group_key(scope: str | None, group: str | None) -> str | None:
    """The group a node with this `scope` belongs to, or None if it stands alone.

    >>> group_key("layers.0.neurons.3", "neuron"), group_key("layers.0.neurons.3", "layer")
    ('layers.0.neurons.3', 'layers.0')
    >>> group_key("neurons.2", "layer"), group_key(None, "neuron")
    ('layer', None)
    """
    if not scope or group is None:
        return None
    if group == "neuron":
        match = _NEURON.match(scope)
        return match.group(1) if match else scope
    layer = _LAYER.match(scope)
    if layer:
        return layer.group(1)
    neuron = _NEURON.match(scope)
    if neuron:
        # A lone Layer: its neurons are "neurons.N", so the layer is what comes before.
        return scope[: neuron.start(1)].rstrip(".") or "layer"
    return scope


def describe_group(
    members: list[Value], used_outside: set[int], root: Value, grad: Callable[[Value], float]
) -> tuple[str, str, str]:
    """The detail, data and grad lines of a collapsed group's box.

    The numbers are those of the group's outputs: its computed members that a
    node outside the group uses (or the root).

    >>> from autograd_mini import Value
    >>> w, x = Value(0.5, label="w"), Value(2.0, label="x")
    >>> y = (w * x).tanh()
    >>> describe_group([w, w * x, y], set(), y, lambda v: v.grad)
    ('* ×1, tanh ×1 · 1 param', 'data 0.7616', 'grad 0')
    """
    ops = Counter(v.op for v in members if v.parents)
    params = sum(1 for v in members if not v.parents)
    parts = [", ".join(f"{op} ×{n}" for op, n in ops.items())] if ops else []
    parts.append(f"{params} param{'s' if params != 1 else ''}")
    outputs = [v for v in members if v.parents and (v is root or id(v) in used_outside)]
    if not outputs:
        outputs = [v for v in members if v.parents] or members
    return (
        " · ".join(parts),
        "data " + _summarise([v.data for v in outputs]),
        "grad " + _summarise([grad(v) for v in outputs]),
    )


def _summarise(numbers: list[float]) -> str:
    if len(numbers) <= 3:
        return ", ".join(format_number(x) for x in numbers)
    return f"[{format_number(min(numbers))} … {format_number(max(numbers))}] ×{len(numbers)}"
