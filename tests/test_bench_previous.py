"""benchmarks/previous.py: the previous release comes out of git intact and both
workers run (at tiny sizes; nothing here looks at how long anything took)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # benchmarks/ is not part of the installed package
    sys.path.insert(0, str(ROOT))

from benchmarks import previous  # noqa: E402


def test_the_previous_release_is_exported_and_both_workers_report(tmp_path: Path) -> None:
    root = previous.export_previous(tmp_path)
    engine = (root / "autograd_mini" / "engine.py").read_text(encoding="utf-8")
    assert "class Value" in engine and "create_graph" not in engine  # the old engine
    old = previous._run_worker(root, repeats=1, bytes_n=100, current=False)
    new = previous._run_worker(previous.ROOT, repeats=1, bytes_n=100, current=True)
    workloads = {"step", "digits_step", "inference", "chain", "lecture", "bytes_per_node"}
    assert set(old) == workloads
    assert set(new) == workloads | {"create_graph_step", "create_graph_ratio"}
    assert all(v > 0 for v in [*old.values(), *new.values()])
    comparison = previous.Comparison(
        1,
        0.01,
        0.02,
        0.5,
        0.02,
        0.02,
        1.0,
        0.03,
        0.04,
        0.75,
        0.005,
        0.004,
        1.25,
        0.01,
        0.01,
        1.0,
        168.0,
        208.0,
        0.5,
        25.0,
    )
    table = previous.render(comparison)
    assert "| 10.0 ms | 20.0 ms | 0.50 (2.00x as fast) |" in table
    assert "| bytes per node, chain (tracemalloc) | 168 B | 208 B | 0.81 |" in table
    assert "| 5.0 ms | 4.0 ms | 1.25 (0.80x as fast) |" in table  # the chain, slower
