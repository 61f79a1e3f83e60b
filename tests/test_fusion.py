"""Fused elementwise loops (srcad/compiled/fusion.py): the code numba compiles runs each run
of elementwise statements as one loop, and gives the numbers the NumPy statements give.

Two ways: the fused branch run by Python with srcad.fused's helpers (fast: every function of
the control-flow and rule suites, vjp and jvp, no compilation), and compiled by numba on the
cases fusion has to get right (broadcasting, dtypes, views, scalars, `+=`, loops, sums).
"""
import types

import numpy as np
import pytest

import srcad
from srcad import cache, fused
from srcad.compiled.fusion import FLAG
from srcad.loader import BODY_PREFIX

import test_control_flow as flow
from compiled_agreement import same_as_numpy
from test_rule_table import ALL_CASES


def _fused_bodies(functions, filename, target):
    """compiled.attach's stand-in: each entry's statements run by Python, fused loops on."""
    for entry in functions:
        for name, cell in zip(entry.__code__.co_freevars, entry.__closure__ or ()):
            if name.startswith(BODY_PREFIX):
                body = cell.cell_contents
                cells = tuple(types.CellType(True) if n == FLAG else c
                              for n, c in zip(body.__code__.co_freevars, body.__closure__ or ()))
                cell.cell_contents = types.FunctionType(body.__code__, body.__globals__, body.__name__,
                                                        body.__defaults__, cells)


@pytest.fixture
def fused_in_python(monkeypatch):
    """compile="numba" derivatives whose fused loops Python runs; counts the loops run."""
    import srcad.compiled
    loops = []
    size = fused.size
    monkeypatch.setattr(srcad.compiled, "attach", _fused_bodies)
    monkeypatch.setattr(fused, "size", lambda *values: loops.append(1) or size(*values))
    cache.clear_memory()
    yield loops
    cache.clear_memory()


FLOW = flow.CASES + flow.HARDER
RULE_CASES = [(m, c) for m, c in ALL_CASES if c.differentiable]


@pytest.mark.parametrize("function, args", FLOW, ids=[f"{f.__name__}-{i}" for i, (f, _) in enumerate(FLOW)])
def test_control_flow_fused(fused_in_python, function, args):
    same_as_numpy(function, args, tuple(i for i, a in enumerate(args) if not isinstance(a, int)))


@pytest.mark.parametrize("shard", range(4))
def test_rule_cases_fused(fused_in_python, shard):
    """Every differentiable case of the rule suite, in four tests (one generation each)."""
    failures = []
    for module, case in RULE_CASES[shard::4]:
        try:
            same_as_numpy(case.function, case.args, tuple(case.wrt))
        except srcad.SrcadError:
            continue   # what compile="numba" refuses is tested in test_compile_numba.py
        except AssertionError as error:
            failures.append(f"{module}:{case.id}: {str(error)[:300]}")
    assert not failures, "\n".join(failures)
    assert len(fused_in_python) > 50   # the loops ran: the test compares fused code


# Compiled by numba: the cases where the fused branch must step aside or get types right.

def chain(x):
    return np.sum(np.sin(x) * np.exp(-x ** 2) + np.tanh(x) / (1 + x ** 2))


def scaled(a, x):
    return np.sum(a * np.tanh(x) + a ** 2 * x)


def matrix(W):
    return np.sum(np.exp(W) * W / (1 + W ** 2))


def broadcasting(x, y):
    return np.sum(np.sin(x) * y + x * y)


def recurrence(x, w):
    h = x
    for _ in range(3):
        h = np.tanh(h * w + 0.5)
    return np.sum(h ** 2)


def in_place(x):
    y = np.sin(x)
    y += x * x
    y *= 2.0
    return np.sum(y * y)


def divides(x):
    return np.sum(1 / x + np.sqrt(x))


X = np.linspace(0.2, 1.4, 7)
COMPILED = [(chain, (X,)), (chain, (X.reshape(7, 1)[::2, 0],)), (chain, (np.float64(0.3),)),
            (scaled, (0.7, X)), (scaled, (X, X)), (matrix, (np.outer(X, X[:3]),)), (matrix, (np.outer(X, X)[:, ::2],)),
            (broadcasting, (X[:3].reshape(3, 1), X[:4])), (recurrence, (X, X[::-1].copy())),
            (recurrence, (X, 0.3)), (in_place, (X,))]


def _runner_state(entry):
    for cell in entry.__closure__ or ():
        state = getattr(cell.cell_contents, "__srcad_compiled__", None)
        if state is not None:
            return state
    return None


TARGETS = [("numba", f, a) for f, a in COMPILED] + [("numba-parallel", f, a) for f, a in COMPILED[::3]]


@pytest.mark.parametrize("target, function, args", TARGETS,
                         ids=[f"{t}-{f.__name__}-{i}" for i, (t, f, _) in enumerate(TARGETS)])
