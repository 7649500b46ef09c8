"""Smoke tests of benchmarks/: at tiny sizes, both engines must compute the same
numbers from the same weights, and the suite must produce its table. Nothing
here looks at how long anything took."""

from __future__ import annotations

import doctest
import importlib.util
import math
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # benchmarks/ is not part of the installed package
    sys.path.insert(0, str(ROOT))

from autograd_mini import Value  # noqa: E402
from autograd_mini.nn import MLP  # noqa: E402
from benchmarks import compare, report, suite, timing  # noqa: E402
from benchmarks import workloads as w  # noqa: E402
from benchmarks.timing import Series, Timing, interleaved  # noqa: E402

# micrograd (dev extra) and scikit-learn (notebooks extra) are required, not skipped.


def test_moons_step_gives_the_same_loss_and_update_in_both_engines() -> None:
    X, y = w.moons(12)
    ours = MLP(2, [4, 4, 1], seed=3)
    theirs = w.micrograd_mlp(ours)
    for _ in range(3):  # several steps: the SGD updates must agree as well
        loss_ours = w.ours_moons_step(ours, X, y, lr=0.1)
        loss_theirs = w.micrograd_moons_step(theirs, X, y, lr=0.1)
        assert loss_ours == pytest.approx(loss_theirs, rel=1e-12)
    for p, q in zip(ours.parameters(), theirs.parameters()):
        assert p.data == pytest.approx(q.data, rel=1e-12, abs=1e-15)


def test_inference_scores_agree_on_a_grid() -> None:
    X, _ = w.moons(10)
    points = w.grid(X, 4)
    assert len(points) == 16
    ours = MLP(2, [5, 5, 1], seed=0)
    theirs = w.micrograd_mlp(ours)
    assert w.ours_inference(ours, points) == pytest.approx(
        w.micrograd_inference(theirs, points), rel=1e-12, abs=1e-15
    )


def test_grid_covers_the_data_with_a_margin() -> None:
    points = w.grid([[0.0, 0.0], [1.0, 2.0]], 3)
    assert points[0] == [-1.0, -1.0] and points[-1] == [2.0, 3.0]
    assert points[1] == [0.5, -1.0]  # row by row


def test_chains_give_c_to_the_n_and_micrograd_hits_the_recursion_limit() -> None:
    x, y = w.ours_chain(200)
    y.backward()
    assert x.grad == pytest.approx(w.CHAIN_FACTOR**200, rel=1e-12)
    mx, my = w.micrograd_chain(200)
    my.backward()
    assert mx.grad == pytest.approx(x.grad, rel=1e-12)
    _, deep = w.micrograd_chain(sys.getrecursionlimit() + 10)
    with pytest.raises(RecursionError):
        deep.backward()


def test_wide_sums_agree_in_value_and_gradient() -> None:
    from micrograd.engine import Value as MicroValue

    xs, ws = w.wide_leaves(101)
    mxs, mws = w.wide_leaves(101, MicroValue)
    total = w.ours_wide_sum(xs, ws)
    micro_total = w.micrograd_wide_sum(mxs, mws)
    assert total.data == pytest.approx(micro_total.data, rel=1e-12)
    assert [x.grad for x in xs] == [w_.data for w_ in ws]
    assert [x.grad for x in mxs] == pytest.approx([x.grad for x in xs], rel=1e-12)


def test_cross_entropy_matches_the_closed_form_and_its_gradient() -> None:
    numbers = [2.0, -1.0, 0.5, 700.0]  # 700 would overflow exp without the shift
    logits = [Value(v) for v in numbers]
    loss = w.cross_entropy(logits, 2)
    loss.backward()
    top = max(numbers)
    lse = top + math.log(sum(math.exp(v - top) for v in numbers))
    assert loss.data == pytest.approx(lse - numbers[2], rel=1e-12)
    softmax = [math.exp(v - lse) for v in numbers]
    expected = [p - (1.0 if i == 2 else 0.0) for i, p in enumerate(softmax)]
    assert [v.grad for v in logits] == pytest.approx(expected, abs=1e-12)


def test_digits_step_returns_the_mean_cross_entropy_of_the_batch() -> None:
    X, y = w.digits_batch(4)
    assert len(X) == 4 and len(X[0]) == 64 and max(max(r) for r in X) <= 1.0
    model = MLP(64, [8, 10], activation="tanh", seed=0)
    expected = []
    for x, target in zip(X, y):
        scores = [v.data for v in model(x)]  # type: ignore[union-attr]
        top = max(scores)
        expected.append(top + math.log(sum(math.exp(s - top) for s in scores)) - scores[target])
    before = [p.data for p in model.parameters()]
    loss = w.ours_digits_step(model, X, y, lr=0.1)
    assert loss == pytest.approx(sum(expected) / 4, rel=1e-12)
    assert [p.data for p in model.parameters()] != before


