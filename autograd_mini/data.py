"""Toy 2-D datasets, a train/test split and mini-batches, in pure Python.

Every generator takes a seed and returns `(X, y)` with `X` a list of
`[x0, x1]` float pairs and `y` a list of int class labels (0/1, or 0..k-1 for
blobs), shuffled. The same seed gives the same numbers on every machine
(`random.Random` is specified to be portable). No NumPy needed; the size
argument is scikit-learn's `n_samples`. `train_test_split` and `batches` also
take NumPy arrays (converted to lists once).

Imports only the package's private argument helpers.

>>> X, y = make_moons(6, noise=0.0, seed=0)
>>> len(X), sorted(y)
(6, [0, 0, 0, 1, 1, 1])
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from typing import TypeVar

from autograd_mini import _checks
from autograd_mini._arraylike import as_list, as_rows

__all__ = [
    "make_moons",
    "make_circles",
    "make_xor",
    "make_blobs",
    "train_test_split",
    "batches",
]

T = TypeVar("T")
Dataset = tuple[list[list[float]], list[int]]


# ----------------------------------------------------------------------------
# generators
# ----------------------------------------------------------------------------


def make_moons(n_samples: int = 100, noise: float = 0.1, seed: int | None = None) -> Dataset:
    """Two interleaving half circles (class 0 on top, class 1 below), as in scikit-learn.

    Args:
        n_samples: number of points; the first moon gets the odd one out.
        noise: standard deviation of Gaussian noise added to each coordinate.
        seed: makes the points reproducible.

    >>> X, y = make_moons(4, noise=0.0, seed=1)
    >>> sorted((round(a, 3), round(b, 3), c) for (a, b), c in zip(X, y))
    [(-1.0, 0.0, 0), (0.0, 0.5, 1), (1.0, 0.0, 0), (2.0, 0.5, 1)]
    """
    count = _checks.count(n_samples, "make_moons", "n_samples", minimum=2)
    sigma = _checks.number(noise, "make_moons", "noise", low=0)
    rng = random.Random(seed)
    n_outer = count - count // 2
    n_inner = count // 2
    points: list[tuple[float, float, int]] = []
    for i in range(n_outer):
        t = math.pi * i / max(n_outer - 1, 1)
        points.append((math.cos(t), math.sin(t), 0))
    for i in range(n_inner):
        t = math.pi * i / max(n_inner - 1, 1)
        points.append((1.0 - math.cos(t), 0.5 - math.sin(t), 1))
    return _finish(points, sigma, rng)


def make_circles(
    n_samples: int = 100, noise: float = 0.05, factor: float = 0.5, seed: int | None = None
) -> Dataset:
    """A unit circle (class 0) around a smaller one of radius `factor` (class 1).

    >>> X, y = make_circles(8, noise=0.0, factor=0.5, seed=0)
    >>> sorted({round(math.hypot(a, b), 6) for a, b in X})
    [0.5, 1.0]
    """
    count = _checks.count(n_samples, "make_circles", "n_samples", minimum=2)
    sigma = _checks.number(noise, "make_circles", "noise", low=0)
    radius_ratio = _checks.number(
        factor, "make_circles", "factor", low=0, high=1, low_open=True, high_open=True
    )
    rng = random.Random(seed)
    points: list[tuple[float, float, int]] = []
    for label, radius, size in ((0, 1.0, count - count // 2), (1, radius_ratio, count // 2)):
        for i in range(size):
            t = 2.0 * math.pi * i / size
            points.append((radius * math.cos(t), radius * math.sin(t), label))
    return _finish(points, sigma, rng)


def make_xor(n_samples: int = 100, noise: float = 0.0, seed: int | None = None) -> Dataset:
    """Points uniform in the square [-1, 1]**2; class 1 where x0 and x1 differ in sign.

    `noise` jitters the points after labelling, so some cross the axes.

    >>> X, y = make_xor(50, seed=0)
    >>> all(c == int((a > 0) != (b > 0)) for (a, b), c in zip(X, y))
    True
    """
    count = _checks.count(n_samples, "make_xor", "n_samples", minimum=2)
    sigma = _checks.number(noise, "make_xor", "noise", low=0)
    rng = random.Random(seed)
    points: list[tuple[float, float, int]] = []
    for _ in range(count):
        a, b = rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0)
        points.append((a, b, int((a > 0) != (b > 0))))
    return _finish(points, sigma, rng)


def make_blobs(
    n_samples: int = 100, centers: int = 3, std: float = 0.5, seed: int | None = None
) -> Dataset:
    """`centers` Gaussian clusters (classes 0..centers-1) spaced evenly on a circle of radius 2.

    >>> X, y = make_blobs(9, centers=3, seed=0)
    >>> sorted(set(y)), y.count(0)
    ([0, 1, 2], 3)
    """
    count = _checks.count(n_samples, "make_blobs", "n_samples", minimum=2)
    centers = _checks.count(centers, "make_blobs", "centers", minimum=2, maximum=count)
    sigma = _checks.number(std, "make_blobs", "std", low=0)
    rng = random.Random(seed)
    points: list[tuple[float, float, int]] = []
    for i in range(count):
        label = i % centers
        angle = 2.0 * math.pi * label / centers
        points.append((2.0 * math.cos(angle), 2.0 * math.sin(angle), label))
    return _finish(points, sigma, rng)


# ----------------------------------------------------------------------------
# splitting and batching
# ----------------------------------------------------------------------------


def train_test_split(
    X: Sequence[T],
    y: Sequence[int],
    test_fraction: float | None = None,
    seed: int | None = None,
    *,
    test_size: float | int | None = None,
) -> tuple[list[T], list[T], list[int], list[int]]:
    """Shuffle, then split off round(n * test_fraction) samples for testing (default 0.25).

    Returns `(X_train, X_test, y_train, y_test)`, scikit-learn's order. Both
    parts must end up non-empty. `test_size` is scikit-learn's spelling: a
    fraction in (0, 1), or an int, the number of test samples; give it or
    `test_fraction`, not both.

    >>> X_train, X_test, y_train, y_test = train_test_split(
    ...     [[0.0], [1.0], [2.0], [3.0]], [0, 1, 0, 1], test_fraction=0.25, seed=0)
    >>> len(X_train), len(X_test)
    (3, 1)
    >>> len(train_test_split([[0.0], [1.0], [2.0], [3.0]], [0, 1, 0, 1], test_size=2)[1])
    2
    """
    X, y = as_rows(X), as_list(y)
    n = _checks.paired_samples(X, y, "train_test_split")
    if test_size is not None and test_fraction is not None:
        raise TypeError("train_test_split: give test_size or test_fraction, not both")
    name, given = (
        ("test_fraction", test_fraction) if test_size is None else ("test_size", test_size)
    )
    if given is None:
        given = 0.25
    if isinstance(given, int) and not isinstance(given, bool) and name == "test_size":
        n_test = given  # a count, checked below with the fractions' outcome
    else:
        fraction = _checks.number(
            given, "train_test_split", name, low=0, high=1, low_open=True, high_open=True
        )
        n_test = round(n * fraction)
    if not 0 < n_test < n:
        raise ValueError(
            f"train_test_split: {name}={_checks.shown(given)} of {n} samples leaves "
            f"{'no test' if n_test <= 0 else 'no training'} samples"
        )
    order = list(range(n))
    random.Random(seed).shuffle(order)
    test, train = order[:n_test], order[n_test:]
    return [X[i] for i in train], [X[i] for i in test], [y[i] for i in train], [y[i] for i in test]


def batches(
    X: Sequence[T],
    y: Sequence[int],
    batch_size: int,
    shuffle: bool = True,
    seed: int | None = None,
) -> Iterator[tuple[list[T], list[int]]]:
    """Yield `(X_batch, y_batch)` pairs of `batch_size` samples; the last may be smaller.

    >>> [yb for _, yb in batches([[0], [1], [2]], [0, 1, 2], batch_size=2, shuffle=False)]
    [[0, 1], [2]]
    """
    X, y = as_rows(X), as_list(y)
    n = _checks.paired_samples(X, y, "batches")
    _checks.count(batch_size, "batches", "batch_size")
    order = list(range(n))
    if shuffle:
        random.Random(seed).shuffle(order)
    return _batch_iterator(X, y, order, batch_size)


def _batch_iterator(
    X: Sequence[T], y: Sequence[int], order: list[int], batch_size: int
) -> Iterator[tuple[list[T], list[int]]]:
    # A separate generator so batches() validates eagerly, at the call.
    for start in range(0, len(order), batch_size):
        chunk = order[start : start + batch_size]
        yield [X[i] for i in chunk], [y[i] for i in chunk]


# ----------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------


def _finish(points: list[tuple[float, float, int]], sigma: float, rng: random.Random) -> Dataset:
    """Add noise, shuffle, and split into X and y."""
    rng.shuffle(points)
    X = [
        [a + rng.gauss(0.0, sigma), b + rng.gauss(0.0, sigma)] if sigma else [a, b]
        for a, b, _ in points
    ]
    return X, [label for _, _, label in points]
