"""Parse an arithmetic expression into a graph of Values, safely (never eval/exec).

`parse_expression("(a*b + c) * f", {"a": 2, ...})` reads the text with Python's
`ast` module and walks the tree itself, accepting only numbers, variable
names, ``+ - * / **``, unary ``-``/``+``, parentheses and calls of the unary
functions in `engine.UNARY_FUNCTIONS` (exp, log, tanh, ...). Everything else
(attributes, subscripts, lambdas, comparisons, keywords, strings, ...) is
rejected with a one-line `ExpressionError` (a ValueError), and so are inputs
that are too long, too big, too deeply nested or with absurd exponents.

Imports `autograd_mini.engine`.

>>> y = parse_expression("(a*b + c) * f", {"a": 2, "b": -3, "c": 10, "f": -2})
>>> y.data
-8.0
>>> try:
...     parse_expression("a.__class__", {"a": 1})
... except ValueError as error:
...     print(error)
expression: attribute access is not allowed (at column 1)
"""

from __future__ import annotations

import ast
import math
import numbers
import operator
import re
from collections.abc import Callable, Mapping
from typing import Any, Union

from autograd_mini.engine import UNARY_FUNCTIONS, Value

__all__ = [
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_LENGTH",
    "MAX_NODES",
    "ExpressionError",
    "ExpressionTooLargeError",
    "UndefinedNameError",
    "UnsupportedSyntaxError",
    "parse_assignment",
    "parse_expression",
]

MAX_LENGTH = 1000
"""Longest accepted expression, in characters."""
MAX_NODES = 400
"""Most syntax-tree nodes accepted (numbers, names, operators, calls)."""
MAX_DEPTH = 40
"""Deepest accepted nesting of operators and calls."""
MAX_EXPONENT = 1000.0
"""Largest accepted |exponent| in ``x ** y``."""

Number = Union[float, Value]

_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}
# Operators of one level chain left to right (a - b + c): such a chain is flat, not nested.
_PRECEDENCE = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2}
# Unary plus changes nothing (Value has no __pos__, and needs none).
_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.USub: operator.neg,
    ast.UAdd: lambda x: x,
}

# What a rejected node is called in the error message.
_DESCRIPTIONS = {
    ast.Attribute: "attribute access",
    ast.Subscript: "indexing",
    ast.Lambda: "lambda",
    ast.Compare: "comparison",
    ast.BoolOp: "and/or",
    ast.IfExp: "if/else",
    ast.List: "a list",
    ast.Tuple: "a tuple",
    ast.Dict: "a dict",
    ast.Set: "a set",
    ast.Starred: "unpacking",
    ast.JoinedStr: "an f-string",
    ast.NamedExpr: "assignment",
}


class ExpressionError(ValueError):
    """The expression (or a --set assignment) cannot be used; the message says why."""


class UnsupportedSyntaxError(ExpressionError):
    """Something outside the whitelist: attributes, strings, other calls, ..."""


class UndefinedNameError(ExpressionError):
    """A variable name with no value."""


class ExpressionTooLargeError(ExpressionError):
    """Too long, too many nodes, too deep, or an exponent beyond MAX_EXPONENT."""


def parse_assignment(text: str) -> tuple[str, float]:
    """Read ``NAME=VALUE`` (as given to ``--set``) into a name and a finite float.

    >>> parse_assignment("a=-3.5")
    ('a', -3.5)
    >>> try:
    ...     parse_assignment("2x=1")
    ... except ExpressionError as error:
    ...     print(error)
    --set: '2x' is not a valid name (expected NAME=VALUE)
    """
    name, sep, number = text.partition("=")
    name, number = name.strip(), number.strip()
    if not sep:
        raise ExpressionError(f"--set: expected NAME=VALUE, got {_excerpt(text)}")
    if not name.isidentifier() or not name.isascii() or name.startswith("_"):
        raise ExpressionError(f"--set: {_excerpt(name)} is not a valid name (expected NAME=VALUE)")
    try:
        value = float(number)
    except ValueError:
        raise ExpressionError(f"--set: {name}: {_excerpt(number)} is not a number") from None
    if not math.isfinite(value):
        raise ExpressionError(f"--set: {name}: value must be finite, got {_excerpt(number)}")
    return name, value


