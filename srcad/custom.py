"""Custom derivative rules written as plain Python: ``@srcad.custom_vjp`` / ``@srcad.custom_jvp``.

    @srcad.custom_vjp
    def f(x, y):
        return ...

    @f.defvjp
    def f_vjp(g, ans, x, y):          # g: cotangent of f's result, ans: f's result
        return g * ..., g * ...        # one cotangent per positional parameter (None: zero)

    @f.defjvp
    def f_jvp(ans, x, y, x_dot, y_dot):
        return ...                     # the tangent of f's result

The decorated `f` is the function itself (it stays callable as f), registered with a rule
whose templates call your functions: in the generated code, the adjoint of ``t = f(x, y)``
is ``t_grads = custom_cotangents(f_vjp(t_bar, t, x, y), (x, y), 'f_vjp')`` (checked: a tuple
of one cotangent per parameter, each shaped like its argument, None meaning zero), then
``x_bar = t_grads[0]``; its tangent is ``t_dot = custom_tangent(f_jvp(t, x, y, x_dot,
zeros_like(y)), t, 'f_jvp')`` (an argument without a tangent gets a zero). One call of your
rule per call of f, in both modes: the rule object has one template for all parameters
(`Joint`), which forward.py and reverse.py use instead of the per-parameter templates
(those stay in the table, as correct but repetitive fallbacks, and for the cache's
fingerprint).

A derivative of a derivative (``srcad.hessian``, ``grad(grad(g))``) differentiates the
generated code: the call of f there uses f's rules again (forward-over-reverse needs the
JVP rule for it), and the call of ``f_vjp`` is differentiated as a function of yours.
"""
import ast
import inspect

import gast
import numpy as np

from . import runtime
from .debugging import place
from .derivatives import call, name
from .errors import InputError, NoDerivativeRule, SrcadError
from .rules import registry
from .templates import substitute

_TEMPLATE_NAMES: dict = {}   # name used in templates -> the rule function it stands for


class Joint:
    """The templates of a custom rule: one call for all parameters."""

    def __init__(self, function, positional, keywords):
        self.function, self.positional, self.keywords = function, positional, keywords
        self.vjp = self.jvp = None          # gast templates, once defined
        self.vjp_name = self.jvp_name = None
        self.vjp_function = self.jvp_function = None

    # -- errors ------------------------------------------------------------------------------
    def missing(self, stmt, mode):
        """The error for a mode whose rule was not defined (`mode`: "reverse-mode"/"forward-mode")."""
        short = self.function.__name__
        full = registry.callable_name(self.function)
        where = f"{stmt.origin.filename}:{stmt.origin.line}"
        if mode.startswith("reverse"):
            need, has = "VJP", "a JVP rule only" if self.jvp is not None else "no rule yet"
            uses, fix = "reverse mode (grad, value_and_grad, vjp, jacobian(mode='reverse'))", ""
        else:
            need, has = "JVP", "a VJP rule only" if self.vjp is not None else "no rule yet"
            uses = (f"forward mode (jvp, jacobian(mode='forward'), and hessian and hvp, which "
                    f"differentiate the gradient's call of {short} in forward mode)")
            fix = (" (or, from the VJP alone, take the Hessian as "
                   "srcad.jacobian(srcad.grad(f), mode='reverse'))")
        return NoDerivativeRule(full, where, message=(
            f"{place(where, yours='')}: no {mode} derivative rule for {full}: it is a "
            f"srcad.custom_vjp function with {has}, and {uses} needs its {need} rule: define one "
            f"with @{short}.def{need.lower()}{fix}."))

    def _check_keywords(self, stmt, bound, differentiated, mode):
        for keyword in self.keywords:
            if differentiated(bound[keyword]):
                raise NoDerivativeRule(
                    registry.callable_name(self.function), f"{stmt.origin.filename}:{stmt.origin.line}",
                    f"{mode} derivative with respect to its keyword-only parameter `{keyword}`: the "
                    "rules of a custom_vjp function differentiate its positional parameters")

    # -- the rule as templates ---------------------------------------------------------------
    def _call(self, function_name, leading, tangents=None, active=None):
        """``f_vjp(g, ans, x, y, k=k)`` / ``f_jvp(ans, x, y, x_dot, zeros_like(y), k=k)``."""
        args = [name(a) for a in leading] + [name(p) for p in self.positional]
        if tangents is not None:
            args += [name(f"{p}_dot") if active is None or p in active else call("zeros_like", name(p))
                     for p in self.positional]
        keywords = [gast.keyword(arg=k, value=name(k)) for k in self.keywords]
        return gast.Call(func=name(function_name), args=args, keywords=keywords)

    def vjp_template(self):
        """``custom_cotangents(f_vjp(g, ans, x, y), (x, y), 'f_vjp')``: the tuple of cotangents."""
        arguments = gast.Tuple(elts=[name(p) for p in self.positional], ctx=gast.Load())
        return call("custom_cotangents", self._call(self.vjp_name, ["g", "ans"]), arguments,
                    gast.Constant(self.vjp_name, None))

    def jvp_template(self, active=None):
        """``custom_tangent(f_jvp(ans, x, y, x_dot, y_dot), ans, 'f_jvp')``; parameters not
        in `active` (when given) get a zero tangent."""
        return call("custom_tangent", self._call(self.jvp_name, ["ans"], True, active),
                    name("ans"), gast.Constant(self.jvp_name, None))

    # -- used by reverse.py and forward.py ---------------------------------------------------
    def vjp_contributions(self, transform, stmt, bound, names):
        """(version, cotangent) of each active argument, from one call of the VJP rule."""
        self._check_keywords(stmt, bound, transform.activity.is_active_atom, "reverse-mode")
        active = [(i, bound[p]) for i, p in enumerate(self.positional)
                  if transform.activity.is_active_atom(bound[p])]
        if not active:
            return []
        if self.vjp is None:
            raise self.missing(stmt, "reverse-mode")
        cotangents = transform.batched(substitute(self.vjp_template(), {**bound, **names}))
        if len(active) > 1:   # one call, then its items
            grads = transform.namer.fresh(f"{transform.rename.get(stmt.target, stmt.target)}_grads")
            transform.emit(grads, cotangents, stmt.origin)
            cotangents = name(grads)
        return [(atom.id, gast.Subscript(value=cotangents, slice=gast.Constant(i, None),
                                         ctx=gast.Load())) for i, atom in active]

    def jvp_term(self, transform, stmt, bound):
        """The tangent of the call's result, from one call of the JVP rule."""
        self._check_keywords(stmt, bound, transform.has_tangent, "forward-mode")
        if self.jvp is None:
            raise self.missing(stmt, "forward-mode")
        active = {p for p in self.positional if transform.has_tangent(bound[p])}
        mapping = {**bound, "ans": name(stmt.target)}
        mapping.update({f"{p}_dot": name(transform.dot(bound[p].id)) for p in active})
        return transform.batched(substitute(self.jvp_template(active), mapping))


