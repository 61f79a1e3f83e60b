"""Python versions of the builtins that call a function they are given (``map``,
``functools.reduce``): srcad differentiates a call of one of these as a call of the
version here, which calls the function as your code would (dynamic.py finds its
derivative at run time). ``map`` hands back a list, which is what a ``for`` loop, ``list``,
``sum`` or ``zip`` reads from it."""
import functools


def map_values(function, values):
    return [function(value) for value in values]


def map_pairs(function, first, second):
    return [function(a, b) for a, b in zip(first, second)]


def reduce_values(function, values, initial):
    accumulated = initial
    for item in values:
        accumulated = function(accumulated, item)
    return accumulated


def reduce_from_first(function, values):
    items = list(values)
    accumulated = items[0]
    for item in items[1:]:
        accumulated = function(accumulated, item)
    return accumulated


# for each builtin, its Python version for 0, 1, 2, 3 positional arguments
WRITTEN_OUT = {map: (None, None, map_values, map_pairs),
               functools.reduce: (None, None, reduce_from_first, reduce_values)}
NAMES = {f.__name__: f for versions in WRITTEN_OUT.values() for f in versions if f is not None}