def test_compiled_fused_agrees(target, function, args):
    """The gradient equals the NumPy one; compiled VJP and JVP match finite differences."""
    pytest.importorskip("numba")
    wrt = tuple(range(len(args)))
    expected = srcad.grad(function, wrt)(*args)
    gradient = srcad.grad(function, wrt, compile=target)
    for a, b in zip(gradient(*args), expected):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
        assert np.shape(a) == np.shape(b)
    if target == "numba":
        srcad.testing.check_grads(function, args, wrt=wrt, directions=1, compile=target)


def test_fused_loop_is_what_runs():
    """On float64 arrays of one shape numba compiles the fused loops (no retry without them)."""
    pytest.importorskip("numba")
    gradient = srcad.grad(chain, compile="numba")
    np.testing.assert_allclose(gradient(X), srcad.grad(chain)(X), rtol=1e-12)
    assert not _runner_state(gradient).get("unfused")
    code = srcad.source(srcad.grad(chain, compile="numba"))
    assert "if fused_loops and fused.same_shape(x):" in code and "for i in range(fused.size(x)):" in code
    assert "fused" not in srcad.source(srcad.grad(chain))


def test_float32_and_integer_arrays_compile_without_fusion():
    """Types the loops do not take: numba compiles the NumPy statements instead."""
    pytest.importorskip("numba")
    x32 = X.astype(np.float32)
    np.testing.assert_allclose(srcad.grad(chain, compile="numba")(x32), srcad.grad(chain)(x32), rtol=1e-5)
    value, pulled = srcad.vjp(scaled, 0, compile="numba")(2.0, np.arange(4), 1.0)
    expected = srcad.vjp(scaled, 0)(2.0, np.arange(4), 1.0)
    np.testing.assert_allclose(value, expected[0], rtol=1e-12)
    np.testing.assert_allclose(pulled, expected[1], rtol=1e-12)


def test_division_by_zero_as_numpy():
    """The loops divide as NumPy does: inf and nan, not ZeroDivisionError."""
    pytest.importorskip("numba")
    x = np.array([0.0, 1.0, 4.0])
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = srcad.grad(divides)(x)
        got = srcad.grad(divides, compile="numba")(x)
    np.testing.assert_array_equal(np.isinf(got), np.isinf(expected))
    np.testing.assert_allclose(got[1:], expected[1:], rtol=1e-12)


def rnn(W, xs, h0):
    h = h0
    for t in range(xs.shape[0]):
        h = np.tanh(h @ W + xs[t])
    return np.sum(h ** 2)


def test_parallel_steps_aside_for_numba_array_analysis():
    """numba's parallel array analysis refuses some matrix code at run time; the loops then
    run on one core, with the same numbers."""
    pytest.importorskip("numba")
    rng = np.random.default_rng(1)
    args = (rng.normal(size=(4, 4)) * 0.3, rng.normal(size=(5, 3, 4)), rng.normal(size=(3, 4)))
    expected = srcad.grad(rnn, (0, 1, 2))(*args)
    for a, b in zip(srcad.grad(rnn, (0, 1, 2), compile="numba-parallel")(*args), expected):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_show_prints_the_parallel_loops(capsys, tmp_path):
    from srcad.cli import main
    path = tmp_path / "chain.py"
    path.write_text("import numpy as np\n\ndef f(x):\n    return np.sum(np.sin(x) * np.exp(-x ** 2))\n")
    assert main(["show", f"{path}:f", "--mode", "grad", "--compile", "numba-parallel"]) == 0
    shown = capsys.readouterr().out
    assert "prange = range   # numba.prange where numba compiles this code" in shown
    assert "for i in prange(fused.size(x)):" in shown and "import srcad.fused as fused" in shown
    assert "fused_loops = False   # True where numba compiles this code" in shown


def returns_inf(x):
    return np.sum(1.0 / x) * 2.0 + np.sum(x)


def test_seed_of_an_infinite_output_is_one():
    """grad's seed is 1 also where the output is inf (compiled code computed inf * 0 + 1)."""
    pytest.importorskip("numba")
    for x in (np.array([0.0, 2.0]), np.array([0.0, 2.0], np.float32)):
        with np.errstate(divide="ignore", invalid="ignore"):
            expected = srcad.grad(returns_inf)(x)
            got = srcad.grad(returns_inf, compile="numba")(x)
        np.testing.assert_allclose(got, expected, rtol=1e-6)
        assert np.isfinite(got[1])


def test_value_and_grad_and_a_0d_cotangent_stay_one_loop():
    """value_and_grad's seed reads the sum only for its type: the loop goes on through it.
    A 0-d cotangent is passed as its scalar before any retry without the loops."""
    pytest.importorskip("numba")
    code = srcad.source(srcad.value_and_grad(chain, compile="numba"))
    assert code.count("for i in range(") == 1 and "t4_bar_i = 1.0" in code
    value, gradient = srcad.value_and_grad(chain, compile="numba")(X)
    expected = srcad.value_and_grad(chain)(X)
    np.testing.assert_allclose(value, expected[0], rtol=1e-12)
    np.testing.assert_allclose(gradient, expected[1], rtol=1e-12)
    pull = srcad.vjp(chain, compile="numba")
    np.testing.assert_allclose(pull(X, np.array(2.0))[1], 2 * expected[1], rtol=1e-12)
    assert not _runner_state(pull.__wrapped__).get("unfused")
