"""`Playground`: train a network live in Jupyter, on the project's own training loop.

`Playground(model, X, y)` is a widget (anywidget) with play/pause, one step,
reset, a learning rate on a log scale, the batch size and a frame-rate cap;
it shows the network (edges blue +, orange -, width = size, as in the film),
the decision surface for two inputs (computed in the browser from the
weights each frame carries), the loss and accuracy curves, the counters and
a message line.

Training is `viz.stepper.Stepper`: `fit`'s loop one step at a time, so a
paused, stepped and resumed session has exactly the weights an uninterrupted
`fit` with the same seed and settings has at that step. It runs as an asyncio
task on the kernel's own event loop: a slice of steps (about 80 ms), at most
one frame (the frame-rate cap), then it yields, so the cell returns at once
and clicks keep arriving. No threads.

The synced traitlets `running`, `lr`, `batch_size` and `fps` are the
controls (setting them in code does what the page does); `step` (optimizer
steps taken), `epoch` (epochs completed), `loss` and `accuracy` (of the last
batch) and `message` are read-outs. A saved notebook shows the
current frame as a picture above the widget (the live widget hides it).

Imports `autograd_mini.viz.*` and `anywidget` (the ``notebooks`` extra).

>>> from autograd_mini.nn import MLP
>>> from autograd_mini.data import make_moons
>>> X, y = make_moons(40, seed=0)
>>> pg = Playground(MLP(2, [8, 1], seed=0), X, y, batch_size=10)
>>> pg.step_once(); pg.step_once()
>>> pg.step, pg.epoch, pg.running
(2, 0, False)
"""

from __future__ import annotations

import asyncio
import base64
import io
import math
import numbers
import sys
import time
import weakref
from array import array
from collections.abc import Sequence
from importlib import resources
from typing import Any

import anywidget
import traitlets

from autograd_mini.nn import MLP
from autograd_mini.train import LossFunction
from autograd_mini.viz.drawing import Shape, Text, to_svg
from autograd_mini.viz.film import Film, animate_training
from autograd_mini.viz.network import (
    MAX_EDGE_WIDTH,
    MIN_EDGE_WIDTH,
    NetworkLayout,
    draw_network,
    flat_parameters,
)
from autograd_mini.viz.palette import CLASS_COLOURS, NEGATIVE, NEUTRAL, POSITIVE
from autograd_mini.viz.planes import plane_extent, plane_raster, point_shapes, surface_pixels
from autograd_mini.viz.stepper import Labels, Samples, Stepper
from autograd_mini.viz.weights import Net

__all__ = ["Playground"]

SLICE_SECONDS = 0.08
"""How long one slice of steps runs before the task yields to the event loop."""
MAX_CURVE_POINTS = 400
"""The curves a frame carries are thinned to about this many points."""
_MAX_POINTS = 300  # data points drawn on the plane
_NETWORK = (560, 330)
_SIDE = 330
_GRID = 50  # the browser's decision-surface grid


_trainers: weakref.WeakValueDictionary[int, Playground] = weakref.WeakValueDictionary()
"""The Playground that trains each model (by id), so a newer one can pause the older."""


def _finite_or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _float64_bytes(values: Sequence[float]) -> bytes:
    """Numbers as little-endian float64 bytes (a widget sends bytes as a binary buffer).

    Not-finite numbers cannot occur (a step that would make one is refused);
    the page would read one as NaN and leave it out, never choke on it.
    """
    packed = array("d", values)
    if sys.byteorder != "little":
        packed.byteswap()
    return packed.tobytes()


def _thin(count: int) -> list[int]:
    """Indices of at most about MAX_CURVE_POINTS of `count` points (the last one always)."""
    stride = max(1, math.ceil(count / MAX_CURVE_POINTS))
    chosen = list(range(0, count, stride))
    if count and chosen[-1] != count - 1:
        chosen.append(count - 1)
    return chosen


