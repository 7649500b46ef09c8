"""Labels cannot reorder or split the trace table.

Bidirectional controls (U+202A-U+202E, U+2066-U+2069, U+200E/U+200F, U+061C)
make terminals and browsers show the text after them reversed or moved, and
U+2028/U+2029 end a line for `str.splitlines`, editors and some terminals. In a
trace table each would break the columns a student reads, so they are shown as
visible escapes, like the control characters before them.
"""

from __future__ import annotations

import pytest

from autograd_mini import Value
from autograd_mini.viz.escape import clean_text
from autograd_mini.viz.trace import trace_backward

INVISIBLE_LAYOUT = [
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
    "\u2066", "\u2067", "\u2068", "\u2069",
    "\u200e", "\u200f", "\u061c",
    "\u2028", "\u2029",
]  # fmt: skip


@pytest.mark.parametrize(
    "char", INVISIBLE_LAYOUT, ids=[f"U+{ord(c):04X}" for c in INVISIBLE_LAYOUT]
)
def test_layout_characters_in_labels_are_shown_escaped_in_the_trace(char: str) -> None:
    x = Value(2.0, label=f"x{char}evil")
    y = x * x
    y.label = f"y{char}"
    trace = trace_backward(y)
    for text in (trace.table(), repr(trace), trace._repr_html_()):
        assert char not in text
        assert f"\\u{ord(char):04x}" in text
    lines = trace.table().splitlines()
    assert len(lines) == 1 + len(trace.rows())  # the header and one line per row
    assert len({len(line) for line in lines[1:]}) <= 2  # aligned columns (last may be shorter)


def test_clean_text_escapes_layout_characters_and_keeps_ordinary_unicode() -> None:
    assert clean_text("a\u202eb\u2028c") == "a\\u202eb\\u2028c"
    assert clean_text("αβ → ∂L/∂w 中文 العربية") == "αβ → ∂L/∂w 中文 العربية"
