"""The `autograd-mini` command line: entry point, `demo`, `graph` and the expression parser.

    commands.py    the entry point `main`: the argument parser and the dispatch
    demo.py        `autograd-mini demo`: train a small MLP and write its pictures
    graph.py       `autograd-mini graph`: draw an expression's graph and gradients
    expression.py  the safe expression parser behind `graph` (never eval)

>>> main(["--version"])  # doctest: +ELLIPSIS
autograd-mini ...
0
"""

from autograd_mini.cli.commands import main

__all__ = ["main"]
