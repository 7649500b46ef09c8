"""`animate`: the forward and backward pass as frames, and an offline HTML player.

`animate(root)` lays the graph out once with Graphviz and derives every frame
from that SVG (see `frames.py`). `Animation._repr_html_()` is a self-contained
player (play/pause, step, slider, speed, keyboard); Jupyter shows it with a
picture of the first frame for untrusted notebooks (see `notebook.py`); `save(path)`
writes a standalone HTML file whose Content-Security-Policy forbids every
network request. The player's HTML/CSS/JS lives in `player.html`, shipped as
package data and read with `importlib.resources`.

Imports `autograd_mini.engine` and `autograd_mini.viz.*`.

>>> from autograd_mini import Value
>>> x = Value(2.0, label="x"); y = (x * x).tanh(); y.label = "y"
>>> anim = animate(y)
>>> len(anim.frames), anim.frames[0].startswith("<svg")
(7, True)
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import graphviz

from autograd_mini._files import write_atomic
from autograd_mini.engine import Value
from autograd_mini.viz.escape import html_text
from autograd_mini.viz.frames import plan_frames
from autograd_mini.viz.graph import RANKDIRS, scene_to_digraph
from autograd_mini.viz.notebook import show_player
from autograd_mini.viz.scene import build_scene, require_value
from autograd_mini.viz.svgstyle import SvgStyler, apply_patch
from autograd_mini.viz.trace import drawn_names, drawn_trace, final_grads

__all__ = ["Animation", "Frame", "GraphvizNotFoundError", "animate", "player_template"]

_player_ids = itertools.count(1)
_PLACEHOLDER = re.compile(r"__(PLAYER_ID|TITLE|FRAMES_JSON|BASE_SVG|TIMELINE_JS)__")

_DOCUMENT = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; \
style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
</head>
<body style="margin: 16px">
{body}
</body>
</html>
"""


def standalone_page(title: str, body: str) -> str:
    """An offline page around `body`: no network (the Content-Security-Policy allows
    only inline styles, inline scripts and data: images). `title` is already escaped."""
    return _DOCUMENT.format(title=title, body=body)


def player_template() -> str:
    """The player's HTML fragment with its placeholders (package data).

    >>> "__FRAMES_JSON__" in player_template()
    True
    """
    return resources.files("autograd_mini.viz").joinpath("player.html").read_text("utf-8")


class GraphvizNotFoundError(graphviz.ExecutableNotFound):  # type: ignore[misc]
    """`dot` is not on PATH: one line saying how to install it.

    A `graphviz.ExecutableNotFound` (so existing handlers still catch it).

    >>> print(GraphvizNotFoundError())
    animate: Graphviz 'dot' not found; install it (e.g. sudo apt-get install graphviz)
    """

    def __init__(self) -> None:
        super().__init__(("dot",))
        self.args = (
            "animate: Graphviz 'dot' not found; install it (e.g. sudo apt-get install graphviz)",
        )

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Frame:
    """One picture of the animation, stored once: as changes to the base SVG.

    Attributes:
        caption: what happens in it.
        phase: "forward", "backward" or "update".
        patch: how the frame differs from the animation's base SVG (see `SvgStyler.patch`).
    """

    caption: str
    phase: str
    patch: list[list[object]]


