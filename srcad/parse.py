"""Stage 1, parse: a Python function -> its gast tree and the objects its names refer to."""
import builtins
import inspect
import textwrap
from dataclasses import dataclass

import gast

from .errors import SrcadError, UnsupportedSyntax


@dataclass
class ParsedFunction:
    """A user function's syntax tree, where it came from, and what its free names mean."""

    function: object
    node: gast.FunctionDef
    source: str              # the function's own source, dedented
    filename: str
    first_line: int          # line of the `def` in `filename`
    namespace: dict          # free name -> object (globals, closure cells, builtins)
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
        """The object a Name or dotted Attribute refers to, or None if it is not a free name."""
        if isinstance(node, gast.Name):
            return self.namespace.get(node.id, _MISSING)
        if isinstance(node, gast.Attribute):
            base = self.resolve(node.value)
            if base is _MISSING:
                return _MISSING
            return getattr(base, node.attr, _MISSING)
        return _MISSING


_MISSING = object()
MISSING = _MISSING


def parse_function(function):
    """Read and parse `function`'s source; resolve its free names."""
    if not inspect.isfunction(function):
        raise SrcadError(f"srcad differentiates Python functions; got {function!r}")
    try:
        lines, first_line = inspect.getsourcelines(function)
    except (OSError, TypeError) as error:
        raise SrcadError(
            f"cannot read the source of {function.__qualname__} ({error}); srcad transforms "
            "source code, so the function must be defined in a file (or registered with "
            "linecache), not typed at an interactive prompt without one."
        ) from None
    source = textwrap.dedent("".join(lines))
    filename = inspect.getsourcefile(function) or function.__code__.co_filename
    module = gast.parse(source)
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
    return ParsedFunction(function, node, source, filename, first_line, namespace_of(function))


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
