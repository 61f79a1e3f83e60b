"""compile="auto": numba's code where it is faster than NumPy, compiled in the background
(never more than the budget's wait), NumPy where numba cannot compile it, and the choice
and its reason readable (srcad.compiled.choice, compare_modes). No assertion here depends
on which backend is faster on this machine: a fake clock decides, or the reason is checked
against the times recorded. Also: np.max / np.min over an axis compile (the GMM gradient).
"""
import os
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

import srcad
from srcad.compiled import auto, choice

numba = pytest.importorskip("numba")

from srcad.compiled.numba_target import dispatcher  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class FakeClock:
    """`auto.clock`: each timing of the compiled code lasts `compiled` seconds, each of
    NumPy `numpy` (the clock advances by that much when read after the call)."""

    def __init__(self, compiled, numpy):
        self.now, self.compiled, self.numpy = 0.0, compiled, numpy

    def __call__(self):
        caller = sys._getframe(1).f_code.co_name
        self.now += self.compiled if caller == "_compiled" else self.numpy
        return self.now


def decided(g, *args, calls=100):
    """Call `g` until compile="auto" has chosen (waiting for numba's compilation first)."""
    g(*args)
    assert choice(g).wait(120)
    for _ in range(calls):
        if choice(g).backend != "pending":
            break
        g(*args)
    return choice(g)


def loop_a(x):
    for i in range(30):
        x = 0.99 * x + 0.05 * np.sin(x)
    return x


def loop_b(x):
    for i in range(30):
        x = 0.98 * x + 0.04 * np.cos(x)
    return x


def test_auto_chooses_the_faster_and_gives_the_same_numbers(monkeypatch):
    monkeypatch.setattr(auto, "clock", FakeClock(compiled=2e-6, numpy=1e-4))
    g = srcad.grad(loop_a, compile="auto")
    expected = srcad.grad(loop_a)(0.3)
    made = decided(g, 0.3)
    assert made.backend == "numba" and made.reason == "2 µs against NumPy's 100 µs", made
    assert len(made.compiled_seconds) >= auto.SAMPLES and made.compile_seconds > 0
    for x in (0.3, -1.2):
        np.testing.assert_allclose(g(x), srcad.grad(loop_a)(x), rtol=1e-12)
    np.testing.assert_allclose(g(0.3), expected, rtol=1e-12)
    assert dispatcher(g) is not None


def test_auto_keeps_numpy_when_compiled_is_not_faster(monkeypatch):
    monkeypatch.setattr(auto, "clock", FakeClock(compiled=3.6e-3, numpy=3.4e-3))
    g = srcad.grad(loop_b, compile="auto")
    made = decided(g, 0.3)
    assert made.backend == "NumPy" and made.reason == "compiled 3.6 ms against NumPy's 3.4 ms", made
    assert len(made.numpy_seconds) == len(made.compiled_seconds) and sum(made.numpy_seconds) >= auto.SAMPLE_SECONDS
    np.testing.assert_allclose(g(0.7), srcad.grad(loop_b)(0.7), rtol=1e-12)


def loop_c(x):
    for i in range(40):
        x = 0.97 * x + 0.05 * np.sin(x) ** 2
    return x


def test_reason_agrees_with_the_times_measured():
    """The real clock: whichever won, the reason says so with the times recorded."""
    g = srcad.grad(loop_c, compile="auto")
    made = decided(g, 0.5)
    assert made.backend in ("numba", "NumPy")
    faster = made.compiled_time < auto.MARGIN * made.numpy_time
    assert (made.backend == "numba") == faster
    assert auto.format_seconds(made.numpy_time) in made.reason
    np.testing.assert_allclose(g(0.5), srcad.grad(loop_c)(0.5), rtol=1e-12)


def loop_g(x):
    for i in range(15):
        x = 0.95 * x + 0.02 * np.sin(x)
    return x


def test_compiled_code_raising_means_numpy(monkeypatch):
    """An error the compiled code raises at run time (and NumPy does not): NumPy's answer,
    and NumPy from then on."""
    monkeypatch.setattr(auto, "clock", FakeClock(compiled=2e-6, numpy=1e-4))
    g = srcad.grad(loop_g, compile="auto")
    assert decided(g, 0.3).backend == "numba"
    runner = next(c.cell_contents for c in g.__closure__ if hasattr(c.cell_contents, "__srcad_auto__"))

    def broken(*args):
        raise ValueError("boom")
    runner.__srcad_auto__.fast = broken
    assert g(0.3) == srcad.grad(loop_g)(0.3)
    assert str(choice(g)) == "NumPy: the compiled code raised ValueError: boom"


