"""The pipeline: parse -> normalize -> analyze -> transform -> optimize -> emit.

`generate(function, mode, wrt)` returns a `Generated`: the derivative function's source
text and the names it needs bound. Modes: "jvp", "vjp", "grad", "value_and_grad".
"""
import ast
import inspect
import json
import os
import sys
import textwrap
from dataclasses import dataclass, replace

import gast

from . import checkpointing, dependencies, dicts, dynamic, linking, objects, runtime
from .activity import analyze
from .arity import split_arity
from .batching import RUNTIME_NAMES as BATCH_RUNTIME_NAMES
from .custom import calls_itself, is_custom
from .debugging import add_finite_checks, debug_nans_check
from . import fused as fused_helpers
from .compiled import fusion
from .compiled.flavor import for_target, tapes_across
from .contexts import wrap_contexts
from .derivatives import assign, call, name
from .emit import import_lines, to_source, with_comments
from .errors import SrcadError, UnsupportedSyntax
from .forward import ForwardTransform, call_arity
from .dependency import DependencyTransform
from . import dependencies
from .names import Namer
from .ir import Renamer, loaded_names
from .normalize import coalesce_setitems, normalize
from .normalize_functions import DynamicCallee, LiftedFunction
from .optimize import optimize
from .options import DEFAULT as DEFAULT_OPTIONS, code_target
from .parse import parse_function
from .reverse import ReverseTransform, needed_primal_values
from .rules.registry import all_free_names
from .shapes import ShapeClasses
from .emit import walk_nodes
from .liveness import assigned_on_every_path, live_in
from .tape import prune_tape
from .written_out import NAMES as WRITTEN_OUT_NAMES
from .trees import deepest_statement, depth, in_nested_scopes, recursion_room, walk as walk_tree

USER_MODES = ("grad", "value_and_grad", "vjp", "jvp")   # what users call; srcad calls the others
MODES = ("jvp", "vjp", "grad", "value_and_grad", "split", "jvp_call", "deps", "deps_call")
DEPENDENCY_MODES = ("deps", "deps_call")   # forward mode with dependencies (dependency.py)
CALL_MODES = ("jvp_call", "deps_call")     # tangents first, as one tuple, then the arguments
VECTOR_MODES = {"jvp_batch": "jvp", "vjp_batch": "vjp", "split_batch": "split", "jvp_batch_call": "jvp_call"}
RUNTIME_NAMES = {n: getattr(runtime, n) for n in (
    "zeros_like", "add_at", "seed_cotangent", "add_each", "copy_of", "shape_of", "unrepeated", "owned_items")}
RUNTIME_NAMES["debug_nans_check"] = debug_nans_check
RUNTIME_NAMES.update(split_of=linking.split_of, jvp_of=linking.jvp_of, derivative_of=linking.derivative_of)
RUNTIME_NAMES.update({n: getattr(runtime, n) for n in BATCH_RUNTIME_NAMES})
RUNTIME_NAMES.update(bind_captured=runtime.bind_captured, as_structure_of=objects.as_structure_of,
                     field_of=objects.field_of, record_of=objects.record_of, Fields=dynamic.Fields, merged=dicts.merged,
                     dynamic_split=dynamic.dynamic_split, dynamic_jvp=dynamic.dynamic_jvp,
                     **{helper.__name__: helper for helper in dicts.METHODS.values()}, **WRITTEN_OUT_NAMES)
RUNTIME_NAMES.update(revolve=checkpointing.revolve, snapshots_within=checkpointing.snapshots_within)
RUNTIME_NAMES.update({n: getattr(dependencies, n) for n in dependencies.RUNTIME_NAMES})

_DOCS = {
    "jvp": "Forward mode (JVP) of {name}: returns (its value, the tangent of its value).",
    "vjp": "Reverse mode (VJP) of {name}: returns (its value, the cotangent of {wrt}).",
    "grad": "Gradient of {name} with respect to {wrt}.",
    "value_and_grad": "Value and gradient of {name} with respect to {wrt}.",
    "jvp_call": "Forward mode (JVP) of {name}: returns (its value, the tangent of its value).",
    "deps": "Dependency mode of {name}: returns (its value, which elements of {wrt} each of its "
            "elements depends on).",
    "fwd": "Forward part of {name}'s reverse mode: returns (its value, what the backward part needs).",
    "bwd": "Backward part of {name}'s reverse mode: returns the cotangent of {wrt}.",
    "jvp_batch": "Forward mode (JVP) of {name} in vector mode: tangents carry a leading axis of "
                 "directions; returns (its value, the tangent of its value for each direction).",
    "vjp_batch": "Reverse mode (VJP) of {name} in vector mode: cotangents carry a leading axis of "
                 "directions; returns (its value, the cotangent of {wrt} for each direction).",
}
_HEADERS = {
    "jvp": "Each value is followed by its tangent (d value along the input tangents).",
    "deps": "Each value is followed by its dependencies (which input elements it depends on).",
    "reverse": "Adjoint sweep: derivatives flow from the output back to the inputs.",
}


