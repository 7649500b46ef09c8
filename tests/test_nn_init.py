"""init= schemes, `random.seed` for unseeded models, and micrograd's demo recipe.

References: micrograd itself (same draws from Python's `random` state), the
formulas' bounds, and scikit-learn's make_moons for the recipe.
"""

import math
import random
import statistics

import pytest

from autograd_mini.nn import INITS, MLP, Layer, Neuron


@pytest.mark.parametrize(
    ("init", "weight_bound", "bias_is_zero"),
    [
        ("pytorch", 1 / math.sqrt(50), False),
        ("micrograd", 1.0, True),
        ("he", math.sqrt(6 / 50), True),
        ("xavier", math.sqrt(6 / (50 + 40)), True),
    ],
)
def test_each_init_draws_uniform_weights_within_its_bound(init, weight_bound, bias_is_zero):
    layer = Layer(50, 40, seed=3, init=init)
    weights = [w.data for n in layer.neurons for w in n.w]
    biases = [n.b.data for n in layer.neurons]
    assert max(abs(w) for w in weights) <= weight_bound
    # 2000 uniform draws reach close to the bound and have the uniform's spread.
    assert max(abs(w) for w in weights) > 0.99 * weight_bound
    assert statistics.pstdev(weights) == pytest.approx(weight_bound / math.sqrt(3), rel=0.05)
    if bias_is_zero:
        assert biases == [0.0] * 40
    else:
        assert max(abs(b) for b in biases) <= weight_bound
        assert len(set(biases)) == 40


def test_seeded_pytorch_init_is_the_default_and_unchanged():
    assert [p.data for p in MLP(3, [4, 1], seed=7).parameters()] == [
        p.data for p in MLP(3, [4, 1], seed=7, init="pytorch").parameters()
    ]
    # The seeded stream: weights then bias, from random.Random(seed), as PyTorch's bound.
    rng = random.Random(11)
    assert [p.data for p in Neuron(2, seed=11).parameters()] == [
        rng.uniform(-1 / math.sqrt(2), 1 / math.sqrt(2)) for _ in range(3)
    ]


def test_unseeded_models_follow_random_seed():
    random.seed(5)
    first = [p.data for p in MLP(2, [3, 1]).parameters()]
    random.seed(5)
    again = [p.data for p in MLP(2, [3, 1]).parameters()]
    random.seed(6)
    other = [p.data for p in MLP(2, [3, 1]).parameters()]
    assert first == again
    assert first != other


def test_unseeded_micrograd_init_gives_micrograds_own_weights():
    micrograd_nn = pytest.importorskip("micrograd.nn")
    random.seed(1337)
    theirs = micrograd_nn.MLP(2, [16, 16, 1])
    random.seed(1337)
    ours = MLP(2, [16, 16, 1], init="micrograd")
    assert [p.data for p in ours.parameters()] == [p.data for p in theirs.parameters()]
    x = [0.3, -0.7]
    assert ours(x).data == pytest.approx(theirs(x).data, abs=1e-12)


@pytest.mark.parametrize(
    ("bad", "error", "message"),
    [
        ("glorot", ValueError, r"unknown init 'glorot' \(must be one of \['pytorch'"),
        ("", ValueError, r"unknown init '' \(must be one of"),
        (None, TypeError, r"init must be a str, one of \['pytorch', .*\], got None"),
        (3, TypeError, r"init must be a str, .* got 3"),
    ],
)
def test_bad_init_names_the_choices(bad, error, message):
    for where, make in (
        ("Neuron", lambda: Neuron(2, init=bad)),
        ("Layer", lambda: Layer(2, 2, init=bad)),
        ("MLP", lambda: MLP(2, [2, 1], init=bad)),
    ):
        with pytest.raises(error, match=f"{where}: {message}"):
            make()
    assert set(INITS) == {"pytorch", "micrograd", "he", "xavier"}


@pytest.mark.slow
@pytest.mark.parametrize("random_state", [0, 2, 4])
def test_micrograd_demo_recipe_reaches_full_train_accuracy(random_state):
    """micrograd's demo: moons, hinge + 1e-4 L2, SGD 1.0 -> 0.1 over 100 full-batch steps."""
    datasets = pytest.importorskip("sklearn.datasets")
    from autograd_mini.optim import SGD
    from autograd_mini.train import evaluate, fit

    X, y = datasets.make_moons(n_samples=100, noise=0.1, random_state=random_state)
    y = y * 2 - 1  # micrograd's labels are -1/+1
    random.seed(1337)
    model = MLP(2, [16, 16, 1], init="micrograd")
    fit(
        model,
        X,
        y,
        loss="hinge",
        optimizer=SGD(model, lr=1.0),
        epochs=100,
        l2=1e-4,
        lr_schedule=lambda k: 1.0 - 0.9 * k / 100,
        progress=False,
    )
    assert evaluate(model, X, y)[1] == 1.0


def test_loading_a_saved_model_leaves_the_random_state_alone(tmp_path):
    from autograd_mini import load, save

    save(MLP(2, [4, 1], seed=0), tmp_path / "m.json")
    random.seed(9)
    expected = random.random()
    random.seed(9)
    load(tmp_path / "m.json")
    assert random.random() == expected
