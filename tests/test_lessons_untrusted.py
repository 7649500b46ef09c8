"""The lessons as a learner first opens them: every saved picture shows before anything runs.

A notebook someone else saved is untrusted: JupyterLab shows no image/svg+xml
output and runs no script in it, and `jupyter nbconvert --to html --sanitize-html`
(a stand-in for sites that render notebooks) escapes HTML and drops scripts. Both
are checked against the pictures each lesson has saved: the export in the ordinary
test set, JupyterLab itself (a private server with an empty trust database, in
headless Chromium) in the slow set.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from jupyterlab import (
    LabServer,
    jupyterlab,
    open_notebook,
    picture_problems,
    rendered_outputs,
    saved_outputs,
)

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
CHROMIUM = "/usr/bin/chromium"


def read(path: Path) -> dict[str, Any]:
    notebook: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return notebook


class ExportedOutputs(HTMLParser):
    """Per code cell, per output of an nbconvert HTML page: pictures, controls, text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cells: list[list[dict[str, Any]]] = []
        self._divs: list[str] = []  # what each open <div> starts: "cell", "output" or ""
        self._output: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        classes = (values.get("class") or "").split()
        if tag == "div":
            role = ""
            if "jp-CodeCell" in classes:
                role = "cell"
                self.cells.append([])
            elif "jp-OutputArea-child" in classes and self.cells:
                role = "output"
                self._output = {"mime": None, "visible": True, "pictures": 0, "controls": 0}
                self._output["text"] = ""
                self.cells[-1].append(self._output)
            elif self._output is not None and values.get("data-mime-type"):
                self._output["mime"] = values["data-mime-type"]
            self._divs.append(role)
        if self._output is None:
            return
        src = values.get("src") or ""
        if tag == "svg" or (tag == "img" and src.startswith("data:image/")):
            self._output["pictures"] += 1
        elif tag in ("button", "input", "select", "textarea"):
            self._output["controls"] += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self._divs and self._divs.pop() == "output":
            self._output = None

    def handle_data(self, data: str) -> None:
        if self._output is not None:
            self._output["text"] += data


def sanitized_export(notebook: dict[str, Any]) -> list[list[dict[str, Any]]]:
    import nbformat
    from nbconvert import HTMLExporter

    node = nbformat.reads(json.dumps(notebook), as_version=4)  # joins multi-line strings
    html, _ = HTMLExporter(sanitize_html=True).from_notebook_node(node)
    parser = ExportedOutputs()
    parser.feed(html)
    return parser.cells


def test_the_lessons_are_found() -> None:
    listed = re.findall(
        r"\]\(notebooks/([0-9][0-9]_\w+\.ipynb)\)", (ROOT / "README.md").read_text()
    )
    assert [path.name for path in LESSONS] == listed


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_a_sanitized_html_export_shows_every_saved_picture(path: Path) -> None:
    notebook = read(path)
    saved = saved_outputs(notebook)
    shown = sanitized_export(notebook)
    pictures_saved, pictures_shown, problems = picture_problems(saved, shown)
    assert problems == []
    assert pictures_shown == pictures_saved > 0
    # Markup that the export escaped instead of drawing reads as text: none of it.
    escaped = [o["text"][:60] for cell in shown for o in cell if "<svg" in o["text"]]
    assert escaped == []


def test_the_export_check_sees_a_lost_picture() -> None:
    # An SVG inside HTML with a script is what sanitizing turns into text and dead buttons.
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><rect/></svg>'
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": 1,
                "id": "player",
                "metadata": {},
                "source": "player",
                "outputs": [
                    {
                        "output_type": "display_data",
                        "metadata": {},
                        "data": {
                            "text/html": f"<div>{svg}<button>play</button><script>x()</script>",
                            "text/plain": "<Player>",
                        },
                    }
                ],
            }
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    saved, shown = saved_outputs(notebook), sanitized_export(notebook)
    pictures_saved, pictures_shown, problems = picture_problems(saved, shown)
    assert (pictures_saved, pictures_shown) == (1, 0) and len(problems) == 1


# --- JupyterLab, untrusted, in headless Chromium (slow) ------------------------


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LabServer, Any, list[str]]]:
    from playwright.sync_api import sync_playwright

    root = tmp_path_factory.mktemp("lessons")
    for path in LESSONS:  # a copy: JupyterLab may save what it opens
        shutil.copy(path, root / path.name)
    home = tmp_path_factory.mktemp("jupyter-home")
    external: list[str] = []
    with jupyterlab(root, home) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            headless=True,
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})

            def guard(route: Any) -> None:
                if route.request.url.startswith(server.url):
                    route.continue_()
                else:
                    external.append(route.request.url)
                    route.abort()

            page.route("**/*", guard)
            yield server, page, external
        finally:
            browser.close()


def close_sessions(server: LabServer) -> None:
    for session in server.api("GET", "/api/sessions"):
        server.api("DELETE", f"/api/sessions/{session['id']}")


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_jupyterlab_shows_every_saved_picture_of_an_untrusted_lesson(
    lab: tuple[LabServer, Any, list[str]], path: Path
) -> None:
    server, page, external = lab
    try:
        open_notebook(page, server, path.name, len(saved_outputs(read(path))))
        shown = rendered_outputs(page)
    finally:
        close_sessions(server)
    pictures_saved, pictures_shown, problems = picture_problems(saved_outputs(read(path)), shown)
    assert problems == []
    assert pictures_shown == pictures_saved > 0
    assert external == []


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.exe
def test_a_trusted_lesson_plays_its_player_in_place_of_the_picture(
    lab: tuple[LabServer, Any, list[str]],
) -> None:
    server, page, _ = lab
    lesson = next(p for p in LESSONS if p.name.startswith("03_"))
    # A copy of its own, so the untrusted tests still see an untrusted lesson 3.
    name = f"trusted-{lesson.name}"
    shutil.copy(lesson, server.root / name)
    server.trust(name)
    try:
        open_notebook(page, server, name, len(saved_outputs(read(lesson))))
        shown = rendered_outputs(page)
        players = [cell for cell in shown if any(o["controls"] for o in cell)]
        assert len(players) == 1
        picture, live = [o for o in players[0] if o["mime"] != "application/vnd.jupyter.stdout"]
        # The live player replaced the saved picture of its first frame.
        assert not picture["visible"] and live["visible"]
        assert live["pictures"] >= 1 and live["controls"] >= 5
        player = page.locator(".agm-player")
        assert player.get_attribute("data-frame") == "0"
        player.locator(".agm-forward").click()
        assert player.get_attribute("data-frame") == "1"
    finally:
        close_sessions(server)