@dataclass
class Generated:
    """A generated derivative function: its source and the names its code refers to."""

    name: str            # the entry function (``f_fwd f_bwd`` for mode "split")
    source: str
    namespace: dict      # names the code needs, beyond builtins
    mode: str
    wrt: tuple
    names: dict | None = None   # {dotted name: description} of what its names referred to
    guards: list | None = None  # dotted names the code re-checks at each call


class Linker:
    """Names of the derivative functions of user functions this code calls."""

    def __init__(self, namer, vector=False, options=DEFAULT_OPTIONS, dependency=False):
        self.namer, self.vector, self.options = namer, vector, options
        self.dependency = dependency   # dependency mode: callees' dependency mode too
        self.bindings = {}   # (mode, callee key, wrt) -> (names, binding source line)

    def _bind(self, mode, stmt, active, suffixes, helper):
        wrt = tuple(index for index, _ in active)
        key = (mode, id(stmt.callee) if not isinstance(stmt.callee, LiftedFunction)
               else stmt.callee.__name__, wrt)
        arity = call_arity(stmt)
        key += (arity,)
        if key not in self.bindings:
            base = stmt.callee.__name__
            if not base.isidentifier():   # a lambda: named as the code calls it
                base = _unparse(stmt.expr.func).replace(".", "_")
            names = [self.namer.fresh(f"{base}_{suffix}") for suffix in suffixes]
            function = stmt.expr.func
            vector = ", vector=True" if self.vector else ""
            vector += ", dependency=True" if self.dependency and mode == "jvp" else ""
            if isinstance(stmt.callee, DynamicCallee):   # found at run time: dynamic.py
                helper = "dynamic_" + mode
                count = f", {arity}" if mode == "split" else ""
                method = f", method={stmt.callee.method!r}" if stmt.callee.method else ""
                line = f"{', '.join(names)} = {helper}({wrt!r}{count}{method}, " \
                       f"where={stmt.callee.where!r}{vector}{self.options.keywords()})"
                self.bindings[key] = (names, line)
                return names
            vector += f", arity={arity}" if arity is not None else ""
            line = f"{', '.join(names)} = {helper}({_unparse(function)}, {wrt!r}{vector}" \
                   f"{self.options.keywords()})"
            self.bindings[key] = (names, line)
        return self.bindings[key][0]

    def split(self, stmt, active):
        return self._bind("split", stmt, active, ("fwd", "bwd"), "split_of")

    def jvp(self, stmt, active):
        return self._bind("jvp", stmt, active, ("jvp",), "jvp_of")[0]

    def lines(self):
        return [line for _, line in self.bindings.values()]


def _unparse(node):
    return ast.unparse(gast.gast_to_ast(node))


def generate(function, mode, wrt, as_tuple=None, options=DEFAULT_OPTIONS):
    """Transform `function` into the derivative function of `mode` w.r.t. parameters `wrt`.

    `as_tuple`: return the derivatives for `wrt` as a tuple (default: when len(wrt) > 1);
    `options`: an `options.Options` (the default generates the ordinary code).
    """
    as_tuple = len(wrt) > 1 if as_tuple is None else as_tuple
    mode, arity = split_arity(mode)
    vector = mode in VECTOR_MODES
    mode = VECTOR_MODES.get(mode, mode)
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES + tuple(VECTOR_MODES)}, not {mode!r}")
    try:
        parsed = parse_function(function)
        if is_custom(function):   # srcad.grad(f) of a custom_vjp function: f's call, by its rules
            calls_itself(parsed)
        with recursion_room(depth(parsed.node)):
            return _generate(parsed, mode, arity, wrt, as_tuple, vector, options)
    except RecursionError:
        raise _too_deep(function) from None


