"""Loading generated source: text -> the derivative functions, reading your names live.

A generated file reads like a module: imports, then functions. srcad does not run it as a
module of its own, which would copy your globals once. It compiles the same statements
(same file, same line numbers, so tracebacks and ``pdb`` show the file) inside a loader
function whose globals are *your module's* globals and whose free variables are *your
function's* closure cells: the derivative reads ``W``, ``SCALE`` or a captured ``kernel``
as your function does, at each call. srcad's helpers (``unbroadcast``, ...) are the loader's
parameters; the file's import lines document where they come from.

Compiled in, not shown in the file (the header comments describe them):
* guards: ``if cfg.act is not <expected>: return rederive(...)`` for each name whose object
  decided a rule and may change while the program runs (see guards.py);
* input checks of the differentiated arguments (grad, value_and_grad, vjp, jvp);
* a handler that adds a note to an exception raised inside generated code, naming the
  generated line and the line of your function it came from.
"""
import ast
import copy
import re
import textwrap
import types

from .errors import SrcadError

LOADER = "__srcad_loader__"
HIDDEN_PREFIX = "_srcad_"
BODY_PREFIX = HIDDEN_PREFIX + "body_"    # an entry's statements, when a compiler runs them
ORIGIN_MARK = "   ("          # comments end with "   (file.py:12)"
_GENERATED_FILES: dict[str, list[str]] = {}         # filename -> source lines, for error notes


class Compiled:
    """A generated file compiled once; `instantiate` binds it to a function's names."""

    def __init__(self, code, parameters, cells, entries, bound):
        self.code, self.parameters, self.cells, self.entries = code, parameters, cells, entries
        self.bound = bound   # names srcad binds (helpers, the file's own functions)


def compile_generated(source, filename, entries, function, helpers, guards=(), checks=None,
                      size_one=False, compiled_bodies=False):
    """Compile generated `source` for `function`.

    `entries`: the names of the functions to return; `helpers`: srcad's names (anything
    else free is your function's: a closure variable or a global); `guards`: (hidden name,
    dotted path) pairs checked on entry; `checks`: {entry: [position]} of differentiated
    arguments whose dtype is checked on entry; `size_one`: the entries are gradients, which
    handle an output of one element that is not 0-d (``(1, 1)``) through the VJP.
    `compiled_bodies`: each entry's statements move to a function of their own, named
    ``BODY_PREFIX + entry``, which the entry calls after its plumbing (a compiler replaces
    it: see compiled/).
    """
    tree = ast.parse(source, filename)
    body = [node for node in tree.body if not isinstance(node, (ast.Import, ast.ImportFrom))]
    if compiled_bodies:
        body = [part for node in body for part in _split_body(node, entries)]
    for node in body:
        if isinstance(node, ast.FunctionDef) and node.name in entries:
            code = function.__code__
            _add_plumbing(node, guards, (checks or {}).get(node.name, ()), size_one,
                          f"{code.co_filename}:{code.co_firstlineno}: {function.__qualname__}")
    assigned = {name for node in body for name in _bound_at_top(node)}
    free = _loaded(body) - assigned
    closure = set(function.__code__.co_freevars)
    expected = {hidden for hidden, _ in guards}
    parameters = sorted(name for name in free if name in helpers or name in expected)
    cells = sorted(name for name in free - set(parameters) if name in closure)
    loader = _function_node(LOADER, parameters, body + [_return_tuple(entries)])
    if cells:   # the loader sits where your function's closure variables are local
        loader = _function_node(LOADER + "scope", [], [ast.parse(f"{c} = None").body[0]
                                                       for c in cells] + [loader])
    module = ast.Module(body=[loader], type_ignores=[])
    ast.fix_missing_locations(module)
    code = compile(module, filename, "exec", dont_inherit=True)
    _GENERATED_FILES[filename] = source.splitlines()
    return Compiled(_find(code, LOADER), parameters, cells, tuple(entries),
                    frozenset(assigned | set(parameters)))


