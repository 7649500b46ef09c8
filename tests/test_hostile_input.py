"""Hostile input to the `graph` command and its expression parser.

Whatever the text, `autograd-mini graph` must answer with exit status 0 (a valid
expression) or 2 with ONE line on stderr: never a traceback, never a hang (size and
depth are bounded), never code execution (a canary file must never appear).

Sources of input:
  * tests/data/injections.json: known injection strings by kind;
  * hypothesis: random text, and random Python syntax trees (whitelisted or not)
    whose expected outcome an independent reference decides.
"""

from __future__ import annotations

import ast
import io
import json
import math
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

from autograd_mini.cli import expression
from autograd_mini.cli.expression import parse_expression
from autograd_mini.cli.graph import run_graph
from autograd_mini.engine import UNARY_FUNCTIONS

INJECTIONS = json.loads((Path(__file__).parent / "data" / "injections.json").read_text())
CANARY: str = INJECTIONS["canary"]
VARIABLES: list[str] = INJECTIONS["variables"]
VALUES = {name: float(value) for name, value in (v.split("=") for v in VARIABLES)}


def _text(entry: str | dict[str, Any]) -> str:
    if isinstance(entry, str):
        return entry
    return "".join(piece * count for piece, count in entry["repeat"])


def _case_id(kind: str, entry: str | dict[str, Any]) -> str:
    text = _text(entry)
    shown = text if len(text) <= 40 else f"{text[:20]}...({len(text)} chars)"
    return f"{kind}: {shown!r}"


CASES = [(kind, _text(e)) for kind, entries in INJECTIONS["cases"].items() for e in entries]
CASE_IDS = [_case_id(k, e) for k, entries in INJECTIONS["cases"].items() for e in entries]

# --set arguments that must be refused the same way.
BAD_ASSIGNMENTS = [
    "a",
    "=1",
    "a=",
    "a==1",
    "a=1=2",
    "a=nan",
    "a=inf",
    "a=-inf",
    "a=1e999",
    "a=0x10",
    "a=1;import os",
    "a=__import__('os')",
    "__import__=1",
    "__class__=1",
    "_a=1",
    "a.b=1",
    "a b=1",
    "2a=1",
    "\uff41=1",  # fullwidth a: NFKC would make it "a"
    "a=1\nb=2",
    "a=" + "9" * 5000,
    "a=" + "x" * 5000,
    "a" * 5000,
    "b" * 5000 + "=1",
]


def _run(
    expr: str, directory: Path, assignments: list[str] | None = None
) -> tuple[int, str, str, Path]:
    out, err = io.StringIO(), io.StringIO()
    output = directory / "graph.dot"  # DOT text: no Graphviz process per example
    status = run_graph(
        expr, VARIABLES if assignments is None else assignments, str(output), stdout=out, stderr=err
    )
    return status, out.getvalue(), err.getvalue(), output


def _warned_unused(stderr: str) -> set[str]:
    """The variables a successful run warned about; nothing else may be on stderr."""
    pattern = re.compile(r"warning: (\w+) is set but not used in the expression")
    matches = [pattern.fullmatch(line) for line in stderr.splitlines()]
    assert all(matches), stderr
    return {m.group(1) for m in matches if m}


def _assert_rejected(status: int, stderr: str, output: Path, directory: Path) -> None:
    assert status == 2, f"exit status {status}, stderr {stderr!r}"
    assert stderr.startswith("autograd-mini graph: error: "), stderr
    assert stderr.count("\n") == 1 and stderr.endswith("\n"), f"not one line: {stderr!r}"
    assert "Traceback" not in stderr
    # The message quotes no more than a bounded excerpt of the input.
    assert len(stderr) < 400, f"{len(stderr)}-character error message"
    assert not output.exists(), "a rejected expression still wrote its picture"
    assert not (directory / CANARY).exists(), "the expression ran code: canary file created"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # Relative paths in an injection (the canary) land here, where we look for them.
    monkeypatch.chdir(tmp_path)
    return tmp_path


# ---------------------------------------------------------------------------
# known injection strings
# ---------------------------------------------------------------------------


