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
    assert set(old) == {"step", "bytes_per_node"}
    assert set(new) == {"step", "bytes_per_node", "create_graph_step", "create_graph_ratio"}
    assert all(v > 0 for v in [*old.values(), *new.values()])
    table = previous.render(previous.Comparison(1, 0.02, 0.02, 1.0, 168.0, 208.0, 0.5, 25.0))
    assert "| bytes per node, chain (tracemalloc) | 168 B | 208 B | 0.81 |" in table
