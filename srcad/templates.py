"""Derivative templates: small Python expressions, parsed once, spliced into generated code.

A template is a string such as ``"unbroadcast(g * y, x)"``. Its names are of three kinds:
the rule's parameters (``x``, ``y``, ``axis``), the conventional names ``g`` (the incoming
cotangent), ``ans`` (the primal result) and ``<param>_dot`` (tangents), and free names such
as ``np`` or ``unbroadcast`` that are looked up in the module that defined the rule.
"""
import gast

from .trees import clone, walk

SPECIAL_NAMES = ("g", "ans")


def parse_expression(text):
    """Parse one Python expression into a gast node."""
    return gast.parse(text.strip(), mode="eval").body


def parse_signature(text):
    """Parse ``"x, axis=None, *shape"`` into (params, defaults, vararg)."""
    args = gast.parse(f"def _({text}): pass").body[0].args
    params = [a.id for a in args.args] + [a.id for a in args.kwonlyargs]
    defaults = {}
    positional_defaults = args.defaults
    for name_node, default in zip(args.args[len(args.args) - len(positional_defaults):], positional_defaults):
        defaults[name_node.id] = default
    for name_node, default in zip(args.kwonlyargs, args.kw_defaults):
        if default is not None:
            defaults[name_node.id] = default
    positional = [a.id for a in args.args]
    vararg = args.vararg.id if args.vararg else None
    return params, positional, defaults, vararg


def names_in(node):
    """Every name a node reads."""
    return {n.id for n in walk(node) if isinstance(n, gast.Name)}


def substitute(template, mapping):
    """A copy of `template` with each name in `mapping` replaced by a copy of its node.

    A mapping value that is a list is spliced where the name appears starred (``*shape``)
    and becomes a tuple elsewhere.
    """
    return _Substituter(mapping).visit(clone(template))


class _Substituter(gast.NodeTransformer):
    def __init__(self, mapping):
        self.mapping = mapping

    def visit_Name(self, node):
        if isinstance(node.ctx, gast.Load) and node.id in self.mapping:
            value = self.mapping[node.id]
            if isinstance(value, list):
                return gast.Tuple(elts=[clone(v) for v in value], ctx=gast.Load())
            return clone(value)
        return node

    def visit_Call(self, node):
        args = []
        for arg in node.args:
            if isinstance(arg, gast.Starred) and isinstance(arg.value, gast.Name) \
                    and isinstance(self.mapping.get(arg.value.id), list):
                args.extend(clone(v) for v in self.mapping[arg.value.id])
            else:
                args.append(self.visit(arg))
        node.args = args
        node.func = self.visit(node.func)
        node.keywords = [self.visit(k) for k in node.keywords if not self._defaulted(k.value)]
        return node

    def _defaulted(self, value):
        """A keyword the caller did not pass is left out, so the callee's own default applies."""
        return isinstance(value, gast.Name) and getattr(self.mapping.get(value.id), "defaulted", False)
