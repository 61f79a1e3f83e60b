"""Issue 11, items 2, 3, 4 and 11: lists, tuples and dicts as values and as arguments.

`check_structured` is `check_grads` for arguments that are lists, tuples or dicts (nested,
of floats and arrays): it perturbs their leaves for central differences in float64, checks
forward mode (J·t) and reverse mode (uᵀJ, flattened leaf by leaf against t) against them and
against each other, and checks the shape of every derivative the reverse mode returns.
"""
import numpy as np
import pytest

import srcad
from srcad.bench.reference import WORKLOADS
from srcad.testing import check_grads

RNG = np.random.default_rng(11)


def arr(*shape):
    return RNG.standard_normal(shape)


# -- a finite-difference check for structured arguments --------------------------------------

def _leaves(value, like):
    """The leaves of `value`, a derivative of `like`, as one flat float64 vector. A list
    read by NumPy as an array gets back an array, whose rows are its items."""
    if isinstance(like, dict):
        assert isinstance(value, dict) and set(value) == set(like), (value, like)
        return np.concatenate([_leaves(value[k], like[k]) for k in like] or [np.zeros(0)])
    if isinstance(like, (list, tuple)):
        assert len(value) == len(like), (value, like)
        return np.concatenate([_leaves(value[i], like[i]) for i in range(len(like))] or [np.zeros(0)])
    assert np.shape(value) == np.shape(like), (np.shape(value), np.shape(like))
    return np.ravel(np.asarray(value, dtype=np.float64))


def _random_like(like):
    if isinstance(like, dict):
        return {k: _random_like(v) for k, v in like.items()}
    if isinstance(like, (list, tuple)):
        return type(like)(_random_like(v) for v in like)
    sample = RNG.standard_normal(np.shape(like))
    return float(sample) if np.shape(like) == () and not isinstance(like, np.ndarray) else sample


def _moved(like, tangent, step):
    if isinstance(like, dict):
        return {k: _moved(like[k], tangent[k], step) for k in like}
    if isinstance(like, (list, tuple)):
        return type(like)(_moved(a, t, step) for a, t in zip(like, tangent))
    value = np.asarray(like, np.float64) + step * np.asarray(tangent)
    return float(value) if np.shape(like) == () and not isinstance(like, np.ndarray) else value


def check_structured(f, args, wrt=0, eps=1e-6, rtol=1e-6, atol=1e-8):
    """Both modes of `f` at `args` against central differences; returns the reverse-mode
    derivatives (a tuple, one per argument in `wrt`)."""
    indices = (wrt,) if isinstance(wrt, int) else wrt
    for _ in range(2):
        tangents = [_random_like(args[i]) for i in indices]

        def along(step):
            moved = list(args)
            for i, t in zip(indices, tangents):
                moved[i] = _moved(args[i], t, step)
            return np.asarray(f(*moved), np.float64)
        numeric = (along(eps) - along(-eps)) / (2 * eps)
        value, tangent = srcad.jvp(f, wrt)(*args, *tangents)
        np.testing.assert_allclose(value, f(*args), rtol=1e-12)
        np.testing.assert_allclose(tangent, numeric, rtol=rtol, atol=atol, err_msg="forward mode")
        cotangent = _random_like(value)
        value, pulled = srcad.vjp(f, wrt)(*args, cotangent)
        pulled = pulled if isinstance(wrt, tuple) else (pulled,)
        pulled_along = sum(float(_leaves(p, args[i]) @ _leaves(t, args[i]))
                           for p, i, t in zip(pulled, indices, tangents))
        np.testing.assert_allclose(pulled_along, float(np.sum(np.asarray(cotangent) * numeric)),
                                   rtol=rtol, atol=atol, err_msg="reverse mode")
        np.testing.assert_allclose(pulled_along, float(np.sum(np.asarray(cotangent) * tangent)),
                                   rtol=1e-9, atol=1e-12, err_msg="forward vs reverse")
    return pulled


# -- item 2: a list argument that NumPy reads as an array ------------------------------------

def square_sum(x):
    return np.sum(np.square(x))


def log_times(x):
    return np.sum(np.log(x) * 2.0 - np.arcsinh(x) ** 2)