# -- the decorator ---------------------------------------------------------------------------------

def custom_vjp(function):
    """Give `function` derivative rules written as Python functions: ``@function.defvjp``
    (reverse mode) and ``@function.defjvp`` (forward mode). Returns `function` itself."""
    if not inspect.isfunction(function):
        raise SrcadError(f"srcad.custom_vjp decorates a function defined with `def`, not {function!r}")
    positional, keywords, signature = _signature(function)
    rule = registry.lookup(function)
    if rule is None or rule.joint is None:
        registry.defvjp(function, signature)   # a rule without templates, until defvjp / defjvp
        rule = registry.lookup(function)
        rule.joint = Joint(function, positional, keywords)

    def defvjp(vjp, *more):
        """Register ``vjp(g, ans, *args, **kwonly) -> tuple of cotangents`` as `function`'s VJP."""
        if more:
            raise SrcadError(
                f"{function.__name__}.defvjp takes one function, vjp(g, ans, *args) returning a "
                "tuple of cotangents (not JAX's pair (fwd, bwd): srcad computes the value, "
                "and your vjp receives it as `ans`)")
        _define(function, vjp, "vjp")
        return vjp

    def defjvp(jvp):
        """Register ``jvp(ans, *args, *tangents, **kwonly) -> tangent`` as `function`'s JVP."""
        _define(function, jvp, "jvp")
        return jvp

    function.defvjp, function.defjvp = defvjp, defjvp
    return function


custom_jvp = custom_vjp   # one decorator: use the name of the rule you define


def _signature(function):
    """(positional names, keyword-only names, the rule's signature text)."""
    parts, positional, keywords = [], [], []
    for parameter in inspect.signature(function).parameters.values():
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            raise SrcadError(f"srcad.custom_vjp: {function.__qualname__} takes *args or **kwargs; "
                             "name its parameters")
        if parameter.kind == parameter.KEYWORD_ONLY and not keywords:
            parts.append("*")
        text = parameter.name
        if parameter.default is not parameter.empty:
            default = repr(parameter.default)
            try:
                same = ast.literal_eval(default) == parameter.default
            except (ValueError, SyntaxError, TypeError):
                same = False
            if not same:
                raise SrcadError(
                    f"srcad.custom_vjp: the default of {function.__qualname__}'s parameter "
                    f"`{parameter.name}` ({default:.40}) is not a literal; give it a literal default "
                    "(a number, string, None, or a tuple of them), or none")
            text += f"={default}"
        parts.append(text)
        (keywords if parameter.kind == parameter.KEYWORD_ONLY else positional).append(parameter.name)
    return positional, keywords, ", ".join(parts)


