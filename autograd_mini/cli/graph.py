"""The ``autograd-mini graph "EXPR" --set a=2 ... -o out.svg [--animate out.html]`` command.

`add_graph_arguments(parser)` declares the arguments on an argparse parser,
`split_arguments(words)` applies the rule that lets EXPR start with "-", and
`run_graph(...)` does the work: parse EXPR safely (`autograd_mini.cli.expression`,
never eval), run `backward()`, print the result and every variable's gradient
(with a warning on stderr for a variable the expression does not use), write
the picture and optionally the animation player, both through the package's
one file writer, together or not at all. Bad input (and -o and --animate
naming one file) prints one line to stderr and returns 2; a missing Graphviz
returns 1; a file that cannot be written (a directory, FIFO or device at the
path, a full disk) prints one line naming it and returns 3.

Imports `autograd_mini.cli.expression` and `autograd_mini.viz`.

>>> import argparse
>>> parser = argparse.ArgumentParser(prog="autograd-mini graph")
>>> add_graph_arguments(parser)
>>> args = parser.parse_args(["a*b", "--set", "a=2", "--set", "b=3"])
>>> args.expr, args.assignments, args.output, args.animate
('a*b', ['a=2', 'b=3'], 'graph.svg', None)
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import graphviz

from autograd_mini._files import same_file, write_all
from autograd_mini.cli.expression import (
    ExpressionError,
    function_usages,
    parse_assignment,
    parse_expression,
)
from autograd_mini.viz.escape import format_number, format_unrounded
from autograd_mini.viz.graph import RANKDIRS, draw_graph
from autograd_mini.viz.player import animate

__all__ = [
    "DESCRIPTION",
    "OUTPUT_FORMATS",
    "ROOT_NAME",
    "HELP_OPTIONS",
    "VALUE_OPTIONS",
    "add_graph_arguments",
    "split_arguments",
    "run_graph",
    "run_graph_from_args",
]

OUTPUT_FORMATS = ("svg", "png", "pdf", "dot")
"""Picture formats, chosen by the output file's suffix (.gv is DOT too)."""

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_CANNOT_WRITE = 0, 1, 2, 3

ROOT_NAME = "out"
"""What the expression's result is called in the picture and captions (d out/d a)."""

DESCRIPTION = (
    "Parse EXPR (numbers, names, + - * / **, unary minus, parentheses, "
    f"{' '.join(function_usages())}; never eval), run backward() and write the graph picture. "
    'Name the result with "L = ..." (default: out). '
    'An EXPR may start with "-" ("-a**2", "-o*2"): every word that is not spelled exactly '
    "as an option below (or --option=value, or an option's value) is EXPR, as is everything "
    'after "--". Options are not abbreviated, and -o takes its file as the next word.'
)
"""The ``graph`` command's --help text; the function list comes from the engine."""

VALUE_OPTIONS = {
    "--set": "--set",
    "-o": "--output",
    "--output": "--output",
    "--animate": "--animate",
    "--rankdir": "--rankdir",
}
"""The ``graph`` options that take a value, each with its long spelling."""

HELP_OPTIONS = ("-h", "--help")
"""The ``graph`` options that take no value."""

# "L = (a*b + c) * f": the result gets the user's name (not "==", which is a comparison).
_NAMED_RESULT = re.compile(r"\s*([A-Za-z][A-Za-z0-9_]*)\s*=(?!=)(.*)\Z", re.DOTALL)


