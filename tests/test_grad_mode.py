"""Grad mode and anomaly mode belong to one thread and one asyncio task.

The interleavings are forced with events, so each test runs exactly the order it
names (A enters, B enters, A leaves, B leaves), not whatever the scheduler picks.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

import pytest

from autograd_mini import Value, no_grad
from autograd_mini.anomaly import AnomalyError, detect_anomaly, is_anomaly_enabled
from autograd_mini.engine import is_grad_enabled


def _interleave(
    enter: Callable[[], object], probe: Callable[[], object]
) -> tuple[dict[str, object], list[BaseException]]:
    """Threads A and B enter `enter()` blocks in the order A-in, B-in, A-out, B-out.

    Returns what `probe()` said in each thread at each point, and any errors.
    """
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, object] = {}
    errors: list[BaseException] = []

    def thread_a() -> None:
        try:
            with enter():  # type: ignore[attr-defined]
                a_in.set()
                assert b_in.wait(5)
                seen["A inside, B inside"] = probe()
            a_out.set()
            seen["A after leaving, B inside"] = probe()
        except BaseException as error:  # reported by the test, not lost in the thread
            errors.append(error)
            a_out.set()

    def thread_b() -> None:
        try:
            assert a_in.wait(5)
            seen["B before entering, A inside"] = probe()
            with enter():  # type: ignore[attr-defined]
                b_in.set()
                assert a_out.wait(5)
                seen["B inside, A left"] = probe()
            seen["B after leaving"] = probe()
        except BaseException as error:
            errors.append(error)
            b_in.set()

    threads = [threading.Thread(target=thread_a), threading.Thread(target=thread_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    return seen, errors


def test_no_grad_in_two_threads_in_the_order_a_in_b_in_a_out_b_out() -> None:
    seen, errors = _interleave(no_grad, is_grad_enabled)
    assert not errors
    assert seen == {
        "B before entering, A inside": True,
        "A inside, B inside": False,
        "A after leaving, B inside": True,
        "B inside, A left": False,
        "B after leaving": True,
    }
    assert is_grad_enabled()
    w = Value(3.0)
    (w * w).backward()
    assert w.grad == 6.0  # gradients still flow in the main thread afterwards


def test_training_in_one_thread_while_another_evaluates_under_no_grad() -> None:
    inside, done = threading.Event(), threading.Event()
    grads: list[float] = []

    def evaluator() -> None:
        with no_grad():
            inside.set()
            done.wait(5)

    def trainer() -> None:
        inside.wait(5)
        w = Value(2.0)
        (w * w * w).backward()
        grads.append(w.grad)
        done.set()

    threads = [threading.Thread(target=evaluator), threading.Thread(target=trainer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert grads == [12.0]


def test_anomaly_mode_in_two_threads_in_the_same_order() -> None:
    seen, errors = _interleave(detect_anomaly, is_anomaly_enabled)
    assert not errors
    assert seen == {
        "B before entering, A inside": False,
        "A inside, B inside": True,
        "A after leaving, B inside": False,
        "B inside, A left": True,
        "B after leaving": False,
    }
    assert not is_anomaly_enabled()


def test_anomaly_mode_of_one_thread_does_not_change_anothers_backward() -> None:
    inside, done = threading.Event(), threading.Event()
    raised: list[type[BaseException]] = []

    def checker() -> None:
        with detect_anomaly():
            inside.set()
            done.wait(5)

    def other() -> None:
        inside.wait(5)
        try:
            Value(0.0).sqrt().backward()  # infinite slope at 0
        except BaseException as error:
            raised.append(type(error))
        done.set()

    threads = [threading.Thread(target=checker), threading.Thread(target=other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert raised == [OverflowError]  # the plain engine error, not AnomalyError


def test_a_task_awaiting_inside_no_grad_leaves_other_tasks_gradients_alone() -> None:
    async def evaluating(entered: asyncio.Event, trained: asyncio.Event) -> bool:
        with no_grad():
            entered.set()
            await trained.wait()
            return is_grad_enabled()

    async def training(entered: asyncio.Event, trained: asyncio.Event) -> float:
        await entered.wait()
        w = Value(2.0)
        (w * w).backward()
        trained.set()
        return w.grad

    async def main() -> tuple[bool, float, bool]:
        entered, trained = asyncio.Event(), asyncio.Event()
        inside, grad = await asyncio.gather(
            evaluating(entered, trained), training(entered, trained)
        )
        return inside, grad, is_grad_enabled()

    assert asyncio.run(main()) == (False, 4.0, True)


def test_anomaly_mode_in_one_task_is_not_seen_by_another() -> None:
    async def checking(entered: asyncio.Event, done: asyncio.Event) -> None:
        with detect_anomaly():
            entered.set()
            await done.wait()

    async def plain(entered: asyncio.Event, done: asyncio.Event) -> bool:
        await entered.wait()
        flag = is_anomaly_enabled()
        done.set()
        return flag

    async def main() -> bool:
        entered, done = asyncio.Event(), asyncio.Event()
        _, flag = await asyncio.gather(checking(entered, done), plain(entered, done))
        return flag

    assert asyncio.run(main()) is False


def test_backward_of_a_result_computed_under_no_grad_is_a_clear_error() -> None:
    w = Value(3.0)
    with no_grad():
        y = w * w
    with pytest.raises(RuntimeError, match=r"computed under no_grad\(\)"):
        y.backward()
    assert w.grad == 0.0
    with pytest.raises(RuntimeError, match=r"computed under no_grad\(\)"):
        y.backward(create_graph=True)
    with no_grad():
        z = Value.dot([w], [2.0])
    with pytest.raises(RuntimeError, match="no_grad"):
        z.backward()
    Value(1.0).backward()  # a leaf made by hand is fine: d x / d x = 1


def test_anomaly_mode_checks_create_graph_passes_too() -> None:
    from autograd_mini import grad

    x = Value(0.7, label="x")
    y = (x * x).tanh()
    plain = grad(y, [x], create_graph=True)[0]
    with detect_anomaly():
        checked = grad(y, [x], create_graph=True)[0]
    assert checked.data == plain.data
    x.data = float("nan")  # corrupted behind the engine's back
    with detect_anomaly(), pytest.raises(AnomalyError, match=r"value of node 'x' \(leaf\) is nan"):
        y.backward(create_graph=True)
