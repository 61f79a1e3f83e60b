"""Issue 12, functions as values and objects: a function passed as an argument and called
inside, ``map`` / ``functools.reduce`` / ``functools.partial``, the result of a call
called, methods of objects (``model.forward(x)``, ``layer(x)``), attribute reads, and
gradients with respect to objects (dataclasses, NamedTuples, plain objects, nested),
which come back as the same type. Each in both modes against central finite differences,
vector-mode Jacobians and Hessians (forward over reverse mode) where they apply."""
import copy
import dataclasses
import functools
from typing import NamedTuple

import numpy as np
import pytest

import srcad
from srcad.testing import check_grads

from test_issue12_syntax import check_matrices

X = np.array([0.3, 0.5, 0.9])
RNG = np.random.RandomState(12)
HERE = "test_issue12_dynamic.py:"


# -- 1. functions as values ---------------------------------------------------------------------

def integrate(rhs, y0, h, steps=4):
    y = y0
    for _ in range(steps):
        y = y + h * rhs(y)
    return y


def decay(y):
    return -0.5 * y + np.sin(y)


def with_module_function(y0):
    return np.sum(integrate(decay, y0, 0.1))


def with_lambda(y0):
    return np.sum(integrate(lambda v: -v * np.cos(v), y0, 0.1))


def with_closure(y0):
    rate = 0.7

    def rhs(v):
        return -rate * v ** 2
    return np.sum(integrate(rhs, y0, 0.1))


def with_partial(y0):
    step = functools.partial(integrate, decay, h=0.05)
    return np.sum(step(y0))


def with_partial_rule(x):
    total = functools.partial(np.sum, axis=0)
    return total(np.outer(x, x) ** 2)


def with_rule_function(y0):
    """np.tanh is a ufunc, np.linalg.norm a Python function of NumPy's: both through their rules."""
    return np.sum(integrate(np.tanh, y0, 0.2)) + np.sum(integrate(np.linalg.norm, y0, 0.1, steps=2))


def with_map(x):
    return sum(map(np.sin, x)) + sum(map(lambda v: v ** 3, x))


def with_list_map(x):
    squares = list(map(lambda v: v * v, x))
    return squares[0] * squares[-1] + sum(map(lambda a, b: a * b, x, x[::-1]))


def mapped_into_numpy(x):   # a list a callee made, read by NumPy as an array
    scaled = list(map(lambda v: v * x, [1.0, 2.0]))
    return np.sum(np.stack(list(map(np.sin, scaled))) ** 2) + np.mean(scaled) + np.prod(scaled)


def mapped_captured_into_sum(x):
    def scaled(i):
        return x * i
    return np.sum(list(map(scaled, [1.0, 2.0])))


def with_reduce(x):
    product = functools.reduce(lambda a, b: a * b, x)
    return product + functools.reduce(lambda a, b: a + np.sin(b), x, 1.0)


def make_scaler(s):
    def scale(v):
        return s * np.exp(v)
    return scale


def symmetrize(f):
    return lambda a, b: 0.5 * (f(a, b) + f(b, a))


def weighted(a, b):
    return np.sum(a ** 2 * b)


def calls_of_calls(x, y):
    return np.sum(make_scaler(2.0)(x)) + symmetrize(weighted)(x, y)


def in_a_list(x):
    functions = [np.sin, lambda v: v ** 2, decay]
    return sum(np.sum(f(x)) for f in functions)


def starred_shape(x):
    rs = np.random.RandomState(0)
    noise = rs.randn(*x.shape)
    steps = [(0.1, 0.2), (0.3, 0.4)]           # no derivative flows through zip(*steps)
    return np.sum(x * noise) + sum(list(zip(*steps))[0]) * x[1]


@pytest.mark.parametrize("function", [with_module_function, with_lambda, with_closure, with_partial,
                                      with_partial_rule, with_rule_function, with_map, with_list_map,
                                      with_reduce, in_a_list, starred_shape, mapped_into_numpy,
                                      mapped_captured_into_sum],
                         ids=lambda f: f.__name__)
def test_function_values_in_both_modes(function):
    check_grads(function, (X,))


