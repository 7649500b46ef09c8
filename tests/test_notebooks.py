"""The lessons in notebooks/: each runs top to bottom in a fresh kernel without errors or
warnings, and each is committed the way a learner should first see it (with outputs).

The executing and checking code lives in scripts/run_notebooks.py (the same code that
saves the notebooks), loaded here by path so the test and the saver cannot drift apart.
"""

from __future__ import annotations

import ast
import importlib.util
import itertools
import re
import sys
from pathlib import Path
from types import ModuleType

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load_runner() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "run_notebooks", ROOT / "scripts" / "run_notebooks.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


runner = _load_runner()
NOTEBOOKS = runner.notebook_paths()


def _executions() -> list[object]:
    # Lessons that draw graphs need Graphviz's `dot`: they carry the `exe` marker.
    return [
        pytest.param(
            path,
            id=path.stem,
            marks=[pytest.mark.exe]
            if "autograd_mini.viz" in path.read_text(encoding="utf-8")
            else [],
        )
        for path in NOTEBOOKS
    ]


LESSON_COUNT = 9

# A notebook may import the standard library, the package and the `notebooks` extra.
ALLOWED_IMPORTS = set(sys.stdlib_module_names) | {"autograd_mini", "matplotlib", "sklearn"}

PICTURE_TYPES = ("image/png", "image/svg+xml")


def _code_cells(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def test_the_lessons_are_numbered_from_01_without_gaps() -> None:
    numbers = [int(path.name[:2]) for path in NOTEBOOKS]
    assert numbers == list(range(1, LESSON_COUNT + 1)), [p.name for p in NOTEBOOKS]


@pytest.mark.slow
@pytest.mark.notebook
@pytest.mark.parametrize("path", _executions())
def test_notebook_runs_cleanly_in_a_fresh_kernel(path: Path) -> None:
    notebook = _read(path)
    # Raises on the first failing cell, or when the whole notebook exceeds its budget.
    runner.execute_notebook(notebook, cwd=path.parent, timeout=runner.DEFAULT_TIMEOUT)
    assert runner.output_problems(notebook) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_with_outputs(path: Path) -> None:
    notebook = _read(path)
    nbformat.validate(notebook)
    code = _code_cells(notebook)
    assert [cell.execution_count for cell in code] == list(range(1, len(code) + 1)), (
        "re-run with `make notebooks`: execution counts must be 1..n from a fresh kernel"
    )
    assert runner.output_problems(notebook) == []
    assert dict(notebook.metadata) == {
        "kernelspec": runner.KERNELSPEC,
        "language_info": runner.LANGUAGE_INFO,
    }
    for cell in notebook.cells:
        assert set(cell.metadata) <= {"tags"}, f"volatile metadata in {cell.id}"
        for output in cell.get("outputs", []):
            plain = "".join(output.get("data", {}).get("text/plain", ""))
            assert not runner.MEMORY_ADDRESS.search(plain), f"memory address in {cell.id}"
        outputs = cell.get("outputs", [])
        for before, after in itertools.pairwise(outputs):
            split = before.output_type == after.output_type == "stream"
            assert not (split and before.name == after.name), f"split stream in {cell.id}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_follows_the_lesson_layout(path: Path) -> None:
    notebook = _read(path)
    opening, setup = notebook.cells[0], notebook.cells[1]
    assert opening.cell_type == "markdown" and opening.source.startswith("# ")
    if not path.name.startswith("01_"):
        assert "previous lesson" in opening.source.lower()
    assert setup.cell_type == "code" and "import" in setup.source and "seed" in setup.source
    pictures = [
        output
        for cell in _code_cells(notebook)
        for output in cell.outputs
        if any(kind in output.get("data", {}) for kind in PICTURE_TYPES)
        or "<svg" in output.get("data", {}).get("text/html", "")
    ]
    assert pictures, f"{path.name} shows no picture (plot, graph SVG or player)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_imports_only_the_package_and_its_notebooks_extra(path: Path) -> None:
    imported = set()
    for cell in _code_cells(_read(path)):
        source = "\n".join(
            line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!"))
        )
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split(".")[0])
    assert imported <= ALLOWED_IMPORTS, sorted(imported - ALLOWED_IMPORTS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_links_between_lessons_point_to_existing_notebooks(path: Path) -> None:
    text = "\n".join(cell.source for cell in _read(path).cells if cell.cell_type == "markdown")
    targets = re.findall(r"\]\(([^)#]+\.ipynb)\)", text)
    missing = [t for t in targets if not (path.parent / t).is_file()]
    assert not missing


def test_the_readme_links_every_lesson() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    unlinked = [p.name for p in NOTEBOOKS if f"](notebooks/{p.name})" not in readme]
    assert not unlinked


@pytest.mark.slow
@pytest.mark.notebook
def test_the_runner_uses_this_interpreter_and_reports_warnings(tmp_path: Path) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell("import sys\nprint(sys.executable)"),
        nbformat.v4.new_code_cell("import warnings\nwarnings.warn('careful')"),
        nbformat.v4.new_code_cell("print('fine')"),
    ]
    runner.execute_notebook(notebook, cwd=tmp_path, timeout=60)
    assert notebook.cells[0].outputs[0]["text"].strip() == sys.executable
    problems = runner.output_problems(notebook)
    assert len(problems) == 1 and problems[0].startswith("cell 1: stderr output:")
    assert "UserWarning: careful" in problems[0]