def _too_deep(function):
    """The error for a function too deep to transform, naming its deepest statement (read
    again with the standard library's parser, which does not recurse in Python)."""
    lines, first_line = inspect.getsourcelines(function.__code__)
    line, levels = deepest_statement(ast.parse(textwrap.dedent("".join(lines))))
    filename = inspect.getsourcefile(function.__code__) or function.__code__.co_filename
    return UnsupportedSyntax(
        f"an expression nested {levels} levels deep", f"{filename}:{first_line + line - 1}",
        f"srcad ran out of Python's recursion limit ({sys.getrecursionlimit()} frames) "
        "transforming it; split it into several statements (or raise the limit with "
        "sys.setrecursionlimit).")


def _generate(parsed, mode, arity, wrt, as_tuple, vector, options):
    fn = normalize(parsed, arity)
    wrt_names = differentiated_names(fn, mode, wrt)
    if mode in USER_MODES:   # made for arrays: derived again when a list arrives (loader.py)
        fn.sequence_params = {fn.params[i] for i in options.sequence_args if i < len(fn.params)}
    if mode in ("jvp", "jvp_call") + DEPENDENCY_MODES:
        builder = _forward
    else:
        builder = _reverse
    return builder(fn, parsed, mode, wrt, wrt_names, as_tuple, vector, options)


def differentiated_names(fn, mode, wrt):
    """The parameters `wrt` names (keyword-only ones too in the modes srcad calls)."""
    params = fn.params + fn.kwonly if mode in ("split",) + CALL_MODES else fn.params
    for index in wrt:
        if not 0 <= index < len(params):
            raise SrcadError(f"{fn.parsed.where(fn.parsed.node)}: wrt={index} is out of range: "
                             f"{fn.name} has {len(fn.params)} positional parameters")
    return [params[i] for i in wrt]


def _namer(fn):
    return Namer(fn.taken | set(all_free_names()) | set(RUNTIME_NAMES))


def _forward(fn, parsed, mode, wrt, wrt_names, as_tuple, vector, options):
    rename = coalesce_setitems(fn)
    activity = analyze(fn, wrt_names)
    namer = _namer(fn)
    linker = Linker(namer, vector, options, dependency=mode in DEPENDENCY_MODES)
    kind = DependencyTransform if mode in DEPENDENCY_MODES else ForwardTransform
    transform = kind(fn, activity, namer, rename, linker)
    dots = [transform.dot(w) for w in wrt_names]
    start = []
    if vector:
        directions = namer.fresh("directions")
        transform.vector_mode(directions, _namespace(parsed))
        start = [assign(directions, call("directions_of", name(dots[0])))]
    body = start + _renamed(transform.run(wrt_names), rename)
    tangents = transform.output_tangents()
    outputs = _renamed(_pack(fn.outputs, fn.returns_tuple), rename)
    returned = gast.Tuple(elts=[outputs, _pack(tangents, fn.returns_tuple)], ctx=gast.Load())
    mode = mode + "_batch" if vector and mode == "jvp" else mode
    if mode in CALL_MODES:
        tangents_param = namer.fresh("tangents")
        unpack = assign(gast.Tuple(elts=[gast.Name(d, gast.Store(), None, None) for d in dots],
                                   ctx=gast.Store()), name(tangents_param))
        function = _function(fn, parsed, mode, wrt, [unpack] + body, returned,
                             [tangents_param] + fn.params, namer, keep_defaults=True,
                             options=options)
        return _module(fn, parsed, mode, wrt, [function], linker)
    function = _function(fn, parsed, mode, wrt, body, returned, fn.params + dots, namer,
                         options=options)
    return _module(fn, parsed, mode, wrt, [function], linker)


