"""Package data and typing marker are where an installed package looks for them."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import autograd_mini
from autograd_mini.viz.player import player_template

ROOT = Path(__file__).resolve().parents[1]


def test_player_template_is_package_data() -> None:
    template = resources.files("autograd_mini.viz").joinpath("player.html")
    assert template.is_file()
    text = player_template()
    for placeholder in ("__PLAYER_ID__", "__TITLE__", "__FRAMES_JSON__"):
        assert placeholder in text


def test_wheel_ships_the_whole_package_directory() -> None:
    # hatchling puts every file under the listed packages into the wheel (not only .py),
    # so player.html and py.typed ship as long as the package is listed and not excluded.
    # (Read as text: tomllib needs Python 3.11 and the package supports 3.10.)
    config = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    wheel = config.split("[tool.hatch.build.targets.wheel]", 1)[1].split("\n[", 1)[0]
    assert re.search(r'packages\s*=\s*\[\s*"autograd_mini"\s*\]', wheel)
    assert "exclude" not in wheel
    assert (Path(autograd_mini.__file__).parent / "py.typed").is_file()
