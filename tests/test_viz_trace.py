"""trace_backward: the same steps, in the same order, with the same numbers as backward()."""

from __future__ import annotations

import pytest
from graphs import karpathy
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_mini import Value
from autograd_mini.nn import MLP
from autograd_mini.viz import Step, trace_backward
from autograd_mini.viz.escape import clean_text

# Exact float equality on purpose below: trace_backward repeats backward()'s
# arithmetic in backward()'s order, so any difference at all is a bug.


def assert_trace_matches_backward(root: Value) -> list[Step]:
    order = root.topological_order()
    for node in order:
        node.grad = 0.0
    steps = trace_backward(root)
    before = [(n.data, n.grad) for n in order]
    root.backward()
    assert before == [(n.data, 0.0) for n in order], "trace_backward changed the graph"
    # Same nodes, same order as backward()'s loop (leaves do nothing there).
    assert [s.node for s in steps] == [n for n in reversed(order) if n.parents]
    final: dict[int, float] = {id(root): 1.0}
    for step in steps:
        assert step.upstream_grad == step.node.grad
        assert step.local_grads == step.node.local_grads
        assert step.parents == step.node.parents
        for parent, local, contribution, total in zip(
            step.parents, step.local_grads, step.contributions, step.parent_grads
        ):
            assert contribution == local * step.upstream_grad
            final[id(parent)] = total
    for node in order:
        assert final.get(id(node), 0.0) == node.grad
    return steps


def test_karpathy_example_steps_by_hand() -> None:
    L, v = karpathy()
    steps = assert_trace_matches_backward(L)
    assert [(s.name, s.op, s.upstream_grad) for s in steps] == [
        ("L", "*", 1.0),
        ("d", "+", -2.0),
        ("e", "*", -2.0),
    ]
    assert steps[0].parent_names == ("d", "f") and steps[0].local_grads == (-2.0, 4.0)
    assert steps[2].contributions == (6.0, -4.0)  # dL/da = -2 * -3, dL/db = -2 * 2
    assert (v["a"].grad, v["b"].grad, v["c"].grad, v["f"].grad) == (6.0, -4.0, -2.0, 4.0)


def test_repeated_parent_gets_two_contributions_that_sum() -> None:
    x = Value(3.0, label="x")
    y = x * x
    steps = assert_trace_matches_backward(y)
    assert steps[0].contributions == (3.0, 3.0)
    assert steps[0].parent_grads == (3.0, 6.0)


def test_shared_subexpression_accumulates_from_every_consumer() -> None:
    x = Value(0.7, label="x")
    h = x.tanh()
    y = h * h + h.exp() - 2 / h
    assert_trace_matches_backward(y)


def test_mlp_hinge_loss_trace_equals_backward() -> None:
    model = MLP(2, [16, 16, 1], seed=0)
    xs = [[0.5, -1.0], [-0.3, 0.2], [0.9, 0.4], [-0.6, -0.8]]
    ys = [1.0, -1.0, 1.0, -1.0]
    losses = [(1 - y * model(x)).relu() for x, y in zip(xs, ys)]  # type: ignore[operator]
    loss = Value.sum(losses) / 4
    steps = assert_trace_matches_backward(loss)
    assert steps[0].node is loss
    assert any(n.startswith("layers.0.neurons.0.w") for s in steps for n in s.parent_names)


_UNARY = ["tanh", "sigmoid", "sin", "cos", "relu", "abs", "neg"]


@st.composite
def expression_graphs(draw: st.DrawFn) -> Value:
    """Random graphs in which later nodes reuse earlier ones (shared sub-expressions)."""
    nodes = [
        Value(draw(st.floats(-2, 2, allow_nan=False)), label=f"x{i}")
        for i in range(draw(st.integers(1, 3)))
    ]
    for _ in range(draw(st.integers(1, 12))):
        kind = draw(st.sampled_from(["+", "-", "*", "unary", "const", "sum"]))
        a = draw(st.sampled_from(nodes))
        b = draw(st.sampled_from(nodes))
        if kind == "+":
            nodes.append(a + b)
        elif kind == "-":
            nodes.append(a - b)
        elif kind == "*":
            nodes.append(a * b)
        elif kind == "unary":
            op = draw(st.sampled_from(_UNARY))
            nodes.append(-a if op == "neg" else getattr(a, op)())
        elif kind == "const":
            nodes.append(a * draw(st.floats(-3, 3, allow_nan=False)) + 0.5)
        else:
            nodes.append(Value.sum([a, b, a]))
    return nodes[-1]


@settings(max_examples=60, deadline=None)
@given(expression_graphs())
def test_random_graphs_trace_equals_backward(root: Value) -> None:
    assert_trace_matches_backward(root)


def test_a_custom_seed_is_the_first_upstream_gradient() -> None:
    x = Value(2.0, label="x")
    y = x * 5
    steps = trace_backward(y, gradient=0.5)
    assert steps[0].upstream_grad == 0.5 and steps[0].contributions == (2.5,)
    assert x.grad == 0.0


def test_leaf_root_has_no_steps() -> None:
    assert trace_backward(Value(1.0)) == []


def test_table_is_aligned_golden_text() -> None:
    L, _ = karpathy()
    expected = "\n".join(
        [
            "step  node  op  upstream  parent  local  contribution  parent grad",
            "   1  L     *          1  d          -2            -2           -2",
            "                          f           4             4            4",
            "   2  d     +         -2  e           1            -2           -2",
            "                          c           1            -2           -2",
            "   3  e     *         -2  a          -3             6            6",
            "                          b           2            -4           -4",
        ]
    )
    trace = trace_backward(L)
    assert str(trace) == expected
    assert repr(trace) == expected
    lines = trace.table(max_rows=2).splitlines()
    assert len(lines) == 4 and lines[-1] == "… 4 more rows"


def test_unlabelled_nodes_are_numbered_like_the_svg_ids() -> None:
    x = Value(1.0, label="x")
    y = (x * 2).tanh()
    steps = trace_backward(y)
    assert [s.name for s in steps] == ["#2", "#1"]
    assert steps[1].parent_names == ("x",)


def test_html_table_escapes_labels() -> None:
    x = Value(1.0, label="<img src=x onerror=alert(1)>")
    html = trace_backward(x * 2)._repr_html_()
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert html.count("<tr") == 2


@pytest.mark.parametrize("label", ["two\nlines", "cr\rhere", "nul\x00esc\x1b", "tab\tx", "a\n\nb"])
def test_control_characters_in_labels_keep_the_table_aligned(label: str) -> None:
    x = Value(2.0, label=label)
    y = x * x
    y.label = "y"
    lines = str(trace_backward(y)).splitlines()
    assert len(lines) == 3  # header + one row per parent, nothing split
    shown = clean_text(label).replace("\n", "\\n")
    width = max(len("parent"), len(shown))
    header = (
        "step  node  op  upstream  " + "parent".ljust(width) + "  local  contribution  parent grad"
    )
    assert lines[0] == header
    assert (
        lines[1]
        == "   1  y     *          1  " + shown.ljust(width) + "      2             2            2"
    )
    assert lines[2] == " " * 26 + shown.ljust(width) + "      2             2            4"