def test_injection_list_covers_every_kind_the_issue_names() -> None:
    kinds = " ".join(INJECTIONS["cases"])
    for kind in (
        "attribute",
        "dunder",
        "lambda",
        "comprehension",
        "import",
        "exponent",
        "nested",
        "long",
        "f-string",
        "walrus",
        "subscript",
        "starred",
        "call",
    ):
        assert kind in kinds, kind
    assert len(CASES) >= 200


@pytest.mark.parametrize(("kind", "text"), CASES, ids=CASE_IDS)
def test_injection_is_rejected_with_one_line(kind: str, text: str, workdir: Path) -> None:
    status, _, stderr, output = _run(text, workdir)
    _assert_rejected(status, stderr, output, workdir)


@pytest.mark.parametrize("assignment", BAD_ASSIGNMENTS)
def test_bad_set_argument_is_rejected_with_one_line(assignment: str, workdir: Path) -> None:
    status, _, stderr, output = _run("a + 1", workdir, [assignment])
    _assert_rejected(status, stderr, output, workdir)


def test_duplicate_set_argument_is_rejected(workdir: Path) -> None:
    status, _, stderr, output = _run("a + 1", workdir, ["a=1", "a=2"])
    _assert_rejected(status, stderr, output, workdir)
    assert "'a'" in stderr


def test_limits_are_set() -> None:
    # The bounds that make every input cheap: if one is lifted, this says so.
    assert expression.MAX_LENGTH <= 10_000
    assert expression.MAX_NODES <= 10_000
    assert expression.MAX_DEPTH <= 200
    assert expression.MAX_EXPONENT <= 10_000


@pytest.mark.parametrize(
    "text",
    [
        "(a*b + c) * f + exp(x) - log(c) / sqrt(a)",
        "(" * 100 + "a" + ")" * 100,  # redundant parentheses add no depth
        "--a",
        "(9**9)**9",
        "  a  ",
    ],
)
def test_valid_expressions_still_work(text: str, workdir: Path) -> None:
    status, stdout, stderr, output = _run(text, workdir)
    assert status == 0
    assert _warned_unused(stderr) == set(VALUES) - set(re.findall(r"[A-Za-z_]\w*", text))
    assert output.exists()
    assert "dout/da" in stdout