def _define(function, rule_function, kind):
    joint = registry.lookup(function).joint
    if not callable(rule_function):
        raise SrcadError(f"{function.__name__}.def{kind} takes a function, not {rule_function!r}")
    _check_arity(function, joint, rule_function, kind)
    template_name = _template_name(rule_function, f"{function.__name__}_{kind}")
    setattr(joint, f"{kind}_name", template_name)
    namespace = {template_name: rule_function, "custom_cotangents": custom_cotangents,
                 "custom_tangent": custom_tangent, "zeros_like": runtime.zeros_like}
    rule = registry.lookup(function)
    previous = getattr(joint, kind + "_function")
    for stale in [n for n, obj in rule.free_names.items() if previous is not None and obj is previous]:
        del rule.free_names[stale]
    setattr(joint, kind + "_function", rule_function)
    if kind == "vjp":
        joint.vjp = joint.vjp_template()
        templates = [f"({_text(joint.vjp)})[{i}]" for i in range(len(joint.positional))]
        registry._attach(function, rule.signature, templates, "vjps", namespace)
    else:
        joint.jvp = joint.jvp_template()
        templates = [_text(joint.jvp_template({p})) for p in joint.positional]
        registry._attach(function, rule.signature, templates, "jvps", namespace)
    rule = registry.lookup(function)
    rule.joint = joint
    rule.specialized.clear()


def _text(node):
    return ast.unparse(gast.gast_to_ast(node))


def _check_arity(function, joint, rule_function, kind):
    """A rule function must take what srcad will pass it (a clear error now, not at the first call)."""
    count = len(joint.positional)
    leading = ("g", "ans") if kind == "vjp" else ("ans",)
    expected = len(leading) + count * (1 if kind == "vjp" else 2)
    try:
        signature = inspect.signature(rule_function)
        signature.bind(*range(expected), **{k: None for k in joint.keywords})
    except TypeError as error:
        names = list(leading) + joint.positional
        if kind == "jvp":
            names += [p + "_dot" for p in joint.positional]
        keywords = f" and the keyword-only {', '.join(joint.keywords)}" if joint.keywords else ""
        shown = getattr(rule_function, "__qualname__", rule_function)
        raise SrcadError(f"{function.__name__}.def{kind}: {shown} must take ({', '.join(names)})"
                         f"{keywords} ({error})") from None
    except ValueError:   # no signature to inspect (a builtin): trust it
        pass


def _template_name(rule_function, fallback):
    """The name the generated code calls `rule_function` by: its own name (`fallback` for a
    lambda), unless that names something else for srcad (then ``name_2``, ...). A name is
    never reused for another object, so code generated for one rule function is never
    bound to another."""
    from .transform import RUNTIME_NAMES
    base = getattr(rule_function, "__name__", "") or fallback
    if not base.isidentifier():
        base = fallback
    taken = {n: obj for n, obj in registry.all_free_names().items()}
    taken.update(RUNTIME_NAMES)
    candidate, k = base, 1
    while True:
        known = _TEMPLATE_NAMES.get(candidate, taken.get(candidate, rule_function))
        if known is rule_function:
            _TEMPLATE_NAMES[candidate] = rule_function
            return candidate
        k += 1
        candidate = f"{base}_{k}"


# -- runtime helpers the templates call ----------------------------------------------------------

def custom_cotangents(cotangents, arguments, rule_name):
    """The cotangents a custom VJP rule returned, checked: a tuple with one per argument,
    each shaped like its argument, or like what the argument broadcasts to (then summed
    back, as PyTorch does), or None (zero)."""
    if not isinstance(cotangents, (tuple, list)) or len(cotangents) != len(arguments):
        what = f"a {type(cotangents).__name__} of length {len(cotangents)}" \
            if isinstance(cotangents, (tuple, list)) else f"a {type(cotangents).__name__}"
        raise SrcadError(f"the VJP rule {rule_name} returned {what}; it must return a tuple of "
                         f"{len(arguments)} cotangent(s), one per positional parameter of the "
                         "function, in order (None for a parameter that needs none), e.g. "
                         f"`return ({', '.join('g * ...' for _ in arguments)},)`")
    for position, (cotangent, argument) in enumerate(zip(cotangents, arguments)):
        if cotangent is not None and not _fits(cotangent, argument):
            raise InputError(f"the VJP rule {rule_name} returned a cotangent of shape "
                             f"{np.shape(cotangent)} for parameter {position}, which has shape "
                             f"{np.shape(argument)}; it must have the argument's shape (or the "
                             "shape the argument broadcasts to)")
    return tuple(runtime.zeros_like(argument) if cotangent is None else cotangent
                 for cotangent, argument in zip(unbroadcast_each(cotangents, arguments), arguments))


