"""Time `draw_graph` on an MLP loss graph at each grouping level, and size the player.

The graph: MLP(2, [16, 16, 1]) (337 parameters) scored on 4 samples with the
hinge loss mean(relu(1 - y * score)). For each `group` (None, "neuron",
"layer") it reports the drawn nodes and the median wall time of
`draw_graph(...).pipe(format="svg")` (Graphviz layout included), then the byte
size of the saved animation player for the same graph.

Run: .venv/bin/python examples/render_times.py [--repeats 3] [--samples 4]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from autograd_mini import Value
from autograd_mini.nn import MLP
from autograd_mini.viz import animate, draw_graph
from autograd_mini.viz.scene import build_scene


def loss_graph(samples: int) -> Value:
    """Hinge loss of MLP(2, [16, 16, 1]) on `samples` fixed points."""
    model = MLP(2, [16, 16, 1], seed=0)
    xs = [[0.5 - 0.3 * i, -1.0 + 0.45 * i] for i in range(samples)]
    ys = [1.0 if i % 2 == 0 else -1.0 for i in range(samples)]
    scores = [model(x) for x in xs]
    losses = [(1 - y * s).relu() for y, s in zip(ys, scores)]  # type: ignore[operator]
    loss = Value.sum(losses) / samples
    loss.label = "loss"
    loss.backward()
    return loss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--samples", type=int, default=4)
    args = parser.parse_args()
    loss = loss_graph(args.samples)
    values = len(loss.topological_order())
    print(f"MLP(2, [16, 16, 1]) hinge loss on {args.samples} samples: {values} Values")
    # max_nodes is raised so each level is drawn as asked, not summarised further.
    for group in (None, "neuron", "layer"):
        scene = build_scene(loss, group=group, max_nodes=100_000)
        times = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            svg = draw_graph(loss, group=group, max_nodes=100_000).pipe(format="svg")
            times.append(time.perf_counter() - start)
        print(
            f"group={group!s:7} {scene.size:5d} DOT nodes {len(scene.edges):5d} edges  "
            f"render {statistics.median(times):7.3f} s (median of {args.repeats})  "
            f"SVG {len(svg) / 1024:8.1f} KiB"
        )
    start = time.perf_counter()
    auto = draw_graph(loss).pipe(format="svg")
    print(
        f"default (auto-summarised, max_nodes=150): {time.perf_counter() - start:.3f} s, "
        f"SVG {len(auto) / 1024:.1f} KiB"
    )
    for group in ("layer", "neuron"):
        start = time.perf_counter()
        animation = animate(loss, group=group, max_nodes=100_000, lr=0.1)
        elapsed = time.perf_counter() - start
        with tempfile.TemporaryDirectory() as tmp:
            size = animation.save(Path(tmp) / "player.html").stat().st_size
        print(
            f"animate(group={group!r}): {len(animation)} frames in {elapsed:.2f} s, "
            f"saved player {size / 1024:.1f} KiB"
        )


if __name__ == "__main__":
    main()
