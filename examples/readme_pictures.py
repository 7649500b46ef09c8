"""Redraw the pictures the README shows (docs/*.svg) from the README's own examples.

Run: .venv/bin/python examples/readme_pictures.py
"""

from __future__ import annotations

from pathlib import Path

from autograd_mini import Value
from autograd_mini.nn import MLP
from autograd_mini.viz import draw_graph

DOCS = Path(__file__).resolve().parents[1] / "docs"


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c, f = Value(10.0, label="c"), Value(-2.0, label="f")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f
    L.label = "L"
    L.backward()
    (DOCS / "graph_L.svg").write_bytes(draw_graph(L).pipe(format="svg"))

    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    bias = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + bias
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    (DOCS / "graph_neuron.svg").write_bytes(draw_graph(o).pipe(format="svg"))

    model = MLP(2, [16, 16, 1], seed=0)
    X = [[0.5, -1.0], [-0.3, 0.2], [0.9, 0.4], [-0.6, -0.8]]
    y = [1, -1, 1, -1]
    losses = [(1 - yi * model(xi)).relu() for xi, yi in zip(X, y)]  # type: ignore[operator]
    loss = Value.sum(losses) / len(losses)
    loss.label = "loss"
    loss.backward()
    (DOCS / "graph_mlp_layers.svg").write_bytes(draw_graph(loss, group="layer").pipe(format="svg"))
    for path in sorted(DOCS.glob("graph_*.svg")):
        print(f"wrote {path} ({path.stat().st_size / 1024:.1f} KiB)")


if __name__ == "__main__":
    main()