def custom_tangent(tangent, ans, rule_name):
    """The tangent a custom JVP rule returned, checked: shaped like the function's result
    (or broadcasting to it)."""
    if tangent is None or not _fits(ans, tangent):
        raise InputError(f"the JVP rule {rule_name} returned a tangent of shape "
                         f"{None if tangent is None else np.shape(tangent)}, but the function's "
                         f"result has shape {np.shape(ans)}; they must be equal")
    return runtime.broadcast_as(tangent, ans)


def _fits(value, like):
    """`value` has the shape of `like`, or the shape `like` broadcasts to."""
    if type(value) is np.ndarray and type(like) is np.ndarray and value.shape == like.shape:
        return True
    if isinstance(like, (list, tuple, dict)) or isinstance(value, (list, tuple, dict)):
        return True    # a structure: its items are the rule's business
    value_shape, like_shape = np.shape(value), np.shape(like)
    try:
        return np.broadcast_shapes(value_shape, like_shape) == value_shape
    except ValueError:
        return False


def unbroadcast_each(values, like):
    """``unbroadcast(values[i], like[i])`` for each item (None stays None)."""
    return tuple(None if v is None else v if isinstance(v, (list, tuple, dict))
                 else runtime.unbroadcast(v, l) for v, l in zip(values, like))


def expand_each(values, like):
    """``broadcast_as(values[i], like[i])`` for each item (None stays None): the transpose
    of `unbroadcast_each`."""
    return tuple(None if v is None or l is None else v if isinstance(v, (list, tuple, dict))
                 else runtime.broadcast_as(v, l) for v, l in zip(values, like))


def calls_itself(parsed):
    """``srcad.grad(f)`` of a custom function: its body is the call of `f` (whose rules
    srcad uses), not f's own code."""
    function = parsed.function
    own = parsed.namespace.get(function.__name__)
    if own is not function:
        raise SrcadError(f"{parsed.filename}:{parsed.first_line}: srcad differentiates "
                         f"{function.__qualname__} through its custom rules by calling it by its "
                         "name, but that name does not refer to it here; define it at module level")
    node = parsed.node
    line = {"lineno": node.lineno, "col_offset": 0, "end_lineno": node.lineno, "end_col_offset": 0}
    joint = registry.lookup(function).joint
    call_node = gast.Call(func=gast.Name(function.__name__, gast.Load(), None, None),
                          args=[gast.Name(p, gast.Load(), None, None) for p in joint.positional],
                          keywords=[gast.keyword(arg=k, value=gast.Name(k, gast.Load(), None, None))
                                    for k in joint.keywords])
    returned = gast.Return(value=call_node)
    for child in gast.walk(returned):
        for attribute, value in line.items():
            setattr(child, attribute, value)
    node.body = [returned]
    return parsed


def is_custom(function):
    rule = registry.lookup(function)
    return rule is not None and rule.joint is not None


_AS_LOADED = bool(registry._BUILTIN) and registry._GENERATION[0] == registry._BUILTIN[0]
# The checks pass what they check on (summing a broadcast cotangent back), so they are
# linear in it: these rules let a derivative of a derivative go through them.
registry.defvjp(custom_cotangents, "cotangents, arguments, rule_name", "expand_each(g, cotangents)",
                registry.ZERO)
registry.defjvp(custom_cotangents, "cotangents, arguments, rule_name",
                "custom_cotangents(cotangents_dot, arguments, rule_name)", registry.ZERO)
registry.defvjp(unbroadcast_each, "values, like", "expand_each(g, values)", registry.ZERO)
registry.defjvp(unbroadcast_each, "values, like", "unbroadcast_each(values_dot, like)", registry.ZERO)
registry.defvjp(expand_each, "values, like", "unbroadcast_each(g, values)", registry.ZERO)
registry.defjvp(expand_each, "values, like", "expand_each(values_dot, like)", registry.ZERO)
registry.returns_sequence(custom_cotangents, unbroadcast_each, expand_each)
registry.defvjp(custom_tangent, "tangent, ans, rule_name", "unbroadcast(g, tangent)", registry.ZERO)
registry.defjvp(custom_tangent, "tangent, ans, rule_name",
                "custom_tangent(tangent_dot, ans, rule_name)", registry.ZERO)
if _AS_LOADED:     # srcad's own rules: covered by the hash of srcad's code
    registry.mark_builtin_rules()
