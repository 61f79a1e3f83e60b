"""Issue 12, the constructs people write around the numerics: lambdas (as values, inline
and as the differentiated function), guards (`assert`, `raise`, `try` without derivatives),
`with` blocks, local imports, `*args` / `**kwargs`, generators, and error messages that
name the user's code. Every derivative is checked in both modes against central finite
differences (`check_grads`), vector-mode Jacobians and Hessians where they apply (not the
vector mode through a list or tuple that is indexed in a loop or in a user function,
which fails without these constructs too: ``params_dot[:, i]`` on a list)."""
import functools
import subprocess
import sys
import textwrap
import warnings
from dataclasses import dataclass

import numpy as np
import pytest

import srcad
from srcad.testing import check_grads

X = np.array([0.3, 0.5, 0.9])
W = np.array([1.0, 2.0, 0.5])
HERE = "test_issue12_syntax.py:"


def numerical_jacobian(f, args, wrt, eps=1e-6):
    """d f / d args[wrt] by central differences: shape out.shape + arg.shape."""
    base = np.asarray(args[wrt], dtype=np.float64)
    columns = []
    for k in range(base.size):
        step = np.zeros(base.size)
        step[k] = eps
        ahead, behind = list(args), list(args)
        ahead[wrt] = base + step.reshape(base.shape)
        behind[wrt] = base - step.reshape(base.shape)
        columns.append((np.asarray(f(*ahead)) - np.asarray(f(*behind))) / (2 * eps))
    return np.stack(columns, axis=-1).reshape(np.shape(f(*args)) + base.shape)


def check_matrices(f, args, wrt=0, hessian=True):
    """Vector-mode Jacobians (both modes) of f, and the Hessian of a scalar f, against
    finite differences (of f, and of srcad's gradient checked by check_grads).
    `hessian="per direction"`: one JVP of the gradient per direction (vector=False)."""
    jacobian = numerical_jacobian(f, args, wrt)
    for mode in ("forward", "reverse"):
        np.testing.assert_allclose(srcad.jacobian(f, wrt=wrt, mode=mode)(*args), jacobian,
                                   rtol=1e-5, atol=1e-6)
    if hessian:
        gradient = srcad.grad(f, wrt=wrt)
        np.testing.assert_allclose(srcad.hessian(f, wrt=wrt, vector=hessian is True)(*args),
                                   numerical_jacobian(gradient, args, wrt), rtol=1e-5, atol=1e-5)


# -- 1. lambdas ---------------------------------------------------------------------------------

def assigned_lambda(x, w):
    sq = lambda v: v * v * w  # noqa: E731
    return np.sum(sq(x) + sq(2.0 * x))


def lambda_in_loop(x):
    total = 0.0
    for k in range(3):
        scaled = lambda v: v ** 2 * (k + 1)  # noqa: E731
        total = total + np.sum(scaled(x))
    return total


def inline_lambda(x, c):
    return np.sum((lambda v: np.sin(v) * c)(x))


def sorted_by_lambda(x):
    order = sorted(range(len(x)), key=lambda i: x[i])
    return np.sum(x[order] * np.arange(1.0, len(x) + 1.0))


def lambda_value_without_capture(x):
    keyed = sorted([3.0, 1.0, 2.0], key=lambda v: -v)
    return np.sum(x * keyed[0])


def lambda_captures_differentiated(x, c):
    ys = sorted([1.0, 3.0, 2.0], key=lambda v: -v * c)
    return np.sum(x * ys[0])


def lambda_in_assert(x):
    assert (lambda v: np.all(v > 0))(x), "x must be positive"
    return np.sum(x ** 3)


def lambda_default_reads_local(x):
    k = 2.0
    scale = lambda v, k=k: v * k  # noqa: E731
    return np.sum(scale(x))


