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
from .trees import clone, parse, walk as walk_tree


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
        """The statement as written: its lines joined when short, else its first line and
        `...` (for a compound statement, its header)."""
        lines = self.source.splitlines()
        first = getattr(node, "lineno", 1)
        last = getattr(node, "end_lineno", None) or first
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], gast.stmt):
            last = max(first, getattr(body[0], "lineno", first) - 1)
        text = [line.strip() for line in lines[max(first - 1, 0):last]]
        if len(text) <= 1:
            return text[0] if text else ""
        joined = " ".join(line.rstrip("\\").strip() for line in text)
        if len(joined) <= 100 and "#" not in joined:
            return joined
        return f"{text[0]} ..."

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
    filename = inspect.getsourcefile(function.__code__) or function.__code__.co_filename
    if function.__code__.co_name == "<lambda>":
        return _parse_lambda(function, filename)
    source = textwrap.dedent("".join(lines))
    module = parse(source)
    node = module.body[0]
    if isinstance(node, gast.AsyncFunctionDef):
        raise UnsupportedSyntax("`async def`", f"{filename}:{first_line}",
                                "Async functions cannot be differentiated; use a plain `def`.")
    if not isinstance(node, gast.FunctionDef):
        raise UnsupportedSyntax(type(node).__name__, f"{filename}:{first_line}")
    node.decorator_list = []  # line numbers stay relative to the first decorator line
    return ParsedFunction(function, node, source, filename, first_line, namespace_of(function),
                          Resolutions(function))


def _parse_lambda(function, filename):
    """A lambda, read from its file as the ``def`` it stands for: ``f = lambda x: e`` is
    ``def f(x): return e`` (named ``lambda_<line>`` when it is not assigned to a name)."""
    code = function.__code__
    line = code.co_firstlineno
    text = "".join(linecache.getlines(filename))
    tree = _FILE_TREES.get((filename, text))
    if tree is None:
        _FILE_TREES.clear()
        tree = _FILE_TREES[(filename, text)] = parse(text)
    node = _matching_lambda([n for n in walk_tree(tree) if isinstance(n, gast.Lambda) and n.lineno == line],
                            code)
    if node is None:
        raise SrcadError(f"{filename}:{line}: srcad cannot tell which lambda of this line is "
                         f"{function.__qualname__}; write it on a line of its own (or with `def`)")
    name = next((a.targets[0].id for a in walk_tree(tree) if isinstance(a, gast.Assign)
                 and a.value is node and len(a.targets) == 1 and isinstance(a.targets[0], gast.Name)),
                f"lambda_{line}")
    definition = gast.FunctionDef(
        name=name, args=clone(node.args), body=[gast.Return(value=clone(node.body))],
        decorator_list=[], returns=None, type_comment=None, type_params=[])
    for child in walk_tree(definition):   # line numbers relative to the lambda's line
        if getattr(child, "lineno", None) is not None:
            child.lineno -= line - 1
            child.end_lineno = (getattr(child, "end_lineno", None) or child.lineno + line - 1) - line + 1
    definition.lineno, definition.col_offset = 1, 0
    returned = definition.body[0]
    returned.lineno, returned.end_lineno = node.body.lineno - line + 1, node.body.end_lineno - line + 1
    returned.col_offset = 0
    source = "".join(text.splitlines(True)[line - 1:])
    return ParsedFunction(function, definition, source, filename, line, namespace_of(function),
                          Resolutions(function))


_FILE_TREES: dict = {}   # (filename, text) -> its gast tree: the last file a lambda was read from


def _matching_lambda(candidates, code):
    """The lambda node whose body holds the code's instructions (the innermost one when
    lambdas nest); None when that cannot be told."""
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    positions = getattr(code, "co_positions", None)
    if positions is None:   # Python 3.10
        return None
    points = [(l, c) for l, _, c, _ in positions() if l is not None and c is not None]

    def inside(node):
        body = node.body
        start, end = (body.lineno, body.col_offset), (body.end_lineno, body.end_col_offset)
        return sum(start <= point <= end for point in points)

    def span(node):
        return (node.end_lineno - node.lineno, node.end_col_offset - node.col_offset)
    best = max(inside(n) for n in candidates)
    if not best:
        return None
    return min((n for n in candidates if inside(n) == best), key=span)


def check_source_matches(function, filename):
    """Raise unless the file srcad read compiles to the code the function runs (the file
    may have been edited since it was imported: srcad would differentiate other code)."""
    code = function.__code__
    rewritten = "@pytest_ar" in function.__globals__   # a test module whose asserts pytest rewrote
    if not any(_same_code(candidate, code) for candidate in _compiled_versions(filename, code, rewritten)):
        raise SrcadError(
            f"{filename}:{code.co_firstlineno}: the source of {function.__qualname__} in this "
            "file is not the code the function runs (was the file edited after it was "
            "imported?). srcad differentiates source; re-import the module (or restart) so "
            "they agree.")


_COMPILED_FILES: dict = {}   # (filename, text hash) -> the file's module code


def _compiled_versions(filename, code, rewritten=False):
    """Code objects named like `code`, starting on its line, in the file as it reads now
    (`rewritten`: with its asserts rewritten as pytest rewrites those of test modules)."""
    text = "".join(linecache.getlines(filename))
    key = (filename, hash(text), rewritten)
    if key not in _COMPILED_FILES:
        try:
            _COMPILED_FILES[key] = compile(_rewritten(text, filename) if rewritten else text, filename,
                                           "exec", dont_inherit=True)
        except (SyntaxError, ValueError, ImportError):
            _COMPILED_FILES[key] = None
    found, stack = [], [_COMPILED_FILES[key]] if _COMPILED_FILES[key] is not None else []
    while stack:
        for const in stack.pop().co_consts:
            if isinstance(const, types.CodeType):
                if const.co_name == code.co_name and const.co_firstlineno == code.co_firstlineno:
                    found.append(const)
                stack.append(const)
    return found


def _rewritten(text, filename):
    import ast
    from _pytest.assertion.rewrite import rewrite_asserts
    tree = ast.parse(text, filename)
    rewrite_asserts(tree, text.encode(), filename, None)
    return tree


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