def instantiate(compiled, function, helpers):
    """Run the loader: the entry functions, bound to `function`'s globals and cells."""
    cells = ()
    if compiled.cells:
        names = function.__code__.co_freevars
        cells = tuple(function.__closure__[names.index(c)] for c in compiled.code.co_freevars)
    loader = types.FunctionType(compiled.code, function.__globals__, LOADER, None, cells)
    try:
        arguments = [helpers[name] for name in compiled.parameters]
    except KeyError as missing:
        raise SrcadError(f"generated code needs srcad's helper {missing}, which this srcad lacks") \
            from None
    entries = loader(*arguments)
    for entry in entries:   # named as the file names it, not `__srcad_loader__.<locals>.f_grad`
        entry.__qualname__ = entry.__name__
    return entries


def _split_body(node, entries):
    """[body function, entry calling it] for an entry (same lines), else [node]."""
    if not (isinstance(node, ast.FunctionDef) and node.name in entries):
        return [node]
    inner = copy.deepcopy(node)
    inner.name = BODY_PREFIX + node.name
    parameters = inner.args   # keyword-only parameters become ordinary ones (numba has none)
    if parameters.kwonlyargs:   # a required one gets a default (never used) after one with a default
        defaults = []
        for default in parameters.kw_defaults:
            if default is not None or defaults or parameters.defaults:
                defaults.append(default if default is not None else ast.Constant(None))
        parameters.args, parameters.defaults = parameters.args + parameters.kwonlyargs, parameters.defaults + defaults
        parameters.kwonlyargs, parameters.kw_defaults = [], []
    arguments = [a.arg for a in node.args.args] + [f"{a.arg}={a.arg}" for a in node.args.kwonlyargs] \
        + ([f"**{node.args.kwarg.arg}"] if node.args.kwarg else [])
    call = ast.parse(f"return {inner.name}({', '.join(arguments)})").body[0]
    docstring = node.body[:1] if isinstance(node.body[0], ast.Expr) else []
    for child in ast.walk(call):
        if hasattr(child, "lineno"):
            child.lineno = child.end_lineno = node.lineno
            child.col_offset = child.end_col_offset = 0
    node.body = docstring + [call]
    return [inner, node]


def _add_plumbing(node, guards, checks, size_one, function_name):
    """Guards and input checks at the top of an entry function, and the error note."""
    body = node.body
    docstring = body[:1] if body and isinstance(body[0], ast.Expr) and \
        isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str) else []
    rest = body[len(docstring):]
    line = rest[0].lineno if rest else node.lineno
    hidden = []
    wrt, trailing, sequence_args = checks or ((), 0, ())
    call = ", ".join([node.name] + [a.arg for a in node.args.args]
                     + [f"{a.arg}={a.arg}" for a in node.args.kwonlyargs]
                     + ([f"**{node.args.kwarg.arg}"] if node.args.kwarg else []))
    plain = [a.arg for i, a in enumerate(node.args.args[:len(node.args.args) - trailing])
             if i not in sequence_args]
    if checks and plain:   # made for arrays: a list, tuple or dict makes it derive itself again
        test = " or ".join(f"type({p}) in {HIDDEN_PREFIX}sequence_types" for p in plain)
        hidden.append(ast.parse(f"if {test}: return {HIDDEN_PREFIX}for_sequences({call})").body[0])
    for position in wrt:
        parameter = node.args.args[position].arg
        check = f"{HIDDEN_PREFIX}check_input({parameter}, {position}, {parameter!r}, {function_name!r})"
        if position not in sequence_args:   # an object (a dataclass, ...): derived again for it
            check = f"if {HIDDEN_PREFIX}is_object({parameter}): " \
                    f"return {HIDDEN_PREFIX}for_sequences({call})\n{check}"
        hidden.append(ast.parse(   # floats and float arrays pass without a call
            f"if type({parameter}) is not float and (type({parameter}) is not {HIDDEN_PREFIX}ndarray "
            f"or {parameter}.dtype.kind != 'f'):\n" + textwrap.indent(check, "    ")).body[0])
    if guards:
        test = " or ".join(f"{path} is not {expected}" for expected, path in guards)
        hidden.append(ast.parse(f"if {test}: return {HIDDEN_PREFIX}rederive({call})").body[0])
    size_one_handler = (f"except {HIDDEN_PREFIX}SizeOneOutput:\n"
                        f"    return {HIDDEN_PREFIX}grad_of_size_one({call})\n") if size_one else ""
    handler = ast.parse(f"try:\n    pass\n{size_one_handler}except Exception as {HIDDEN_PREFIX}error:\n"
                        f"    {HIDDEN_PREFIX}note_error({HIDDEN_PREFIX}error)\n    raise").body[0]
    for statement in hidden + [handler]:   # they take the line of the first statement
        for child in ast.walk(statement):
            if hasattr(child, "lineno"):
                child.lineno = child.end_lineno = line
                child.col_offset = child.end_col_offset = 0
    handler.body = rest or [ast.Pass()]
    node.body = docstring + hidden + [handler]


