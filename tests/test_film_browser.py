"""The saved training film, driven in real headless Chromium (system chromium + playwright).

Checks that the controls (buttons, slider, speed, keyboard), the edge modes
and slow motion change what is shown, that what the browser draws for frame k
is what Python draws for frame k, and that nothing is fetched, logged as an
error or injected by a hostile title.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from film_runs import moons_run

from autograd_mini.viz import Film, animate_training
from autograd_mini.viz.drawing import to_svg
from autograd_mini.viz.escape import format_number
from autograd_mini.viz.palette import hex_rgb

pytestmark = [pytest.mark.browser, pytest.mark.exe]

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOSTILE = '</script><img src=x onerror=alert(1)>"&<!--'


@pytest.fixture(scope="module")
def moons_film() -> Film:
    run, X, y, val = moons_run(12)
    return animate_training(run, X, y, validation_data=val, title=HOSTILE, chain_rule_frames=2)


def open_page(tmp_path: Path, film: Film, javascript: bool = True) -> Any:
    from playwright.sync_api import sync_playwright

    url = film.save(tmp_path / "film.html").resolve().as_uri()
    seen: dict[str, list[str]] = {"requests": [], "errors": [], "dialogs": []}
    manager = sync_playwright()
    playwright = manager.__enter__()
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=CHROMIUM,
        args=ARGS,
        headless=True,
        java_script_enabled=javascript,
    )

    def guard(route: Any) -> None:
        if route.request.url == url:
            route.continue_()
        else:
            seen["requests"].append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()

    def on_console(message: Any) -> None:
        if message.type in ("error", "warning"):
            seen["errors"].append(message.text)

    def on_page_error(error: Any) -> None:
        seen["errors"].append(str(error))

    def on_dialog(dialog: Any) -> None:
        seen["dialogs"].append(dialog.message)
        dialog.dismiss()

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    page.on("dialog", on_dialog)
    page.clock.install(time=0)
    page.goto(url)
    # Time stands still unless a test runs it: playing is checked frame by frame.
    page.clock.pause_at(10_000)

    def close() -> None:
        context.close()
        manager.__exit__(None, None, None)

    return page, seen, close


@pytest.fixture()
def page(tmp_path: Path, moons_film: Film) -> Any:
    page, seen, close = open_page(tmp_path, moons_film)
    try:
        yield page, seen
    finally:
        close()
    assert seen == {"requests": [], "errors": [], "dialogs": []}


def frame(page: Any) -> int:
    return int(page.get_attribute(".agm-film", "data-frame"))


def caption(page: Any) -> str:
    return str(page.text_content(".agm-film .agm-text"))


def keyed(page: Any) -> dict[str, dict[str, str]]:
    return dict(
        page.evaluate("""() => {
        const out = {};
        document.querySelectorAll('.agm-film svg.agm-network [data-k]').forEach(e => {
            out[e.getAttribute('data-k')] = {stroke: e.getAttribute('stroke') || '',
                width: e.getAttribute('stroke-width') || '', fill: e.getAttribute('fill') || '',
                text: e.textContent};
        });
        return out;
    }""")
    )


def python_keyed(film: Film, k: int, mode: str = "weights") -> dict[str, dict[str, str]]:
    svg = ET.fromstring(to_svg(film.panels(k, mode)["network"], 10, 10))
    return {
        el.get("data-k") or "": {
            "stroke": el.get("stroke") or "",
            "width": el.get("stroke-width") or "",
            "fill": el.get("fill") or "",
        }
        for el in svg.iter()
        if el.get("data-k")
    }


def close_colour(a: str, b: str) -> bool:
    if a == b:
        return True
    if not (a.startswith("#") and b.startswith("#")):
        return False
    # The page decodes float32 numbers; a channel may round the other way.
    return all(abs(x - y) <= 1 for x, y in zip(hex_rgb(a), hex_rgb(b)))


def assert_network_matches(page: Any, film: Film, k: int, mode: str = "weights") -> None:
    shown, expected = keyed(page), python_keyed(film, k, mode)
    compared = 0
    for key, want in expected.items():
        if key[0] not in "wbn":
            continue
        got = shown[key]
        for attr in ("stroke", "fill"):
            assert close_colour(got[attr], want[attr]), (key, attr, got, want)
        if want["width"] and key[0] == "w":
            assert abs(float(got["width"]) - float(want["width"])) <= 0.06, (key, got, want)
        compared += 1
    assert compared > 100


def test_step_buttons_and_slider_show_pythons_frames(page: Any, moons_film: Film) -> None:
    page, _ = page
    assert frame(page) == 0 and caption(page) == moons_film.captions[0]
    assert_network_matches(page, moons_film, 0)
    page.click(".agm-forward")
    assert frame(page) == 1 and caption(page) == moons_film.captions[1]
    assert_network_matches(page, moons_film, 1)
    page.click(".agm-last")
    last = len(moons_film) - 1
    assert frame(page) == last and page.text_content(".agm-counter") == f"{last + 1} / {last + 1}"
    assert_network_matches(page, moons_film, last)
    page.click(".agm-back")
    assert frame(page) == last - 1
    page.fill(".agm-slider", "5")
    assert frame(page) == 5 and caption(page) == moons_film.captions[5]
    cursor = page.get_attribute('[data-k="cursor-loss"]', "x1")
    expected = [e for e in film_shapes(moons_film, 5, "loss") if e.get("data-k") == "cursor-loss"]
    assert abs(float(cursor or "nan") - float(expected[0].get("x1") or "nan")) < 0.1
    page.click(".agm-first")
    assert frame(page) == 0


def film_shapes(film: Film, k: int, panel: str) -> list[ET.Element]:
    return list(ET.fromstring(to_svg(film.panels(k)[panel], 10, 10)).iter())


def test_keyboard_play_and_speed(page: Any, moons_film: Film) -> None:
    page, _ = page
    page.focus(".agm-film")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert frame(page) == 2
    page.keyboard.press("ArrowLeft")
    assert frame(page) == 1
    page.keyboard.press("End")
    assert frame(page) == len(moons_film) - 1
    page.keyboard.press("Home")
    assert frame(page) == 0
    # 1x is 400 ms a frame: 8x plays 8 frames in 400 ms, 0.25x one frame in 1600 ms.
    page.select_option(".agm-speed", "8")
    page.keyboard.press(" ")
    page.clock.run_for(410)
    assert frame(page) == 8
    page.keyboard.press(" ")
    page.clock.run_for(2000)
    assert frame(page) == 8
    page.select_option(".agm-speed", "0.25")
    page.click(".agm-play")
    page.clock.run_for(1610)
    assert frame(page) == 9
    page.click(".agm-play")
    assert page.get_attribute(".agm-film", "data-playing") is None


def test_edge_modes_show_gradients_and_changes(page: Any, moons_film: Film) -> None:
    page, _ = page
    page.fill(".agm-slider", "3")
    page.click('.agm-mode[data-mode="gradients"]')
    assert_network_matches(page, moons_film, 3, "gradients")
    page.focus(".agm-film")
    page.keyboard.press("c")
    assert_network_matches(page, moons_film, 3, "changes")
    assert "changes: widest" in page.text_content('[data-k="legend"]')
    page.keyboard.press("w")
    assert_network_matches(page, moons_film, 3, "weights")


def test_slow_motion_walks_forward_loss_backward_update(page: Any, moons_film: Film) -> None:
    page, _ = page
    k = 4
    page.fill(".agm-slider", str(k))
    page.click(".agm-slow")
    data = moons_film.data
    seen_stages = [page.get_attribute(".agm-film", "data-stage")]
    for _ in range(10):
        page.click(".agm-stage-next")
        seen_stages.append(page.get_attribute(".agm-film", "data-stage"))
        if seen_stages[-1] == "forward 1":
            # Layer 1's neurons show the sample's values with the weights before the step.
            value = data.values_before[k][2 + 0]
            assert page.text_content('[data-k="v1_0"]') == format_number(value)
    stages = list(dict.fromkeys(seen_stages))
    assert stages == [
        "forward 1",
        "forward 2",
        "forward 3",
        "loss 3",
        "backward 3",
        "backward 2",
        "backward 1",
        "update",
    ]
    text = caption(page)
    assert text.startswith("Update (lr 0.05)")
    # The biggest change the step made, with its numbers.
    biggest = max(range(len(data.deltas[k])), key=lambda i: abs(data.deltas[k][i]))
    assert format_number(data.deltas[k][biggest]) in text
    assert "Adam" in text  # Adam's change is not -lr*grad, and the film says so
    page.keyboard.press("ArrowLeft")
    assert page.get_attribute(".agm-film", "data-stage") == "backward 1"
    assert re.search(r"backward pass, layer 1", caption(page), re.IGNORECASE)
    page.keyboard.press("Escape")
    assert page.get_attribute(".agm-film", "data-stage") is None
    assert caption(page) == moons_film.captions[k]


def test_chain_rule_player_opens_from_slow_motion(page: Any, moons_film: Film) -> None:
    page, _ = page
    page.click(".agm-last")
    page.keyboard.press("s")
    page.click(".agm-open-chain")
    last = len(moons_film) - 1
    assert page.evaluate(f"document.querySelector('details.agm-chain[data-frame=\"{last}\"]').open")
    player = page.locator(f'details.agm-chain[data-frame="{last}"] .agm-player')
    player.locator(".agm-forward").click()
    assert player.get_attribute("data-frame") == "1"


def test_hostile_title_is_text(page: Any) -> None:
    page, seen = page
    assert page.text_content(".agm-film .agm-title") == HOSTILE
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert seen["dialogs"] == []


def test_without_javascript_first_frame_and_caption_no_dead_buttons(
    tmp_path: Path, moons_film: Film
) -> None:
    page, seen, close = open_page(tmp_path, moons_film, javascript=False)
    try:
        assert page.is_visible(".agm-film svg.agm-network")
        assert page.is_visible(".agm-film svg.agm-side")
        assert caption(page) == moons_film.captions[0]
        assert not page.is_visible(".agm-play") and not page.is_visible(".agm-slow")
        page.click("details.agm-chain summary")  # <details> opens without JavaScript
        assert page.is_visible("details.agm-chain .agm-stage svg")
        assert not page.is_visible("details.agm-chain .agm-player .agm-play")
        # The surface of frame 0 is an inline picture, drawn by Python.
        href = page.get_attribute('[data-k="surface"]', "href")
        assert href.startswith("data:image/png;base64,")
    finally:
        close()
    assert seen["requests"] == [] and seen["errors"] == []


def test_digits_answers_and_counts_match_python(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    from film_runs import digits_run

    run, X, y = digits_run(epochs=6)
    film = animate_training(run, X, y, class_names=("not 5", "5"), chain_rule_frames=0)
    page, seen, close = open_page(tmp_path, film)
    try:
        hrefs = set()
        for k in (0, 3, len(film) - 1):
            page.fill(".agm-slider", str(k))
            said, counts = film.view.answers(k)
            assert page.text_content('[data-k="confusion"]') == film.view.confusion_text(counts)
            for m, i in enumerate(film.view.strip):
                name = "5" if said[i] else "not 5"
                mark = "✓" if said[i] == y[i] else "✗"
                assert page.text_content(f'[data-k="ans{m}"]') == f"{name} {mark}"
            images = "Array.from(document.querySelectorAll('[data-k^=img]'))"
            hrefs.add(page.evaluate(f"{images}.map(e => e.getAttribute('href')).join()"))
        assert len(hrefs) == 3  # the neurons' weight images are redrawn every frame
        assert_network_matches(page, film, len(film) - 1)
    finally:
        close()
    assert seen == {"requests": [], "errors": [], "dialogs": []}


def test_a_diverged_run_ends_on_a_frame_that_says_so(tmp_path: Path) -> None:
    import math
    from dataclasses import replace

    run, X, y, _ = moons_run(3)
    bad = replace(run.steps[-1], step=run.steps[-1].step + 1, loss=math.nan)
    run = replace(run, steps=(*run.steps, bad), diverged="overflow in epoch 4 (exp)")
    film = animate_training(run, X, y, chain_rule_frames=0)
    page, seen, close = open_page(tmp_path, film)
    try:
        assert page.text_content('[data-k="banner"]') == ""
        page.click(".agm-last")
        assert page.text_content('[data-k="banner"]').startswith("Training diverged here")
        assert "Training diverged here: overflow in epoch 4 (exp)" in caption(page)
        assert "agm-diverged" in page.get_attribute(".agm-film .agm-caption", "class")
        page.click(".agm-back")
        assert page.text_content('[data-k="banner"]') == ""
    finally:
        close()
    assert seen == {"requests": [], "errors": [], "dialogs": []}


MOUNT_PAGE = """<!DOCTYPE html><html><body>
<div class="jp-OutputArea-child" id="picture">
  <div class="jp-OutputArea-output" data-mime-type="image/png"><img alt="frame 1"></div>
