"""Vector mode through calls of your own functions, on the whole rule table.

Every case of tests/rule_cases/ runs in two wrappers that put a user-function call between
the rule and the Jacobian:

- *callee*: ``def w(a, b): return case(a, b)``, so the rule runs inside a function that is
  called with derivatives carrying the leading axis of directions (its split / JVP form in
  vector mode), and the result comes back through the call;
- *caller*: the case's own body, with each differentiated parameter first passed through
  ``passthrough(p)``, a user function: the rule then meets derivative values that a user
  call returned.

For each, ``srcad.jacobian`` in forward and reverse mode, in vector mode (one sweep for
all directions) and with ``vector=False`` (one JVP / VJP per direction), must agree with
each other and with central finite differences.
"""
import ast
import functools
import importlib
import inspect
import itertools
import linecache
import textwrap

import numpy as np
import pytest

import srcad
from srcad.testing import numerical_jvp

CASE_MODULES = ("elementwise", "reductions", "scalars", "nondifferentiable", "helpers", "shape",
                "linalg")
CASES = [(name, case) for name in CASE_MODULES
         for case in importlib.import_module(f"rule_cases.{name}").CASES]
_COUNTER = itertools.count()


def passthrough(value):
    """A user function: what it returns is a user call's result in the caller."""
    return value


def _compile(source, globals_, name):
    """A function from `source`, readable by srcad (its text is registered with linecache).
    Each gets its own name: equal code objects would share srcad's in-memory cache entry."""
    unique = f"{name}_{next(_COUNTER)}"
    source = source.replace(f"def {name}(", f"def {unique}(", 1)
    filename = f"<through-calls {unique}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = dict(globals_)
    exec(compile(source, filename, "exec"), namespace)  # noqa: S102
    return namespace[unique]


@functools.lru_cache(maxsize=None)
def callee_wrapper(f):
    """``return case(a, b)``: one wrapper per case function (its shape variants share it)."""
    params = ", ".join(inspect.signature(f).parameters)
    source = f"def through_callee({params}):\n    return case_function({params})\n"
    return _compile(source, {**f.__globals__, "case_function": f}, "through_callee")


@functools.lru_cache(maxsize=None)
def caller_wrapper(f, wrt):
    """The case's body, its differentiated inputs `wrt` passed through a user call first."""
    node = ast.parse(textwrap.dedent(inspect.getsource(f))).body[0]
    node.name = "through_caller"
    params = list(inspect.signature(f).parameters)
    first = [ast.parse(f"{params[i]} = passthrough({params[i]})").body[0] for i in wrt]
    node.body = first + node.body
    source = ast.unparse(ast.fix_missing_locations(node)) + "\n"
    return _compile(source, {**f.__globals__, "passthrough": passthrough}, "through_caller")


def _as_tuple(value):
    return value if isinstance(value, tuple) else (value,)


def _blocks(jacobian, single_output):
    """Per output, per wrt argument: the blocks of ``srcad.jacobian(f, wrt=<tuple>)``."""
    return [list(b) for b in ([jacobian] if single_output else jacobian)]


def _fd_blocks(f, args, wrt, outputs):
    blocks = []
    for o, out in enumerate(outputs):
        row = []
        for i in wrt:
            shape = np.shape(args[i])
            size = int(np.prod(shape, dtype=int))
            columns = []
            for k in range(size):
                unit = np.zeros(size)
                unit[k] = 1.0
                direction = unit.reshape(shape) if shape else 1.0
                columns.append(np.ravel(numerical_jvp(f, args, (i,), (direction,))[o]))
            matrix = np.stack(columns, axis=-1) if columns else np.zeros((int(np.size(out)), 0))
            row.append(matrix.reshape(np.shape(out) + shape))
        blocks.append(row)
    return blocks


def check_through(wrapper, case, per_direction=True):
    args, wrt = tuple(case.args), tuple(case.wrt)
    outputs = wrapper(*args)
    single_output = not isinstance(outputs, tuple)
    outputs = _as_tuple(outputs)
    modes = ("forward", "reverse") if single_output else ("forward",)
    expected = None
    if case.differentiable:
        expected = _fd_blocks(wrapper, args, wrt, outputs)
    for mode in modes:
        vector = _blocks(srcad.jacobian(wrapper, wrt=wrt, mode=mode)(*args), single_output)
        single = per_direction and _blocks(
            srcad.jacobian(wrapper, wrt=wrt, mode=mode, vector=False)(*args), single_output)
        for o, out in enumerate(outputs):
            for j, i in enumerate(wrt):
                shape = np.shape(out) + np.shape(args[i])
                v = np.asarray(vector[o][j])
                assert v.shape == shape, f"{mode} vector mode: block shape {v.shape}, expected {shape}"
                if single:
                    np.testing.assert_allclose(v, single[o][j], rtol=1e-7, atol=1e-9,
                                               err_msg=f"{mode}: vector mode != one direction at a time")
                if expected is None:
                    assert np.all(v == 0), f"{mode}: a nondifferentiable case has a nonzero Jacobian"
                else:
                    np.testing.assert_allclose(v, expected[o][j], rtol=max(case.rtol, 1e-5),
                                               atol=max(case.atol, 1e-6),
                                               err_msg=f"{mode}: against finite differences")


IDS = [f"{m}:{c.id}" for m, c in CASES]


@pytest.fixture(autouse=True, scope="module")
def no_disk_cache():
    """Thousands of wrappers: keep their generated files in memory only (the disk cache is
    tested on its own)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SRCAD_CACHE_DIR", "")
        yield


@pytest.mark.parametrize("module, case", CASES, ids=IDS)
def test_rule_inside_a_called_function(module, case):
    check_through(callee_wrapper(case.function), case)


@pytest.mark.parametrize("module, case", CASES, ids=IDS)
def test_rule_on_values_a_call_returned(module, case):
    check_through(caller_wrapper(case.function, tuple(case.wrt)), case, per_direction=False)
