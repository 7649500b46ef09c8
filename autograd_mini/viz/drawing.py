"""A tiny drawing core: shapes that become SVG (browser, notebook) or pixels (GIF).

A picture is a list of shapes (`Line`, `Circle`, `Rect`, `Text`, `Polyline`,
`Raster`) on a canvas of known size. `to_svg` writes them as one SVG element;
`to_image` paints them with Pillow for GIF frames. A shape's `key` becomes a
``data-k`` attribute in the SVG, which is how the browser players find the
shapes they restyle frame by frame. Every text is XML-escaped here, so user
labels never become markup.

Imports `autograd_mini.viz.escape` and `.palette`; Pillow only inside `to_image`.

>>> svg = to_svg([Circle(10, 10, 5, "#2166ac", key="n0"), Text(20, 10, "a<b")], 40, 20)
>>> 'data-k="n0"' in svg, "a&lt;b" in svg
(True, True)
"""

from __future__ import annotations

import base64
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Union

from autograd_mini.viz.escape import html_text
from autograd_mini.viz.palette import hex_rgb

if TYPE_CHECKING:
    from PIL import Image, ImageFont

__all__ = [
    "Circle",
    "Line",
    "Polyline",
    "Raster",
    "Rect",
    "Shape",
    "Text",
    "png_bytes",
    "png_data_uri",
    "to_image",
    "to_svg",
]

INK = "#1f2937"
"""Default text colour."""

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str
    width: float = 1.0
    key: str | None = None


@dataclass(frozen=True)
class Circle:
    cx: float
    cy: float
    r: float
    fill: str
    stroke: str = INK
    width: float = 1.0
    key: str | None = None


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    stroke: str | None = None
    width: float = 1.0
    key: str | None = None


@dataclass(frozen=True)
class Text:
    """Text whose start, middle or end (`anchor`) is at (x, y), centred vertically."""

    x: float
    y: float
    text: str
    size: float = 12.0
    fill: str = INK
    anchor: str = "start"
    bold: bool = False
    key: str | None = None


@dataclass(frozen=True)
class Polyline:
    points: tuple[tuple[float, float], ...]
    stroke: str
    width: float = 1.5
    dashed: bool = False
    key: str | None = None


@dataclass(frozen=True)
class Raster:
    """A small image (rows of RGB pixels) scaled up to w x h without smoothing."""

    x: float
    y: float
    w: float
    h: float
    pixels: tuple[tuple[RGB, ...], ...]
    smooth: bool = False
    key: str | None = None


Shape = Union[Line, Circle, Rect, Text, Polyline, Raster]


def _n(x: float) -> str:
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _key(shape: Shape) -> str:
    return f' data-k="{html_text(shape.key)}"' if shape.key is not None else ""


def _svg_shape(shape: Shape) -> str:
    k = _key(shape)
    if isinstance(shape, Line):
        return (
            f'<line x1="{_n(shape.x1)}" y1="{_n(shape.y1)}" x2="{_n(shape.x2)}" '
            f'y2="{_n(shape.y2)}" stroke="{shape.stroke}" stroke-width="{_n(shape.width)}"{k}/>'
        )
    if isinstance(shape, Circle):
        return (
            f'<circle cx="{_n(shape.cx)}" cy="{_n(shape.cy)}" r="{_n(shape.r)}" '
            f'fill="{shape.fill}" stroke="{shape.stroke}" stroke-width="{_n(shape.width)}"{k}/>'
        )
    if isinstance(shape, Rect):
        stroke = (
            f' stroke="{shape.stroke}" stroke-width="{_n(shape.width)}"' if shape.stroke else ""
        )
        return (
            f'<rect x="{_n(shape.x)}" y="{_n(shape.y)}" width="{_n(shape.w)}" '
            f'height="{_n(shape.h)}" fill="{shape.fill}"{stroke}{k}/>'
        )
    if isinstance(shape, Text):
        weight = ' font-weight="bold"' if shape.bold else ""
        return (
            f'<text x="{_n(shape.x)}" y="{_n(shape.y)}" font-size="{_n(shape.size)}" '
            f'fill="{shape.fill}" text-anchor="{shape.anchor}" dominant-baseline="central"'
            f"{weight}{k}>{html_text(shape.text)}</text>"
        )
    if isinstance(shape, Polyline):
        points = " ".join(f"{_n(x)},{_n(y)}" for x, y in shape.points)
        dash = ' stroke-dasharray="5 3"' if shape.dashed else ""
        return (
            f'<polyline points="{points}" fill="none" stroke="{shape.stroke}" '
            f'stroke-width="{_n(shape.width)}"{dash}{k}/>'
        )
    rendering = "auto" if shape.smooth else "pixelated"
    pixels: Sequence[Sequence[RGB]] = shape.pixels
    if shape.smooth and pixels and pixels[0]:
        # Viewers smooth a tiny image differently (some blur past its edges):
        # smoothing it here to near its drawn size makes every viewer agree.
        factor = max(1, min(4, round(shape.w / len(pixels[0]))))
        pixels = _bilinear(pixels, factor)
    return (
        f'<image x="{_n(shape.x)}" y="{_n(shape.y)}" width="{_n(shape.w)}" '
        f'height="{_n(shape.h)}" preserveAspectRatio="none" style="image-rendering:{rendering}" '
        f'href="{png_data_uri(pixels)}"{k}/>'
    )


