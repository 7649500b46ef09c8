"""What a notebook displays: pictures and players that still show when untrusted.

Jupyter trusts only the notebooks a user ran or signed: in anyone else's (a fresh
clone, a colleague's file) JupyterLab shows the text repr instead of an
``image/svg+xml`` output and runs no script. Sites that render notebooks go further
(``jupyter nbconvert --sanitize-html`` escapes every ``text/html`` and
``text/markdown`` output and drops scripts); image outputs are the one form that all
of them show. Hence:

- a picture (`picture_bundle`, `Picture`, `NotebookDigraph`) is ``image/svg+xml``
  (sharp, where trusted) with ``image/png`` beside it (everywhere else) and a line
  of ``text/plain``;
- a player (`player_outputs`, `show_player`) is two outputs: the picture of one
  frame, then an ``application/javascript`` output whose script builds the live
  player in place of that picture. Where scripts do not run, that second output
  shows its ``text/plain``: one line saying to run the cell. No dead buttons.

The PNG is rasterised from the SVG by CairoSVG (in the ``notebooks`` extra); without
it a picture is SVG only, as Graphviz shows it.

>>> svg = '<svg xmlns="http://www.w3.org/2000/svg" width="30pt" height="15pt"/>'
>>> data, metadata = picture_bundle(svg, text="an empty picture")
>>> sorted(data), metadata["image/png"]
(['image/png', 'image/svg+xml', 'text/plain'], {'width': 40, 'height': 20})
>>> [sorted(data) for data, _ in player_outputs("<button>play</button>", svg, text="a player")]
[['image/png', 'image/svg+xml', 'text/plain'], ['application/javascript', 'text/plain']]
"""

from __future__ import annotations

import base64
import io
import json
import math
import re
from collections.abc import Iterable
from typing import Any

import graphviz

__all__ = [
    "RUN_TO_PLAY",
    "NotebookDigraph",
    "Picture",
    "picture_bundle",
    "player_outputs",
    "show_player",
    "svg_to_png",
]

RUN_TO_PLAY = "Run this cell to play."
"""What a player says where its script cannot run (an untrusted notebook)."""

Bundle = dict[str, Any]
"""A mimebundle: MIME type -> content (text, or base64 text for PNG)."""

_SCALE = 2.0  # PNG pixels per CSS pixel: sharp on high-density screens
_MAX_PNG_PIXELS = 8_000_000  # a huge graph gets fewer pixels per CSS pixel, not a huge file
_UNITS = {
    "": 1.0,
    "px": 1.0,
    "pt": 4 / 3,
    "pc": 16.0,
    "in": 96.0,
    "cm": 96 / 2.54,
    "mm": 9.6 / 2.54,
}
_LENGTH = re.compile(r"\s*([0-9.]+)\s*([a-z]*)\s*$")
_ROOT_SIZE = re.compile(r"<svg\b[^>]*>", re.S)


def _css_size(svg: str) -> tuple[float, float] | None:
    """The SVG's width and height in CSS pixels, from its root element (None if unknown)."""
    root = _ROOT_SIZE.search(svg)
    if root is None:
        return None
    sizes = []
    for name in ("width", "height"):
        attribute = re.search(rf'\s{name}\s*=\s*["\']([^"\']*)["\']', root.group(0))
        length = _LENGTH.match(attribute.group(1)) if attribute else None
        if length is None or length.group(2) not in _UNITS:
            return None
        try:
            sizes.append(float(length.group(1)) * _UNITS[length.group(2)])
        except ValueError:
            return None
    return sizes[0], sizes[1]


