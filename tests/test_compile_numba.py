"""compile="numba": compiled derivatives agree with the NumPy derivatives to 1e-12 and with
finite differences, in forward and reverse mode; what does not fit numba is a clear
CompileError (or, with "numba?", a warning and the NumPy derivative).

CI runs the whole control-flow suite compiled (~100 s on two cores; its second run, without
the optimizer, only the loops) and a sample of the rule suite (compilation costs ~0.3-1 s
per function); ``SRCAD_TEST_COMPILE=numba`` also runs one case of every function of the
rule suite compiled (20-60 minutes on two cores). tests/test_fusion.py runs the fused loops
of every function of both suites, in Python.
"""
import json
import os
import warnings

import numpy as np
import pytest

import srcad
from srcad.testing import check_grads

from compiled_agreement import same_as_numpy

numba = pytest.importorskip("numba")

import test_control_flow as flow  # noqa: E402
from test_rule_table import ALL_CASES  # noqa: E402

FULL = os.environ.get("SRCAD_TEST_COMPILE") == "numba"
SURVEY = os.environ.get("SRCAD_COMPILE_SURVEY")   # a file: one JSON line per case (see survey.py)
LOOPS = ("scalar_loop", "loop_over_rows", "with_break", "calls_in_loop")
RULES = ("np_tanh-5", "np_exp-3x4", "np_maximum-3x1-1x4")


def agree(function, args, wrt):
    """Compiled and NumPy VJP and JVP give the same numbers (to 1e-12), and the compiled
    derivatives match finite differences."""
    same_as_numpy(function, args, wrt)
    check_grads(function, args, wrt=wrt, rtol=1e-5, atol=1e-7, directions=1, compile="numba")


def _wrt(args):
    return tuple(i for i, a in enumerate(args) if not isinstance(a, int))


OPTIMIZED = os.environ.get("SRCAD_OPTIMIZE", "1") != "0"   # CI's second run: only the loops
FLOW = [(f, a) for f, a in flow.CASES + flow.HARDER if FULL or OPTIMIZED or f.__name__ in LOOPS]
def _one_per_function(cases):
    """The last case of each function (its array variant): each shape is one more
    compilation, and the rule suite checks the shapes already."""
    last = {}
    for module, case in cases:
        last[case.function] = (module, case)
    return list(last.values())


CASES = _one_per_function([(m, c) for m, c in ALL_CASES if c.differentiable]) if FULL else \
    [(m, c) for m, c in ALL_CASES if c.differentiable and c.id in RULES]


def _agree_or_skip(function, args, wrt, record, must_compile=False):
    """`agree`; a CompileError is a skip (numba does not support everything) except in the
    sample that must compile, and each outcome is recorded for docs/rules.md when SURVEY is
    set."""
    try:
        agree(function, args, wrt)
    except srcad.CompileError as error:
        if must_compile:
            raise
        _record(record, error.reason)
        pytest.skip(f"does not compile: {error.reason}")
    _record(record, None)


def _record(record, reason):
    if SURVEY:
        with open(SURVEY, "a") as handle:
            handle.write(json.dumps({**record, "reason": reason}) + "\n")


@pytest.mark.parametrize("function, args", FLOW, ids=[f"{f.__name__}-{i}" for i, (f, _) in enumerate(FLOW)])
def test_control_flow_compiled(function, args):
    _agree_or_skip(function, args, _wrt(args), {"function": function.__name__},
                   must_compile=function.__name__ in LOOPS)


@pytest.mark.parametrize("module, case", CASES, ids=[f"{m}:{c.id}" for m, c in CASES])
def test_rule_case_compiled(module, case):
    from srcad.rules.table import display_name
    _agree_or_skip(case.function, case.args, tuple(case.wrt),
                   {"case": case.id, "callables": [display_name(fn) for fn in case.callables]},
                   must_compile=not FULL)


def elementwise(x):
    return np.sin(x) * x


def test_gradient_and_jacobian_compiled():
    x = np.linspace(0.1, 0.9, 4)
    np.testing.assert_allclose(srcad.jacobian(elementwise, compile="numba")(x), srcad.jacobian(elementwise)(x),
                               rtol=1e-12, atol=1e-12)
    grad = srcad.grad(flow.scalar_loop, compile="numba")
    np.testing.assert_allclose(grad(x[0], 5), srcad.grad(flow.scalar_loop)(x[0], 5), rtol=1e-12)
    value, gradient = srcad.value_and_grad(flow.loop_over_rows, wrt=1, compile="numba")(flow.MATRIX, x[:3])
    expected = srcad.value_and_grad(flow.loop_over_rows, wrt=1)(flow.MATRIX, x[:3])
    np.testing.assert_allclose(value, expected[0], rtol=1e-12)
    np.testing.assert_allclose(gradient, expected[1], rtol=1e-12, atol=1e-12)