def _bilinear(pixels: Sequence[Sequence[RGB]], factor: int) -> list[list[RGB]]:
    """The image `factor` times bigger, each new pixel blended from its four nearest.

    >>> _bilinear([[(0, 0, 0), (200, 100, 0)]], 2)[0]
    [(0, 0, 0), (50, 25, 0), (150, 75, 0), (200, 100, 0)]
    """
    rows, cols = len(pixels), len(pixels[0])

    def source(i: int, n: int) -> tuple[int, int, float]:
        # Pixel centres line up: new pixel i sits at (i + 0.5) / factor - 0.5 old pixels.
        at = min(max((i + 0.5) / factor - 0.5, 0.0), n - 1.0)
        low = int(at)
        return low, min(low + 1, n - 1), at - low

    xs = [source(i, cols) for i in range(cols * factor)]
    out: list[list[RGB]] = []
    for r in range(rows * factor):
        r0, r1, fy = source(r, rows)
        top, bottom = pixels[r0], pixels[r1]
        line: list[RGB] = []
        for c0, c1, fx in xs:
            a, b, c, d = top[c0], top[c1], bottom[c0], bottom[c1]
            line.append(
                tuple(  # type: ignore[arg-type]
                    round(
                        (a[i] * (1 - fx) + b[i] * fx) * (1 - fy)
                        + (c[i] * (1 - fx) + d[i] * fx) * fy
                    )
                    for i in range(3)
                )
            )
        out.append(line)
    return out


def to_svg(
    shapes: Sequence[Shape], width: float, height: float, css_class: str = "", label: str = ""
) -> str:
    """The shapes as one SVG element, `width` x `height` user units, scalable.

    `label` names the picture for screen readers (role="img" with a <title>).
    """
    klass = f' class="{html_text(css_class)}"' if css_class else ""
    title = f"<title>{html_text(label)}</title>" if label else ""
    role = ' role="img"' if label else ""
    body = "".join(_svg_shape(s) for s in shapes)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(width)} {_n(height)}" '
        f'width="{_n(width)}" height="{_n(height)}" font-family="Helvetica, Arial, sans-serif"'
        f"{klass}{role}>{title}{body}</svg>"
    )


def png_bytes(pixels: Sequence[Sequence[RGB]]) -> bytes:
    """Rows of RGB pixels as a PNG file (zlib only, no Pillow needed).

    >>> png_bytes([[(255, 0, 0)]])[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
    """
    height, width = len(pixels), len(pixels[0]) if pixels else 0
    raw = b"".join(b"\x00" + bytes(c for px in row for c in px) for row in pixels)

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def png_data_uri(pixels: Sequence[Sequence[RGB]]) -> str:
    """`png_bytes` as a data: URI (allowed by the players' Content-Security-Policy)."""
    return "data:image/png;base64," + base64.b64encode(png_bytes(pixels)).decode("ascii")