</div>
<div class="jp-OutputArea-child"><div class="jp-OutputArea-output" id="output"></div></div>
</body></html>"""


def test_in_a_notebook_the_live_film_replaces_its_picture(moons_film: Film) -> None:
    from playwright.sync_api import sync_playwright

    from autograd_mini.viz.notebook import player_outputs

    _, (live, _) = player_outputs(moons_film._repr_html_(), moons_film.frame_svg(0), text="film")
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.set_content(MOUNT_PAGE)
            # How JupyterLab runs it: the code with `element` bound to the output node.
            page.evaluate(
                "code => new Function('element', code)(document.getElementById('output'))",
                live["application/javascript"],
            )
            page.wait_for_selector("#output .agm-film[data-frame]")
            page.click("#output .agm-forward")
            assert frame(page) == 1 and caption(page) == moons_film.captions[1]
            assert not page.is_visible("#picture")
        finally:
            browser.close()
    assert errors == []


def test_a_film_without_data_and_of_one_step_still_plays(tmp_path: Path) -> None:
    from dataclasses import replace

    run, _, _, _ = moons_run(2)
    for film in (
        animate_training(run, chain_rule_frames=0),
        animate_training(replace(run, steps=run.steps[:1]), chain_rule_frames=0),
    ):
        folder = tmp_path / str(len(film))
        folder.mkdir()
        page, seen, close = open_page(folder, film)
        try:
            page.click(".agm-play")
            page.clock.run_for(2000)
            assert frame(page) == len(film) - 1
            page.keyboard.press("s")
            page.click(".agm-stage-next")
            assert page.get_attribute(".agm-film", "data-stage") == "forward 2"
            assert "give X to animate_training" in caption(page)
            assert page.text_content("svg.agm-side").startswith("No decision surface")
        finally:
            close()
        assert seen == {"requests": [], "errors": [], "dialogs": []}
