"""Check `backward()` against central finite differences.

`numerical_grad(f, inputs)` nudges each input's `data` by +-eps, evaluates
`f(*inputs)` (under `no_grad`) and returns (f(x+eps) - f(x-eps)) / (2 eps) per
input. `gradcheck(f, inputs)` runs `f(*inputs).backward()` too and compares:
it returns a `GradcheckReport`, truthy when every input agrees within
`atol + rtol * |numeric|`, whose text names the worst input (by index and by
name) with its analytic and numeric gradients. Inputs' data and grads are
restored afterwards. Labels like "w3" repeat in a network (every neuron has
one), so pass `names=` to say which is which, e.g. from `named_parameters()`.

Imports only `autograd_mini.engine`.

>>> from autograd_mini import Value
>>> x, y = Value(1.5), Value(-2.0)
>>> report = gradcheck(lambda a, b: a * b + a.tanh(), [x, y])
>>> bool(report)
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from autograd_mini import _checks
from autograd_mini.engine import Value, no_grad

__all__ = ["GradcheckReport", "gradcheck", "numerical_grad"]

Function = Callable[..., Value]


def numerical_grad(f: Function, inputs: Sequence[Value], eps: float = 1e-6) -> list[float]:
    """Central-difference estimate of d f(*inputs) / d input, for each input.

    Each input's `data` is restored exactly after its two evaluations.

    >>> from autograd_mini import Value
    >>> x = Value(3.0)
    >>> [round(g, 6) for g in numerical_grad(lambda v: v * v, [x])]
    [6.0]
    """
    values = _check_inputs(inputs, "numerical_grad")
    step = _checks.number(eps, "numerical_grad", "eps", low=0, low_open=True)
    grads = []
    with no_grad():
        for v in values:
            original = v.data
            try:
                v.data = original + step
                plus = _evaluate(f, values, "numerical_grad")
                v.data = original - step
                minus = _evaluate(f, values, "numerical_grad")
            finally:
                v.data = original
            grads.append((plus - minus) / (2.0 * step))
    return grads


@dataclass(frozen=True)
class GradcheckReport:
    """The outcome of `gradcheck`; truthy when every gradient matched.

    Attributes:
        ok: True when every input is within tolerance.
        analytic: gradients from `backward()`, one per input.
        numeric: central-difference gradients, one per input.
        names: a name per input: from `names=`, else its label, else "".
        worst: index of the input with the largest |analytic - numeric| / tolerance.
        atol, rtol: the tolerances used.
    """

    ok: bool
    analytic: tuple[float, ...]
    numeric: tuple[float, ...]
    names: tuple[str, ...]
    worst: int
    atol: float
    rtol: float

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        i = self.worst
        a, n = self.analytic[i], self.numeric[i]
        tolerance = self.atol + self.rtol * abs(n)
        verdict = "passed" if self.ok else "FAILED"
        count = len(self.analytic)
        which = f"input {i} {self.names[i]!r}" if self.names[i] else f"input {i}"
        return (
            f"gradcheck {verdict} for {count} input{'' if count == 1 else 's'}; worst: {which}: "
            f"analytic {a:.10g}, numeric {n:.10g}, |difference| {abs(a - n):.3g} "
            f"({'<=' if abs(a - n) <= tolerance else '>'} tolerance {tolerance:.3g})"
        )


def gradcheck(
    f: Function,
    inputs: Sequence[Value],
    *,
    names: Sequence[str] | None = None,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> GradcheckReport:
    """Compare `f(*inputs).backward()` with `numerical_grad` for every input.

    Every gradient in the graph (the inputs' included) is put back afterwards.

    Args:
        f: builds the output Value from the inputs, `f(*inputs)`.
        inputs: the Values to differentiate with respect to.
        names: one name per input for the report (default: each input's label).
            For a Module: `pairs = model.named_parameters()`, then
            `gradcheck(f, [v for _, v in pairs], names=[n for n, _ in pairs])`.
        eps: finite-difference step.
        atol, rtol: an input passes when |analytic - numeric| <= atol + rtol * |numeric|.

    >>> from autograd_mini import Value
    >>> x = Value(2.0, label="x")
    >>> print(gradcheck(lambda v: v ** 3, [x]))  # doctest: +ELLIPSIS
    gradcheck passed for 1 input; worst: input 0 'x': analytic 12, numeric 12..., |difference| ...
    >>> gradcheck(lambda v: v ** 3, [x], names=["layers.0.w.1"]).names
    ('layers.0.w.1',)
    """
    values = _check_inputs(inputs, "gradcheck")
    given = _check_names(names, len(values))
    _checks.number(eps, "gradcheck", "eps", low=0, low_open=True)
    absolute = _checks.number(atol, "gradcheck", "atol", low=0)
    relative = _checks.number(rtol, "gradcheck", "rtol", low=0)
    saved = [v.grad for v in values]
    graph: list[Value] = []
    graph_grads: list[float] = []
    try:
        for v in values:
            v.grad = 0.0
        out = f(*values)
        if not isinstance(out, Value):
            raise TypeError(f"gradcheck: f must return a Value, got {type(out).__name__}")
        # backward() also reaches whatever the inputs were computed from (an input
        # need not be a leaf): remember every gradient in the graph to put it back.
        graph = out.topological_order()
        graph_grads = [node.grad for node in graph]
        out.backward()
        # A Value passed twice collects its gradient once; read after backward.
        analytic = tuple(v.grad for v in values)
    finally:
        for node, g in zip(graph, graph_grads, strict=True):
            node.grad = g
        for v, g in zip(values, saved, strict=True):
            v.grad = g
    numeric = tuple(numerical_grad(f, values, eps=eps))
    ratios = [_excess(a, n, absolute, relative) for a, n in zip(analytic, numeric, strict=True)]
    worst = max(range(len(ratios)), key=ratios.__getitem__)
    shown = given if given is not None else tuple(v.label for v in values)
    return GradcheckReport(
        ok=all(r <= 1.0 for r in ratios),
        analytic=analytic,
        numeric=numeric,
        names=shown,
        worst=worst,
        atol=absolute,
        rtol=relative,
    )


# ----------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------


def _check_inputs(inputs: object, where: str) -> list[Value]:
    if isinstance(inputs, Value) or not isinstance(inputs, Sequence):
        raise TypeError(f"{where}: inputs must be a list of Values, got {type(inputs).__name__}")
    if not inputs:
        raise ValueError(f"{where}: inputs is empty")
    for i, v in enumerate(inputs):
        if not isinstance(v, Value):
            raise TypeError(f"{where}: inputs[{i}] must be a Value, got {type(v).__name__}")
    return list(inputs)


def _check_names(names: object, count: int) -> tuple[str, ...] | None:
    if names is None:
        return None
    if isinstance(names, str) or not isinstance(names, Sequence):
        raise TypeError(f"gradcheck: names must be a list of str, got {type(names).__name__}")
    for i, name in enumerate(names):
        if not isinstance(name, str):
            raise TypeError(f"gradcheck: names[{i}] must be a str, got {type(name).__name__}")
    if len(names) != count:
        raise ValueError(
            f"gradcheck: names must have one entry per input ({count}), got {len(names)}"
        )
    return tuple(names)


def _excess(analytic: float, numeric: float, atol: float, rtol: float) -> float:
    """|analytic - numeric| as a multiple of the tolerance: <= 1 passes."""
    tolerance = atol + rtol * abs(numeric)
    difference = abs(analytic - numeric)
    if tolerance == 0.0:
        return 0.0 if difference == 0.0 else math.inf
    return difference / tolerance


def _evaluate(f: Function, values: list[Value], where: str) -> float:
    out = f(*values)
    if not isinstance(out, Value):
        raise TypeError(f"{where}: f must return a Value, got {type(out).__name__}")
    return out.data
