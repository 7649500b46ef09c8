"""Hostile labels in pictures: the SVG and the HTML player show them literally.

Labels and scopes are user text. In a picture they must never become DOT syntax,
XML/HTML markup or script, never make the SVG invalid XML, and never blow up its
size; the text a user typed is what the picture shows (control characters as
visible escapes, very long labels cut with an ellipsis).
"""

from __future__ import annotations

import json
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from autograd_mini import Value
from autograd_mini.viz import animate, draw_graph

SVG_NS = "{http://www.w3.org/2000/svg}"

HOSTILE_LABELS = [
    "<script>alert(1)</script>",
    "</script><img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "\"quoted\" & 'single'",
    "&amp;&lt;&#x41;&#0;",
    "]]><!-- comment -->",
    "{a|b}<f0> x",
    '\\"; evil [label="x"]; y -> z; "',
    "-> y } digraph {",
    "a\\lb\\rc\\N\\G",
    "line1\nline2",
    "ctl\x00\x01\x07\x1b[31m\x7f\x85",
    "lone surrogate \ud800",
    "\ufffe\uffff",
    "javascript:alert(1)",
    "%s%n{0}${x}",
    "emoji 😀 ü 中文",
    "x" * 5000,
]


def _graph(labels: list[str]) -> Value:
    leaves = [Value(float(i), label=label) for i, label in enumerate(labels)]
    root = Value.sum(leaves)
    root.label = labels[0]
    root.backward()
    return root


def _texts(svg: str) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter(f"{SVG_NS}text")]


def _shape(svg: str) -> Counter[str]:
    """Element names and attribute names: what changes if text became markup."""
    counts: Counter[str] = Counter()
    for element in ET.fromstring(svg).iter():
        counts[element.tag] += 1
        counts.update(f"@{name}" for name in element.attrib)
    return counts


def _visible(label: str) -> str | None:
    """The exact text a label must show as, when that is simple to state."""
    if len(label) > 60 or "\n" in label:
        return None
    if any(unicodedata.category(c) in ("Cc", "Cs", "Cn") for c in label):
        return None
    return label


@pytest.fixture(scope="module")
def hostile_svg() -> str:
    return str(draw_graph(_graph(HOSTILE_LABELS)).pipe(format="svg").decode("utf-8"))


@pytest.mark.exe
def test_svg_with_hostile_labels_is_xml_with_the_same_shape_as_plain_labels(
    hostile_svg: str,
) -> None:
    plain = [f"label{i}" for i in range(len(HOSTILE_LABELS))]
    plain_svg = draw_graph(_graph(plain)).pipe(format="svg").decode("utf-8")
    hostile_shape, plain_shape = _shape(hostile_svg), _shape(plain_svg)
    # A text element may split a label with a newline in two; nothing else may differ.
    hostile_shape[f"{SVG_NS}text"] -= 1
    hostile_shape["@x"] -= 1
    hostile_shape["@y"] -= 1
    hostile_shape["@text-anchor"] -= 1
    hostile_shape["@font-family"] -= 1
    hostile_shape["@font-size"] -= 1
    assert +hostile_shape == +plain_shape
    assert not any(tag.endswith(("script", "foreignObject", "img")) for tag in hostile_shape)


@pytest.mark.exe
def test_svg_shows_each_label_literally(hostile_svg: str) -> None:
    texts = _texts(hostile_svg)
    for label in HOSTILE_LABELS:
        expected = _visible(label)
        if expected is not None:
            assert expected in texts, f"{label!r} not shown literally; texts: {texts}"
    assert "line1" in texts and "line2" in texts


@pytest.mark.exe
def test_svg_has_no_raw_control_characters_and_cuts_long_labels(hostile_svg: str) -> None:
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]", hostile_svg)
    texts = _texts(hostile_svg)
    assert any(t.startswith("ctl\\x00\\x01") for t in texts), texts
    longest = max(texts, key=len)
    assert len(longest) <= 80 and longest.endswith("…")
    assert len(hostile_svg) < 200_000  # 5000-character label, bounded picture


@pytest.mark.exe
def test_hostile_scopes_in_grouped_pictures_are_escaped() -> None:
    leaves = [Value(float(i), label=f"w{i}") for i in range(3)]
    for leaf, label in zip(leaves, HOSTILE_LABELS, strict=False):
        leaf.scope = label
    root = Value.sum(leaves)
    root.scope = HOSTILE_LABELS[1]
    root.backward()
    for group in ("neuron", "layer"):
        for collapse in (True, False):
            svg = draw_graph(root, group=group, collapse=collapse).pipe(format="svg")
            shape = _shape(svg.decode("utf-8"))
            assert not any(tag.endswith(("script", "img")) for tag in shape)


# ---------------------------------------------------------------------------
# the HTML player
# ---------------------------------------------------------------------------


def _player_data(page: str) -> dict[str, Any]:
    start = page.index('<script type="application/json" class="agm-data">')
    start = page.index(">", start) + 1
    end = page.index("</script>", start)
    data: dict[str, Any] = json.loads(page[start:end])
    return data


@pytest.fixture(scope="module")
def player_html() -> str:
    return str(animate(_graph(HOSTILE_LABELS), title=HOSTILE_LABELS[1]).to_html())


@pytest.mark.exe
def test_player_html_has_only_its_own_scripts_and_valid_data(player_html: str) -> None:
    assert len(re.findall("<script", player_html, re.IGNORECASE)) == 2
    assert len(re.findall("</script", player_html, re.IGNORECASE)) == 2
    assert "<img" not in player_html.lower()
    data = _player_data(player_html)
    assert len(data["frames"]) >= 2
    # The picture is inline in the page; it must still be well-formed XML.
    inline_svg = player_html[player_html.index("<svg") : player_html.index("</svg>") + 6]
    texts = _texts(inline_svg)
    for label in HOSTILE_LABELS:
        expected = _visible(label)
        if expected is not None:
            assert expected in texts, label


@pytest.mark.browser
@pytest.mark.exe
def test_player_in_chromium_shows_labels_as_text_and_runs_nothing(
    player_html: str, tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    page_path = tmp_path / "player.html"
    page_path.write_text(player_html, encoding="utf-8")
    dialogs: list[str] = []
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--headless", "--no-sandbox", "--disable-gpu"],
        )
        try:
            page = browser.new_page()

            def on_dialog(dialog: Any) -> None:
                dialogs.append(dialog.message)
                dialog.dismiss()

            def on_page_error(error: Any) -> None:
                errors.append(str(error))

            page.on("dialog", on_dialog)
            page.on("pageerror", on_page_error)
            page.goto(page_path.as_uri())
            page.wait_for_selector(".agm-stage svg")
            for _ in range(3):  # step through frames: patches must stay text too
                page.click(".agm-forward")
            state = page.evaluate(
                """() => ({
                    texts: Array.from(document.querySelectorAll('.agm-stage svg text'))
                        .map(t => t.textContent),
                    scripts: document.querySelectorAll('script').length,
                    images: document.querySelectorAll('img').length,
                    injected: document.querySelectorAll('.agm-stage svg script, svg svg').length,
                    title: document.querySelector('.agm-title').textContent,
                })"""
            )
        finally:
            browser.close()
    assert dialogs == [] and errors == []
    assert state["scripts"] == 2 and state["images"] == 0 and state["injected"] == 0
    assert state["title"] == HOSTILE_LABELS[1]
    for label in HOSTILE_LABELS:
        expected = _visible(label)
        if expected is not None:
            assert expected in state["texts"], label
