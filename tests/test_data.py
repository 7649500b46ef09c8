"""Datasets: geometry at noise 0, determinism, noise level; split and batches;
clear errors for bad input."""

import math
import statistics
import subprocess
import sys

import pytest

from autograd_mini.data import (
    batches,
    make_blobs,
    make_circles,
    make_moons,
    make_xor,
    train_test_split,
)

GENERATORS = [make_moons, make_circles, make_xor, make_blobs]


@pytest.mark.parametrize("make", GENERATORS)
def test_same_seed_same_data_other_seed_other_data(make):
    X1, y1 = make(50, seed=3)
    X2, y2 = make(50, seed=3)
    X3, _ = make(50, seed=4)
    assert (X1, y1) == (X2, y2)
    assert X1 != X3
    assert len(X1) == len(y1) == 50
    assert all(len(p) == 2 and all(isinstance(c, float) for c in p) for p in X1)
    assert all(type(label) is int for label in y1)


def test_moons_lie_on_their_half_circles_without_noise():
    X, y = make_moons(101, noise=0.0, seed=0)
    assert y.count(0) == 51 and y.count(1) == 50
    for (a, b), label in zip(X, y, strict=True):
        if label == 0:
            assert math.hypot(a, b) == pytest.approx(1.0) and b >= -1e-12
        else:
            assert math.hypot(a - 1.0, b - 0.5) == pytest.approx(1.0) and b <= 0.5 + 1e-12


def test_moons_are_shuffled():
    _, y = make_moons(100, noise=0.0, seed=0)
    assert y != sorted(y)


def test_noise_has_the_requested_standard_deviation():
    clean, _ = make_moons(2000, noise=0.0, seed=7)
    noisy, _ = make_moons(2000, noise=0.2, seed=7)
    # Same seed, same shuffle: the differences are exactly the added noise.
    residuals = [n[0] - c[0] for n, c in zip(noisy, clean, strict=True)]
    assert statistics.pstdev(residuals) == pytest.approx(0.2, rel=0.1)
    assert statistics.fmean(residuals) == pytest.approx(0.0, abs=0.03)


def test_circles_radii_and_labels():
    X, y = make_circles(40, noise=0.0, factor=0.3, seed=1)
    for (a, b), label in zip(X, y, strict=True):
        assert math.hypot(a, b) == pytest.approx(1.0 if label == 0 else 0.3)


def test_xor_labels_follow_the_quadrants():
    X, y = make_xor(200, seed=2)
    assert all(label == int((a > 0) != (b > 0)) for (a, b), label in zip(X, y, strict=True))
    assert all(-1 <= c <= 1 for p in X for c in p)
    assert 60 < sum(y) < 140


def test_blobs_cluster_around_their_centres():
    X, y = make_blobs(300, centers=4, std=0.1, seed=0)
    assert [y.count(k) for k in range(4)] == [75, 75, 75, 75]
    for (a, b), label in zip(X, y, strict=True):
        angle = 2 * math.pi * label / 4
        assert math.hypot(a - 2 * math.cos(angle), b - 2 * math.sin(angle)) < 0.6


@pytest.mark.parametrize("make", GENERATORS)
@pytest.mark.parametrize(
    ("n", "error"),
    [
        (0, ValueError),
        (1, ValueError),
        (-5, ValueError),
        (2.5, TypeError),
        (True, TypeError),
        ("10", TypeError),
    ],
)
def test_bad_n(make, n, error):
    with pytest.raises(error, match=f"{make.__name__}: n_samples must be an int >= 2, got"):
        make(n)


@pytest.mark.parametrize("make", [make_moons, make_circles, make_xor])
@pytest.mark.parametrize(
    ("noise", "error"),
    [
        (-0.1, ValueError),
        (float("nan"), ValueError),
        (float("inf"), ValueError),
        ("0.1", TypeError),
    ],
)
def test_bad_noise(make, noise, error):
    with pytest.raises(error, match=f"{make.__name__}: noise must be a number >= 0"):
        make(10, noise=noise)


def test_bad_circle_factor_and_blob_centres():
    with pytest.raises(
        ValueError, match=r"^make_circles: factor must be a number > 0 and < 1, got 1.0$"
    ):
        make_circles(10, factor=1.0)
    with pytest.raises(
        ValueError, match=r"^make_blobs: centers must be an int in \[2, 10\], got 11$"
    ):
        make_blobs(10, centers=11)
    with pytest.raises(ValueError, match=r"^make_blobs: std must be a number >= 0, got -1$"):
        make_blobs(10, std=-1)


def test_a_factor_or_centers_of_the_wrong_type_is_a_type_error():
    with pytest.raises(
        TypeError, match=r"^make_circles: factor must be a number > 0 and < 1, got 'x' \(a str\)$"
    ):
        make_circles(10, factor="x")
    with pytest.raises(
        TypeError, match=r"^make_blobs: centers must be an int in \[2, 10\], got 2.5 \(a float\)$"
    ):
        make_blobs(10, centers=2.5)


# ----------------------------------------------------------------------------
# train_test_split
# ----------------------------------------------------------------------------


def test_split_is_a_seeded_partition():
    X = [[float(i)] for i in range(20)]
    y = list(range(20))
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_fraction=0.25, seed=1)
    assert (len(X_train), len(X_test)) == (15, 5)
    assert sorted(y_train + y_test) == y
    assert all(x == [float(t)] for x, t in zip(X_train + X_test, y_train + y_test, strict=True))
    assert train_test_split(X, y, test_fraction=0.25, seed=1)[3] == y_test
    assert train_test_split(X, y, test_fraction=0.25, seed=2)[3] != y_test


