"""Small recorded training runs for the film tests, recorded by hand.

A plain training loop (full batch, SGD or Adam) that keeps, after every
step, the weights, the gradients the step used and the change it made: the
shape `autograd_mini.viz.animate_training` reads.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from autograd_mini import data, losses
from autograd_mini.nn import MLP
from autograd_mini.optim import SGD, Adam


@dataclass(frozen=True)
class Step:
    step: int
    epoch: int
    loss: float
    lr: float
    weights: tuple
    biases: tuple
    grad_weights: tuple
    grad_biases: tuple
    delta_weights: tuple
    delta_biases: tuple
    train_accuracy: float | None = None
    val_loss: float | None = None
    val_accuracy: float | None = None
    optimizer_state: dict | None = None


@dataclass(frozen=True)
class Run:
    layer_sizes: tuple
    activations: tuple
    loss_name: str
    steps: tuple
    diverged: str | None = None


def _nested(model: MLP, what: str) -> tuple[tuple, tuple]:
    get = (lambda v: v.data) if what == "data" else (lambda v: v.grad)
    weights = tuple(
        tuple(tuple(get(w) for w in n.w) for n in layer.neurons) for layer in model.layers
    )
    biases = tuple(tuple(get(n.b) for n in layer.neurons) for layer in model.layers)
    return weights, biases


def _minus(a: tuple, b: tuple) -> tuple:
    if isinstance(a, tuple):
        return tuple(_minus(x, y) for x, y in zip(a, b))
    return a - b


def record_run(
    X: list,
    y: list,
    hidden: list[int],
    epochs: int,
    *,
    lr: float = 0.05,
    optimizer: str = "adam",
    seed: int = 0,
    validation: tuple | None = None,
    outputs: int = 1,
) -> Run:
    model = MLP(len(X[0]), [*hidden, outputs], seed=seed)
    opt = Adam(model, lr=lr) if optimizer == "adam" else SGD(model, lr=lr)
    signs = [2 * t - 1 for t in y]
    w, b = _nested(model, "data")
    zw, zb = _minus(w, w), _minus(b, b)
    steps = [Step(0, 0, float("nan"), lr, w, b, zw, zb, zw, zb)]
    for epoch in range(epochs):
        outs = [model.outputs(x)[0] for x in X]
        loss = losses.hinge(outs, signs)
        opt.zero_grad()
        loss.backward()
        gw, gb = _nested(model, "grad")
        opt.step()
        nw, nb = _nested(model, "data")
        correct = sum((o.data > 0) == (t > 0) for o, t in zip(outs, signs)) / len(X)
        val = (None, None)
        if validation is not None:
            vo = [model.outputs(x)[0].data for x in validation[0]]
            vs = [2 * t - 1 for t in validation[1]]
            val_loss = sum(max(0.0, 1 - s * o) for o, s in zip(vo, vs)) / len(vo)
            val = (val_loss, sum((o > 0) == (s > 0) for o, s in zip(vo, vs)) / len(vo))
        steps.append(
            Step(
                epoch + 1,
                epoch,
                loss.data,
                lr,
                nw,
                nb,
                gw,
                gb,
                _minus(nw, w),
                _minus(nb, b),
                correct,
                *val,
            )
        )
        w, b = nw, nb
    # Step 0 shows the first batch's loss, as the recorder does (same weights).
    steps[0] = replace(steps[0], loss=steps[1].loss if len(steps) > 1 else steps[0].loss)
    return Run(
        (len(X[0]), *hidden, outputs), ("relu",) * len(hidden) + ("linear",), "hinge", tuple(steps)
    )


def moons_run(epochs: int = 30) -> tuple[Run, list, list, tuple]:
    X, y = data.make_moons(200, noise=0.1, seed=0)
    Xtr, Xte, ytr, yte = data.train_test_split(X, y, test_fraction=0.5, seed=0)
    run = record_run(Xtr, ytr, [16, 16], epochs, validation=(Xte, yte))
    return run, Xtr, ytr, (Xte, yte)


def digits_run(epochs: int = 4, images: int = 150, hidden: int = 8) -> tuple[Run, list, list]:
    """'5 or not' on the first `images` of scikit-learn's bundled 8x8 digits."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    X = [[p / 16.0 for p in image] for image in digits.data[:images]]
    y = [int(t == 5) for t in digits.target[:images]]
    return record_run(X, y, [hidden], epochs, lr=0.02), X, y
