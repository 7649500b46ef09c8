"""custom_op pairs derivatives with parents by position, so both must be sequences.

A set or dict of parents would be paired in hash order (wrong gradients, silently);
an op name that is not a short str breaks or bloats every picture of the graph.
Each is a one-line error before any node is built.
"""

from __future__ import annotations

import pytest

from autograd_mini import Value
from autograd_mini.engine import MAX_OP_NAME, custom_op

p, q = Value(2.0, label="p"), Value(3.0, label="q")


@pytest.mark.parametrize(
    "parents",
    [{p, q}, {p: 1, q: 2}, frozenset({p, q}), (v for v in (p, q)), "pq"],
    ids=["set", "dict", "frozenset", "generator", "str"],
)
def test_parents_in_no_fixed_order_are_a_type_error(parents: object) -> None:
    with pytest.raises(TypeError, match=r"custom_op 'f': parents must be a list or tuple"):
        custom_op(6.0, parents, "f", [10.0, 1.0])  # type: ignore[arg-type]


@pytest.mark.parametrize("local_grads", [{10.0, 1.0}, {10.0: 0, 1.0: 1}], ids=["set", "dict"])
def test_local_grads_in_no_fixed_order_are_a_type_error(local_grads: object) -> None:
    with pytest.raises(TypeError, match=r"custom_op 'f': local_grads must be a list or tuple"):
        custom_op(6.0, [p, q], "f", local_grads)  # type: ignore[arg-type]


def test_derivatives_pair_with_parents_by_position() -> None:
    a, b = Value(2.0), Value(3.0)
    out = custom_op(6.0, (a, b), "f", (10.0, 1.0))
    out.backward()
    assert (a.grad, b.grad) == (10.0, 1.0)


@pytest.mark.parametrize("op", [7, None, b"f", ["f"]], ids=["int", "None", "bytes", "list"])
def test_an_op_name_that_is_not_a_str_is_a_type_error(op: object) -> None:
    with pytest.raises(TypeError, match=r"custom_op: op must be a str, got"):
        custom_op(6.0, [p, q], op, [10.0, 1.0])  # type: ignore[arg-type]


def test_a_huge_op_name_is_a_value_error_with_a_short_message() -> None:
    with pytest.raises(ValueError, match=rf"at most {MAX_OP_NAME} characters") as caught:
        custom_op(6.0, [p, q], "f" * 2_000_000, [10.0, 1.0])
    assert len(str(caught.value)) < 300
    assert custom_op(6.0, [p, q], "f" * MAX_OP_NAME, [10.0, 1.0]).op == "f" * MAX_OP_NAME
