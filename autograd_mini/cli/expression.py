"""Parse an arithmetic expression into a graph of Values, safely (never eval/exec).

`parse_expression("(a*b + c) * f", {"a": 2, ...})` reads the text with Python's
`ast` module and walks the tree itself, accepting only numbers, variable
names, ``+ - * / **``, unary ``-``/``+``, parentheses and calls of the unary
functions in `engine.UNARY_FUNCTIONS` (exp, log, tanh, ...), with the optional
number arguments their Value methods document (``leaky_relu(x, 0.2)``).
Everything else (attributes, subscripts, lambdas, comparisons, strings, ...) is
rejected with a one-line `ExpressionError` (a ValueError), and so are inputs
that are too long, too big, too deeply nested or with absurd exponents. Every
undefined name is reported at once, and ``2x`` gets "write 2*x for a product".
Computed nodes are labelled with their sub-expression when it is short
(``a*b``), so pictures and traces read like the source text.

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
import inspect
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
    "MAX_LABEL",
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
MAX_LABEL = 20
"""Longest sub-expression (in characters) used as a computed node's label; longer
ones stay unlabelled, and pictures call them "#k"."""
_NAMES_SHOWN = 8
"""Most undefined names listed in one message."""

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
    used, so ``a*a`` sends two gradient contributions to the same ``a``. Each
    computed node is labelled with its sub-expression (whitespace collapsed)
    when that is at most `MAX_LABEL` characters long.

    Args:
        text: the expression, e.g. ``"tanh(w*x + b)"``.
        variables: name -> number (or Value).

    Raises:
        ExpressionError: and its subclasses, for anything not allowed.
        ValueError, OverflowError: the maths itself fails (log(-1), 1/0, overflow).

    >>> x = parse_expression("tanh(w*x + b)", {"w": 0.5, "x": 2, "b": -0.25})
    >>> round(x.data, 6), x.op
    (0.635149, 'tanh')
    >>> [v.label for v in x.topological_order() if v.parents]
    ['w*x', 'w*x + b', 'tanh(w*x + b)']
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
    _check_names_defined(tree.body, leaves)
    result = _Evaluator(leaves, text.strip()).visit(tree.body, depth=0)
    return result if isinstance(result, Value) else Value(result)


def _check_names_defined(node: ast.expr, leaves: Mapping[str, Value]) -> None:
    """Raise UndefinedNameError naming every variable without a value, in reading order.

    >>> _check_names_defined(ast.parse("(a*b + c) * f + a", mode="eval").body, {})
    Traceback (most recent call last):
    ...
    autograd_mini.cli.expression.UndefinedNameError: expression: undefined names 'a', 'b', 'c', \
