"""The `autograd-mini` command: the default demo end to end (100% train accuracy,
every file written and readable), the other options, missing optional
dependencies, and bad arguments (exit 2, one line)."""

import csv
import io as io_module
import json
import os
import pathlib
import re
import subprocess
import sys
import types
import xml.etree.ElementTree as ET

import graphviz
import pytest

from autograd_mini import data, load
from autograd_mini.cli import commands as cli
from autograd_mini.cli.demo import DATASETS, run_demo
from autograd_mini.train import evaluate

SVG = "{http://www.w3.org/2000/svg}svg"


@pytest.fixture(scope="module")
def default_demo(tmp_path_factory):
    """`python -m autograd_mini demo` with no options but --out, run once (200 epochs: slow)."""
    out = tmp_path_factory.mktemp("demo") / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "autograd_mini", "demo", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return proc, out


@pytest.mark.slow
def test_default_demo_reaches_100_percent_train_accuracy(default_demo):
    proc, _ = default_demo
    assert proc.returncode == 0, proc.stderr
    assert (
        "MLP(2, [16, 16, 1]) relu on moons (100 train / 100 test points), adam, 200 epochs"
        in proc.stdout
    )
    match = re.search(r"train accuracy ([\d.]+)%, test accuracy ([\d.]+)%", proc.stdout)
    assert match, proc.stdout
    assert float(match.group(1)) == 100.0
    assert float(match.group(2)) >= 90.0


@pytest.mark.slow
def test_default_demo_shows_a_progress_bar(default_demo):
    proc, _ = default_demo
    assert "training" in proc.stderr and "200/200" in proc.stderr and "epoch" in proc.stderr


@pytest.mark.slow
def test_default_demo_prints_the_paths_it_wrote_and_they_exist(default_demo):
    proc, out = default_demo
    printed = re.findall(r"^  .+? +(/\S+)$", proc.stdout, flags=re.MULTILINE)
    expected = {
        "model.json",
        "loss_curve.csv",
        "loss_curve.json",
        "loss_curve.svg",
        "decision_boundary.svg",
    }
    assert expected <= {os.path.basename(p) for p in printed}
    for p in printed:
        assert os.path.isfile(p) and os.path.dirname(p) == str(out)


@pytest.mark.slow
def test_default_demo_saved_model_really_classifies_the_training_set(default_demo):
    _, out = default_demo
    model = load(out / "model.json")
    X, y = DATASETS["moons"].make(200, 0)
    X_train, X_test, y_train, y_test = data.train_test_split(X, y, test_fraction=0.5, seed=0)
    assert evaluate(model, X_train, y_train)[1] == 1.0
    assert evaluate(model, X_test, y_test)[1] >= 0.9


