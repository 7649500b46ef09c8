"""NumPy arrays (and other array-likes) wherever data enters: the same results
as the equivalent lists, converted once, and NumPy never imported by the package."""

import subprocess
import sys

import pytest

from autograd_mini.data import batches, make_moons, train_test_split
from autograd_mini.nn import MLP, Layer, Neuron, Sequential
from autograd_mini.optim import SGD
from autograd_mini.train import evaluate, fit

np = pytest.importorskip("numpy")


def test_sklearn_make_moons_arrays_train_with_fit_unchanged():
    datasets = pytest.importorskip("sklearn.datasets")
    X, y = datasets.make_moons(n_samples=40, noise=0.1, random_state=0)
    from_arrays = MLP(2, [8, 1], seed=0)
    from_lists = MLP(2, [8, 1], seed=0)
    h_arrays = fit(from_arrays, X, y, epochs=5, progress=False, validation_data=(X, y))
    h_lists = fit(
        from_lists,
        X.tolist(),
        y.tolist(),
        epochs=5,
        progress=False,
        validation_data=(X.tolist(), y.tolist()),
    )
    assert h_arrays.loss == h_lists.loss
    assert h_arrays.val_accuracy == h_lists.val_accuracy
    assert evaluate(from_arrays, X, y) == evaluate(from_lists, X.tolist(), y.tolist())


def test_float32_and_int_arrays_and_a_list_of_row_arrays():
    X, y = make_moons(n_samples=20, seed=1)
    rows = [np.array(x, dtype=np.float32) for x in X]
    model = MLP(2, [4, 1], seed=0)
    expected = evaluate(model, [[float(np.float32(v)) for v in x] for x in X], y)
    assert evaluate(model, rows, np.array(y, dtype=np.int64)) == expected
    assert evaluate(model, np.array(X, dtype=np.float32), np.array(y)) == expected


def test_model_calls_accept_arrays():
    x = np.array([0.5, -1.0])
    for model in (
        Neuron(2, seed=0),
        Layer(2, 3, seed=0),
        MLP(2, [3, 1], seed=0),
        Sequential(Layer(2, 3, seed=0), "tanh"),
    ):
        out, ref = model(x), model([0.5, -1.0])
        if isinstance(ref, list):
            assert [v.data for v in out] == [v.data for v in ref]
        else:
            assert out.data == ref.data


def test_split_and_batches_accept_arrays_and_return_lists():
    X, y = make_moons(n_samples=12, seed=2)
    parts = train_test_split(np.array(X), np.array(y), test_fraction=0.25, seed=3)
    assert parts == train_test_split(X, y, test_fraction=0.25, seed=3)
    assert all(type(part) is list for part in parts)
    assert type(parts[0][0][0]) is float and type(parts[2][0]) is int
    from_arrays = list(batches(np.array(X), np.array(y), 5, seed=4))
    assert from_arrays == list(batches(X, y, 5, seed=4))


def test_sgd_fit_with_arrays_changes_the_model():
    X, y = make_moons(n_samples=16, seed=0)
    model = MLP(2, [4, 1], seed=0)
    before = [p.data for p in model.parameters()]
    fit(model, np.array(X), np.array(y), optimizer=SGD(model, lr=0.1), epochs=2, progress=False)
    assert [p.data for p in model.parameters()] != before


def test_bad_arrays_give_the_usual_errors():
    model = MLP(2, [3, 1], seed=0)
    with pytest.raises(ValueError, match="MLP: expected 2 inputs, got 3"):
        model(np.zeros(3))
    with pytest.raises(ValueError, match=r"fit: X\[0\]\[1\] must be finite, got nan"):
        fit(model, np.array([[0.0, np.nan]]), np.array([1]), progress=False)
    with pytest.raises(ValueError, match="X and y must have the same length, got 3 and 2"):
        train_test_split(np.zeros((3, 2)), np.zeros(2))


def test_the_package_does_not_import_numpy():
    code = (
        "import sys, autograd_mini.train, autograd_mini.nn, autograd_mini.data, "
        "autograd_mini.losses, autograd_mini.functional; print('numpy' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