'f' (give them values with --set a=VALUE --set b=VALUE --set c=VALUE --set f=VALUE)
    """
    missing: list[str] = []
    for name in _variable_names(node):
        if name not in leaves and name not in missing:
            missing.append(name)
    if len(missing) == 1:
        raise UndefinedNameError(
            f"expression: undefined name {missing[0]!r} (give it a value with "
            f"--set {missing[0]}=VALUE)"
        )
    if missing:
        shown = missing[:_NAMES_SHOWN]
        more = f" and {len(missing) - len(shown)} more" if len(missing) > len(shown) else ""
        raise UndefinedNameError(
            f"expression: undefined names {', '.join(repr(n) for n in shown)}{more} "
            f"(give them values with {' '.join(f'--set {n}=VALUE' for n in shown)})"
        )


def _variable_names(node: ast.expr) -> list[str]:
    """The names `_Evaluator` would look up, left to right (a function's name is not one).

    Only the shapes the evaluator accepts are searched: anything else is refused
    when it is reached, with its own message.
    """
    found: list[str] = []
    stack: list[ast.expr] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, ast.Name):
            found.append(item.id)
        elif isinstance(item, ast.BinOp):
            stack.extend((item.right, item.left))
        elif isinstance(item, ast.UnaryOp):
            stack.append(item.operand)
        elif isinstance(item, ast.Call) and isinstance(item.func, ast.Name):
            stack.extend(reversed([*item.args, *(k.value for k in item.keywords)]))
    return found


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
            return self._labelled(operate(left, right), node)
        if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
            return self._labelled(_UNARY[type(node.op)](self.visit(node.operand, depth + 1)), node)
        if isinstance(node, ast.Call):
            return self._labelled(self._call(node, depth), node)
        raise UnsupportedSyntaxError(
            f"expression: {_describe(node)} is not allowed{self._operator_at(node)}"
        )

    def _labelled(self, result: Number, node: ast.expr) -> Number:
        """Name a node the expression just computed after its source text, if short."""
        if isinstance(result, Value) and result.parents and not result.label:
            segment = ast.get_source_segment(self.text, node)
            text = " ".join(segment.split()) if segment else ""
            if 0 < len(text) <= MAX_LABEL:
                result.label = text
        return result

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
                f"not of {_describe(node.func)}{_at(node)}{self._product_hint(node)}"
            )
        name = node.func.id
        if name not in UNARY_FUNCTIONS:
            if name in self.leaves:
                raise UnsupportedSyntaxError(
                    f"expression: {name!r} is a variable, not a function{_at(node)}"
                    f"{self._product_hint(node)}"
                )
            raise UnsupportedSyntaxError(
                f"expression: unknown function {name!r} (allowed: {', '.join(UNARY_FUNCTIONS)})"
            )
        options = _OPTIONS[name]
        usage = _usage(name)
        if any(isinstance(a, ast.Starred) for a in node.args) or any(
            k.arg is None for k in node.keywords
        ):
            raise UnsupportedSyntaxError(f"expression: unpacking is not allowed{_at(node)}")
        if not 1 <= len(node.args) <= 1 + len(options):
            if not options:
                raise UnsupportedSyntaxError(
                    f"expression: {name}() takes exactly one argument{_at(node)}"
                )
            most = 1 + len(options)
            counts = "1 or 2" if most == 2 else f"1 to {most}"
            raise UnsupportedSyntaxError(
                f"expression: {name}() takes {counts} arguments: {usage}{_at(node)}"
            )
        given: dict[str, ast.expr] = dict(zip(options, node.args[1:]))
        for keyword in node.keywords:
            assert keyword.arg is not None  # refused above
            if keyword.arg not in options:
                raise UnsupportedSyntaxError(
                    f"expression: {name}() has no argument {keyword.arg!r}: {usage}{_at(node)}"
                )
            if keyword.arg in given:
                raise UnsupportedSyntaxError(
                    f"expression: {name}() got {keyword.arg!r} twice{_at(node)}"
                )
            given[keyword.arg] = keyword.value
        argument = self.visit(node.args[0], depth + 1)
        numbers_given: dict[str, float] = {}
        for option, expression in given.items():
            number = self.visit(expression, depth + 1)
            if isinstance(number, Value):
                raise UnsupportedSyntaxError(
                    f"expression: {name}(): {option} must be a number, "
                    f"not depend on a variable{_at(expression)}"
                )
            numbers_given[option] = number
        value = argument if isinstance(argument, Value) else Value(argument)
        result: Value = getattr(value, name)(**numbers_given)
        return result

    def _product_hint(self, node: ast.Call) -> str:
        """ "; write 2*(x+1) for a product" for ``2(x+1)``: a call that is a missing ``*``."""
        if node.keywords or node.lineno != node.end_lineno or node.end_col_offset is None:
            return ""
        # The call's own "(" is the first one after the callee (and its closing parens).
        opening = self.text.find("(", node.func.end_col_offset or node.col_offset)
        if opening < 0:
            return ""
        product = (
            self.text[node.col_offset : opening].rstrip()
            + "*"
            + self.text[opening : node.end_col_offset]
        )
        return f"; write {product} for a product" if len(product) <= 40 else ""


def _optional_arguments(name: str) -> dict[str, float]:
    """The optional number arguments of the Value method `name`, with their defaults."""
    found: dict[str, float] = {}
    for parameter in list(inspect.signature(getattr(Value, name)).parameters.values())[1:]:
        if isinstance(parameter.default, (int, float)) and not isinstance(parameter.default, bool):
            found[parameter.name] = float(parameter.default)
    return found


_OPTIONS: dict[str, dict[str, float]] = {
    name: _optional_arguments(name) for name in UNARY_FUNCTIONS
}
"""Each function's optional arguments, read from its Value method's signature."""


def _usage(name: str) -> str:
    """How a function is called: "leaky_relu(x, negative_slope=0.01)".

    >>> _usage("leaky_relu"), _usage("tanh")
    ('leaky_relu(x, negative_slope=0.01)', 'tanh(x)')
    """
    options = "".join(f", {option}={default:g}" for option, default in _OPTIONS[name].items())
    return f"{name}(x{options})"


def function_usages() -> list[str]:
    """Every function the expression language accepts; those with options, as called.

    >>> function_usages()[-4:]
    ['leaky_relu(x, negative_slope=0.01)', 'abs', 'sin', 'cos']
    """
    return [_usage(name) if _OPTIONS[name] else name for name in UNARY_FUNCTIONS]


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
    if message == "invalid decimal literal":
        # "2x": Python reads a number glued to a name as a bad number.
        for match in _NUMBER_THEN_NAME.finditer(text):
            if error.offset is None or match.start() < error.offset <= match.end() + 1:
                number, name = match.group(1), match.group(2)
                return (
                    f"expression: {match.group(0)!r} is not a number; write {number}*{name} "
                    f"for a product (at column {match.start() + 1})"
                )
    if message.startswith("invalid syntax") and error.offset and error.offset <= len(text):
        # "a b" or "2 x": two operands side by side, an operator missing between them.
        before = _LAST_OPERAND.search(text[: error.offset - 1])
        after = _FIRST_OPERAND.match(text[error.offset - 1 :])
        if before and after:
            return (
                f"expression: missing operator between {before.group(1)!r} and "
                f"{after.group(1)!r}; write {before.group(1)}*{after.group(1)} for a product "
                f"(at column {error.offset})"
            )
    if not error.offset or error.offset > len(text):
        # Python reports "the input ended too early" with offset 0.
        if message == "invalid syntax":
            message = 'incomplete, it ends after an operator or a "("'
        return f"expression: {message} (at column {len(text) + 1})"
    return f"expression: {message} (at column {error.offset})"


_NUMBER_THEN_NAME = re.compile(
    r"(?<![\w.])(\d[\d_]*(?:\.\d*)?(?:[eE][+-]?\d+)?)([A-Za-z_][A-Za-z0-9_]*)"
)
_LAST_OPERAND = re.compile(r"([A-Za-z0-9_.]+|\))\s+\Z")
_FIRST_OPERAND = re.compile(r"([A-Za-z0-9_.]+|\()")

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
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return "a number"
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
