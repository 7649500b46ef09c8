"""Parity with PyTorch: the same model in both gives the same outputs and the
same gradient for every parameter (float64, within 1e-12), on micrograd's moons
model with hinge + L2 and on a digits model with cross-entropy; to_torch and
from_torch round trips and their errors."""

import pytest

torch = pytest.importorskip(
    "torch",
    reason="PyTorch is not installed: pip install torch "
    "--index-url https://download.pytorch.org/whl/cpu (a CPU build; CI installs torch==2.13.0)",
)

from autograd_mini import losses  # noqa: E402
from autograd_mini.interop import from_torch, to_torch, torch_state_dict  # noqa: E402
from autograd_mini.nn import MLP, Layer, Sequential  # noqa: E402

TOLERANCE = 1e-12


def largest_gradient_difference(model, module):
    ours = torch_state_dict(model, grad=True)
    names = [name for name, _ in module.named_parameters()]
    assert names == list(ours)
    return max(
        (torch.tensor(ours[name], dtype=torch.float64) - p.grad).abs().max().item()
        for name, p in module.named_parameters()
    )


def test_moons_model_hinge_and_l2_parity():
    datasets = pytest.importorskip("sklearn.datasets")
    X, y = datasets.make_moons(n_samples=100, noise=0.1, random_state=0)
    labels = (2 * y - 1).tolist()
    model = MLP(2, [16, 16, 1], seed=0, init="micrograd")
    module = to_torch(model)

    scores = [model(x) for x in X.tolist()]
    loss = losses.hinge(scores, labels) + 1e-4 * losses.l2(model.parameters())
    loss.backward()

    t_scores = module(torch.tensor(X, dtype=torch.float64)).squeeze(1)
    t_labels = torch.tensor(labels, dtype=torch.float64)
    t_l2 = sum((p * p).sum() for p in module.parameters())
    t_loss = torch.relu(1 - t_labels * t_scores).mean() + 1e-4 * t_l2
    t_loss.backward()

    assert max(abs(s.data - t) for s, t in zip(scores, t_scores.tolist())) <= TOLERANCE
    assert abs(loss.data - t_loss.item()) <= TOLERANCE
    assert largest_gradient_difference(model, module) <= TOLERANCE


def test_digits_model_cross_entropy_parity():
    datasets = pytest.importorskip("sklearn.datasets")
    digits = datasets.load_digits()
    X = (digits.data[:64] / 16.0).tolist()
    y = digits.target[:64].tolist()
    model = MLP(64, [32, 10], activation="tanh", seed=0)
    module = to_torch(model)

    logits = [model(x) for x in X]
    loss = losses.cross_entropy(logits, y)
    loss.backward()

    t_logits = module(torch.tensor(X, dtype=torch.float64))
    t_loss = torch.nn.functional.cross_entropy(t_logits, torch.tensor(y))
    t_loss.backward()

    ours = torch.tensor([[v.data for v in row] for row in logits], dtype=torch.float64)
    assert (ours - t_logits).abs().max().item() <= TOLERANCE
    assert abs(loss.data - t_loss.item()) <= TOLERANCE
    assert largest_gradient_difference(model, module) <= TOLERANCE


def test_to_torch_is_float64_with_the_expected_modules():
    module = to_torch(MLP(3, [4, 4, 2], activation="tanh", output_activation="sigmoid", seed=0))
    kinds = [type(m).__name__ for m in module]
    assert kinds == ["Linear", "Tanh", "Linear", "Tanh", "Linear", "Sigmoid"]
    assert all(p.dtype == torch.float64 for p in module.parameters())
    assert list(module.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias",
                                         "4.weight", "4.bias"]  # fmt: skip


def test_from_torch_round_trip_gives_an_mlp_with_the_same_function():
    torch.manual_seed(0)
    module = torch.nn.Sequential(
        torch.nn.Linear(3, 5), torch.nn.ReLU(), torch.nn.Linear(5, 2)
    )  # float32, PyTorch's default
    model = from_torch(module)
    assert isinstance(model, MLP) and model.nouts == [5, 2] and model.activation == "relu"
    x = [0.25, -1.5, 2.0]
    expected = module.double()(torch.tensor([x], dtype=torch.float64))[0].tolist()
    assert [v.data for v in model(x)] == pytest.approx(expected, abs=TOLERANCE)
    again = to_torch(model)
    assert all(torch.equal(a, b) for a, b in zip(again.parameters(), module.parameters()))


def test_from_torch_keeps_other_layouts_as_sequential():
    module = torch.nn.Sequential(
        torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(3, 3), torch.nn.ReLU(),
        torch.nn.Linear(3, 1), torch.nn.Identity(),
    ).double()  # fmt: skip
    model = from_torch(module)
    assert isinstance(model, Sequential)
    x = [0.5, -0.5]
    assert model(x).data == pytest.approx(module(torch.tensor(x, dtype=torch.float64)).item(),
                                          abs=TOLERANCE)  # fmt: skip
    assert list(torch_state_dict(model)) == list(module.state_dict())
    single = from_torch(torch.nn.Linear(4, 2))
    assert isinstance(single, MLP) and single.layers[0].activation == "linear"


@pytest.mark.parametrize(
    ("module", "error", "message"),
    [
        (lambda: torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Dropout()), TypeError,
         r"from_torch: module 1 \(Dropout\) is not supported \(supported: Linear, ReLU, Tanh, "
         r"Sigmoid, Identity\)"),
        (lambda: torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.Linear(5, 1)), ValueError,
         r"module 1 is Linear\(5, 1\) but the layer before it has 4 outputs"),
        (lambda: torch.nn.Sequential(torch.nn.Linear(2, 4, bias=False)), ValueError,
         "module 0 is a Linear without bias"),
        (lambda: torch.nn.Sequential(torch.nn.ReLU()), ValueError, "has no Linear layer"),
        (lambda: torch.nn.Conv1d(1, 1, 1), TypeError,
         "expected a torch.nn.Sequential or Linear, got Conv1d"),
        (lambda: torch.nn.Sequential(torch.nn.Sequential(torch.nn.Linear(1, 1))), TypeError,
         r"module 0 \(Sequential\) is not supported"),
    ],
)  # fmt: skip
def test_from_torch_errors(module, error, message):
    with pytest.raises(error, match=message):
        from_torch(module())


def test_training_the_torch_copy_and_loading_it_back():
    model = Sequential(Layer(2, 4, "relu", seed=0), Layer(4, 1, "linear", seed=1))
    module = to_torch(model)
    optimizer = torch.optim.SGD(module.parameters(), lr=0.1)
    out = module(torch.tensor([[1.0, 2.0]], dtype=torch.float64)).sum()
    out.backward()
    optimizer.step()
    back = from_torch(module)
    assert [p.data for p in back.parameters()] != [p.data for p in model.parameters()]
    assert back([1.0, 2.0]).data == pytest.approx(
        module(torch.tensor([[1.0, 2.0]], dtype=torch.float64)).item(), abs=TOLERANCE
    )
