"""A scripted first look: one expression's gradients, then a few training steps.

Run with `make demo` (until the `autograd-mini demo` command lands).
"""

import random

from autograd_mini import Value
from autograd_mini.nn import MLP

a, b, c = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c")
f = Value(-2.0, label="f")
L = (a * b + c) * f
L.backward()
print(f"L = {L.data}; dL/da = {a.grad}, dL/db = {b.grad}, dL/dc = {c.grad}, dL/df = {f.grad}")

rng = random.Random(0)
X = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(64)]
y = [1.0 if x0 * x1 > 0 else -1.0 for x0, x1 in X]
model = MLP(2, [16, 16, 1], seed=0)
for step in range(60):
    scores = [model(x) for x in X]
    losses = [(1 - yi * si).relu() for yi, si in zip(y, scores)]
    loss = Value.sum(losses) / len(losses)
    model.zero_grad()
    loss.backward()
    for p in model.parameters():
        p.data -= 0.2 * p.grad
    if step % 10 == 0 or step == 59:
        acc = sum((s.data > 0) == (yi > 0) for s, yi in zip(scores, y)) / len(y)
        print(f"step {step:2d}  loss {loss.data:.4f}  accuracy {acc:.0%}")