def _reverse(fn, parsed, mode, wrt, wrt_names, as_tuple, vector, options):
    activity = analyze(fn, wrt_names)
    shapes = ShapeClasses(fn)
    if mode in ("grad", "value_and_grad") and not fn.returns_tuple:
        shapes.assume_scalar(fn.outputs[0])   # the seed checks it before any adjoint runs
    rename = coalesce_setitems(fn, keep=needed_primal_values(fn, activity, shapes))
    namer = _namer(fn)
    linker = Linker(namer, vector, options)
    transform = ReverseTransform(fn, activity, namer, rename, linker, shapes,
                                 checkpoint=options.checkpoint_plan())
    transform.namespace = _namespace(parsed)
    if vector:
        transform.vector_mode(namer.fresh("directions"), _namespace(parsed))
    primal = transform.primal_sweep()
    params = list(fn.params)
    cotangent = None
    if mode in ("vjp", "split"):
        if fn.returns_tuple:
            cotangent = namer.fresh("cotangents")
            seeds = [(o, gast.Subscript(value=name(cotangent), slice=gast.Constant(i, None),
                                        ctx=gast.Load())) for i, o in enumerate(fn.outputs)]
        else:
            cotangent = transform.bar(fn.outputs[0].id) \
                if isinstance(fn.outputs[0], gast.Name) else namer.fresh("cotangent")
            seeds = []
            if activity.is_active_atom(fn.outputs[0]):
                transform.state[cotangent] = "set"
        if mode == "vjp":
            params.append(cotangent)
    else:
        if fn.returns_tuple:
            raise SrcadError(f"{parsed.where(parsed.node.body[-1])}: srcad.grad needs {fn.name} to "
                             "return one scalar, but it returns a tuple; use srcad.vjp with a tuple "
                             "of cotangents instead")
        output = fn.outputs[0]
        seeds = [(output, call("seed_cotangent", output, gast.Constant(fn.name, None)))]
    if vector:
        transform.body.append(assign(transform.batch, call("directions_of", name(cotangent))))
    transform.seed(seeds)
    if mode == "grad" and not activity.is_active_atom(fn.outputs[0]):
        transform.body.append(gast.Expr(value=seeds[0][1]))  # still check the output is scalar
    transform.adjoint_sweep()
    adjoints = transform.wrt_adjoints(wrt_names)
    if mode != "split":   # a list, dict or object argument: its derivative has its structure
        adjoints = [call("as_structure_of", bar, name(w)) if i in options.sequence_args else bar
                    for i, w, bar in zip(wrt, wrt_names, adjoints)]
    adjoints = _pack(adjoints, as_tuple)
    adjoint = transform.body
    _renamed(primal, rename)
    _renamed(adjoint, rename)
    primal, adjoint, restored = prune_tape(primal, adjoint, read_after=loaded_names(adjoints))
    outputs = _renamed(_pack(list(fn.outputs), fn.returns_tuple), rename)
    outputs = _capture(outputs, restored, primal, namer)
    if any(getattr(node, "tape", None) for node in walk_nodes(primal + adjoint)):
        primal.insert(0, assign(transform.tape, gast.List(elts=[], ctx=gast.Load())))
    for node in adjoint:
        node.sweep = "adjoint"
    if mode == "split":
        return _split(fn, parsed, wrt, primal, adjoint, outputs, adjoints, cotangent, namer, linker,
                      transform.tape, options)
    if mode == "grad":
        returned = adjoints
    else:
        returned = gast.Tuple(elts=[outputs, adjoints], ctx=gast.Load())
    mode = mode + "_batch" if vector else mode
    function = _function(fn, parsed, mode, wrt, primal + adjoint, returned, params, namer,
                         keep_defaults=mode in ("grad", "value_and_grad"), options=options)
    notes = [transform.checkpoint_note()] if transform.checkpointed else []
    return _module(fn, parsed, mode, wrt, [function], linker, notes=notes)


def _capture(outputs, restored, primal, namer):
    """Outputs the adjoint sweep restores to earlier values are copied at the end of the
    primal sweep, so the function returns its final values."""
    atoms = outputs.elts if isinstance(outputs, gast.Tuple) else [outputs]
    captured = []
    for atom in atoms:
        if isinstance(atom, gast.Name) and atom.id in restored:
            kept = namer.fresh(f"{atom.id}_value")
            value = {"pop": name(atom.id), "undo": call("list", name(atom.id)),
                     "slots": call("copy_of", name(atom.id))}[restored[atom.id]]
            primal.append(assign(kept, value))
            atom = name(kept)
        captured.append(atom)
    return gast.Tuple(elts=captured, ctx=gast.Load()) if isinstance(outputs, gast.Tuple) else captured[0]


