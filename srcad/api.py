"""The public transformations: grad, value_and_grad, vjp, jvp, source, differentiable.

`wrt` is an int or a tuple of ints (JAX's ``argnums``); with a tuple, derivatives come
back as a tuple in the same order. Each transformation returns a real Python function
compiled from generated source; ``srcad.source(g)`` prints it.
"""
import functools
import inspect
import numbers
from typing import Any, Callable, ParamSpec, TypeVar, Union, overload

import numpy as np

from .arity import has_varargs, with_arity
from .cache import derivative
from .compiled import usable
from .errors import InputError, SrcadError
from .options import make as make_options
from .runtime import check_input

P = ParamSpec("P")
R = TypeVar("R")
Wrt = Union[int, tuple[int, ...]]
Checkpoint = Union[int, str, None]   # snapshots per loop, "auto", or None: a tape


def _is_index(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def _normalize_wrt(wrt):
    if _is_index(wrt):
        return (int(wrt),), False
    if isinstance(wrt, tuple) and wrt and all(_is_index(i) for i in wrt):
        return tuple(int(i) for i in wrt), True
    raise SrcadError(f"wrt must be an int or a non-empty tuple of ints (positions of arguments, "
                     f"as JAX's argnums), not {wrt!r}")


def _plain_function(f):
    if isinstance(f, Differentiable):
        return f.function
    if hasattr(f, "__srcad_origin__") and hasattr(f, "__wrapped__"):
        return f.__wrapped__   # vjp/jvp's calling convention around generated code
    if inspect.isfunction(f):
        return f
    raise SrcadError(f"srcad transforms Python functions defined with `def`; got {f!r}")


def _transform(mode, f, wrt, **options):
    if f is None:  # used as @srcad.grad(wrt=1)
        return functools.partial(_TRANSFORMATIONS[mode], wrt=wrt, **options)
    indices, as_tuple = _normalize_wrt(wrt)
    function = _plain_function(f)
    if has_varargs(function):
        return _vararg_calls(mode, function, indices, as_tuple, usable(make_options(**options)))
    generated = derivative(function, mode, indices, as_tuple, usable(make_options(**options)))
    if mode == "vjp":
        return _vjp_calls(generated, function, indices)
    if mode == "jvp":
        return _jvp_calls(generated, function, indices)
    return generated


def _checkpointing(checkpoint, checkpoint_memory):
    """The checkpointing options that differ from the defaults (so that the others keep
    the cache keys of the ordinary code)."""
    options = {}
    if checkpoint is not None:
        options["checkpoint"] = checkpoint
    if checkpoint_memory != "256MB":
        options["checkpoint_memory"] = checkpoint_memory
    return options


def _vararg_calls(mode, function, indices, as_tuple, options):
    """A function with ``*args`` is transformed for the number of values its ``*args``
    holds at each call (one generated function per number, cached). `wrt` counts the
    positional arguments as passed. The one for the fewest values `wrt` allows is made
    now (its source is what ``srcad.source`` shows)."""
    named = function.__code__.co_argcount
    trailing = {"vjp": 1, "jvp": len(indices)}.get(mode, 0)   # the cotangent, the tangents

    def specialized(count):
        generated = derivative(function, with_arity(mode, count), indices, as_tuple, options)
        if mode == "vjp":
            return _vjp_calls(generated, function, indices)
        if mode == "jvp":
            return _jvp_calls(generated, function, indices)
        return generated
    fewest = max(0, max(indices) + 1 - named)
    made = {fewest: specialized(fewest)}

    def vararg_function(*args, **kwargs):
        count = max(0, len(args) - trailing - named)
        target = made.get(count)
        if target is None:
            target = made[count] = specialized(count)
        return target(*args, **kwargs)
    first = made[fewest]
    return _derivative_function(vararg_function, getattr(first, "__wrapped__", first))


@overload
def grad(f: Callable[P, Any], wrt: Wrt = 0, *, debug_nans: bool = False, checkpoint: Checkpoint = None,
         checkpoint_memory: int | str = "256MB", compile: str | None = None) -> Callable[P, Any]: ...
@overload
def grad(f: None = None, wrt: Wrt = 0, *, debug_nans: bool = False, checkpoint: Checkpoint = None,
         checkpoint_memory: int | str = "256MB", compile: str | None = None
         ) -> Callable[[Callable[P, Any]], Callable[P, Any]]: ...


def grad(f=None, wrt=0, *, debug_nans=False, checkpoint=None, checkpoint_memory="256MB", compile=None):
    """Gradient of a scalar function: ``grad(f, wrt=0)(*args)`` is df/d args[wrt], shaped
    like that argument (a tuple of gradients for a tuple `wrt`). Raises
    srcad.NotScalarOutput if f's result is not a scalar (an output of one element, such as
    a (1, 1) product, counts as one); use `vjp` or `jacobian` then.

    ``debug_nans=True`` (for every derivative: ``SRCAD_DEBUG_NANS=1``) checks each derivative
    statement and raises srcad.NonFiniteDerivative at the first that is not finite, naming
    your line (as the other transformations do).

    ``checkpoint=k`` reverses each loop that is not inside another loop keeping at most k
    snapshots of its state instead of a tape entry per iteration, recomputing the rest on
    the binomial (revolve) schedule: same gradient, bit for bit, in bounded memory;
    ``checkpoint="auto"`` takes as many snapshots as ``checkpoint_memory`` ("256MB") holds
    (docs/checkpointing.md). `value_and_grad`, `vjp` and `jacobian(mode="reverse")` take
    the same keywords.

    ``compile="numba"`` compiles the derivative with numba (``pip install 'srcad[numba]'``):
    srcad.CompileError names your line if it does not fit numba's subset; ``"numba?"`` warns
    once and runs the NumPy derivative then (docs/performance.md); ``"auto"`` compiles in
    the background and runs numba's code only where it is faster than NumPy, never waiting
    more than ~2 s (srcad.compiled.choice(g) says what runs and why). The other
    transformations take it too."""
    return _transform("grad", f, wrt, debug_nans=debug_nans, compile=compile,
                      **_checkpointing(checkpoint, checkpoint_memory))


@overload
def value_and_grad(f: Callable[P, R], wrt: Wrt = 0, *, debug_nans: bool = False, checkpoint: Checkpoint = None,
                   checkpoint_memory: int | str = "256MB", compile: str | None = None
                   ) -> Callable[P, tuple[R, Any]]: ...
@overload
def value_and_grad(f: None = None, wrt: Wrt = 0, *, debug_nans: bool = False, checkpoint: Checkpoint = None,
                   checkpoint_memory: int | str = "256MB", compile: str | None = None
                   ) -> Callable[[Callable[P, R]], Callable[P, tuple[R, Any]]]: ...


def value_and_grad(f=None, wrt=0, *, debug_nans=False, checkpoint=None, checkpoint_memory="256MB",
                   compile=None):
    """``value_and_grad(f, wrt=0)(*args)`` returns ``(f(*args), grad)`` from one pass."""
    return _transform("value_and_grad", f, wrt, debug_nans=debug_nans, compile=compile,
                      **_checkpointing(checkpoint, checkpoint_memory))


@overload
def vjp(f: Callable[..., R], wrt: Wrt = 0, *, debug_nans: bool = False, checkpoint: Checkpoint = None,
        checkpoint_memory: int | str = "256MB", compile: str | None = None
        ) -> Callable[..., tuple[R, Any]]: ...
@overload
def vjp(f: None = None, wrt: Wrt = 0, *, debug_nans: bool = False, checkpoint: Checkpoint = None,
        checkpoint_memory: int | str = "256MB", compile: str | None = None
        ) -> Callable[[Callable[..., R]], Callable[..., tuple[R, Any]]]: ...


def vjp(f=None, wrt=0, *, debug_nans=False, checkpoint=None, checkpoint_memory="256MB", compile=None):
    """Reverse mode: ``vjp(f, wrt=0)(*args, cotangent, **kwargs)`` returns ``(f(*args), vᵀJ)``,
    the cotangent pulled back to args[wrt] (PyTorch's ``y.backward(gradient=v)``). Pass f's
    arguments as for f itself (defaults apply, keywords allowed), then the cotangent, shaped
    like f's output (a tuple if f returns a tuple)."""
    return _transform("vjp", f, wrt, debug_nans=debug_nans, compile=compile,
                      **_checkpointing(checkpoint, checkpoint_memory))


@overload
def jvp(f: Callable[..., R], wrt: Wrt = 0, *, debug_nans: bool = False, compile: str | None = None
        ) -> Callable[..., tuple[R, Any]]: ...
@overload
def jvp(f: None = None, wrt: Wrt = 0, *, debug_nans: bool = False, compile: str | None = None
        ) -> Callable[[Callable[..., R]], Callable[..., tuple[R, Any]]]: ...


def jvp(f=None, wrt=0, *, debug_nans=False, compile=None):
    """Forward mode: ``jvp(f, wrt=0)(*args, *tangents, **kwargs)`` returns ``(f(*args), J·t)``:
    f's arguments as for f itself, then one tangent per `wrt` argument, each shaped like it."""
    return _transform("jvp", f, wrt, debug_nans=debug_nans, compile=compile)


_TRANSFORMATIONS = {"grad": grad, "value_and_grad": value_and_grad, "vjp": vjp, "jvp": jvp}


@functools.lru_cache(maxsize=None)
def _positional_count(function):
    return sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
               for p in inspect.signature(function, follow_wrapped=False).parameters.values())


