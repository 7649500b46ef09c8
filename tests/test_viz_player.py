"""animate: frame plan, numbers, escaping, the patch encoding and the saved file."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import graphviz
import pytest
from graphs import karpathy

from autograd_mini import Value
from autograd_mini.nn import MLP
from autograd_mini.viz import Animation, animate, draw_graph, trace_backward
from autograd_mini.viz.frames import expression
from autograd_mini.viz.player import player_template

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '</script><img src=x onerror=alert(1)>"&<!--'

pytestmark = pytest.mark.exe


def texts_of(svg: str, key: str) -> list[str]:
    for g in ET.fromstring(svg).iter(f"{SVG}g"):
        if g.get("id") == key:
            return [t.text or "" for t in g.iter(f"{SVG}text")]
    raise AssertionError(f"no {key!r} in frame")


def test_frames_forward_then_backward_then_update() -> None:
    anim = animate(karpathy()[0], lr=0.01)
    assert anim.phases == ["forward"] * 4 + ["backward"] * 5 + ["update", "forward"]
    assert anim.captions[1:4] == ["e = a * b = -6", "d = e + c = 4", "L = d * f = -8"]
    assert anim.captions[4].splitlines()[0] == "Backward pass: start with dL/dL = 1."
    assert anim.captions[7].splitlines() == [
        "e (*): upstream grad dL/de = -2",
        "dL/da += dL/de · ∂e/∂a = -2 × -3 = 6",
        "dL/db += dL/de · ∂e/∂b = -2 × 2 = -4",
    ]
    assert anim.captions[-2].splitlines()[1] == "a: 2 - 0.01 × 6 = 1.94"
    # Then forward again with a, b, c, f = 1.94, -2.96, 10.02, -2.04: L = -8.726304.
    assert anim.captions[-1] == (
        "Forward pass again with the updated parameters: "
        "L = -8.726 (was -8), down by 0.7263: the step did its job."
    )
    assert texts_of(anim.frames[-1], "v6")[-2] == "data -8.726"
    assert len(anim) == len(anim.frames) == 11


def test_forward_frames_reveal_values_in_order() -> None:
    anim = animate(karpathy()[0])
    # v2 is e (reading order a, b, e, c, d, f, L): hidden before its frame, shown from it on.
    assert texts_of(anim.frames[0], "v2")[-2:] == ["data ?", "grad ?"]
    assert texts_of(anim.frames[1], "v2")[-2:] == ["data -6", "grad ?"]
    assert texts_of(anim.frames[0], "v0")[-2] == "data 2"  # inputs are known from the start


def test_backward_frames_show_running_gradients_equal_to_backward() -> None:
    L = karpathy()[0]
    anim = animate(L)
    last = anim.frames[-1]
    L.backward()
    order = {"a": "v0", "b": "v1", "e": "v2", "c": "v3", "d": "v4", "f": "v5", "L": "v6"}
    grads = {n.label: n.grad for n in L.topological_order()}
    for label, key in order.items():
        assert texts_of(last, key)[-1] == f"grad {grads[label]:g}"


def test_accumulating_gradient_is_shown_as_a_partial_sum_first() -> None:
    x = Value(3.0, label="x")
    h = x * 2
    h.label = "h"
    y = h * h + h
    y.label = "y"
    anim = animate(y)
    grad_texts = [texts_of(svg, "v1")[-1] for svg in anim.frames]
    # dy/dh = 2h + 1 = 13 arrives in two contributions (1 from +, then 12 from *).
    steps = trace_backward(y)
    partial = [t for s in steps for p, t in zip(s.parents, s.parent_grads) if p is h]
    assert partial == [1.0, 7.0, 13.0]
    assert "grad 13" in grad_texts and grad_texts.index("grad 1") < grad_texts.index("grad 13")


def test_animate_does_not_change_the_graph() -> None:
    L = karpathy()[0]
    before = [(n.data, n.grad, n.label) for n in L.topological_order()]
    animate(L, lr=0.1)
    assert [(n.data, n.grad, n.label) for n in L.topological_order()] == before


def test_every_frame_is_valid_svg_and_patch_reproduces_it() -> None:
    anim = animate(karpathy()[0], lr=0.1)
    for frame, svg in zip(anim._frames, anim.frames):
        patched = ET.fromstring(anim.base_svg)
        elements = list(patched.iter())[1:]
        for index, attrs, text in frame.patch:
            assert isinstance(index, int) and isinstance(attrs, dict)
            elements[index].attrib.update(attrs)
            if text is not None:
                elements[index].text = text  # type: ignore[assignment]
        assert ET.tostring(patched, encoding="unicode") == svg
        assert ET.fromstring(svg).tag == f"{SVG}svg"


def test_hostile_labels_are_escaped_in_the_player() -> None:
    x = Value(1.0, label=HOSTILE)
    anim = animate(x * 2, title=HOSTILE)
    page = anim.to_html()
    assert "<img" not in page and "</script><img" not in page
    assert page.count("</script>") == 2  # the JSON data block and the player's code
    data = re.search(r'<script type="application/json" class="agm-data">(.*?)</script>', page, re.S)
    assert data is not None
    payload = json.loads(data.group(1))  # the JSON block survived intact
    assert len(payload["frames"]) == len(anim)
    stage = re.search(r'<div class="agm-stage" aria-live="polite">(.*?)</div>', page, re.S)
    assert stage is not None
    texts = [t.text for t in ET.fromstring(stage.group(1)).iter(f"{SVG}text")]
    assert HOSTILE in texts


def test_saved_player_is_standalone(tmp_path: Path) -> None:
    anim = animate(karpathy()[0])
    path = anim.save(tmp_path / "player.html")
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "default-src 'none'" in page
    # No URL a browser would fetch: only the SVG namespace names mention http.
    urls = set(re.findall(r"https?://[^\s\"'<>\\]+", page))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    assert not re.search(r"\b(src|href)\s*=", page)
    assert not list(tmp_path.glob(".*.tmp"))


def test_two_players_in_one_page_get_different_ids() -> None:
    anim = animate(karpathy()[0])
    first = re.search(r'id="agm-([^"]+)"', anim._repr_html_())
    second = re.search(r'id="agm-([^"]+)"', anim._repr_html_())
    assert first and second and first.group(1) != second.group(1)


def test_big_graph_is_grouped_to_keep_frames_few() -> None:
    model = MLP(2, [16, 16, 1], seed=0)
    losses = [(1 - y * model(x)).relu() for x, y in [([0.5, -1.0], 1.0), ([0.2, 0.3], -1.0)]]  # type: ignore[operator]
    anim = animate(Value.sum(losses) / 2)
    assert len(anim) < 2 * 60 + 4
    assert "summarised" in anim.captions[0]


def test_bad_arguments_and_template() -> None:
    with pytest.raises(ValueError, match="lr must be a number > 0, got -1"):
        animate(karpathy()[0], lr=-1)
    with pytest.raises(ValueError, match="rankdir"):
        animate(karpathy()[0], rankdir="diagonal")
    with pytest.raises(ValueError, match="at least one frame"):
        Animation("<svg/>", [])
    assert "__PLAYER_ID__" in player_template()


def test_expression_writes_ops_as_written() -> None:
    assert expression("*", ["a", "b"]) == "a * b"
    assert expression("-1", ["x"]) == "x - 1"
    assert expression("2**", ["x"]) == "2 ** x"
    assert expression("neg", ["x"]) == "-x"
    assert expression("dot", [f"w{i}" for i in range(6)]) == "dot(w0, w1, w2, w3, … 2 more)"


def test_labels_that_look_like_placeholders_stay_text() -> None:
    sneaky = "__BASE_SVG__ __FRAMES_JSON__ __TITLE__"
    x = Value(1.0, label=sneaky)
    y = x * 2
    y.label = sneaky
    page = animate(y, title=sneaky).to_html()
    data = re.search(r'<script type="application/json" class="agm-data">(.*?)</script>', page, re.S)
    assert data is not None
    payload = json.loads(data.group(1))
    assert any(sneaky in caption["caption"] for caption in payload["frames"])
    assert f'<div class="agm-title">{sneaky}</div>' in page
    assert page.count("<svg") == 1


# --- captions and colours a student can trust ---------------------------------


def tanh_of_product(a: float, b: float) -> Value:
    x, y = Value(a, label="a"), Value(b, label="b")
    L = (x * y).tanh()
    L.label = "L"
    return L


def test_the_local_derivative_is_written_apart_from_the_gradient() -> None:
    anim = animate(tanh_of_product(2.0, 3.0))
    root_step = next(c for c in anim.captions if c.startswith("L (tanh)"))
    # With d for both, the root step would read "dL/d#2 += dL/dL · dL/d#2".
    assert root_step.splitlines()[1] == "dL/d#2 += dL/dL · ∂L/∂#2 = 1 × 2.458e-05 = 2.458e-05"
    assert "∂node/∂parent" in anim.captions[3]


def test_numbers_that_round_to_a_whole_number_keep_their_digits() -> None:
    anim = animate(tanh_of_product(2.0, 3.0), lr=0.01)
    # tanh(6) = 0.9999877: four digits would say 1, and the update would read "2 ... = 2".
    assert anim.captions[2] == "L = tanh(#2) = 0.99999"
    k = anim.phases.index("update")
    update = anim.captions[k].splitlines()
    assert update[1] == "a: 2 - 0.01 × 7.373e-05 = 1.999999"
    assert float(update[1].rsplit("= ", 1)[1]) == pytest.approx(2 - 0.01 * 7.373e-05, abs=1e-6)
    assert texts_of(anim.frames[k], "v0")[-2] == "data 1.999999"
    assert texts_of(anim.frames[k], "v1")[-2] == "data 2.9999995"


def grad_colour(svg: str, key: str) -> str:
    for g in ET.fromstring(svg).iter(f"{SVG}g"):
        if g.get("id") == key:
            return [t for t in g.iter(f"{SVG}text")][-1].get("fill", "")
    raise AssertionError(f"no {key!r} in frame")


def test_a_gradient_turns_final_on_the_step_that_completes_it() -> None:
    anim = animate(karpathy()[0])
    grey, red = "#94a3b8", "#b91c1c"
    # Frames: 4 forward, seed, L, d, e, done. Keys: a v0, b v1, e v2, c v3, d v4, f v5.
    step_L, step_d, step_e = anim.frames[5], anim.frames[6], anim.frames[7]
    assert grad_colour(step_L, "v5") == red  # f: L was its only user
    assert grad_colour(step_L, "v0") == grey and grad_colour(step_d, "v0") == grey
    assert grad_colour(step_d, "v3") == red and grad_colour(step_d, "v2") == red
    # The last step completes a and b: no grey left, although no later step runs.
    assert grad_colour(step_e, "v0") == red and grad_colour(step_e, "v1") == red


def test_a_gradient_with_a_user_still_to_come_stays_grey() -> None:
    x = Value(3.0, label="x")
    h = x * 2
    h.label = "h"
    y = h * h + h
    y.label = "y"
    anim = animate(y)
    # Reading order x, h, #2 (h*h), y: h (v1) is used by #2 and y.
    colours = [grad_colour(svg, "v1") for svg, phase in zip(anim.frames, anim.phases)]
    texts = [texts_of(svg, "v1")[-1] for svg in anim.frames]
    first = texts.index("grad 1")
    assert colours[first] == "#94a3b8" and colours[texts.index("grad 13")] == "#b91c1c"


@pytest.mark.parametrize("function", [draw_graph, trace_backward, animate])
@pytest.mark.parametrize("root", [3.0, 2, None, "x", [Value(1.0)]])
def test_a_root_that_is_not_a_value_is_a_type_error_naming_the_type(
    function: Callable[[Any], Any], root: object
) -> None:
    with pytest.raises(TypeError) as caught:
        function(root)
    message = str(caught.value)
    assert message.startswith(f"{function.__name__}: root must be a Value, got ")
    assert type(root).__name__ in message and "\n" not in message


def test_animate_without_dot_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(graphviz.ExecutableNotFound) as caught:
        animate(karpathy()[0])
    assert str(caught.value) == (
        "animate: Graphviz 'dot' not found; install it (e.g. sudo apt-get install graphviz)"
    )


def update_lines(anim: Animation) -> list[str]:
    return anim.captions[anim.phases.index("update")].splitlines()


def test_update_caption_lists_every_parameter_when_there_are_few() -> None:
    lines = update_lines(animate(karpathy()[0], lr=0.01))
    assert lines[0] == "Update 4 parameters: data -= lr × grad (lr = 0.01)"
    # dL/da = 6, dL/db = -4, dL/dc = -2, dL/df = 4 (hand-computed in the README).
    assert lines[1:] == [
        "a: 2 - 0.01 × 6 = 1.94",
        "b: -3 - 0.01 × -4 = -2.96",
        "c: 10 - 0.01 × -2 = 10.02",
        "f: -2 - 0.01 × 4 = -2.04",
    ]


def test_update_caption_says_one_parameter_in_the_singular() -> None:
    x = Value(3.0, label="x")
    y = x * 2
    y.label = "y"
    assert update_lines(animate(y, lr=0.5))[0].startswith("Update 1 parameter: ")


def test_update_caption_lists_every_parameter_and_the_loss_after_the_step() -> None:
    leaves = [Value(float(i), label=f"p{i}") for i in range(8)]
    total = Value.sum([p * p for p in leaves])
    total.label = "s"
    anim = animate(total, lr=0.1)
    lines = update_lines(anim)
    assert lines[0].startswith("Update 8 parameters: ")
    assert [line.split(":")[0] for line in lines[1:]] == [f"p{i}" for i in range(8)]
    # Each p moves to 0.8 p, so s = sum(p**2) = 140 becomes 0.64 * 140 = 89.6.
    assert anim.phases[-1] == "forward"
    assert anim.captions[-1].startswith(
        "Forward pass again with the updated parameters: s = 89.6 (was 140), down by 50.4"
    )


def test_no_after_frame_when_the_graph_has_a_fused_loss() -> None:
    from autograd_mini import losses

    s = Value(0.3, label="s")
    loss = losses.hinge([s * 2], [1])
    anim = animate(loss, lr=0.1, parameters=[s])
    assert anim.phases[-1] == "update"


def test_update_leaves_inputs_alone_when_the_graph_has_nn_parameters() -> None:
    x0, x1 = Value(0.5, label="x0"), Value(-1.0, label="x1")
    model = MLP(2, [1], activation="tanh", seed=3)
    out = model([x0, x1])
    assert isinstance(out, Value)
    anim = animate(out, lr=0.1)
    lines = update_lines(anim)
    assert lines[0].startswith("Update 3 parameters: ")
    names = sorted(line.split(":")[0] for line in lines[1:])
    assert names == [f"layers.0.neurons.0.{p}" for p in ("b", "w0", "w1")]
    # The inputs keep their data in the update frame.
    keys = {v.label: f"v{i}" for i, v in enumerate(out.topological_order()) if not v.parents}
    assert texts_of(anim.frames[anim.phases.index("update")], keys["x0"])[-2] == "data 0.5"


def test_parameters_argument_picks_the_leaves_to_update() -> None:
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    o = (x1 * w1 + x2 * w2 + b).tanh()
    lines = update_lines(animate(o, lr=0.1, parameters=[w1, w2, b]))
    assert lines[0].startswith("Update 3 parameters: ")
    assert [line.split(":")[0] for line in lines[1:]] == ["w1", "w2", "b"]
    assert lines[1] == "w1: -3 - 0.1 × 1 = -3.1"  # do/dw1 = x1 * (1 - tanh²) = 2 * 0.5


def test_group_boxes_hide_and_reveal_their_output_fields() -> None:
    model = MLP(2, [1], activation="tanh", seed=3)
    out = model([0.5, -1.0])
    assert isinstance(out, Value)
    anim = animate(out, group="neuron")
    key = next(k for k in re.findall(r'id="(g\d+)"', anim.frames[0]))
    assert texts_of(anim.frames[0], key)[-2:] == ["output ?", "output grad ?"]
    assert texts_of(anim.frames[-1], key)[-2:] == [f"output {out.data:.4g}", "output grad 1"]


@pytest.mark.parametrize("where", ["rename", "write"])
def test_crash_while_saving_an_animation_keeps_the_old_player(
    where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from autograd_mini import Value
    from autograd_mini.viz import animate

    class Crash(RuntimeError):
        pass

    def crash(*args: object, **kwargs: object) -> None:
        raise Crash("simulated crash")

    x = Value(2.0, label="x")
    y = x * x
    y.backward()
    path = animate(y).save(tmp_path / "player.html")
    old_bytes = path.read_bytes()
    z = x.tanh()
    z.backward()
    if where == "rename":
        monkeypatch.setattr(os, "replace", crash)
    else:
        monkeypatch.setattr(os, "write", crash)
    with pytest.raises(Crash):
        animate(z).save(path)
    assert path.read_bytes() == old_bytes
    assert sorted(p.name for p in tmp_path.iterdir()) == ["player.html"], "temp file left"