def test_calls_of_calls():
    check_grads(calls_of_calls, (X, X[::-1] + 0.2), wrt=(0, 1))


@pytest.mark.parametrize("function", [with_module_function, with_lambda, with_map, with_closure],
                         ids=lambda f: f.__name__)
def test_function_values_jacobians_and_hessians(function):
    check_matrices(function, (X,))


def test_reduce_hessian_per_direction():
    """Reverse vector mode through the list ``functools.reduce`` reads item by item is the
    known limitation of vector mode through indexed lists (test_issue12_syntax.py)."""
    gradient = srcad.grad(with_reduce)
    hessian = srcad.hessian(with_reduce, vector=False)(X)
    eps = 1e-6
    numeric = np.stack([(gradient(X + eps * e) - gradient(X - eps * e)) / (2 * eps) for e in np.eye(3)], 1)
    np.testing.assert_allclose(hessian, numeric, rtol=1e-5, atol=1e-6)


# -- 2. objects -----------------------------------------------------------------------------------

class Dense:
    def __init__(self, W, b):
        self.W = W
        self.b = b

    def __call__(self, x):
        return np.tanh(self.W @ x + self.b)


class MLP:
    def __init__(self, layers):
        self.layers = layers
        self.scale = 2.0

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return self.scale * x

    def __call__(self, x):
        return self.forward(x)


@dataclasses.dataclass
class Params:
    w: np.ndarray
    b: float
    label: str = "params"


class Pair(NamedTuple):
    a: np.ndarray
    b: np.ndarray


MODEL = MLP([Dense(RNG.randn(4, 3) / 2, RNG.randn(4) / 2), Dense(RNG.randn(2, 4) / 2, RNG.randn(2) / 2)])


def global_model(x):
    return np.sum(MODEL(x) ** 2) + np.sum(MODEL.forward(x))


def model_loss(model, x):
    return np.sum((model(x) - 0.5) ** 2)


def method_loss(model, x):
    return np.sum(model.forward(x) * model.layers[0].b[:2])


def params_loss(p, x):
    return np.sum((p.w * x + p.b) ** 2)


def pair_loss(q, x):
    return np.sum(q.a * x) * np.sum(q.b ** 2)


def layers_loss(layers, x):
    for layer in layers:
        x = layer(x)
    return np.sum(x ** 2)


def test_methods_in_both_modes():
    check_grads(global_model, (X,))
    check_grads(model_loss, (MODEL, X), wrt=1)
    check_grads(method_loss, (MODEL, X), wrt=1)
    check_matrices(global_model, (X,))


def _leaves(value, path=()):
    """(path, array) of every float or float array in an object, list or dict."""
    if isinstance(value, (np.ndarray, float)):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, path + ((dict, key),))
    elif isinstance(value, (list, tuple)) and not hasattr(type(value), "_fields"):
        for index, item in enumerate(value):
            yield from _leaves(item, path + ((list, index),))
    elif hasattr(value, "__dict__") or hasattr(type(value), "_fields"):
        fields = value._asdict() if hasattr(type(value), "_fields") else vars(value)
        for key, item in fields.items():
            yield from _leaves(item, path + ((object, key),))


def _get(value, path):
    for kind, key in path:
        value = getattr(value, key) if kind is object else value[key]
    return value


def _replaced(value, path, new):
    """A copy of `value` with the leaf at `path` replaced by `new`."""
    if not path:
        return new
    (kind, key), rest = path[0], path[1:]
    inner = _replaced(_get(value, path[:1]), rest, new)
    if kind is object:
        if hasattr(type(value), "_fields"):
            return value._replace(**{key: inner})
        if dataclasses.is_dataclass(value):
            return dataclasses.replace(value, **{key: inner})
        clone = copy.copy(value)
        setattr(clone, key, inner)
        return clone
    clone = list(value) if isinstance(value, tuple) else copy.copy(value)
    clone[key] = inner
    return type(value)(clone) if isinstance(value, tuple) else clone