def sin_of_item(ps):
    return np.sum(np.square(ps[0])) + np.sin(ps[1])


@pytest.mark.parametrize("x", [[3.0], [1.0, -2.0, 0.5], (1.0, 2.0), [[1.0, 2.0], [0.5, -1.0]]],
                         ids=["one", "three", "tuple", "nested"])
def test_list_read_by_numpy_as_an_array(x):
    check_structured(square_sum, (x,))
    # NumPy read the list as an array: the derivative is that array's, as for the array itself
    gradient = srcad.grad(square_sum)(x)
    assert isinstance(gradient, np.ndarray)
    np.testing.assert_array_equal(gradient, srcad.grad(square_sum)(np.array(x)))


def test_list_tangent_and_array_tangent_agree():
    x = [1.0, -2.0, 0.5]
    t = [0.3, 0.1, -1.0]
    _, from_list = srcad.jvp(square_sum)(x, t)
    _, from_array = srcad.jvp(square_sum)(np.array(x), np.array(t))
    assert from_list == from_array


@pytest.mark.parametrize("function, args", [
    (log_times, ([0.5, 1.5, 2.0],)),
    (sin_of_item, ([[1.0, 2.0], 0.3],)),   # an item of a list that is a list itself
])
def test_numpy_functions_of_lists(function, args):
    check_structured(function, args)


def array_and_list(ps, w):
    a = np.tanh(w)
    return np.sum((a - ps) ** 2 + a / ps + a ** ps)


def test_operators_between_an_array_and_a_list():
    """`a - ps` with `a` an array is NumPy's arithmetic on np.asarray(ps): in its derivative
    code too (-ps_dot, ps - 1)."""
    check_structured(array_and_list, ([0.5, 1.5], arr(2)), (0, 1))


def proven_array(x):
    return np.sum(np.square(x)) + np.sum(x ** 2)


@pytest.mark.parametrize("function, wrt", [(w.function, w.wrt) for w in WORKLOADS]
                         + [(proven_array, (0,))], ids=lambda v: getattr(v, "__name__", ""))
def test_no_conversion_where_values_are_arrays(function, wrt):
    """A parameter used as only an array can be (x ** 2, x.T, x[:, 0], ...) is never read
    through np.asarray: the benchmark workloads' derivative code is unchanged."""
    for transformation in (srcad.grad, srcad.jvp):
        assert "asarray" not in srcad.source(transformation(function, wrt=wrt)), function.__name__


def test_converted_code_is_differentiable_again():
    x = np.array([0.5, -1.5, 2.0])
    check_grads(srcad.grad(square_sum), (x,))
    np.testing.assert_allclose(srcad.hessian(square_sum)(x), 2.0 * np.eye(3), rtol=1e-12)


# -- item 3: + and * on lists -----------------------------------------------------------------

def pair(x, y):
    out = [x] + [y]
    return out[0] + out[1]


def ragged(x, y):
    out = []
    out = out + [np.ravel(x)]
    out = out + [np.ravel(y) ** 2]
    return np.sum(np.concatenate(out) * np.arange(8.0))


def ragged_loop(xs):
    out = []
    for i in range(len(xs)):
        out = out + [np.ravel(xs[i]) * (i + 1.0)]
    total = 0.0
    for piece in out:
        total = total + np.sum(np.sin(piece))
    return total


def augmented_concat(x):
    out = [x]
    for i in range(3):
        out += [out[-1] * 1.5]
    return out[-1] + out[0] * out[1]


def repeated(x):
    parts = [x, x * 2.0] * 2
    total = 0.0
    for i in range(len(parts)):
        total = total + parts[i] * (i + 1.0)
    return total


def repeated_left(x):
    parts = 3 * [np.sin(x)]
    return np.sum(parts[0] + parts[1] * 2.0 + parts[2] * 3.0)


def concat_arguments_by_list(ps, x):
    both = list(ps) + [x]
    return both[0] * both[1] + np.sum(both[2] ** 2)


def concat_arguments(ps, qs):
    both = ps + qs
    return both[0] * both[-1]


