"""Stage 7, compile and cache: generated source -> Python functions, kept in memory and on disk.

A derivative is a function of what your code *runs*: its code object, the options, srcad's
own code and rule table (the *base key*), and what each name it resolved refers to (the
*variant*: ``kernel`` is ``np.sin`` in one closure, ``np.exp`` in another). Entries are
looked up by base key, then the first variant whose names still describe the same objects
(guards.py) is used; otherwise srcad generates a new one.

On disk, ``$SRCAD_CACHE_DIR`` (default: ``~/.cache/srcad``) holds one directory per base key
and one ``.py`` file per variant, which a second process reuses (diskcache.py keeps the files
safe). Tracebacks and ``pdb`` show the file's lines.
"""
import ast
import hashlib
import json
import sys

import numpy

from . import __version__, diskcache, linking, loader
from .compiled import fusion
from .arity import split_arity
from .objects import is_object
from .guards import code_digest, lookup_path, still_valid
from .optimize import enabled as optimizer_enabled
from .options import DEFAULT as DEFAULT_OPTIONS, resolve as resolve_options
from .rules.registry import all_free_names, fingerprint
from .transform import RUNTIME_NAMES, USER_MODES, generate
from .trees import depth, recursion_room

STATS = {"transforms": 0, "memory_hits": 0, "disk_hits": 0}
cache_dir = diskcache.cache_dir
_MEMORY: dict = {}    # base key -> [Variant], most recent first
# modes srcad calls itself, and the modes users call: only the latter check their inputs
NAMES_LINE = "# srcad names: "
CHECKED_LINE = "# srcad checks at each call that these still refer to the same objects: "
ENTRY_LINE = "# srcad entry: "


class Variant:
    """One generated file: its source, what its names referred to, compiled once."""

    def __init__(self, source, filename, names, guards, entries, compiled):
        self.source, self.filename = source, filename
        self.names, self.guards, self.entries = names, guards, entries
        self.compiled = compiled
        self.loaded = []   # (closure cells, guarded objects, result) already instantiated


def derivative(function, mode, wrt, as_tuple, options=None):
    """The compiled derivative function(s) of `function` (transforming it at most once for
    each set of objects its names refer to). `options`: an `options.Options` (default: all
    off, except what the environment turns on)."""
    options = resolve_options(options)
    key = _memory_key(function, mode, wrt, as_tuple, options)
    variants = _MEMORY.setdefault(key, [])
    variant = next((v for v in variants if still_valid(function, v.names)), None)
    if variant is not None:
        STATS["memory_hits"] += 1
    else:
        variant = _from_disk(function, mode, wrt, as_tuple, options) \
            or _generated(function, mode, wrt, as_tuple, options)
        variants.insert(0, variant)
    return _load(variant, function, mode, wrt, as_tuple, options)


def _memory_key(function, mode, wrt, as_tuple, options=DEFAULT_OPTIONS):
    code = function.__code__
    return (code, code.co_filename, code.co_firstlineno, mode, wrt, as_tuple, fingerprint(),
            optimizer_enabled(), options)


def base_key(function, mode, wrt, as_tuple, options=DEFAULT_OPTIONS):
    """What the disk cache keys on before looking at names: the code object (its source,
    file and lines), the options, srcad's own code, the rule table and Python's version."""
    digest = hashlib.sha256(code_digest(function.__code__).encode())
    text = "\n".join([diskcache.srcad_fingerprint(__version__), sys.implementation.cache_tag,
                      numpy.__version__, mode,
                      repr(wrt), repr(as_tuple), repr(optimizer_enabled()), function.__qualname__,
                      fingerprint(), str(options)])
    digest.update(text.encode())
    return digest.hexdigest()[:20]


def _generated(function, mode, wrt, as_tuple, options):
    generated = generate(function, mode, wrt, as_tuple, options)
    STATS["transforms"] += 1
    source = generated.source
    place = diskcache.place(function, mode, base_key(function, mode, wrt, as_tuple, options),
                            _variant_key(generated.names))
    filename = diskcache.write(place, source) if place else None
    filename = filename or f"<srcad {function.__qualname__} {mode} {_variant_key(generated.names)}>"
    return _compiled(source, filename, generated.names, generated.guards, generated.name.split(),
                     function, mode, wrt, options)


def _from_disk(function, mode, wrt, as_tuple, options):
    for filename, source in diskcache.candidates(function, mode,
                                                 base_key(function, mode, wrt, as_tuple, options)):
        header = parse_header(source)
        if header is None or not still_valid(function, header[1]):
            continue
        try:
            variant = _compiled(source, filename, header[1], header[2], header[0], function, mode,
                                wrt, options)
        except (SyntaxError, ValueError):   # a damaged file is a miss, never an error
            continue
        STATS["disk_hits"] += 1
        if not options.compile:   # numba's cache of the file keys on its modification time
            diskcache.touch(filename)
        return variant
    return None


