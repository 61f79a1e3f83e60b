"""Calls of functions srcad meets only at run time: a function passed as an argument
(``rhs(y)``), a method of an object (``model.forward(x)``, ``layer(x)`` through
``__call__``), the result of a call (``make_loss(model)(x)``), ``functools.partial``.

Generated code binds one helper per call site, as it binds ``split_of`` for a call of a
function it knows: ``rhs_fwd, rhs_bwd = dynamic_split((1,), 1)`` in reverse mode,
``rhs_jvp = dynamic_jvp((1,), 1)`` in forward mode. Position 0 is the called value (or the
receiver of a method), the others the call's arguments. At each call the helper finds
the Python function the value stands for (`unpack`) and takes its derivative through the
cache, as ``split_of`` does (``cache.derivative``): a function with a rule (``np.sin``
passed as a value) is called through a one-line function srcad writes for it.

The helpers are callables srcad differentiates again (a Hessian is forward mode over
reverse-mode code): a call of ``rhs_fwd`` in generated code is itself a call resolved at
run time, to the generated forward part of the function `rhs` stands for (`resolve`).
"""
import functools
import inspect
import types

from .arity import arity_of, with_arity
from .errors import SrcadError
from .linking import LazyDerivative
from .options import make as make_options


class Fields(dict):
    """The derivative of an object (a dataclass, a NamedTuple, any object whose attributes
    hold arrays) or of a function value's bound variables: {attribute: derivative}. A
    missing attribute counts as zero, so derivatives of different fields add up."""

    def __add__(self, other):
        if other is None or isinstance(other, (int, float)) and other == 0:
            return self
        total = Fields(self)
        for key, value in other.items():
            total[key] = value if total.get(key) is None else _add(total[key], value)
        return total

    __radd__ = __add__
    __iadd__ = __add__

    def __missing__(self, key):
        return 0.0

    def copy(self):
        return Fields(self)


def _add(a, b):
    from .runtime import add_each
    return add_each(a, b)


def unpack(value, method=None, where=""):
    """(function, leading arguments, keywords, index of the value's own derivative among the
    leading arguments or None) of calling `value` (``value.method`` when `method` is given)."""
    if method is not None:
        found = inspect.getattr_static(type(value), method, None)
        if isinstance(found, types.FunctionType):
            return found, [value], {}, 0
        return unpack(getattr(value, method), where=where)
    if isinstance(value, LazyDerivative):
        value = value.resolve()
    if isinstance(value, types.MethodType) and not isinstance(value.__self__, type):
        function, leading, keywords, _ = unpack(value.__func__, where=where)
        return function, [value.__self__] + leading, keywords, 0
    if isinstance(value, functools.partial):
        function, leading, keywords, own = unpack(value.func, where=where)
        return function, leading + list(value.args), {**keywords, **value.keywords}, \
            "partial" if value.keywords and own is None else own
    if isinstance(value, DynamicPart):
        raise SrcadError(f"{where}: a derivative of a derivative of a function held in a value "
                         "is not supported by srcad beyond second order")
    if _is_plain_function(value):
        return value, [], {}, None
    call = inspect.getattr_static(type(value), "__call__", None)
    if isinstance(call, types.FunctionType) and not isinstance(value, type):
        return call, [value], {}, 0
    return value, [], {}, None   # a function with a rule, a builtin: `call_through` wraps it


def _is_plain_function(value):
    return isinstance(value, types.FunctionType)


_WRAPPERS = {}


def call_through(function, count, keywords):
    """A Python function srcad can read that calls `function` (a NumPy function, a builtin)
    with `count` positional arguments and the named keywords: its derivative comes from
    the rule table."""
    key = (id(function), count, tuple(keywords))
    found = _WRAPPERS.get(key)
    if found is not None and found[0] is function:
        return found[1]
    from .parse import from_source
    names = [f"a{i}" for i in range(count)]
    keys = [f"{k}={k}" for k in keywords]
    signature = ", ".join(names + (["*"] + list(keywords) if keywords else []))
    label = getattr(function, "__name__", "function")
    label = label if label.isidentifier() else "function"
    text = f"def call_{label}({signature}):\n    return {label}({', '.join(names + keys)})\n"
    wrapper = from_source(text, globals={label: function, "__name__": "__srcad_call_through__"})
    _WRAPPERS[key] = (function, wrapper)
    return wrapper


