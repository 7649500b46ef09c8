"""Save and load models as plain JSON: format name, version, architecture, weights.

    {"format": "autograd_mini.model", "version": 1,
     "architecture": {"type": "MLP", "nin": 2, "nouts": [16, 16, 1], "activation": "relu"},
     "parameters": {"layers.0.neurons.0.w.0": 0.123..., ...}}

Floats are written with `repr` precision, so a round trip is bit-exact.
`save` writes through the package's one file writer (`autograd_mini._files`):
all or nothing, through a symlink to its target, keeping an existing file's
permissions, and refusing a directory, FIFO or device. `load` refuses a file
that is not a regular file or is over `MAX_MODEL_BYTES` before reading it,
then checks everything (JSON syntax, format, version, architecture, every
parameter name and number, which must fit a float exactly as written: 1e-400
is refused, not read as 0.0) before returning a fresh model, and raises
ValueError with one clear line otherwise, quoting at most a short excerpt of
the file; nothing is executed and no pickle is involved.

Imports `autograd_mini.nn` and `autograd_mini._files`.

>>> import os, tempfile
>>> from autograd_mini.nn import MLP
>>> model = MLP(2, [3, 1], seed=0)
>>> path = os.path.join(tempfile.mkdtemp(), "model.json")
>>> save(model, path)
>>> load(path).state_dict() == model.state_dict()
True
"""

from __future__ import annotations

import itertools
import json
import math
import os
from typing import Any

from autograd_mini import _checks, _files, _strict_json
from autograd_mini._files import PathLike
from autograd_mini._strict_json import StrictJSONError
from autograd_mini.nn import MLP, Activation, Layer, Module, Neuron, Sequential

__all__ = ["FORMAT", "MAX_MODEL_BYTES", "VERSION", "load", "save", "to_json"]

FORMAT = "autograd_mini.model"
"""The `format` field every saved model carries."""

VERSION = 1
"""The current file version; `load` refuses other versions."""

MAX_MODEL_BYTES = 16 * 2**20
"""`load` refuses bigger files before reading them.

16 MiB holds about 400,000 parameters, far more than a scalar engine trains;
parsing JSON takes over ten times the file's size in memory, so the limit
also bounds what a hostile file can cost.
"""

_MAX_SIZE = 10**12
"""Largest layer size a model file may name (see `_size`)."""

_TOP_KEYS = {"format", "version", "architecture", "parameters"}
_ARCH_KEYS = {
    "Neuron": {"type", "nin", "activation"},
    "Layer": {"type", "nin", "nout", "activation"},
    "MLP": {"type", "nin", "nouts", "activation"},
    "Sequential": {"type", "layers"},
    "Activation": {"type", "activation"},  # only as an item of a Sequential
}

_MAX_NESTING = 32
"""Deepest nesting of Sequentials a model file may have."""
_OPTIONAL_ARCH_KEYS: dict[str, set[str]] = {"MLP": {"output_activation"}}


def save(model: Module, path: PathLike) -> None:
    """Write `model` (a Neuron, Layer, MLP or Sequential of them) to `path` as JSON, atomically.

    Raises:
        TypeError: `model` is not a Neuron, Layer, MLP, or a Sequential of those
            and activations.
        ValueError: a parameter is NaN or infinite (JSON cannot hold it).
        FileNotFoundError, NotADirectoryError, IsADirectoryError: the directory
            of `path` is missing or not a directory, or `path` is a directory.
        OSError: `path` is a FIFO or device, or the file cannot be written;
            the message names `path` (the temporary file is removed whatever
            happens, and an existing file is left as it was).
    """
    _files.write_atomic(path, to_json(model), "save")


def to_json(model: Module) -> str:
    """The text `save` writes for `model` (a Neuron, Layer, MLP or Sequential).

    >>> to_json(Neuron(1, seed=0)).splitlines()[1]
    ' "format": "autograd_mini.model",'
    """
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "architecture": _architecture(model),
        "parameters": model.state_dict(),
    }
    try:
        text = json.dumps(document, indent=1, allow_nan=False)
    except ValueError:
        bad = [name for name, x in document["parameters"].items() if not math.isfinite(x)]
        raise ValueError(f"save: parameter {bad[0]!r} is not finite; not saved") from None
    return text + "\n"


