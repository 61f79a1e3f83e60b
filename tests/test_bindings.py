"""A derivative is a function of what the code runs (issue 11, item 1): closures of one
`def`, names rebound after a first derivative, decorators, defaults, the same text in two
modules and a source file edited while the program runs never share a derivative they
should not, in memory or through the disk cache; the generated code reads globals and
closure variables live, as the function does."""
import functools
import importlib.util
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import srcad
from srcad.testing import check_grads

X = np.array([0.5, 1.0, -0.7])


def make_objective(kernel):
    def objective(x):
        return np.sum(kernel(x))
    return objective


@pytest.mark.parametrize("kernel, derivative", [(np.sin, np.cos), (np.exp, np.exp),
                                                (np.tanh, lambda v: 1 - np.tanh(v) ** 2)])
def test_closures_of_one_def_get_their_own_derivatives(kernel, derivative):
    objective = make_objective(kernel)
    np.testing.assert_allclose(srcad.grad(objective)(X), derivative(X), rtol=1e-12)
    check_grads(objective, (X,))


def test_closures_alternate_in_memory():
    sine, exponential = make_objective(np.sin), make_objective(np.exp)
    for _ in range(2):
        np.testing.assert_allclose(srcad.grad(sine)(X), np.cos(X), rtol=1e-12)
        np.testing.assert_allclose(srcad.grad(exponential)(X), np.exp(X), rtol=1e-12)
        np.testing.assert_allclose(srcad.jvp(exponential)(X, np.ones(3))[1], np.sum(np.exp(X)))


class Config:
    act = staticmethod(np.sin)


CFG = Config()


def through_attribute(x):
    return np.sum(CFG.act(x))


def test_attribute_rebound_after_the_first_gradient():
    CFG.act = np.sin
    gradient = srcad.grad(through_attribute)
    np.testing.assert_allclose(gradient(X), np.cos(X), rtol=1e-12)
    CFG.act = np.sinh
    try:
        np.testing.assert_allclose(gradient(X), np.cosh(X), rtol=1e-12)          # the same function
        np.testing.assert_allclose(srcad.grad(through_attribute)(X), np.cosh(X), rtol=1e-12)
        check_grads(through_attribute, (X,))
    finally:
        CFG.act = np.sin
    np.testing.assert_allclose(gradient(X), np.cos(X), rtol=1e-12)


def helper(v):
    return v * v


def calls_helper(x):
    return helper(x) * 3.0


def test_redefined_helper_is_used(monkeypatch):
    gradient = srcad.grad(calls_helper)
    assert gradient(2.0) == pytest.approx(12.0)

    def cube(v):
        return v * v * v
    monkeypatch.setitem(globals(), "helper", cube)       # a notebook cell defining it again
    assert gradient(2.0) == pytest.approx(36.0)
    assert srcad.jvp(calls_helper)(2.0, 1.0)[1] == pytest.approx(36.0)


WEIGHTS = np.array([1.0, 2.0, 3.0])


def weighted(x):
    return np.sum(WEIGHTS * x ** 2)


def test_globals_are_read_when_the_derivative_runs(monkeypatch):
    gradient, tangent = srcad.grad(weighted), srcad.jvp(weighted)
    np.testing.assert_allclose(gradient(X), 2 * WEIGHTS * X)
    monkeypatch.setitem(globals(), "WEIGHTS", np.array([5.0, -1.0, 0.5]))
    np.testing.assert_allclose(gradient(X), 2 * WEIGHTS * X)
    assert tangent(X, np.ones(3))[1] == pytest.approx(np.sum(2 * WEIGHTS * X))


def make_counter_objective():
    scale = 1.0

    def objective(x):
        return scale * np.sum(x ** 2)

    def rescale(value):
        nonlocal scale
        scale = value
    return objective, rescale


def test_closure_cells_are_read_when_the_derivative_runs():
    objective, rescale = make_counter_objective()
    gradient = srcad.grad(objective)
    np.testing.assert_allclose(gradient(X), 2 * X)
    rescale(4.0)
    np.testing.assert_allclose(gradient(X), 8 * X)


def times_three(function):
    @functools.wraps(function)
    def wrapper(x):
        return 3.0 * function(x)
    return wrapper


@times_three
def square(x):
    return x * x


@times_three
def sine(x):
    return np.sin(x)


def test_decorated_functions_are_differentiated_through_their_wrapper():
    assert srcad.grad(square)(1.5) == pytest.approx(9.0)
    assert srcad.grad(sine)(1.5) == pytest.approx(3 * np.cos(1.5))
    assert srcad.grad(square)(1.5) == pytest.approx(9.0)
    for function in (square, sine):
        check_grads(function, (0.7,))


SCALE = 2.0


def with_default(x, s=SCALE):
    return x * s


SCALE = 3.0


def with_keyword_default(x, *, s=SCALE):
    return x * s