@pytest.mark.parametrize("function, args, wrt", [
    (assigned_lambda, (X, 1.5), (0, 1)),
    (lambda_in_loop, (X,), 0),
    (inline_lambda, (X, 0.7), (0, 1)),
    (sorted_by_lambda, (X,), 0),
    (lambda_value_without_capture, (X,), 0),
    (lambda_captures_differentiated, (X, 0.5), 0),
    (lambda_in_assert, (X,), 0),
], ids=lambda v: getattr(v, "__name__", None))
def test_lambdas_inside_functions(function, args, wrt):
    check_grads(function, args, wrt=wrt)


def test_a_lambda_is_a_lifted_nested_def():
    source = srcad.source(srcad.grad(assigned_lambda, wrt=(0, 1)))
    assert "def sq(v, *, w):\n    return v * v * w" in source
    assert "sq_fwd(x, w=w)" in source
    inline = srcad.source(srcad.grad(sorted_by_lambda))
    assert "def sorted_by_lambda_lambda(i, *, x):" in inline
    assert "bind_captured(sorted_by_lambda_lambda, x=x)" in inline


def test_a_lambda_value_reading_a_differentiated_value_is_an_error():
    with pytest.raises(srcad.UnsupportedSyntax) as info:
        srcad.grad(lambda_captures_differentiated, wrt=1)
    message = str(info.value)
    assert HERE in message and "the lambda at line" in message and "`c`" in message


def test_a_default_reading_a_local_is_an_error():
    with pytest.raises(srcad.UnsupportedSyntax, match=r"test_issue12_syntax\.py:\d+: a default value "
                                                      r"of a nested lambda that reads the local variable `k`"):
        srcad.grad(lambda_default_reads_local)


square_sum = lambda x: np.sum(x ** 2)  # noqa: E731
two_arguments = lambda x, y: np.sum(np.sin(x) * y)  # noqa: E731
PAIR = (lambda x: np.sum(np.exp(x)), lambda x: np.sum(np.tanh(x) * 2.0))
TABLE = {"cube": lambda x: np.sum(x ** 3), "log": lambda x: np.sum(np.log(x))}
spread_over_lines = lambda x: (np.sin(x)  # noqa: E731
                               * np.cos(x))
power = lambda x, n: 1.0 if n == 0 else x * power(x, n - 1)  # noqa: E731
curried = lambda a: (lambda b: np.sum(a * b ** 2))  # noqa: E731
vector_valued = lambda x: np.sin(x) * x  # noqa: E731


def closure_lambda(scale):
    return lambda x: np.sum(x * scale * np.cos(x))


@pytest.mark.parametrize("function, args, wrt", [
    (square_sum, (X,), 0),
    (two_arguments, (X, W), (0, 1)),
    (PAIR[0], (X,), 0),
    (PAIR[1], (X,), 0),
    (TABLE["cube"], (X,), 0),
    (TABLE["log"], (X,), 0),
    (spread_over_lines, (0.4,), 0),
    (power, (0.7, 3), 0),
    (curried(X), (W,), 0),
    (closure_lambda(2.5), (X,), 0),
    (vector_valued, (X,), 0),
])
def test_a_lambda_is_the_differentiated_function(function, args, wrt):
    check_grads(function, args, wrt=wrt)


def test_lambdas_in_matrices_and_their_names():
    check_matrices(square_sum, (X,))
    check_matrices(vector_valued, (X,), hessian=False)
    check_matrices(PAIR[1], (X,))
    assert "def two_arguments_grad(x, y):" in srcad.source(srcad.grad(two_arguments, wrt=(0, 1)))
    second = srcad.source(srcad.grad(PAIR[1]))   # two lambdas on one line: the second one's code
    assert f"def lambda_{PAIR[1].__code__.co_firstlineno}_grad(x):" in second and "tanh" in second
    assert not any("np.exp" in line for line in second.splitlines() if not line.strip().startswith("#"))
    multi = srcad.source(srcad.jvp(spread_over_lines))   # two lines, one with a comment
    quoted = [line.strip() for line in multi.splitlines() if "# spread_over_lines = " in line]
    assert quoted and all(q.startswith("# spread_over_lines = lambda x: (np.sin(x)") and
                          q.endswith(f"...   (test_issue12_syntax.py:{spread_over_lines.__code__.co_firstlineno})")
                          for q in quoted)


