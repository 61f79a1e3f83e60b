"""Stage 6, emit: a gast function -> Python source text, with comments and imports.

Source is printed by the standard library's ``ast.unparse`` (Python >= 3.10), which knows
all current syntax and adds only the parentheses precedence needs. Comments, which ASTs
cannot hold, are carried as marker strings and swapped in after printing.
"""
import ast
import re
import sys
import types

import gast

COMPOUND = (gast.If, gast.For, gast.While)
_MARK = "__srcad_comment_{}__"
_MARK_LINE = re.compile(r"^(\s*)'__srcad_comment_(\d+)__'$", re.MULTILINE)


def _comment_node(comments, text):
    comments.append(text)
    return gast.Expr(value=gast.Constant(_MARK.format(len(comments) - 1), None))


def walk_nodes(nodes):
    """Every statement of a generated body, nested blocks included, in order."""
    for node in nodes:
        yield node
        if isinstance(node, COMPOUND):
            yield from walk_nodes(node.body)
            yield from walk_nodes(node.orelse)


def with_comments(body, sweep_headers):
    """Insert a comment before each run of statements from one user line.

    `sweep_headers` maps a statement index to a header comment put before it.
    """
    comments = []
    return _commented(body, sweep_headers, comments), comments


def _commented(body, sweep_headers, comments):
    result, last_origin = [], None
    for index, stmt in enumerate(body):
        if index in sweep_headers:
            result.append(_comment_node(comments, sweep_headers[index]))
            last_origin = None
        origin = getattr(stmt, "origin", None)
        if origin is not None and origin != last_origin:
            result.append(_comment_node(comments, origin.comment()))
            last_origin = origin
        if isinstance(stmt, COMPOUND):
            stmt.body = _commented(stmt.body, {}, comments)
            stmt.orelse = _commented(stmt.orelse, {}, comments)
            last_origin = None
        elif isinstance(stmt, gast.With):   # contexts.py
            stmt.body = _commented(stmt.body, {}, comments)
            last_origin = None
        result.append(stmt)
    return result


def to_source(function_node, comments):
    """Print a gast FunctionDef as Python source."""
    module = gast.gast_to_ast(gast.Module(body=[function_node], type_ignores=[]))
    ast.fix_missing_locations(module)
    text = ast.unparse(module)
    return _MARK_LINE.sub(lambda m: f"{m.group(1)}# {comments[int(m.group(2))]}", text) + "\n"


def import_lines(names, live=()):
    """``import numpy as np`` / ``from srcad.runtime import unbroadcast`` lines for `names`.

    `names` maps a name used in the generated code to its object; objects that cannot be
    imported by name (arrays, constants of the user's module, closure variables) are listed
    in a comment, as are the `live` ones (closure variables): the code reads them where
    your function does (loader.py).
    """
    lines, bound_at_load = [], []
    for name, obj in sorted(names.items()):
        if name in live:
            bound_at_load.append(name)
            continue
        if isinstance(obj, types.ModuleType):
            module = obj.__name__
            lines.append(f"import {module}" if module == name else f"import {module} as {name}")
            continue
        module = getattr(obj, "__module__", None)
        qualname = getattr(obj, "__qualname__", None)
        importable = getattr(sys.modules.get(module or ""), qualname or "", None) is obj
        if importable and "." not in qualname and module != "__main__" and module != "builtins":
            alias = "" if qualname == name else f" as {name}"
            lines.append(f"from {module} import {qualname}{alias}")
        elif module != "builtins":
            bound_at_load.append(name)
    if bound_at_load:
        lines.append(f"# read from your function's globals and closure as it runs: "
                     f"{', '.join(sorted(bound_at_load))}")
    return lines
