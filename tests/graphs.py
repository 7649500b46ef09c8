"""Small graphs several test files draw, trace and animate.

`karpathy()` is the classic L = (a*b + c) * f from micrograd's lecture, with every
node labelled; tests import it by name (tests/conftest.py puts this folder on
sys.path).
"""

from __future__ import annotations

from autograd_mini import Value

__all__ = ["karpathy"]


def karpathy(f_label: str = "f") -> tuple[Value, dict[str, Value]]:
    """L = (a*b + c) * f with a=2, b=-3, c=10, f=-2; returns L and every node by name."""
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c, f = Value(10.0, label="c"), Value(-2.0, label=f_label)
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f
    L.label = "L"
    return L, {"a": a, "b": b, "c": c, "f": f, "e": e, "d": d, "L": L}
