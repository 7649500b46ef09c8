"""What notebooks display: pictures with a PNG beside the SVG, players as picture + script."""

from __future__ import annotations

import base64
import html
import http.server
import io
import json
import re
import sys
import threading
from typing import Any

import graphviz
import pytest
from graphs import karpathy
from PIL import Image

from autograd_mini.viz import animate, draw_graph
from autograd_mini.viz.notebook import (
    RUN_TO_PLAY,
    NotebookDigraph,
    Picture,
    picture_bundle,
    player_outputs,
    svg_to_png,
)

HOSTILE = "</script><script>alert(1)</script><!-- \"' & \u2028 \\ ]]>"


def rect_svg(width_pt: float, height_pt: float, fill: str = "#ff0000") -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width_pt}pt" height="{height_pt}pt" '
        f'viewBox="0 0 {width_pt} {height_pt}">'
        f'<rect x="0" y="0" width="{width_pt / 2}" height="{height_pt}" fill="{fill}"/></svg>'
    )


def decode(data: dict[str, Any]) -> Image.Image:
    return Image.open(io.BytesIO(base64.b64decode(data["image/png"]))).convert("RGB")


def test_a_picture_carries_svg_png_and_text() -> None:
    svg = rect_svg(60, 30)
    data, metadata = picture_bundle(svg, text="half red")
    assert data["image/svg+xml"] == svg and data["text/plain"] == "half red"
    # 1pt = 4/3 CSS px: shown at the SVG's own size, drawn with two pixels per CSS pixel.
    assert metadata == {"image/png": {"width": 80, "height": 40}}
    image = decode(data)
    assert image.size == (160, 80)
    # The left half is the red rectangle, the right half the white background.
    red, white = image.getpixel((40, 40)), image.getpixel((120, 40))
    assert isinstance(red, tuple) and isinstance(white, tuple)
    assert red[0] > 200 and red[1] < 60 and red[2] < 60, red
    assert min(white) > 240, white


def test_a_huge_picture_gets_fewer_pixels_but_keeps_its_size() -> None:
    data, metadata = picture_bundle(rect_svg(3000, 1500), text="huge")
    image = decode(data)
    assert metadata["image/png"] == {"width": 4000, "height": 2000}
    assert image.size[0] * image.size[1] <= 8_000_000
    assert image.size[0] >= 4000  # never fewer pixels than CSS pixels


def test_a_transparent_svg_is_drawn_on_white() -> None:
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="9pt" height="9pt"/>'
    assert decode(picture_bundle(svg, text="")[0]).getpixel((5, 5)) == (255, 255, 255)


def test_rasterising_never_fetches_what_the_svg_points_to() -> None:
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        svg = (
            '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
            ' width="20pt" height="20pt">'
            f'<image xlink:href="{url}/picture.png" width="10" height="10"/>'
            f'<style>@import url("{url}/style.css");</style>'
            f'<use xlink:href="{url}/shapes.svg#a"/></svg>'
        )
        assert svg_to_png(svg) is not None
    finally:
        server.shutdown()
        server.server_close()
    assert requests == []


def test_without_cairosvg_a_picture_is_svg_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "cairosvg", None)  # import now raises ImportError
    svg = rect_svg(10, 10)
    assert svg_to_png(svg) is None
    assert picture_bundle(svg, text="t") == ({"image/svg+xml": svg, "text/plain": "t"}, {})


def literal_of(script: str) -> str:
    match = re.search(r"element\.innerHTML = (\".*?(?<!\\)\");", script)
    assert match, script
    value = json.loads(match.group(1))
    assert isinstance(value, str)
    return value


def test_a_player_is_its_picture_then_a_script_that_carries_the_live_html() -> None:
    live = f"<div>{HOSTILE}</div><script>var x = '{HOSTILE}';</script>"
    picture, script = player_outputs(live, rect_svg(30, 15), text="a player")
    assert picture == picture_bundle(rect_svg(30, 15), text="a player")
    data, metadata = script
    assert set(data) == {"application/javascript", "text/plain"} and metadata == {}
    assert data["text/plain"] == RUN_TO_PLAY
    code = data["application/javascript"]
    # Nothing in it can end a <script> element or open a comment; the markup survives.
    assert "</" not in code and "<!--" not in code
    assert literal_of(code) == live


def test_the_note_can_be_changed() -> None:
    _, (data, _) = player_outputs("<p>x</p>", rect_svg(5, 5), text="t", note="Run to watch.")
    assert data["text/plain"] == "Run to watch."


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: picture_bundle(b"<svg/>", text=""),  # type: ignore[arg-type]
            "picture_bundle: svg must be a str, got bytes",
        ),
        (lambda: picture_bundle("<svg/>", text=None), "picture_bundle: text must be a str"),  # type: ignore[arg-type]
        (lambda: svg_to_png(None), "svg_to_png: svg must be a str, got NoneType"),  # type: ignore[arg-type]
        (lambda: player_outputs(1, "<svg/>", text=""), "player_outputs: live_html must be a str"),  # type: ignore[arg-type]
        (lambda: player_outputs("", "<svg/>", text="", note=2), "player_outputs: note must be"),  # type: ignore[arg-type]
        (lambda: Picture(3), "Picture: svg must be a str, got int"),  # type: ignore[arg-type]
    ],
)
def test_bad_arguments_are_type_errors(call: Any, message: str) -> None:
    with pytest.raises(TypeError, match=re.escape(message)):
        call()