def uses_einsum(x):
    y = np.einsum("i,i->", x, x)
    return y * 2.0


def test_not_fitting_is_a_compile_error_naming_the_line():
    with pytest.raises(srcad.CompileError, match=r"test_compile_numba.py:\d+: `y = np.einsum"):
        srcad.grad(uses_einsum, compile="numba")(np.ones(3))


def test_fallback_warns_once_and_runs_numpy():
    g = srcad.grad(uses_einsum, compile="numba?")
    with pytest.warns(RuntimeWarning, match="running the NumPy derivative"):
        first = g(np.arange(3.0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(g(np.arange(3.0)), first)
    np.testing.assert_array_equal(first, 4 * np.arange(3.0))


WEIGHTS = np.ones(3)


def reads_global_array(x):
    return np.sum(x * WEIGHTS)


def test_global_array_is_refused():
    """numba would freeze WEIGHTS: an in-place change would give a wrong number."""
    with pytest.raises(srcad.CompileError, match="global array `WEIGHTS`"):
        srcad.grad(reads_global_array, compile="numba")(np.ones(3))


SCALE = 2.0


def reads_global_scale(x):
    return SCALE * x ** 2


def gradient_follows_scale(function):
    """The compiled gradient of `function` (2 * SCALE * x at 1.5) after SCALE is rebound."""
    global SCALE
    grad = srcad.grad(function, compile="numba")
    assert grad(1.5) == 6.0
    SCALE = 3.0
    try:
        assert grad(1.5) == 9.0
    finally:
        SCALE = 2.0


def test_rebound_global_recompiles():
    gradient_follows_scale(reads_global_scale)


def test_unknown_target_and_missing_numba(monkeypatch):
    with pytest.raises(srcad.SrcadError, match="compile must be one of"):
        srcad.grad(reads_global_scale, compile="cuda")
    from srcad import compiled
    monkeypatch.setattr(compiled, "available", lambda: False)
    with pytest.raises(srcad.CompileError, match=r"pip install 'srcad\[numba\]'"):
        srcad.grad(reads_global_scale, compile="numba")
    monkeypatch.setattr(compiled, "_WARNED", set())
    with pytest.warns(RuntimeWarning, match="not installed"):
        assert srcad.grad(reads_global_scale, compile="numba?")(1.5) == 6.0


def test_show_prints_the_code_numba_compiles(capsys, tmp_path):
    from srcad.cli import main
    path = tmp_path / "stepper.py"
    path.write_text("import numpy as np\n\ndef f(x):\n    for i in range(5):\n        x = np.sin(x)\n"
                    "    return x\n")
    assert main(["show", f"{path}:f", "--mode", "grad", "--compile", "numba"]) == 0
    shown = capsys.readouterr().out
    assert "for i in range(4, -1, -1):" in shown and "tape_x = []" in shown and "reversed" not in shown


def test_compare_modes_reports_what_ran():
    report = srcad.compare_modes(uses_einsum, np.arange(3.0), budget=0.001, compile="numba?")
    assert "one VJP (reverse, compiled)" in report.times
    seconds, ran = report.compiled["VJP"]
    assert seconds > 0 and ran.startswith("the NumPy code (") and "einsum_vjp" in ran
    assert "compiled VJP: first call" in str(report)


def test_bench_systems_check_against_the_reference():
    from srcad.bench import worker
    results = worker.run("srcad-numba", ["scalar_seed"], budget=0.005)
    assert results["scalar_seed"]["correct"] and results["_prepare_seconds"] > 0
    hand = worker.run("numba-hand", ["log_sin_cube", "scalar_seed"], budget=0.005)
    assert hand["log_sin_cube"]["correct"] and "error" in hand["scalar_seed"]


def test_two_blas_libraries_warn_once(monkeypatch):
    from srcad.compiled import blas
    import srcad.compiled as compiled
    monkeypatch.setattr(compiled, "_WARNED", set())
    monkeypatch.setattr(blas, "loaded_blas", lambda: ["/x/libopenblas-a.so", "/y/libscipy_openblas-b.so"])
    for name in blas.PINNING:
        monkeypatch.delenv(name, raising=False)
    with pytest.warns(RuntimeWarning, match="two BLAS libraries"):
        blas.check(cores=2)
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")
    monkeypatch.setattr(compiled, "_WARNED", set())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        blas.check(cores=2)


def scaled_square(x):
    return SCALE * x ** 2


def calls_scaled_square(x):
    return scaled_square(x) + 1.0


def test_rebound_global_of_a_called_function_recompiles():
    """Compiled code calls the compiled derivative of scaled_square, which froze SCALE."""
    gradient_follows_scale(calls_scaled_square)