def _split(fn, parsed, wrt, primal, adjoint, outputs, adjoints, cotangent, namer, linker, tape,
           options):
    """Reverse mode as two functions: forward part and backward part, sharing `saved`.
    The backward part pops a copy of the tape, so `saved` can be used again."""
    temporaries = _temporaries(fn, namer)
    namespace = _namespace(parsed)
    cotangent = cotangent or namer.fresh("cotangent")
    adjoint = optimize(adjoint, loaded_names(adjoints), temporaries, namespace, namer.fresh)
    primal_written = {n.id for node in primal for n in walk_tree(node)
                      if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}
    residuals = sorted(live_in(adjoint + [gast.Expr(value=adjoints)], set())
                       & (primal_written | set(fn.params) | set(fn.kwonly)))
    unbound = [r for r in residuals if r not in assigned_on_every_path(primal, set(fn.params) | set(fn.kwonly))]
    primal = [assign(r, gast.Constant(None, None)) for r in unbound] + primal  # not set on every path
    saved = namer.fresh("saved")
    saved_tuple = gast.Tuple(elts=[name(r) for r in residuals], ctx=gast.Load())
    forward = _function(fn, parsed, "fwd", wrt, primal, gast.Tuple(elts=[outputs, saved_tuple],
                        ctx=gast.Load()), fn.params, namer, keep_defaults=True, optimized=False,
                        options=replace(DEFAULT_OPTIONS, compile=options.compile))
    unpack = assign(gast.Tuple(elts=[gast.Name(r, gast.Store(), None, None) for r in residuals],
                               ctx=gast.Store()), name(saved))
    start = [unpack] if residuals else []
    if tape in residuals:
        start.append(assign(tape, call("list", name(tape))))
    backward = _function(fn, parsed, "bwd", wrt, start + adjoint, adjoints,
                         [saved, cotangent], namer, optimized=True, options=options)
    if options.compile and tape in residuals:
        tapes_across(forward[0], backward[0], tape)
    names = f"{forward[0].name}.saved_names = {tuple(residuals)!r}  # what `saved` holds, in order"
    return _module(fn, parsed, "split", wrt, [forward, backward], linker, trailer=[names])


def _renamed(nodes, rename):
    """Apply the in-place coalescing of ``y[i] = v`` versions to primal names."""
    renamer = Renamer(rename)
    for node in nodes if isinstance(nodes, list) else [nodes]:
        renamer.visit(node)
    return nodes


def _pack(atoms, as_tuple):
    return gast.Tuple(elts=list(atoms), ctx=gast.Load()) if as_tuple else atoms[0]


def _temporaries(fn, namer):
    temporaries = set(fn.temporaries) | {
        derived for (base, _), derived in namer.derived_names.items() if base in fn.temporaries}
    return temporaries | {n for n in namer.taken if n.endswith("_rest")}


def _function(fn, parsed, mode, wrt, body, returned, params, namer, keep_defaults=False,
              optimized=False, options=DEFAULT_OPTIONS):
    """Optimize, add the docstring and comments: one generated FunctionDef and its comments."""
    namespace = _namespace(parsed)
    if not optimized:
        live_out = loaded_names(returned)
        body = optimize(body, live_out, _temporaries(fn, namer), namespace, namer.fresh)
    if options.debug_nans:
        body = add_finite_checks(body, params, set(namer.derived_names.values()), shown_path)
    body = wrap_contexts(body)
    if options.compile:
        body = for_target(body, code_target(options.compile), returned)
    if mode in ("jvp", "jvp_call", "jvp_batch") + DEPENDENCY_MODES:
        header = _HEADERS["deps" if mode in DEPENDENCY_MODES else "jvp"]
        header_at = {0: header} if body else {}
    else:
        adjoint = [i for i, stmt in enumerate(body) if getattr(stmt, "sweep", None) == "adjoint"]
        header_at = {adjoint[0]: _HEADERS["reverse"]} if adjoint else {}
    body, comments = with_comments(body, header_at)
    function_name = namer.fresh(f"{fn.name}_{mode}")
    wrt_names = fn.params + fn.kwonly if mode in ("fwd", "bwd") + CALL_MODES else fn.params
    doc = _DOCS.get(mode, _DOCS[mode.replace("_batch", "").replace("deps_call", "deps")]).format(name=fn.name, wrt=", ".join(wrt_names[i] for i in wrt))
    docstring = gast.Expr(value=gast.Constant(f"{doc} Generated by srcad.", None))
    node = gast.FunctionDef(
        name=function_name,
        args=_arguments(fn, params, keep_defaults),
        body=[docstring] + body + [gast.Return(value=returned)],
        decorator_list=[], returns=None, type_comment=None, type_params=[])
    return node, comments


