"""``*args`` specialization: srcad transforms a function with ``*args`` for the number of
values its ``*args`` holds at a call, which the mode carries (``"grad*2"``: the gradient
with two values in ``*args``), so that each number has its own cache entry."""
import inspect


def with_arity(mode, arity):
    """`mode` for `arity` values in ``*args`` (None: the function has no ``*args``)."""
    return mode if arity is None else f"{mode}*{arity}"


def split_arity(mode):
    """(mode, arity) of a mode that may carry one."""
    base, star, count = mode.partition("*")
    return (base, int(count)) if star else (mode, None)


def arity_of(function, positional_count):
    """How many of `positional_count` positional arguments go to `function`'s ``*args``;
    None if it has none."""
    code = getattr(function, "__code__", None)
    if code is None or not code.co_flags & inspect.CO_VARARGS:
        return None
    return max(0, positional_count - code.co_argcount)


def has_varargs(function):
    code = getattr(function, "__code__", None)
    return code is not None and bool(code.co_flags & inspect.CO_VARARGS)