class Animation:
    """Frames of a forward and backward pass, playable in a browser or Jupyter.

    Args:
        base_svg: the laid-out graph that every frame restyles.
        frames: the frames, in order.
        title: shown above the player.

    >>> svg = '<svg xmlns="http://www.w3.org/2000/svg"><text>hi</text></svg>'
    >>> anim = Animation(svg, [Frame("hello", "forward", [[0, {}, "bye"]])])
    >>> len(anim), anim.captions, anim.phases, "bye" in anim.frames[0]
    (1, ['hello'], ['forward'], True)
    >>> anim.to_html().startswith("<!DOCTYPE html>")
    True
    """

    def __init__(
        self, base_svg: str, frames: list[Frame], title: str = "Backpropagation, step by step"
    ) -> None:
        if not frames:
            raise ValueError("Animation: needs at least one frame, got 0")
        self.base_svg = base_svg
        self._frames = list(frames)
        self.title = title

    @property
    def frames(self) -> list[str]:
        """The SVG of every frame, in order (the base SVG with each frame's patch applied)."""
        return [apply_patch(self.base_svg, frame.patch) for frame in self._frames]

    @property
    def captions(self) -> list[str]:
        """The text shown under every frame."""
        return [frame.caption for frame in self._frames]

    @property
    def phases(self) -> list[str]:
        """'forward', 'backward' or 'update' for every frame."""
        return [frame.phase for frame in self._frames]

    def __len__(self) -> int:
        return len(self._frames)

    def __repr__(self) -> str:
        counts = {p: self.phases.count(p) for p in dict.fromkeys(self.phases)}
        return f"Animation({len(self)} frames: {counts})"

    def _ipython_display_(self) -> None:
        # The player needs its script; where scripts do not run (an untrusted
        # notebook, a site showing the notebook) the first frame shows instead.
        show_player(self._repr_html_(), self.frames[0], text=repr(self))

    def _repr_html_(self) -> str:
        frames = [{"caption": f.caption, "phase": f.phase} for f in self._frames]
        payload = json.dumps(
            {"frames": frames, "tracks": self._tracks()},
            ensure_ascii=True,
            separators=(",", ":"),
        )
        # Inside <script> only "</" could end the element early; escaping <, > and &
        # as JSON unicode escapes rules that (and "<!--") out entirely.
        payload = payload.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        digest = hashlib.sha1(payload.encode()).hexdigest()[:10]
        player_id = f"{digest}-{next(_player_ids)}"
        values = {
            "PLAYER_ID": player_id,
            "TITLE": html_text(self.title, 200),
            "FRAMES_JSON": payload,
            "BASE_SVG": self.base_svg,
            "TIMELINE_JS": resources.files("autograd_mini.viz")
            .joinpath("timeline.js")
            .read_text("utf-8"),
        }
        # One pass: text that was substituted in (a label that reads "__TITLE__",
        # say) is never scanned for placeholders again.
        return _PLACEHOLDER.sub(lambda match: values[match.group(1)], player_template())

    def _tracks(self) -> list[list[object]]:
        """The frames' patches as timelines: [element, attribute, [frame, value, ...]].

        One entry per change over time instead of per frame: an arrow that stays
        grey for 40 frames costs one entry, not 40, which keeps players of big
        graphs small. Attribute "" is the element's text; the value None
        means "as in the base SVG".
        """
        base = list(ET.fromstring(self.base_svg).iter())[1:]
        per_frame: list[dict[tuple[int, str], str]] = []
        for frame in self._frames:
            values: dict[tuple[int, str], str] = {}
            for index, attrs, text in frame.patch:
                if not isinstance(index, int) or not isinstance(attrs, dict):
                    raise TypeError(f"Animation: malformed frame patch entry {[index, attrs]!r}")
                values.update({(index, name): str(v) for name, v in attrs.items()})
                if text is not None:
                    values[(index, "")] = str(text)
            per_frame.append(values)
        tracks: list[list[object]] = []
        for index, name in sorted({key for values in per_frame for key in values}):
            original = base[index].text if name == "" else base[index].get(name)
            changes: list[object] = []
            current = original
            for k, values in enumerate(per_frame):
                value = values.get((index, name), original)
                if value != current:
                    changes += [k, None if value == original else value]
                    current = value
            tracks.append([index, name, changes])
        return tracks

    def to_html(self) -> str:
        """A complete HTML document with the player; it makes no network requests."""
        return standalone_page(html_text(self.title, 200), self._repr_html_())

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the standalone player to `path` (UTF-8) and return the path.

        Through the package's one file writer (`autograd_mini._files`): all or
        nothing, through a symlink, keeping an existing file's permissions, and
        refusing a directory, FIFO or device with an error naming `path`.
        """
        write_atomic(path, self.to_html(), "Animation.save")
        return Path(path)


def animate(
    root: Value,
    *,
    lr: float | None = None,
    parameters: list[Value] | None = None,
    rankdir: str = "LR",
    group: str | None = None,
    max_nodes: int = 60,
    title: str = "Backpropagation, step by step",
) -> Animation:
    """Animate the forward pass, the backward pass and optionally one SGD update.

    Frames: the inputs; each computed node lighting up with its value (in
    reading order); the seed; each node of `backward()` in its real order with
    the chain-rule products it adds to its parents (grads still collecting are
    grey, complete ones red); the finished gradients; and with `lr`, the update
    ``data -= lr * grad`` of the parameters, then the forward pass again with
    them: the loss after the step (left out for a graph with a fused loss op,
    which cannot be rerun). Numbers come from `trace_backward`,
    so they match `backward()` and nothing in the graph changes.

    Cost: Graphviz lays the graph out once; each frame rewrites that SVG, so
    time and HTML size grow as frames x picture size (about 2 frames per drawn
    node). Big graphs are therefore grouped (by neuron, then layer) above
    `max_nodes`, which is lower here than for `draw_graph`.

    Args:
        root: the output Value (usually a loss).
        lr: if given, add a final frame with each parameter after one SGD step.
        parameters: which leaves that frame updates. Default: the leaves `nn`
            made (their `scope` is set) if there are any, so inputs stay put;
            otherwise every leaf. Pass them when inputs and weights are both
            plain Values, e.g. ``parameters=[w1, w2, b]``.
        rankdir: "LR", "TB", "RL" or "BT".
        group: None, "neuron" or "layer" (see `draw_graph`).
        max_nodes: summarise above this many drawn nodes.
        title: shown above the player.

    Raises:
        TypeError: `root` is not a Value.
        GraphvizNotFoundError: Graphviz's `dot` is not installed (a
            `graphviz.ExecutableNotFound`, with the install command in its message).

    >>> from autograd_mini import Value
    >>> x = Value(2.0, label="x"); y = (x * x).tanh(); y.label = "y"
    >>> anim = animate(y, lr=0.1)
    >>> anim
    Animation(9 frames: {'forward': 4, 'backward': 4, 'update': 1})
    >>> anim.captions[1]
    '#1 = x * x = 4'
    """
    require_value(root, "animate")
    if rankdir not in RANKDIRS:
        raise ValueError(f"animate: unknown rankdir {rankdir!r} (must be one of {RANKDIRS})")
    if lr is not None and (isinstance(lr, bool) or not isinstance(lr, (int, float)) or lr <= 0):
        raise ValueError(f"animate: lr must be a number > 0, got {lr!r}")
    # Bounded like draw_graph: one float per node, and Steps only for what is drawn.
    final = final_grads(root)
    scene = build_scene(
        root, group=group, max_nodes=max_nodes, grad_of=lambda v: final.get(id(v), 0.0)
    )
    final.clear()  # the boxes hold their numbers now; the replay below needs its own
    names = drawn_names(root, scene)
    trace = drawn_trace(root, scene, names)
    digraph = scene_to_digraph(scene, rankdir=rankdir, root_key=scene.box_of[id(root)])
    try:
        svg = digraph.pipe(format="svg", encoding="utf-8")
    except graphviz.ExecutableNotFound:
        raise GraphvizNotFoundError() from None
    styler = SvgStyler(svg)
    states = plan_frames(scene, trace, names, root, lr=lr, parameters=parameters)
    if scene.caption:
        states[0].caption += f"\n({scene.caption})"
    frames = [Frame(state.caption, state.phase, styler.patch(state)) for state in states]
    return Animation(styler.base, frames, title=title)
