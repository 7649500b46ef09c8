"""Function transforms in the style of JAX: `grad`, `value_and_grad`, `jacobian`, `hessian`, `hvp`.

Each takes a function of scalars and returns a new function. They nest
(`grad(grad(f))` is the second derivative) because every gradient is built with
the op rules (`create_graph`): inside another transform a result is a `Value`
that the outer transform differentiates through; at the outermost level it is a
plain float. Arguments may be plain numbers or Values.

Each transform differentiates with respect to a fresh node for each argument, so a
nested transform never confuses an outer variable with its own: for
f(x) = x * d/dy (x + y), f'(1) is 1, not 2.

Imports only `autograd_mini.engine`.

>>> from autograd_mini import Value
>>> f = lambda x: x * x * x
>>> grad(f)(2.0), grad(grad(f))(2.0), grad(grad(grad(f)))(2.0)
(12.0, 12.0, 6.0)
>>> hessian(lambda a, b: a * a * b, argnums=(0, 1))(1.0, 3.0)
((6.0, 2.0), (2.0, 0.0))
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Union

from autograd_mini.engine import Value, _input_node, _set_grad_mode
from autograd_mini.engine import grad as _grad

__all__ = ["grad", "hessian", "hvp", "jacobian", "value_and_grad"]

ArgNums = Union[int, Sequence[int]]
Scalar = Union[Value, float]

# How many transforms are evaluating their function right now, in this thread
# and asyncio task: above 0, results must stay Values for the outer transform.
_DEPTH: ContextVar[int] = ContextVar("autograd_mini_transform_depth", default=0)


def grad(f: Callable[..., Any], argnums: ArgNums = 0) -> Callable[..., Any]:
    """The function that returns the gradient of `f` with respect to argument(s) `argnums`.

    `f` must return one scalar (a Value, or a number if it does not depend on its
    arguments). With a tuple of argnums the result is a tuple of gradients.

    >>> grad(lambda x, y: x * y, argnums=(0, 1))(2.0, 5.0)
    (5.0, 2.0)
    >>> grad(lambda x: x.tanh())(0.0)
    1.0
    """

    def gradient(*args: Any) -> Any:
        return value_and_grad(f, argnums)(*args)[1]

    gradient.__name__ = f"grad({getattr(f, '__name__', 'f')})"
    return gradient


def value_and_grad(f: Callable[..., Any], argnums: ArgNums = 0) -> Callable[..., Any]:
    """Like `grad`, but the new function returns `(f(*args), gradient)`.

    >>> value_and_grad(lambda x: x * x)(3.0)
    (9.0, 6.0)
    """

    def value_and_gradient(*args: Any) -> tuple[Any, Any]:
        positions, single = _check_argnums(argnums, len(args), "value_and_grad")
        inputs, outer = _inputs(args, positions, "grad")
        with _transform():
            out = f(*inputs)
        out = _scalar(out, "grad")
        gradients = _gradients(out, [inputs[i] for i in positions], outer)
        value: Any = _number(out) if outer else out
        return value, (gradients[0] if single else gradients)

    return value_and_gradient


def jacobian(f: Callable[..., Any], argnums: ArgNums = 0) -> Callable[..., Any]:
    """The function that returns d f_i / d arg_j for every output i and argument j.

    `f` may return one scalar or a list/tuple of scalars: the result has the same
    shape, with a tuple over `argnums` inside when argnums is a tuple.

    >>> jacobian(lambda x, y: [x * y, x + y], argnums=(0, 1))(2.0, 3.0)
    [(3.0, 2.0), (1.0, 1.0)]
    """

    def jac(*args: Any) -> Any:
        positions, single = _check_argnums(argnums, len(args), "jacobian")
        inputs, outer = _inputs(args, positions, "jacobian")
        with _transform():
            out = f(*inputs)
        many = isinstance(out, (list, tuple))
        outs = list(out) if many else [out]
        wrt = [inputs[i] for i in positions]
        rows = []
        for k, item in enumerate(outs):
            scalar = _scalar(item, "jacobian", f" (output {k})" if many else "")
            gradients = _gradients(scalar, wrt, outer)
            rows.append(gradients[0] if single else gradients)
        if not many:
            return rows[0]
        return tuple(rows) if isinstance(out, tuple) else rows

    return jac


def hessian(f: Callable[..., Any], argnums: ArgNums = 0) -> Callable[..., Any]:
    """The function that returns the matrix of second derivatives of scalar `f`.

    For one argument the result is d²f/dx²; for a tuple of argnums it is
    `H[i][j]` = d²f / d arg_i d arg_j, as nested tuples.

    >>> hessian(lambda x: x ** 3)(2.0)
    12.0
    """
    return jacobian(grad(f, argnums), argnums)


def hvp(f: Callable[..., Any], primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, ...]:
    """The Hessian of scalar `f` at `primals` times the vector `tangents`, without forming H.

    Computed as d/dx (grad f(x) . v): two backward passes, whatever the size.

    >>> hvp(lambda a, b: a * a * b, (1.0, 3.0), (1.0, 0.0))  # first column of H
    (6.0, 2.0)
    """
    if not isinstance(primals, Sequence) or not isinstance(tangents, Sequence):
        raise TypeError("hvp: primals and tangents must be lists or tuples of numbers or Values")
    if len(primals) != len(tangents) or not primals:
        raise ValueError(
            f"hvp: need one tangent per primal, got {len(tangents)} for {len(primals)} primals"
        )
    positions = list(range(len(primals)))
    inputs, outer = _inputs(tuple(primals), positions, "hvp")
    for i, t in enumerate(tangents):
        _check_scalar_argument(t, f"hvp: tangents[{i}]")
    with _transform():
        out = _scalar(f(*inputs), "hvp")
        first = _gradients(out, inputs, outer=False)  # Values, to differentiate again
        along = Value.dot(list(first), list(tangents))
    return tuple(_gradients(along, inputs, outer))


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


@contextmanager
def _transform() -> Iterator[None]:
    """Evaluate a transformed function: one level deeper, with graphs recorded."""
    token = _DEPTH.set(_DEPTH.get() + 1)
    try:
        with _set_grad_mode(True):
            yield
    finally:
        _DEPTH.reset(token)


def _check_argnums(argnums: object, n_args: int, who: str) -> tuple[list[int], bool]:
    single = isinstance(argnums, int) and not isinstance(argnums, bool)
    items = [argnums] if single else argnums
    if isinstance(items, (str, bytes)) or not isinstance(items, Sequence) or not items:
        raise TypeError(f"{who}: argnums must be an int or a tuple of ints, got {argnums!r}")
    positions = []
    for a in items:
        if isinstance(a, bool) or not isinstance(a, int):
            raise TypeError(f"{who}: argnums must be an int or a tuple of ints, got {argnums!r}")
        if not -n_args <= a < n_args:
            raise ValueError(
                f"{who}: argnums {a} is out of range for a call with {n_args} arguments"
            )
        positions.append(a % n_args)
    return positions, single


def _check_scalar_argument(arg: object, where: str) -> None:
    if isinstance(arg, Value):
        return
    if isinstance(arg, bool) or not isinstance(arg, (int, float)):
        raise TypeError(f"{where} must be a number or a Value, got {type(arg).__name__}")


def _inputs(args: tuple[Any, ...], positions: list[int], who: str) -> tuple[list[Any], bool]:
    """The arguments to call f with (differentiated ones as fresh nodes), and whether
    this is the outermost transform."""
    outer = _DEPTH.get() == 0
    inputs = list(args)
    for i in positions:
        arg = args[i]
        _check_scalar_argument(arg, f"{who}: argument {i}")
        inputs[i] = _input_node(arg) if isinstance(arg, Value) else Value(arg)
    return inputs, outer


def _scalar(out: object, who: str, which: str = "") -> Scalar:
    if isinstance(out, Value):
        return out
    if isinstance(out, (int, float)) and not isinstance(out, bool):
        return float(out)  # does not depend on the arguments: gradient 0
    hint = "; for several outputs use jacobian" if who != "jacobian" else ""
    raise TypeError(
        f"{who}: only defined for functions returning one scalar (a Value or a number); "
        f"the function returned {type(out).__name__}{which}{hint}"
    )


def _gradients(out: Scalar, wrt: list[Value], outer: bool) -> tuple[Any, ...]:
    """d out / d each of `wrt`: floats at the outermost level, Values inside a transform."""
    if not isinstance(out, Value):
        return tuple(0.0 if outer else Value(0.0) for _ in wrt)
    return _grad(out, wrt, create_graph=not outer)


def _number(v: Scalar) -> float:
    return v.data if isinstance(v, Value) else v