def parse_expression(text: str, variables: Mapping[str, float | Value]) -> Value:
    """Build the Value graph for `text`, with `variables` as the named leaves.

    Each name becomes ONE leaf labelled with the name, however often it is
    used, so ``a*a`` sends two gradient contributions to the same ``a``.

    Args:
        text: the expression, e.g. ``"tanh(w*x + b)"``.
        variables: name -> number (or Value).

    Raises:
        ExpressionError: and its subclasses, for anything not allowed.
        ValueError, OverflowError: the maths itself fails (log(-1), 1/0, overflow).

    >>> x = parse_expression("tanh(w*x + b)", {"w": 0.5, "x": 2, "b": -0.25})
    >>> round(x.data, 6), x.op
    (0.635149, 'tanh')
    """
    if not isinstance(text, str):
        raise TypeError(f"expression: expected a str, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionTooLargeError(
            f"expression: too long ({len(text)} characters, at most {MAX_LENGTH})"
        )
    if not text.strip():
        raise UnsupportedSyntaxError("expression: empty")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        raise UnsupportedSyntaxError(_syntax_message(error, text.strip())) from None
    except (RecursionError, MemoryError):
        raise ExpressionTooLargeError("expression: nested too deeply") from None
    node_count = sum(1 for _ in ast.walk(tree))
    if node_count > MAX_NODES:
        raise ExpressionTooLargeError(
            f"expression: too large ({node_count} syntax nodes, at most {MAX_NODES})"
        )
    leaves = {name: _leaf(name, value) for name, value in variables.items()}
    result = _Evaluator(leaves, text.strip()).visit(tree.body, depth=0)
    return result if isinstance(result, Value) else Value(result)


def _leaf(name: str, value: float | Value) -> Value:
    if isinstance(value, Value):
        return value
    leaf = Value(value, label=name)
    return leaf


class _Evaluator:
    """Walks the whitelisted tree bottom-up; numbers stay floats until they meet a Value."""

    def __init__(self, leaves: dict[str, Value], text: str) -> None:
        self.leaves = leaves
        self.text = text

    def visit(self, node: ast.expr, depth: int) -> Number:
        if depth > MAX_DEPTH:
            raise ExpressionTooLargeError(
                f"expression: nested too deeply (more than {MAX_DEPTH} levels)"
            )
        if isinstance(node, ast.Constant):
            return self._number(node)
        if isinstance(node, ast.Name):
            if node.id not in self.leaves:
                raise UndefinedNameError(
                    f"expression: undefined name {node.id!r} (give it a value with "
                    f"--set {node.id}=VALUE)"
                )
            return self.leaves[node.id]
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            # a+b+c+... parses as ((a+b)+c)+...: a flat chain of one operator is
            # not nesting, so its left spine keeps the depth (MAX_NODES still bounds it).
            chained = (
                isinstance(node.left, ast.BinOp)
                and _PRECEDENCE.get(type(node.left.op)) == _PRECEDENCE.get(type(node.op))
                and not isinstance(node.op, ast.Pow)
            )
            left = self.visit(node.left, depth if chained else depth + 1)
            right = self.visit(node.right, depth + 1)
            if isinstance(node.op, ast.Pow):
                _check_exponent(right)
            operate = _BINARY[type(node.op)]
            if isinstance(left, float) and isinstance(right, float):
                # Fold constants through the engine so 1/0 or 10**400 fail with
                # its clear, op-naming errors rather than Python's float ones.
                folded: float = operate(Value(left), right).data
                return folded
            result: Number = operate(left, right)
            return result
        if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
            signed: Number = _UNARY[type(node.op)](self.visit(node.operand, depth + 1))
            return signed
        if isinstance(node, ast.Call):
            return self._call(node, depth)
        raise UnsupportedSyntaxError(
            f"expression: {_describe(node)} is not allowed{self._operator_at(node)}"
        )

    def _operator_at(self, node: ast.expr) -> str:
        """Where a refused operator is, plus a hint: "(at column 2; use ** for powers)"."""
        column = node.col_offset
        if not isinstance(node, ast.BinOp):
            return f" (at column {column + 1})"
        hint = _OPERATOR_HINTS.get(type(node.op), "")
        symbol = _OPERATOR_SYMBOLS.get(type(node.op))
        if symbol and node.lineno == node.end_lineno == 1:
            # ast gives operators no position: look between the two operands.
            start = node.left.end_col_offset or column
            found = self.text.find(symbol, start, node.right.col_offset)
            column = found if found >= 0 else column
        return f" (at column {column + 1}{'; ' + hint if hint else ''})"

    def _number(self, node: ast.Constant) -> float:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise UnsupportedSyntaxError(
                f"expression: only real numbers are allowed, got {value!r}{_at(node)}"
            )
        try:
            number = float(value)
        except OverflowError:
            raise ExpressionTooLargeError(f"expression: number too large{_at(node)}") from None
        if not math.isfinite(number):
            raise ExpressionTooLargeError(f"expression: number too large{_at(node)}")
        return number

    def _call(self, node: ast.Call, depth: int) -> Number:
        if not isinstance(node.func, ast.Name):
            raise UnsupportedSyntaxError(
                f"expression: only calls of a function by name are allowed, "
                f"not of {_describe(node.func)}{_at(node)}"
            )
        if node.func.id not in UNARY_FUNCTIONS:
            name = node.func.id
            raise UnsupportedSyntaxError(
                f"expression: unknown function {name!r} (allowed: {', '.join(UNARY_FUNCTIONS)})"
            )
        if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            raise UnsupportedSyntaxError(
                f"expression: {node.func.id}() takes exactly one argument{_at(node)}"
            )
        argument = self.visit(node.args[0], depth + 1)
        value = argument if isinstance(argument, Value) else Value(argument)
        result: Value = getattr(value, node.func.id)()
        return result


