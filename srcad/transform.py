"""The pipeline: parse -> normalize -> analyze -> transform -> optimize -> emit.

`generate(function, mode, wrt)` returns a `Generated`: the derivative function's source
text and the names it needs bound. Modes: "jvp", "vjp", "grad", "value_and_grad".
"""
from dataclasses import dataclass

import gast

from . import runtime
from .activity import analyze
from .derivatives import call, name
from .emit import import_lines, to_source, with_comments
from .errors import SrcadError
from .forward import ForwardTransform
from .names import Namer
from .normalize import Renamer, coalesce_setitems, normalize
from .optimize import optimize
from .parse import parse_function
from .reverse import ReverseTransform, needed_primal_values
from .rules.registry import all_free_names

MODES = ("jvp", "vjp", "grad", "value_and_grad")
RUNTIME_NAMES = {n: getattr(runtime, n) for n in ("zeros_like", "add_at", "seed_cotangent")}

_DOCS = {
    "jvp": "Forward mode (JVP) of {name}: returns (its value, the tangent of its value).",
    "vjp": "Reverse mode (VJP) of {name}: returns (its value, the cotangent of {wrt}).",
    "grad": "Gradient of {name} with respect to {wrt}.",
    "value_and_grad": "Value and gradient of {name} with respect to {wrt}.",
}
_HEADERS = {
    "jvp": "Each value is followed by its tangent (d value along the input tangents).",
    "reverse": "Adjoint sweep: derivatives flow from the output back to the inputs.",
}


@dataclass
class Generated:
    """A generated derivative function: its source and the names its code refers to."""

    name: str
    source: str
    namespace: dict      # names the code needs, beyond builtins
    mode: str
    wrt: tuple
    function: object = None


def generate(function, mode, wrt, as_tuple=None):
    """Transform `function` into the derivative function of `mode` w.r.t. parameters `wrt`.

    `as_tuple`: return the derivatives for `wrt` as a tuple (default: when len(wrt) > 1).
    """
    as_tuple = len(wrt) > 1 if as_tuple is None else as_tuple
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    parsed = parse_function(function)
    fn = normalize(parsed)
    for index in wrt:
        if not 0 <= index < len(fn.params):
            raise SrcadError(f"wrt={index} is out of range: {fn.name} has {len(fn.params)} "
                             "positional parameters")
    wrt_names = [fn.params[i] for i in wrt]
    if mode == "jvp":
        builder = _forward
    else:
        builder = _reverse
    return builder(fn, parsed, mode, wrt, wrt_names, as_tuple)


def _namer(fn):
    return Namer(fn.taken | set(all_free_names()) | set(RUNTIME_NAMES))


def _forward(fn, parsed, mode, wrt, wrt_names, as_tuple):
    rename = coalesce_setitems(fn)
    activity = analyze(fn, wrt_names)
    namer = _namer(fn)
    transform = ForwardTransform(fn, activity, namer, rename)
    body = _renamed(transform.run(), rename)
    tangents = transform.output_tangents()
    outputs = _renamed(_pack(fn.outputs, fn.returns_tuple), rename)
    returned = gast.Tuple(elts=[outputs, _pack(tangents, fn.returns_tuple)], ctx=gast.Load())
    params = fn.params + [namer.derived(w, "_dot") for w in wrt_names]
    return _finish(fn, parsed, mode, wrt, body, returned, params, namer)


def _reverse(fn, parsed, mode, wrt, wrt_names, as_tuple):
    activity = analyze(fn, wrt_names)
    rename = coalesce_setitems(fn, keep=needed_primal_values(fn, activity))
    namer = _namer(fn)
    transform = ReverseTransform(fn, activity, namer, rename)
    transform.primal_sweep()
    adjoint_start = len(transform.body)
    params = list(fn.params)
    if mode == "vjp":
        if fn.returns_tuple:
            cotangent = namer.fresh("cotangents")
            seeds = [(o, gast.Subscript(value=name(cotangent), slice=gast.Constant(i, None),
                                        ctx=gast.Load())) for i, o in enumerate(fn.outputs)]
        else:
            cotangent = transform.bar(fn.outputs[0].id) \
                if isinstance(fn.outputs[0], gast.Name) else namer.fresh("cotangent")
            seeds = []
            if activity.is_active_atom(fn.outputs[0]):
                transform.defined.add(cotangent)
        params.append(cotangent)
    else:
        if fn.returns_tuple:
            raise SrcadError(f"srcad.grad needs {fn.name} to return one scalar, but it returns a "
                             "tuple; use srcad.vjp with a tuple of cotangents instead")
        output = fn.outputs[0]
        seeds = [(output, call("seed_cotangent", output, gast.Constant(fn.name, None)))]
    transform.seed(seeds)
    if mode == "grad" and not activity.is_active_atom(fn.outputs[0]):
        transform.body.append(gast.Expr(value=seeds[0][1]))  # still check the output is scalar
    transform.adjoint_sweep()
    adjoints = _pack(transform.wrt_adjoints(wrt_names), as_tuple)
    _renamed(transform.body, rename)
    outputs = _renamed(_pack(fn.outputs, fn.returns_tuple), rename)
    if mode == "grad":
        returned = adjoints
    else:
        returned = gast.Tuple(elts=[outputs, adjoints], ctx=gast.Load())
    for node in transform.body[adjoint_start:]:
        node.sweep = "adjoint"
    return _finish(fn, parsed, mode, wrt, transform.body, returned, params, namer)