def test_lambdas_of_one_line_that_cannot_be_told_apart():
    a, b = (lambda x: x * 2.0), (lambda x: x * 2.0)   # the same code twice on one line
    assert srcad.grad(a)(1.5) == 2.0 and srcad.grad(b)(1.5) == 2.0


# -- 2. guards: assert, raise, try --------------------------------------------------------------

def guarded(x, w):
    assert x.ndim == 1, f"x must be a vector, got shape {x.shape}"
    assert all(v > -10 for v in x), "too small"
    if np.any(w < 0):
        raise ValueError(f"w must be non-negative, got {w}")
    y = np.sin(x) * w
    return np.sum(y ** 2)


def raise_at_the_end(x):
    if np.sum(x) > 0:
        return np.sum(x ** 2)
    raise ValueError("the sum must be positive")


def raise_in_loop(x):
    total = 0.0
    for i in range(len(x)):
        if x[i] > 5.0:
            raise OverflowError(f"x[{i}] is too large")
        total = total + x[i] ** 3
    return total


def try_without_derivatives(x, text):
    try:
        scale = float(text)
    except ValueError:
        scale = 2.0
    return np.sum(x * scale)


def try_overwrites_a_value_the_adjoint_reads(x, text):
    scale = 2.0
    y = x * scale
    try:
        scale = float(text)
    except (TypeError, ValueError):
        pass
    return np.sum(y * scale)


def try_in_loop(x):
    total = 0.0
    for i in range(3):
        try:
            s = float("1e0") * (i + 1)
        except ValueError:
            s = 0.0
        total = total + np.sum(x * s) * total + np.sum(x)
    return total


def try_around_differentiated_code(x):
    try:
        y = np.sqrt(x)
    except FloatingPointError:
        y = x
    return np.sum(y)


def try_with_return(x):
    try:
        return np.sum(x)
    except ValueError:
        return 0.0


@pytest.mark.parametrize("function, args, wrt", [
    (guarded, (X, W), (0, 1)),
    (raise_at_the_end, (X,), 0),
    (raise_in_loop, (X,), 0),
    (try_without_derivatives, (X, "3.0"), 0),
    (try_without_derivatives, (X, "three"), 0),
    (try_overwrites_a_value_the_adjoint_reads, (X, "3.0"), 0),
    (try_in_loop, (X,), 0),
], ids=lambda v: getattr(v, "__name__", None))
def test_guards_in_both_modes(function, args, wrt):
    check_grads(function, args, wrt=wrt)


def test_guards_have_no_derivative_code_and_matrices():
    code = [line.strip() for line in srcad.source(srcad.grad(guarded, wrt=(0, 1))).splitlines()
            if not line.strip().startswith("#")]
    assert sum(line.startswith("assert ") for line in code) == 2
    assert sum(line.startswith("raise ValueError") for line in code) == 1
    check_matrices(guarded, (X, W), wrt=0)
    check_matrices(raise_in_loop, (X,))


