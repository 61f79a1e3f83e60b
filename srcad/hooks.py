"""Gradient hooks: ``srcad.grad_hook(value, fn)``, PyTorch's ``tensor.register_hook`` and
Tangent's ``insert_grad_of`` for srcad.

``grad_hook`` is the identity on values. It has derivative rules like any callable: the
cotangent that reverse mode pulls back through it is ``fn(g)``, the tangent that forward
mode pushes through it is ``fn(value_dot)``. So the hook's call appears in the generated
code where the derivative of `value` is computed, written as you would write it
(``x_bar = clip(y_bar)``), and `fn` is an ordinary call there: the optimizer neither drops
nor moves a call of a function it does not know to be pure (one that prints, for one).

A hook acts on the derivative srcad generates from the code it is written in. The
generated code is then an ordinary function: differentiated again (``srcad.hessian``,
``grad(grad(f))``), its ``grad_hook(value, fn)`` call is the identity it is, and the call
``fn(y_bar)`` of its adjoint sweep is differentiated like any call of your functions
(`fn` must be differentiable then). So the derivative of a derivative is the derivative of
that function, as finite differences see it (JAX's semantics for a ``custom_vjp``
identity; PyTorch's tensor hooks would fire again at the second level).
"""
from .rules import registry
from .templates import parse_expression, parse_signature


def grad_hook(value, fn):
    """Return `value` unchanged; in a derivative srcad generates, the derivative flowing
    through `value` is passed through `fn`: reverse mode's cotangent becomes ``fn(g)``
    (print it, clip it, scale it), forward mode's tangent ``fn(value_dot)``.

    `fn` is a function of one argument that returns a derivative of the same shape (a new
    array: not the argument changed in place). Pass it by name: a module-level function, a
    global holding one (``functools.partial(np.clip, a_min=-1, a_max=1)``)."""
    return value


def _identity_rule(signature):
    rule = registry.Rule("srcad.grad_hook", signature, *parse_signature(signature))
    for slot, text in (("vjps", "g"), ("jvps", "value_dot")):
        node = parse_expression(text)
        node.text = text
        getattr(rule, slot)["value"] = node
    return rule


_AS_LOADED = bool(registry._BUILTIN) and registry._GENERATION[0] == registry._BUILTIN[0]
registry.defvjp(grad_hook, "value, fn", "fn(g)")
registry.defjvp(grad_hook, "value, fn", "fn(value_dot)")
registry.lookup(grad_hook).in_generated_code = _identity_rule("value, fn")
if _AS_LOADED:     # srcad's own rule: covered by the hash of srcad's code, as rules/ are
    registry.mark_builtin_rules()
