"""NumPy arrays and other array-likes as plain Python lists, without importing NumPy.

Data enters the package as lists; an array (NumPy, pandas, PyTorch: anything with
`.tolist()` or `__array__`) is converted once, where it enters, so the rest of the
code sees lists of Python floats and ints. NumPy stays optional.

>>> as_list((1, 2))
(1, 2)
>>> class Grid:
...     def tolist(self):
...         return [[1.0, 2.0], [3.0, 4.0]]
>>> as_list(Grid())
[[1.0, 2.0], [3.0, 4.0]]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["as_list", "as_rows"]


def as_list(data: Any) -> Any:
    """`data.tolist()` for an array-like; lists, tuples, strings and numbers unchanged.

    A NumPy scalar (it has `.tolist()` too) becomes the Python number.
    """
    if isinstance(data, (list, tuple, str, bytes, int, float)):
        return data
    tolist = getattr(data, "tolist", None)
    if callable(tolist):
        return tolist()
    to_array = getattr(data, "__array__", None)
    if callable(to_array):  # e.g. a pandas DataFrame: no tolist, but an array view
        return to_array().tolist()
    return data


def as_rows(data: Any) -> Any:
    """`as_list` for a table: the table itself, then each of its rows (a list of arrays)."""
    table = as_list(data)
    if (
        isinstance(table, Sequence)
        and not isinstance(table, (str, bytes))
        and any(not isinstance(row, (list, tuple)) for row in table)
    ):
        return [as_list(row) for row in table]
    return table
