"""The `graph` command body: run_graph writes the pictures or exits 2 with one line."""

from __future__ import annotations

import argparse
import io
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autograd_mini.cli.graph import (
    VALUE_OPTIONS,
    add_graph_arguments,
    run_graph,
    run_graph_from_args,
    split_arguments,
)

SVG = "{http://www.w3.org/2000/svg}"
KARPATHY = ["a=2", "b=-3", "c=10", "f=-2"]


def run(*args: object, **kwargs: object) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = run_graph(*args, stdout=out, stderr=err, **kwargs)  # type: ignore[arg-type]
    return status, out.getvalue(), err.getvalue()


@pytest.mark.exe
def test_writes_svg_and_player_and_prints_gradients(tmp_path: Path) -> None:
    svg, html = tmp_path / "graph.svg", tmp_path / "graph.html"
    status, out, err = run("(a*b + c) * f", KARPATHY, str(svg), str(html))
    assert (status, err) == (0, "")
    assert out.splitlines()[:5] == [
        "out = (a*b + c) * f = -8",
        "  dout/da = 6",
        "  dout/db = -4",
        "  dout/dc = -2",
        "  dout/df = 4",
    ]
    texts = [t.text for t in ET.parse(svg).getroot().iter(f"{SVG}text")]
    assert "data -8" in texts and "grad 6" in texts
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_dot_output_needs_no_graphviz(tmp_path: Path) -> None:
    target = tmp_path / "graph.dot"
    status, _, err = run("tanh(w*x + b)", ["w=0.5", "x=2", "b=-0.25"], str(target))
    assert (status, err) == (0, "")
    assert target.read_text(encoding="utf-8").startswith("digraph {")


