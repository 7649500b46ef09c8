"""Save and load models as plain JSON: format name, version, architecture, weights.

    {"format": "autograd_mini.model", "version": 1,
     "architecture": {"type": "MLP", "nin": 2, "nouts": [16, 16, 1], "activation": "relu"},
     "parameters": {"layers.0.neurons.0.w.0": 0.123..., ...}}

Floats are written with `repr` precision, so a round trip is bit-exact.
`save` writes a temporary file next to the target and renames it over the
target, so a crash never leaves half a file. `load` checks everything (JSON
syntax, format, version, architecture, every parameter name and number)
before returning a fresh model, and raises ValueError with one clear line
otherwise; nothing is executed and no pickle is involved.

Imports `autograd_mini.nn`.

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
from typing import Any, Union

from autograd_mini import _checks
from autograd_mini._files import write_atomic
from autograd_mini.nn import MLP, Layer, Module, Neuron

__all__ = ["FORMAT", "VERSION", "load", "save"]

FORMAT = "autograd_mini.model"
"""The `format` field every saved model carries."""

VERSION = 1
"""The current file version; `load` refuses other versions."""

PathLike = Union[str, "os.PathLike[str]"]

_TOP_KEYS = {"format", "version", "architecture", "parameters"}
_ARCH_KEYS = {
    "Neuron": {"type", "nin", "activation"},
    "Layer": {"type", "nin", "nout", "activation"},
    "MLP": {"type", "nin", "nouts", "activation"},
}


def save(model: Module, path: PathLike) -> None:
    """Write `model` (a Neuron, Layer or MLP) to `path` as JSON, atomically.

    Raises:
        TypeError: `model` is not a Neuron, Layer or MLP.
        ValueError: a parameter is NaN or infinite (JSON cannot hold it).
        FileNotFoundError, NotADirectoryError, IsADirectoryError: the directory
            of `path` is missing or not a directory, or `path` is a directory.
        OSError: the file cannot be written; the message names `path` (the
            temporary file is removed whatever happens).
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
    write_atomic(path, text + "\n", "save")


def load(path: PathLike) -> Module:
    """Read a model written by `save`; a new Neuron, Layer or MLP.

    Raises:
        ValueError: the file is not valid JSON, not an autograd_mini model,
            another version, or its architecture or parameters are wrong.
            The message names the file and the first problem found.
        OSError: the file cannot be read.
    """
    target = os.fspath(path)
    with open(target, "rb") as f:
        raw = f.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(
            f"load: {target!r} is not UTF-8 text (not an autograd_mini model)"
        ) from None
    try:
        document = json.loads(
            text, object_pairs_hook=_no_duplicate_keys, parse_constant=_reject_constant
        )
        return _build(document)
    except json.JSONDecodeError as e:
        raise ValueError(
            f"load: {target!r} is not valid JSON (truncated or corrupt?): {e}"
        ) from None
    except _FormatError as e:
        raise ValueError(f"load: {target!r}: {e}") from None
    except (ValueError, RecursionError) as e:
        # e.g. an integer literal longer than Python's conversion limit, or
        # nesting deeper than the parser's recursion limit.
        raise ValueError(f"load: {target!r} is not a valid model file: {e}") from None


# ----------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------


class _FormatError(Exception):
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
        return {
            "type": "MLP",
            "nin": model.nin,
            "nouts": list(model.nouts),
            "activation": model.activation,
        }
    raise TypeError(f"save: can save a Neuron, Layer or MLP, got {type(model).__name__}")


def _build(document: object) -> Module:
    if not isinstance(document, dict):
        raise _FormatError(f"expected a JSON object, got {type(document).__name__}")
    if document.get("format") != FORMAT:
        raise _FormatError(f"format is {document.get('format')!r}, expected {FORMAT!r}")
    version = document.get("version")
    if type(version) is not int or version != VERSION:
        raise _FormatError(f"unsupported version {version!r} (this autograd_mini reads {VERSION})")
    if set(document) != _TOP_KEYS:
        raise _FormatError(f"expected keys {sorted(_TOP_KEYS)}, got {sorted(document)}")
    arch = document["architecture"]
    params = document["parameters"]
    if not isinstance(arch, dict):
        raise _FormatError(f"architecture must be an object, got {type(arch).__name__}")
    if not isinstance(params, dict):
        raise _FormatError(f"parameters must be an object, got {type(params).__name__}")
    kind = arch.get("type")
    if not isinstance(kind, str) or kind not in _ARCH_KEYS:
        raise _FormatError(
            f"unknown architecture type {kind!r} (must be one of {list(_ARCH_KEYS)})"
        )
    if set(arch) != _ARCH_KEYS[kind]:
        raise _FormatError(
            f"{kind} architecture needs keys {sorted(_ARCH_KEYS[kind])}, got {sorted(arch)}"
        )
    # The file's own parameter count bounds the model we build, so a tampered
    # size such as nouts=[10**9] fails here instead of exhausting memory.
    try:
        expected = _parameter_count(arch)
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


def _parameter_count(arch: dict[str, Any]) -> int:
    nin = _checks.count(arch["nin"], "architecture", "nin")
    if arch["type"] == "Neuron":
        return nin + 1
    if arch["type"] == "Layer":
        return (nin + 1) * _checks.count(arch["nout"], "architecture", "nout")
    nouts = arch["nouts"]
    if not isinstance(nouts, list) or not nouts:
        raise _FormatError(f"nouts must be a non-empty list of layer sizes, got {nouts!r}")
    sizes = [nin, *(_checks.count(n, "architecture", "nouts") for n in nouts)]
    return sum((a + 1) * b for a, b in itertools.pairwise(sizes))


def _construct(arch: dict[str, Any]) -> Module:
    if arch["type"] == "Neuron":
        return Neuron(arch["nin"], activation=arch["activation"])
    if arch["type"] == "Layer":
        return Layer(arch["nin"], arch["nout"], activation=arch["activation"])
    return MLP(arch["nin"], arch["nouts"], activation=arch["activation"])


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json.loads would silently keep the last of two equal keys; a file that
    # has them was not written by save, so say so.
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _FormatError(f"duplicate key {key!r}")
        out[key] = value
    return out


def _reject_constant(name: str) -> float:
    raise _FormatError(f"{name} is not allowed (parameters must be finite numbers)")
