r"""Make any text safe to put in a DOT file, a record label, SVG or HTML.

User text (a Value's label, a module's scope) reaches three languages: DOT
quoted strings, Graphviz record labels (where ``{ } | < >`` and spaces are
syntax) and HTML/SVG. Each function here returns text that shows *literally*
what the user wrote and can never end a string, open a field or inject markup.
Control characters, lone surrogates and XML-forbidden code points are replaced
by visible escapes first, because they would make the SVG invalid XML; so are
bidirectional controls and the Unicode line/paragraph separators, which would
reorder a label's neighbours or split a table line without being seen.

Imports nothing from the package.

>>> print(record_field('a|b {c}'))
a\|b\ \{c\}
>>> html_text('<b onclick="x">')
'&lt;b onclick=&quot;x&quot;&gt;'
"""

from __future__ import annotations

import html
import math
import re

__all__ = [
    "clean_text",
    "dot_text",
    "record_field",
    "html_text",
    "format_number",
    "format_change",
    "format_unrounded",
]

MAX_LABEL_CHARS = 60
"""Longer labels are cut (with an ellipsis) so one label cannot swamp a picture."""

# C0/C1 controls except newline, XML-forbidden U+FFFE/U+FFFF, and lone surrogates
# (which cannot even be encoded as UTF-8 on the way to `dot`).
_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
# Invisible, yet they move text: bidi embeddings, overrides, isolates and marks
# reorder what follows them; U+2028/U+2029 end a line (str.splitlines, editors).
_LAYOUT = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_RECORD_SPECIAL = re.compile(r"([{}|<>\" ])")


def _visible_escape(match: re.Match[str]) -> str:
    char = match.group()
    if char == "\t":
        return " "
    if "\ud800" <= char <= "\udfff":
        return "\ufffd"
    return f"\\x{ord(char):02x}"


def clean_text(text: str, max_chars: int = MAX_LABEL_CHARS) -> str:
    r"""Replace unprintable characters by visible escapes and cut very long text.

    >>> clean_text("a\x00b\tc")
    'a\\x00b c'
    >>> clean_text("x" * 10, max_chars=4)
    'xxx…'
    """
    text = _UNSAFE.sub(_visible_escape, text)
    text = _LAYOUT.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    if len(text) > max_chars:
        text = text[: max_chars - 1] + "…"
    return text


def dot_text(text: str, max_chars: int = MAX_LABEL_CHARS) -> str:
    r"""Text for a plain DOT label: backslashes doubled, newlines become DOT line breaks.

    ``&`` becomes ``&amp;`` because Graphviz decodes HTML entities in every
    label. Quotes are left to the graphviz package, which escapes them when it
    quotes the string (doubling the backslashes first keeps ``\"`` from pairing up).

    >>> print(dot_text('C:\\new "x" & y\nline 2'))
    C:\\new "x" &amp; y\nline 2
    """
    escaped = clean_text(text, max_chars).replace("\\", "\\\\").replace("&", "&amp;")
    return escaped.replace("\n", "\\n")


def record_field(text: str, max_chars: int = MAX_LABEL_CHARS) -> str:
    r"""Text for one field of a Graphviz record label.

    On top of `dot_text`, the record syntax characters ``{ } | < >``, quotes and
    spaces get a backslash, so the text stays inside its own field.

    >>> print(record_field("<f0> a|b"))
    \<f0\>\ a\|b
    """
    escaped = clean_text(text, max_chars).replace("\\", "\\\\").replace("&", "&amp;")
    escaped = _RECORD_SPECIAL.sub(r"\\\1", escaped)
    return escaped.replace("\n", "\\n")


def html_text(text: str, max_chars: int = 10_000) -> str:
    """Text for HTML element content or a quoted attribute value.

    >>> html_text("a < b & 'c'")
    'a &lt; b &amp; &#x27;c&#x27;'
    """
    return html.escape(clean_text(text, max_chars), quote=True)


def format_number(x: float) -> str:
    """Four significant digits, no trailing zeros, no negative zero.

    >>> format_number(2.0), format_number(-0.0), format_number(0.786448), format_number(12345.6)
    ('2', '0', '0.7864', '1.235e+04')
    """
    if math.isnan(x) or math.isinf(x):
        return str(x)
    text = f"{x:.4g}"
    return "0" if text == "-0" else text


def _significant(x: float, digits: int) -> str:
    text = f"{x:.{digits}g}"
    return "0" if text == "-0" else text


def format_unrounded(x: float) -> str:
    """Like `format_number`, but never lets rounding pass for a round number.

    tanh(5) is 0.99991, not 1: four digits would say "1", so more are shown
    until the text is no longer a whole number (at most 17, which is exact).

    >>> format_unrounded(-0.99999997), format_unrounded(0.5), format_unrounded(-1.0)
    ('-0.99999997', '0.5', '-1')
    """
    if math.isnan(x) or math.isinf(x):
        return str(x)
    for digits in range(4, 18):
        text = _significant(x, digits)
        if float(text) == x or not text.lstrip("-").isdigit():
            return text
    return _significant(x, 17)


def format_change(new: float, old: float) -> str:
    """`new` with as many digits as it takes to differ from `old` (at least four).

    An update of 7e-07 to a weight of 2 must not read "2 → 2".

    >>> format_change(2.0000007373, 2.0), format_change(1.94, 2.0), format_change(2.0, 2.0)
    ('2.000001', '1.94', '2')
    """
    if math.isnan(new) or math.isinf(new) or new == old:
        return format_number(new)
    for digits in range(4, 18):
        if _significant(new, digits) != _significant(old, digits):
            return _significant(new, digits)
    return _significant(new, 17)