def test_fit_workload_trains_the_same_with_and_without_recording() -> None:
    X, y = w.moons(10)
    recorded = w.ours_fit(X, y, epochs=4, record=True)
    plain = w.ours_fit(X, y, epochs=4, record=False)
    assert recorded.loss == plain.loss and plain.recording is None
    assert recorded.recording is not None and len(recorded.recording.steps) == 5


def test_copy_weights_rejects_a_different_architecture() -> None:
    with pytest.raises(ValueError, match="copy_weights"):
        w.copy_weights(MLP(2, [3, 1], seed=0), w.micrograd_mlp(MLP(2, [4, 1], seed=0)))


def test_timing_statistics_are_medians_and_ratios_are_theirs_over_ours() -> None:
    timing = Timing.from_pairs([(1.0, 20.0), (2.0, 30.0), (4.0, 8.0)])
    assert timing.ours == Series((1.0, 2.0, 4.0))
    assert (timing.ours.median, timing.ours.low, timing.ours.high) == (2.0, 1.0, 4.0)
    assert timing.ratio_of_medians == 10.0
    assert timing.pair_ratios == (20.0, 15.0, 2.0)
    assert timing.median_of_ratios == 15.0
    with pytest.raises(ValueError, match="at least one"):
        Timing.from_pairs([])


def test_interleaved_alternates_the_engines() -> None:
    calls: list[str] = []
    timing = interleaved(lambda: calls.append("A"), lambda: calls.append("B"), 3)
    assert calls == ["A", "B", "A", "B", "A", "B"]
    assert len(timing.pair_ratios) == 3


def test_memory_helpers_see_micrograd_keep_more() -> None:
    ours = timing.bytes_per_node(w.ours_chain, 2000)
    theirs = timing.bytes_per_node(w.micrograd_chain, 2000)
    assert 0 < ours < theirs
    X, y = w.moons(8)
    model = MLP(2, [4, 1], seed=0)
    micro = w.micrograd_mlp(model)
    kept_ours = timing.memory_growth(lambda: w.ours_moons_step(model, X, y, 0.1), 5)
    kept_theirs = timing.memory_growth(lambda: w.micrograd_moons_step(micro, X, y, 0.1), 2)
    assert kept_ours < 1000 < kept_theirs  # micrograd's closures form cycles


@pytest.mark.slow
def test_the_whole_suite_runs_at_tiny_sizes() -> None:
    tiny = suite.Config(1, 8, 4, 2, (10, 100), 1, 100, 64, 1, 32, 500, 3, 2, fit_epochs=3)
    rows, targets, notes = suite.run_suite(tiny)
    names = [row.workload for row in rows]
    assert names[0].startswith("moons step") and names[1].startswith("inference")
    assert sum(name.startswith("deep chain") for name in names) == 2
    assert any(row.theirs.startswith("unsupported") for row in rows)
    assert len(targets) == 6 and notes
    assert any(row.workload.startswith("fit(record=True) vs fit") for row in rows)
    text = report.render_markdown(rows, targets, "test machine", "test method", notes)
    assert "| workload | autograd_mini | micrograd |" in text
    assert "Machine: test machine." in text and "## Targets" in text
    assert text.count("\n| ") >= len(rows) + len(targets)


def test_missing_micrograd_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "micrograd" else real_find_spec(name, *a),
    )
    assert compare.main(["--quick"]) == 2
    assert "micrograd is not installed" in capsys.readouterr().err


def test_formatting_of_cells() -> None:
    assert report.format_seconds(0.000123) == "0.123 ms"
    assert report.format_seconds(12.0) == "12.00 s"
    assert report.format_bytes(208) == "208 B"
    assert report.series_cell(Series((0.001, 0.002, 0.003))) == "2 ms [1 ms-3 ms]"


@pytest.mark.parametrize("module", [report, timing, w])
def test_benchmark_docstring_examples(module: object) -> None:
    # benchmarks/ is outside pytest's doctest paths, so its examples run here
    # (compare and suite are scripts and have none)
    failed, attempted = doctest.testmod(module, verbose=False)  # type: ignore[arg-type]
    assert failed == 0
    assert attempted > 0
