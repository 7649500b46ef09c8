"""`json.loads` with the two rules both file formats (models, recordings) need.

Python's json module keeps the last of two equal keys without a word and reads
NaN, Infinity and -Infinity, which JSON does not have. A file with either was not
written by autograd_mini, so reading one raises `StrictJSONError` naming the problem;
each reader turns that into its own one-line ValueError.

Imports only `autograd_mini._checks` (for bounded excerpts of keys).

>>> loads('{"w": [1.5, 2]}', constants_note="numbers must be finite")
{'w': [1.5, 2]}
>>> loads('{"w": 1, "w": 2}', constants_note="numbers must be finite")
Traceback (most recent call last):
    ...
autograd_mini._strict_json.StrictJSONError: duplicate key 'w'
>>> loads('{"w": NaN}', constants_note="numbers must be finite")
Traceback (most recent call last):
    ...
autograd_mini._strict_json.StrictJSONError: NaN is not allowed (numbers must be finite)
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from autograd_mini._checks import shown

__all__ = ["StrictJSONError", "loads"]


class StrictJSONError(Exception):
    """A document that breaks strict JSON or the reader's format (not a ValueError
    itself, so readers tell it from the errors of their own checks)."""


def loads(
    text: str, *, constants_note: str, parse_float: Callable[[str], float] | None = None
) -> Any:
    """`json.loads(text)`, refusing repeated keys and NaN / Infinity literals.

    `constants_note` ends the message for a NaN or Infinity literal: why the format has
    none. `parse_float` as for `json.loads`.
    """

    def reject_constant(name: str) -> float:
        raise StrictJSONError(f"{name} is not allowed ({constants_note})")

    return json.loads(
        text,
        object_pairs_hook=_no_duplicate_keys,
        parse_constant=reject_constant,
        parse_float=parse_float,
    )


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise StrictJSONError(f"duplicate key {shown(key)}")
        out[key] = value
    return out