def to_image(shapes: Sequence[Shape], width: int, height: int, scale: float = 1.0) -> Image.Image:
    """The shapes painted with Pillow on a white RGB image (`scale` x the size)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (round(width * scale), round(height * scale)), "white")
    draw = ImageDraw.Draw(image)
    fonts: dict[tuple[float, bool], ImageFont.ImageFont | ImageFont.FreeTypeFont] = {}

    def font(size: float, bold: bool) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
        if (size, bold) not in fonts:
            fonts[(size, bold)] = _font(size * scale, bold)
        return fonts[(size, bold)]

    def s(x: float) -> float:
        return x * scale

    for shape in shapes:
        if isinstance(shape, Line):
            draw.line(
                [(s(shape.x1), s(shape.y1)), (s(shape.x2), s(shape.y2))],
                fill=hex_rgb(shape.stroke),
                width=max(1, round(s(shape.width))),
            )
        elif isinstance(shape, Circle):
            r = s(shape.r)
            draw.ellipse(
                [s(shape.cx) - r, s(shape.cy) - r, s(shape.cx) + r, s(shape.cy) + r],
                fill=None if shape.fill == "none" else hex_rgb(shape.fill),
                outline=hex_rgb(shape.stroke),
                width=max(1, round(s(shape.width))),
            )
        elif isinstance(shape, Rect):
            draw.rectangle(
                [s(shape.x), s(shape.y), s(shape.x + shape.w), s(shape.y + shape.h)],
                fill=None if shape.fill == "none" else hex_rgb(shape.fill),
                outline=hex_rgb(shape.stroke) if shape.stroke else None,
                width=max(1, round(s(shape.width))),
            )
        elif isinstance(shape, Text):
            anchor = {"start": "lm", "middle": "mm", "end": "rm"}[shape.anchor]
            draw.text(
                (s(shape.x), s(shape.y)),
                shape.text,
                fill=hex_rgb(shape.fill),
                font=font(shape.size, shape.bold),
                anchor=anchor,
            )
        elif isinstance(shape, Polyline):
            if len(shape.points) >= 2:
                draw.line(
                    [(s(x), s(y)) for x, y in shape.points],
                    fill=hex_rgb(shape.stroke),
                    width=max(1, round(s(shape.width))),
                )
        elif shape.pixels and shape.pixels[0]:
            rows = shape.pixels
            tile = Image.new("RGB", (len(rows[0]), len(rows)))
            tile.putdata([px for row in rows for px in row])
            size = (max(1, round(s(shape.w))), max(1, round(s(shape.h))))
            method = Image.Resampling.BILINEAR if shape.smooth else Image.Resampling.NEAREST
            image.paste(tile.resize(size, method), (round(s(shape.x)), round(s(shape.y))))
    return image


def _font(size: float, bold: bool) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    from PIL import ImageFont

    # DejaVu ships with most Linux systems; Pillow's built-in font is the fallback.
    names = ("DejaVuSans-Bold.ttf", "Arial Bold.ttf") if bold else ("DejaVuSans.ttf", "Arial.ttf")
    for name in names:
        try:
            return ImageFont.truetype(name, round(size))
        except OSError:
            continue
    return ImageFont.load_default(size=round(size))


def translate(shapes: Sequence[Shape], dx: float, dy: float) -> list[Shape]:
    """The shapes moved by (dx, dy) (to lay several panels out on one picture)."""
    from dataclasses import replace

    moved: list[Shape] = []
    for s in shapes:
        if isinstance(s, Line):
            moved.append(replace(s, x1=s.x1 + dx, y1=s.y1 + dy, x2=s.x2 + dx, y2=s.y2 + dy))
        elif isinstance(s, Circle):
            moved.append(replace(s, cx=s.cx + dx, cy=s.cy + dy))
        elif isinstance(s, Polyline):
            moved.append(replace(s, points=tuple((x + dx, y + dy) for x, y in s.points)))
        else:
            moved.append(replace(s, x=s.x + dx, y=s.y + dy))
    return moved