def _resolved(callee, args, kwargs, method, where):
    """(function, its positional arguments, keywords, where the call's positions went):
    position 0 is the called value, 1... the call's arguments; None where a position is
    not an argument of the function (its derivative cannot reach it)."""
    if isinstance(callee, DynamicPart):
        return callee.resolve(list(args), kwargs)
    from .normalize_functions import is_user_function
    function, leading, keywords, own = unpack(callee, method, where)
    if own == "partial":   # a lambda's captured variables: keyword arguments
        own = tuple(keywords)
    keywords = {**keywords, **kwargs}
    if not is_user_function(function):   # np.tanh, np.linalg.norm, a builtin: through its rule
        function = call_through(function, len(leading) + len(args), list(keywords))
    positions = [own] + [len(leading) + i for i in range(len(args))]
    return function, leading + list(args), keywords, positions


def _wrt_of(function, positions, wrt, where):
    """[(call position, the function's parameter index, keyword or None)] for the call's
    positions `wrt`, in the order of the function's parameters."""
    from .forward import callee_parameters
    layout = []
    for i in wrt:
        position = positions[i]
        if position is None:
            raise SrcadError(f"{where}: a function value that carries derivatives here is not "
                             "supported by srcad; pass the differentiated value as an argument "
                             "of the call")
        if isinstance(position, tuple):   # a lambda's captured variables: keywords
            parameters = callee_parameters(function)
            layout.extend((i, parameters.index(k), k) for k in position if k in parameters)
        else:
            layout.append((i, position, None))
    return sorted(layout, key=lambda entry: entry[1])


def _del_oldest(known, keep=16):
    """Keep the `keep` most recent entries (a call site meets few functions)."""
    while len(known) > keep:
        del known[next(iter(known))]


def _derivative(function, mode, wrt, count, options):
    from .cache import derivative
    return derivative(function, with_arity(mode, arity_of(function, count)), wrt, None, options)


class DynamicPart:
    """One helper of a call site (see the module docstring); `wrt` indexes the call's
    positions, `method` names the method of a receiver at position 0."""

    def __init__(self, wrt, method=None, where="", vector=False, options=None):
        self.wrt, self.method, self.where = tuple(wrt), method, where
        self.vector, self.options = vector, options
        self.known = {}   # (function, mode, ...) -> (layout, derivative), the last few

    def target(self, callee, args, kwargs, mode):
        """(function, arguments, keywords, positions, layout, the derivative of `mode`)."""
        function, arguments, keywords, positions = _resolved(callee, args, kwargs, self.method, self.where)
        key = (function, mode, len(arguments), tuple(p if isinstance(p, int) else None for p in positions),
               tuple(sorted(keywords)))
        found = self.known.get(key)
        if found is None:   # once per function: generated code re-checks its own names
            layout = _wrt_of(function, positions, self.wrt, self.where)
            wrt = tuple(index for _, index, _ in layout)
            found = self.known[key] = (layout, _derivative(function, mode, wrt, len(arguments), self.options))
            _del_oldest(self.known)
        return (function, arguments, keywords, positions) + found

    def split_mode(self):
        return "split_batch" if self.vector else "split"

    def __repr__(self):
        return f"<srcad {type(self).__name__} wrt={self.wrt} at {self.where}>"


class DynamicForward(DynamicPart):
    """``value, saved = rhs_fwd(rhs, *args)``."""

    def __call__(self, callee, *args, **kwargs):
        _, arguments, keywords, _, _, split = self.target(callee, args, kwargs, self.split_mode())
        return split[0](*arguments, **keywords)

    def resolve(self, args, kwargs):   # differentiated again: the generated forward part
        _, arguments, keywords, positions, layout, split = self.target(
            args[0], args[1:], kwargs, self.split_mode())
        _single_positions(layout, self.where)
        return split[0], arguments, keywords, [None, positions[0]] + positions[1:]


