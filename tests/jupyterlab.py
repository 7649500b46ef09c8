"""JupyterLab as a learner first meets it: a private server that trusts no notebook.

`jupyterlab(root)` starts `jupyter lab` on a free local port with a token and
empty data, config, settings and runtime folders (so an empty trust database:
every notebook is untrusted), with notebook windowing off so every cell renders,
and no news or update checks. `open_notebook(page, server, name, code_cells)` opens one
notebook in a Playwright page and waits until every output is drawn;
`rendered_outputs(page)` reads back, per code cell, what each output shows.
`picture_problems(saved, shown)` compares that with the saved notebook.
tests/test_lessons_untrusted.py uses them (tests/conftest.py puts this folder on
sys.path).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "PICTURE_TYPES",
    "LabServer",
    "is_picture",
    "jupyterlab",
    "open_notebook",
    "picture_problems",
    "rendered_outputs",
    "saved_outputs",
]

PICTURE_TYPES = ("image/png", "image/svg+xml", "image/jpeg")

# User settings, as JupyterLab reads them from JUPYTERLAB_SETTINGS_DIR.
SETTINGS = {
    # Windowing renders only the cells near the viewport; off, every cell is in the page.
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    # No "get Jupyter news?" prompt and no request to the outside world.
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


@dataclass(frozen=True)
class LabServer:
    """A running JupyterLab: its base URL, token, root folder and environment."""

    url: str
    token: str
    root: Path
    env: dict[str, str]

    def trust(self, name: str) -> None:
        """Sign notebook `name` in this server's trust database (`jupyter trust`)."""
        command = [sys.executable, "-m", "nbformat.sign", str(self.root / name)]
        subprocess.run(command, env=self.env, check=True, capture_output=True)

    def api(self, method: str, path: str) -> Any:
        request = urllib.request.Request(
            f"{self.url}{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def jupyterlab(root: Path, home: Path) -> Iterator[LabServer]:
    """Run JupyterLab on `root`, keeping all its state under `home`; stop it afterwards."""
    env = dict(os.environ)
    for name in ("DATA", "CONFIG", "RUNTIME"):
        env[f"JUPYTER_{name}_DIR"] = str(home / name.lower())
    env["JUPYTERLAB_SETTINGS_DIR"] = str(home / "settings")
    env["JUPYTERLAB_WORKSPACES_DIR"] = str(home / "workspaces")
    env["IPYTHONDIR"] = str(home / "ipython")
    for relative, values in SETTINGS.items():
        path = home / "settings" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")
    port, token = _free_port(), os.urandom(12).hex()
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--port-retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.terminals_enabled=False",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # CI runs as root
    log_path = home / "jupyterlab.log"
    with open(log_path, "w", encoding="utf-8") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = LabServer(f"http://127.0.0.1:{port}", token, root, env)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                server.api("GET", "/api/status")
                break
            except (urllib.error.URLError, ConnectionError):
                if process.poll() is not None or time.monotonic() > deadline:
                    log_text = log_path.read_text(encoding="utf-8")
                    raise RuntimeError(f"JupyterLab did not start:\n{log_text}") from None
                time.sleep(0.3)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# Per code cell, per output: what the page shows. A picture is an <img> that
# loaded or an <svg> with an area; controls are buttons, sliders, inputs, menus.
_READ_OUTPUTS = """() => Array.from(document.querySelectorAll(
    ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell.jp-CodeCell")).map(
    cell => Array.from(cell.querySelectorAll(".jp-OutputArea-child")).map(child => {
  const output = child.querySelector(".jp-OutputArea-output");
  const images = Array.from(child.querySelectorAll("img"));
  const svgs = Array.from(child.querySelectorAll("svg")).filter(s => !s.closest("svg svg"));
  const visible = child.offsetParent !== null;
  const area = element => { const r = element.getBoundingClientRect(); return r.width * r.height; };
  const drawn = images.filter(i => i.complete && i.naturalWidth > 0 && area(i) > 0).length
      + svgs.filter(s => area(s) > 0).length;
  return {
    mime: output ? output.getAttribute("data-mime-type") : null,
    visible: visible,
    pictures: drawn,
    pending: images.filter(i => !i.complete).length,
    controls: child.querySelectorAll("button, input, select, textarea").length,
    text: (child.innerText || "").slice(0, 120),
  };
}))"""


def open_notebook(page: Any, server: LabServer, name: str, code_cells: int) -> None:
    """Open `name` (relative to the server's root) and wait until its outputs are drawn.

    `code_cells` is how many code cells the notebook holds: on a loaded machine JupyterLab
    can pause between cells for longer than one poll, so a page that looks settled is not
    trusted until every code cell is on it.
    """
    # ?reset: a fresh workspace, so the page holds this notebook and no earlier one.
    page.goto(f"{server.url}/lab/tree/{name}?reset&token={server.token}")
    page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell", timeout=60_000)
    # Outputs render after the cells; images decode after that.
    deadline = time.monotonic() + 90
    previous = None
    while time.monotonic() < deadline:
        outputs = rendered_outputs(page)
        settled = len(outputs) == code_cells and all(
            o["pending"] == 0 for cell in outputs for o in cell
        )
        if settled and outputs == previous:
            return
        previous = outputs
        page.wait_for_timeout(500)


def rendered_outputs(page: Any) -> list[list[dict[str, Any]]]:
    """Per code cell of the open notebook, per output: mime, pictures, controls, text."""
    result: list[list[dict[str, Any]]] = page.evaluate(_READ_OUTPUTS)
    return result


def is_picture(output: dict[str, Any]) -> bool:
    """Does this saved output carry a picture (image data, or HTML with an <svg>/<img>)?"""
    data = output.get("data", {})
    html = data.get("text/html", "")
    html = "".join(html) if isinstance(html, list) else html
    return any(kind in data for kind in PICTURE_TYPES) or "<svg" in html or "<img" in html


def saved_outputs(notebook: dict[str, Any]) -> list[list[dict[str, Any]]]:
    """Per code cell, its saved outputs (as in the .ipynb file)."""
    return [cell.get("outputs", []) for cell in notebook["cells"] if cell["cell_type"] == "code"]


def picture_problems(
    saved: list[list[dict[str, Any]]], shown: list[list[dict[str, Any]]]
) -> tuple[int, int, list[str]]:
    """(pictures saved, pictures shown, problems) for one notebook.

    A problem is a saved picture shown as anything else (a text repr, sanitized
    markup), or an output with controls but no picture (buttons that cannot work).
    """
    problems: list[str] = []
    if len(saved) != len(shown):
        return 0, 0, [f"{len(saved)} code cells saved but {len(shown)} shown"]
    pictures_saved = pictures_shown = 0
    for k, (saved_cell, shown_cell) in enumerate(zip(saved, shown)):
        if len(saved_cell) != len(shown_cell):
            problems.append(f"cell {k}: {len(saved_cell)} outputs saved, {len(shown_cell)} shown")
            continue
        for j, (output, view) in enumerate(zip(saved_cell, shown_cell)):
            where = f"cell {k} output {j} ({view['mime']})"
            if is_picture(output):
                pictures_saved += 1
                if view["pictures"] and view["visible"]:
                    pictures_shown += 1
                else:
                    problems.append(f"{where}: a picture shown as {view['text'][:60]!r}")
            if view["controls"] and view["visible"] and not view["pictures"]:
                problems.append(f"{where}: {view['controls']} controls and no picture")
    return pictures_saved, pictures_shown, problems