def _module(fn, parsed, mode, wrt, functions, linker, trailer=(), notes=()):
    """The generated file: header (with `notes`, lines of text), imports, nested functions,
    bindings, then the functions."""
    namespace = _namespace(parsed)
    lifted = [to_source(node, []) for node in fn.lifted]
    texts = [to_source(node, comments) for node, comments in functions]
    bindings = [f"{binding} = derivative_of({function}, {mode!r}, {wrt!r}, {as_tuple!r})"
                for binding, function, mode, wrt, as_tuple in fn.derivative_bindings] + linker.lines()
    used = set()
    for node in [node for node, _ in functions] + list(fn.lifted):
        used |= loaded_names(node) - _local_names(node)
    if bindings:
        used |= {"split_of", "jvp_of", "derivative_of", "dynamic_split", "dynamic_jvp"} & {line.split("= ")[1].split("(")[0]
                                                           for line in bindings}
        used |= {n for line in bindings for n in loaded_names(gast.parse(line).body[0].value)}
    used -= {node.name for node in fn.lifted}
    needed = {n: namespace[n] for n in sorted(used) if n in namespace}
    if fusion.HELPERS in used and fusion.HELPERS not in namespace:   # compiled/fusion.py
        needed[fusion.HELPERS] = fused_helpers
    entries = " ".join(node.name for node, _ in functions)
    resolved = parsed.resolutions.descriptions()
    guards = sorted(".".join(path) for path in parsed.resolutions.guarded)
    header = [f"# Generated by srcad from {parsed.function.__qualname__} "
              f"({shown_path(parsed.filename)}:{parsed.first_line}); mode={mode}, wrt={tuple(wrt)}.",
              f"# srcad entry: {entries}"]
    vararg = parsed.node.args.vararg
    if vararg is not None:
        values = fn.params[len(parsed.node.args.args):]
        header.append(f"# for {len(values)} values in *{vararg.id}: {', '.join(values) or 'none'}")
    header += [f"# {note}" for note in notes]
    if resolved:
        header.append(f"# srcad names: {json.dumps(resolved)}")
    if guards:
        header.append(f"# srcad checks at each call that these still refer to the same objects: "
                      f"{', '.join(guards)}")
    closure = set(parsed.function.__code__.co_freevars)
    header = "\n".join(header + import_lines(needed, live=closure) + fusion.compile_time_lines(used))
    parts = [header] + lifted + (["\n".join(bindings) + "\n"] if bindings else []) + texts + list(trailer)
    return Generated(entries, "\n\n\n".join(p.rstrip("\n") for p in parts) + "\n", needed, mode,
                     tuple(wrt), resolved, guards)


def shown_path(filename):
    """`filename` relative to the current directory when it lies below it."""
    try:
        relative = os.path.relpath(filename)
    except ValueError:   # another drive
        return filename
    return filename if relative.startswith(os.pardir) else relative


def _local_names(function_node):
    """Parameters and assigned names: local to the function, whatever the module holds (a
    comprehension's own variables are not: they exist only inside it)."""
    scoped = in_nested_scopes(function_node)
    imported = {alias.asname or alias.name.partition(".")[0] for n in walk_tree(function_node)
                if isinstance(n, (gast.Import, gast.ImportFrom)) for alias in n.names}
    return imported | {n.id for n in walk_tree(function_node) if isinstance(n, gast.Name)
                       and id(n) not in scoped and isinstance(n.ctx, (gast.Store, gast.Param))}


def _arguments(fn, params, keep_defaults):
    def param(identifier):
        return gast.Name(identifier, gast.Param(), None, None)
    with_kwonly = set(fn.params) <= set(params)
    return gast.arguments(
        args=[param(p) for p in params], posonlyargs=[], vararg=None,
        kwonlyargs=[param(p) for p in fn.kwonly] if with_kwonly else [],
        kw_defaults=list(fn.kw_defaults) if with_kwonly else [],
        kwarg=param(fn.kwarg) if fn.kwarg and with_kwonly else None,
        defaults=list(fn.defaults) if keep_defaults else [])


def _namespace(parsed):
    """The user's free names plus the helpers derivative code uses (built once per parse)."""
    if parsed.derivative_namespace is not None:
        return parsed.derivative_namespace
    namespace = dict(parsed.namespace)
    user_names = {n.id for n in walk_tree(parsed.node) if isinstance(n, gast.Name)}
    for helper, obj in {**all_free_names(), **RUNTIME_NAMES}.items():
        if helper in namespace and namespace[helper] is not obj and helper in user_names:
            raise SrcadError(
                f"{parsed.filename}:{parsed.first_line}: {parsed.function.__qualname__} uses the "
                f"name `{helper}` for something other than srcad's helper of that name; rename it")
        namespace[helper] = obj
    parsed.derivative_namespace = namespace
    return namespace


