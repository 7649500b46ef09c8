"""softmax, log_softmax and binary_cross_entropy on probabilities, against HIPS
autograd's derivatives of the same formulas, PyTorch where installed, and
finite differences."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd_mini import Value
from autograd_mini.losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    log_softmax,
    softmax,
)

autograd = pytest.importorskip("autograd")
anp = pytest.importorskip("autograd.numpy")

logit_lists = st.lists(
    st.floats(min_value=-30, max_value=30, allow_nan=False), min_size=1, max_size=6
)


def jacobian_rows(fn, z):
    """Row i: d fn(z)[i] / dz from our graph (one backward per output)."""
    rows = []
    for i in range(len(z)):
        values = [Value(v) for v in z]
        fn(values)[i].backward()
        rows.append([v.grad for v in values])
    return rows


def hips_jacobian(fn, z):
    return autograd.jacobian(fn)(anp.array(z, dtype=float)).tolist()


def hips_softmax(z):
    e = anp.exp(z - anp.max(z))
    return e / anp.sum(e)


def hips_log_softmax(z):
    return z - anp.max(z) - anp.log(anp.sum(anp.exp(z - anp.max(z))))


@given(logit_lists)
def test_softmax_values_and_jacobian_match_hips_autograd(z):
    assert [p.data for p in softmax([Value(v) for v in z])] == pytest.approx(
        hips_softmax(anp.array(z)).tolist(), abs=1e-14
    )
    for ours, ref in zip(jacobian_rows(softmax, z), hips_jacobian(hips_softmax, z), strict=True):
        assert ours == pytest.approx(ref, abs=1e-13)


@given(logit_lists)
def test_log_softmax_values_and_jacobian_match_hips_autograd(z):
    assert [p.data for p in log_softmax([Value(v) for v in z])] == pytest.approx(
        hips_log_softmax(anp.array(z)).tolist(), abs=1e-12
    )
    ref_rows = hips_jacobian(hips_log_softmax, z)
    for ours, ref in zip(jacobian_rows(log_softmax, z), ref_rows, strict=True):
        assert ours == pytest.approx(ref, abs=1e-12)


def test_softmax_of_huge_logits_does_not_overflow_and_numbers_are_constants():
    z = [Value(1000.0), 1000.0, Value(-1000.0)]
    p = softmax(z)
    assert [q.data for q in p] == [0.5, 0.5, 0.0]
    assert len(p[0].parents) == 2  # the plain number is a constant, not a parent
    assert log_softmax(z)[0].data == pytest.approx(-math.log(2), abs=1e-15)


@pytest.mark.parametrize("fn", [softmax, log_softmax])
def test_bad_logits(fn):
    with pytest.raises(ValueError, match=f"{fn.__name__}: logits is empty"):
        fn([])
    with pytest.raises(TypeError, match=f"{fn.__name__}: logits must be a list"):
        fn(Value(1.0))


@given(
    st.lists(
        st.tuples(st.floats(min_value=1e-6, max_value=1 - 1e-6), st.sampled_from([0, 1])),
        min_size=1,
        max_size=6,
    )
)
def test_binary_cross_entropy_on_probabilities_matches_hips_autograd(pairs):
    probs, labels = [p for p, _ in pairs], [y for _, y in pairs]

    def reference(p):
        y = anp.array(labels, dtype=float)
        return -anp.mean(y * anp.log(p) + (1 - y) * anp.log(1 - p))

    values = [Value(p) for p in probs]
    loss = binary_cross_entropy(values, labels)
    loss.backward()
    assert loss.data == pytest.approx(float(reference(anp.array(probs))), rel=1e-12)
    expected = autograd.grad(reference)(anp.array(probs)).tolist()
    assert [v.grad for v in values] == pytest.approx(expected, rel=1e-9)


def test_binary_cross_entropy_of_sigmoid_equals_the_logits_version():
    z = [0.3, -2.0, 4.0]
    probs = [Value(v).sigmoid() for v in z]
    assert binary_cross_entropy(probs, [1, 0, 0]).data == pytest.approx(
        binary_cross_entropy_with_logits(z, [1, 0, 0]).data, rel=1e-12
    )


def test_binary_cross_entropy_at_zero_and_one_is_clamped_like_pytorch():
    # log is clamped at -100, so a confident wrong answer costs 100, not infinity.
    assert binary_cross_entropy([0.0, 1.0], [1, 0]).data == 100.0
    assert binary_cross_entropy([1.0, 0.0], [1, 0]).data == 0.0


@pytest.mark.parametrize("bad", [1.5, -0.1, 3.0])
def test_binary_cross_entropy_refuses_logits_and_names_the_logits_version(bad):
    with pytest.raises(
        ValueError,
        match=r"binary_cross_entropy: probs\[1\] is .*, not a probability in \[0, 1\]; "
        r"for logits \(raw scores\) use binary_cross_entropy_with_logits",
    ):
        binary_cross_entropy([Value(0.5), Value(bad)], [1, 0])


def test_against_pytorch_when_installed():
    torch = pytest.importorskip(
        "torch",
        reason="PyTorch is not installed: pip install torch --index-url https://download.pytorch.org/whl/cpu",
    )
    z = [0.5, -1.25, 3.0]
    t = torch.tensor(z, dtype=torch.float64, requires_grad=True)
    torch.log_softmax(t, 0)[1].backward()
    values = [Value(v) for v in z]
    out = log_softmax(values)[1]
    out.backward()
    assert out.data == pytest.approx(torch.log_softmax(t, 0)[1].item(), abs=1e-15)
    assert [v.grad for v in values] == pytest.approx(t.grad.tolist(), abs=1e-15)
    p = torch.tensor([0.2, 0.7, 0.999], dtype=torch.float64, requires_grad=True)
    ref = torch.nn.functional.binary_cross_entropy(
        p, torch.tensor([1.0, 0.0, 1.0], dtype=torch.float64)
    )
    ref.backward()
    probs = [Value(v) for v in (0.2, 0.7, 0.999)]
    ours = binary_cross_entropy(probs, [1, 0, 1])
    ours.backward()
    assert ours.data == pytest.approx(ref.item(), rel=1e-14)
    assert [v.grad for v in probs] == pytest.approx(p.grad.tolist(), rel=1e-12)
