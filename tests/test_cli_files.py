"""The command line and the files it writes: failures are one line, a status, nothing partial.

`autograd-mini demo` that cannot write its output (a directory where a file
should go, a full disk) prints one line, exits with status 3 (documented as
"could not be written") and leaves no partial file. `graph -o` is
atomic like every other write, refuses a FIFO at once instead of hanging, and
refuses -o and --animate naming one file. Sizes that would exhaust memory are
bounded with a clear error.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

EXIT_CANNOT_WRITE = 3
FAST_DEMO = ["demo", "--epochs", "2", "--samples", "10", "--hidden", "4", "--no-progress"]


def run(args: list[str], *, file_size_limit: int | None = None) -> subprocess.CompletedProcess[str]:
    def limit() -> None:
        if file_size_limit is not None:
            # A full disk, as the writer sees it: writes past the limit fail (EFBIG).
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

    return subprocess.run(
        [sys.executable, "-m", "autograd_mini", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=limit,
    )


def one_error_line(proc: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    return lines[0]


def truncated(folder: Path) -> list[str]:
    """Files in `folder` that are temporary or not complete (SVG without its end tag)."""
    bad = []
    for path in folder.rglob("*"):
        if path.is_file() and (
            path.name.startswith(".")
            or path.suffix == ".tmp"
            or (path.suffix == ".svg" and not path.read_text().rstrip().endswith("</svg>"))
        ):
            bad.append(path.name)
    return bad


def test_demo_with_a_directory_where_the_model_goes_fails_with_status_3(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "model.json").mkdir(parents=True)
    proc = run([*FAST_DEMO, "--out", str(out)])
    assert proc.returncode == EXIT_CANNOT_WRITE
    line = one_error_line(proc)
    assert "model.json" in line and "cannot write" in line
    assert truncated(out) == []


def test_demo_on_a_full_disk_fails_with_status_3_and_leaves_nothing_partial(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    proc = run([*FAST_DEMO, "--out", str(out)], file_size_limit=3000)
    assert proc.returncode == EXIT_CANNOT_WRITE, proc.stderr
    assert "cannot write" in one_error_line(proc)
    assert truncated(out) == []
    assert sorted(p.name for p in out.iterdir()) == []  # all of the output, or none of it


def test_demo_documents_status_3() -> None:
    proc = run(["demo", "--help"])
    assert "3 when the output could not be written" in " ".join(proc.stdout.split())


def test_graph_output_to_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "g.svg"
    os.mkfifo(fifo)
    proc = run(["graph", "x*y", "--set", "x=2", "--set", "y=3", "-o", str(fifo)])
    assert proc.returncode == EXIT_CANNOT_WRITE
    assert "g.svg" in one_error_line(proc) and "not a regular file" in proc.stderr


def test_graph_output_and_animation_naming_one_file_are_refused(tmp_path: Path) -> None:
    same = tmp_path / "g.svg"
    proc = run(["graph", "x*2", "--set", "x=1", "-o", str(same), "--animate", str(same)])
    assert proc.returncode == 2
    assert "--animate" in one_error_line(proc)
    assert not same.exists()
    (tmp_path / "link.svg").symlink_to(same)
    proc = run(
        ["graph", "x*2", "--set", "x=1", "-o", str(same), "--animate", str(tmp_path / "link.svg")]
    )
    assert proc.returncode == 2


def test_graph_output_keeps_an_existing_files_permissions(tmp_path: Path) -> None:
    path = tmp_path / "g.dot"
    path.write_text("old")
    path.chmod(0o600)
    proc = run(["graph", "x*2", "--set", "x=1", "-o", str(path)])
    assert proc.returncode == 0, proc.stderr
    assert path.stat().st_mode & 0o777 == 0o600 and "digraph" in path.read_text()


@pytest.mark.parametrize(
    ("option", "value", "needle"),
    [
        ("--hidden", "100000000", "a layer has at most 512 units"),
        ("--hidden", "64," * 200 + "64", "at most 8 hidden layers, got 201"),
        ("--samples", "1000000000", "at most 10,000, got"),
        ("--epochs", "10000000000", "at most 100,000, got"),
    ],
    ids=["layer size", "layer count", "samples", "epochs"],
)
def test_demo_sizes_are_bounded_with_a_clear_error(option: str, value: str, needle: str) -> None:
    proc = run(["demo", option, value, "--no-progress"])
    assert proc.returncode == 2
    line = one_error_line(proc)
    assert option in line and needle in line and len(line) < 300


def test_demo_refuses_layers_and_samples_that_together_would_not_fit_in_memory() -> None:
    proc = run(["demo", "--hidden", "512,512", "--samples", "10000", "--no-progress"])
    assert proc.returncode == 2
    line = one_error_line(proc)
    assert "--hidden 512,512 with --samples 10000" in line and "at most" in line
