"""Stage 1, parse: a Python function -> its gast tree and the objects its names refer to."""
import builtins
import inspect
import linecache
import textwrap
import types
from dataclasses import dataclass

import gast

from .errors import SrcadError, UnsupportedSyntax
from .guards import Resolutions
from .loader import is_generated
from .trees import parse


@dataclass
class ParsedFunction:
    """A user function's syntax tree, where it came from, and what its free names mean."""

    function: object
    node: gast.FunctionDef
    source: str              # the function's own source, dedented
    filename: str
    first_line: int          # line of the `def` in `filename`
    namespace: dict          # free name -> object (globals, closure cells, builtins)
    resolutions: Resolutions  # the callables and modules resolved, for the cache and guards
    derivative_namespace: dict | None = None   # namespace plus srcad's helpers (transform.py)

    def where(self, node):
        """``file:line`` of a node of this function, for error messages."""
        return f"{self.filename}:{self.line_of(node)}"

    def line_of(self, node):
        return self.first_line + getattr(node, "lineno", 1) - 1

    def source_line(self, node):
        lines = self.source.splitlines()
        index = getattr(node, "lineno", 1) - 1
        return lines[index].strip() if 0 <= index < len(lines) else ""

    def resolve(self, node):
        """The object a Name or dotted Attribute refers to, or MISSING if it is not a free
        name. Callables and modules resolved are recorded: the derivative depends on them."""
        path = []
        while isinstance(node, gast.Attribute):
            path.append(node.attr)
            node = node.value
        if not isinstance(node, gast.Name):
            return _MISSING
        path.append(node.id)
        path.reverse()
        chain = [self.namespace.get(path[0], _MISSING)]
        for attribute in path[1:]:
            if chain[-1] is _MISSING:
                return _MISSING
            chain.append(getattr(chain[-1], attribute, _MISSING))
        if chain[-1] is not _MISSING:
            self.resolutions.record(tuple(path), chain[-1], chain)
        return chain[-1]


_MISSING = object()
MISSING = _MISSING


def parse_function(function):
    """Read and parse `function`'s source; resolve its free names.

    The source is that of the function's own code object: for a decorated function (a
    ``functools.wraps`` wrapper) the wrapper, which is what a call runs, not the function
    it wraps (``__wrapped__``)."""
    if not inspect.isfunction(function):
        raise SrcadError(f"srcad differentiates Python functions; got {function!r}")
    try:
        lines, first_line = inspect.getsourcelines(function.__code__)
    except (OSError, TypeError) as error:
        raise SrcadError(
            f"cannot read the source of {function.__qualname__} ({error}); srcad transforms "
            "source code, so the function must be defined in a file, a notebook cell, or "
            "created with srcad.from_source(text) (not typed at the plain `python` prompt "
            "or passed to exec)."
        ) from None
    if not is_generated(function.__code__.co_filename):   # srcad's own code is its source
        check_source_matches(function, function.__code__.co_filename)
    source = textwrap.dedent("".join(lines))
    filename = inspect.getsourcefile(function.__code__) or function.__code__.co_filename
    module = parse(source)
    node = module.body[0]
    if isinstance(node, gast.Assign) and isinstance(node.value, gast.Lambda):
        raise UnsupportedSyntax("a lambda", f"{filename}:{first_line}",
                                "Write the function with `def`.")
    if isinstance(node, gast.AsyncFunctionDef):
        raise UnsupportedSyntax("`async def`", f"{filename}:{first_line}",
                                "Async functions cannot be differentiated; use a plain `def`.")
    if not isinstance(node, gast.FunctionDef):
        raise UnsupportedSyntax(type(node).__name__, f"{filename}:{first_line}")
    node.decorator_list = []  # line numbers stay relative to the first decorator line
    return ParsedFunction(function, node, source, filename, first_line, namespace_of(function),
                          Resolutions(function))


def check_source_matches(function, filename):
    """Raise unless the file srcad read compiles to the code the function runs (the file
    may have been edited since it was imported: srcad would differentiate other code)."""
    code = function.__code__
    if not any(_same_code(candidate, code) for candidate in _compiled_versions(filename, code)):
        raise SrcadError(
            f"{filename}:{code.co_firstlineno}: the source of {function.__qualname__} in this "
            "file is not the code the function runs (was the file edited after it was "
            "imported?). srcad differentiates source; re-import the module (or restart) so "
            "they agree.")


_COMPILED_FILES: dict = {}   # (filename, text hash) -> the file's module code


def _compiled_versions(filename, code):
    """Code objects named like `code`, starting on its line, in the file as it reads now."""
    text = "".join(linecache.getlines(filename))
    key = (filename, hash(text))
    if key not in _COMPILED_FILES:
        try:
            _COMPILED_FILES[key] = compile(text, filename, "exec", dont_inherit=True)
        except (SyntaxError, ValueError):
            _COMPILED_FILES[key] = None
    found, stack = [], [_COMPILED_FILES[key]] if _COMPILED_FILES[key] is not None else []
    while stack:
        for const in stack.pop().co_consts:
            if isinstance(const, types.CodeType):
                if const.co_name == code.co_name and const.co_firstlineno == code.co_firstlineno:
                    found.append(const)
                stack.append(const)
    return found


def _same_code(a, b):
    if (a.co_code, a.co_names, a.co_varnames, a.co_freevars, a.co_firstlineno) != (
            b.co_code, b.co_names, b.co_varnames, b.co_freevars, b.co_firstlineno) \
            or len(a.co_consts) != len(b.co_consts):
        return False
    for x, y in zip(a.co_consts, b.co_consts):
        if isinstance(x, types.CodeType) != isinstance(y, types.CodeType):
            return False
        if isinstance(x, types.CodeType) and not _same_code(x, y) or \
                not isinstance(x, types.CodeType) and not _same_constant(x, y):
            return False
    return True


def _same_constant(x, y):
    return type(x) is type(y) and (x == y or x != x and y != y)


def namespace_of(function):
    """Builtins, the function's globals and its closure values, by name."""
    namespace = dict(vars(builtins))
    namespace.update(function.__globals__)
    if function.__closure__:
        for name, cell in zip(function.__code__.co_freevars, function.__closure__):
            try:
                namespace[name] = cell.cell_contents
            except ValueError:  # an empty cell: the variable is assigned later
                pass
    return namespace


_SOURCES = [0]


def from_source(text, name=None, globals=None):
    """A function srcad can differentiate, from its source `text` (for code typed at the
    plain ``python`` prompt or built as a string): the function called `name`, or the
    last one `text` defines. `globals` is the namespace it runs in (by default a new one
    with NumPy imported as ``np``); the text is kept where tracebacks and srcad find it."""
    text = textwrap.dedent(text)
    _SOURCES[0] += 1
    filename = f"<srcad.from_source-{_SOURCES[0]}>"
    linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
    if globals is None:
        import numpy
        globals = {"np": numpy, "__name__": "__srcad_source__"}
    defined = [node.name for node in parse(text).body if isinstance(node, gast.FunctionDef)]
    if not defined:
        raise SrcadError("srcad.from_source: the text defines no function (write `def name(...):`)")
    exec(compile(text, filename, "exec"), globals)  # noqa: S102  (the caller's own code)
    chosen = name or defined[-1]
    if chosen not in defined:
        raise SrcadError(f"srcad.from_source: the text defines no function named {chosen!r} "
                         f"(it defines {', '.join(defined)})")
    return globals[chosen]