def uses_einsum_auto(x):
    return np.einsum("i,i->", x, x) * 2.0


def test_what_numba_cannot_compile_is_numpy_quietly():
    g = srcad.grad(uses_einsum_auto, compile="auto")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", "srcad: compiling .* takes longer than", RuntimeWarning)
        first = decided(g, np.arange(3.0))
        np.testing.assert_array_equal(g(np.arange(3.0)), 4 * np.arange(3.0))
    assert first.backend == "NumPy" and first.reason.startswith("numba cannot compile it: ")
    assert "einsum" in first.reason and "test_compile_auto.py" in first.reason


def loop_d(x):
    for i in range(20):
        x = 0.9 * x + 0.1 * np.tanh(x)
    return x


def test_budget_runs_numpy_meanwhile_then_switches(monkeypatch):
    monkeypatch.setenv(auto.BUDGET_VARIABLE, "0")
    monkeypatch.setattr(auto, "clock", FakeClock(compiled=2e-6, numpy=1e-4))
    g = srcad.grad(loop_d, compile="auto")
    with pytest.warns(RuntimeWarning, match="takes longer than 0 s; srcad runs the NumPy derivative meanwhile"):
        value = g(0.4)
    assert choice(g).backend == "pending" and "NumPy runs meanwhile" in choice(g).reason
    np.testing.assert_allclose(value, srcad.grad(loop_d)(0.4), rtol=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # once per function
        made = decided(g, 0.4)
    assert made.backend == "numba"
    np.testing.assert_allclose(g(0.4), value, rtol=1e-12)


def scaled_sine(x):
    return np.sum(np.sin(x) * x)


def test_strict_numba_warns_when_compiling_exceeds_the_budget(monkeypatch):
    monkeypatch.setenv(auto.BUDGET_VARIABLE, "0")
    g = srcad.grad(scaled_sine, compile="numba")
    with pytest.warns(RuntimeWarning, match=r"took \d+\.\d s; numba caches the machine code on disk.*"
                                            r"compile='auto' would not wait"):
        np.testing.assert_allclose(g(np.ones(3)), srcad.grad(scaled_sine)(np.ones(3)), rtol=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g(np.ones(3))


def loop_e(x):
    for i in range(10):
        x = np.sin(x) + 0.5 * x
    return x


def test_compare_modes_reports_the_choice(monkeypatch):
    monkeypatch.setattr(auto, "clock", FakeClock(compiled=2e-6, numpy=1e-4))
    report = srcad.compare_modes(loop_e, np.linspace(0.1, 0.5, 3), budget=0.001, compile="auto")
    assert set(report.choices) == {"JVP", "VJP"}
    for which in ("JVP", "VJP"):
        assert report.choices[which].backend == "numba"
        assert f"compile='auto' {which}: numba: 2 µs against NumPy's 100 µs (numba compiled it in" in str(report)
    report = srcad.compare_modes(uses_einsum_auto, np.arange(3.0), budget=0.001, compile="auto")
    assert "compile='auto' VJP: NumPy: numba cannot compile it: " in str(report)


def loop_f(x):
    return np.cos(x) * x


def test_without_numba_auto_is_numpy(monkeypatch):
    from srcad import compiled
    monkeypatch.setattr(compiled, "available", lambda: False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = srcad.grad(loop_f, compile="auto")
        assert g(0.5) == srcad.grad(loop_f)(0.5)
    assert str(choice(g)) == "NumPy: numba is not installed"


def smooth(x):
    return np.sin(x) * np.exp(0.1 * x)


def test_every_transformation_takes_auto(monkeypatch):
    """Each gives the NumPy numbers (here while numba compiles: a budget of 0 s), and no
    warning but that numba is still compiling."""
    monkeypatch.setenv(auto.BUDGET_VARIABLE, "0")
    x = np.linspace(0.1, 0.9, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.filterwarnings("ignore", "srcad: compiling .* takes longer than 0 s", RuntimeWarning)
        for transform, args in ((srcad.vjp, (x, np.ones(3))), (srcad.jvp, (x, np.ones(3))),
                                (srcad.value_and_grad, (0.4,)), (srcad.grad, (0.4,))):
            for got, expected in zip(np.atleast_1d(transform(smooth, compile="auto")(*args)),
                                     np.atleast_1d(transform(smooth)(*args))):
                np.testing.assert_allclose(got, expected, rtol=1e-12)
        np.testing.assert_allclose(srcad.jacobian(smooth, compile="auto")(x), srcad.jacobian(smooth)(x), rtol=1e-12)
        np.testing.assert_allclose(srcad.hessian(sum_smooth, compile="auto")(x), srcad.hessian(sum_smooth)(x),
                                   rtol=1e-12)
        np.testing.assert_allclose(srcad.hvp(sum_smooth, compile="auto")(x, np.ones(3)),
                                   srcad.hvp(sum_smooth)(x, np.ones(3)), rtol=1e-12)
        np.testing.assert_allclose(srcad.differentiable(smooth).grad(compile="auto")(0.4),
                                   srcad.grad(smooth)(0.4), rtol=1e-12)


def sum_smooth(x):
    return np.sum(np.sin(x) * np.exp(0.1 * x))


def test_invalid_compile_value_errors_clearly():
    with pytest.raises(srcad.SrcadError, match="compile must be one of 'numba', 'numba\\?', 'numba-parallel', "
                                               "'numba-parallel\\?', 'auto' or None, not 'fast'"):
        srcad.grad(loop_f, compile="fast")
    assert choice(srcad.grad(loop_f)) is None


def test_max_and_min_over_an_axis_compile():
    @numba.njit
    def reduce(a):
        return np.max(a, axis=-1, keepdims=True), np.min(a, axis=0)
    a = np.random.default_rng(0).standard_normal((4, 5))
    a[1, 2] = np.nan   # NaN wins, as in NumPy
    got = reduce(a)
    expected = (np.max(a, axis=-1, keepdims=True), np.min(a, axis=0))
    for x, y in zip(got, expected):
        np.testing.assert_array_equal(x, y)


def _run(path, script, timeout=300, **env):
    """Run `script` as a file of its own (srcad reads its functions' source)."""
    path.write_text(textwrap.dedent(script))
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""),
                               **env})
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_gmm_gradient_compiles_and_agrees(tmp_path):
    """The GMM workload of `srcad bench` (np.max over an axis, keepdims): compiled with
    numba, equal to the NumPy gradient to 1e-12 and to central differences. In a process
    of its own with NUMBA_OPT=0 (LLVM's optimizations change no number here, and take
    ~25 s of its ~30 s compilation)."""
    out = _run(tmp_path / "gmm.py", """
        import numpy as np, srcad
        from srcad.bench.workloads import gmm_log_likelihood as f
        rng = np.random.default_rng(0)
        args = (rng.standard_normal((3, 2)), 0.1 * rng.standard_normal((3, 2)), 0.1 * rng.standard_normal(3),
                rng.standard_normal((20, 2)))
        wrt = (0, 1, 2)
        compiled = srcad.grad(f, wrt=wrt, compile="numba")(*args)
        numpy = srcad.grad(f, wrt=wrt)(*args)
        for a, b in zip(compiled, numpy):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
        for k in wrt:
            for index in np.ndindex(args[k].shape):
                h = 1e-6
                up = [np.array(a, copy=True) for a in args]; up[k][index] += h
                down = [np.array(a, copy=True) for a in args]; down[k][index] -= h
                central = (f(*up) - f(*down)) / (2 * h)
                np.testing.assert_allclose(compiled[k][index], central, rtol=1e-6, atol=1e-6)
        print("agree")
    """, NUMBA_OPT="0", SRCAD_COMPILE_BUDGET="1000")
    assert "agree" in out


def test_no_deadlock_and_exit_while_compiling(tmp_path):
    """The main thread compiles a strict function (waiting for numba's compiler lock) while
    an "auto" one compiles in the background; and the process exits with a compilation
    still running."""
    out = _run(tmp_path / "threads.py", """
        import numpy as np, srcad, warnings
        from srcad.compiled import choice
        warnings.simplefilter("ignore")
        def background(x):
            for i in range(25):
                x = np.cos(x) * 0.9 + x * 0.1
            return x
        def strict(x):
            return np.sum(np.exp(x) * x)
        def late(x):
            return np.sum(np.tanh(x) ** 2)
        g = srcad.grad(background, compile="auto")
        g(0.3)
        h = srcad.grad(strict, compile="numba")
        assert np.allclose(h(np.ones(4)), srcad.grad(strict)(np.ones(4)))
        for _ in range(20):
            g(0.3)
        assert choice(g).wait(120)
        srcad.grad(late, compile="auto")(np.ones(3))   # still compiling when the process ends
        print("done", choice(srcad.grad(late, compile="auto")).backend)
    """, timeout=240, SRCAD_COMPILE_BUDGET="0")
    assert "done" in out