@pytest.mark.parametrize(
    ("fraction", "error"),
    [
        (0.0, ValueError),
        (1.0, ValueError),
        (-0.2, ValueError),
        (1.5, ValueError),
        (float("nan"), ValueError),
        (True, TypeError),
        ("0.2", TypeError),
        ("x", TypeError),
    ],
)
def test_split_rejects_bad_fractions(fraction, error):
    with pytest.raises(
        error, match=r"^train_test_split: test_fraction must be a number > 0 and < 1, got "
    ):
        train_test_split([[0.0], [1.0]], [0, 1], test_fraction=fraction)


def test_split_takes_scikit_learns_test_size_as_a_fraction_or_a_count():
    X = [[float(i)] for i in range(20)]
    y = list(range(20))
    by_fraction = train_test_split(X, y, test_fraction=0.25, seed=1)
    assert train_test_split(X, y, seed=1) == by_fraction  # 0.25 by default
    assert train_test_split(X, y, seed=1, test_size=0.25) == by_fraction
    assert [len(part) for part in train_test_split(X, y, seed=1, test_size=7)] == [13, 7, 13, 7]
    with pytest.raises(TypeError, match="give test_size or test_fraction, not both"):
        train_test_split(X, y, 0.25, test_size=0.25)
    with pytest.raises(ValueError, match=r"test_size=20 of 20 samples leaves no training"):
        train_test_split(X, y, test_size=20)
    with pytest.raises(ValueError, match=r"test_size=0 of 20 samples leaves no test"):
        train_test_split(X, y, test_size=0)
    with pytest.raises(ValueError, match=r"test_size=-3 of 20 samples leaves no test"):
        train_test_split(X, y, test_size=-3)
    with pytest.raises(TypeError, match=r"test_size must be a number > 0 and < 1, got True"):
        train_test_split(X, y, test_size=True)
    with pytest.raises(ValueError, match=r"test_size must be a number > 0 and < 1, got 1\.5"):
        train_test_split(X, y, test_size=1.5)


def test_split_rejects_a_fraction_that_empties_a_side():
    with pytest.raises(ValueError, match=r"test_fraction=0\.1 of 3 samples leaves no test samples"):
        train_test_split([[0.0]] * 3, [0] * 3, test_fraction=0.1)
    with pytest.raises(ValueError, match="leaves no training samples"):
        train_test_split([[0.0]] * 3, [0] * 3, test_fraction=0.9)


@pytest.mark.parametrize("call", [train_test_split, lambda X, y: batches(X, y, 2)])
def test_mismatched_and_empty_data(call):
    with pytest.raises(ValueError, match="X and y must have the same length, got 2 and 1"):
        call([[0.0], [1.0]], [0])
    with pytest.raises(ValueError, match="X and y are empty"):
        call([], [])
    with pytest.raises(TypeError, match="y must be a list or an array, got int"):
        call([[0.0]], 5)


# ----------------------------------------------------------------------------
# batches
# ----------------------------------------------------------------------------


def test_batches_cover_every_sample_once_with_a_short_last_batch():
    X = [[float(i)] for i in range(10)]
    y = list(range(10))
    got = list(batches(X, y, batch_size=4, seed=0))
    assert [len(yb) for _, yb in got] == [4, 4, 2]
    assert sorted(t for _, yb in got for t in yb) == y
    assert all(x == [float(t)] for xb, yb in got for x, t in zip(xb, yb, strict=True))


def test_batches_shuffle_is_seeded_and_optional():
    X, y = [[float(i)] for i in range(10)], list(range(10))
    first = [yb for _, yb in batches(X, y, 3, seed=5)]
    assert first == [yb for _, yb in batches(X, y, 3, seed=5)]
    assert first != [yb for _, yb in batches(X, y, 3, seed=6)]
    assert [yb for _, yb in batches(X, y, 3, shuffle=False)] == [
        [0, 1, 2],
        [3, 4, 5],
        [6, 7, 8],
        [9],
    ]


@pytest.mark.parametrize(
    ("size", "error"),
    [(0, ValueError), (-1, ValueError), (1.5, TypeError), (True, TypeError), (None, TypeError)],
)
def test_batches_reject_bad_size_at_the_call(size, error):
    with pytest.raises(error, match="batches: batch_size must be a positive int, got"):
        batches([[0.0]], [0], size)  # no iteration needed: checked eagerly


@pytest.mark.parametrize(
    ("make", "first_point", "labels"),
    [
        (make_moons, [-0.887345650395, -0.024835954183], [0, 0, 0, 1, 1]),
        (make_circles, [-0.443672825198, -0.878443380876], [0, 0, 0, 1, 1]),
        (make_xor, [0.022549442737, -0.190131725099], [1, 0, 1, 1, 0]),
        (make_blobs, [-0.436728251975, -1.856230578482], [2, 1, 0, 1, 0]),
    ],
)
def test_seeded_numbers_are_pinned(make, first_point, labels):
    # random.Random's generators are specified to be portable, so these numbers
    # must come out the same on every machine and Python version we support.
    X, y = make(5, seed=0)
    assert X[0] == pytest.approx(first_point, abs=1e-12)
    assert y == labels


def test_training_modules_need_no_numpy():
    code = (
        "import sys; sys.modules['numpy'] = None\n"
        "from autograd_mini import data, losses, optim, train, io, gradcheck\n"
        "X, y = data.make_moons(20, seed=0)\n"
        "from autograd_mini.nn import MLP\n"
        "train.fit(MLP(2, [4, 1], seed=0), X, y, epochs=2, progress=False)\n"
        "print('ok')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.stdout == "ok\n", proc.stderr
