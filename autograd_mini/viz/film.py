"""`animate_training`: a film of a whole training run, for the browser and as a GIF.

`animate_training(recording, X, y)` reads a `Recording` (from
``fit(..., record=True)`` or a `Recorder`) into a `Film`. A film shows, frame by
frame, the network (edges blue +, orange -, width = size on a fixed scale;
switch between weights, gradients and changes), the loss and accuracy
curves with a cursor, and beside them the decision surface over the plane
(two inputs) or each first-layer neuron's weights as an image with the
network's answers on sample images (square image inputs). Any frame opens
into slow motion: the forward pass layer by layer, the loss, the gradients
flowing back, and the update, for the sample on screen.

`Film.save("training.html")` writes an offline player (no network requests:
its Content-Security-Policy forbids them); `Film.save("training.gif")` an
animated GIF (needs Pillow). In Jupyter the film shows itself inline.

Imports `autograd_mini.viz.*` and `autograd_mini._files`.

>>> film = animate_training(tiny_recording())
>>> len(film), film.captions[0].splitlines()[0]
(2, 'Step 0: the initial weights, before any update')
"""

from __future__ import annotations

import base64
import hashlib
import io
import itertools
import json
import os
import re
import sys
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from autograd_mini._files import check_destination, write_atomic
from autograd_mini.viz.curves import Chart
from autograd_mini.viz.drawing import Rect, Shape, Text, to_image, to_svg, translate
from autograd_mini.viz.escape import clean_text, html_text
from autograd_mini.viz.filmdata import (
    FilmData,
    RecordingLike,
    build_film_data,
    check_points,
    sample_graph,
)
from autograd_mini.viz.filmpanels import DIVERGED, PANEL_SIZES, FilmView, Points
from autograd_mini.viz.network import MAX_EDGE_WIDTH, MIN_EDGE_WIDTH
from autograd_mini.viz.notebook import show_player
from autograd_mini.viz.palette import NEGATIVE, NEUTRAL, POSITIVE
from autograd_mini.viz.planes import image_side
from autograd_mini.viz.player import standalone_page

__all__ = ["Film", "animate_training", "tiny_recording"]

_film_ids = itertools.count(1)
_MAX_POINTS = 300
_MAX_PLAYER_BYTES = 350_000
"""The chain-rule players together stay under this (the first one is always kept)."""


def _template(name: str) -> str:
    return resources.files("autograd_mini.viz").joinpath(name).read_text("utf-8")


def _float32_base64(rows: Sequence[Sequence[float]]) -> str:
    """Rows of numbers as little-endian float32, base64: 4 bytes a number in the page."""
    packed = array("f", [v for row in rows for v in row])
    if sys.byteorder != "little":
        packed.byteswap()
    return base64.b64encode(packed.tobytes()).decode("ascii")


