"""What showing a Playground costs training: `fit` alone vs the Playground, side by side.

Runs in a real ipykernel (jupyter_client), where the widget's frames go out as
comm messages just as they do to a page: the same network, data, optimizer and
step count, timed in alternation (fit, Playground, fit, Playground, ...), and
for the Playground the frames it sent per second. The Playground is displayed
(its saved picture is drawn when training pauses, inside the timed call).

    .venv/bin/python benchmarks/playground.py [--steps 2000] [--rounds 3] [--fps 10]
"""

from __future__ import annotations

import argparse
import json
import statistics
from typing import Any

CELL = """
import time, json
from IPython.display import display
from autograd_mini.data import make_moons
from autograd_mini.nn import MLP
from autograd_mini.optim import Adam
from autograd_mini.train import fit
from autograd_mini.viz import Playground
X, y = make_moons(200, noise=0.15, seed=0)
BATCH = 16
PER_EPOCH = -(-len(X) // BATCH)

def time_fit(steps):
    model = MLP(2, [8, 8, 1], seed=0)
    started = time.perf_counter()
    fit(model, X, y, optimizer=Adam(model, lr=0.01), epochs=steps // PER_EPOCH,
        batch_size=BATCH, seed=0, progress=False)
    return time.perf_counter() - started

async def time_playground(steps, fps):
    model = MLP(2, [8, 8, 1], seed=0)
    pg = Playground(model, X, y, optimizer=Adam(model, lr=0.01), batch_size=BATCH, seed=0)
    pg.fps = fps
    display(pg)
    frames = []
    pg.observe(lambda change: frames.append(time.perf_counter()), "frame")
    started = time.perf_counter()
    await pg.train(steps)
    seconds = time.perf_counter() - started
    pg.close()
    return seconds, len(frames)
"""


def main() -> None:
    from jupyter_client.manager import start_new_kernel

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=2002, help="optimizer steps per run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--fps", type=float, default=10.0, help="the Playground's frame-rate cap")
    args = parser.parse_args()
    steps = args.steps - args.steps % 13  # whole epochs: 200 samples in batches of 16
    manager, client = start_new_kernel(kernel_name="python3")
    try:

        def run(code: str) -> Any:
            out: list[str] = []

            def hook(message: dict[str, Any]) -> None:
                if message["msg_type"] == "stream" and message["content"]["name"] == "stdout":
                    out.append(message["content"]["text"])
                elif message["msg_type"] == "error":
                    raise RuntimeError("\n".join(message["content"]["traceback"]))

            client.execute_interactive(code, timeout=600, output_hook=hook)
            return json.loads("".join(out)) if out else None

        run(CELL)
        fit_seconds, pg_seconds, rates = [], [], []
        for _ in range(args.rounds):
            fit_seconds.append(run(f"print(json.dumps(time_fit({steps})))"))
            seconds, frames = run(f"print(json.dumps(await time_playground({steps}, {args.fps})))")
            pg_seconds.append(seconds)
            rates.append(frames / seconds)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    fit_median, pg_median = statistics.median(fit_seconds), statistics.median(pg_seconds)
    ratios = [p / f for p, f in zip(pg_seconds, fit_seconds)]
    print(f"{steps} steps, MLP(2, [8, 8, 1]), 200 moons, batch 16, Adam; {args.rounds} rounds")
    print("| | seconds (median) | steps/s | frames/s |")
    print("| --- | --- | --- | --- |")
    print(f"| fit alone | {fit_median:.2f} | {steps / fit_median:.0f} | - |")
    print(
        f"| Playground, fps cap {args.fps:g} | {pg_median:.2f} | {steps / pg_median:.0f} "
        f"| {statistics.median(rates):.1f} |"
    )
    print(
        f"cost: {100 * (statistics.median(ratios) - 1):+.1f}% time "
        f"(per-round ratios {', '.join(f'{r:.3f}' for r in ratios)})"
    )


if __name__ == "__main__":
    main()