def check_object_grad(f, obj, *rest, eps=1e-6):
    """srcad's gradient with respect to the object `obj` comes back as its type, each leaf
    against central differences; forward mode along a random tangent of the same type."""
    gradient = srcad.grad(f)(obj, *rest)
    assert type(gradient) is type(obj) or isinstance(obj, list) and isinstance(gradient, list)
    tangent, directional = obj, 0.0
    for path, leaf in _leaves(obj):
        got = _get(gradient, path)
        assert np.shape(got) == np.shape(leaf), path
        numeric = np.zeros(np.shape(leaf))
        for k in range(np.size(leaf)):
            step = np.zeros(np.size(leaf))
            step[k] = eps
            step = step.reshape(np.shape(leaf)) if np.ndim(leaf) else float(step[0])
            numeric.flat[k] = (f(_replaced(obj, path, leaf + step), *rest)
                               - f(_replaced(obj, path, leaf - step), *rest)) / (2 * eps)
        np.testing.assert_allclose(got, numeric, rtol=1e-5, atol=1e-6, err_msg=str(path))
        direction = RNG.randn(*np.shape(leaf)) if np.ndim(leaf) else float(RNG.randn())
        tangent = _replaced(tangent, path, direction)
        directional += np.sum(numeric * direction)
    value, derivative = srcad.jvp(f)(obj, *rest, tangent)
    np.testing.assert_allclose(value, f(obj, *rest))
    np.testing.assert_allclose(derivative, directional, rtol=1e-5, atol=1e-6)
    return gradient


def test_gradients_with_respect_to_objects_have_their_type():
    params = check_object_grad(params_loss, Params(RNG.randn(3), 0.4), X)
    assert params.label == "params"   # fields without derivatives stay as they were
    check_object_grad(pair_loss, Pair(RNG.randn(3), RNG.randn(3)), X)
    check_object_grad(model_loss, MODEL, X)    # nested: a list of objects in an attribute
    grads = srcad.grad(layers_loss)(MODEL.layers, X)
    assert isinstance(grads, list) and all(type(g) is Dense for g in grads)
    check_object_grad(lambda layers, x: layers_loss(layers, x), MODEL.layers, X)
    with pytest.raises(srcad.InputError, match="argument 0 is a Params"):   # matrices take arrays
        srcad.hessian(params_loss)(Params(RNG.randn(3), 0.4), X)


class Recorder:
    def __init__(self):
        self.h = None

    def run(self, x):
        self.h = np.sin(x)
        return np.sum(self.h)


def sets_an_attribute(x):
    recorder = Recorder()
    return recorder.run(x)


def test_setting_an_attribute_names_the_line():
    with pytest.raises(srcad.UnsupportedSyntax) as info:
        srcad.grad(sets_an_attribute)(X)
    text = str(info.value)
    assert HERE in text.split(" ")[0] and "setting the attribute `self.h`" in text, text


# -- a lambda that reads differentiated values, passed to a function ---------------------------

def decay_with_rate(k, y0):
    with np.errstate(over="ignore"):
        y = integrate(lambda v: -k * v + np.sin(v) * k ** 2, y0, 0.1)
    return np.sum(y ** 2)


def test_lambda_reading_differentiated_values_passed_as_an_argument():
    k, y0 = np.array([0.5, 0.7, 0.9]), np.array([1.0, 2.0, 0.5])
    check_grads(decay_with_rate, (k, y0), wrt=(0, 1))
    check_matrices(decay_with_rate, (k, y0), hessian=False)
    with pytest.raises(srcad.SrcadError, match=HERE + r"\d+: second derivatives through a lambda"):
        srcad.hessian(decay_with_rate)(k, y0)


# -- 3. dict methods ------------------------------------------------------------------------------

def dict_items(d, x):
    total = 0.0
    for key, value in d.items():
        total = total + np.sum(value * x) * (2.0 if key == "a" else 1.0)
    return total


def dict_values(d, x):
    values = d.values()
    return sum(np.sum(v ** 2 * x) for v in values) + np.sum(list(d.values())[0])


def dict_get(d, x):
    return np.sum(d.get("a") * x) + np.sum(d.get("missing", x) ** 2) + len(d.keys())