def _renamed(nodes, rename):
    """Apply the in-place coalescing of ``y[i] = v`` versions to primal names."""
    renamer = Renamer(rename)
    for node in nodes if isinstance(nodes, list) else [nodes]:
        renamer.visit(node)
    return nodes


def _pack(atoms, as_tuple):
    return gast.Tuple(elts=list(atoms), ctx=gast.Load()) if as_tuple else atoms[0]


def _finish(fn, parsed, mode, wrt, body, returned, params, namer):
    """Optimize, add the docstring and comments, and print the function."""
    namespace = _namespace(parsed)
    temporaries = set(fn.temporaries) | {
        derived for (base, _), derived in namer.derived_names.items() if base in fn.temporaries}
    temporaries |= {n for n in namer.taken if n.endswith("_rest")}
    live_out = {n.id for n in gast.walk(returned) if isinstance(n, gast.Name)}
    body = optimize(body, live_out, temporaries, namespace)
    if mode == "jvp":
        header_at = {0: _HEADERS["jvp"]} if body else {}
    else:
        adjoint = [i for i, stmt in enumerate(body) if getattr(stmt, "sweep", None) == "adjoint"]
        header_at = {adjoint[0]: _HEADERS["reverse"]} if adjoint else {}
    body, comments = with_comments(body, header_at)
    function_name = namer.fresh(f"{fn.name}_{mode}")
    wrt_text = ", ".join(fn.params[i] for i in wrt)
    doc = _DOCS[mode].format(name=fn.name, wrt=wrt_text)
    docstring = gast.Expr(value=gast.Constant(f"{doc} Generated by srcad.", None))
    node = gast.FunctionDef(
        name=function_name,
        args=_arguments(fn, params, keep_defaults=mode in ("grad", "value_and_grad")),
        body=[docstring] + body + [gast.Return(value=returned)],
        decorator_list=[], returns=None, type_comment=None, type_params=[])
    source = to_source(node, comments)
    used = _used_names(node)
    needed = {n: namespace[n] for n in sorted(used) if n in namespace}
    header = "\n".join(
        [f"# Generated by srcad from {parsed.function.__qualname__} "
         f"({parsed.filename}:{parsed.first_line}); mode={mode}, wrt={tuple(wrt)}."]
        + import_lines(needed))
    return Generated(function_name, f"{header}\n\n\n{source}", needed, mode, tuple(wrt))


def _arguments(fn, params, keep_defaults):
    def param(identifier):
        return gast.Name(identifier, gast.Param(), None, None)
    return gast.arguments(
        args=[param(p) for p in params], posonlyargs=[], vararg=None,
        kwonlyargs=[param(p) for p in fn.kwonly], kw_defaults=list(fn.kw_defaults), kwarg=None,
        defaults=list(fn.defaults) if keep_defaults else [])


def _namespace(parsed):
    """The user's free names plus the helpers derivative code uses."""
    namespace = dict(parsed.namespace)
    user_names = {n.id for n in gast.walk(parsed.node) if isinstance(n, gast.Name)}
    for helper, obj in {**all_free_names(), **RUNTIME_NAMES}.items():
        if helper in namespace and namespace[helper] is not obj and helper in user_names:
            raise SrcadError(
                f"{parsed.filename}:{parsed.first_line}: {parsed.function.__qualname__} uses the "
                f"name `{helper}` for something other than srcad's helper of that name; rename it")
        namespace[helper] = obj
    return namespace


def _used_names(node):
    return {n.id for n in gast.walk(node) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load)}