def svg_to_png(svg: str) -> tuple[bytes, int, int] | None:
    """Rasterise `svg`: (PNG bytes, width, height in CSS pixels), or None without CairoSVG.

    The PNG has about two pixels per CSS pixel (fewer for a very large picture),
    so it stays sharp on high-density screens when shown at the returned size,
    on white, in 64 colours (a third of the bytes; diagrams have few colours).
    External files and URLs in the SVG are never loaded.

    >>> svg = '<svg xmlns="http://www.w3.org/2000/svg" width="6pt" height="3pt"/>'
    >>> png, width, height = svg_to_png(svg)
    >>> png[:4], width, height
    (b'\\x89PNG', 8, 4)
    """
    if not isinstance(svg, str):
        raise TypeError(f"svg_to_png: svg must be a str, got {type(svg).__name__}")
    try:
        import cairosvg
        from PIL import Image
    except (ImportError, OSError):  # not installed, or the cairo library is missing
        return None
    size = _css_size(svg)
    scale = _SCALE
    if size is not None and size[0] * size[1] * scale * scale > _MAX_PNG_PIXELS:
        scale = max(1.0, math.sqrt(_MAX_PNG_PIXELS / (size[0] * size[1])))
    png = cairosvg.svg2png(
        bytestring=svg.encode("utf-8"), scale=scale, background_color="white", unsafe=False
    )
    if not isinstance(png, bytes):
        raise TypeError("svg_to_png: CairoSVG returned no PNG")
    with Image.open(io.BytesIO(png)) as image:
        pixels_wide, pixels_high = image.size
        palette = image.convert("RGB").quantize(colors=64, method=Image.Quantize.FASTOCTREE)
    out = io.BytesIO()
    palette.save(out, format="PNG")
    return out.getvalue(), round(pixels_wide / scale), round(pixels_high / scale)


def picture_bundle(svg: str, *, text: str) -> tuple[Bundle, Bundle]:
    """The (data, metadata) a notebook saves for the picture `svg`.

    ``image/svg+xml`` for trusted notebooks, ``image/png`` (shown at the SVG's
    size) for untrusted ones and sites that render notebooks, and `text` as
    ``text/plain`` for front ends that show no pictures (say what it is).
    Return it from an object's ``_repr_mimebundle_``.

    >>> svg = '<svg xmlns="http://www.w3.org/2000/svg" width="3pt" height="3pt"/>'
    >>> data, metadata = picture_bundle(svg, text="a dot")
    >>> data["text/plain"], data["image/png"][:8], metadata
    ('a dot', 'iVBORw0K', {'image/png': {'width': 4, 'height': 4}})
    """
    if not isinstance(svg, str):
        raise TypeError(f"picture_bundle: svg must be a str, got {type(svg).__name__}")
    if not isinstance(text, str):
        raise TypeError(f"picture_bundle: text must be a str, got {type(text).__name__}")
    data: Bundle = {"image/svg+xml": svg, "text/plain": text}
    metadata: Bundle = {}
    raster = svg_to_png(svg)
    if raster is not None:
        png, width, height = raster
        data["image/png"] = base64.b64encode(png).decode("ascii")
        metadata["image/png"] = {"width": width, "height": height}
    return data, metadata


# Runs with `element` bound to the output's node (JupyterLab, nbconvert HTML; a
# jQuery wrapper of it in the classic Notebook). Scripts set through innerHTML
# never run, so each is swapped for a fresh copy; the player's own data scripts
# (type application/json) stay as they are.
_MOUNT = """(function (element) {
  "use strict";
  if (element && element.jquery) { element = element[0]; }  // the classic Notebook's wrapper
  element.innerHTML = __LIVE__;
  Array.prototype.forEach.call(element.querySelectorAll("script"), function (old) {
    var type = (old.getAttribute("type") || "text/javascript").toLowerCase();
    if (type !== "text/javascript" && type !== "application/javascript") { return; }
    var fresh = document.createElement("script");
    fresh.textContent = old.textContent;
    old.parentNode.replaceChild(fresh, old);
  });
  // The output just above holds this player's picture: the live player takes its place.
  function hidePicture() {
    var output = element.closest ? element.closest(".jp-OutputArea-child") : null;
    var above = output ? output.previousElementSibling : null;
    var picture = "[data-mime-type='image/png'], [data-mime-type='image/svg+xml']";
    if (above && above.querySelector(picture)) { above.style.display = "none"; }
    return output !== null;
  }
  if (!hidePicture()) { requestAnimationFrame(hidePicture); }
})(element);
"""


