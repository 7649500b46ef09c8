"""io.save / io.load: bit-exact round trips, the file format, atomic writes, and
a clear ValueError for every truncated, foreign or tampered file."""

import json
import os
import pathlib

import pytest

from autograd_mini import _files, io
from autograd_mini.nn import MLP, Layer, Module, Neuron


@pytest.fixture
def saved(tmp_path):
    model = MLP(2, [4, 3, 1], activation="tanh", seed=5)
    path = tmp_path / "model.json"
    io.save(model, path)
    return model, path


def rewrite(path, change):
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document))


@pytest.mark.parametrize(
    "model",
    [
        MLP(2, [16, 16, 1], seed=0),
        MLP(3, [2], activation="sigmoid", seed=1),
        Layer(3, 2, "linear", seed=2),
        Neuron(4, "tanh", seed=3),
    ],
    ids=["mlp", "mlp-1-layer", "layer", "neuron"],
)
def test_round_trip_is_bit_exact(tmp_path, model):
    model.parameters()[0].data = 0.1 + 0.2  # 0.30000000000000004 needs all 17 digits
    path = tmp_path / "m.json"
    io.save(model, str(path))
    loaded = io.load(str(path))
    assert type(loaded) is type(model)
    assert repr(loaded) == repr(model)
    assert loaded.state_dict() == model.state_dict()  # exact float equality
    x = [0.3, -1.7, 2.0, 0.5][: model.nin]
    out, out2 = model(x), loaded(x)
    assert [v.data for v in (out if isinstance(out, list) else [out])] == [
        v.data for v in (out2 if isinstance(out2, list) else [out2])
    ]


def test_file_is_plain_json_with_format_version_architecture_and_weights(saved):
    model, path = saved
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["format"] == "autograd_mini.model" == io.FORMAT
    assert document["version"] == 1 == io.VERSION
    assert document["architecture"] == {
        "type": "MLP",
        "nin": 2,
        "nouts": [4, 3, 1],
        "activation": "tanh",
    }
    assert document["parameters"] == model.state_dict()


def test_load_returns_a_new_independent_model(saved):
    model, path = saved
    loaded = io.load(path)
    loaded.parameters()[0].data += 1.0
    assert model.parameters()[0].data != loaded.parameters()[0].data


def test_save_replaces_an_existing_file_and_leaves_no_temp_files(saved, tmp_path):
    _, path = saved
    other = Neuron(1, seed=0)
    io.save(other, path)
    assert io.load(path).state_dict() == other.state_dict()
    assert sorted(os.listdir(tmp_path)) == ["model.json"]


