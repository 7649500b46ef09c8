"""The expression language as a learner meets it: every undefined name at once,
"write 2*x" for a product written without "*", the optional arguments functions
document, and computed nodes named after their sub-expression."""

from __future__ import annotations

import io
import math
from pathlib import Path

import pytest

from autograd_mini.cli.expression import (
    MAX_LABEL,
    UndefinedNameError,
    UnsupportedSyntaxError,
    function_usages,
    parse_expression,
)
from autograd_mini.cli.graph import run_graph
from autograd_mini.engine import UNARY_FUNCTIONS, Value
from autograd_mini.viz.scene import reading_order


def run(expr: str, assignments: list[str], output: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = run_graph(expr, assignments, str(output), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


# --- every undefined name at once ------------------------------------------


def test_every_undefined_name_is_reported_in_one_message() -> None:
    with pytest.raises(UndefinedNameError) as caught:
        parse_expression("(a*b + c) * f + a", {"c": 1.0})
    assert str(caught.value) == (
        "expression: undefined names 'a', 'b', 'f' "
        "(give them values with --set a=VALUE --set b=VALUE --set f=VALUE)"
    )


def test_function_names_are_not_variables_and_arguments_are_searched() -> None:
    with pytest.raises(UndefinedNameError, match=r"names 'x', 's' \(give"):
        parse_expression("tanh(x) + leaky_relu(x, negative_slope=s)", {})


def test_a_long_list_of_undefined_names_is_cut() -> None:
    names = [f"v{i}" for i in range(12)]
    with pytest.raises(UndefinedNameError) as caught:
        parse_expression(" + ".join(names), {})
    message = str(caught.value)
    assert "'v7' and 4 more" in message and "v8" not in message


def test_graph_command_lists_all_four_names_of_karpathys_expression(tmp_path: Path) -> None:
    status, out, err = run("L = (a*b + c) * f", [], tmp_path / "g.dot")
    assert (status, out) == (2, "")
    assert err.count("\n") == 1
    assert all(f"--set {name}=VALUE" in err for name in "abcf")


# --- a product written without "*" ----------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2x + 1", "'2x' is not a number; write 2*x for a product (at column 1)"),
        ("1 + 3.5y", "'3.5y' is not a number; write 3.5*y for a product (at column 5)"),
        ("2 x", "missing operator between '2' and 'x'; write 2*x for a product (at column 3)"),
        ("a + b c", "missing operator between 'b' and 'c'; write b*c for a product"),
        ("2(x + 1)", "not of a number (at column 1); write 2*(x + 1) for a product"),
        ("(a+b)(c+d)", "write (a+b)*(c+d) for a product"),
        ("x(1 + x)", "'x' is a variable, not a function (at column 1); write x*(1 + x)"),
    ],
)
def test_a_missing_star_gets_a_product_hint(text: str, message: str) -> None:
    with pytest.raises(UnsupportedSyntaxError) as caught:
        parse_expression(text, {"x": 1.0, "y": 1.0, "a": 1.0, "b": 1.0, "c": 1.0, "d": 1.0})
    assert message in str(caught.value)
    assert "invalid decimal literal" not in str(caught.value)


def test_other_syntax_errors_get_no_product_hint() -> None:
    for text in ["a +", "a + * b", "0x1g"]:
        with pytest.raises(UnsupportedSyntaxError) as caught:
            parse_expression(text, {"a": 1.0, "b": 1.0})
        assert "for a product" not in str(caught.value)


# --- optional arguments --------------------------------------------------------


@pytest.mark.parametrize("call", ["leaky_relu(x, 0.2)", "leaky_relu(x, negative_slope=0.2)"])
def test_leaky_relu_takes_its_slope(call: str) -> None:
    y = parse_expression(call, {"x": -2.0})
    y.backward()
    reference = Value(-2.0)
    expected = reference.leaky_relu(0.2)
    expected.backward()
    assert (y.data, y.parents[0].grad) == (expected.data, reference.grad) == (-0.4, 0.2)


def test_the_slope_may_be_a_constant_expression_but_not_a_variable() -> None:
    assert parse_expression("leaky_relu(x, 1/5)", {"x": -1.0}).data == -0.2
    assert parse_expression("leaky_relu(x)", {"x": -1.0}).data == -0.01  # the default
    with pytest.raises(UnsupportedSyntaxError, match="negative_slope must be a number"):
        parse_expression("leaky_relu(x, s)", {"x": -1.0, "s": 0.2})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("leaky_relu(x, 0.1, 2)", "leaky_relu() takes 1 or 2 arguments: leaky_relu(x, "),
        ("leaky_relu(x, slope=1)", "leaky_relu() has no argument 'slope'"),
        ("leaky_relu(x, 0.1, negative_slope=1)", "got 'negative_slope' twice"),
        ("leaky_relu()", "takes 1 or 2 arguments"),
        ("tanh(x, 1)", "tanh() takes exactly one argument"),
        ("tanh(x=1)", "tanh() takes exactly one argument"),
    ],
)
def test_wrong_arguments_say_how_the_function_is_called(text: str, message: str) -> None:
    with pytest.raises(UnsupportedSyntaxError) as caught:
        parse_expression(text, {"x": 1.0})
    assert message in str(caught.value)


def test_usages_come_from_the_value_methods() -> None:
    usages = function_usages()
    assert len(usages) == len(UNARY_FUNCTIONS)
    assert "leaky_relu(x, negative_slope=0.01)" in usages and "tanh" in usages


# --- computed nodes named after their sub-expression -----------------------


def test_computed_nodes_are_labelled_with_their_short_sub_expression() -> None:
    y = parse_expression("(a*b   + c) * f", {"a": 2.0, "b": -3.0, "c": 10.0, "f": -2.0})
    labels = [v.label for v in reading_order(y)]
    assert labels == ["a", "b", "a*b", "c", "a*b + c", "f", "(a*b + c) * f"]


def test_long_sub_expressions_stay_unlabelled_and_leaves_keep_their_names() -> None:
    long = "+".join(["x"] * (MAX_LABEL // 2 + 1))
    y = parse_expression(f"tanh({long})", {"x": 0.1})
    assert y.label == "" and len(long) > MAX_LABEL
    assert y.parents[0].label == ""  # the sum itself is longer than MAX_LABEL too
    x = parse_expression("+x", {"x": 1.0})
    assert (x.label, x.parents) == ("x", ())
    assert math.isclose(parse_expression("-x", {"x": 1.0}).data, -1.0)
    assert parse_expression("-x", {"x": 1.0}).label == "-x"


def test_the_graph_command_keeps_calling_the_result_out(tmp_path: Path) -> None:
    target = tmp_path / "g.dot"
    status, out, _ = run("(a*b + c) * f", ["a=2", "b=-3", "c=10", "f=-2"], target)
    assert status == 0 and "dout/da = 6" in out
    source = target.read_text(encoding="utf-8")
    assert "{a\\*b|" in source or "{a*b|" in source
    assert "{out|" in source and '"{#' not in source  # no node is called "#k"


@pytest.mark.exe
def test_animation_captions_bracket_sub_expression_names() -> None:
    from autograd_mini.viz import animate

    root = parse_expression("(a*b + c) * f", {"a": 2.0, "b": -3.0, "c": 10.0, "f": -2.0})
    root.label = "L"
    root.backward()
    captions = animate(root).captions
    assert "L = (a*b + c) * f = -8" in captions  # not "a*b + c * f", which means another thing
    assert any("dL/d(a*b) += dL/d(a*b + c) · ∂(a*b + c)/∂(a*b)" in c for c in captions)
