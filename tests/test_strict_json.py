"""The strict JSON reader shared by model files and recordings."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograd_mini import _strict_json
from autograd_mini.recording import Recording
from autograd_mini.serialization import load


def test_a_repeated_key_is_named_in_a_bounded_excerpt() -> None:
    key = "k" * 10_000
    with pytest.raises(_strict_json.StrictJSONError, match=r"duplicate key 'k+\.\.\. \(10002 char"):
        _strict_json.loads(f'{{"{key}": 1, "{key}": 2}}', constants_note="x")


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_constants_are_refused_with_the_readers_reason(literal: str) -> None:
    with pytest.raises(_strict_json.StrictJSONError, match=f"^{literal} is not allowed \\(why\\)$"):
        _strict_json.loads(f"[1, {literal}]", constants_note="why")


def test_both_readers_turn_it_into_one_line_value_errors(tmp_path: Path) -> None:
    text = '{"format": 1, "format": 1}'
    with pytest.raises(
        ValueError, match=r"^Recording\.from_json: not a valid recording: duplicate"
    ):
        Recording.from_json(text)
    path = tmp_path / "model.json"
    path.write_text(text)
    with pytest.raises(ValueError, match=r"model\.json': duplicate key 'format'$"):
        load(path)
