"""Objects in derivatives: a dataclass, a NamedTuple or any object whose attributes hold
arrays is differentiated field by field, as JAX does with pytrees. Inside derivative code
the derivative of an object is a `Fields` dict (attribute -> derivative, a missing one
counting as zero); `as_structure_of` hands it back to you as an object of the same type,
with the derivatives in its fields."""
import copy
import dataclasses
import functools
import types

import numpy as np

from .dynamic import Fields


def read_attribute(obj, name):
    """``obj.name``: what generated code runs for a differentiated attribute read."""
    return getattr(obj, name)


def record_fields(cls):
    """The fields, in order, of a class whose constructor only stores its arguments: a
    NamedTuple, or a dataclass with its generated ``__init__`` and no ``__post_init__``
    (None for any other class: its ``__init__`` may compute)."""
    if not isinstance(cls, type):
        return None
    if issubclass(cls, tuple) and hasattr(cls, "_fields"):
        return list(cls._fields)
    if dataclasses.is_dataclass(cls) and cls.__dataclass_params__.init \
            and not hasattr(cls, "__post_init__"):
        fields = dataclasses.fields(cls)
        return [f.name for f in fields] if all(f.init for f in fields) else None
    return None


def record_of(cls, values):
    """``cls(...)`` of a NamedTuple (`values` a tuple of its first fields) or a dataclass
    (`values` a dict of the fields given): what generated code runs to build one."""
    return cls(*values) if isinstance(values, tuple) else cls(**values)


def attribute_tangent(obj_dot, obj, name):
    """The tangent of ``obj.name`` from the tangent of `obj` (a `Fields`, a list for a
    NamedTuple, or an object of `obj`'s type that you passed as a tangent)."""
    if isinstance(obj_dot, dict):
        return obj_dot.get(name, 0.0)
    if isinstance(obj_dot, (list, tuple)) and isinstance(obj, tuple):
        index = type(obj)._fields.index(name)   # fields left at their defaults: no tangent
        return obj_dot[index] if index < len(obj_dot) else 0.0
    return getattr(obj_dot, name)


def field_cotangent(g, obj, name):
    """The cotangent of `obj` from that of ``obj.name``: a `Fields`, or for a NamedTuple (a
    tuple, whose derivative is a list) a list with `g` in the field's place, zeros elsewhere."""
    if isinstance(obj, tuple):
        from .runtime import Cotangents, zeros_like
        return Cotangents(g if field == name else zeros_like(value)
                          for field, value in zip(type(obj)._fields, obj))
    return Fields({name: g})


def field_of(g, name):
    """The derivative of a lambda's captured variable `name` from the derivative of the
    lambda as a value (a `Fields`; zero when nothing reached it)."""
    found = g.get(name) if isinstance(g, dict) else None
    return 0.0 if found is None else found


def fields_with(g, name):
    """The derivative of a lambda as a value from that of its captured variable `name`."""
    return Fields({name: g})


def is_object(x):
    """Whether `x` is differentiated field by field (not an array, number or container)."""
    return not isinstance(x, (np.ndarray, np.generic, int, float, complex, str, bytes, list, dict,
                              type(None), type, types.FunctionType, types.BuiltinFunctionType,
                              types.MethodType, types.ModuleType, np.ufunc)) and not _is_array(x) and (
        isinstance(x, tuple) and hasattr(type(x), "_fields")
        or not isinstance(x, tuple) and (hasattr(x, "__dict__") or dataclasses.is_dataclass(x)
                                         or isinstance(x, functools.partial)))


def _is_array(x):
    """Arrays of other libraries (Dask, CuPy, array-API arrays) are values, not objects."""
    kind = type(x)
    return any(hasattr(kind, protocol) for protocol in
               ("__array_namespace__", "__array_function__", "__array_ufunc__", "__array__"))


def zero_fields(x, zeros_like):
    """The zero derivative of object `x` (not a NamedTuple, whose derivative is a list): a
    zero for each field that holds a number or an array."""
    if isinstance(x, functools.partial):
        return Fields({k: zeros_like(v) for k, v in x.keywords.items()})
    return Fields({k: zeros_like(v) for k, v in _fields(x).items() if _differentiable(v)})


def _fields(x):
    if isinstance(x, tuple):   # a NamedTuple
        return dict(zip(type(x)._fields, x))
    if dataclasses.is_dataclass(x):
        return {f.name: getattr(x, f.name) for f in dataclasses.fields(x)}
    return dict(vars(x))


def _differentiable(v):
    return isinstance(v, (float, np.ndarray, np.floating, list, tuple, dict)) or is_object(v)


def as_structure_of(bar, like):
    """The derivative `bar` with the structure of `like`: an object of its type for a `Fields`."""
    if isinstance(bar, Fields) and is_object(like) and not isinstance(like, functools.partial):
        from .runtime import zeros_like
        values = {}
        for key, value in _fields(like).items():
            if key in bar and bar[key] is not None:
                values[key] = as_structure_of(bar[key], value)
            elif _differentiable(value):
                values[key] = as_structure_of(zeros_like(value), value)
            else:
                values[key] = value
        return _rebuilt(like, values)
    if isinstance(bar, list) and isinstance(like, (list, tuple)) and len(bar) == len(like):
        items = [as_structure_of(b, item) for b, item in zip(bar, like)]
        if is_object(like):   # a NamedTuple
            return type(like)(*[zeros_like_item(b, item) for b, item in zip(items, like)])
        return type(bar)(items)
    if isinstance(bar, dict) and isinstance(like, dict):   # every key of `like`, zero if missing
        from .runtime import zeros_like
        return {k: as_structure_of(bar[k], v) if bar.get(k) is not None else zeros_like(v)
                for k, v in like.items()}
    return bar


def zeros_like_item(bar, like):
    from .runtime import zeros_like
    return zeros_like(like) if bar is None else bar


def _rebuilt(like, values):
    if isinstance(like, tuple):
        return type(like)(**values)
    if dataclasses.is_dataclass(like):
        init = {f.name for f in dataclasses.fields(like) if f.init}
        rebuilt = dataclasses.replace(like, **{k: v for k, v in values.items() if k in init})
        for key in values.keys() - init:
            object.__setattr__(rebuilt, key, values[key])
        return rebuilt
    rebuilt = copy.copy(like)
    for key, value in values.items():
        object.__setattr__(rebuilt, key, value) if not hasattr(type(like), "__slots__") \
            else setattr(rebuilt, key, value)
    return rebuilt