@pytest.mark.parametrize("derivative", [
    lambda f, *args: srcad.grad(f)(*args),
    lambda f, *args: srcad.value_and_grad(f)(*args),
    lambda f, *args: srcad.vjp(f)(*args, 1.0),
    lambda f, *args: srcad.jvp(f)(*args, np.ones(np.shape(args[0]))),
    lambda f, *args: srcad.jacobian(f, mode="forward")(*args),
    lambda f, *args: srcad.jacobian(f, mode="reverse")(*args),
    lambda f, *args: srcad.hessian(f)(*args),
], ids=["grad", "value_and_grad", "vjp", "jvp", "jacfwd", "jacrev", "hessian"])
def test_failing_guards_raise_what_the_function_raises(derivative):
    # (pytest rewrites the asserts of this module, which adds its explanation to the
    # function's own message; the derivative runs the assert as the source writes it)
    cases = [(guarded, (np.ones((2, 2)), W), AssertionError, "x must be a vector, got shape (2, 2)"),
             (guarded, (X, -W), ValueError, f"w must be non-negative, got {-W}"),
             (raise_at_the_end, (-X,), ValueError, "the sum must be positive"),
             (raise_in_loop, (X * 10,), OverflowError, "x[2] is too large")]
    for function, args, kind, message in cases:
        with pytest.raises(kind) as plain:
            function(*args)
        with pytest.raises(kind) as derived:
            derivative(function, *args)
        assert str(plain.value).startswith(message)
        if str(derived.value) != str(plain.value):   # vjp, jacrev call the function too, first
            assert str(derived.value) == message
            notes = " ".join(getattr(derived.value, "__notes__", []))
            assert "raised by your line" in notes and "bug in srcad" not in notes


def test_python_O_strips_asserts_from_derivatives_too(tmp_path):
    script = tmp_path / "stripped.py"
    script.write_text(textwrap.dedent("""
        import numpy as np
        import srcad

        def checked(x):
            assert np.all(x > 0), "positive"
            return np.sum(x ** 2)

        print(srcad.grad(checked)(np.array([-1.0, 2.0])), checked(np.array([-1.0])))
    """))
    env = {"SRCAD_CACHE_DIR": "", "PYTHONPATH": str(next(iter(srcad.__path__)).rsplit("/", 1)[0])}
    optimized = subprocess.run([sys.executable, "-O", str(script)], capture_output=True, text=True,
                               env=env, cwd=tmp_path)
    assert optimized.returncode == 0 and optimized.stdout.split() == ["[-2.", "4.]", "1.0"], optimized.stderr
    plain = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env,
                           cwd=tmp_path)
    assert plain.returncode != 0 and "AssertionError: positive" in plain.stderr


def test_try_around_differentiated_code_is_a_clear_error():
    with pytest.raises(srcad.UnsupportedSyntax) as info:
        srcad.grad(try_around_differentiated_code)
    message = str(info.value)
    assert HERE in message and "`try` statement around differentiated values" in message
    with pytest.raises(srcad.UnsupportedSyntax, match=r"`return` inside a `try` statement"):
        srcad.grad(try_with_return)


# -- 3. with ------------------------------------------------------------------------------------

def log_under_errstate(x):
    with np.errstate(divide="raise", invalid="raise"):
        y = np.log(x)
        z = y * x
    return np.sum(z)


def with_as_and_warnings(x):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        y = np.log(x)
        n = len(caught)
    return np.sum(y) * (n + 1)


def log_ignoring(x):
    with np.errstate(all="ignore"):
        y = np.log(x)
    return np.sum(np.where(np.isfinite(y), y, 0.0))


def log_not_ignoring(x):
    y = np.log(x)
    return np.sum(np.where(np.isfinite(y), y, 0.0))


def return_inside_with(x):
    with np.errstate(all="ignore"):
        return np.sum(np.log(x) * x)


def with_in_loop(x):
    total = 0.0
    for i in range(3):
        with np.errstate(divide="ignore"):
            total = total + np.sum(np.log(x * (i + 1)))
    return total


def nested_with(x):
    with np.errstate(over="ignore"), np.errstate(invalid="ignore"):
        y = np.exp(x) / x
        with np.errstate(divide="ignore"):
            z = np.sqrt(y)
    return np.sum(z)


class Counter:
    """A context manager that counts how often it is entered (a timer would too)."""

    entered = 0

    def __enter__(self):
        Counter.entered += 1
        return self

    def __exit__(self, *exc):
        return False


COUNTER = Counter()


def counted(x):
    with COUNTER:
        y = np.sin(x) * x
    return np.sum(y)


@pytest.mark.parametrize("function", [log_under_errstate, with_as_and_warnings, return_inside_with,
                                      with_in_loop, nested_with, counted])