def dict_built(d, x):
    e = dict(a=x, b=2.0 * x)
    f = {**d, "c": x ** 2, **e}
    return np.sum(f["a"] * f["c"]) + np.sum(f["b"] * d["b"])


DICT = {"a": np.array([1.0, 2.0, 3.0]), "b": np.array([0.5, -0.1, 0.2])}


@pytest.mark.parametrize("function", [dict_items, dict_values, dict_get, dict_built],
                         ids=lambda f: f.__name__)
def test_dict_methods_in_both_modes(function):
    check_grads(function, (DICT, X), wrt=1)
    gradient = check_object_grad(function, DICT, X)   # keyed as the dict, forward mode too
    assert sorted(gradient) == ["a", "b"]
    # vector-mode Hessians through a dict built in the function: its adjoint's items are
    # written one by one (``f_bar['b'] = ...``), the known limitation of vector mode there
    check_matrices(function, (DICT, X), wrt=1,
                   hessian=True if function is not dict_built else "per direction")


# -- 4. mutating an argument ----------------------------------------------------------------------

def mutates(x, a, b):
    x[0] = a * b
    x[1:] += np.sin(x[:-1]) * a
    return np.sum(x ** 2) + x[2] * b


def _numeric_gradient(f, args, i, eps=1e-6):
    """Central differences of f with respect to args[i], each call on fresh copies."""
    base = np.asarray(args[i], dtype=float)
    out = np.zeros(base.shape)
    for k in range(base.size):
        step = np.zeros(base.size)
        step[k] = eps
        step = step.reshape(base.shape)
        values = []
        for sign in (1, -1):
            shifted = [np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args]
            shifted[i] = base + sign * step if base.ndim else float(base + sign * step)
            values.append(f(*shifted))
        out.flat[k] = (values[0] - values[1]) / (2 * eps)
    return out