def test_defaults_are_the_functions_own_values():
    assert with_default(1.0) == 2.0
    assert srcad.grad(with_default)(1.0) == 2.0
    assert srcad.value_and_grad(with_default)(1.0) == (2.0, 2.0)
    assert srcad.vjp(with_default)(1.0, 1.0) == (2.0, 2.0)
    assert srcad.jvp(with_default)(1.0, 1.0) == (2.0, 2.0)
    assert srcad.grad(with_default, wrt=1)(1.0) == 1.0
    assert srcad.grad(with_keyword_default)(1.0) == 3.0
    assert srcad.grad(with_keyword_default)(1.0, s=5.0) == 5.0


def _import(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_same_text_in_two_modules(tmp_path):
    text = "import numpy as np\nact = np.{}\n\n\ndef f(x):\n    return np.sum(act(x))\n"
    (tmp_path / "moda.py").write_text(text.format("sin"))
    (tmp_path / "modb.py").write_text(text.format("cos"))
    a, b = _import(tmp_path / "moda.py", "moda"), _import(tmp_path / "modb.py", "modb")
    np.testing.assert_allclose(srcad.grad(a.f)(X), np.cos(X), rtol=1e-12)
    np.testing.assert_allclose(srcad.grad(b.f)(X), -np.sin(X), rtol=1e-12)
    np.testing.assert_allclose(srcad.grad(a.f)(X), np.cos(X), rtol=1e-12)


def test_a_source_file_edited_while_running_is_refused_and_never_cached(tmp_path):
    path = tmp_path / "edited.py"
    original = "import numpy as np\n\n\ndef g(x):\n    return np.sum(x ** 2)\n"
    path.write_text(original)
    module = _import(path, "edited")
    path.write_text("import numpy as np\n\n\n\ndef g(x):\n    return np.sum(x ** 3)\n")
    os.utime(path, (1, 1))   # a different mtime, as an editor would leave
    with pytest.raises(srcad.SrcadError, match="not the code the function runs"):
        srcad.grad(module.g)(X)
    path.write_text(original)
    os.utime(path, (2, 2))
    np.testing.assert_allclose(srcad.grad(module.g)(X), 2 * X)


# -- across processes, through the disk cache ------------------------------------------------

CHILD = textwrap.dedent("""
    import json, sys
    import numpy as np
    sys.path.insert(0, sys.argv[1])
    import model, srcad, srcad.cache
    x = np.array([0.5, 1.0])
    results = {name: srcad.grad(getattr(model, name))(x).tolist() for name in sys.argv[2:]}
    print(json.dumps({"results": results, **srcad.cache.STATS}))
""")


def _child(directory, cache, *names):
    env = dict(os.environ, SRCAD_CACHE_DIR=str(cache))
    out = subprocess.run([sys.executable, "-c", CHILD, str(directory), *names], env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_closures_across_processes(tmp_path):
    (tmp_path / "model.py").write_text(textwrap.dedent("""
        import numpy as np

        def make(kernel):
            def objective(x):
                return np.sum(kernel(x))
            return objective

        sine, exponential = make(np.sin), make(np.exp)
    """))
    x = np.array([0.5, 1.0])
    expected = {"sine": np.cos(x).tolist(), "exponential": np.exp(x).tolist()}
    first = _child(tmp_path, tmp_path / "cache", "sine", "exponential")
    second = _child(tmp_path, tmp_path / "cache", "exponential", "sine")
    for run in (first, second):
        for name, values in expected.items():
            np.testing.assert_allclose(run["results"][name], values, rtol=1e-12)
    assert first["transforms"] == 2 and second["transforms"] == 0 and second["disk_hits"] == 2


def test_a_changed_module_global_is_not_read_back_from_disk(tmp_path):
    text = "import numpy as np\nact = np.{}\n\n\ndef f(x):\n    return np.sum(act(x))\n"
    (tmp_path / "model.py").write_text(text.format("sin"))
    x = np.array([0.5, 1.0])
    np.testing.assert_allclose(_child(tmp_path, tmp_path / "cache", "f")["results"]["f"], np.cos(x))
    (tmp_path / "model.py").write_text(text.format("cos"))
    changed = _child(tmp_path, tmp_path / "cache", "f")
    np.testing.assert_allclose(changed["results"]["f"], -np.sin(x))
    (tmp_path / "model.py").write_text(text.format("sin"))
    back = _child(tmp_path, tmp_path / "cache", "f")
    np.testing.assert_allclose(back["results"]["f"], np.cos(x))
    assert back["disk_hits"] == 1


def test_a_changed_helper_in_another_module_is_not_read_back_from_disk(tmp_path):
    (tmp_path / "model.py").write_text("import numpy as np\nfrom helpers import act\n\n\n"
                                       "def f(x):\n    return np.sum(act(x))\n")
    for body, derivative in (("v ** 2", lambda v: 2 * v), ("v ** 3", lambda v: 3 * v ** 2)):
        (tmp_path / "helpers.py").write_text(f"def act(v):\n    return {body}\n")
        run = _child(tmp_path, tmp_path / "cache", "f")
        np.testing.assert_allclose(run["results"]["f"], derivative(np.array([0.5, 1.0])))