def _compiled(source, filename, names, guards, entries, function, mode, wrt, options):
    import linecache
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    checks = None
    mode = split_arity(mode)[0]
    if mode in USER_MODES:   # the arguments to check, and those that must not be lists
        trailing = {"vjp": 1, "jvp": len(wrt)}.get(mode, 0)
        checks = {entries[0]: (list(wrt), trailing, options.sequence_args)}
    arguments = (source, filename, entries, function, _with_fused(helpers(), source), _hidden_guards(guards), checks,
                 mode in ("grad", "value_and_grad"), bool(options.compile))
    try:
        compiled = loader.compile_generated(*arguments)
    except RecursionError:   # a nested def or a while test as deep as you wrote it
        with recursion_room(depth(ast.parse(source))):
            compiled = loader.compile_generated(*arguments)
    return Variant(source, filename, names, guards, entries, compiled)


def _with_fused(names, source):
    """`names`, with srcad.fused where the code has fused loops (compiled/fusion.py)."""
    if f"import srcad.fused as {fusion.HELPERS}" not in source:
        return names
    from . import fused
    return {**names, fusion.HELPERS: fused}


def _hidden_guards(guards):
    return [(f"{loader.HIDDEN_PREFIX}expected_{i}", path) for i, path in enumerate(guards)]


def _variant_key(names):
    return hashlib.sha256(json.dumps(names, sort_keys=True).encode()).hexdigest()[:16]


def _load(variant, function, mode, wrt, as_tuple, options):
    expected = tuple(lookup_path(function, path) for path in variant.guards)
    closure = function.__closure__
    for cells, objects, result in variant.loaded:
        if cells is closure and len(objects) == len(expected) and all(
                a is b for a, b in zip(objects, expected)):
            return result
    names = _with_fused(helpers(), variant.source)
    names.update({hidden: obj for (hidden, _), obj in zip(_hidden_guards(variant.guards), expected)})
    functions = loader.instantiate(variant.compiled, function, names)
    linking.bind_cells(functions)
    if options.compile:
        from .compiled import attach
        attach(functions, variant.filename, options.compile)
    for part, result in enumerate(functions):
        result.__srcad_source__ = variant.source
        result.__srcad_origin__ = (function, mode, wrt, part, as_tuple)
        result.__srcad_options__ = options
        result.__srcad_bound__ = variant.compiled.bound
        _keep_defaults(result, function)
    result = functions[0] if len(functions) == 1 else tuple(functions)
    variant.loaded.append((closure, expected, result))
    del variant.loaded[:-8]   # a few closures at a time; older ones are re-instantiated
    return result


def _keep_defaults(generated, function):
    """Defaults are the values your function holds (``__defaults__``), not its source text
    evaluated again."""
    if generated.__defaults__ is not None and function.__defaults__ is not None \
            and len(generated.__defaults__) == len(function.__defaults__):
        generated.__defaults__ = function.__defaults__
    if generated.__kwdefaults__ and function.__kwdefaults__:
        generated.__kwdefaults__ = {**generated.__kwdefaults__, **{
            k: v for k, v in function.__kwdefaults__.items() if k in generated.__kwdefaults__}}


_HELPERS: dict = {}


def helpers():
    """srcad's names that generated code may use: rule template names and runtime helpers."""
    from . import runtime
    from .rules.registry import _GENERATION
    if _HELPERS.get("generation") != _GENERATION[0]:
        _HELPERS.clear()
        _HELPERS["names"] = {**all_free_names(), **RUNTIME_NAMES,
                             f"{loader.HIDDEN_PREFIX}rederive": runtime.rederive,
                             f"{loader.HIDDEN_PREFIX}check_input": runtime.check_input,
                             f"{loader.HIDDEN_PREFIX}ndarray": numpy.ndarray,
                             f"{loader.HIDDEN_PREFIX}SizeOneOutput": runtime.SizeOneOutput,
                             f"{loader.HIDDEN_PREFIX}grad_of_size_one": runtime.grad_of_size_one,
                             f"{loader.HIDDEN_PREFIX}for_sequences": runtime.for_sequences,
                             f"{loader.HIDDEN_PREFIX}sequence_types": runtime.SEQUENCE_TYPES,
                             f"{loader.HIDDEN_PREFIX}is_object": is_object,
                             f"{loader.HIDDEN_PREFIX}note_error": loader.note_error}
        _HELPERS["generation"] = _GENERATION[0]
    return _HELPERS["names"]


def parse_header(source):
    """(entry names, {name: description}, guarded names) from a generated file's header,
    or None when the header is not srcad's."""
    entries, names, guards = None, {}, []
    for line in source.splitlines()[:8]:
        if line.startswith(ENTRY_LINE):
            entries = line[len(ENTRY_LINE):].split()
        elif line.startswith(NAMES_LINE):
            try:
                names = json.loads(line[len(NAMES_LINE):])
            except ValueError:
                return None
            if not isinstance(names, dict):
                return None
        elif line.startswith(CHECKED_LINE):
            guards = [part.strip() for part in line[len(CHECKED_LINE):].split(",")]
    if not entries:
        return None
    return entries, names, guards


def clear_memory():
    """Forget in-memory entries (the disk cache stays)."""
    _MEMORY.clear()