def test_mutated_arguments_are_differentiated_on_a_copy():
    x, a, b = np.array([0.3, 0.5, 0.9, 1.2]), 0.7, 1.3
    kept = x.copy()
    gradients = srcad.grad(mutates, wrt=(0, 1, 2))(x, a, b)
    for i, gradient in enumerate(gradients):
        np.testing.assert_allclose(gradient, _numeric_gradient(mutates, (kept, a, b), i),
                                   rtol=1e-6, atol=1e-7)
    tangent = np.array([0.1, -0.2, 0.3, 0.4])
    value, derivative = srcad.jvp(mutates)(x, a, b, tangent)
    np.testing.assert_allclose(derivative, gradients[0] @ tangent)
    np.testing.assert_allclose(value, mutates(kept.copy(), a, b))
    hessian = srcad.hessian(mutates)(x, a, b)
    numeric = np.stack([_numeric_gradient(lambda *args: srcad.grad(mutates)(*args)[k], (kept, a, b), 0)
                        for k in range(4)])
    np.testing.assert_allclose(hessian, numeric, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(x, kept)          # the derivative code never wrote into x
    mutates(x, a, b)
    assert x[0] == a * b                            # your function still does, as NumPy does


# -- code written elsewhere: shapes of HIPS autograd's examples ------------------------------------

def unpack(params):
    return np.tanh(params["scale"]), params["means"], params["widths"]


def star_zip_loss(params, x):
    """``zip(*call(...))`` unpacked in a loop, as autograd's gmm example writes it."""
    total = 0.0
    for scale, mean, width in zip(*unpack(params)):
        total = total + scale * np.sum(np.exp(-((x - mean) / width) ** 2))
    return total


def predict(params, inputs):
    """A nested def that reads a dict argument, called in a loop (autograd's rnn example)."""
    def update(h, x):
        return np.tanh(params["change"] * h + x)
    h = params["init"]
    outputs = [h]
    for x in inputs:
        h = update(h, x)
        outputs.append(h * params["change"])
    return outputs


def sequence_loss(params, inputs):
    outputs = predict(params, inputs)
    return sum(np.sum(o ** 2) for o in outputs)


def test_shapes_of_autograd_examples():
    params = {"scale": np.array([0.3, -0.2]), "means": np.array([0.1, 0.5]), "widths": np.array([1.0, 2.0])}
    check_object_grad(star_zip_loss, params, X)
    check_grads(star_zip_loss, (params, X), wrt=1)
    check_object_grad(sequence_loss, {"change": np.array([0.5, -0.3, 0.8]), "init": X}, RNG.randn(4, 3))


class Scaled(NamedTuple):
    value: np.ndarray
    scale: float = 2.0


def builds_records(x):
    params = Params(w=np.sin(x), b=np.sum(x))          # a dataclass, label left at its default
    pair = Pair(x * 2, b=np.exp(x))                     # a NamedTuple, a keyword too
    scaled = Scaled(x ** 2)                             # a NamedTuple's default
    return np.sum(params.w * pair.a) * params.b + np.sum(pair.b * scaled.value) * scaled.scale


def updates_a_record_argument(params, x):
    stepped = Params(w=params.w - 0.1 * x * params.b, b=params.b * 2.0)
    return np.sum(stepped.w ** 2) + stepped.b * np.sum(x)


def test_records_built_from_differentiated_values():
    x = np.array([0.3, 0.5, 0.9])
    check_grads(builds_records, (x,))
    check_matrices(builds_records, (x,), hessian="per direction")
    with pytest.warns(RuntimeWarning, match="one direction at a time"):   # vector mode: not yet
        hessian = srcad.hessian(builds_records)(x)
    np.testing.assert_allclose(hessian, srcad.hessian(builds_records, vector=False)(x), rtol=1e-12)
    params = Params(w=np.array([0.2, -0.4, 0.7]), b=1.5)
    gradient = srcad.grad(updates_a_record_argument)(params, x)
    assert type(gradient) is Params
    step = 1e-6
    for field, shape in (("w", (3,)), ("b", ())):
        for index in np.ndindex(shape):
            def shifted(delta):
                value = np.array(getattr(params, field), dtype=float)
                value[index] += delta
                return updates_a_record_argument(dataclasses.replace(params, **{field: value[()]}), x)
            numeric = (shifted(step) - shifted(-step)) / (2 * step)
            np.testing.assert_allclose(np.asarray(getattr(gradient, field))[index], numeric, rtol=1e-6)
    check_grads(updates_a_record_argument, (params, x), wrt=1)


def test_a_record_with_a_field_left_out_before_a_given_one_is_refused():
    def skips_a_field(x):
        pair = Scaled(scale=np.sum(x))
        return pair.scale
    with pytest.raises(TypeError):   # Python's own error: `value` is required
        skips_a_field(np.ones(2))


def loss_of_dict(x, params):
    return np.sum(params["w"] ** 2 * np.sin(x)) + params["b"] * np.sum(x)


def tanh_of_record(params, x):
    return np.sum(np.tanh(params.w * x)) * params.b


def test_check_grads_takes_dicts_lists_and_objects():
    x = np.array([0.3, 0.5])
    check_grads(loss_of_dict, (x, {"w": np.array([0.2, 0.4]), "b": 1.5}), wrt=(0, 1))
    check_grads(updates_a_record_argument, (Params(w=np.array([0.2, -0.4, 0.7]), b=1.5), X[:3]),
                wrt=(0, 1))
    with pytest.raises(AssertionError, match="derivative mismatch"):   # it can fail: a coarse step
        check_grads(tanh_of_record, (Params(w=np.array([0.2, -0.4, 0.7]), b=1.5), X),
                    wrt=0, eps=0.5, rtol=1e-9, atol=1e-12)


def sums_a_list(x):
    return sum([x[0] * x[1], np.sin(x[2]), x[0] ** 3])


def test_vector_mode_falls_back_to_one_direction_at_a_time():
    x = np.array([0.3, 0.5, 0.9])
    with pytest.warns(RuntimeWarning, match="vector mode of sums_a_list_grad failed"):
        hessian = srcad.hessian(sums_a_list)(x)
    expected = np.array([[6 * x[0], 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, -np.sin(x[2])]])
    np.testing.assert_allclose(hessian, expected, rtol=1e-12, atol=1e-15)
