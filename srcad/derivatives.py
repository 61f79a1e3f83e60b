"""Instantiating a statement's derivative rule: the glue between the IR and the rule table."""
import gast

from .errors import NoDerivativeRule, SrcadError
from .loader import is_generated
from .rules import lookup
from .rules.registry import ZERO, callable_name
from .namespaces import through_namespace
from .templates import substitute

NUMPY = "np"   # the name rule templates call NumPy by

BROADCAST_HELPERS = ("unbroadcast", "broadcast_as")


def rule_of(stmt):
    """The rule for a call statement (with the templates of its literal arguments, see
    `defliteral`), or a NoDerivativeRule error that says where."""
    rule = lookup(stmt.callee)
    if rule is None:
        raise NoDerivativeRule(callable_name(stmt.callee), _where(stmt), stmt.origin.text)
    if rule.in_generated_code is not None and is_generated(stmt.origin.filename):
        rule = rule.in_generated_code   # srcad.grad_hook: its hook acted where it was written
    if rule.literal_cases:
        rule = rule.for_call(bind(rule, stmt))
    return rule


def bind(rule, stmt):
    """Parameter name -> argument atom (a list for a *vararg)."""
    try:
        bound = rule.bind(stmt.args, stmt.kwargs)
    except TypeError as error:
        raise SrcadError(f"{_where(stmt)}: `{stmt.origin.text}`: {error}") from None
    if stmt.namespace is not None:   # ``xp.sin(x)``: the templates compute through xp, not np
        bound[NUMPY] = gast.Name(stmt.namespace, gast.Load(), None, None)
    return bound


def template_for(rule, templates, param, stmt, mode):
    """The template of `param` (None for a zero contribution), or an error naming the
    argument without a derivative."""
    template = templates.get(param)
    if template == ZERO:
        return None
    if template is None and rule.joint is not None:
        raise rule.joint.missing(stmt, mode)   # a custom_vjp function without this mode's rule
    if template is None:
        raise NoDerivativeRule(rule.name, _where(stmt),
                               f"{mode} derivative with respect to argument `{param}`")
    return template


def instantiate(rule, template, bound, param, names, same_shape=False):
    """Splice a template: parameters -> the call's atoms; ``g``, ``ans``, ``*_dot`` -> `names`.

    When every other differentiable argument is a literal number, or the argument is known
    to have the result's shape (`same_shape`), broadcasting cannot change shapes, so
    ``unbroadcast(e, x)`` and ``broadcast_as(e, ans)`` reduce to ``e``.
    """
    expr = substitute(template, {**bound, **names})
    if NUMPY in bound:
        expr = through_namespace(expr, bound[NUMPY].id)
    if same_shape or _others_are_literals(rule, bound, param):
        expr = strip_broadcasting(expr)
    return expr


def _others_are_literals(rule, bound, param):
    others = (set(rule.vjps) | set(rule.jvps)) - {param}
    return all(_is_number(bound.get(p)) for p in others)


def _is_number(node):
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, (gast.USub, gast.UAdd)):
        node = node.operand
    return isinstance(node, gast.Constant) and isinstance(node.value, (int, float)) \
        and not isinstance(node.value, bool)


def is_broadcast_call(node):
    return isinstance(node, gast.Call) and isinstance(node.func, gast.Name) \
        and node.func.id in BROADCAST_HELPERS


class _Strip(gast.NodeTransformer):
    def visit_Call(self, node):
        self.generic_visit(node)
        return node.args[0] if is_broadcast_call(node) else node


def strip_broadcasting(expr):
    return _Strip().visit(expr)


def add_all(terms):
    """``t1 + t2 + ...``; a sum of several ``broadcast_as(e, ans)`` terms broadcasts anyway."""
    if len(terms) > 1 and all(is_broadcast_call(t) and t.func.id == "broadcast_as" for t in terms):
        terms = [t.args[0] for t in terms]
    total = terms[0]
    for term in terms[1:]:
        total = gast.BinOp(left=total, op=gast.Add(), right=term)
    return total


def name(identifier):
    return gast.Name(identifier, gast.Load(), None, None)


def store(identifier):
    return gast.Name(identifier, gast.Store(), None, None)


def assign(target, value, origin=None):
    """``target = value`` (target a name or a Store node), tagged with its origin."""
    node = gast.Assign(targets=[store(target) if isinstance(target, str) else target],
                       value=value, type_comment=None)
    node.origin = origin
    return node


def call(function_name, *args):
    return gast.Call(func=name(function_name), args=list(args), keywords=[])


def _where(stmt):
    return f"{stmt.origin.filename}:{stmt.origin.line}"
