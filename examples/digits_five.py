"""Accuracy on data nobody here wrote: scikit-learn's bundled digits, "5" vs the rest.

load_digits() ships inside scikit-learn (1797 8x8 images, no download). We scale
the 64 pixel intensities to [0, 1], hold out 30% with our own train_test_split,
train a small MLP with `fit` (hinge loss, Adam, mini-batches) and print the
held-out accuracy next to the trivial "always say not-5" baseline.

Run: .venv/bin/python examples/digits_five.py   (needs the `notebooks` extra)
"""

import time

from sklearn.datasets import load_digits

from autograd_mini.data import train_test_split
from autograd_mini.nn import MLP
from autograd_mini.optim import Adam, linear_decay
from autograd_mini.train import evaluate, fit

SEED = 0
EPOCHS = 15

digits = load_digits()
X = [[float(pixel) / 16.0 for pixel in image] for image in digits.data]
y = [int(label == 5) for label in digits.target]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_fraction=0.3, seed=SEED)

model = MLP(64, [16, 1], activation="relu", seed=SEED)
optimizer = Adam(model, lr=0.01)
started = time.perf_counter()
history = fit(
    model,
    X_train,
    y_train,
    loss="hinge",
    optimizer=optimizer,
    epochs=EPOCHS,
    batch_size=32,
    l2=1e-4,
    lr_schedule=linear_decay(0.01, 0.001, EPOCHS),
    seed=SEED,
)
seconds = time.perf_counter() - started

_, train_acc = evaluate(model, X_train, y_train)
_, test_acc = evaluate(model, X_test, y_test)
baseline = 1 - sum(y_test) / len(y_test)
true_pos = sum(1 for x, t in zip(X_test, y_test, strict=True) if t == 1 and model(x).data > 0)
print(
    f"digits: {len(X_train)} train / {len(X_test)} held-out images, "
    f"MLP(64, [16, 1]), {EPOCHS} epochs"
)
print(f"train accuracy {train_acc:.2%}, held-out accuracy {test_acc:.2%} ({seconds:.0f} s)")
print(f"held-out 5s found: {true_pos}/{sum(y_test)}; always-'not 5' baseline: {baseline:.2%}")
