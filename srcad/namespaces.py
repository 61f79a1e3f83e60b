"""Array API style: ``xp = x.__array_namespace__()`` (or ``array_api_compat.array_namespace(x)``)
then ``xp.sin(x)``, ``xp.sum(...)``, as SciPy and scikit-learn write array-agnostic code.

A local variable that only ever holds a namespace is a *namespace variable*. The call
``xp.<name>(...)`` gets the rule of the standard function of that name (its NumPy
implementation's rule: ``xp.acos`` -> ``np.arccos``), whatever module `xp` is at run time,
and that rule's templates compute through `xp` (``np.cos(x)`` becomes ``xp.cos(x)``), so
derivatives stay on the arguments' array type. See docs/arrays.md.
"""
import gast
import numpy as np

from .trees import walk

# the standard's names for functions NumPy names otherwise (both ways)
STANDARD_TO_NUMPY = {
    "acos": "arccos", "acosh": "arccosh", "asin": "arcsin", "asinh": "arcsinh", "atan": "arctan",
    "atan2": "arctan2", "atanh": "arctanh", "pow": "power", "concat": "concatenate",
    "permute_dims": "transpose", "bitwise_invert": "invert", "bitwise_left_shift": "left_shift",
    "bitwise_right_shift": "right_shift",
}
NUMPY_TO_STANDARD = {numpy: standard for standard, numpy in STANDARD_TO_NUMPY.items()}
NUMPY_TO_STANDARD["absolute"] = "abs"

# functions that return the namespace of their arguments
GETTER_MODULES = ("array_api_compat", "scipy._lib._array_api")


def standard_function(name):
    """The NumPy function whose rule differentiates the standard function `name`, or None."""
    return getattr(np, STANDARD_TO_NUMPY.get(name, name), None)


def _is_getter_call(node, resolve):
    if not isinstance(node, gast.Call):
        return False
    func = node.func
    if isinstance(func, gast.Attribute) and func.attr == "__array_namespace__":
        return True
    if not isinstance(func, (gast.Name, gast.Attribute)):
        return False
    obj = resolve(func)
    return getattr(obj, "__name__", None) == "array_namespace" \
        and str(getattr(obj, "__module__", "")).startswith(GETTER_MODULES)


def namespace_names(function_node, resolve):
    """The local names that every assignment in `function_node` binds to a namespace getter's
    result (``xp = x.__array_namespace__()``)."""
    getters, others = set(), set()
    for node in walk(function_node):
        if isinstance(node, gast.Assign):
            for target in node.targets:
                for name in walk(target):
                    if isinstance(name, gast.Name) and isinstance(name.ctx, gast.Store):
                        simple = isinstance(target, gast.Name)
                        (getters if simple and _is_getter_call(node.value, resolve) else others).add(name.id)
        elif isinstance(node, (gast.AugAssign, gast.AnnAssign, gast.For, gast.NamedExpr)):
            others.update(_stored(node.target))
        elif isinstance(node, gast.With):
            for item in node.items:
                others.update(_stored(item.optional_vars))
    return getters - others


def _stored(target):
    return {n.id for n in walk(target) if isinstance(n, gast.Name)} if target is not None else set()


def through_namespace(expr, namespace):
    """A rule's template instance computing through the namespace variable `namespace`:
    ``np.<f>`` was replaced by ``<namespace>.<f>`` (by `substitute`); NumPy's names the
    standard spells otherwise are renamed (``xp.arccos`` -> ``xp.acos``)."""
    for node in walk(expr):
        if isinstance(node, gast.Attribute) and isinstance(node.value, gast.Name) \
                and node.value.id == namespace and node.attr in NUMPY_TO_STANDARD:
            node.attr = NUMPY_TO_STANDARD[node.attr]
    return expr
