"""What a derivative assumes about the names it resolved when srcad generated it.

srcad picks a derivative rule by what a name refers to (``kernel`` -> ``np.sin`` -> ``cos``),
so generated code is right only while its names still refer to the same kind of object.
`Resolutions` records every callable and module the transformation resolved; the cache keys
its entries on their *descriptions* (`describe`: stable across processes), and the generated
code re-checks, at each call, the names that can change at run time (*guards*: globals and
closure variables other than modules, e.g. ``cfg.act`` or a helper a notebook redefines).
"""
import builtins
import hashlib
import inspect
import sys
import types

MISSING = object()


def code_digest(code, located=True, _memo={}):
    """A short hash of a code object: its bytecode, names and constants, and with `located`
    its file and lines; the same in every process (``marshal.dumps`` is not: its output
    depends on reference counts, so code read from a ``.pyc`` and code compiled from
    source differ)."""
    digest = _memo.get((code, located))
    if digest is None:
        hasher = hashlib.sha256()
        _hash_code(code, hasher, located)
        digest = _memo[(code, located)] = hasher.hexdigest()[:20 if located else 12]
    return digest


def _hash_code(code, hasher, located):
    hasher.update(code.co_code)
    if located:
        hasher.update(code.co_linetable)
        hasher.update(repr((code.co_filename, code.co_firstlineno)).encode())
    hasher.update(repr((code.co_names, code.co_varnames, code.co_freevars, code.co_cellvars,
                        code.co_name, code.co_argcount, code.co_kwonlyargcount,
                        code.co_flags)).encode())
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            _hash_code(const, hasher, located)
        else:
            hasher.update(f"{_canonical(const)};".encode())


def _canonical(const):
    """repr of a constant, with sets in a fixed order (their order follows string hashes,
    which differ from one process to the next)."""
    if isinstance(const, tuple):
        return "(" + ",".join(_canonical(c) for c in const) + ")"
    if isinstance(const, frozenset):
        return "frozenset{" + ",".join(sorted(_canonical(c) for c in const)) + "}"
    return f"{type(const).__name__}:{const!r}"


def describe(obj):
    """A description of `obj` that two processes agree on, and that changes whenever code
    generated for one object would be wrong for the other."""
    from .linking import LazyDerivative
    from .rules import lookup
    if isinstance(obj, types.ModuleType):
        return f"module {obj.__name__}"
    origin = getattr(obj, "__srcad_origin__", None)
    if origin is not None:
        function, mode, wrt = origin[:3]
        return f"srcad {mode} {wrt!r} of {describe(function)}"
    if isinstance(obj, LazyDerivative):
        return f"srcad {obj.mode} {obj.wrt!r} part {obj.part} of {describe(obj.function)}"
    rule = lookup(obj)
    if rule is not None:
        return f"rule {rule.name}"
    if inspect.isfunction(obj):
        # where it is written does not change the code that calls it: no file, no lines
        return f"function {obj.__module__}.{obj.__qualname__} {code_digest(obj.__code__, False)}"
    if isinstance(obj, type):
        return f"class {obj.__module__}.{obj.__qualname__}"
    kind = type(obj)
    return f"{kind.__module__}.{kind.__qualname__} object"


class Resolutions:
    """The callables and modules a function's free names resolved to, while srcad
    transformed it: dotted path -> object, and which paths the code must guard."""

    def __init__(self, function):
        self.function = function
        self.closure_names = set(function.__code__.co_freevars)
        self.bound_by_srcad = getattr(function, "__srcad_bound__", frozenset())
        self.objects = {}        # path (tuple of names) -> object
        self.guarded = set()     # paths re-checked at each call

    def record(self, path, obj, chain):
        """`chain`: the objects along the path, root first."""
        if len(path) > 1 and (inspect.ismethod(obj) or inspect.isbuiltin(obj)) \
                and getattr(obj, "__self__", None) is chain[-2] and not isinstance(chain[-2], types.ModuleType):
            # each access makes a new bound method (``norm.logpdf is norm.logpdf`` is False, as
            # ``WEIGHTS.values is WEIGHTS.values`` for a global dict):
            # what stays the same is the object it is bound to (``norm``)
            path, obj, chain = path[:-1], chain[-2], chain[:-1]
        elif not (callable(obj) or isinstance(obj, types.ModuleType)):
            return
        if path in self.objects:
            return
        if len(path) > 1 and all(_is_library(o) for o in chain[:-1]):
            # np.sin: what it is follows from what np is and the library's version
            return self.record(path[:1], chain[0], chain[:1])
        root = path[0]
        from_user = root in self.closure_names or root in self.function.__globals__
        if not from_user:
            return   # a builtin: fixed for this Python (its version is in the cache key)
        self.objects[path] = obj
        if root not in self.bound_by_srcad and not _is_library(chain[0]):
            self.guarded.add(path)

    def descriptions(self):
        """{dotted path: description}, sorted: what the cache key covers."""
        return dict(sorted((".".join(path), describe(obj)) for path, obj in self.objects.items()))


def _is_library(obj):
    """A module of the standard library or of an installed package (``np``, ``np.linalg``,
    ``math``): what it holds does not change while a program runs. The user's own modules
    (``config.act``) may, so names read through them are guarded."""
    if not isinstance(obj, types.ModuleType):
        return False
    top = sys.modules.get(obj.__name__.partition(".")[0], obj)
    if top.__name__ in sys.stdlib_module_names or top.__name__ in sys.builtin_module_names:
        return True
    location = getattr(top, "__file__", None) or ""
    return "site-packages" in location or "dist-packages" in location or top.__name__ == "srcad"


def lookup_path(function, dotted):
    """What the dotted name refers to now, as `function`'s own code would see it."""
    root, *attributes = dotted.split(".")
    code = function.__code__
    obj = MISSING
    if root in code.co_freevars:
        try:
            obj = function.__closure__[code.co_freevars.index(root)].cell_contents
        except ValueError:
            return MISSING
    elif root in function.__globals__:
        obj = function.__globals__[root]
    else:
        obj = getattr(builtins, root, MISSING)
    for attribute in attributes:
        if obj is MISSING:
            break
        obj = getattr(obj, attribute, MISSING)
    return obj


def still_valid(function, descriptions):
    """True when every recorded name still resolves to an object of the same description."""
    for dotted, description in descriptions.items():
        obj = lookup_path(function, dotted)
        if obj is MISSING or describe(obj) != description:
            return False
    return True