def test_a_failed_save_keeps_the_old_file_intact(saved, tmp_path, monkeypatch):
    _model, path = saved
    before = path.read_bytes()

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(_files.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        io.save(MLP(2, [1], seed=9), path)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["model.json"]


def test_saved_file_has_ordinary_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        io.save(Neuron(1, seed=0), tmp_path / "m.json")
    finally:
        os.umask(old)
    assert (tmp_path / "m.json").stat().st_mode & 0o777 == 0o644


def test_save_rejects_non_finite_weights_and_foreign_modules(tmp_path):
    model = Neuron(2, seed=0)
    model.b.data = float("nan")
    with pytest.raises(ValueError, match="save: parameter 'b' is not finite; not saved"):
        io.save(model, tmp_path / "m.json")
    assert not (tmp_path / "m.json").exists()

    class Custom(Module):
        pass

    with pytest.raises(TypeError, match="save: can save a Neuron, Layer or MLP, got Custom"):
        io.save(Custom(), tmp_path / "m.json")

    class MyMLP(MLP):
        pass

    with pytest.raises(TypeError, match="got MyMLP"):
        io.save(MyMLP(2, [1], seed=0), tmp_path / "m.json")


# ----------------------------------------------------------------------------
# everything load must refuse, each with a clear one-line ValueError
# ----------------------------------------------------------------------------


def test_truncated_file(saved):
    _, path = saved
    text = path.read_text()
    path.write_text(text[: len(text) // 2])
    with pytest.raises(
        ValueError, match=r"load: '.*model.json' is not valid JSON \(truncated or corrupt\?\)"
    ):
        io.load(path)


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
        io.load(path)


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
        "must be a real number, got str",
    ),
    (
        lambda d: d["parameters"].update({"layers.0.neurons.0.b": None}),
        "must be a real number, got NoneType",
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
        io.load(path)
    assert str(caught.value).startswith(f"load: {str(path)!r}")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_literals_are_refused(saved, literal):
    _, path = saved
    text = path.read_text()
    weight = json.dumps(json.loads(text)["parameters"]["layers.0.neurons.0.b"])
    path.write_text(text.replace(weight, literal, 1))
    with pytest.raises(ValueError, match=f"{literal} is not allowed"):
        io.load(path)


def test_duplicate_keys_are_refused(saved):
    _, path = saved
    text = path.read_text()
    path.write_text(text.replace('"version": 1,', '"version": 1, "version": 1,', 1))
    with pytest.raises(ValueError, match="duplicate key 'version'"):
        io.load(path)


def test_overlong_integer_literal_is_refused(saved):
    _, path = saved
    text = path.read_text()
    weight = json.dumps(json.loads(text)["parameters"]["layers.0.neurons.0.b"])
    path.write_text(text.replace(weight, "9" * 5000, 1))
    with pytest.raises(ValueError, match="load: "):
        io.load(path)


def test_missing_file_is_an_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        io.load(tmp_path / "nope.json")


def test_pathlib_and_str_paths(tmp_path):
    model = Neuron(2, seed=0)
    io.save(model, pathlib.Path(tmp_path) / "a.json")
    assert io.load(str(tmp_path / "a.json")).state_dict() == model.state_dict()


@pytest.mark.parametrize(
    ("where", "error", "message"),
    [
        ("missing", FileNotFoundError, "save: directory '{base}/missing' does not exist"),
        ("file.txt", NotADirectoryError, "save: '{base}/file.txt' is not a directory"),
    ],
)
def test_save_into_a_bad_directory_names_the_callers_path(tmp_path, where, error, message):
    (tmp_path / "file.txt").write_text("x")
    target = tmp_path / where / "model.json"
    with pytest.raises(error) as caught:
        io.save(Neuron(1, seed=0), target)
    assert str(caught.value) == message.format(base=tmp_path)
    assert sorted(os.listdir(tmp_path)) == ["file.txt"]


def test_save_onto_a_directory_is_refused_by_name(tmp_path):
    with pytest.raises(IsADirectoryError, match=r"save: '.*' is a directory, not a file"):
        io.save(Neuron(1, seed=0), tmp_path)
    assert os.listdir(tmp_path) == []


def test_os_errors_about_the_temp_file_name_the_target_and_leave_nothing(tmp_path, monkeypatch):
    target = tmp_path / "model.json"

    def refused_replace(src, dst):
        raise PermissionError(13, "Permission denied", src, None, dst)

    monkeypatch.setattr(_files.os, "replace", refused_replace)
    with pytest.raises(PermissionError) as caught:
        io.save(Neuron(1, seed=0), target)
    assert str(caught.value) == f"save: cannot write {str(target)!r}: Permission denied"
    assert ".tmp" not in str(caught.value)
    assert os.listdir(tmp_path) == []


def test_a_refused_temp_file_names_the_target(tmp_path, monkeypatch):
    def refused_mkstemp(prefix, suffix, dir):
        raise PermissionError(13, "Permission denied", os.path.join(dir, prefix + "x" + suffix))

    monkeypatch.setattr(_files.tempfile, "mkstemp", refused_mkstemp)
    with pytest.raises(PermissionError, match=r"^save: cannot write '.*model.json': Permission"):
        io.save(Neuron(1, seed=0), tmp_path / "model.json")