@pytest.mark.slow
def test_default_demo_loss_numbers_csv_and_json_agree(default_demo):
    _, out = default_demo
    with open(out / "loss_curve.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 200
    assert list(rows[0]) == ["epoch", "loss", "accuracy", "lr", "val_loss", "val_accuracy"]
    numbers = json.loads((out / "loss_curve.json").read_text())
    assert [r["loss"] for r in numbers["epochs"]] == [float(r["loss"]) for r in rows]
    assert float(rows[-1]["accuracy"]) == 1.0
    assert float(rows[-1]["loss"]) < float(rows[0]["loss"])


@pytest.mark.slow
@pytest.mark.parametrize("name", ["loss_curve.svg", "decision_boundary.svg"])
def test_default_demo_pictures_are_svg(default_demo, name):
    _, out = default_demo
    root = ET.parse(out / name).getroot()
    assert root.tag == SVG
    assert len(list(root.iter())) > 50  # a real drawing, not an empty canvas


@pytest.mark.slow
@pytest.mark.exe
def test_default_demo_writes_the_loss_graph_svg(default_demo):
    proc, out = default_demo
    path = out / "loss_graph.svg"
    assert str(path) in proc.stdout
    root = ET.parse(path).getroot()
    assert root.tag == SVG
    assert "hinge" in path.read_text()


@pytest.mark.slow
def test_default_demo_writes_its_film_within_the_size_budget(default_demo):
    from PIL import Image

    proc, out = default_demo
    assert re.search(r"training film: \d+ frames of 200 steps, made in [\d.]+ s", proc.stdout)
    html = out / "training.html"
    assert "Content-Security-Policy" in html.read_text(encoding="utf-8")
    assert html.stat().st_size <= 2 * 1024 * 1024
    gif = out / "training.gif"
    assert gif.stat().st_size <= 5 * 1024 * 1024
    with Image.open(gif) as image:
        assert image.format == "GIF" and image.n_frames > 10


def test_a_small_demo_films_every_step_and_no_film_skips_it(tmp_path):
    filmed, plain = tmp_path / "filmed", tmp_path / "plain"
    result = run_demo(
        epochs=3, samples=10, progress=False, out=str(filmed), stream=io_module.StringIO()
    )
    assert [frame.step for frame in result.history.recording.steps] == [0, 1, 2, 3]
    assert result.files["training film (HTML player)"] == str(filmed / "training.html")
    assert (filmed / "training.html").is_file() and (filmed / "training.gif").is_file()
    status = cli.main(
        [
            "demo",
            "--epochs",
            "3",
            "--samples",
            "10",
            "--no-progress",
            "--no-film",
            "--out",
            str(plain),
        ]
    )
    assert status == 0
    assert not (plain / "training.html").exists() and not (plain / "training.gif").exists()
    assert (plain / "model.json").is_file()


def test_demo_without_graphviz_films_without_the_chain_rule_players(tmp_path, monkeypatch):
    from autograd_mini.viz import player

    def no_dot(*args, **kwargs):
        raise player.GraphvizNotFoundError()

    monkeypatch.setattr(player, "animate", no_dot)
    result = run_demo(
        epochs=2, samples=10, progress=False, out=str(tmp_path), stream=io_module.StringIO()
    )
    assert (tmp_path / "training.html").is_file() and (tmp_path / "training.gif").is_file()
    assert any(note.startswith("training film: no chain-rule players") for note in result.notes)


def test_demo_without_pillow_writes_the_html_film_and_says_why_no_gif(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "PIL", None)
    result = run_demo(
        epochs=2, samples=10, progress=False, out=str(tmp_path), stream=io_module.StringIO()
    )
    assert (tmp_path / "training.html").is_file() and not (tmp_path / "training.gif").exists()
    assert "training film (GIF): skipped (Pillow not installed: pip install pillow)" in result.notes


def test_missing_matplotlib_gives_notes_and_still_writes_the_numbers(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    status = cli.main(
        ["demo", "--epochs", "3", "--samples", "10", "--no-progress", "--out", str(tmp_path)]
    )
    out = capsys.readouterr().out
    assert status == 0
    assert (
        "note: loss curve: skipped "
        "(matplotlib not installed: pip install 'autograd-mini[notebooks]')" in out
    )
    assert "note: decision boundary: skipped (matplotlib not installed" in out
    assert not (tmp_path / "decision_boundary.svg").exists()
    assert (tmp_path / "loss_curve.csv").read_text().count("\n") == 4


def test_blobs_with_sgd_and_custom_hidden_layers(tmp_path, capsys):
    status = cli.main(
        [
            "demo",
            "--dataset",
            "blobs",
            "--optimizer",
            "sgd",
            "--hidden",
            "6",
            "--epochs",
            "30",
            "--samples",
            "30",
            "--seed",
            "3",
            "--lr",
            "0.1",
            "--no-progress",
            "--out",
            str(tmp_path),
        ]
    )
    out = capsys.readouterr().out
    assert status == 0
    assert "MLP(2, [6, 3]) relu on blobs (30 train / 30 test points), sgd, 30 epochs" in out
    model = load(tmp_path / "model.json")
    assert model.nouts == [6, 3]
    assert ET.parse(tmp_path / "decision_boundary.svg").getroot().tag == SVG


@pytest.mark.parametrize("dataset", ["circles", "xor"])
def test_other_binary_datasets_run(tmp_path, capsys, dataset):
    status = cli.main(
        [
            "demo",
            "--dataset",
            dataset,
            "--epochs",
            "5",
            "--samples",
            "20",
            "--no-progress",
            "--out",
            str(tmp_path),
        ]
    )
    assert status == 0
    assert f"relu on {dataset}" in capsys.readouterr().out


# ----------------------------------------------------------------------------
# bad arguments: exit 2 with exactly one line on stderr
# ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "choose a command: demo, graph"),
        (["train"], "invalid choice: 'train'"),
        (
            ["demo", "--epochs", "0"],
            "argument --epochs: expected a positive integer, at most 100,000, got '0'",
        ),
        (
            ["demo", "--epochs", "ten"],
            "argument --epochs: expected a positive integer, at most 100,000, got 'ten'",
        ),
        (
            ["demo", "--hidden", "16,x"],
            "argument --hidden: expected comma-separated positive layer sizes",
        ),
        (["demo", "--hidden", "16,0"], "argument --hidden"),
        (["demo", "--hidden", ""], "argument --hidden"),
        (["demo", "--dataset", "spirals"], "argument --dataset: invalid choice: 'spirals'"),
        (["demo", "--optimizer", "rmsprop"], "argument --optimizer: invalid choice: 'rmsprop'"),
        (["demo", "--lr", "-0.1"], "argument --lr: expected a number > 0, got '-0.1'"),
        (["demo", "--lr", "nan"], "argument --lr: expected a number > 0, got 'nan'"),
        (["demo", "--seed", "x"], "argument --seed: invalid int value: 'x'"),
        (
            ["demo", "--samples", "1"],
            "argument --samples: expected an integer >= 2, at most 10,000, got '1'",
        ),
        (
            ["demo", "--samples", "x"],
            "argument --samples: expected an integer >= 2, at most 10,000, got 'x'",
        ),
        (["demo", "--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(argv, message, capsys):
    assert cli.main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("autograd-mini")
    assert message in err
    # every demo problem comes from the demo subparser, in argparse's own shape
    if argv[:1] == ["demo"] and "unrecognized" not in message:
        assert err.startswith("autograd-mini demo: error: argument --")


def test_out_that_is_a_file_is_refused(tmp_path, capsys):
    target = tmp_path / "file.txt"
    target.write_text("x")
    assert cli.main(["demo", "--out", str(target)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"autograd-mini demo: error: argument --out: {str(target)!r} exists and is not a "
        "directory (see --help)\n"
    )


def test_help_exits_0(capsys):
    assert cli.main(["demo", "--help"]) == 0
    assert "--dataset {moons,circles,xor,blobs}" in capsys.readouterr().out


def test_console_script_and_python_m_both_work():
    script = pathlib.Path(sys.executable).with_name("autograd-mini")
    proc = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and proc.stdout.startswith("autograd-mini ")
    proc = subprocess.run(
        [sys.executable, "-m", "autograd_mini", "demo", "--epochs", "-3"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "--epochs" in proc.stderr


def test_make_demo_runs_the_command():
    makefile = pathlib.Path(__file__).resolve().parents[1] / "Makefile"
    recipe = re.search(r"^demo:.*\n((?:\t.*\n)+)", makefile.read_text(), flags=re.MULTILINE)
    assert recipe and recipe.group(1).strip() == "$(BIN)/autograd-mini demo"


@pytest.mark.exe
def test_graph_command_is_wired_in(tmp_path, capsys):
    target = tmp_path / "g.svg"
    assert cli.main(["graph", "a*b + a", "--set", "a=2", "--set", "b=-3", "-o", str(target)]) == 0
    assert ET.parse(target).getroot().tag == SVG
    capsys.readouterr()
    assert cli.main(["graph", "__import__('os')", "-o", str(target)]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_help_lists_both_commands(capsys):
    assert cli.main(["--help"]) == 0
    usage = capsys.readouterr().out
    assert "demo" in usage and "graph" in usage


class FakeViz(types.ModuleType):
    """Stands in for autograd_mini.viz to check what the demo hands to draw_graph."""

    def __init__(self, fail=False):
        super().__init__("autograd_mini.viz")
        self.calls = []
        self.titles = []
        self.fail = fail

    def draw_graph(self, root, group=None, *, title=None):
        self.titles.append(title)
        params = root.topological_order()
        self.calls.append((root.label, root.op, group, [v.grad for v in params if not v.parents]))
        fail = self.fail

        class Picture:
            def pipe(self, format):
                if fail:
                    raise graphviz.ExecutableNotFound(["dot"])
                return b'<svg xmlns="http://www.w3.org/2000/svg"/>'

        return Picture()


def _short_demo_without_film(tmp_path):
    """One epoch on 10 samples, no film: the fake viz draws graphs only."""
    return run_demo(
        epochs=1,
        samples=10,
        progress=False,
        out=str(tmp_path),
        stream=io_module.StringIO(),
        film=False,
    )


def test_graph_svg_is_the_one_sample_loss_after_backward_grouped_by_neuron(tmp_path, monkeypatch):
    fake = FakeViz()
    monkeypatch.setitem(sys.modules, "autograd_mini.viz", fake)
    result = _short_demo_without_film(tmp_path)
    ((label, op, group, leaf_grads),) = fake.calls
    assert (label, op, group) == ("loss", "hinge", "neuron")
    assert any(g != 0.0 for g in leaf_grads)  # backward ran before drawing
    assert result.files["loss graph (1 sample, initial weights)"] == str(
        tmp_path / "loss_graph.svg"
    )
    assert ET.parse(tmp_path / "loss_graph.svg").getroot().tag == SVG


def test_graph_svg_for_blobs_uses_cross_entropy_and_leaves_grads_clear(tmp_path, monkeypatch):
    fake = FakeViz()
    monkeypatch.setitem(sys.modules, "autograd_mini.viz", fake)
    X, y = DATASETS["blobs"].make(10, 0)
    from autograd_mini.cli.demo import _write_graph_svg
    from autograd_mini.nn import MLP

    model = MLP(2, [4, 3], seed=0)
    assert _write_graph_svg(model, X[0], y[0], str(tmp_path / "g.svg"), "cross_entropy") == (
        str(tmp_path / "g.svg"),
        None,
    )
    assert fake.calls[0][1] == "cross_entropy"
    assert all(p.grad == 0.0 for p in model.parameters())


def test_graph_svg_without_graphviz_is_a_note(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "autograd_mini.viz", FakeViz(fail=True))
    result = _short_demo_without_film(tmp_path)
    assert any("Graphviz 'dot' not found" in note for note in result.notes)
    assert not (tmp_path / "loss_graph.svg").exists()


def test_out_that_cannot_be_created_is_refused(tmp_path, capsys):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    assert cli.main(["demo", "--out", str(blocker / "sub")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f"autograd-mini demo: error: argument --out: cannot create {str(blocker / 'sub')!r}"
    )
    assert err.count("\n") == 1


def test_demo_help_shows_every_default(capsys):
    assert cli.main(["demo", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())  # undo argparse's line wrapping
    for shown in (
        "(default: moons)",
        "(default: 200)",
        "(default: 16,16)",
        "(default: adam)",
        "(default: 0.05 for adam, 0.2 for sgd)",
        "(default: 100)",
        "(default: 0)",
        "(default: ./autograd-mini-demo)",
    ):
        assert shown in text
    assert "1 when it diverged" in text and "training diverged: try a smaller --lr" in text


def test_the_hidden_default_is_parsed_like_the_option():
    args = cli.build_parser().parse_args(["demo"])
    assert args.hidden == [16, 16] and args.samples == 100 and args.lr is None


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        # Adam's steps are lr-sized: the loss explodes without overflowing
        (["--epochs", "3"], "(the loss rose from "),
        # SGD with momentum at lr 1e6 overflows a float within a few epochs
        (["--optimizer", "sgd", "--epochs", "30"], "(overflow in epoch "),
    ],
)
def test_diverging_demo_prints_the_hint_and_exits_1(tmp_path, capsys, extra, reason):
    argv = ["demo", "--lr", "1e6", "--samples", "20", "--no-progress", "--out", str(tmp_path)]
    assert cli.main(argv + extra) == 1
    out = capsys.readouterr().out
    (hint,) = [line for line in out.splitlines() if "diverged" in line]
    assert hint.startswith("training diverged: try a smaller --lr " + reason)
    assert "accuracy" not in out
    assert not (tmp_path / "model.json").exists()
    assert not (tmp_path / "decision_boundary.svg").exists()
    assert os.listdir(tmp_path) == []  # not even the loss graph drawn before training
    assert os.listdir(tmp_path) == []  # not even the loss graph drawn before training


def test_divergence_rule():
    from autograd_mini.cli.demo import _divergence
    from autograd_mini.train import History

    def rule(losses):
        return _divergence(History(loss=losses, accuracy=[0.5] * len(losses)))

    assert rule([1.0, 0.1]) is None
    assert rule([1.0, 9.9]) is None  # rising, but within 10x: noisy, not diverged
    assert rule([1.0, 10.5]) == "the loss rose from 1 in epoch 1 to 10.5 in epoch 2"
    assert rule([1.0, float("inf")]) == "the loss became inf"
    assert rule([float("nan"), 1.0]) is not None


def test_loss_graph_gets_a_title(tmp_path, monkeypatch):
    fake = FakeViz()
    monkeypatch.setitem(sys.modules, "autograd_mini.viz", fake)
    X, y = DATASETS["blobs"].make(10, 0)
    from autograd_mini.cli.demo import _write_graph_svg
    from autograd_mini.nn import MLP

    _write_graph_svg(MLP(2, [4, 3], seed=0), X[0], y[0], str(tmp_path / "g.svg"), "cross_entropy")
    assert fake.titles == [
        f"Cross entropy loss of one training sample (class {y[0]}) at the initial weights"
    ]
    assert fake.calls[0][2] == "neuron"


def test_real_loss_graph_svg_carries_the_title(tmp_path):
    run_demo(epochs=1, samples=10, progress=False, out=str(tmp_path), stream=io_module.StringIO())
    svg = (tmp_path / "loss_graph.svg").read_text()
    texts = " ".join(
        t.text or "" for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")
    )
    # the class and the -1/+1 label the hinge loss scores it against
    title = r"Hinge loss of one training sample \(class ([01]), hinge label ([-+]1)\)"
    cls, label = re.search(title, texts).groups()
    assert int(label) == 2 * int(cls) - 1
    assert ") at the initial weights" in texts