def load(path: PathLike) -> Module:
    """Read a model written by `save`; a new Neuron, Layer, MLP or Sequential.

    Raises:
        ValueError: the file is not a regular file, is over `MAX_MODEL_BYTES`,
            is not valid JSON, not an autograd_mini model, another version, or
            its architecture or parameters are wrong. The message names the
            file and the first problem found.
        OSError: the file cannot be read.
    """
    target = os.fspath(path)
    raw = _files.read_limited(target, "load", MAX_MODEL_BYTES)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(
            f"load: {target!r} is not UTF-8 text (not an autograd_mini model)"
        ) from None
    try:
        document = _strict_json.loads(
            text, constants_note="parameters must be finite numbers", parse_float=_exact_float
        )
        return _build(document)
    except json.JSONDecodeError as e:
        raise ValueError(
            f"load: {target!r} is not valid JSON (truncated or corrupt?): {e}"
        ) from None
    except StrictJSONError as e:  # _FormatError too
        raise ValueError(f"load: {target!r}: {e}") from None
    except (ValueError, RecursionError) as e:
        # e.g. an integer literal longer than Python's conversion limit, or
        # nesting deeper than the parser's recursion limit.
        raise ValueError(f"load: {target!r} is not a valid model file: {e}") from None


# ----------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------


class _FormatError(StrictJSONError):
    """A structural problem in a loaded document (turned into ValueError by load)."""


def _architecture(model: object) -> dict[str, Any]:
    # Exact types: a subclass may add parameters or behaviour the file cannot describe.
    if type(model) is Neuron:
        return {"type": "Neuron", "nin": model.nin, "activation": model.activation}
    if type(model) is Layer:
        return {
            "type": "Layer",
            "nin": model.nin,
            "nout": model.nout,
            "activation": model.activation,
        }
    if type(model) is MLP:
        arch = {
            "type": "MLP",
            "nin": model.nin,
            "nouts": list(model.nouts),
            "activation": model.activation,
        }
        if model.output_activation != "linear":  # files of linear-output MLPs stay as they were
            arch["output_activation"] = model.output_activation
        return arch
    if type(model) is Sequential:
        return {"type": "Sequential", "layers": [_item_architecture(m) for m in model.layers]}
    raise TypeError(
        f"save: can save a Neuron, Layer, MLP or Sequential, got {type(model).__name__}"
    )


def _item_architecture(module: Module) -> dict[str, Any]:
    if type(module) is Activation:
        return {"type": "Activation", "activation": module.name}
    return _architecture(module)


def _build(document: object) -> Module:
    if not isinstance(document, dict):
        raise _FormatError(f"expected a JSON object, got {type(document).__name__}")
    if document.get("format") != FORMAT:
        raise _FormatError(
            f"format is {_checks.shown(document.get('format'))}, expected {FORMAT!r}"
        )
    version = document.get("version")
    if type(version) is not int or version != VERSION:
        raise _FormatError(
            f"unsupported version {_checks.shown(version)} (this autograd_mini reads {VERSION})"
        )
    if set(document) != _TOP_KEYS:
        raise _FormatError(f"expected keys {sorted(_TOP_KEYS)}, got {_keys(document)}")
    arch = document["architecture"]
    params = document["parameters"]
    if not isinstance(arch, dict):
        raise _FormatError(f"architecture must be an object, got {type(arch).__name__}")
    if not isinstance(params, dict):
        raise _FormatError(f"parameters must be an object, got {type(params).__name__}")
    # The file's own parameter count bounds the model we build, so a tampered
    # size such as nouts=[10**9] fails here instead of exhausting memory.
    kind = arch.get("type")
    if kind == "Activation":
        raise _FormatError("an Activation is only an item of a Sequential, not a model")
    try:
        expected = _parameter_count(arch, depth=0)
    except (TypeError, ValueError) as e:
        raise _FormatError(str(e)) from None
    if expected != len(params):
        raise _FormatError(
            f"the {kind} architecture has {expected} parameters, the file lists {len(params)}"
        )
    try:
        model = _construct(arch)
        model.load_state_dict(params)
    except (TypeError, ValueError, OverflowError) as e:
        raise _FormatError(str(e)) from None
    return model


