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

def clocks():
    return time.perf_counter(), time.process_time()

def time_fit(steps):
    model = MLP(2, [8, 8, 1], seed=0)
    wall, cpu = clocks()
    fit(model, X, y, optimizer=Adam(model, lr=0.01), epochs=steps // PER_EPOCH,
        batch_size=BATCH, seed=0, progress=False)
    return {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu}

async def time_playground(steps, fps):
    model = MLP(2, [8, 8, 1], seed=0)
    pg = Playground(model, X, y, optimizer=Adam(model, lr=0.01), batch_size=BATCH, seed=0)
    pg.fps = fps
    display(pg)
    frames = []
    pg.observe(lambda change: frames.append(clocks()), "frame")
    wall, cpu = clocks()
    await pg.train(steps)
    result = {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu}
    pg.close()
    # The last frame goes out when the last step is done; the saved picture follows it.
    result["training wall"] = frames[-1][0] - wall
    result["training cpu"] = frames[-1][1] - cpu
    result["frames"] = len(frames)
    return result
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
        fits, playgrounds = [], []
        for _ in range(args.rounds):
            fits.append(run(f"print(json.dumps(time_fit({steps})))"))
            playgrounds.append(
                run(f"print(json.dumps(await time_playground({steps}, {args.fps})))")
            )
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    print(f"{steps} steps, MLP(2, [8, 8, 1]), 200 moons, batch 16, Adam; {args.rounds} rounds")
    print("CPU seconds are the kernel process's (all its threads): other load on the machine")
    print("does not count, the kernel's message sending does.")
    print()
    print("| | clock | seconds (median) | steps/s | vs fit alone (median of rounds; each round) |")
    print("| --- | --- | --- | --- | --- |")
    for clock in ("cpu", "wall"):
        fit_times = [f[clock] for f in fits]
        rows = [
            ("fit alone", fit_times),
            ("Playground, training", [p[f"training {clock}"] for p in playgrounds]),
            ("Playground, + saved picture at the pause", [p[clock] for p in playgrounds]),
        ]
        for name, seconds in rows:
            median = statistics.median(seconds)
            ratios = [t / f for t, f in zip(seconds, fit_times)]
            versus = (
                "-"
                if seconds is fit_times
                else f"{100 * (statistics.median(ratios) - 1):+.1f}% "
                f"({', '.join(f'{r:.2f}' for r in ratios)})"
            )
            print(f"| {name} | {clock} | {median:.2f} | {steps / median:.0f} | {versus} |")
    rates = [p["frames"] / p["training wall"] for p in playgrounds]
    print()
    print(f"frames sent per second (cap {args.fps:g}): median {statistics.median(rates):.1f}")


if __name__ == "__main__":
    main()
