"""The Playground in JupyterLab, headless Chromium: play advances the step counter, pause stops it.

A private JupyterLab (tests/jupyterlab.py) opens a notebook with one cell that
shows a Playground; the test runs the cell, clicks play and pause in the page,
and reads the counter the page shows. With AGM_SCREENSHOT=path it also saves a
picture of the widget there (how the README's screenshot is made).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from jupyterlab import jupyterlab

pytest.importorskip("anywidget")

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = "/usr/bin/chromium"
CELL = """\
from autograd_mini.data import make_moons
from autograd_mini.nn import MLP
from autograd_mini.viz import Playground
X, y = make_moons(200, noise=0.15, seed=0)
Playground(MLP(2, [8, 8, 1], seed=0), X, y, batch_size=16)"""


def notebook() -> dict[str, Any]:
    return {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": "playground",
                "metadata": {},
                "outputs": [],
                "source": CELL,
            }
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def run_first_cell(page: Any) -> None:
    """Run the notebook's first cell, again if the kernel was not ready to take it."""
    prompt = page.locator(".jp-Cell").first.locator(".jp-InputPrompt")
    for _ in range(6):
        page.locator(".jp-Cell .jp-InputArea-editor").first.click()
        page.keyboard.press("Shift+Enter")
        try:
            # "[*]:" while it runs, "[1]:" after; "[ ]:" means it was never sent.
            page.wait_for_function(
                "e => !/\\[ \\]/.test(e.textContent)", arg=prompt.element_handle(), timeout=5_000
            )
            return
        except Exception:
            continue
    raise AssertionError("the first cell never ran")


def test_play_advances_the_counter_in_the_page_and_pause_stops_it(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    root, home = tmp_path / "root", tmp_path / "home"
    root.mkdir()
    (root / "playground.ipynb").write_text(json.dumps(notebook()), encoding="utf-8")
    problems: list[str] = []
    with jupyterlab(root, home) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            headless=True,
        )
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1300})
            page.on(
                "console",
                lambda m: problems.append(m.text) if m.type == "error" else None,
            )
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.goto(f"{server.url}/lab/tree/playground.ipynb?reset&token={server.token}")
            page.wait_for_selector(".jp-NotebookPanel .jp-Cell .jp-InputArea", timeout=60_000)
            # A kernel first, then the cell.
            page.wait_for_selector(
                ".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000
            )
            run_first_cell(page)
            widget = page.locator(".agm-pg")
            widget.wait_for(timeout=60_000)
            counter = widget.locator(".agm-pg-step")
            assert counter.inner_text() == "0"
            # The saved picture above it is hidden by the live widget.
            picture = page.locator(".jp-OutputArea-child").filter(has=page.locator("img")).first
            assert not picture.is_visible()

            widget.locator(".agm-pg-play").click()
            page.wait_for_function(
                "() => Number(document.querySelector('.agm-pg-step').textContent) > 20",
                timeout=30_000,
            )
            first = int(counter.inner_text())
            page.wait_for_timeout(700)
            assert int(counter.inner_text()) > first
            assert "pause" in widget.locator(".agm-pg-play").inner_text()
            if os.environ.get("AGM_SCREENSHOT"):
                page.wait_for_timeout(1500)
                widget.screenshot(path=os.environ["AGM_SCREENSHOT"])

            widget.locator(".agm-pg-play").click()
            page.wait_for_function(
                "() => document.querySelector('.agm-pg-play').textContent.includes('play')",
                timeout=10_000,
            )
            page.wait_for_timeout(500)  # the last frame arrives
            paused = counter.inner_text()
            page.wait_for_timeout(1000)
            assert counter.inner_text() == paused
            assert re.fullmatch(r"\d+", paused) and int(paused) > first

            widget.locator(".agm-pg-one").click()
            page.wait_for_function(
                f"() => document.querySelector('.agm-pg-step').textContent === '{int(paused) + 1}'",
                timeout=10_000,
            )
        finally:
            browser.close()
    assert problems == []
