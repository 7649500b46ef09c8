"""Accuracy on data nobody here wrote: scikit-learn's bundled digits, "5" vs the rest.

load_digits() ships inside scikit-learn (1797 8x8 images, no download). We scale
the 64 pixel intensities to [0, 1], hold out 30% with our own train_test_split,
train a small MLP with `fit` (hinge loss, Adam, mini-batches) and print the
held-out accuracy next to the trivial "always say not-5" baseline. The run is
recorded and filmed: OUT/training.html (open it in a browser) and
OUT/training.gif show the network learning to recognise the 5.

Run: .venv/bin/python examples/digits_five.py [--out DIR] [--no-film]
(needs the `notebooks` extra; the GIF needs Pillow)
"""

import argparse
import os
import time

from sklearn.datasets import load_digits

from autograd_mini.data import train_test_split
from autograd_mini.nn import MLP
from autograd_mini.optim import Adam, linear_decay
from autograd_mini.train import evaluate, fit

SEED = 0
EPOCHS = 15

parser = argparse.ArgumentParser(description="Train an MLP to tell the digit 5 from the rest.")
parser.add_argument(
    "--out", default="digits-five", help="where the film goes (default: ./digits-five)"
)
parser.add_argument(
    "--no-film", action="store_true", help="do not record the run or write the film"
)
args = parser.parse_args()

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
    validation_data=(X_test, y_test),
    record=not args.no_film,
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

if history.recording is not None:
    from autograd_mini.viz import animate_training

    started = time.perf_counter()
    film = animate_training(
        history.recording,
        X_train,
        y_train,
        validation_data=(X_test, y_test),
        class_names=("not 5", "5"),
        title="Learning to recognise the digit 5",
    )
    os.makedirs(args.out, exist_ok=True)
    written = [
        film.save(os.path.join(args.out, name)) for name in ("training.html", "training.gif")
    ]
    print(
        f"film of {len(film)} frames ({time.perf_counter() - started:.0f} s): "
        + ", ".join(str(path) for path in written)
    )