def _command(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    # The real process, as a user runs it; the timeout is a hang guard, not a benchmark.
    return subprocess.run(
        [sys.executable, "-m", "autograd_mini", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_command_line_rejects_injections_without_traceback_or_side_effects(tmp_path: Path) -> None:
    # First a valid call, so the rejections below cannot pass just because the
    # `graph` command is missing (argparse would exit 2 for that too).
    valid = _command(["graph", "a*a + 1", "--set", "a=2", "-o", "ok.dot"], tmp_path)
    assert valid.returncode == 0, valid.stderr[-300:]
    assert (tmp_path / "ok.dot").exists()
    texts = [
        "__import__('os').system('touch " + CANARY + "')",
        "open('" + CANARY + "', 'w')",
        "(" * 499 + "a" + ")" * 499,
        "9**9**9",
        "a" * 100_000,
        "f'{a}'",
    ]
    for text in texts:
        result = _command(["graph", text, "--set", "a=2"], tmp_path)
        assert result.returncode == 2, (text[:40], result.returncode, result.stderr[-300:])
        assert result.stderr.count("\n") == 1, result.stderr[-300:]
        assert "Traceback" not in result.stderr
        assert not (tmp_path / CANARY).exists()
        assert not (tmp_path / "graph.svg").exists()


# ---------------------------------------------------------------------------
# random text
# ---------------------------------------------------------------------------

_EXPRESSION_ALPHABET = "abcfx()+-*/.,_ 0123456789e[]{}:'\"=<>!~^&|%@#;\\\n\t" + "".join(
    sorted(set("".join(UNARY_FUNCTIONS) + "lambdaimportos__class__"))
)
_expression_like = st.lists(
    st.one_of(
        st.sampled_from(_EXPRESSION_ALPHABET),
        st.sampled_from([*UNARY_FUNCTIONS, "**", "__", "lambda", "import", "(a)", "1e308"]),
    ),
    max_size=60,
).map("".join)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(st.text(max_size=200), _expression_like))
def test_random_text_gets_a_result_or_one_line_error(text: str, workdir: Path) -> None:
    status, _stdout, stderr, output = _run(text, workdir)
    if status == 0:
        assert _warned_unused(stderr) <= set(VALUES)
        assert output.exists()
        output.unlink()
    else:
        _assert_rejected(status, stderr, output, workdir)


# ---------------------------------------------------------------------------
# random syntax trees: an independent whitelist and evaluator decide the outcome
# ---------------------------------------------------------------------------

ALLOWED_BINARY = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)
OTHER_BINARY = (ast.FloorDiv, ast.Mod, ast.BitAnd, ast.BitOr, ast.BitXor, ast.LShift, ast.MatMult)
FORBIDDEN_CALLS = ("open", "eval", "exec", "__import__", "getattr", "print", "max", "Value")


def _leaves() -> st.SearchStrategy[ast.expr]:
    return st.one_of(
        st.integers(0, 12).map(lambda n: ast.Constant(n)),
        st.floats(0.0, 10.0).map(lambda x: ast.Constant(x)),
        st.sampled_from([*VALUES, "undefined_name"]).map(lambda n: ast.Name(n, ast.Load())),
    )


def _hostile_leaves() -> st.SearchStrategy[ast.expr]:
    return st.one_of(
        st.sampled_from(["os", "x", "1", ""]).map(lambda s: ast.Constant(s)),
        st.just(ast.Constant(True)),
        st.just(ast.Constant(None)),
        st.just(ast.Constant(1j)),
        st.sampled_from(["__import__", "__builtins__", "__class__"]).map(
            lambda n: ast.Name(n, ast.Load())
        ),
    )


def _extend(children: st.SearchStrategy[ast.expr]) -> st.SearchStrategy[ast.expr]:
    allowed = st.one_of(
        st.builds(
            ast.BinOp, children, st.sampled_from(ALLOWED_BINARY).map(lambda t: t()), children
        ),
        st.builds(ast.UnaryOp, st.sampled_from([ast.USub(), ast.UAdd()]), children),
        st.builds(
            lambda f, arg: ast.Call(ast.Name(f, ast.Load()), [arg], []),
            st.sampled_from(UNARY_FUNCTIONS),
            children,
        ),
    )
    forbidden = st.one_of(
        st.builds(ast.BinOp, children, st.sampled_from(OTHER_BINARY).map(lambda t: t()), children),
        st.builds(ast.UnaryOp, st.sampled_from([ast.Not(), ast.Invert()]), children),
        st.builds(
            lambda v, a: ast.Attribute(v, a, ast.Load()),
            children,
            st.sampled_from(["__class__", "data", "__globals__", "real"]),
        ),
        st.builds(lambda v, i: ast.Subscript(v, i, ast.Load()), children, children),
        st.builds(lambda a, b: ast.Compare(a, [ast.Lt()], [b]), children, children),
        st.builds(lambda a, b: ast.BoolOp(ast.And(), [a, b]), children, children),
        st.builds(lambda a, b, c: ast.IfExp(a, b, c), children, children, children),
        st.builds(lambda body: ast.Lambda(_no_arguments(), body), children),
        st.builds(lambda a: ast.Tuple([a], ast.Load()), children),
        st.builds(lambda a: ast.List([a], ast.Load()), children),
        st.builds(
            lambda f, arg: ast.Call(ast.Name(f, ast.Load()), [arg], []),
            st.sampled_from(FORBIDDEN_CALLS),
            children,
        ),
        st.builds(
            lambda f, a, b: ast.Call(ast.Name(f, ast.Load()), [a, b], []),
            st.sampled_from(UNARY_FUNCTIONS),
            children,
            children,
        ),
        st.builds(
            lambda f, a: ast.Call(ast.Name(f, ast.Load()), [], [ast.keyword("x", a)]),
            st.sampled_from(UNARY_FUNCTIONS),
            children,
        ),
        st.builds(
            lambda a: ast.ListComp(
                a, [ast.comprehension(ast.Name("i", ast.Store()), ast.List([], ast.Load()), [], 0)]
            ),
            children,
        ),
        st.builds(lambda a: ast.NamedExpr(ast.Name("a", ast.Store()), a), children),
        st.builds(lambda a: ast.JoinedStr([ast.FormattedValue(a, -1, None)]), children),
    )
    return st.one_of(allowed, allowed, forbidden)


def _no_arguments() -> ast.arguments:
    return ast.arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[])