def _bound_at_top(node):
    if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
        return {node.name}
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def _loaded(nodes):
    return {n.id for node in nodes for n in ast.walk(node)
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _function_node(name, parameters, body):
    node = ast.parse(f"def {name}({', '.join(parameters)}):\n    pass").body[0]
    node.body = body
    return node


def _return_tuple(entries):
    return ast.parse(f"return ({', '.join(entries)},)").body[0]


def _find(code, name):
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            if const.co_name == name:
                return const
            found = _find(const, name)
            if found is not None:
                return found
    raise SrcadError(f"internal: no {name} in compiled generated code")


_HEADER = re.compile(r"^# Generated by srcad from \S+ \((.+:\d+)\)")


def function_origin(filename):
    """``path:line`` of the user's function a generated file was generated from (through
    the files of derivatives of derivatives), or None."""
    where = None
    while filename in _GENERATED_FILES:
        lines = _GENERATED_FILES[filename]
        match = _HEADER.match(lines[0]) if lines else None
        if match is None:
            break
        where = match.group(1)
        filename = where.rpartition(":")[0]
    return where


def is_generated(filename):
    """True for a file of generated code srcad loaded in this process."""
    return filename in _GENERATED_FILES


def generated_lines(filename):
    """The source lines of a file of generated code srcad loaded, or None."""
    return _GENERATED_FILES.get(filename)


# -- error notes --------------------------------------------------------------------------------

def origin_of(filename, line):
    """The comment above `line` of a generated file that names the user's line it came from
    (``y = np.sin(x)   (model.py:5)``, without the ``#``); None if there is none."""
    lines = _GENERATED_FILES.get(filename, ())
    return next((lines[i].strip()[2:] for i in range(min(line, len(lines) + 1) - 2, -1, -1)
                 if lines[i].lstrip().startswith("#") and lines[i].rstrip().endswith(")")
                 and ORIGIN_MARK in lines[i]), None)


def note_error(error):
    """Add a note to an exception raised inside generated code: which generated line raised
    it and which line of the user's function that line came from."""
    if getattr(error, "__srcad_noted__", False) or isinstance(error, SrcadError):
        return
    frame = None
    traceback = error.__traceback__
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename in _GENERATED_FILES:
            frame = traceback
        traceback = traceback.tb_next
    if frame is None:
        return
    filename, line = frame.tb_frame.f_code.co_filename, frame.tb_lineno
    lines = _GENERATED_FILES[filename]
    text = lines[line - 1].strip() if 0 < line <= len(lines) else "?"
    origin = origin_of(filename, line)
    note = f"srcad: raised in derivative code srcad generated ({filename}:{line}: `{text}`)"
    if origin is not None:
        code, _, where = origin.rpartition(ORIGIN_MARK)
        note += f", from your line {where.rstrip(')')}: `{code.strip()}`"
        if text.startswith(("raise", "assert")):   # the user's own guard, run as written
            note = (f"srcad: raised by your line {where.rstrip(')')}: `{code.strip()}`, which the "
                    f"derivative code runs as written ({filename}:{line})")
    if not note.startswith("srcad: raised by your line"):
        note += (". If the function itself runs on the same inputs without this error, this is a "
                 "bug in srcad: please report it with this message.")
    try:
        error.add_note(note)
        error.__srcad_noted__ = True
    except (AttributeError, TypeError):   # Python < 3.11, or an exception without __dict__
        pass
