"""Dict methods on dicts of arrays (``d.get(k, default)``, ``d.values()``, ``d.items()``,
``d.keys()``) and dict merges (``{**d, "b": y}``), as functions with derivative rules
(rules/runtime_rules.py). The derivative of a dict is a dict keyed as it, or a `Fields`
inside derivative code (a key it lacks counts as zero)."""
from .dynamic import Fields


def dict_get(d, key, default=None):
    return d.get(key, default)


def dict_values(d):
    return list(d.values())


def dict_items(d):
    return list(d.items())


def dict_keys(d):
    return list(d.keys())


def merged(a, b):
    """``{**a, **b}``."""
    return {**a, **b}


METHODS = {"get": dict_get, "values": dict_values, "items": dict_items, "keys": dict_keys}


def item_cotangent(value, d, key):
    """The derivative of `d` from that of ``d.get(key, ...)``."""
    return Fields({key: value}) if key in d else Fields()


def item_tangent(value, d, key):
    """The derivative of ``d.get(key, ...)`` from that of `d` (zero when `key` is missing)."""
    if key not in d:
        return 0.0
    found = value.get(key) if isinstance(value, dict) else None
    return 0.0 if found is None else found


def unless_present(value, d, key):
    """The derivative of ``d.get(key, default)`` and of its `default`: zero when `key` is in `d`."""
    return 0.0 if key in d else value


def values_cotangent(value, d):
    """The derivative of `d` from that of ``list(d.values())``."""
    return Fields((k, v) for k, v in zip(d, value) if v is not None)


def values_tangent(value, d):
    """The derivative of ``list(d.values())`` from that of `d`."""
    return [item_tangent(value, d, k) for k in d]


def items_cotangent(value, d):
    """The derivative of `d` from that of ``list(d.items())`` (pairs of key and value)."""
    return Fields((k, pair[1]) for k, pair in zip(d, value) if pair is not None and pair[1] is not None)


def items_tangent(value, d):
    return [(0.0, item_tangent(value, d, k)) for k in d]


def restricted(value, a, b=()):
    """The part of the derivative `value` of a merged dict that belongs to `a`: the keys of
    `a` that `b` does not override (the same in both directions)."""
    return Fields((k, item_tangent(value, a, k)) for k in a if k not in b)
