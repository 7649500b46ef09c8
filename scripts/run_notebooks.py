"""Execute the lesson notebooks top to bottom in a fresh kernel and save them with outputs.

Usage:
    python scripts/run_notebooks.py                  # every notebooks/NN_*.ipynb
    python scripts/run_notebooks.py notebooks/03_*.ipynb
    python scripts/run_notebooks.py --check          # execute and report, write nothing

Each notebook runs in its own fresh kernel started from *this* interpreter (so the
venv's autograd_mini is the one imported), with a budget for the whole notebook
(`--timeout`, default 120 s). A notebook fails on any error and on any stderr
output (warnings, tracebacks, text progress bars). Saved notebooks carry their
outputs, execution counts 1..n, deterministic cell ids and no volatile metadata,
so re-running changes only what the code prints. tests/test_notebooks.py imports
`execute_notebook`, `output_problems` and `notebook_paths` from this file.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

import nbformat
from jupyter_client.kernelspec import NATIVE_KERNEL_NAME, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from traitlets import default

__all__ = [
    "DEFAULT_TIMEOUT",
    "NOTEBOOK_DIR",
    "clean_notebook",
    "execute_notebook",
    "notebook_paths",
    "output_problems",
]

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
DEFAULT_TIMEOUT = 120.0
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")  # IPython colours its tracebacks
# Default reprs such as "<graphviz.graphs.Digraph at 0x7f..>" change on every run.
MEMORY_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+>")

# What the kernel sees: a fixed hash seed so set/dict-of-str orders are the same on
# every run, and matplotlib's inline backend so no GUI backend is tried.
KERNEL_ENV = {
    "PYTHONHASHSEED": "0",
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
}

# The committed notebook-level metadata: everything else (language version, widget
# state, execution timing) changes from machine to machine and only adds diff noise.
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"name": "python", "pygments_lexer": "ipython3"}


def notebook_paths(directory: Path = NOTEBOOK_DIR) -> list[Path]:
    """The lessons, in order: every `NN_topic.ipynb` in `directory`."""
    return sorted(p for p in directory.glob("[0-9][0-9]_*.ipynb") if p.is_file())


class ThisInterpreterKernelManager(AsyncKernelManager):  # type: ignore[misc]
    """Starts ipykernel with the interpreter running this script.

    kernel_dirs=[] leaves only ipykernel's built-in spec, whose argv is this very
    interpreter: a user-level "python3" kernel pointing elsewhere is never picked up.
    """

    @default("kernel_spec_manager")
    def _only_the_builtin_spec(self) -> KernelSpecManager:
        return KernelSpecManager(kernel_dirs=[])


def execute_notebook(
    notebook: nbformat.NotebookNode, *, cwd: Path, timeout: float = DEFAULT_TIMEOUT
) -> float:
    """Run every cell of `notebook` in place in a fresh kernel; return the seconds taken.

    `timeout` bounds the whole notebook: each cell gets what is left of it.
    Raises nbclient's CellExecutionError on an error and CellTimeoutError past the budget.
    """
    start = time.perf_counter()
    deadline = start + timeout

    def time_left(_cell: Any) -> int:
        return max(1, int(deadline - time.perf_counter()))

    client = NotebookClient(
        notebook,
        kernel_name=NATIVE_KERNEL_NAME,
        kernel_manager_class=ThisInterpreterKernelManager,
        timeout_func=time_left,
        allow_errors=False,
        record_timing=False,
        resources={"metadata": {"path": str(cwd)}},
    )
    client.execute(env={**os.environ, **KERNEL_ENV})
    return time.perf_counter() - start


def output_problems(notebook: nbformat.NotebookNode) -> list[str]:
    """One line per output that must not be there: stderr text or an error."""
    found = []
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                text = "".join(output.get("text", "")).strip().splitlines()
                first = text[0] if text else ""
                found.append(f"cell {index}: stderr output: {first[:120]}")
            elif output.get("output_type") == "error":
                found.append(f"cell {index}: {output.get('ename')}: {output.get('evalue')}")
    return found


def clean_notebook(notebook: nbformat.NotebookNode, stem: str) -> None:
    """Strip volatile metadata and memory addresses, join split stream outputs, and give
    cells stable ids (`<stem>-<index>`)."""
    notebook.metadata = nbformat.from_dict(
        {"kernelspec": KERNELSPEC, "language_info": LANGUAGE_INFO}
    )
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"{stem[:40]}-{index:02d}"
        kept = {k: v for k, v in cell.get("metadata", {}).items() if k in {"tags"}}
        cell["metadata"] = nbformat.from_dict(kept)
        if "outputs" in cell:
            cell["outputs"] = _coalesce_streams(cell["outputs"])
        for output in cell.get("outputs", []):
            output.get("metadata", {}).pop("execution", None)
            data = output.get("data", {})
            if "text/plain" in data:
                data["text/plain"] = MEMORY_ADDRESS.sub(">", "".join(data["text/plain"]))


def _coalesce_streams(outputs: list[Any]) -> list[Any]:
    # How a cell's printing is cut into stream messages depends on timing (a flush
    # racing a display); joining neighbours makes the saved form the same every run.
    joined: list[Any] = []
    for output in outputs:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and output.get("output_type") == "stream"
            and previous.get("output_type") == "stream"
            and previous.get("name") == output.get("name")
        ):
            previous["text"] = "".join(previous["text"]) + "".join(output["text"])
        else:
            joined.append(output)
    return joined


def _run_one(path: Path, *, timeout: float, write: bool) -> tuple[float, list[str]]:
    notebook = nbformat.read(path, as_version=4)
    seconds = execute_notebook(notebook, cwd=path.parent, timeout=timeout)
    problems = output_problems(notebook)
    if write and not problems:
        clean_notebook(notebook, path.stem)
        nbformat.validate(notebook)
        nbformat.write(notebook, path)
    return seconds, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/NN_*.ipynb")
    parser.add_argument("--check", action="store_true", help="execute only, write nothing")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="s per notebook")
    args = parser.parse_args(argv)
    paths = args.notebooks or notebook_paths()
    if not paths:
        print(f"run_notebooks: no notebooks found in {NOTEBOOK_DIR}", file=sys.stderr)
        return 2
    failed = 0
    total = 0.0
    for path in paths:
        try:
            seconds, problems = _run_one(path, timeout=args.timeout, write=not args.check)
        except Exception as error:  # report every notebook, then fail at the end
            message = ANSI_ESCAPE.sub("", str(error)).strip()[-600:]
            seconds, problems = float("nan"), [f"{type(error).__name__}: {message}"]
        total += 0.0 if seconds != seconds else seconds
        status = "ok" if not problems else "FAILED"
        print(f"{path.name:40s} {seconds:7.1f} s  {status}", flush=True)
        for problem in problems:
            print(f"    {problem}", flush=True)
        failed += bool(problems)
    print(f"{'total':40s} {total:7.1f} s  ({len(paths) - failed}/{len(paths)} ok)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
