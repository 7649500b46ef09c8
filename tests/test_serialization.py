"""Saved models (autograd_mini.serialization): atomic writes, strict loading, bit-exact
round trips, the file format, and the top-level and deprecated names.

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

import autograd_mini
from autograd_mini import _files, load, save, serialization
from autograd_mini.nn import MLP, Layer, Module, Neuron, Sequential


def _model(seed: int = 0) -> MLP:
    return MLP(2, [4, 3, 1], activation="tanh", seed=seed)


def _saved(tmp_path: Path, model: Module | None = None, name: str = "model.json") -> Path:
    path = tmp_path / name
    save(model if model is not None else _model(), path)
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
def test_round_trip_is_bit_exact_and_keeps_the_architecture(
    model: MLP | Layer | Neuron, tmp_path: Path
) -> None:
    path = _saved(tmp_path, model)
    loaded = load(path)
    assert type(loaded) is type(model)
    original, restored = model.state_dict(), loaded.state_dict()
    assert list(restored) == list(original)
    assert [_bits(x) for x in restored.values()] == [_bits(x) for x in original.values()]
    # Same function, not just same numbers: outputs agree exactly.
    inputs = [0.3, -1.2, 0.7, 2.0][: model.nin]
    assert _outputs(loaded, inputs) == _outputs(model, inputs)


def _outputs(model: Module, inputs: list[float]) -> list[float]:
    return [v.data for v in model.outputs(inputs)]


_awkward_floats = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.1, 1 / 3, -0.0, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308]),
)


@settings(max_examples=50, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(numbers=st.lists(_awkward_floats, min_size=4, max_size=4))
def test_round_trip_keeps_every_bit_of_awkward_floats(numbers: list[float], tmp_path: Path) -> None:
    model = Neuron(3, activation="linear", seed=0)
    model.load_state_dict(dict(zip(model.state_dict(), numbers, strict=True)))
    loaded = load(_saved(tmp_path, model))
    assert [_bits(x) for x in loaded.state_dict().values()] == [_bits(x) for x in numbers]


# ---------------------------------------------------------------------------
# atomic save: a crash mid-write leaves the old file intact
# ---------------------------------------------------------------------------


class _Crash(RuntimeError):
    pass


def _crash(*args: object, **kwargs: object) -> None:
    raise _Crash("simulated crash")


def _crash_in_write(monkeypatch: pytest.MonkeyPatch) -> None:
    # Fail while the bytes are being written: the temp file holds half a document.
    real_write = os.write

    def write(fd: int, data: Any) -> int:
        real_write(fd, bytes(data[: len(data) // 2]))
        raise _Crash("disk full")

    monkeypatch.setattr(os, "write", write)


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
            save(_model(seed=2), path)
    assert path.read_bytes() == old_bytes
    assert load(path).state_dict() == old_model.state_dict()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json"], "temp file left behind"


def test_crash_during_first_save_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "replace", _crash)
    with pytest.raises(_Crash):
        save(_model(), tmp_path / "model.json")
    assert list(tmp_path.iterdir()) == []


def test_save_of_a_non_finite_parameter_fails_and_keeps_the_old_file(tmp_path: Path) -> None:
    path = _saved(tmp_path)
    old_bytes = path.read_bytes()
    broken = _model(seed=5)
    broken.parameters()[3].data = float("nan")
    with pytest.raises(ValueError, match="not finite"):
        save(broken, path)
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
        load(path)
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
            load(damaged)


def test_a_valid_file_with_one_changed_value_loads_that_value(tmp_path: Path) -> None:
    # JSON is meant to be readable and editable: a hand-edited, well-formed number
    # is not tampering the loader can see; this pins that it is read exactly.
    path = _saved(tmp_path)
    document = _document(path)
    key = next(iter(document["parameters"]))
    document["parameters"][key] = 0.125
    path.write_text(json.dumps(document), encoding="utf-8")
    assert load(path).state_dict()[key] == 0.125


def test_missing_file_is_an_os_error_not_a_value_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "nope.json")


def test_save_rejects_things_that_are_not_models(tmp_path: Path) -> None:
    for thing in (None, "model", {"w": 1.0}, [Neuron(2)]):
        with pytest.raises(TypeError):
            save(thing, tmp_path / "x.json")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_save_and_load_never_call_eval_exec_or_pickle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import builtins
    import pickle

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("serialization must never eval, exec or unpickle")

    for module, name in [
        (builtins, "eval"),
        (builtins, "exec"),
        (pickle, "load"),
        (pickle, "loads"),
        (pickle, "Unpickler"),
    ]:
        monkeypatch.setattr(module, name, forbidden)
    model = _model(seed=3)
    loaded = load(_saved(tmp_path, model))
    assert loaded.state_dict() == model.state_dict()


# ---------------------------------------------------------------------------
# the format in detail, and the message for each refused file
# ---------------------------------------------------------------------------


@pytest.fixture
def saved(tmp_path):
    model = MLP(2, [4, 3, 1], activation="tanh", seed=5)
    path = tmp_path / "model.json"
    save(model, path)
    return model, path


def rewrite(path, change):
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document))


def test_file_is_plain_json_with_format_version_architecture_and_weights(saved):
    model, path = saved
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["format"] == "autograd_mini.model" == serialization.FORMAT
    assert document["version"] == 1 == serialization.VERSION
    assert document["architecture"] == {
        "type": "MLP",
        "nin": 2,
        "nouts": [4, 3, 1],
        "activation": "tanh",
    }
    assert document["parameters"] == model.state_dict()


def test_load_returns_a_new_independent_model(saved):
    model, path = saved
    loaded = load(path)
    loaded.parameters()[0].data += 1.0
    assert model.parameters()[0].data != loaded.parameters()[0].data


def test_save_replaces_an_existing_file_and_leaves_no_temp_files(saved, tmp_path):
    _, path = saved
    other = Neuron(1, seed=0)
    save(other, path)
    assert load(path).state_dict() == other.state_dict()
    assert sorted(os.listdir(tmp_path)) == ["model.json"]


def test_saved_file_has_ordinary_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        save(Neuron(1, seed=0), tmp_path / "m.json")
    finally:
        os.umask(old)
    assert (tmp_path / "m.json").stat().st_mode & 0o777 == 0o644


def test_save_rejects_non_finite_weights_and_foreign_modules(tmp_path):
    model = Neuron(2, seed=0)
    model.b.data = float("nan")
    with pytest.raises(ValueError, match="save: parameter 'b' is not finite; not saved"):
        save(model, tmp_path / "m.json")
    assert not (tmp_path / "m.json").exists()

    class Custom(Module):
        pass

    with pytest.raises(
        TypeError, match="save: can save a Neuron, Layer, MLP or Sequential, got Custom"
    ):
        save(Custom(), tmp_path / "m.json")

    class MyMLP(MLP):
        pass

    with pytest.raises(TypeError, match="got MyMLP"):
        save(MyMLP(2, [1], seed=0), tmp_path / "m.json")


def test_truncated_file(saved):
    _, path = saved
    text = path.read_text()
    path.write_text(text[: len(text) // 2])
    with pytest.raises(
        ValueError, match=r"load: '.*model.json' is not valid JSON \(truncated or corrupt\?\)"
    ):
        load(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is not valid JSON"),
        (b"\xff\xfe\x00binary", "is not UTF-8 text"),
        (b"[1, 2, 3]", "expected a JSON object, got list"),
        (b'{"name": "something else"}', "format is None, expected 'autograd_mini.model'"),
        (b'{"format": "keras", "version": 1}', "format is 'keras'"),
        (b"[" * 100000 + b"]" * 100000, "not a valid model file"),
    ],
    ids=["empty", "binary", "list", "foreign-object", "foreign-format", "deep-nesting"],
)
def test_foreign_files(tmp_path, content, message):
    path = tmp_path / "x.json"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=message):
        load(path)


TAMPERINGS = [
    (lambda d: d.update(version=2), r"unsupported version 2 \(this autograd_mini reads 1\)"),
    (lambda d: d.update(version="1"), "unsupported version '1'"),
    (lambda d: d.update(extra=1), "expected keys"),
    (lambda d: d.pop("parameters"), "expected keys"),
    (
        lambda d: d["architecture"].update(type="Transformer"),
        "unknown architecture type 'Transformer'",
    ),
    (lambda d: d["architecture"].update(activation="swish"), "unknown activation 'swish'"),
    (lambda d: d["architecture"].update(nin=0), "nin must be a positive int, got 0"),
    (lambda d: d["architecture"].update(nin=True), "nin must be a positive int, got True"),
    (lambda d: d["architecture"].update(nouts=[]), "nouts must be a non-empty list"),
    (
        lambda d: d["architecture"].update(nouts=[10**9, 1]),
        "architecture has .* parameters, the file lists 31",
    ),
    (lambda d: d["architecture"].pop("activation"), "MLP architecture needs keys"),
    (lambda d: d.update(architecture=[2, 3]), "architecture must be an object, got list"),
    (lambda d: d.update(parameters=[0.1]), "parameters must be an object, got list"),
    (
        lambda d: d["parameters"].update({"layers.0.neurons.0.b": "0.5"}),
        r"must be a finite number, got '0\.5' \(a str\)",
    ),
    (
        lambda d: d["parameters"].update({"layers.0.neurons.0.b": None}),
        r"must be a finite number, got None \(a NoneType\)",
    ),
    (
        lambda d: d["parameters"].update({"layers.0.neurons.0.b": 10**400}),
        "too large|overflow|finite",
    ),
    (
        lambda d: d["parameters"].pop("layers.2.neurons.0.b"),
        "the MLP architecture has 31 parameters, the file lists 30",
    ),
    (
        lambda d: d["parameters"].update({"evil": d["parameters"].pop("layers.2.neurons.0.b")}),
        r"keys do not match the model: missing \['layers.2.neurons.0.b'\], "
        r"unexpected \['evil'\]",
    ),
]


@pytest.mark.parametrize(("tamper", "message"), TAMPERINGS)
def test_tampered_files(saved, tamper, message):
    _, path = saved
    rewrite(path, tamper)
    with pytest.raises(ValueError, match=message) as caught:
        load(path)
    assert str(caught.value).startswith(f"load: {str(path)!r}")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_literals_are_refused(saved, literal):
    _, path = saved
    text = path.read_text()
    weight = json.dumps(json.loads(text)["parameters"]["layers.0.neurons.0.b"])
    path.write_text(text.replace(weight, literal, 1))
    with pytest.raises(ValueError, match=f"{literal} is not allowed"):
        load(path)


def test_duplicate_keys_are_refused(saved):
    _, path = saved
    text = path.read_text()
    path.write_text(text.replace('"version": 1,', '"version": 1, "version": 1,', 1))
    with pytest.raises(ValueError, match="duplicate key 'version'"):
        load(path)


def test_overlong_integer_literal_is_refused(saved):
    _, path = saved
    text = path.read_text()
    weight = json.dumps(json.loads(text)["parameters"]["layers.0.neurons.0.b"])
    path.write_text(text.replace(weight, "9" * 5000, 1))
    with pytest.raises(ValueError, match="load: "):
        load(path)


def test_pathlib_and_str_paths(tmp_path):
    model = Neuron(2, seed=0)
    save(model, Path(tmp_path) / "a.json")
    assert load(str(tmp_path / "a.json")).state_dict() == model.state_dict()


@pytest.mark.parametrize(
    ("where", "error", "message"),
    [
        (
            "missing",
            FileNotFoundError,
            "save: cannot write '{base}/missing/model.json': "
            "directory '{base}/missing' does not exist",
        ),
        (
            "file.txt",
            NotADirectoryError,
            "save: cannot write '{base}/file.txt/model.json': '{base}/file.txt' is not a directory",
        ),
    ],
)
def test_save_into_a_bad_directory_names_the_callers_path(tmp_path, where, error, message):
    (tmp_path / "file.txt").write_text("x")
    target = tmp_path / where / "model.json"
    with pytest.raises(error) as caught:
        save(Neuron(1, seed=0), target)
    assert str(caught.value) == message.format(base=tmp_path)
    assert sorted(os.listdir(tmp_path)) == ["file.txt"]


def test_save_onto_a_directory_is_refused_by_name(tmp_path):
    with pytest.raises(IsADirectoryError, match=r"save: cannot write '.*': it is a directory"):
        save(Neuron(1, seed=0), tmp_path)
    assert os.listdir(tmp_path) == []


def test_os_errors_about_the_temp_file_name_the_target_and_leave_nothing(tmp_path, monkeypatch):
    target = tmp_path / "model.json"

    def refused_replace(src, dst):
        raise PermissionError(13, "Permission denied", src, None, dst)

    monkeypatch.setattr(_files.os, "replace", refused_replace)
    with pytest.raises(PermissionError) as caught:
        save(Neuron(1, seed=0), target)
    assert str(caught.value) == f"save: cannot write {str(target)!r}: Permission denied"
    assert ".tmp" not in str(caught.value)
    assert os.listdir(tmp_path) == []


def test_a_refused_temp_file_names_the_target(tmp_path, monkeypatch):
    real_open = os.open

    def refused_open(path, flags, mode=0o777, **kwargs):
        if str(path).endswith(".tmp"):
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, flags, mode, **kwargs)

    monkeypatch.setattr(os, "open", refused_open)
    with pytest.raises(PermissionError, match=r"^save: cannot write '.*model.json': Permission"):
        save(Neuron(1, seed=0), tmp_path / "model.json")


# ---------------------------------------------------------------------------
# names: autograd_mini.save / load, and the deprecated autograd_mini.io
# ---------------------------------------------------------------------------


def test_top_level_save_and_load_are_the_serialization_functions() -> None:
    assert autograd_mini.save is serialization.save
    assert autograd_mini.load is serialization.load
    assert {"save", "load"} <= set(autograd_mini.__all__)


def test_the_old_io_module_still_works_and_warns(tmp_path: Path) -> None:
    import importlib
    import sys

    sys.modules.pop("autograd_mini.io", None)
    with pytest.warns(
        DeprecationWarning, match=r"autograd_mini\.io is deprecated.*autograd_mini\.save"
    ):
        old = importlib.import_module("autograd_mini.io")
    path = tmp_path / "m.json"
    old.save(Neuron(2, seed=0), path)
    assert old.load(path).state_dict() == load(path).state_dict() == Neuron(2, seed=0).state_dict()
    assert (old.FORMAT, old.VERSION) == (serialization.FORMAT, serialization.VERSION)


# ----------------------------------------------------------------------------
# Sequential (what from_torch returns for a network that is not MLP-shaped)
# ----------------------------------------------------------------------------


def _lecture_sequential() -> Sequential:
    return Sequential(
        Layer(3, 4, "linear", seed=0),
        "tanh",
        Layer(4, 4, "linear", seed=1),
        "tanh",
        Sequential(Layer(4, 1, "linear", seed=2), "sigmoid"),
    )


def test_a_sequential_round_trips_with_its_activations_and_nesting(tmp_path: Path) -> None:
    model = _lecture_sequential()
    save(model, tmp_path / "seq.json")
    loaded = load(tmp_path / "seq.json")
    assert isinstance(loaded, Sequential) and repr(loaded) == repr(model)
    assert loaded.state_dict() == model.state_dict()
    x = [0.5, -1.0, 2.0]
    assert loaded(x).data == model(x).data  # type: ignore[union-attr]
    arch = json.loads((tmp_path / "seq.json").read_text())["architecture"]
    assert arch["layers"][1] == {"type": "Activation", "activation": "tanh"}


def _sequential_file(tmp_path: Path, arch: object, params: dict[str, float]) -> Path:
    path = tmp_path / "m.json"
    document = {"format": serialization.FORMAT, "version": serialization.VERSION}
    document |= {"architecture": arch, "parameters": params}
    path.write_text(json.dumps(document))
    return path


@pytest.mark.parametrize(
    ("arch", "message"),
    [
        ({"type": "Activation", "activation": "relu"}, "only an item of a Sequential"),
        ({"type": "Sequential", "layers": []}, "layers must be a non-empty list"),
        ({"type": "Sequential", "layers": "tanh"}, "layers must be a non-empty list"),
        ({"type": "Sequential", "layers": [{"type": "Activation"}]}, "needs keys"),
        ({"type": "Sequential", "layers": [["relu"]]}, "architecture must be an object"),
        (
            {"type": "Sequential", "layers": [{"type": "Activation", "activation": "gelu"}]},
            "unknown activation .gelu.",
        ),
        ({"type": "Sequential", "layers": [{"type": "Foo"}]}, "unknown architecture type 'Foo'"),
    ],
)
def test_load_names_what_is_wrong_in_a_sequential(
    arch: object, message: str, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match=message):
        load(_sequential_file(tmp_path, arch, {}))


def test_deeply_nested_sequentials_are_refused_not_recursed(tmp_path: Path) -> None:
    arch: dict[str, Any] = {"type": "Layer", "nin": 1, "nout": 1, "activation": "relu"}
    for _ in range(serialization._MAX_NESTING + 1):
        arch = {"type": "Sequential", "layers": [arch]}
    with pytest.raises(ValueError, match="nested more than 32 deep"):
        load(_sequential_file(tmp_path, arch, {"w": 0.0}))