def test_with_blocks_in_both_modes(function):
    check_grads(function, (X,))
    check_matrices(function, (X,))


def test_derivative_statements_run_inside_the_block():
    jvp_source = srcad.source(srcad.jvp(log_under_errstate))
    assert "    with np.errstate(divide='raise', invalid='raise'):\n        # y = np.log(x)" in jvp_source
    assert "        y_dot = x_dot / x" in jvp_source
    grad_source = srcad.source(srcad.grad(log_under_errstate))
    assert grad_source.count("with np.errstate(divide='raise', invalid='raise'):") == 2
    code = [line for line in srcad.source(srcad.grad(with_as_and_warnings)).splitlines()
            if not line.strip().startswith("#")]
    assert sum(line.endswith(" as caught:") for line in code) == 1   # primal only
    assert sum(line.endswith("warnings.catch_warnings(record=True):") for line in code) == 1
    zero = np.array([0.0, 1.0])
    for derivative in (srcad.grad(log_under_errstate), lambda v: srcad.jvp(log_under_errstate)(v, v)):
        with pytest.raises(FloatingPointError):   # the primal and the derivative both raise
            derivative(zero)
    at_zero = np.array([0.0, 2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # the adjoint's 0 / 0 at 0 is silenced by the block too
        for derivative in (srcad.grad(log_ignoring), lambda v: srcad.jvp(log_ignoring)(v, v),
                           lambda v: srcad.hessian(log_ignoring)(v)):
            derivative(at_zero)
        srcad.grad(nested_with)(np.array([0.5, 800.0]))
    with pytest.warns(RuntimeWarning):
        srcad.grad(log_not_ignoring)(at_zero)


def test_the_context_manager_wraps_primal_and_adjoint():
    gradient = srcad.grad(counted)
    before = Counter.entered
    gradient(X)
    assert Counter.entered - before == 2   # the primal sweep, then the adjoint sweep
    before = Counter.entered
    srcad.jvp(counted)(X, X)
    assert Counter.entered - before == 1   # tangents are computed with the primal


# -- 4. local imports ---------------------------------------------------------------------------

def local_imports(x):
    from scipy.special import logsumexp
    import numpy.linalg as la
    import math
    return logsumexp(x) + la.norm(x) * math.pi


def import_in_branch(x, use_log):
    if use_log:
        from numpy import log as transform
    else:
        from numpy import sqrt as transform
    return np.sum(transform(x))


def test_local_imports():
    pytest.importorskip("scipy")
    check_grads(local_imports, (X,))
    check_matrices(local_imports, (X,))
    source = srcad.source(srcad.grad(local_imports))
    assert "    from scipy.special import logsumexp\n" in source
    assert "import logsumexp" not in source.split("def local_imports_grad")[0]   # imported in it


def test_a_name_imported_as_two_objects_gets_no_rule():
    with pytest.raises(srcad.NoDerivativeRule) as info:
        srcad.grad(import_in_branch)(X, True)
    assert HERE in str(info.value) and "imports as two objects (numpy.log, numpy.sqrt)" in str(info.value)


# -- 5. *args and **kwargs ----------------------------------------------------------------------

def times_three(function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        return 3.0 * function(*args, **kwargs)
    return wrapper


@times_three
def decorated_loss(x, w, scale=1.0):
    return np.sum(np.sin(x) * w) * scale


def sum_of_squares(*xs):
    total = 0.0
    for v in xs:
        total = total + np.sum(v ** 2)
    return total


def first_and_rest(x, *rest, power=2):
    return np.sum(x ** power) + sum(np.sum(r * x) for r in rest)


def indexed_args(*args):
    return np.sum(args[0] ** 2 * args[1]) + len(args)


def calls_varargs(x, y):
    return sum_of_squares(x, y, x * y) + first_and_rest(x, y, power=3)


def forwards_a_tuple(x, y):
    pair = (x, y)
    options = {"power": 3}
    return first_and_rest(*pair, **options)


def forwards_kwargs(x, **options):
    return first_and_rest(x, x * 2.0, **options)


def starred_shape(x):
    noise = np.random.RandomState(0).randn(*x.shape)
    return np.sum(x * noise)


def starred_zip(x, y):
    firsts, seconds = zip(*[(1.0, 2.0), (3.0, 4.0)])
    total = 0.0
    for a, b in zip(*[firsts, seconds]):
        total = total + np.sum(x * a + y * b)
    return total


def starred_runtime_tuple(x):
    values = tuple(x)
    return sum_of_squares(*values)


def differentiated_into_kwargs(x, w):
    return keyword_sink(x, weight=w)


def keyword_sink(x, **options):
    return np.sum(x) * 2.0


@pytest.mark.parametrize("function, args, wrt", [
    (decorated_loss, (X, W), (0, 1)),
    (sum_of_squares, (X, W, X), (0, 2)),
    (sum_of_squares, (X,), 0),
    (first_and_rest, (X, W, X), (0, 1, 2)),
    (first_and_rest, (X,), 0),
    (indexed_args, (X, W), (0, 1)),
    (calls_varargs, (X, W), (0, 1)),
    (forwards_a_tuple, (X, W), (0, 1)),
    (forwards_kwargs, (X,), 0),
    (starred_shape, (X,), 0),
    (starred_zip, (X, W), (0, 1)),
], ids=lambda v: getattr(v, "__name__", None))
def test_varargs_in_both_modes(function, args, wrt):
    check_grads(function, args, wrt=wrt)


def test_varargs_calls_keywords_and_matrices():
    np.testing.assert_allclose(srcad.grad(decorated_loss, wrt=1)(X, W, scale=2.0), 6.0 * np.sin(X))
    np.testing.assert_allclose(srcad.grad(forwards_kwargs)(X, power=3),
                               srcad.grad(first_and_rest)(X, 2.0 * X, power=3)
                               + 2.0 * srcad.grad(first_and_rest, wrt=1)(X, 2.0 * X, power=3))
    for count in (1, 2, 4):   # one generated function per number of values in *xs
        args = tuple(X * (k + 1) for k in range(count))
        np.testing.assert_allclose(srcad.grad(sum_of_squares, wrt=count - 1)(*args), 2 * args[-1])
    check_matrices(indexed_args, (X, W), wrt=0)
    check_matrices(indexed_args, (X, W), wrt=1)
    check_matrices(first_and_rest, (X, W), wrt=0)
    check_matrices(first_and_rest, (X, W), wrt=1, hessian="per direction")   # module docstring
    value, pulled = srcad.vjp(indexed_args, wrt=1)(X, W, 2.0)
    np.testing.assert_allclose(pulled, 2.0 * X ** 2)
    value, tangent = srcad.jvp(indexed_args, wrt=(0, 1))(X, W, W, X)
    np.testing.assert_allclose(tangent, np.sum(2 * X * W * W + X ** 2 * X))


def test_varargs_generated_code():
    source = srcad.source(srcad.grad(decorated_loss, wrt=(0, 1)))
    assert "def wrapper_grad(args_0, args_1, **kwargs):" in source
    assert "fwd(args_0, args_1, **kwargs)" in source
    calls = srcad.source(srcad.grad(calls_varargs, wrt=(0, 1)))
    assert "split_of(sum_of_squares, (0, 1, 2), arity=3)" in calls


def test_starred_values_srcad_cannot_see_are_a_clear_error():
    with pytest.raises(srcad.UnsupportedSyntax) as info:
        srcad.grad(starred_runtime_tuple)
    message = str(info.value)
    assert HERE in message and "`*v` or `**v`" in message and "sum_of_squares(*values)" in message
    with pytest.raises(srcad.UnsupportedSyntax) as info:
        srcad.grad(differentiated_into_kwargs, wrt=1)
    assert HERE in str(info.value) and "`**kwargs` of keyword_sink" in str(info.value)


# -- 6. generators ------------------------------------------------------------------------------

def unpack_layers(params):
    for i in range(0, len(params), 2):
        yield params[i], params[i + 1]


def mlp(x, W1, b1, W2, b2):
    h = x
    for weights, bias in unpack_layers([W1, b1, W2, b2]):
        h = np.tanh(h @ weights + bias)
    return np.sum(h)


def powers(x, n):
    for k in range(n):
        yield x ** (k + 1)


def sum_of_powers(x):
    return np.sum(sum(powers(x, 3))) + np.sum(list(powers(x, 2))[1])


def halves(x):
    v = x
    while v > 0.1:
        yield v
        v = v / 2.0


def geometric(x):
    return sum(halves(x))


def chained(x):
    yield from powers(x, 2)
    yield np.sin(x)


def uses_chained(x):
    return np.sum(sum(chained(x)))


def nested_generator(x):
    def scaled(k):
        for i in range(k):
            yield x * i
    return sum(scaled(3))


def forever(x):
    while True:
        yield x


def uses_forever(x):
    for v in forever(x):
        return v


RNG = np.random.RandomState(0)
MLP_ARGS = (RNG.randn(2, 3), RNG.randn(3, 4), RNG.randn(4), RNG.randn(4, 2), RNG.randn(2))


@pytest.mark.parametrize("function, args, wrt", [
    (mlp, MLP_ARGS, (1, 2, 3, 4)),
    (sum_of_powers, (0.7,), 0),
    (sum_of_powers, (X,), 0),
    (geometric, (0.9,), 0),
    (uses_chained, (X,), 0),
    (nested_generator, (0.9,), 0),
], ids=lambda v: getattr(v, "__name__", None))
def test_generators_in_both_modes(function, args, wrt):
    check_grads(function, args, wrt=wrt)


def test_generators_matrices_and_errors():
    check_matrices(sum_of_powers, (X,), hessian="per direction")   # see the module docstring
    with pytest.raises(srcad.UnsupportedSyntax, match=r"test_issue12_syntax\.py:\d+: a generator that "
                                                      r"never ends"):
        srcad.grad(uses_forever)(1.0)


# -- 7. errors name the user's code -------------------------------------------------------------

@dataclass
class Params:
    w: np.ndarray


def reads_a_field(p, x):
    return np.sum(p.w * x)


def dict_method(d, x):
    return d.get("a") * x


def calls_a_call(x):
    return make_scaler(2.0)(x)


def make_scaler(s):
    def scale(x):
        return s * x
    return scale


def lambda_in_a_list(x):
    functions = [lambda v: v * 2.0]
    return functions[0](x)


OPAQUE = np.frompyfunc(lambda v: v * 2, 1, 1)   # a ufunc without a derivative rule


def multi_line(x):
    y = (np.sin(x) +
         OPAQUE(x))
    return np.sum(y)


def not_scalar(x):
    return x * 2.0


def test_fields_and_function_values_that_used_to_raise():
    """Attribute reads and calls of function values are differentiated now (dynamic.py)."""
    check_grads(reads_a_field, (Params(X), X), wrt=1)
    check_grads(calls_a_call, (1.3,))
    check_grads(lambda_in_a_list, (1.3,))
    check_grads(dict_method, ({"a": 1.5}, 2.0), wrt=1)
    assert isinstance(srcad.grad(reads_a_field)(Params(X), X), Params)


def test_error_messages_name_the_users_code():
    def message(function, *args, wrt=0):
        with pytest.raises(srcad.SrcadError) as info:
            srcad.grad(function, wrt=wrt)(*args)
        text = str(info.value)
        assert HERE in text.split(" ")[0] and "srcad.normalize" not in text, text
        return text
    assert "(y = (np.sin(x) + OPAQUE(x)))" in message(multi_line, X)
    assert "to return a scalar" in message(not_scalar, X)


def test_call_time_errors_start_with_the_functions_location():
    with pytest.raises(srcad.InputError) as info:
        srcad.grad(sum_of_squares)(np.array([1, 2]))
    assert str(info.value).startswith(__file__) and "sum_of_squares" in str(info.value)
    with pytest.raises(srcad.SrcadError) as info:
        srcad.vjp(indexed_args)(X)
    assert str(info.value).startswith(__file__)


def prints_progress(x):
    y = np.sum(x * x)
    print(f"loss = {y:.3f}, first {x[0]!r}, largest {np.max(x)}")
    for i in range(2):
        y = y + x[i] * np.sin(x[i + 1])
        print(f"step {i}: {y:.4f}")
    if x[0] > 10:
        raise ValueError(f"too big: {x[0]}")
    return y


def test_f_strings_run_in_the_primal_and_have_no_derivative(capsys):
    x = np.array([0.3, 0.7, 0.45])
    check_grads(prints_progress, (x,))
    check_matrices(prints_progress, (x,))
    srcad.grad(prints_progress)(x)
    assert f"loss = {np.sum(x * x):.3f}" in capsys.readouterr().out
    with pytest.raises(ValueError, match="too big: 11.0"):
        srcad.grad(prints_progress)(np.array([11.0, 0.5, 0.5]))


WEIGHTS = {"a": 1.0, "b": 2.0, "skip": 5.0}


def dict_comprehension(x):
    scaled = {k: w * np.sin(x) for k, w in WEIGHTS.items() if k != "skip"}
    powers = {i: x ** i for i in range(1, 4)}
    return np.sum(scaled["a"] * scaled["b"]) + np.sum(powers[1] + powers[3] * powers[2])


def dict_comprehension_of_argument(x, params):
    squares = {name: np.sum(w ** 2) * x for name, w in params.items() if name != "skip"}
    return np.sum(sum(squares.values()))


def test_dict_comprehensions():
    x = np.array([0.3, 0.5, 0.8])
    check_grads(dict_comprehension, (x,))
    check_matrices(dict_comprehension, (x,))
    params = {"w": np.array([0.2, 0.4]), "v": np.array([1.5]), "skip": np.array([3.0])}
    gradient = srcad.grad(dict_comprehension_of_argument, wrt=1)(x, params)
    assert type(gradient) is dict and set(gradient) == set(params)
    for name, w in params.items():
        expected = np.zeros_like(w) if name == "skip" else 2 * w * np.sum(x)
        np.testing.assert_allclose(gradient[name], expected, rtol=1e-12)


def weighted_by_global_dict(x):
    total = 0.0
    for name, w in WEIGHTS.items():
        total = total + w * np.sum(np.sin(x)) * len(name)
    return total + sum(w * x[0] for w in WEIGHTS.values())


def test_loops_over_a_global_dict_follow_its_changes():
    x = np.array([0.3, 0.5])
    check_grads(weighted_by_global_dict, (x,))
    before = srcad.grad(weighted_by_global_dict)(x)
    WEIGHTS["c"] = 3.0   # the same dict, changed: the next call reads it as the function would
    try:
        lengths = sum(w * len(name) for name, w in WEIGHTS.items())
        expected = lengths * np.cos(x) + np.array([sum(WEIGHTS.values()), 0.0])
        np.testing.assert_allclose(srcad.grad(weighted_by_global_dict)(x), expected, rtol=1e-12)
    finally:
        del WEIGHTS["c"]
    np.testing.assert_allclose(srcad.grad(weighted_by_global_dict)(x), before, rtol=1e-12)


def starred_unpacking(x):
    first, *rest = x
    a, *middle, z = [x[0] * 2, x[1], x[2] ** 2, np.sin(x[0])]
    *init, last = x
    return first * np.sum(np.array(rest)) + a * z + sum(middle) * len(middle) \
        + np.sum(np.stack(init) ** 2) * last


def test_starred_unpacking():
    x = np.array([0.3, 0.5, 0.9])
    check_grads(starred_unpacking, (x,))
    check_matrices(starred_unpacking, (x,))
