"""Which group (neuron or layer) a node belongs to, and how a group box reads.

`nn` tags every node a neuron builds, and its parameters, with the module's
dotted name in `Value.scope` (for example "layers.0.neurons.3"). Grouping only
reads that tag: there is no registry. Two models built alike share those
names; nn's tag also carries a model number (`nn.Scope.model`), so their
groups stay apart, titled "model 1: layers.0" and "model 2: layers.0".

Imports `autograd_mini.engine` and `autograd_mini.viz.escape`.

>>> group_key("layers.2.neurons.0", "layer")
'layers.2'
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Union

from autograd_mini.engine import Value
from autograd_mini.viz.escape import format_number

__all__ = [
    "GROUPS",
    "GROUP_DATA",
    "GROUP_GRAD",
    "GroupId",
    "GroupNames",
    "describe_group",
    "group_id",
    "group_key",
]

GroupId = tuple[Union[int, None], str]
"""A group: (the model number of its scope or None, its dotted name)."""

GROUPS: tuple[str | None, ...] = (None, "neuron", "layer")
"""Grouping levels, from most detailed to most summarised."""

GROUP_DATA, GROUP_GRAD = "output", "output grad"
"""How a group box names its numbers: those of its outputs, not its parameters'
(a dead relu neuron's output can have a gradient while its weights get none)."""

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


def group_id(scope: str | None, group: str | None) -> GroupId | None:
    """The group of a node with this `scope`: its model and `group_key`, or None.

    >>> group_id("layers.0.neurons.3", "layer")
    (None, 'layers.0')
    """
    key = group_key(scope, group)
    return None if key is None else (getattr(scope, "model", None), key)


class GroupNames:
    """Titles for groups: the dotted name, and which model when a picture has several.

    Models are numbered 1, 2, ... in the order their scopes first appear in
    `scopes`, so a picture's titles do not depend on how many models the
    process built before.

    >>> names = GroupNames(["a", "b"])
    >>> names.title((None, "layers.0"))
    'layers.0'
    """

    def __init__(self, scopes: Iterable[str | None]) -> None:
        self.numbers: dict[int | None, int] = {}
        for scope in scopes:
            if scope:
                self.numbers.setdefault(getattr(scope, "model", None), len(self.numbers) + 1)

    def title(self, group: GroupId) -> str:
        model, key = group
        if len(self.numbers) < 2:
            return key
        return f"model {self.numbers.get(model, 0)}: {key}"


def describe_group(
    members: list[Value], used_outside: set[int], root: Value, grad: Callable[[Value], float]
) -> tuple[str, str, str]:
    """The detail, output and output-grad lines of a collapsed group's box.

    The numbers are those of the group's outputs: its computed members that a
    node outside the group uses (or the root). They say "output" because a
    gradient on the box would read as the parameters' gradient.

    >>> from autograd_mini import Value
    >>> w, x = Value(0.5, label="w"), Value(2.0, label="x")
    >>> y = (w * x).tanh()
    >>> describe_group([w, w * x, y], set(), y, lambda v: v.grad)
    ('* → tanh · 1 param', 'output 0.7616', 'output grad 0')
    """
    params = sum(1 for v in members if not v.parents)
    parts = [_formula(members)] if any(v.parents for v in members) else []
    parts.append(f"{params} param{'s' if params != 1 else ''}")
    outputs = [v for v in members if v.parents and (v is root or id(v) in used_outside)]
    if not outputs:
        outputs = [v for v in members if v.parents] or members
    return (
        " · ".join(parts),
        f"{GROUP_DATA} {_summarise([v.data for v in outputs])}",
        f"{GROUP_GRAD} {_summarise([grad(v) for v in outputs])}",
    )


def _formula(members: list[Value]) -> str:
    """What a group computes, in words a student reads: "w·x + b → relu".

    Ops are listed in the order they first run. A layer says how many neurons
    it holds, and "(×4)" says the computation ran 4 times (once per sample);
    irregular groups list every op with its count.

    >>> from autograd_mini.nn import MLP
    >>> model = MLP(2, [3, 1], seed=0)
    >>> nodes = {id(v): v for x in ([0.5, -1.0], [1.0, 2.0]) for v in model(x).topological_order()}
    >>> in_layer = lambda scope: [v for v in nodes.values() if (v.scope or "").startswith(scope)]
    >>> _formula(in_layer("layers.0.neurons.0")), _formula(in_layer("layers.0"))
    ('w·x + b → relu (×2)', '3 neurons: w·x + b → relu (×2)')
    """
    ops = Counter(v.op for v in members if v.parents)
    has_bias = any(not v.parents and v.label == "b" for v in members)
    names = {"dot": "w·x + b" if has_bias else "w·x"}
    chain = " → ".join(names.get(op, op) for op in ops)
    counts = set(ops.values())
    if len(counts) != 1:
        return ", ".join(f"{names.get(op, op)} ×{n}" for op, n in ops.items())
    runs = counts.pop()
    neurons = len({group_key(v.scope, "neuron") for v in members if v.parents and v.scope})
    if neurons > 1 and runs % neurons == 0:
        chain, runs = f"{neurons} neurons: {chain}", runs // neurons
    return chain if runs == 1 else f"{chain} (×{runs})"


def _summarise(numbers: list[float]) -> str:
    if len(numbers) <= 3:
        return ", ".join(format_number(x) for x in numbers)
    return f"[{format_number(min(numbers))} … {format_number(max(numbers))}] ×{len(numbers)}"