@pytest.mark.parametrize(
    ("expr", "assignments", "message"),
    [
        ('__import__("os").system("touch pwned")', [], "only calls of a function by name"),
        ("open('x')", [], "unknown function 'open'"),
        ("a.__class__", ["a=1"], "attribute access is not allowed"),
        ("a; import os", ["a=1"], "invalid syntax"),
        ("a + z", ["a=1"], "undefined name 'z'"),
        ("a ** 99999", ["a=1"], "exponent 99999 is too large"),
        ("a" + "+a" * 600, ["a=1"], "too long"),
        ("log(a)", ["a=0"], "log: input must be > 0"),
        ("a / b", ["a=1", "b=0"], "division by zero"),
        ("a", ["a=1", "a=2"], "'a' is given twice"),
        ("a", ["a"], "expected NAME=VALUE"),
        ("a", ["a=1"], "unknown picture format 'txt'"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    tmp_path: Path, expr: str, assignments: list[str], message: str
) -> None:
    output = tmp_path / ("graph.txt" if "picture format" in message else "graph.svg")
    status, _out, err = run(expr, assignments, str(output))
    assert status == 2
    assert err.count("\n") == 1 and err.startswith("autograd-mini graph: error: ")
    assert message in err
    assert not output.exists() and not (tmp_path / "pwned").exists()


def test_unwritable_output_exits_3(tmp_path: Path) -> None:
    status, _, err = run("a", ["a=1"], str(tmp_path / "missing" / "graph.dot"))
    assert status == 3 and "cannot write" in err and "graph.dot" in err


def test_argparse_wiring() -> None:
    parser = argparse.ArgumentParser()
    add_graph_arguments(parser)
    args = parser.parse_args(["x*2", "--set", "x=3", "-o", "out.dot", "--rankdir", "TB"])
    assert (args.expr, args.assignments, args.output, args.rankdir) == (
        "x*2",
        ["x=3"],
        "out.dot",
        "TB",
    )
    with pytest.raises(SystemExit):
        parser.parse_args(["x", "--rankdir", "sideways"])
    assert callable(run_graph_from_args)


def test_in_a_fresh_interpreter(tmp_path: Path) -> None:
    code = (
        "import sys; from autograd_mini.cli.graph import run_graph; "
        "sys.exit(run_graph(sys.argv[1], sys.argv[2:], 'graph.dot'))"
    )
    ok = subprocess.run(
        [sys.executable, "-c", code, "x * y", "x=2", "y=5"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0 and "dout/dx = 5" in ok.stdout
    bad = subprocess.run(
        [sys.executable, "-c", code, "__import__('os').getcwd()"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and len(bad.stderr.splitlines()) == 1


# --- through autograd-mini's own argument parsing (cli.main) ------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["-a**2", "--set", "a=3"],
        ["--set", "a=3", "-a**2"],
        ["--set=a=3", "-a**2"],
        ["--set", "a=3", "--", "-a**2"],
        ["--set", "a=3", "--rankdir", "TB", "--", "-a**2"],
    ],
)
def test_an_expression_starting_with_minus_is_the_expr_argument(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    from autograd_mini import cli

    target = tmp_path / "g.dot"
    assert cli.main(["graph", "-o", str(target), *argv]) == 0
    # -a**2 is -(a**2): -9, and its derivative -2a = -6.
    assert capsys.readouterr().out.splitlines()[:2] == ["out = -a**2 = -9", "  dout/da = -6"]
    assert target.exists()


@pytest.mark.parametrize(
    ("argv", "first_lines"),
    [
        # -o*2 is not "-o" with the file "*2": options are spelled exactly.
        (["-o*2", "--set", "o=3"], ["out = -o*2 = -6", "  dout/do = -2"]),
        # -offset is not "-o ffset".
        (["-offset", "--set", "offset=1.5"], ["out = -offset = -1.5", "  dout/doffset = -1"]),
        # --a is not an abbreviation of --animate: options are never abbreviated.
        (["--set", "a=4", "--a"], ["out = --a = 4", "  dout/da = 1"]),
        (["--set", "a=4", "--", "--a"], ["out = --a = 4", "  dout/da = 1"]),
    ],
)
def test_words_that_look_like_options_but_are_not_spelled_as_one_are_the_expression(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], first_lines: list[str]
) -> None:
    from autograd_mini import cli

    target = tmp_path / "g.dot"
    assert cli.main(["graph", "--output", str(target), *argv]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines()[:2] == first_lines
    assert captured.err == ""
    assert target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.dot"]  # no "ffset", no "*2"


def test_option_values_starting_with_minus_stay_values(tmp_path: Path) -> None:
    from autograd_mini import cli

    target = tmp_path / "-weird.dot"
    assert cli.main(["graph", "-a", "-o", str(target), "--set", "a=-1"]) == 0
    assert target.exists()
    assert split_arguments(["-a", "-o", "-weird.dot", "--set", "a=-1", "-h"]) == [
        "--output=-weird.dot",
        "--set=a=-1",
        "-h",
        "--",
        "-a",
    ]
    assert split_arguments(["--set", "a=1", "--", "-h", "--set"]) == [
        "--set=a=1",
        "--",
        "-h",
        "--set",
    ]
    assert cli.main(["graph", "--help"]) == 0


def test_every_value_option_is_one_the_parser_declares() -> None:
    parser = argparse.ArgumentParser(allow_abbrev=False)
    add_graph_arguments(parser)
    for spelling, long_name in VALUE_OPTIONS.items():
        value = "TB" if long_name == "--rankdir" else "a=1" if long_name == "--set" else "x.svg"
        args = parser.parse_args([spelling, value, "x"])
        assert value in (args.rankdir, args.output, args.animate, *args.assignments)
        assert parser.parse_args([f"{long_name}={value}", "x"]) == args


def test_two_expressions_are_an_error_naming_the_extra_word(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from autograd_mini import cli

    # An abbreviated option is not an option, so "--rank TB" leaves two extra words.
    assert cli.main(["graph", "a", "--rank", "TB", "--set", "a=1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unrecognized arguments: --rank TB" in err


def test_graph_help_lists_every_unary_function(capsys: pytest.CaptureFixture[str]) -> None:
    from autograd_mini import cli
    from autograd_mini.cli.expression import function_usages
    from autograd_mini.engine import UNARY_FUNCTIONS

    assert cli.main(["graph", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert f"parentheses, {' '.join(function_usages())}; never eval" in text
    assert all(any(f" {name}{end}" in text for end in " ;(") for name in UNARY_FUNCTIONS)
    assert " leaky_relu(x, negative_slope=0.01) " in text
    assert {"sin", "cos", "leaky_relu"} <= set(UNARY_FUNCTIONS)


@pytest.mark.exe
def test_the_output_is_called_out_in_picture_and_captions(tmp_path: Path) -> None:
    svg, html = tmp_path / "g.svg", tmp_path / "g.html"
    status, _, err = run("(a*b + c) * f", KARPATHY, str(svg), str(html))
    assert (status, err) == (0, "")
    texts = [t.text or "" for t in ET.parse(svg).getroot().iter(f"{SVG}text")]
    names = [t for t in texts if t not in ("*", "+") and not t.startswith(("data ", "grad "))]
    # Leaves keep their names, the result is "out", inner nodes their sub-expression.
    assert sorted(names) == ["a", "a*b", "a*b + c", "b", "c", "f", "out"]
    player = html.read_text(encoding="utf-8")
    # Every gradient the player shows is a gradient of the result.
    assert set(re.findall(r"\bd([#\w]+)/d", player)) == {"out"}
    assert {"dout/da", "dout/db", "dout/dc", "dout/df"} <= set(re.findall(r"dout/d\w+", player))


def test_a_variable_called_out_keeps_its_name(tmp_path: Path) -> None:
    target = tmp_path / "g.dot"
    status, _, _ = run("out * 2", ["out=1"], str(target))
    source = target.read_text(encoding="utf-8")
    assert status == 0 and "out_|" in source and "{out|" in source


def test_the_user_can_name_the_result(tmp_path: Path) -> None:
    target = tmp_path / "g.dot"
    status, out, err = run("L = tanh(a*b)", ["a=2", "b=3"], str(target))
    assert (status, err) == (0, "")
    # tanh(6) = 0.9999877: the report must not round it to 1.
    assert out.splitlines()[0] == "L = 0.99999"
    source = target.read_text(encoding="utf-8")
    assert "{L|" in source and "out" not in source


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("a = a * 2", "'a' names the result and is also given with --set"),
        ("L == a", "comparison is not allowed"),
        ("L = a +", "incomplete"),
        ("L = ", "expression: empty"),
    ],
)
def test_naming_the_result_keeps_the_errors_clear(tmp_path: Path, expr: str, message: str) -> None:
    status, _, err = run(expr, ["a=2"], str(tmp_path / "g.dot"))
    assert status == 2 and message in err and err.count("\n") == 1


def test_gradients_are_named_after_the_result(tmp_path: Path) -> None:
    status, out, _ = run("L = x * y", ["x=2", "y=5"], str(tmp_path / "g.dot"))
    assert status == 0 and out.splitlines()[:3] == ["L = 10", "  dL/dx = 5", "  dL/dy = 2"]
    status, out, _ = run("out * 2", ["out=3"], str(tmp_path / "g.dot"))  # "out" is taken
    assert status == 0 and out.splitlines()[:2] == ["out_ = out * 2 = 6", "  dout_/dout = 2"]


def test_a_variable_set_but_not_used_is_warned_about(tmp_path: Path) -> None:
    status, out, err = run("x * 2", ["x=1", "q=3"], str(tmp_path / "g.dot"))
    assert status == 0  # a warning, not an error
    assert err == "warning: q is set but not used in the expression\n"
    assert "  dout/dq = 0" in out.splitlines()
    status, _, err = run("x * 2", ["x=1"], str(tmp_path / "g.dot"))
    assert (status, err) == (0, "")
