"""Numerical faults: every undefined or overflowing operation fails loudly, naming the op.

Forward faults (exp overflow, log of zero, division by zero, results too large for a
float, ...), gradients that overflow during backward, and anomaly mode
(`autograd_mini.anomaly.detect_anomaly`), which locates NaN/inf that entered the
graph behind the engine's back.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from autograd_mini import Value
from autograd_mini.anomaly import (
    AnomalyError,
    checked_backward,
    detect_anomaly,
    is_anomaly_enabled,
)
from autograd_mini.engine import ZeroDivisionValueError

V = Value

# (case id, the faulty computation, expected exception type, text that must appear:
# the op name and the offending number)
FORWARD_FAULTS: list[tuple[str, Callable[[], object], type[Exception], tuple[str, ...]]] = [
    ("exp overflow", lambda: V(710.0).exp(), OverflowError, ("exp", "710.0")),
    ("exp overflow far", lambda: V(1e6).exp(), OverflowError, ("exp", "1000000.0")),
    ("log of zero", lambda: V(0.0).log(), ValueError, ("log", "0.0")),
    ("log of minus zero", lambda: V(-0.0).log(), ValueError, ("log", "0.0")),
    ("log of negative", lambda: V(-1.0).log(), ValueError, ("log", "-1.0")),
    ("sqrt of negative", lambda: V(-1e-300).sqrt(), ValueError, ("sqrt", "-1e-300")),
    ("value / zero value", lambda: V(1.0) / V(0.0), ZeroDivisionValueError, ("/", "1.0")),
    ("value / zero const", lambda: V(2.0) / 0, ZeroDivisionValueError, ("/", "2.0")),
    ("const / zero value", lambda: 3.0 / V(0.0), ZeroDivisionValueError, ("/", "3.0")),
    ("zero / zero", lambda: V(0.0) / V(-0.0), ZeroDivisionValueError, ("/", "0.0")),
    ("mul overflow", lambda: V(1e200) * V(1e200), OverflowError, ("*",)),
    ("mul overflow const right", lambda: V(1e200) * 1e200, OverflowError, ("*",)),
    ("mul overflow const left", lambda: -1e200 * V(1e200), OverflowError, ("*",)),
    ("add overflow", lambda: V(1.7e308) + V(1.7e308), OverflowError, ("+",)),
    ("add overflow const left", lambda: 1.7e308 + V(1.7e308), OverflowError, ("+",)),
    ("sub overflow", lambda: V(-1.7e308) - V(1.7e308), OverflowError, ("-",)),
    ("rsub overflow", lambda: 1.7e308 - V(-1.7e308), OverflowError, ("-",)),
    ("div overflow", lambda: V(1e300) / V(1e-300), OverflowError, ("/",)),
    ("rdiv overflow", lambda: 1e300 / V(1e-300), OverflowError, ("/",)),
    ("pow overflow", lambda: V(10.0) ** 400, OverflowError, ("**", "400")),
    ("rpow overflow", lambda: 2 ** V(5000.0), OverflowError, ("**", "5000.0")),
    ("value pow overflow", lambda: V(10.0) ** V(400.0), OverflowError, ("**",)),
    ("zero to negative power", lambda: V(0.0) ** -1, ValueError, ("**", "-1")),
    ("negative base fraction", lambda: V(-8.0) ** 0.5, ValueError, ("**", "-8.0")),
    ("zero base value exp", lambda: 0 ** V(1.0), ValueError, ("**", "0.0")),
    ("negative value base", lambda: V(-1.0) ** V(2.0), ValueError, ("**", "-1.0")),
    ("sum overflow", lambda: V.sum([V(1e308), V(1e308)]), OverflowError, ("sum",)),
    ("sum overflow constants", lambda: V.sum([V(1.0), 1e308, 1e308]), OverflowError, ("sum",)),
    ("dot overflow", lambda: V.dot([V(1e200)], [1e200]), OverflowError, ("dot",)),
    ("dot bias overflow", lambda: V.dot([V(1e308)], [1.0], V(1e308)), OverflowError, ("dot",)),
    ("NaN data", lambda: V(math.nan), ValueError, ("Value", "nan")),
    ("inf data", lambda: V(-math.inf), ValueError, ("Value", "-inf")),
    ("NaN constant", lambda: V(1.0) * math.nan, ValueError, ("*", "nan")),
    ("inf constant", lambda: math.inf + V(1.0), ValueError, ("+", "inf")),
    ("NaN exponent", lambda: V(2.0) ** math.nan, ValueError, ("**", "nan")),
    ("NaN slope", lambda: V(1.0).leaky_relu(math.nan), ValueError, ("leaky_relu", "nan")),
    ("NaN in sum", lambda: V.sum([V(1.0), math.nan]), ValueError, ("sum", "nan")),
    ("NaN backward seed", lambda: V(1.0).backward(math.nan), ValueError, ("backward", "nan")),
    ("int too large", lambda: V(10**400), OverflowError, ("Value", "too large")),
    ("int too large to print", lambda: V(10**5000), OverflowError, ("Value", "too large")),
]


@pytest.mark.parametrize(
    ("make", "error", "needles"),
    [case[1:] for case in FORWARD_FAULTS],
    ids=[case[0] for case in FORWARD_FAULTS],
)
def test_forward_fault_raises_an_error_naming_the_op_and_value(
    make: Callable[[], object], error: type[Exception], needles: tuple[str, ...]
) -> None:
    with pytest.raises(error) as caught:
        make()
    message = str(caught.value)
    for needle in needles:
        assert needle in message, f"{needle!r} missing from {message!r}"
    assert "\n" not in message


def test_error_messages_stay_short_for_huge_inputs() -> None:
    # Quoting all 401 digits of the int would make a message nobody can read.
    with pytest.raises(OverflowError) as caught:
        V(10**400)
    assert len(str(caught.value)) < 200


def test_saturating_functions_return_limits_instead_of_failing() -> None:
    assert V(1000.0).tanh().data == 1.0
    assert V(-1000.0).sigmoid().data == 0.0
    assert V(1000.0).sigmoid().data == 1.0
    assert V(-1000.0).exp().data == 0.0
    assert V(709.0).exp().data == pytest.approx(math.exp(709.0))


# ---------------------------------------------------------------------------
# gradients that overflow during backward
# ---------------------------------------------------------------------------


def _backward_message(root: Value) -> str:
    with pytest.raises(OverflowError) as caught:
        root.backward()
    message = str(caught.value)
    assert message.startswith("backward:")
    assert "\n" not in message
    return message


def test_backward_overflow_names_the_node_and_the_op_it_came_from() -> None:
    x = V(1e-300, label="x")
    a = x * 1e200
    a.label = "a"
    b = a * 1e200
    b.label = "b"
    c = b * 1e200  # every value finite (1e-100, 1e100, 1e300); d c / d a = 1e400
    message = _backward_message(c)
    assert "'a'" in message  # the node whose gradient overflowed
    assert "'b'" in message and "*1e+200" in message  # the op it flowed through


def test_backward_through_sqrt_at_zero_names_sqrt() -> None:
    x = V(0.0, label="x")
    message = _backward_message(x.sqrt())
    assert "'x'" in message and "sqrt" in message


def test_backward_through_fractional_power_at_zero_names_the_power() -> None:
    x = V(0.0, label="x")
    message = _backward_message(x**0.5)
    assert "'x'" in message and "**0.5" in message


def test_backward_overflow_when_two_finite_contributions_sum_to_inf() -> None:
    x = V(1e-10, label="x")
    y = x * 1e308 + x * 1e308  # each contribution finite, their sum is not
    message = _backward_message(y)
    assert "'x'" in message and "*1e+308" in message


def test_backward_overflow_from_a_huge_seed_names_the_op() -> None:
    x = V(3.0, label="x")
    y = x * 1e10
    with pytest.raises(OverflowError, match=r"\*1e\+10"):
        y.backward(1e300)


# ---------------------------------------------------------------------------
# anomaly mode
# ---------------------------------------------------------------------------


def test_anomaly_mode_finds_the_first_nan_value_with_label_and_op() -> None:
    w = V(0.5, label="w")
    h = w.tanh()
    h.label = "h"
    y = h.exp()
    h.data = math.nan  # corrupted after the forward pass; y is now stale and...
    y.data = math.nan  # ...downstream of it too: the report must point at h, not y
    with detect_anomaly(), pytest.raises(AnomalyError) as caught:
        y.backward()
    message = str(caught.value)
    assert "'h'" in message and "tanh" in message and "nan" in message
    assert caught.value.node is h


def test_anomaly_mode_finds_the_first_non_finite_gradient() -> None:
    x = V(0.0, label="x")
    r = x.sqrt()
    r.label = "r"
    y = r * 3.0
    with detect_anomaly(), pytest.raises(AnomalyError) as caught:
        y.backward()
    message = str(caught.value)
    assert "'x'" in message and "'r'" in message and "sqrt" in message
    assert caught.value.node is r


def test_anomaly_mode_catches_a_gradient_that_only_overflows_when_summed() -> None:
    x = V(1e-10, label="x")
    y = x * 1e308 + x * 1e308
    with pytest.raises(AnomalyError, match="'x'"):
        checked_backward(y)


def test_anomaly_mode_rejects_a_non_finite_seed() -> None:
    with pytest.raises(AnomalyError, match="seed"):
        checked_backward(V(1.0) * 2, math.inf)


def test_anomaly_mode_matches_plain_backward_on_healthy_graphs() -> None:
    def build() -> tuple[list[Value], Value]:
        a, b = V(1.5, label="a"), V(-0.5, label="b")
        c = a * b + a.exp()
        d = (c * c).tanh() + b.sigmoid() / a
        return [a, b, c], d

    plain_nodes, plain_root = build()
    plain_root.backward()
    plain_root.backward()
    checked_nodes, checked_root = build()
    with detect_anomaly():
        checked_root.backward()
        checked_root.backward()
    assert [n.grad for n in checked_nodes] == [n.grad for n in plain_nodes]


def test_anomaly_mode_is_restored_after_an_error_and_nests() -> None:
    with detect_anomaly():
        with detect_anomaly():
            pass
        assert is_anomaly_enabled()  # the outer block still holds
    assert not is_anomaly_enabled()
    with pytest.raises(AnomalyError), detect_anomaly():
        V(0.0).sqrt().backward()
    assert not is_anomaly_enabled()
    # Outside the block the engine's own error comes back.
    with pytest.raises(OverflowError):
        V(0.0).sqrt().backward()


@pytest.mark.parametrize(
    ("run_backward", "error"),
    [(Value.backward, OverflowError), (checked_backward, AnomalyError)],
    ids=["plain", "anomaly"],
)
def test_a_failed_backward_leaves_leaf_grads_as_they_were(
    run_backward: Callable[[Value], None], error: type[Exception]
) -> None:
    x, z = V(0.0, label="x"), V(2.0, label="z")
    x.grad, z.grad = 0.25, -1.5
    y = z * z + x.sqrt()
    with pytest.raises(error):
        run_backward(y)
    assert (x.grad, z.grad) == (0.25, -1.5)


def test_anomaly_mode_and_trace_check_the_seed_like_backward() -> None:
    from autograd_mini.viz import trace_backward

    y = V(1.0) * 2
    for bad in ("2", True, None):
        with pytest.raises(TypeError, match="got"):
            y.backward(bad)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="got"):
            checked_backward(y, bad)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="got"):
            trace_backward(y, bad)  # type: ignore[arg-type]
