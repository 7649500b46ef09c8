"""Model files with numbers or names out of range: refused, with a short message.

A number a float cannot hold is refused rather than changed (1e-400 would read
as 0.0, 1e400 as inf), and an error quotes at most a bounded excerpt of what
the file contains, however long the name or number in it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from autograd_mini import load, save
from autograd_mini.nn import Neuron

MESSAGE_LIMIT = 400


def saved_neuron(tmp_path: Path) -> tuple[Path, dict[str, object]]:
    path = tmp_path / "n.json"
    save(Neuron(2, seed=0), path)
    return path, json.loads(path.read_text())


@pytest.mark.parametrize("number", ["1e-400", "-2.5e-330", "1e400"])
def test_a_number_a_float_cannot_hold_is_refused(tmp_path: Path, number: str) -> None:
    path, _ = saved_neuron(tmp_path)
    text = path.read_text()
    first = text.index('"w.0": ') + len('"w.0": ')
    end = text.index(",", first)
    path.write_text(text[:first] + number + text[end:])
    with pytest.raises(ValueError, match=r"out of range") as caught:
        load(path)
    assert number in str(caught.value)


def test_zero_and_tiny_normal_numbers_still_load(tmp_path: Path) -> None:
    path, document = saved_neuron(tmp_path)
    document["parameters"] = {"w.0": 0.0, "w.1": -0.0, "b": 2.2250738585072014e-308}
    path.write_text(json.dumps(document))
    assert load(path).state_dict()["b"] == 2.2250738585072014e-308


def test_a_ten_megabyte_parameter_name_gives_a_short_message(tmp_path: Path) -> None:
    path, document = saved_neuron(tmp_path)
    params = document["parameters"]
    assert isinstance(params, dict)
    params["x" * 10_000_000] = params.pop("b")
    path.write_text(json.dumps(document))
    with pytest.raises(ValueError) as caught:
        load(path)
    assert len(str(caught.value)) < MESSAGE_LIMIT


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("nin", 10**4000),
        ("activation", "r" * 1_000_000),
        ("type", "T" * 1_000_000),
    ],
    ids=["nin", "activation", "type"],
)
def test_a_huge_architecture_field_gives_a_short_message(
    tmp_path: Path, field: str, value: object
) -> None:
    path, document = saved_neuron(tmp_path)
    document["architecture"][field] = value  # type: ignore[index]
    path.write_text(json.dumps(document))
    with pytest.raises(ValueError) as caught:
        load(path)
    assert field in str(caught.value) and len(str(caught.value)) < MESSAGE_LIMIT


def test_a_huge_version_or_format_gives_a_short_message(tmp_path: Path) -> None:
    path, document = saved_neuron(tmp_path)
    document["format"] = "f" * 1_000_000
    path.write_text(json.dumps(document))
    with pytest.raises(ValueError) as caught:
        load(path)
    assert len(str(caught.value)) < MESSAGE_LIMIT