def _script_json(value: object) -> str:
    """JSON safe inside <script>: no "</", "<!--" or "&" can end or confuse it."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _finite_or_none(values: Sequence[float | None]) -> list[float | None]:
    return [v if v is not None and v == v and abs(v) != float("inf") else None for v in values]


class Film:
    """A training run as frames; shows itself in Jupyter, saves as .html or .gif.

    Build it with `animate_training`. `captions[k]` says what frame k shows;
    `panels(k)` gives frame k's pictures as shapes (see `viz.drawing`).
    """

    def __init__(
        self,
        data: FilmData,
        view: FilmView,
        *,
        title: str,
        chain_rule: dict[int, str],
        notes: list[str],
    ) -> None:
        self.data = data
        self.view = view
        self.title = title
        self.chain_rule = chain_rule
        self.notes = notes

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        return f"Film({len(self)} frames, layers {list(self.data.layer_sizes)}, {self.view.kind})"

    @property
    def captions(self) -> list[str]:
        """What every frame says under the pictures."""
        return list(self.data.captions)

    @property
    def steps(self) -> list[int]:
        """The optimizer step each frame shows (0 = the initial weights)."""
        return list(self.data.steps)

    def panels(self, k: int, mode: str = "weights") -> dict[str, list[Shape]]:
        """Frame k's pictures: 'network', 'side', 'loss', 'accuracy' (lists of shapes)."""
        if not 0 <= k < len(self):
            raise IndexError(f"Film.panels: frame {k} of {len(self)}")
        return self.view.panels(k, mode)

    # -- the page ----------------------------------------------------------------

    def _payload(self) -> dict[str, Any]:
        d, view = self.data, self.view
        payload: dict[str, Any] = {
            "sizes": list(d.layer_sizes),
            "acts": list(d.activations),
            "loss": d.loss_name,
            "steps": d.steps,
            "lrs": _finite_or_none(d.lrs),
            "batchLoss": _finite_or_none(d.loss),
            "captions": d.captions,
            "scales": d.scales,
            "W": _float32_base64(d.weights),
            "G": _float32_base64(d.grads),
            "D": _float32_base64(d.deltas),
            "shown": view.layout.shown,
            "offsets": view.layout.offsets,
            "palette": {"pos": POSITIVE, "neg": NEGATIVE, "zero": NEUTRAL},
            "edge": [MIN_EDGE_WIDTH, MAX_EDGE_WIDTH],
            "diverged": d.diverged is not None,
            "divergedText": DIVERGED,
            "kind": view.kind,
            "grid": 50,
            "chainRule": sorted(self.chain_rule),
        }
        cursor = {}
        for name in ("loss", "accuracy"):
            chart = Chart(d.steps, [], *PANEL_SIZES[name])
            cursor[name] = [round(chart.x(s), 1) for s in d.steps]
        payload["cursor"] = cursor
        if d.sample is not None:
            payload["sample"] = {
                "after": _float32_base64(d.values_after),
                "before": _float32_base64(d.values_before),
                "grads": _float32_base64(d.neuron_grads),
                "loss": _finite_or_none(d.sample_loss),
                "scales": d.value_scales,
                "label": d.sample_label,
            }
        if view.points is not None and view.kind in ("plane", "image"):
            payload["points"] = {"X": view.points.X, "y": view.points.y}
            if view.extent is not None:
                payload["extent"] = list(view.extent)
            if view.kind == "image":
                payload["strip"] = view.strip
                payload["classNames"] = view.class_names
                payload["imageSide"] = image_side(d.layer_sizes[0])
                payload["imageScale"] = view.image_scale
        return payload

    def _ipython_display_(self) -> None:
        # The film needs its script; where scripts do not run (an untrusted
        # notebook, a site showing the notebook) the first frame shows as a picture.
        show_player(self._repr_html_(), self.frame_svg(0), text=repr(self))

    def _repr_html_(self) -> str:
        payload = _script_json(self._payload())
        digest = hashlib.sha1(payload.encode()).hexdigest()[:10]
        film_id = f"{digest}-{next(_film_ids)}"
        panels = self.panels(0)
        labels = {
            "network": "The network: neurons in layers, edges coloured by sign",
            "side": {
                "plane": "The decision surface with the data",
                "image": "First-layer weights as images and the network's answers",
            }.get(self.view.kind, "No decision surface for these inputs"),
            "loss": "Loss over the steps",
            "accuracy": "Accuracy over the steps",
        }
        svgs = {
            name: to_svg(shapes, *PANEL_SIZES[name], css_class=f"agm-{name}", label=labels[name])
            for name, shapes in panels.items()
        }
        players = "".join(
            f'<details class="agm-chain" data-frame="{k}"><summary>Chain rule, step by step: '
            f"one sample's graph at step {self.data.steps[k]}</summary>{html}</details>"
            for k, html in sorted(self.chain_rule.items())
        )
        notes = "".join(f'<p class="agm-note">{html_text(n, 300)}</p>' for n in self.notes)
        values = {
            "FILM_ID": film_id,
            "TITLE": html_text(self.title, 200),
            "NETWORK_SVG": svgs["network"],
            "SIDE_SVG": svgs["side"],
            "LOSS_SVG": svgs["loss"],
            "ACCURACY_SVG": svgs["accuracy"],
            "CAPTION": html_text(self.data.captions[0] if len(self) else "", 2000),
            "COUNT": str(len(self)),
            "NOTES": notes,
            "CHAIN_RULE": players,
            "DATA_JSON": payload,
            "TIMELINE_JS": _template("timeline.js"),
        }
        # One pass, so text substituted in is never scanned for placeholders again.
        pattern = re.compile(r"__(" + "|".join(values) + r")__")
        return pattern.sub(lambda m: values[m.group(1)], _template("film.html"))

    def to_html(self) -> str:
        """A complete HTML document with the film; it makes no network requests."""
        return standalone_page(html_text(self.title, 200), self._repr_html_())

    # -- the GIF -----------------------------------------------------------------

    def _frame_shapes(self, k: int) -> tuple[list[Shape], int, int]:
        """Frame k as one picture: title, network, side panel, curves, caption."""
        panels = self.panels(k)
        nw, nh = PANEL_SIZES["network"]
        sw, _ = PANEL_SIZES["side"]
        cw, ch = PANEL_SIZES["loss"]
        width, height = nw + sw + 20, nh + ch + 70
        shapes: list[Shape] = [Text(10, 14, clean_text(self.title, 120), 14, bold=True)]
        shapes += translate(panels["network"], 0, 28)
        shapes += translate(panels["side"], nw + 16, 28)
        shapes += translate(panels["loss"], 0, nh + 32)
        shapes += translate(panels["accuracy"], cw + 10, nh + 32)
        for i, line in enumerate(self.data.captions[k].splitlines()[:3]):
            shapes.append(Text(10, nh + ch + 42 + 14 * i, line, 11))
        return shapes, width, height

    def frame_svg(self, k: int) -> str:
        """Frame k as one SVG picture (what the GIF shows, and notebooks that run no script)."""
        shapes, width, height = self._frame_shapes(k)
        return to_svg([Rect(0, 0, width, height, "#ffffff"), *shapes], width, height)

    def gif_frame(self, k: int, scale: float = 1.0) -> Any:
        """Frame k painted with Pillow (a PIL image)."""
        shapes, width, height = self._frame_shapes(k)
        return to_image(shapes, width, height, scale)

    def to_gif(self, *, max_frames: int = 60, ms_per_frame: int = 180) -> bytes:
        """The film as an animated GIF (at most `max_frames` frames, evenly chosen)."""
        if len(self) == 0:
            raise ValueError("Film.save: an empty recording has no frames to write as a GIF")
        try:
            import PIL  # noqa: F401
        except ImportError:
            raise ImportError(
                "Film.save: writing a GIF needs Pillow (pip install pillow)"
            ) from None
        chosen = self.gif_frames(max_frames)
        images = [self.gif_frame(k) for k in chosen]
        buffer = io.BytesIO()
        durations = [ms_per_frame] * len(images)
        durations[-1] = ms_per_frame * 8  # rest on the last frame before looping
        images[0].save(
            buffer,
            format="GIF",
            save_all=True,
            append_images=images[1:],
            duration=durations,
            loop=0,
            optimize=False,
            disposal=1,
        )
        return buffer.getvalue()

    def gif_frames(self, max_frames: int = 60) -> list[int]:
        """Which frames the GIF shows: all, or `max_frames` evenly spaced (first and last kept)."""
        n = len(self)
        if n <= max_frames:
            return list(range(n))
        return sorted({round(i * (n - 1) / (max_frames - 1)) for i in range(max_frames)})

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the film to `path`: '.html' (player) or '.gif'; atomically.

        Raises:
            ValueError: the extension is neither .html/.htm nor .gif.
            OSError: the file cannot be written (nothing is left half-written).
        """
        target = Path(path)
        suffix = target.suffix.lower()
        # Before the (slow) drawing, so a bad path fails at once.
        check_destination(os.fspath(target), "Film.save")
        if suffix in (".html", ".htm"):
            content: str | bytes = self.to_html()
        elif suffix == ".gif":
            content = self.to_gif()
        else:
            raise ValueError(
                f"Film.save: cannot tell the format from {target.name!r}; use .html or .gif"
            )
        write_atomic(target, content, "Film.save")
        return target


def animate_training(
    recording: RecordingLike,
    X: Sequence[Sequence[float]] | None = None,
    y: Sequence[int] | None = None,
    *,
    validation_data: tuple[Sequence[Sequence[float]], Sequence[int]] | None = None,
    sample: int = 0,
    max_neurons: int = 10,
    class_names: Sequence[str] | None = None,
    chain_rule_frames: int = 3,
    max_frames: int | None = None,
    title: str = "Watch it learn",
) -> Film:
    """A film of a recorded training run.

    Args:
        recording: from ``fit(..., record=True).recording`` or a `Recorder`.
        X, y: training samples and labels; with two inputs the film draws the
            decision surface, with square images (64 = 8x8) the neurons'
            weights as images and the network's answers. Optional.
        validation_data: (X_val, y_val) drawn as test points / counted too.
        sample: the index in X of the sample whose neuron values fill the
            circles and that slow motion follows.
        max_neurons: a bigger layer shows this many neurons and "+k more".
        class_names: what the answers are called, e.g. ("not 5", "5").
        chain_rule_frames: how many frames (first, last and evenly between)
            carry the full chain-rule player of the sample's graph; each
            costs tens of kilobytes, so the rest link to the nearest one.
            Needs Graphviz; 0 leaves them out.
        max_frames: keep at most this many frames (the film also thins
            frames on its own when the network is very large).
        title: shown above the film (escaped).

    Raises:
        TypeError / ValueError: `recording`, X or y are malformed.

    >>> film = animate_training(tiny_recording(), chain_rule_frames=0)
    >>> film
    Film(2 frames, layers [2, 2, 1], none)
    """
    for attr in ("layer_sizes", "activations", "loss_name", "steps", "diverged"):
        if not hasattr(recording, attr):
            raise TypeError(
                f"animate_training: recording must be a Recording, got {type(recording).__name__}"
            )
    for name, value in (
        ("sample", sample),
        ("max_neurons", max_neurons),
        ("chain_rule_frames", chain_rule_frames),
    ):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"animate_training: {name} must be an int, got {type(value).__name__}")
    if max_neurons < 1 or chain_rule_frames < 0 or sample < 0:
        raise ValueError(
            "animate_training: max_neurons must be >= 1, sample and chain_rule_frames >= 0"
        )
    if max_frames is not None and (
        isinstance(max_frames, bool) or not isinstance(max_frames, int) or max_frames < 2
    ):
        raise ValueError(f"animate_training: max_frames must be an int >= 2, got {max_frames!r}")
    if not isinstance(title, str):
        raise TypeError(f"animate_training: title must be a str, got {type(title).__name__}")
    nin = recording.layer_sizes[0]
    train = check_points(X, y, nin, "animate_training")
    test = None
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise ValueError("animate_training: validation_data must be a pair (X_val, y_val)")
        test = check_points(
            validation_data[0], validation_data[1], nin, "animate_training: validation_data"
        )
    if train is not None and sample >= len(train[0]):
        raise ValueError(f"animate_training: sample {sample} is not in X ({len(train[0])} samples)")
    data = build_film_data(recording, train, sample, max_frames)
    points = _points(train, test)
    names = (
        list(class_names) if class_names is not None else _default_names(recording.layer_sizes[-1])
    )
    if len(data) == 0:
        raise ValueError("animate_training: the recording has no frames (record at least one step)")
    view = FilmView(
        data, points, max_neurons=max_neurons, class_names=[clean_text(n, 20) for n in names]
    )
    notes: list[str] = []
    chain = _chain_rule_players(data, chain_rule_frames, notes)
    return Film(data, view, title=title, chain_rule=chain, notes=notes)


def _default_names(outputs: int) -> list[str]:
    return ["class 0", "class 1"] if outputs == 1 else [str(i) for i in range(outputs)]


def _points(
    train: tuple[list[list[float]], list[int]] | None,
    test: tuple[list[list[float]], list[int]] | None,
) -> Points | None:
    """Train then test points, at most _MAX_POINTS of them (drawing and counting stay fast)."""
    if train is None:
        return None
    X, y = list(train[0]), list(train[1])
    is_test = [False] * len(X)
    if test is not None:
        X += test[0]
        y += test[1]
        is_test += [True] * len(test[0])
    if len(X) > _MAX_POINTS:
        keep = sorted(
            {round(i * (len(X) - 1) / (_MAX_POINTS - 1)) for i in range(_MAX_POINTS)} | {0}
        )
        X, y, is_test = [X[i] for i in keep], [y[i] for i in keep], [is_test[i] for i in keep]
    return Points(X, y, is_test)


def _chain_rule_players(data: FilmData, count: int, notes: list[str]) -> dict[int, str]:
    """The one-pass player for the sample's graph at a few frames, keyed by frame."""
    if count == 0 or data.sample is None or data.sample_label is None:
        return {}
    n = len(data)
    frames = sorted({round(i * (n - 1) / max(1, count - 1)) for i in range(min(count, n))})
    players: dict[int, str] = {}
    try:
        from autograd_mini.viz.player import animate

        total = 0
        # First and last frame first: if the budget runs out, the middle ones go.
        for k in sorted(frames, key=lambda f: (0 < f < n - 1, f)):
            loss, _ = sample_graph(
                data.net(k, before=True), data.sample, data.sample_label, data.loss_name
            )
            lr = data.lrs[k] if data.lrs[k] > 0 else None
            anim = animate(
                loss, lr=lr, group="layer", title=f"One sample's loss at step {data.steps[k]}"
            )
            html = anim._repr_html_()
            total += len(html)
            if players and total > _MAX_PLAYER_BYTES:
                left = len(frames) - len(players)
                players_were = "player was" if left == 1 else "players were"
                notes.append(
                    f"{left} more chain-rule {players_were} left out to keep the page small "
                    "(each shows this network's whole graph for one sample)."
                )
                break
            players[k] = html
    except (ImportError, OSError, OverflowError, ValueError) as e:
        notes.append(f"The chain-rule players are left out ({clean_text(str(e), 120)}).")
        return {}
    return players