syntax_trees = st.recursive(st.one_of(_leaves(), _hostile_leaves()), _extend, max_leaves=12)


class _Rejected(Exception):
    """The reference says the command must refuse this tree."""


def _reference(node: ast.expr) -> tuple[float, bool]:
    """(value, involves_a_Value) by the rules the contract states, in plain floats."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise _Rejected("not a real number")
        return float(node.value), False
    if isinstance(node, ast.Name):
        if node.id not in VALUES:
            raise _Rejected("undefined name")
        return VALUES[node.id], True
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        x, is_value = _reference(node.operand)
        return (-x if isinstance(node.op, ast.USub) else x), is_value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ALLOWED_BINARY):
        (x, xv), (y, yv) = _reference(node.left), _reference(node.right)
        return _binary(node.op, x, y, xv, yv), xv or yv
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in UNARY_FUNCTIONS
        and len(node.args) == 1
        and not node.keywords
    ):
        x, _ = _reference(node.args[0])
        return _unary(node.func.id, x), True
    raise _Rejected(type(node).__name__)


def _binary(op: ast.operator, x: float, y: float, x_is_value: bool, y_is_value: bool) -> float:
    if isinstance(op, ast.Add):
        out = x + y
    elif isinstance(op, ast.Sub):
        out = x - y
    elif isinstance(op, ast.Mult):
        out = x * y
    elif isinstance(op, ast.Div):
        if y == 0.0:
            raise _Rejected("division by zero")
        out = x / y
    else:
        if abs(y) > expression.MAX_EXPONENT:
            raise _Rejected("exponent too large")
        if y_is_value and x <= 0.0:
            raise _Rejected("a Value exponent needs a positive base")
        if (x == 0.0 and y < 0.0) or (x < 0.0 and y != int(y)):
            raise _Rejected("undefined power")
        try:
            out = float(x**y)
        except OverflowError:
            raise _Rejected("overflow") from None
    if not math.isfinite(out):
        raise _Rejected("overflow")
    return out


def _unary(name: str, x: float) -> float:
    if name == "log" and x <= 0.0:
        raise _Rejected("log domain")
    if name == "sqrt" and x < 0.0:
        raise _Rejected("sqrt domain")
    if name == "exp" and x > 709.78:
        raise _Rejected("exp overflow")
    table = {
        "exp": math.exp,
        "log": math.log,
        "sqrt": math.sqrt,
        "tanh": math.tanh,
        "sigmoid": lambda v: 0.5 * (1.0 + math.tanh(0.5 * v)),
        "relu": lambda v: max(v, 0.0),
        "leaky_relu": lambda v: v if v > 0.0 else 0.01 * v,
        "abs": abs,
        "sin": math.sin,
        "cos": math.cos,
    }
    return float(table[name](x))


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tree=syntax_trees)
def test_random_syntax_trees_follow_the_whitelist(tree: ast.expr, workdir: Path) -> None:
    text = ast.unparse(ast.fix_missing_locations(ast.Expression(tree)))
    note(text)
    try:
        expected: float | None = _reference(tree)[0]
    except _Rejected as why:
        note(f"reference rejects: {why}")
        expected = None
    status, _, stderr, output = _run(text, workdir)
    event("rejected" if expected is None else "accepted")
    if expected is None:
        _assert_rejected(status, stderr, output, workdir)
        return
    assert status == 0, f"reference value {expected!r}, but: {stderr}"
    output.unlink()
    value = parse_expression(text, VALUES).data
    assert math.isclose(value, expected, rel_tol=1e-6, abs_tol=1e-9), (value, expected)