def _excerpt(text: str, limit: int = 40) -> str:
    """repr of user text, cut so that an error message stays one short line."""
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}... ({len(text)} characters)"


def _check_exponent(exponent: Number) -> None:
    number = exponent.data if isinstance(exponent, Value) else exponent
    if abs(number) > MAX_EXPONENT:
        raise ExpressionTooLargeError(
            f"expression: exponent {number:g} is too large (|exponent| <= {MAX_EXPONENT:g})"
        )


def _syntax_message(error: SyntaxError, text: str) -> str:
    """One clean line for Python's SyntaxError, with the column where it went wrong.

    >>> _syntax_message(SyntaxError("invalid syntax", ("<unknown>", 1, 0, "a +", 1, 0)), "a +")
    'expression: incomplete, it ends after an operator or a "(" (at column 4)'
    """
    message = re.sub(r" \(detected at line \d+\)$", "", error.msg or "invalid syntax")
    if not error.offset or error.offset > len(text):
        # Python reports "the input ended too early" with offset 0.
        if message == "invalid syntax":
            message = 'incomplete, it ends after an operator or a "("'
        return f"expression: {message} (at column {len(text) + 1})"
    return f"expression: {message} (at column {error.offset})"


# Operators Python parses but the whitelist refuses, written as the user wrote them.
_OPERATOR_SYMBOLS = {
    ast.BitXor: "^",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.Invert: "~",
    ast.Not: "not",
}
_OPERATOR_HINTS = {ast.BitXor: "use ** for powers", ast.FloorDiv: "use / for division"}


def _describe(node: ast.AST) -> str:
    for kind, description in _DESCRIPTIONS.items():
        if isinstance(node, kind):
            return description
    if isinstance(node, (ast.BinOp, ast.UnaryOp)):
        kind = type(node.op)
        return f"the operator {_OPERATOR_SYMBOLS.get(kind, kind.__name__)}"
    return type(node).__name__


def _at(node: ast.AST) -> str:
    column = getattr(node, "col_offset", None)
    return f" (at column {column + 1})" if column is not None else ""
