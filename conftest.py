"""Test set-up for the whole repository: `exe` and `browser` never skip silently under CI.

A test marked `exe` needs Graphviz's `dot` (the README's doctests get the mark
too); one marked `browser` needs Chromium and the `playwright` package. Locally
a missing tool skips the test with the reason; under CI=true it fails it
instead, so CI cannot go green by skipping. This file sits at the repository
root so that it also covers the README.
"""

from __future__ import annotations

import importlib.util
import os
import shutil

import pytest

# Import the package before pytest collects its modules for doctests: otherwise
# collecting autograd_mini/engine.py on its own (`pytest autograd_mini/engine.py
# README.md`) executes engine.py a second time, and the README would then see two
# different Value classes.
import autograd_mini  # noqa: F401

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

# The deprecated alias warns on import (an error under filterwarnings=error);
# tests/test_serialization.py imports it on purpose and checks the warning.
collect_ignore = ["autograd_mini/io.py"]


def _missing(marker: str) -> str | None:
    if marker == "exe" and shutil.which("dot") is None:
        return "Graphviz 'dot' is not installed (apt-get install graphviz)"
    if marker == "browser":
        if not os.path.exists(CHROMIUM):
            return "Chromium is not installed (apt-get install chromium)"
        if importlib.util.find_spec("playwright") is None:
            return "the playwright package is not installed (pip install -e '.[dev]')"
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Doctests that render with Graphviz: the README's pictures and the player's.
    for item in items:
        if item.path.name == "README.md" or item.path.parts[-2:] == ("viz", "player.py"):
            item.add_marker(pytest.mark.exe)


def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker in ("exe", "browser"):
        if item.get_closest_marker(marker) is None:
            continue
        reason = _missing(marker)
        if reason is None:
            continue
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {reason}", pytrace=False)
        pytest.skip(reason)