def test_a_picture_object_follows_include_and_exclude() -> None:
    picture = Picture(rect_svg(10, 10), "ten by ten")
    data, metadata = picture._repr_mimebundle_(include=["image/png", "text/plain"])
    assert set(data) == {"image/png", "text/plain"} and set(metadata) == {"image/png"}
    data, metadata = picture._repr_mimebundle_(exclude=["image/png"])
    assert set(data) == {"image/svg+xml", "text/plain"} and metadata == {}
    assert repr(picture) == "ten by ten"


@pytest.mark.exe
def test_draw_graph_shows_svg_with_a_png_of_the_same_picture() -> None:
    L, _ = karpathy()
    dot = draw_graph(L)
    assert isinstance(dot, graphviz.Digraph) and isinstance(dot, NotebookDigraph)
    data, metadata = dot._repr_mimebundle_()
    assert set(data) == {"image/svg+xml", "image/png", "text/plain"}
    assert data["image/svg+xml"] == dot.pipe(format="svg", encoding="utf-8")
    found = re.search(r'<svg width="([0-9.]+)pt"', data["image/svg+xml"])
    assert found is not None
    width = float(found.group(1))
    assert abs(metadata["image/png"]["width"] - width * 4 / 3) <= 1
    assert decode(data).size[0] == pytest.approx(2 * width * 4 / 3, abs=2)
    assert "0x" not in data["text/plain"]  # no memory address: saved notebooks stay stable
    # Graphviz's own API is untouched, and copies keep showing the same way.
    assert "record" in dot.source and type(dot.copy()) is NotebookDigraph
    assert dot._repr_mimebundle_(include=["image/svg+xml"])[0].keys() == {"image/svg+xml"}


@pytest.mark.exe
def test_an_animation_displays_its_first_frame_then_the_player(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import IPython.display

    shown: list[tuple[dict[str, Any], dict[str, Any]]] = []

    def display(data: dict[str, Any], *, metadata: dict[str, Any], raw: bool) -> None:
        assert raw
        shown.append((data, metadata))

    monkeypatch.setattr(IPython.display, "display", display)
    L, _ = karpathy()
    animation = animate(L, lr=0.01)
    animation._ipython_display_()
    (picture, picture_metadata), (live, _) = shown
    assert picture["image/svg+xml"] == animation.frames[0]
    assert picture["text/plain"] == repr(animation)
    assert "image/png" in picture and "image/png" in picture_metadata
    # The player's markup has a per-call id: compare it with that id taken out.
    markup = literal_of(live["application/javascript"])
    assert re.sub(r"agm-[0-9a-f]+-[0-9]+", "ID", markup) == re.sub(
        r"agm-[0-9a-f]+-[0-9]+", "ID", animation._repr_html_()
    )
    assert live["text/plain"] == RUN_TO_PLAY


MOUNT_PAGE = """<!DOCTYPE html><html><body>
<div class="jp-OutputArea-child" id="picture">
  <div class="jp-OutputArea-output" data-mime-type="image/png"><img alt="frame 1"></div>
</div>
<div class="jp-OutputArea-child"><div class="jp-OutputArea-output" id="output"></div></div>
</body></html>"""

LIVE = (
    f'<div class="live"><span class="label">{html.escape(HOSTILE)}</span>'
    '<script type="application/json" class="data">{"frames": 3}</script>'
    "<script>var live = document.querySelector('.live');"
    "live.setAttribute('data-ran', JSON.parse(live.querySelector('.data').textContent).frames);"
    "</script></div>"
)


@pytest.mark.browser
@pytest.mark.parametrize("wrapped", [False, True], ids=["element", "jquery-wrapped"])
def test_the_player_script_mounts_the_live_html_in_place_of_the_picture(wrapped: bool) -> None:
    from playwright.sync_api import Dialog, sync_playwright

    _, (data, _) = player_outputs(LIVE, rect_svg(30, 15), text="a player")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu"],
            headless=True,
        )
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))

            def refuse_dialog(dialog: Dialog) -> None:
                errors.append(dialog.message)
                dialog.dismiss()

            page.on("dialog", refuse_dialog)
            page.set_content(MOUNT_PAGE)
            # How front ends run it: the code with `element` bound to the output node.
            page.evaluate(
                """([code, wrapped]) => {
                    const node = document.getElementById("output");
                    const element = wrapped ? {jquery: "3.7", 0: node, length: 1} : node;
                    new Function("element", code)(element);
                }""",
                [data["application/javascript"], wrapped],
            )
            page.wait_for_selector(".live[data-ran]")
            assert page.get_attribute(".live", "data-ran") == "3"  # its script ran, once
            assert page.text_content(".live .label") == HOSTILE
            assert page.locator("#output .live").count() == 1
            assert not page.is_visible("#picture")  # the live player took the picture's place
            assert errors == []
        finally:
            browser.close()
