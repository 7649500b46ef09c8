"""The Playground in a real ipykernel, driven over its channels as a front end would.

A cell starts training and returns while the task is only scheduled; steps then
advance while the kernel is idle between cells; another cell sets
`running = False` and the steps stop.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("anywidget")
jupyter_client = pytest.importorskip("jupyter_client")

pytestmark = pytest.mark.slow

START = """
from autograd_mini.data import make_moons
from autograd_mini.nn import MLP
from autograd_mini.viz import Playground
X, y = make_moons(100, seed=0)
pg = Playground(MLP(2, [8, 8, 1], seed=0), X, y, batch_size=10)
pg.running = True
print(pg._stepper.steps)
"""


@pytest.fixture(scope="module")
def kernel() -> Iterator[Any]:
    manager, client = jupyter_client.manager.start_new_kernel(kernel_name="python3")
    try:
        yield client
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def run(client: Any, code: str) -> str:
    """Run `code` as a cell; its stdout (errors fail the test)."""
    out: list[str] = []
    errors: list[str] = []

    def on_output(message: dict[str, Any]) -> None:
        kind, content = message["msg_type"], message["content"]
        if kind == "stream" and content["name"] == "stdout":
            out.append(content["text"])
        elif kind == "stream" or kind == "error":
            errors.append(str(content))

    reply = client.execute_interactive(code, timeout=60, output_hook=on_output)
    assert reply["content"]["status"] == "ok", reply["content"]
    assert errors == []
    return "".join(out)


def test_training_runs_while_the_kernel_is_idle_and_stops_from_another_cell(kernel: Any) -> None:
    # The cell returns with no step taken: training is a task, not part of the cell.
    assert run(kernel, START).split() == ["0"]
    time.sleep(1.0)  # the kernel is idle: nothing but the task runs
    first = int(run(kernel, "print(pg._stepper.steps)"))
    time.sleep(0.5)
    second = int(run(kernel, "print(pg._stepper.steps)"))
    assert 0 < first < second
    stopped = int(run(kernel, "pg.running = False\nprint(pg._stepper.steps)"))
    time.sleep(0.5)
    assert run(kernel, "print(pg._stepper.steps, pg.step, pg.running)").split() == [
        str(stopped),
        str(stopped),
        "False",
    ]
    # Setting it again from code starts it again, like the button.
    run(kernel, "pg.running = True")
    time.sleep(0.5)
    assert int(run(kernel, "print(pg._stepper.steps)")) > stopped
    run(kernel, "pg.close()")