def player_outputs(
    live_html: str, picture_svg: str, *, text: str, note: str = RUN_TO_PLAY
) -> list[tuple[Bundle, Bundle]]:
    """The two outputs (data, metadata) of an interactive player, in display order.

    First `picture_svg` as a picture (`picture_bundle`, with `text`), then a
    script that puts `live_html` (markup with its own scripts) in place of that
    picture; where scripts do not run, the second output shows `note` instead.
    Display them with `show_player`.

    >>> svg = '<svg xmlns="http://www.w3.org/2000/svg" width="3pt" height="3pt"/>'
    >>> picture, live = player_outputs("<p>live</p>", svg, text="frame 1 of 9")
    >>> picture[0]["text/plain"], live[0]["text/plain"]
    ('frame 1 of 9', 'Run this cell to play.')
    >>> "</" in live[0]["application/javascript"]  # safe inside a <script> element
    False
    """
    for name, value in (("live_html", live_html), ("text", text), ("note", note)):
        if not isinstance(value, str):
            raise TypeError(f"player_outputs: {name} must be a str, got {type(value).__name__}")
    picture = picture_bundle(picture_svg, text=text)
    # As a JS string literal with <, > and & escaped, the markup cannot end the
    # <script> element that some front ends wrap this code in.
    literal = json.dumps(live_html, ensure_ascii=True)
    literal = literal.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    script = _MOUNT.replace("__LIVE__", literal)
    return [picture, ({"application/javascript": script, "text/plain": note}, {})]


def show_player(live_html: str, picture_svg: str, *, text: str, note: str = RUN_TO_PLAY) -> None:
    """Display a player in the running notebook (call it from ``_ipython_display_``).

    For example, a class with a live HTML fragment and SVG frames::

        def _ipython_display_(self) -> None:
            show_player(self.live_html(), self.frames[0], text=repr(self))

    Arguments as for `player_outputs`. Needs IPython (any Jupyter kernel has it).
    """
    from IPython.display import display

    for data, metadata in player_outputs(live_html, picture_svg, text=text, note=note):
        display(data, metadata=metadata, raw=True)  # type: ignore[no-untyped-call]


def _filter(
    bundle: tuple[Bundle, Bundle], include: Iterable[str] | None, exclude: Iterable[str] | None
) -> tuple[Bundle, Bundle]:
    """Keep the MIME types IPython asked for (all by default)."""
    data, metadata = bundle
    wanted = set(data) if include is None else set(include)
    wanted -= set(exclude or ())
    data = {mime: value for mime, value in data.items() if mime in wanted}
    return data, {mime: value for mime, value in metadata.items() if mime in data}


class Picture:
    """An SVG picture that a notebook shows as `picture_bundle` describes.

    >>> picture = Picture('<svg xmlns="http://www.w3.org/2000/svg" width="3pt" height="3pt"/>')
    >>> sorted(picture._repr_mimebundle_()[0])
    ['image/png', 'image/svg+xml', 'text/plain']
    """

    def __init__(self, svg: str, text: str = "Picture") -> None:
        if not isinstance(svg, str):
            raise TypeError(f"Picture: svg must be a str, got {type(svg).__name__}")
        if not isinstance(text, str):
            raise TypeError(f"Picture: text must be a str, got {type(text).__name__}")
        self.svg = svg
        self.text = text

    def __repr__(self) -> str:
        return self.text

    def _repr_mimebundle_(
        self, include: Iterable[str] | None = None, exclude: Iterable[str] | None = None
    ) -> tuple[Bundle, Bundle]:
        return _filter(picture_bundle(self.svg, text=self.text), include, exclude)


class NotebookDigraph(graphviz.Digraph):  # type: ignore[misc]
    """A `graphviz.Digraph` that a notebook shows as SVG plus PNG (see `picture_bundle`).

    Everything else is Graphviz's: `.source`, `.pipe()`, `.render()`, `.copy()`.

    >>> dot = NotebookDigraph(); dot.edge("a", "b")
    >>> isinstance(dot, graphviz.Digraph), sorted(dot._repr_mimebundle_()[0])
    (True, ['image/png', 'image/svg+xml', 'text/plain'])
    """

    def _repr_mimebundle_(
        self, include: Iterable[str] | None = None, exclude: Iterable[str] | None = None, **_: Any
    ) -> tuple[Bundle, Bundle]:
        svg = self.pipe(format="svg", encoding="utf-8")
        arrows = sum(1 for line in self.body if " -> " in line)
        text = f"<graph with {arrows} arrows: a picture in Jupyter>"
        return _filter(picture_bundle(svg, text=text), include, exclude)
