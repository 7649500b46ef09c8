"""The safe expression parser: right values and gradients, and a strict whitelist."""

from __future__ import annotations

import math

import pytest

from autograd_mini import Value
from autograd_mini.cli.expression import (
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_LENGTH,
    ExpressionError,
    ExpressionTooLargeError,
    UndefinedNameError,
    UnsupportedSyntaxError,
    parse_assignment,
    parse_expression,
)
from autograd_mini.engine import UNARY_FUNCTIONS


def leaves(root: Value) -> dict[str, Value]:
    return {v.label: v for v in root.topological_order() if not v.parents}


def test_karpathy_expression_values_and_gradients() -> None:
    y = parse_expression("(a*b + c) * f", {"a": 2, "b": -3, "c": 10, "f": -2})
    y.backward()
    grads = {name: v.grad for name, v in leaves(y).items()}
    assert y.data == -8.0
    assert grads == {"a": 6.0, "b": -4.0, "c": -2.0, "f": 4.0}


def test_a_name_used_twice_is_one_leaf_that_collects_both_contributions() -> None:
    y = parse_expression("x*x + 3*x", {"x": 2.0})
    y.backward()
    assert leaves(y)["x"].grad == pytest.approx(2 * 2.0 + 3)


def test_tanh_neuron_matches_closed_form() -> None:
    values = {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.8813735870195432}
    y = parse_expression("tanh(x1*w1 + x2*w2 + b)", values)
    y.backward()
    assert y.data == pytest.approx(0.7071067811865476, rel=1e-12)
    assert leaves(y)["w1"].grad == pytest.approx(2.0 * (1 - y.data**2), rel=1e-12)


@pytest.mark.parametrize("name", UNARY_FUNCTIONS)
def test_every_unary_function_of_the_op_table_is_allowed(name: str) -> None:
    y = parse_expression(f"{name}(x)", {"x": 0.5})
    assert y.op == name
    assert y.data == pytest.approx(getattr(Value(0.5), name)().data)


def test_operators_unary_signs_and_constants() -> None:
    y = parse_expression("-x ** 2 / 4 + +x - 2 ** 3", {"x": 3.0})
    assert y.data == pytest.approx(-(3.0**2) / 4 + 3.0 - 8)
    assert parse_expression("2 * 3", {}).data == 6.0
    assert parse_expression("1e-3 + x", {"x": 1}).data == pytest.approx(1.001)
    assert math.isclose(parse_expression("x ** y", {"x": 2.0, "y": 0.5}).data, math.sqrt(2))


INJECTIONS = [
    '__import__("os").system("echo pwned")',
    "open('/etc/passwd').read()",
    "x.__class__.__mro__",
    "(lambda: 1)()",
    "[c for c in ()]",
    "x if x else x",
    "x < 1",
    "x and x",
    "'text'",
    "b'bytes'",
    "x[0]",
    "{x: 1}",
    "(x, x)",
    "x @ x",
    "x // 2",
    "x % 2",
    "x << 2",
    "~x",
    "not x",
    "f'{x}'",
    "(y := 2)",
    "exp(x, x)",
    "exp(x=1)",
    "exp(*x)",
    "eval('1')",
    "globals()",
    "1j",
    "True",
    "None",
    "...",
    "await x",
]


@pytest.mark.parametrize("text", INJECTIONS)
def test_everything_outside_the_whitelist_is_rejected(text: str) -> None:
    with pytest.raises(ExpressionError) as info:
        parse_expression(text, {"x": 1.0})
    message = str(info.value)
    assert "\n" not in message and message.startswith("expression:")


@pytest.mark.parametrize("text", ["x; y", "import os", "x = 1", "x +", "", "   "])
def test_statements_and_broken_syntax_are_rejected(text: str) -> None:
    with pytest.raises(UnsupportedSyntaxError):
        parse_expression(text, {"x": 1.0, "y": 2.0})


def test_undefined_name_says_how_to_define_it() -> None:
    with pytest.raises(
        UndefinedNameError, match=r"undefined name 'z' \(give it a value with --set z=VALUE\)"
    ):
        parse_expression("x + z", {"x": 1.0})


