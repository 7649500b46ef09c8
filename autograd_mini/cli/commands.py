"""The `autograd-mini` command's entry point, `main` (also `python -m autograd_mini`).

Subcommands:
    demo    train a small network on a toy dataset and write its pictures
            (body in `autograd_mini.cli.demo`)
    graph   draw the graph of an expression (body in `autograd_mini.cli.graph`)

Each subcommand is a pair of functions, `_add_<name>_parser(subparsers)` and
`_run_<name>(args) -> int`, listed in `_COMMANDS`; add a command by adding a
pair. Exit status: 0 on success, 1 when `demo`'s training diverged (a hint on
stdout) or `graph` finds no Graphviz, 2 on bad arguments or input (one line on
stderr, never a traceback), 3 when an output file could not be written (one
line naming it; no file of the run is left, whole or partial), 130 when
interrupted.

Imports `autograd_mini.cli.demo` (and through it the training modules) and, for
`graph`, `autograd_mini.cli.graph`.

>>> main(["demo", "--epochs", "0"])
2
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from autograd_mini import __version__
from autograd_mini.cli.demo import (
    DATASETS,
    DIVERGENCE_FACTOR,
    MAX_EPOCH_GRAPH,
    MAX_EPOCHS,
    MAX_HIDDEN_LAYERS,
    MAX_LAYER_SIZE,
    MAX_SAMPLES,
    OPTIMIZERS,
    epoch_graph_size,
    run_demo,
)

__all__ = ["EXIT_CANNOT_WRITE", "main"]

PROG = "autograd-mini"

EXIT_CANNOT_WRITE = 3
"""Exit status when an output file could not be written (nothing partial is left)."""


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error message (usage stays available via --help)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


# ----------------------------------------------------------------------------
# argument types: each raises ArgumentTypeError with the reason, in one line
# ----------------------------------------------------------------------------


def _epoch_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_EPOCHS:
        raise argparse.ArgumentTypeError(
            f"expected a positive integer, at most {MAX_EPOCHS:,}, got {_excerpt(text)}"
        )
    return value


def _sample_count(text: str) -> int:
    # At least 2: the split needs a point to train on and one to test on.
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 2 <= value <= MAX_SAMPLES:
        raise argparse.ArgumentTypeError(
            f"expected an integer >= 2, at most {MAX_SAMPLES:,}, got {_excerpt(text)}"
        )
    return value


def _layer_sizes(text: str) -> list[int]:
    parts = text.split(",")
    try:
        sizes = [int(p) for p in parts]
    except ValueError:
        sizes = []
    if not sizes or any(s < 1 for s in sizes):
        raise argparse.ArgumentTypeError(
            f"expected comma-separated positive layer sizes such as 16,16, got {_excerpt(text)}"
        )
    if len(sizes) > MAX_HIDDEN_LAYERS:
        raise argparse.ArgumentTypeError(
            f"at most {MAX_HIDDEN_LAYERS} hidden layers, got {len(sizes)}"
        )
    if max(sizes) > MAX_LAYER_SIZE:
        raise argparse.ArgumentTypeError(
            f"a layer has at most {MAX_LAYER_SIZE} units, got {_excerpt(str(max(sizes)))}"
        )
    return sizes


def _excerpt(text: str) -> str:
    """`text` quoted, cut short if long: an argument can be megabytes."""
    return repr(text) if len(text) <= 40 else f"{text[:40]!r}... ({len(text):,} characters)"


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text!r}")
    return value


# ----------------------------------------------------------------------------
# demo
# ----------------------------------------------------------------------------


def _add_demo_parser(subparsers: argparse._SubParsersAction[_Parser]) -> None:
    p = subparsers.add_parser(
        "demo",
        help="train a small network on a toy dataset and write its pictures",
        description=(
            "Train MLP(2, [hidden..., outputs]) on a toy dataset with a progress bar, print "
            "the final train/test accuracy, and write the loss graph of one sample, the "
            "decision boundary, the loss curve and the saved model into --out."
        ),
        epilog=(
            "Exit status: 0 when training finished; 1 when it diverged (the loss overflowed, "
            f"or ended over {DIVERGENCE_FACTOR:g} times the first epoch's): the run prints "
            "'training diverged: try a smaller --lr' and writes no model or pictures; "
            "2 on bad arguments; 3 when the output could not be written (one line naming the "
            "file; none of the run's files is left, whole or partial); 130 when interrupted."
        ),
    )
    p.add_argument(
        "--dataset", choices=list(DATASETS), default="moons", help="toy dataset (default: moons)"
    )
    p.add_argument(
        "--epochs",
        type=_epoch_count,
        default=200,
        help=f"full-batch epochs, at most {MAX_EPOCHS:,} (default: 200)",
    )
    # A string default goes through `type` too, so --help shows it as typed.
    p.add_argument(
        "--hidden",
        type=_layer_sizes,
        default="16,16",
        metavar="SIZES",
        help=f"hidden layer sizes, at most {MAX_HIDDEN_LAYERS} layers of {MAX_LAYER_SIZE} "
        "(default: 16,16)",
    )
    p.add_argument("--optimizer", choices=list(OPTIMIZERS), default="adam", help="(default: adam)")
    p.add_argument(
        "--lr",
        type=_positive_float,
        default=None,
        help="starting learning rate, decayed linearly to 1/50 of it (default: "
        + ", ".join(f"{lr:g} for {name}" for name, lr in OPTIMIZERS.items())
        + ")",
    )
    p.add_argument(
        "--samples",
        type=_sample_count,
        default=100,
        help="training points, as many again for testing; at least 2, at most "
        f"{MAX_SAMPLES:,} (default: 100)",
    )
    p.add_argument("--seed", type=int, default=0, help="seeds data, split and weights (default: 0)")
    p.add_argument(
        "--out",
        default="autograd-mini-demo",
        metavar="DIR",
        help="output directory (default: ./autograd-mini-demo)",
    )
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    p.add_argument(
        "--no-film",
        action="store_true",
        help="do not record the run nor write its film (training.html, training.gif)",
    )


def _run_demo(args: argparse.Namespace) -> int:
    # Same shape as the parser's own errors: "autograd-mini demo: error: argument --out: ...".
    if os.path.exists(args.out) and not os.path.isdir(args.out):
        return _fail(f"argument --out: {args.out!r} exists and is not a directory", "demo")
    size = epoch_graph_size(args.hidden, args.samples, args.dataset)
    if size > MAX_EPOCH_GRAPH:
        return _fail(
            f"--hidden {','.join(map(str, args.hidden))} with --samples {args.samples} makes "
            f"a graph of about {size:,} numbers per epoch, at most {MAX_EPOCH_GRAPH:,}: use "
            "fewer samples or smaller layers",
            "demo",
        )
    try:
        os.makedirs(args.out, exist_ok=True)
    except OSError as e:
        return _fail(f"argument --out: cannot create {args.out!r}: {e.strerror or e}", "demo")
    try:
        result = run_demo(
            dataset=args.dataset,
            epochs=args.epochs,
            hidden=args.hidden,
            optimizer=args.optimizer,
            seed=args.seed,
            out=args.out,
            samples=args.samples,
            lr=args.lr,
            progress=not args.no_progress,
            film=not args.no_film,
        )
    except OSError as e:
        # The writer's message names the file and the reason: "demo: cannot write ...".
        message = " ".join(str(e).split()).removeprefix("demo: ")
        print(f"{PROG} demo: error: {message}", file=sys.stderr)
        return EXIT_CANNOT_WRITE
    return 1 if result.diverged is not None else 0


# ----------------------------------------------------------------------------
# graph: the body lives in autograd_mini.cli.graph; this only wires it in
# ----------------------------------------------------------------------------


def _add_graph_parser(subparsers: argparse._SubParsersAction[_Parser]) -> None:
    # Imported when the parser is built, not at module import: graphviz and the
    # player stay unloaded for `demo`.
    from autograd_mini.cli.graph import DESCRIPTION, add_graph_arguments

    p = subparsers.add_parser(
        "graph",
        help="draw the graph of an arithmetic expression and its gradients",
        description=DESCRIPTION,
        allow_abbrev=False,
    )
    add_graph_arguments(p)


def _split_graph_arguments(argv: list[str]) -> list[str]:
    """`graph` words in the order `split_arguments` gives (EXPR last, after "--")."""
    if not argv or argv[0] != "graph":
        return argv
    from autograd_mini.cli.graph import split_arguments

    return argv[:1] + split_arguments(argv[1:])


def _run_graph(args: argparse.Namespace) -> int:
    from autograd_mini.cli.graph import run_graph_from_args

    status: int = run_graph_from_args(args)
    return status


# ----------------------------------------------------------------------------
# entry point
# ----------------------------------------------------------------------------

_COMMANDS: list[
    tuple[
        Callable[[argparse._SubParsersAction[_Parser]], None],
        str,
        Callable[[argparse.Namespace], int],
    ]
] = [
    (_add_demo_parser, "demo", _run_demo),
    (_add_graph_parser, "graph", _run_graph),
]


def build_parser() -> _Parser:
    """The argument parser with every subcommand."""
    parser = _Parser(prog=PROG, description="A small scalar autodiff engine: demos and pictures.")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add_parser, _, _ in _COMMANDS:
        add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    >>> main(["demo", "--dataset", "spirals"])
    2
    """
    parser = build_parser()
    argv = _split_graph_arguments(list(sys.argv[1:] if argv is None else argv))
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse exits on --help (0) and on errors (2)
        return e.code if isinstance(e.code, int) else 2
    runners = {name: run for _, name, run in _COMMANDS}
    if args.command is None:
        return _fail(f"choose a command: {', '.join(runners)} (see --help)")
    try:
        return runners[args.command](args)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


def _fail(message: str, command: str | None = None) -> int:
    if command is None:
        print(f"{PROG}: error: {message}", file=sys.stderr)
    else:
        print(f"{PROG} {command}: error: {message} (see --help)", file=sys.stderr)
    return 2