@pytest.mark.parametrize("function, args, wrt", [
    (pair, (1.0, 2.0), (0, 1)),
    (ragged, (arr(2), arr(2, 3)), (0, 1)),
    (ragged_loop, ([arr(2), arr(3), arr(1, 2)],), 0),
    (augmented_concat, (0.4,), 0),
    (repeated, (0.7,), 0),
    (repeated_left, (arr(3),), 0),
    (concat_arguments_by_list, ([1.0, 2.0], arr(2)), (0, 1)),
], ids=lambda v: getattr(v, "__name__", ""))
def test_concatenation_and_repetition(function, args, wrt):
    check_structured(function, args, wrt)


def test_pair_gets_one_cotangent_each():
    """The issue's example: d(out[0] + out[1]) is 1 for x and for y, not 2."""
    gx, gy = srcad.grad(pair, wrt=(0, 1))(1.0, 2.0)
    eps = 1e-6
    assert abs(gx - (pair(1.0 + eps, 2.0) - pair(1.0 - eps, 2.0)) / (2 * eps)) < 1e-8
    assert abs(gy - (pair(1.0, 2.0 + eps) - pair(1.0, 2.0 - eps)) / (2 * eps)) < 1e-8


def test_concatenating_list_arguments_raises_instead_of_adding():
    message = r"test_issue11_sequences.py:\d+: `\+` or `\*` on a list that srcad took for arithmetic"
    with pytest.raises(srcad.UnsupportedSyntax, match=message):
        srcad.grad(concat_arguments)([1.0, 2.0], [3.0])


# -- item 4: slices of a list argument --------------------------------------------------------

def tail(ps):
    total = 0.0
    for p in ps[1:]:
        total = total + p * p
    return total


def alias_then_slice(ps):
    qs = ps
    total = np.sum(qs[0] * 3.0)
    for p in ps[1:]:
        total = total + np.sum(p * p)
    return total


def test_slice_of_a_list_argument():
    ps = [1.0, 2.0, 3.0]
    (gradient,) = check_structured(tail, (ps,))
    assert isinstance(gradient, list) and len(gradient) == len(ps)
    check_structured(alias_then_slice, ([arr(2), arr(3), 2.0],))


# -- item 11: negative indices, negative slice bounds and steps, keys in variables -------------

def last(ps):
    return ps[-1] * 2.0 + np.sum(ps[-2] ** 2)


def middle(ps):
    total = 0.0
    for p in ps[1:-1]:
        total = total + np.sum(np.sin(p))
    return total


def backwards(ps):
    total = 0.0
    weight = 1.0
    for p in ps[::-1]:
        total = total + weight * np.sum(p)
        weight = weight * 2.0
    return total


def every_other_backwards(ps):
    return np.sum(np.stack(ps[-1::-2]) ** 2)


def key_in_variable(d):
    k = "w"
    other = "b"
    return np.sum(d[k] ** 2) + np.sum(d[other] * d[k])


def array_negative_indices(x):
    return x[-1] * np.sum(x[1:-1] ** 2) + np.sum(x[::-2])


@pytest.mark.parametrize("function, args", [
    (last, ([1.0, arr(3), 2.0],)),
    (middle, ([arr(2), arr(3), arr(4), arr(1)],)),
    (backwards, ([arr(2), arr(3), 0.5],)),
    (every_other_backwards, ([arr(2), arr(2), arr(2), arr(2), arr(2)],)),
    (key_in_variable, ({"w": arr(3), "b": arr(3)},)),
], ids=lambda v: getattr(v, "__name__", ""))
def test_indices_slices_and_keys(function, args):
    check_structured(function, args)


def test_negative_indices_of_arrays_are_plain_scatters():
    x = arr(6)
    check_grads(array_negative_indices, (x,))
    code = srcad.source(srcad.grad(array_negative_indices))
    assert "add_at" not in code and "x_bar[-1] +=" in code


# -- structures: nested lists, tuples, dicts, items of different shapes -----------------------

def nested(ps):
    inner = ps[0]
    return inner[0] * inner[1] + np.sum(ps[1] ** 2)


def tuple_unpacked(pair):
    w, b = pair
    return np.sum(np.tanh(w) * b)