def test_size_limits() -> None:
    with pytest.raises(ExpressionTooLargeError, match="too long"):
        parse_expression("x+" * (MAX_LENGTH // 2) + "x", {"x": 1.0})
    with pytest.raises(ExpressionTooLargeError, match="syntax nodes"):
        parse_expression("+".join(["x"] * 300), {"x": 1.0})
    deep = "exp(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1)
    with pytest.raises(ExpressionTooLargeError, match="nested too deeply"):
        parse_expression(deep, {"x": 0.0})
    with pytest.raises(ExpressionTooLargeError, match="exponent 1e\\+06 is too large"):
        parse_expression("x ** 1e6", {"x": 1.0})
    with pytest.raises(ExpressionTooLargeError, match="exponent"):
        parse_expression("2 ** y", {"y": MAX_EXPONENT + 1})
    with pytest.raises(ExpressionTooLargeError):
        parse_expression("9" * 400, {})
    with pytest.raises(ExpressionError):
        parse_expression("(" * 300 + "x" + ")" * 300, {"x": 1.0})


def test_maths_errors_come_from_the_engine_with_the_op_named() -> None:
    with pytest.raises(ValueError, match="log: input must be > 0"):
        parse_expression("log(x - 1)", {"x": 1.0})
    with pytest.raises(ZeroDivisionError):
        parse_expression("1 / 0", {})
    with pytest.raises(OverflowError, match=r"\*\*"):
        parse_expression("10 ** 400", {})


def test_assignments() -> None:
    assert parse_assignment(" b = -3 ") == ("b", -3.0)
    for bad, message in [
        ("a", "expected NAME=VALUE"),
        ("=1", "not a valid name"),
        ("a b=1", "not a valid name"),
        ("__class__=1", "not a valid name"),
        ("a=one", "'one' is not a number"),
        ("a=inf", "must be finite"),
        ("a=nan", "must be finite"),
    ]:
        with pytest.raises(ExpressionError, match=message):
            parse_assignment(bad)


# --- messages a student can act on ------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a +", 'expression: incomplete, it ends after an operator or a "(" (at column 4)'),
        ("  a * ", 'expression: incomplete, it ends after an operator or a "(" (at column 4)'),
        ("a +* 1", "expression: invalid syntax (at column 4)"),
        ("(a", "expression: '(' was never closed (at column 1)"),
        ("'abc", "expression: unterminated string literal (at column 1)"),
        ("a^2", "expression: the operator ^ is not allowed (at column 2; use ** for powers)"),
        ("(a+1) ^ a", "expression: the operator ^ is not allowed (at column 7; use ** for powers)"),
        ("a // 2", "expression: the operator // is not allowed (at column 3; use / for division)"),
        ("a % 2", "expression: the operator % is not allowed (at column 3)"),
    ],
)
def test_syntax_errors_are_one_clean_line_with_the_right_column(text: str, message: str) -> None:
    with pytest.raises(UnsupportedSyntaxError) as caught:
        parse_expression(text, {"a": 1.0})
    assert str(caught.value) == message


@pytest.mark.parametrize("joiner", ["+", "-", "*", "/", "-a+"])
def test_a_long_flat_chain_of_one_precedence_level_is_not_too_deep(joiner: str) -> None:
    terms = MAX_DEPTH + 10  # deeper than MAX_DEPTH as a tree, well under MAX_NODES
    y = parse_expression(joiner.join(["a"] * terms), {"a": 2.0})
    y.backward()
    grad = next(v for v in y.topological_order() if v.label == "a").grad
    h = 1e-6
    up = parse_expression(joiner.join(["a"] * terms), {"a": 2.0 + h}).data
    down = parse_expression(joiner.join(["a"] * terms), {"a": 2.0 - h}).data
    assert grad == pytest.approx((up - down) / (2 * h), rel=1e-5, abs=1e-6)


def test_real_nesting_and_power_towers_still_count_as_deep() -> None:
    for deep in [
        "-" * (MAX_DEPTH + 2) + "a",
        "a" + "**a" * (MAX_DEPTH + 2),
        "a*(" * 45 + "a" + ")" * 45,
    ]:
        with pytest.raises(ExpressionTooLargeError, match="nested too deeply"):
            parse_expression(deep, {"a": 1.0})