def add_graph_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the ``graph`` command's arguments on `parser` (a subcommand parser).

    >>> parser = argparse.ArgumentParser()
    >>> add_graph_arguments(parser)
    >>> parser.parse_args(["x", "--set", "x=1", "--rankdir", "TB"]).rankdir
    'TB'
    """
    parser.add_argument("expr", metavar="EXPR", help='an expression such as "(a*b + c) * f"')
    parser.add_argument(
        "--set",
        dest="assignments",
        metavar="NAME=VALUE",
        action="append",
        default=[],
        help="give a variable a value (repeat for each variable)",
    )
    parser.add_argument(
        "-o",
        "--output",
        default="graph.svg",
        help="picture to write; .svg, .png, .pdf or .dot (default: graph.svg)",
    )
    parser.add_argument(
        "--animate", metavar="PATH", default=None, help="also write an animation player (HTML)"
    )
    parser.add_argument(
        "--rankdir", choices=RANKDIRS, default="LR", help="layout direction (default: LR)"
    )


def split_arguments(tokens: Sequence[str]) -> list[str]:
    """`tokens` rearranged for argparse: options first, then "--", then EXPR.

    The rule (also in the ``graph`` --help): a word is an option only when it is
    spelled exactly as one (``--set``, ``-o``, ``--output``, ``--animate``,
    ``--rankdir``, ``-h``, ``--help``) or as ``--option=value``; the word after
    an option that takes a value is that value. Every other word is EXPR, even
    when it starts with "-" (``-o*2``, ``-offset``, ``--a``), and so is
    everything after "--". Options are therefore never abbreviated, and ``-o``
    takes its file as the next word (``-o g.svg``). Values are passed on as
    ``--option=value``, so a value starting with "-" stays a value.

    >>> split_arguments(["-o*2", "--set", "o=3", "-o", "-x.svg"])
    ['--set=o=3', '--output=-x.svg', '--', '-o*2']
    >>> split_arguments(["--set", "a=1", "--", "-h"])
    ['--set=a=1', '--', '-h']
    """
    options: list[str] = []
    words: list[str] = []
    position = 0
    while position < len(tokens):
        token = tokens[position]
        position += 1
        if token == "--":
            words.extend(tokens[position:])
            break
        name, equals, _ = token.partition("=")
        if token in HELP_OPTIONS or (equals and name.startswith("--") and name in VALUE_OPTIONS):
            options.append(token)
        elif token in VALUE_OPTIONS and position < len(tokens):
            options.append(f"{VALUE_OPTIONS[token]}={tokens[position]}")
            position += 1
        elif token in VALUE_OPTIONS:
            options.append(token)  # argparse reports the missing value
        else:
            words.append(token)
    return [*options, "--", *words] if words else options


def run_graph_from_args(args: argparse.Namespace, *, stderr: TextIO | None = None) -> int:
    """`run_graph` with the values `add_graph_arguments` declared.

    >>> parser = argparse.ArgumentParser()
    >>> add_graph_arguments(parser)
    >>> run_graph_from_args(parser.parse_args(["x +* 1"]), stderr=sys.stdout)
    autograd-mini graph: error: expression: invalid syntax (at column 4)
    2
    """
    return run_graph(
        args.expr, args.assignments, args.output, args.animate, rankdir=args.rankdir, stderr=stderr
    )


def run_graph(
    expr: str,
    assignments: list[str],
    output: str,
    animate_path: str | None = None,
    *,
    rankdir: str = "LR",
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Draw (and optionally animate) the graph of `expr`; return the exit status.

    Args:
        expr: the expression text.
        assignments: ``NAME=VALUE`` strings.
        output: where to write the picture; the suffix picks the format.
        animate_path: where to write the HTML player, or None.
        rankdir: layout direction.
        stdout, stderr: streams for the report and errors (default: sys's).

    Returns:
        0 on success (also when a --set variable is unused: that only warns),
        2 on bad input (one line on stderr), 1 when Graphviz is missing, 3 when
        a file cannot be written (then neither file is written).

    >>> import os, tempfile
    >>> target = os.path.join(tempfile.mkdtemp(), "graph.dot")  # .dot: no Graphviz needed
    >>> run_graph("x * y", ["x=2", "y=5"], target)
    out = x * y = 10
      dout/dx = 5
      dout/dy = 2
    wrote ...graph.dot
    0
    >>> run_graph("x.real", ["x=2"], target, stderr=sys.stdout)
    autograd-mini graph: error: expression: attribute access is not allowed (at column 1)
    2
    """
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    try:
        variables: dict[str, float] = {}
        for text in assignments:
            name, value = parse_assignment(text)
            if name in variables:
                raise ExpressionError(f"--set: {name!r} is given twice")
            variables[name] = value
        if rankdir not in RANKDIRS:
            raise ExpressionError(f"--rankdir: must be one of {RANKDIRS}, got {rankdir!r}")
        picture_format = _format_of(output)
        if animate_path is not None and same_file(output, animate_path):
            raise ExpressionError(
                f"--animate: {animate_path!r} is the same file as -o {output!r}; "
                "give the player its own file"
            )
        named = _NAMED_RESULT.match(expr)
        root_name = ROOT_NAME if ROOT_NAME not in variables else f"{ROOT_NAME}_"
        if named:
            root_name, expr = named.group(1), named.group(2)
            if root_name in variables:
                raise ExpressionError(
                    f"expression: {root_name!r} names the result and is also given with --set"
                )
        root = parse_expression(expr, variables)
        if root.parents or not root.label:
            # The result is "out" (or the user's name), not its sub-expression
            # label nor "#6": captions read "dout/da", not "d#6/da".
            root.label = root_name
        root.backward()
    except (ValueError, OverflowError, TypeError) as error:
        # ExpressionError and the engine's maths errors are all one-line messages.
        print(f"autograd-mini graph: error: {_one_line(error)}", file=err)
        return EXIT_BAD_INPUT
    leaves = {v.label: v for v in root.topological_order() if not v.parents and v.label}
    shown = root_name if named else f"{root_name} = {expr.strip()}"
    print(f"{shown} = {format_unrounded(root.data)}", file=out)
    for name in variables:
        if name not in leaves:
            # Its gradient is a true 0, but more likely a typo than a choice.
            print(f"warning: {name} is set but not used in the expression", file=err)
        grad = leaves[name].grad if name in leaves else 0.0
        print(f"  d{root_name}/d{name} = {format_number(grad)}", file=out)
    try:
        dot = draw_graph(root, rankdir=rankdir)
        picture = dot.source if picture_format == "dot" else dot.pipe(format=picture_format)
        files: list[tuple[str, str | bytes]] = [(output, picture)]
        if animate_path is not None:
            files.append((animate_path, animate(root, rankdir=rankdir).to_html()))
        write_all(files, "graph")
        for path, _ in files:
            print(f"wrote {path}", file=out)
    except graphviz.ExecutableNotFound:
        print(
            "autograd-mini graph: error: Graphviz 'dot' not found; install it "
            "(e.g. sudo apt-get install graphviz) or write .dot with -o graph.dot",
            file=err,
        )
        return EXIT_FAILED
    except OSError as error:
        # The writer's message names the file and the reason: "graph: cannot write ...".
        message = _one_line(error).removeprefix("graph: ")
        print(f"autograd-mini graph: error: {message}", file=err)
        return EXIT_CANNOT_WRITE
    return EXIT_OK


def _format_of(output: str) -> str:
    suffix = Path(output).suffix.lower().lstrip(".")
    suffix = "dot" if suffix == "gv" else suffix
    if suffix not in OUTPUT_FORMATS:
        raise ExpressionError(
            f"-o: unknown picture format {suffix or '(none)'!r} for {output!r} "
            f"(use one of {', '.join('.' + f for f in OUTPUT_FORMATS)})"
        )
    return suffix


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())