class Playground(anywidget.AnyWidget):
    """Train `model` on `(X, y)` live: play, pause, step, reset, change the learning rate.

    Args:
        model: an `nn.MLP`; `pg.model` is this very object, trained in place.
        X, y: training samples and labels, as for `fit`.
        loss: a `fit` loss name or callable (default "hinge").
        optimizer: anything with `step()`, `zero_grad()` and `lr`
            (default `Adam(model, lr=0.01)`).
        batch_size: samples per step (None: the whole set, in order).
        validation_data: `(X_val, y_val)`, evaluated after every epoch.
        seed: seeds the mini-batch shuffling, as `fit(seed=...)`.

    Raises:
        TypeError / ValueError: as `fit` for data that does not fit the model.
    """

    _esm = resources.files("autograd_mini.viz").joinpath("playground.js").read_text("utf-8")

    running = traitlets.Any(False).tag(sync=True)
    lr = traitlets.Any(0.01).tag(sync=True)
    batch_size = traitlets.Any(1).tag(sync=True)
    fps = traitlets.Any(10).tag(sync=True)
    step = traitlets.Int(0).tag(sync=True)
    epoch = traitlets.Int(0).tag(sync=True)
    loss = traitlets.Float(None, allow_none=True).tag(sync=True)
    accuracy = traitlets.Float(None, allow_none=True).tag(sync=True)
    message = traitlets.Unicode("").tag(sync=True)
    frame = traitlets.Dict().tag(sync=True)
    spec = traitlets.Dict().tag(sync=True)
    network_svg = traitlets.Unicode("").tag(sync=True)
    side_svg = traitlets.Unicode("").tag(sync=True)

    def __init__(
        self,
        model: MLP,
        X: Samples,
        y: Labels,
        *,
        loss: str | LossFunction = "hinge",
        optimizer: Any = None,
        batch_size: int | None = None,
        validation_data: tuple[Samples, Labels] | None = None,
        seed: int = 0,
    ) -> None:
        stepper = Stepper(
            model,
            X,
            y,
            loss=loss,
            optimizer=optimizer,
            batch_size=batch_size,
            validation_data=validation_data,
            seed=seed,
            where="Playground",
        )
        super().__init__()
        # One Playground trains a model at a time: a newer one (Run All, a
        # re-run cell) pauses the older, so two tasks never step one model.
        older = _trainers.get(id(model))
        if older is not None and older.model is model:
            older._hand_over()
        _trainers[id(model)] = self
        self._stepper = stepper
        self._validation_data = validation_data
        self._task: asyncio.Task[None] | None = None
        self._target: int | None = None
        self._picture_id: str | None = None
        self._layout = NetworkLayout((model.nin, *model.nouts), *_NETWORK)
        with self.hold_sync():
            self.lr = float(stepper.optimizer.lr)
            self.batch_size = stepper.batch_size
            self.spec = self._spec()
            self.network_svg = self._network_svg()
            self.side_svg = self._side_svg()
            self._push_frame()
        self.on_msg(self._on_front_end_message)

    @property
    def model(self) -> MLP:
        """The model being trained (the one passed in)."""
        return self._stepper.model

    def __repr__(self) -> str:
        sizes = [self.model.nin, *self.model.nouts]
        state = "running" if self.running else "paused"
        return f"Playground(layers {sizes}, step {self.step}, epoch {self.epoch}, {state})"

    # -- the controls, checked -------------------------------------------------------

    @traitlets.validate("lr")
    def _check_lr(self, proposal: dict[str, Any]) -> float:
        value = proposal["value"]
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"Playground: lr must be a number, got {type(value).__name__}")
        if not (math.isfinite(value) and float(value) > 0):
            raise ValueError(f"Playground: lr must be a finite number > 0, got {value!r}")
        return float(value)

    @traitlets.validate("batch_size")
    def _check_batch_size(self, proposal: dict[str, Any]) -> int:
        value = proposal["value"]
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise TypeError(f"Playground: batch_size must be an int, got {type(value).__name__}")
        if not 1 <= int(value) <= self._stepper.n:
            raise ValueError(
                f"Playground: batch_size must be in [1, {self._stepper.n}], got {value!r}"
            )
        return int(value)

    @traitlets.validate("fps")
    def _check_fps(self, proposal: dict[str, Any]) -> float:
        value = proposal["value"]
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"Playground: fps must be a number, got {type(value).__name__}")
        if not (math.isfinite(value) and 0.5 <= float(value) <= 60):
            raise ValueError(f"Playground: fps must be in [0.5, 60], got {value!r}")
        return float(value)

    @traitlets.validate("running")
    def _check_running(self, proposal: dict[str, Any]) -> bool:
        value = proposal["value"]
        if not isinstance(value, bool):
            raise TypeError(f"Playground: running must be a bool, got {type(value).__name__}")
        if value and self._stepper.diverged is not None:
            self.message = self._stepper.diverged
            return False
        if value and _trainers.get(id(self.model)) is not self:
            self.message = "paused: a newer Playground trains this model now"
            return False
        if value:
            try:
                asyncio.get_running_loop()
            except RuntimeError:
                raise RuntimeError(
                    "Playground: running needs an asyncio event loop (a Jupyter kernel has "
                    "one); outside one use step_once() or asyncio.run(pg.train(n))"
                ) from None
        return value

    @traitlets.observe("lr")
    def _lr_changed(self, change: dict[str, Any]) -> None:
        self._stepper.optimizer.lr = change["new"]

    @traitlets.observe("batch_size")
    def _batch_size_changed(self, change: dict[str, Any]) -> None:
        if change["new"] != self._stepper.batch_size:
            self._stepper.batch_size = change["new"]
            self.message = f"batch size {change['new']} from the next epoch on"

    @traitlets.observe("running")
    def _running_changed(self, change: dict[str, Any]) -> None:
        if change["new"] and (self._task is None or self._task.done()):
            self.message = ""
            self._task = asyncio.get_running_loop().create_task(self._run())
        elif not change["new"]:
            # The read-outs are exact from the moment of the pause, not one frame later.
            self._push_frame()

    # -- training --------------------------------------------------------------------

    async def _run(self) -> None:
        last_frame = -math.inf
        try:
            while self.running:
                # The slice ends when it is time to yield or time for a frame.
                ends = min(time.perf_counter() + SLICE_SECONDS, last_frame + 1.0 / self.fps)
                while self.running and time.perf_counter() < ends:
                    if self._target is not None and self._stepper.steps >= self._target:
                        self.running = False
                        break
                    problem = self._stepper.step()
                    if problem is not None:
                        self.message = problem
                        self.running = False
                now = time.perf_counter()
                if self.running and now - last_frame >= 1.0 / self.fps:
                    self._push_frame()
                    last_frame = now
                # Lets the kernel handle what arrived meanwhile: clicks, other cells.
                await asyncio.sleep(0)
        except asyncio.CancelledError:
            self._target = None
            raise  # closed or reset: nothing more to show
        # Paused (by a click, by code, or by a diverged step): the last frame is now.
        self._target = None
        self._push_frame()
        self._update_picture()

    def step_once(self) -> None:
        """Take one optimizer step now (also while paused) and show it."""
        if _trainers.get(id(self.model)) is not self:
            self.message = "paused: a newer Playground trains this model now"
            return
        problem = self._stepper.step()
        if problem is not None:
            self.message = problem
            self.running = False
        self._push_frame()

    async def train(self, n: int) -> None:
        """Take `n` more steps on the event loop (controls stay live; pausing ends it early).

        >>> from autograd_mini.nn import MLP
        >>> pg = Playground(MLP(2, [3, 1], seed=0), [[0.0, 1.0], [1.0, 0.0]], [0, 1])
        >>> asyncio.run(pg.train(5)); pg.step
        5
        """
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(f"Playground.train: n must be an int, got {type(n).__name__}")
        if n < 1:
            raise ValueError(f"Playground.train: n must be >= 1, got {n!r}")
        self._target = self._stepper.steps + n
        if (
            self._task is not None
            and not self._task.done()
            and self._task.get_loop() is not (asyncio.get_running_loop())
        ):
            self._task = None  # a task of a loop that is gone (asyncio.run in a script)
        self.running = True
        if self._task is not None:
            await self._task

    def reset(self) -> None:
        """Pause, and go back to the initial weights, optimizer state and step 0."""
        self.running = False
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self._stepper.reset()
        self.message = "reset: the initial weights again"
        self._push_frame()
        self._update_picture()

    def close(self) -> None:
        """Stop training and close the widget (its views in the page go away)."""
        # Also called when a Playground whose construction failed is collected.
        task = getattr(self, "_task", None)
        if task is not None:
            task.cancel()
            self._task = None
        self._target = None
        if hasattr(self, "_stepper"):
            self.set_trait("running", False)
        super().close()

    def _hand_over(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self._target = None
        self.set_trait("running", False)
        self.message = "paused: a newer Playground trains this model now"

    def film(self) -> Film:
        """The session so far as a film (`viz.animate_training`), to keep or save."""
        s = self._stepper
        return animate_training(
            s.recording,
            s.X,
            list(s.y),
            validation_data=self._validation_data,
            title=f"Playground session: {s.steps} steps",
        )

    def _on_front_end_message(self, widget: Any, content: Any, buffers: Any) -> None:
        action = content.get("action") if isinstance(content, dict) else None
        if action == "step":
            self.step_once()
        elif action == "reset":
            self.reset()

    # -- what the page gets ------------------------------------------------------------

    def _push_frame(self) -> None:
        s = self._stepper
        keep = _thin(len(s.losses))
        note = s.climbing()
        with self.hold_sync():
            if note is not None and not self.message.startswith("paused:"):
                self.message = note
            elif note is None and self.message.startswith("the loss ("):
                self.message = ""
            self.step = s.steps
            self.epoch = s.epoch
            self.loss = _finite_or_none(s.losses[-1]) if s.losses else None
            self.accuracy = s.accuracies[-1] if s.accuracies else None
            self.frame = {
                # Binary (little-endian float64): no JSON walk over every number,
                # and the weights arrive exactly as the model holds them.
                "params": _float64_bytes(self._flat()),
                "steps": _float64_bytes([i + 1 for i in keep]),
                "loss": _float64_bytes([s.losses[i] for i in keep]),
                "accuracy": _float64_bytes([s.accuracies[i] for i in keep]),
                "validation": [
                    [step, _finite_or_none(loss), acc] for step, loss, acc in s.validation
                ],
                "diverged": s.diverged is not None,
            }

    def _flat(self) -> list[float]:
        """The model's parameters in the diagram's order (per layer: weights, then biases)."""
        net = Net.from_mlp(self.model)
        return flat_parameters(net.weights, net.biases)

    def _points(self) -> tuple[list[list[float]], list[int], list[bool]]:
        s = self._stepper
        X = [list(map(float, x)) for x in s.X[:_MAX_POINTS]]
        y = [int(v) for v in list(s.y)[:_MAX_POINTS]]
        is_test = [False] * len(X)
        if self._validation_data is not None:
            room = max(0, _MAX_POINTS - len(X))
            X += [list(map(float, x)) for x in self._validation_data[0][:room]]
            y += [int(v) for v in list(self._validation_data[1])[:room]]
            is_test += [True] * min(room, len(self._validation_data[0]))
        return X, y, is_test

    def _spec(self) -> dict[str, Any]:
        s, layout = self._stepper, self._layout
        X, y, is_test = self._points()
        plane = self.model.nin == 2
        return {
            "sizes": list(layout.layer_sizes),
            "acts": [layer.activation for layer in self.model.layers],
            "loss": s.loss_name,
            "offsets": layout.offsets,
            "shown": layout.shown,
            "palette": {"pos": POSITIVE, "neg": NEGATIVE, "zero": NEUTRAL},
            "classes": list(CLASS_COLOURS),
            "edge": [MIN_EDGE_WIDTH, MAX_EDGE_WIDTH],
            "plane": plane,
            "extent": list(plane_extent(X)) if plane else None,
            "grid": _GRID,
            "samples": s.n,
            "points": {"X": X, "y": y, "test": is_test} if plane else None,
        }

    def _network_svg(self) -> str:
        params = self._flat()
        scale = max((abs(v) for v in params), default=1.0) or 1.0
        shapes = draw_network(self._layout, params, scale)
        return to_svg(shapes, *_NETWORK, css_class="agm-pg-network")

    def _side_svg(self) -> str:
        shapes: list[Shape] = []
        if self.model.nin == 2:
            X, y, is_test = self._points()
            extent = plane_extent(X)
            net = Net.from_mlp(self.model)
            pixels = surface_pixels(net, extent, 20, self._stepper.loss_name)
            shapes.append(plane_raster(pixels, 10, 40, 300, "surface"))
            shapes += point_shapes(list(zip(X, y, is_test)), extent, 10, 40, 300)
            legend = "train ●, validation ■" if self._validation_data is not None else "train ●"
            shapes.append(Text(10, 24, f"decision surface ({legend})", 12, bold=True))
        else:
            shapes.append(
                Text(10, 24, f"no decision surface: the inputs have {self.model.nin} features", 12)
            )
        return to_svg(shapes, _SIDE, _SIDE + 20, css_class="agm-pg-side")

    # -- the saved notebook's picture -----------------------------------------------

    def _picture(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """The current frame as the film draws it: a PNG (every viewer shows one) and a line."""
        s = self._stepper
        film = animate_training(
            s.recording,
            s.X,
            list(s.y),
            validation_data=self._validation_data,
            chain_rule_frames=0,
            title="Playground",
        )
        # Pillow paints it in a few tenths of a second; rasterising the SVG takes seconds.
        image = film.gif_frame(len(film) - 1)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        data = {"image/png": base64.b64encode(buffer.getvalue()).decode("ascii")}
        data["text/plain"] = repr(self)
        width, height = image.size
        return data, {"image/png": {"width": width, "height": height}}

    def _update_picture(self) -> None:
        if self._picture_id is None:
            return
        from IPython.display import update_display

        data, metadata = self._picture()
        update_display(data, metadata=metadata, raw=True, display_id=self._picture_id)  # type: ignore[no-untyped-call]

    def _ipython_display_(self) -> None:
        # The picture first: a saved or untrusted notebook shows it; the live
        # widget hides it where it runs.
        from IPython.display import display

        data, metadata = self._picture()
        handle = display(data, metadata=metadata, raw=True, display_id=True)  # type: ignore[no-untyped-call]
        self._picture_id = handle.display_id if handle is not None else None
        bundle = self._repr_mimebundle_()
        widget_data, widget_metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
        # What a viewer without the widget shows under the picture (the counts would go stale).
        widget_data = {
            **(widget_data or {}),
            "text/plain": "Playground: run this cell to train it live.",
        }
        display(widget_data, metadata=widget_metadata, raw=True)  # type: ignore[no-untyped-call]