def tuple_indexed(pair):
    return np.sum(pair[0] * pair[1])


def dense_layer(params, x):
    h = np.tanh(x @ params["w"] + params["b"])
    return np.sum(h ** 2)


def shapes_differ(ps):
    return np.sum(ps[0] @ ps[1]) + np.sum(ps[2])


def items_and_numpy(ps):
    return ps[0] * 3.0 + np.sum(np.exp(ps))


def helper_of_list(ps):
    return ps[0] * np.sum(ps[1])


def passes_list_on(ps):
    return helper_of_list(ps) + helper_of_list([ps[1], ps[0]])


@pytest.mark.parametrize("function, args, wrt, kind", [
    (nested, ([[1.0, 2.0], arr(3)],), 0, list),
    (tuple_unpacked, ((arr(3), arr(3)),), 0, list),
    (tuple_indexed, ((arr(3), 2.0),), 0, list),
    (dense_layer, ({"w": arr(3, 2), "b": arr(2)}, arr(4, 3)), 0, dict),
    (shapes_differ, ([arr(2, 3), arr(3, 4), arr(5)],), 0, list),
    (items_and_numpy, ([0.1, 0.2, 0.3],), 0, np.ndarray),
    (passes_list_on, ([arr(2), arr(2)],), 0, list),
], ids=lambda v: getattr(v, "__name__", ""))
def test_derivative_has_the_structure_of_the_argument(function, args, wrt, kind):
    """JAX's convention: a list's derivative is a list of the same length, a dict's a dict with
    the same keys, each item shaped like the item (a tuple's is a list); a list that NumPy
    reads as an array gets that array's derivative."""
    (gradient,) = check_structured(function, args, wrt)
    assert isinstance(gradient, kind), type(gradient)


# -- Jacobians: lists built inside, in vector mode; list arguments refused ---------------------

def concat_inside(x):
    parts = [x[0] * x[1]] + [np.sin(x[1]), x[0] ** 2]
    rest = parts[1:]
    return np.stack([parts[0], rest[0] + rest[-1], parts[-2]])


def repeat_inside(x):
    parts = [x[0], x[1] * 3.0] * 2
    return np.stack(parts[::-1]) * np.arange(1.0, 5.0)


def numpy_of_list_inside(x):
    parts = [x[0] * x[1], x[1], x[2] ** 2]
    return np.square(parts[1:]) + np.sum(parts)


def ragged_inside(x):
    pieces = [x[:2]] + [x[1:] ** 2]
    return np.concatenate(pieces) * 2.0


def nested_list_inside(x):
    parts = [[x[0], x[1]], x[2]]
    return np.sum(np.square(parts[0]) * parts[1])


def squares_of(ps):
    return np.sum(np.square(ps) * 2.0)


def list_to_own_function(x):
    return squares_of([x[0], x[1] * x[2]]) + squares_of(x[:2])


@pytest.mark.parametrize("function", [nested_list_inside, list_to_own_function],
                         ids=lambda f: f.__name__)
def test_lists_built_inside_read_as_arrays(function):
    check_grads(function, (np.array([0.3, -0.7, 1.1]),))


@pytest.mark.parametrize("function", [concat_inside, repeat_inside, numpy_of_list_inside,
                                      ragged_inside], ids=lambda f: f.__name__)
def test_vector_mode_jacobians_of_lists_built_inside(function):
    x = np.array([0.3, -0.7, 1.1])
    check_grads(function, (x,))
    one_at_a_time = srcad.jacobian(function, mode="reverse", vector=False)(x)
    for mode in ("forward", "reverse"):
        np.testing.assert_allclose(srcad.jacobian(function, mode=mode)(x), one_at_a_time,
                                   rtol=1e-12, atol=1e-14)


def test_derivative_matrices_refuse_list_arguments():
    for matrix in (srcad.jacobian, srcad.hessian):
        with pytest.raises(srcad.InputError, match="argument 0 is a list; pass np.asarray"):
            matrix(square_sum)([1.0, 2.0])
    with pytest.raises(srcad.InputError, match="argument 0 is a tuple"):
        srcad.hvp(square_sum)((1.0, 2.0), np.ones(2))