@dataclass(frozen=True)
class _TinyStep:
    step: int
    epoch: int
    loss: float
    lr: float
    weights: tuple[tuple[tuple[float, ...], ...], ...]
    biases: tuple[tuple[float, ...], ...]
    grad_weights: tuple[tuple[tuple[float, ...], ...], ...]
    grad_biases: tuple[tuple[float, ...], ...]
    delta_weights: tuple[tuple[tuple[float, ...], ...], ...]
    delta_biases: tuple[tuple[float, ...], ...]
    train_accuracy: float | None = None
    val_loss: float | None = None
    val_accuracy: float | None = None


@dataclass(frozen=True)
class _TinyRecording:
    layer_sizes: tuple[int, ...]
    activations: tuple[str, ...]
    loss_name: str
    steps: tuple[_TinyStep, ...]
    diverged: str | None = None


def tiny_recording() -> RecordingLike:
    """A two-frame recording of a 2-2-1 network, for examples and quick checks."""
    w0 = (((0.5, -0.25), (0.1, 0.8)), ((1.0, -1.0),))
    b0 = ((0.0, 0.1), (0.2,))
    g = (((0.1, 0.2), (-0.3, 0.0)), ((0.5, -0.5),))
    gb = ((0.1, 0.0), (0.3,))
    lr = 0.1  # plain SGD: after = before - lr * grad
    w1 = (((0.49, -0.27), (0.13, 0.8)), ((0.95, -0.95),))
    b1 = ((-0.01, 0.1), (0.17,))
    dw = (((-0.01, -0.02), (0.03, 0.0)), ((-0.05, 0.05),))
    db = ((-0.01, 0.0), (-0.03,))
    zw = (((0.0, 0.0), (0.0, 0.0)), ((0.0, 0.0),))
    zb = ((0.0, 0.0), (0.0,))
    return _TinyRecording(
        (2, 2, 1),
        ("relu", "linear"),
        "hinge",
        (
            _TinyStep(0, 0, 0.9, lr, w0, b0, zw, zb, zw, zb, 0.5),
            _TinyStep(1, 0, 0.9, lr, w1, b1, g, gb, dw, db, 0.5),
        ),
    )
