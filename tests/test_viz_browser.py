"""The saved player, driven in real headless Chromium (Debian `chromium` + playwright).

Never runs `playwright install`: it uses the system Chromium. Checks that the
step buttons, slider, play and keyboard change the shown frame and caption,
that the browser's SVG matches the frames Python made, and that nothing is
fetched from the network, logged as an error, or injected by a hostile label.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from graphs import karpathy

from autograd_mini.viz import Animation, animate

pytestmark = [pytest.mark.browser, pytest.mark.exe]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOSTILE = '</script><img src=x onerror=alert(1)>"&<!--'
SVG = "{http://www.w3.org/2000/svg}"


def make_animation() -> Animation:
    L, _ = karpathy(f_label=HOSTILE)
    return animate(L, lr=0.01, title=HOSTILE)


def svg_texts(svg: str) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text")]


def svg_fills(svg: str) -> list[str]:
    return [el.get("fill") or "" for el in ET.fromstring(svg).iter() if el.tag != f"{SVG}svg"]


@pytest.fixture()
def player(tmp_path: Path) -> Any:
    from playwright.sync_api import sync_playwright

    animation = make_animation()
    page_path = animation.save(tmp_path / "player.html")
    page_url = page_path.resolve().as_uri()
    seen: dict[str, list[str]] = {"requests": [], "errors": [], "dialogs": []}
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
        )
        try:

            def guard(route: Any) -> None:
                if route.request.url == page_url:
                    route.continue_()
                else:
                    seen["requests"].append(route.request.url)
                    route.abort()

            def on_request(request: Any) -> None:
                if request.url != page_url:
                    seen["requests"].append(request.url)

            def on_console(message: Any) -> None:
                if message.type in ("error", "warning"):
                    seen["errors"].append(message.text)

            def on_page_error(error: Any) -> None:
                seen["errors"].append(str(error))

            def on_dialog(dialog: Any) -> None:
                seen["dialogs"].append(dialog.message)
                dialog.dismiss()

            context.route("**/*", guard)
            context.on("request", on_request)
            page = context.new_page()
            page.on("console", on_console)
            page.on("pageerror", on_page_error)
            page.on("dialog", on_dialog)
            page.goto(page_url)
            page.wait_for_selector(".agm-stage svg")
            yield page, animation, seen
        finally:
            context.close()


def shown(page: Any) -> dict[str, Any]:
    return dict(
        page.evaluate(
            """() => {
        const root = document.querySelector('.agm-player');
        const svg = root.querySelector('.agm-stage svg');
        return {
            frame: Number(root.getAttribute('data-frame')),
            caption: root.querySelector('.agm-text').textContent,
            counter: root.querySelector('.agm-counter').textContent,
            texts: Array.from(svg.querySelectorAll('text')).map(t => t.textContent),
            fills: Array.from(svg.querySelectorAll('*')).map(e => e.getAttribute('fill') || ''),
            images: document.querySelectorAll('img').length,
        };
    }"""
        )
    )


def assert_shows(page: Any, animation: Animation, k: int) -> None:
    state = shown(page)
    assert state["frame"] == k
    assert state["caption"] == animation.captions[k]
    assert state["counter"] == f"{k + 1} / {len(animation)}"
    assert state["texts"] == svg_texts(animation.frames[k])
    assert state["fills"] == svg_fills(animation.frames[k])


def test_step_buttons_change_frame_and_caption(player: Any) -> None:
    page, animation, seen = player
    assert_shows(page, animation, 0)
    before = shown(page)
    page.click(".agm-forward")
    assert_shows(page, animation, 1)
    after = shown(page)
    assert after["caption"] != before["caption"] and after["texts"] != before["texts"]
    assert "data -6" in after["texts"] and "data -6" not in before["texts"]
    page.click(".agm-forward")
    page.click(".agm-forward")
    assert_shows(page, animation, 3)
    page.click(".agm-back")
    assert_shows(page, animation, 2)
    page.click(".agm-last")
    assert_shows(page, animation, len(animation) - 1)
    page.click(".agm-forward")  # stays on the last frame
    assert_shows(page, animation, len(animation) - 1)
    page.click(".agm-first")
    assert_shows(page, animation, 0)
    assert seen == {"requests": [], "errors": [], "dialogs": []}


def test_slider_keyboard_and_play(player: Any) -> None:
    page, animation, seen = player
    page.fill(".agm-slider", "6")
    assert_shows(page, animation, 6)
    page.focus(".agm-player")
    page.keyboard.press("ArrowLeft")
    assert_shows(page, animation, 5)
    page.keyboard.press("Home")
    assert_shows(page, animation, 0)
    page.select_option(".agm-speed", "4")
    page.click(".agm-play")
    page.wait_for_function(
        "() => Number(document.querySelector('.agm-player').getAttribute('data-frame')) >= 2",
        timeout=10_000,
    )
    page.click(".agm-play")  # pause
    paused_at = shown(page)["frame"]
    page.wait_for_timeout(700)
    assert shown(page)["frame"] == paused_at
    assert_shows(page, animation, paused_at)
    assert seen == {"requests": [], "errors": [], "dialogs": []}


def test_hostile_label_stays_text(player: Any) -> None:
    page, _animation, seen = player
    state = shown(page)
    assert state["images"] == 0
    assert HOSTILE in state["texts"]
    assert page.evaluate("document.querySelector('.agm-title').textContent") == HOSTILE
    assert page.evaluate("document.querySelectorAll('.agm-stage script').length") == 0
    assert seen["dialogs"] == []
