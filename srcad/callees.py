"""What a call of your own function returns: a sequence (a tuple, list or dict, whose
derivative is a list of derivatives) or an array (whose derivative is an array, with the
leading axis of directions in vector mode). Read from the callee's own normal form, so
that ``V = helper(x); V[:, i]`` indexes ``V_dot`` past its directions axis and scatters
``V[idx]`` back with ``add_at``, while ``a, b = pair(x)`` still takes items of a list."""
import dataclasses
import weakref

import gast

from .errors import SrcadError
from .normalize_functions import DerivativeOf, DynamicCallee, LiftedFunction
from .trees import clone

_KNOWN = weakref.WeakKeyDictionary()   # user function -> {parameters holding sequences: bool}
_PENDING = set()


def returns_sequence(stmt, sequences):
    """True when the user call `stmt` returns a tuple, list or dict rather than an array.

    `sequences`: the caller's values known to hold sequences (an argument the callee
    returns as it is keeps its kind)."""
    from .forward import callee_parameters
    callee = stmt.callee
    if isinstance(callee, DynamicCallee):
        return False   # known at run time only: an array, as the callee's derivative sees it
    try:
        parameters = callee_parameters(callee)
    except SrcadError:   # *args: not transformable, its derivative raises the error when used
        return True
    bound = dict(zip(parameters, stmt.args))
    bound.update(stmt.kwargs)
    passed = frozenset(p for p, a in bound.items() if isinstance(a, gast.Name) and a.id in sequences)
    if isinstance(callee, DerivativeOf):
        if callee.mode != "grad" or callee.as_tuple:
            return True   # (value, derivative) pairs, or one gradient per wrt argument
        return parameters[callee.wrt[0]] in passed   # a gradient is shaped like its argument
    return _output_is_sequence(callee, passed)


def _output_is_sequence(callee, passed):
    known = _memo(callee)
    if passed in known:
        return known[passed]
    key = (id(callee.node) if isinstance(callee, LiftedFunction) else id(callee), passed)
    if key in _PENDING:
        return False   # a recursive call: the function's other returns decide
    _PENDING.add(key)
    try:
        fn = _normal_form(callee)
        if fn is None:
            result = True   # not transformable: its derivative raises the error when used
        elif fn.returns_tuple:
            result = True
        else:
            from .forward import sequence_values
            output = fn.outputs[0]
            result = isinstance(output, gast.Name) and output.id in sequence_values(fn, passed)
    finally:
        _PENDING.discard(key)
    known[passed] = result
    return result


def _memo(callee):
    if isinstance(callee, LiftedFunction):   # lifted anew with each transformation: kept on its node
        return callee.node.__dict__.setdefault("srcad_output_is_sequence", {})
    try:
        return _KNOWN.setdefault(callee, {})
    except TypeError:   # not weakly referable: do not remember
        return {}


def _normal_form(callee):
    from .normalize import Normalizer, normalize
    from .parse import parse_function
    try:
        if isinstance(callee, LiftedFunction):
            parsed = dataclasses.replace(callee.parsed, node=clone(callee.node),
                                         derivative_namespace=None)
            normalizer = Normalizer(parsed)
            normalizer.lifted = dict(callee.siblings)   # the other nested defs it may call
            return normalizer.run()
        return normalize(parse_function(callee))
    except SrcadError:
        return None