def bind_call(function, args, kwargs=None):
    """(positional values, keyword-only values) of the call ``function(*args, **kwargs)``,
    defaults filled in: generated code takes every positional argument explicitly."""
    if not kwargs and len(args) == _positional_count(function):
        return list(args), {}
    signature = inspect.signature(function, follow_wrapped=False)
    try:
        bound = signature.bind(*args, **(kwargs or {}))
    except TypeError as error:
        raise SrcadError(f"{where(function)}: {function.__qualname__}{signature}: {error}") from None
    bound.apply_defaults()
    parameters = signature.parameters.values()
    positional = [bound.arguments[p.name] for p in parameters
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    keywords = {p.name: bound.arguments[p.name] for p in parameters if p.kind == p.KEYWORD_ONLY}
    for p in parameters:   # *args: positional values of their own; **kwargs: keywords
        if p.kind == p.VAR_POSITIONAL:
            positional += list(bound.arguments[p.name])
        elif p.kind == p.VAR_KEYWORD:
            keywords.update(bound.arguments[p.name])
    return positional, keywords


def where(function):
    """``file:line`` of a function's definition, for the errors about its arguments."""
    code = function.__code__
    return f"{code.co_filename}:{code.co_firstlineno}"


def check_inputs(function, positional, indices):
    """Raise srcad.InputError unless the differentiated arguments are real floats."""
    parameters = inspect.signature(function, follow_wrapped=False).parameters.values()
    names = [p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    vararg = next((p.name for p in parameters if p.kind == p.VAR_POSITIONAL), None)
    for i in indices:
        if i >= len(positional):
            raise SrcadError(f"{where(function)}: wrt={i} is out of range: {function.__qualname__} "
                             f"is called with {len(positional)} positional arguments")
        name = names[i] if i < len(names) else f"{vararg}[{i - len(names)}]"
        check_input(positional[i], i, name, f"{where(function)}: {function.__qualname__}")


def _check_shape(what, value, like, function, detail):
    if type(value) is np.ndarray and type(like) is np.ndarray and value.shape == like.shape \
            or type(like) is float and type(value) is float:
        return   # the common cases, kept cheap
    if _is_array_like(value) and _is_array_like(like) and np.shape(value) != np.shape(like):
        raise InputError(f"{where(function)}: {function.__qualname__}: the {what} has shape {np.shape(value)}, but "
                         f"{detail} has shape {np.shape(like)}; they must be equal (srcad does "
                         "not broadcast cotangents or tangents)")


def _is_array_like(value):
    return isinstance(value, (numbers.Number, np.ndarray, np.generic)) or hasattr(value, "shape")


def _split_call(function, args, kwargs, extra, what):
    """A derivative call's arguments: your function's, then `extra` trailing values."""
    if len(args) < extra:
        raise SrcadError(f"{where(function)}: {function.__qualname__}: pass the arguments of "
                         f"{function.__name__}, then the {what}")
    positional, keywords = bind_call(function, args[:len(args) - extra], kwargs)
    return positional, keywords, list(args[len(args) - extra:])


def _vjp_calls(generated, function, indices):
    """``vjp(f)(*args, v, **kwargs)``: your function's arguments (defaults and keywords as
    for f itself), then the cotangent."""
    count = _positional_count(function)

    def vjp_function(*args, **kwargs):
        if len(args) == count + 1 and not kwargs:
            try:
                result = generated(*args)
            except Exception:
                _check_cotangent(function, args[-1], function(*args[:-1]))
                raise
            cotangent = args[-1]
        else:
            positional, keywords, (cotangent,) = _split_call(function, args, kwargs, 1, "cotangent")
            try:
                result = generated(*positional, cotangent, **keywords)
            except Exception:
                _check_cotangent(function, cotangent, function(*positional, **keywords))
                raise
        value = result[0]
        if type(value) is not type(cotangent) or type(value) is np.ndarray and value.shape != cotangent.shape:
            _check_cotangent(function, cotangent, value)   # the common cases pass without a call
        return result
    return _derivative_function(vjp_function, generated)


def _check_cotangent(function, cotangent, value):
    if isinstance(value, tuple) and isinstance(cotangent, tuple):
        for k, (v, c) in enumerate(zip(value, cotangent)):
            _check_shape(f"cotangent of output {k}", c, v, function, "that output")
    elif not isinstance(value, tuple):
        _check_shape("cotangent", cotangent, value, function, "its output")


def _jvp_calls(generated, function, indices):
    """``jvp(f, wrt)(*args, *tangents, **kwargs)``: your function's arguments, then one
    tangent per differentiated argument, each shaped like it."""
    count = _positional_count(function)

    def jvp_function(*args, **kwargs):
        if len(args) == count + len(indices) and not kwargs:
            positional, keywords, tangents = args[:count], {}, args[count:]
        else:
            positional, keywords, tangents = _split_call(function, args, kwargs, len(indices),
                                                         f"{len(indices)} tangent(s)")
        for i, tangent in zip(indices, tangents):
            _check_shape(f"tangent of argument {i}", tangent, positional[i], function, "the argument")
        return generated(*positional, *tangents, **keywords)
    return _derivative_function(jvp_function, generated)


def _derivative_function(wrapper, generated):
    wrapper.__srcad_source__ = generated.__srcad_source__
    wrapper.__srcad_origin__ = generated.__srcad_origin__
    wrapper.__name__ = wrapper.__qualname__ = generated.__name__
    wrapper.__doc__ = generated.__doc__
    wrapper.__wrapped__ = generated
    return wrapper


def source(g):
    """The generated Python source of a function srcad produced."""
    text = getattr(g, "__srcad_source__", None)
    if text is None:
        raise SrcadError(f"{g!r} was not generated by srcad; srcad.source takes the result of "
                         "srcad.grad / vjp / jvp / value_and_grad")
    return text


class Differentiable:
    """A function marked for differentiation (``@srcad.differentiable``).

    Calls like the original; ``.grad()``, ``.value_and_grad()``, ``.vjp()``, ``.jvp()``
    give its derivatives and ``.source(mode)`` the generated code.
    """

    def __init__(self, function):
        self.function = function
        functools.update_wrapper(self, function)

    def __call__(self, *args, **kwargs):
        return self.function(*args, **kwargs)

    def grad(self, wrt=0, **options):
        return grad(self.function, wrt, **options)

    def value_and_grad(self, wrt=0, **options):
        return value_and_grad(self.function, wrt, **options)

    def vjp(self, wrt=0, **options):
        return vjp(self.function, wrt, **options)

    def jvp(self, wrt=0, **options):
        return jvp(self.function, wrt, **options)

    def source(self, mode="vjp", wrt=0, **options):
        """Generated source for mode "grad", "value_and_grad", "vjp" or "jvp"."""
        modes = {"grad": grad, "value_and_grad": value_and_grad, "vjp": vjp, "jvp": jvp,
                 "reverse": vjp, "forward": jvp}
        if mode not in modes:
            raise SrcadError(f"mode must be one of {sorted(modes)}, not {mode!r}")
        return source(modes[mode](self.function, wrt, **options))

    def __repr__(self):
        return f"<srcad.differentiable {self.function.__qualname__}>"


def differentiable(function):
    """Decorator: mark `function` for differentiation; see `Differentiable`."""
    return Differentiable(_plain_function(function))
