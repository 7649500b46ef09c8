"""Saved models: atomic writes, strict loading, bit-exact round trips (autograd_mini.io).

Crashes are simulated by making a step of the write fail (the rename, the write
itself, the fsync); the previous file must survive byte for byte and no temporary
file may be left behind. Damaged or foreign files must raise ValueError naming the
file, and loading must never run anything from the file.
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograd_mini import io as model_io
from autograd_mini.nn import MLP, Layer, Module, Neuron


def _model(seed: int = 0) -> MLP:
    return MLP(2, [4, 3, 1], activation="tanh", seed=seed)


def _saved(tmp_path: Path, model: Module | None = None, name: str = "model.json") -> Path:
    path = tmp_path / name
    model_io.save(model if model is not None else _model(), path)
    return path


def _document(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def _bits(x: float) -> bytes:
    return struct.pack("<d", x)


# ---------------------------------------------------------------------------
# round trips
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model",
    [MLP(2, [16, 16, 1], seed=1), Layer(3, 2, activation="sigmoid", seed=2), Neuron(4, seed=3)],
    ids=["MLP", "Layer", "Neuron"],
)
def test_round_trip_is_bit_exact_and_keeps_the_architecture(model: Module, tmp_path: Path) -> None:
    path = _saved(tmp_path, model)
    loaded = model_io.load(path)
    assert type(loaded) is type(model)
    original, restored = model.state_dict(), loaded.state_dict()
    assert list(restored) == list(original)
    assert [_bits(x) for x in restored.values()] == [_bits(x) for x in original.values()]
    # Same function, not just same numbers: outputs agree exactly.
    inputs = [0.3, -1.2, 0.7, 2.0][: _nin(model)]
    assert _outputs(loaded, inputs) == _outputs(model, inputs)


def _nin(model: Module) -> int:
    return int(model.nin)  # type: ignore[attr-defined]


def _outputs(model: Module, inputs: list[float]) -> list[float]:
    out = model(inputs)  # type: ignore[operator]
    return [v.data for v in out] if isinstance(out, list) else [out.data]


_awkward_floats = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.1, 1 / 3, -0.0, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308]),
)


@settings(max_examples=50, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(numbers=st.lists(_awkward_floats, min_size=4, max_size=4))
def test_round_trip_keeps_every_bit_of_awkward_floats(numbers: list[float], tmp_path: Path) -> None:
    model = Neuron(3, activation="linear", seed=0)
    model.load_state_dict(dict(zip(model.state_dict(), numbers, strict=True)))
    loaded = model_io.load(_saved(tmp_path, model))
    assert [_bits(x) for x in loaded.state_dict().values()] == [_bits(x) for x in numbers]


def test_saved_file_is_plain_json_with_format_and_version(tmp_path: Path) -> None:
    document = _document(_saved(tmp_path))
    assert document["format"] == model_io.FORMAT
    assert document["version"] == model_io.VERSION
    assert document["architecture"]["type"] == "MLP"


# ---------------------------------------------------------------------------
# atomic save: a crash mid-write leaves the old file intact
# ---------------------------------------------------------------------------


class _Crash(RuntimeError):
    pass


def _crash(*args: object, **kwargs: object) -> None:
    raise _Crash("simulated crash")


def _crash_in_write(monkeypatch: pytest.MonkeyPatch) -> None:
    # Fail while the bytes are being written: the temp file holds half a document.
    real_fdopen = os.fdopen

    def fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
        handle = real_fdopen(fd, *args, **kwargs)
        real_write = handle.write

        def write(text: str) -> int:
            real_write(text[: len(text) // 2])
            raise _Crash("disk full")

        handle.write = write
        return handle

    monkeypatch.setattr(os, "fdopen", fdopen)


CRASHES: dict[str, Callable[[pytest.MonkeyPatch], None]] = {
    "rename": lambda mp: mp.setattr(os, "replace", _crash),
    "fsync": lambda mp: mp.setattr(os, "fsync", _crash),
    "write": _crash_in_write,
}


@pytest.mark.parametrize("where", list(CRASHES))
def test_crash_during_save_keeps_the_old_file(
    where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_model = _model(seed=1)
    path = _saved(tmp_path, old_model)
    old_bytes = path.read_bytes()
    with monkeypatch.context() as mp:
        CRASHES[where](mp)
        with pytest.raises(_Crash):
            model_io.save(_model(seed=2), path)
    assert path.read_bytes() == old_bytes
    assert model_io.load(path).state_dict() == old_model.state_dict()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json"], "temp file left behind"


def test_crash_during_first_save_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "replace", _crash)
    with pytest.raises(_Crash):
        model_io.save(_model(), tmp_path / "model.json")
    assert list(tmp_path.iterdir()) == []


def test_save_of_a_non_finite_parameter_fails_and_keeps_the_old_file(tmp_path: Path) -> None:
    path = _saved(tmp_path)
    old_bytes = path.read_bytes()
    broken = _model(seed=5)
    broken.parameters()[3].data = float("nan")
    with pytest.raises(ValueError, match="not finite"):
        model_io.save(broken, path)
    assert path.read_bytes() == old_bytes


# ---------------------------------------------------------------------------
# load rejects damaged and foreign files with ValueError
# ---------------------------------------------------------------------------


def _edit(change: Callable[[dict[str, Any]], object]) -> Callable[[str], str]:
    def rewrite(text: str) -> str:
        document = json.loads(text)
        change(document)
        return json.dumps(document)

    return rewrite


def _set(path: tuple[str, ...], value: object) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        target = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _first_param(change: Callable[[dict[str, Any], str], None]) -> Callable[[dict[str, Any]], None]:
    def apply(document: dict[str, Any]) -> None:
        change(document["parameters"], next(iter(document["parameters"])))

    return apply


def _rename_first(params: dict[str, Any], key: str) -> None:
    params["layers.9.neurons.0.w.0"] = params.pop(key)


BAD_FILES: dict[str, Callable[[str], str]] = {
    "empty": lambda text: "",
    "whitespace": lambda text: " \n",
    "truncated half": lambda text: text[: len(text) // 2],
    "truncated last byte": lambda text: text[:-2],
    "foreign json list": lambda text: "[1, 2, 3]",
    "foreign json object": lambda text: '{"name": "not a model"}',
    "foreign text": lambda text: "hello, world\n",
    "pickle bytes": lambda text: "\x80\x04\x95\x0b\x00\x00\x00\x00\x00\x00\x00]\x94.",
    "python code": lambda text: "__import__('os').system('touch PWNED')",
    "wrong format": _edit(_set(("format",), "someone.else")),
    "wrong version": _edit(_set(("version",), 999)),
    "version as text": _edit(_set(("version",), "1")),
    "version as float": _edit(_set(("version",), 1.0)),
    "version true": _edit(_set(("version",), True)),
    "missing parameters": _edit(lambda d: d.pop("parameters")),
    "extra top-level key": _edit(_set(("evil",), "x")),
    "unknown architecture": _edit(_set(("architecture", "type"), "Transformer")),
    "architecture dunder": _edit(_set(("architecture", "type"), "__class__")),
    "wrong shape nin": _edit(_set(("architecture", "nin"), 3)),
    "wrong shape nouts": _edit(_set(("architecture", "nouts"), [4, 4, 1])),
    "huge nouts": _edit(_set(("architecture", "nouts"), [10**9, 1])),
    "negative size": _edit(_set(("architecture", "nin"), -2)),
    "size as text": _edit(_set(("architecture", "nin"), "2")),
    "size as bool": _edit(_set(("architecture", "nin"), True)),
    "unknown activation": _edit(_set(("architecture", "activation"), "swish")),
    "activation as code": _edit(_set(("architecture", "activation"), "__import__('os')")),
    "missing parameter": _edit(lambda d: d["parameters"].pop(next(iter(d["parameters"])))),
    "extra parameter": _edit(_set(("parameters", "layers.0.neurons.0.w.9"), 0.5)),
    "renamed parameter": _edit(_first_param(_rename_first)),
    "parameter as text": _edit(_first_param(lambda p, k: p.__setitem__(k, "0.5"))),
    "parameter as list": _edit(_first_param(lambda p, k: p.__setitem__(k, [0.5]))),
    "parameter null": _edit(_first_param(lambda p, k: p.__setitem__(k, None))),
    "parameter bool": _edit(_first_param(lambda p, k: p.__setitem__(k, True))),
    "parameters as list": _edit(lambda d: d.__setitem__("parameters", list(d["parameters"]))),
    "NaN literal": lambda text: _replace_first_number(text, "NaN"),
    "Infinity literal": lambda text: _replace_first_number(text, "Infinity"),
    "huge number literal": lambda text: _replace_first_number(text, "1e999"),
    "huge integer literal": lambda text: _replace_first_number(text, "9" * 5000),
    "duplicate key": lambda text: text.replace('"format"', '"format": "x", "format"', 1),
    "deep nesting": lambda text: "[" * 100_000 + "]" * 100_000,
    "not utf-8": lambda text: text.replace("format", "f\udcffrmat"),
}


def _replace_first_number(text: str, replacement: str) -> str:
    document = json.loads(text)
    key = next(iter(document["parameters"]))
    document["parameters"][key] = "@@NUMBER@@"
    return json.dumps(document).replace('"@@NUMBER@@"', replacement)


@pytest.mark.parametrize("damage", list(BAD_FILES))
def test_load_rejects_damaged_or_foreign_file(damage: str, tmp_path: Path) -> None:
    path = _saved(tmp_path)
    text = BAD_FILES[damage](path.read_text(encoding="utf-8"))
    path.write_bytes(text.encode("utf-8", errors="surrogateescape"))
    with pytest.raises(ValueError) as caught:
        model_io.load(path)
    message = str(caught.value)
    assert "model.json" in message, f"the message should name the file: {message!r}"
    assert "\n" not in message and len(message) < 600, message
    assert not (tmp_path / "PWNED").exists()


def test_every_truncation_is_rejected(tmp_path: Path) -> None:
    full = _saved(tmp_path, Neuron(2, seed=0)).read_bytes()
    damaged = tmp_path / "cut.json"
    for length in range(len(full.rstrip())):
        damaged.write_bytes(full[:length])
        with pytest.raises(ValueError):
            model_io.load(damaged)


def test_a_valid_file_with_one_changed_value_loads_that_value(tmp_path: Path) -> None:
    # JSON is meant to be readable and editable: a hand-edited, well-formed number
    # is not tampering the loader can see; this pins that it is read exactly.
    path = _saved(tmp_path)
    document = _document(path)
    key = next(iter(document["parameters"]))
    document["parameters"][key] = 0.125
    path.write_text(json.dumps(document), encoding="utf-8")
    assert model_io.load(path).state_dict()[key] == 0.125


def test_missing_file_is_an_os_error_not_a_value_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        model_io.load(tmp_path / "nope.json")


def test_save_rejects_things_that_are_not_models(tmp_path: Path) -> None:
    for thing in (None, "model", {"w": 1.0}, [Neuron(2)]):
        with pytest.raises(TypeError):
            model_io.save(thing, tmp_path / "x.json")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("where", ["rename", "write"])
def test_crash_while_saving_an_animation_keeps_the_old_player(
    where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from autograd_mini import Value
    from autograd_mini.viz import animate

    x = Value(2.0, label="x")
    y = x * x
    y.backward()
    path = animate(y).save(tmp_path / "player.html")
    old_bytes = path.read_bytes()
    z = x.tanh()
    z.backward()
    if where == "rename":
        monkeypatch.setattr(os, "replace", _crash)
    else:
        monkeypatch.setattr(os, "write", _crash)
    with pytest.raises(_Crash):
        animate(z).save(path)
    assert path.read_bytes() == old_bytes
    assert sorted(p.name for p in tmp_path.iterdir()) == ["player.html"], "temp file left"


def test_save_and_load_never_call_eval_exec_or_pickle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import builtins
    import pickle

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("io must never eval, exec or unpickle")

    for module, name in [
        (builtins, "eval"),
        (builtins, "exec"),
        (pickle, "load"),
        (pickle, "loads"),
        (pickle, "Unpickler"),
    ]:
        monkeypatch.setattr(module, name, forbidden)
    model = _model(seed=3)
    loaded = model_io.load(_saved(tmp_path, model))
    assert loaded.state_dict() == model.state_dict()