class DynamicBackward(DynamicPart):
    """``cotangents = rhs_bwd(rhs, saved, g)``; the call passed `count` positional values."""

    def __init__(self, wrt, count, **kwargs):
        super().__init__(wrt, **kwargs)
        self.count = count

    def __call__(self, callee, saved, g):
        *_, layout, split = self.target(callee, [None] * self.count, {}, self.split_mode())
        pulled = split[1](saved, g)
        if all(keyword is None for _, _, keyword in layout):
            return pulled
        pulled = (pulled,) if len(layout) == 1 else pulled
        grouped = {}
        for (position, _, keyword), value in zip(layout, pulled):
            if keyword is None:
                grouped[position] = value
            else:
                grouped.setdefault(position, Fields())[keyword] = value
        values = [grouped[i] for i in self.wrt]
        return values[0] if len(values) == 1 else tuple(values)

    def resolve(self, args, kwargs):
        *_, layout, split = self.target(args[0], [None] * self.count, {}, self.split_mode())
        _single_positions(layout, self.where)
        return split[1], list(args[1:]), {}, [None, None, 0, 1]


def _captured_tangent(tangent, keyword, keywords):
    """The tangent of a lambda's captured variable: zero when it has none."""
    found = tangent.get(keyword) if isinstance(tangent, dict) else None
    if found is None:
        from .runtime import zeros_like
        return zeros_like(keywords[keyword])
    return found


def _single_positions(layout, where):
    if any(keyword is not None for _, _, keyword in layout):
        raise SrcadError(f"{where}: second derivatives through a lambda passed as a value that "
                         "reads differentiated values are not supported by srcad; pass those "
                         "values as arguments of the lambda")


class DynamicJvp(DynamicPart):
    """``value, tangent = rhs_jvp(tangents, rhs, *args)``."""

    def __init__(self, wrt, dependency=False, **kwargs):
        super().__init__(wrt, **kwargs)
        self.dependency = dependency   # the dependency mode (sparsity patterns)

    def __call__(self, tangents, callee, *args, **kwargs):
        function, arguments, keywords, positions = _resolved(callee, args, kwargs, self.method, self.where)
        given = dict(zip(self.wrt, tangents))
        if isinstance(callee, DynamicPart):   # the called value of a derivative part: its
            given = {i: t for i, t in given.items() if positions[i] is not None}   # derivative is saved
        if not given:
            from .dependencies import no_deps
            from .runtime import zeros_like
            value = function(*arguments, **keywords)
            return value, no_deps(value) if self.dependency else zeros_like(value)
        layout = _wrt_of(function, positions, tuple(given), self.where)
        kept = tuple(given[i] if keyword is None else _captured_tangent(given[i], keyword, keywords)
                     for i, _, keyword in layout)
        mode = "deps_call" if self.dependency else "jvp_batch_call" if self.vector else "jvp_call"
        jvp = _derivative(function, mode, tuple(index for _, index, _ in layout), len(arguments),
                          self.options)
        return jvp(kept, *arguments, **keywords)


def dynamic_split(wrt, count, method=None, where="", vector=False, **options):
    """(forward part, backward part) of a call site whose function is known at run time."""
    options = make_options(**options) if options else None
    shared = dict(method=method, where=where, vector=vector, options=options)
    return DynamicForward(wrt, **shared), DynamicBackward(wrt, count, **shared)


def dynamic_jvp(wrt, method=None, where="", vector=False, dependency=False, **options):
    """The forward mode of a call site whose function is known at run time (`dependency`:
    its dependency mode)."""
    options = make_options(**options) if options else None
    return DynamicJvp(wrt, dependency, method=method, where=where, vector=vector, options=options)