def _parameter_count(arch: object, depth: int) -> int:
    """How many parameters `arch` describes, after checking its keys (and its items')."""
    arch = _checked_keys(arch)
    kind = arch["type"]
    if kind == "Activation":
        return 0
    if kind == "Sequential":
        layers = arch["layers"]
        if not isinstance(layers, list) or not layers:
            raise _FormatError(
                f"layers must be a non-empty list of modules, got {_checks.shown(layers)}"
            )
        if depth >= _MAX_NESTING:
            raise _FormatError(f"Sequentials nested more than {_MAX_NESTING} deep")
        return sum(_parameter_count(item, depth + 1) for item in layers)
    nin = _size(arch["nin"], "nin")
    if kind == "Neuron":
        return nin + 1
    if kind == "Layer":
        return (nin + 1) * _size(arch["nout"], "nout")
    nouts = arch["nouts"]
    if not isinstance(nouts, list) or not nouts:
        raise _FormatError(
            f"nouts must be a non-empty list of layer sizes, got {_checks.shown(nouts)}"
        )
    sizes = [nin, *(_size(n, "nouts") for n in nouts)]
    return sum((a + 1) * b for a, b in itertools.pairwise(sizes))


def _checked_keys(arch: object) -> dict[str, Any]:
    """`arch` itself once it is an object with the keys its type needs."""
    if not isinstance(arch, dict):
        raise _FormatError(f"architecture must be an object, got {type(arch).__name__}")
    kind = arch.get("type")
    if not isinstance(kind, str) or kind not in _ARCH_KEYS:
        raise _FormatError(
            f"unknown architecture type {_checks.shown(kind)} (must be one of {list(_ARCH_KEYS)})"
        )
    optional = _OPTIONAL_ARCH_KEYS.get(kind, set())
    if not _ARCH_KEYS[kind] <= set(arch) <= _ARCH_KEYS[kind] | optional:
        also = f" (and optionally {sorted(optional)})" if optional else ""
        raise _FormatError(
            f"{kind} architecture needs keys {sorted(_ARCH_KEYS[kind])}{also}, got {_keys(arch)}"
        )
    return arch


def _size(value: object, what: str) -> int:
    """A layer size from the file: a positive int, and not absurdly large.

    No file under MAX_MODEL_BYTES lists anywhere near 10**12 parameters; the
    bound keeps a tampered size such as 10**4000 out of every later message.
    """
    size = _checks.count(value, "architecture", what)
    if size > _MAX_SIZE:
        raise _FormatError(
            f"architecture: {what} must be at most {_MAX_SIZE:.0e}, got {_checks.shown(size)}"
        )
    return size


def _construct(arch: dict[str, Any]) -> Module:
    # seed=0: the file's weights replace the initial ones, and an unseeded model
    # would draw them from (and so change) the caller's `random` state.
    if arch["type"] == "Activation":
        return Activation(arch["activation"])
    if arch["type"] == "Sequential":
        return Sequential(*(_construct(item) for item in arch["layers"]))
    if arch["type"] == "Neuron":
        return Neuron(arch["nin"], activation=arch["activation"], seed=0)
    if arch["type"] == "Layer":
        return Layer(arch["nin"], arch["nout"], activation=arch["activation"], seed=0)
    return MLP(
        arch["nin"],
        arch["nouts"],
        activation=arch["activation"],
        seed=0,
        output_activation=arch.get("output_activation"),
    )


def _keys(document: dict[str, Any]) -> str:
    """The sorted keys of `document`, each and all of them cut short for a message."""
    keys = sorted(document)
    listed = ", ".join(_checks.shown(k) for k in keys[:8])
    more = f", ... ({len(keys)} keys)" if len(keys) > 8 else ""
    return f"[{listed}{more}]"


def _exact_float(text: str) -> float:
    """A JSON number as a float, refused if a float cannot hold it.

    Python turns 1e-400 into 0.0 and 1e400 into inf without a word; a model
    file with such a number was not written by `save`, and loading it would
    silently change a weight.
    """
    value = float(text)
    mantissa = text.lower().partition("e")[0]
    if math.isinf(value) or (value == 0.0 and mantissa.strip("-+0.") != ""):
        raise _FormatError(f"the number {_checks.shown(text)} is out of range for a float")
    return value
