"""The normalized program: one operation per statement, every local value defined once.

Normalization (normalize.py) produces a `NormalFunction`; analysis and the two transforms
read it. Operands are *atoms*: a gast Name (a local value or a free name) or a Constant.
Each reassignment of a user variable defines a new *version* (``y``, ``y_1``, ...).
"""
from dataclasses import dataclass, field

import gast

from .trees import walk as walk_tree


@dataclass(frozen=True)
class Origin:
    """The user's source line a statement came from."""

    filename: str
    line: int
    text: str
    context: tuple = ()   # the `with` blocks (contexts.Region) the line is in, outermost first

    def comment(self):
        name = self.filename.rsplit("/", 1)[-1]
        return f"{self.text}   ({name}:{self.line})"


@dataclass
class Stmt:
    """One normalized statement.

    kind is one of:
      "call"    target = callee(*args, **kwargs)  (operators, functions, methods, properties)
      "getitem" target = args[0][index]
      "setitem" target = base with [index] = args[0]   (``y[i] = v``; target is a new version)
      "copy"    target = args[0]
      "pack"    target = (args...)                (a tuple, list or dict literal)
      "effect"  expr evaluated for its side effect   (no target)
      "inert"   target = expr, a value with no derivative, kept as written (``a and b``)
      "append"  base.append(args[0])             (a list grows in place; no target)
      "pop"     target = base.pop()              (a list shrinks: the tape of generated code)
      "usercall" target = callee(*args, **kwargs), a user function srcad transforms too
      "if"      if test: body else: orelse       (test an atom)
      "for"     for target in iter: body         (iter a ``range(...)`` of atoms)
      "while"   while test: body                 (test an inert expression)
      "break"   leaves the innermost loop (always the last statement of its block)
      "guard"   expr, a statement kept as written, without derivative (``assert``, ``raise``,
                a local ``import``, a ``try`` around code without derivatives); `writes`
                lists the variables it may assign
      "context" enters a ``with`` block (target: its ``as`` name); contexts.py wraps the
                statements of the block, primal and derivative, in the block's ``with``
    Within loops and branches a variable keeps one name and is reassigned; `maybe_bound`
    says whether the name may already hold a value when the statement assigns it.
    """

    kind: str
    target: str | None
    expr: gast.expr           # the primal operation, as emitted (operands are atoms)
    origin: Origin
    callee: object = None
    args: list = field(default_factory=list)
    kwargs: dict = field(default_factory=dict)
    index: gast.expr | None = None
    base: str | None = None
    body: list = field(default_factory=list)
    orelse: list = field(default_factory=list)
    test: gast.expr | None = None
    iter: gast.expr | None = None
    has_break: bool = False
    keys: list | None = None          # dict literal keys (pack)
    maybe_bound: bool = False
    writes: tuple = ()                # "guard": the variables it may assign
    namespace: str | None = None      # ``xp.sin(x)``: the namespace variable (see namespaces.py)

    def reads(self):
        """Local or free names this statement itself reads (not its nested blocks)."""
        nodes = [n for n in (self.expr, self.test, self.iter) if n is not None]
        names = [n.id for node in nodes for n in walk_tree(node) if isinstance(n, gast.Name)
                 and isinstance(n.ctx, gast.Load)]
        if self.base:
            names.append(self.base)
        return names

    @property
    def blocks(self):
        return [self.body, self.orelse] if self.kind == "if" else \
            [self.body] if self.kind in ("for", "while") else []


def walk(body):
    """Every statement of `body`, nested blocks included, in program order."""
    for stmt in body:
        yield stmt
        for block in stmt.blocks:
            yield from walk(block)


@dataclass
class NormalFunction:
    """A user function after normalization."""

    name: str
    params: list              # positional parameter names (version 0 of each)
    kwonly: list              # keyword-only parameter names
    defaults: list            # gast default nodes of the positional parameters
    kw_defaults: list
    body: list                # Stmt, in order
    outputs: list             # atoms returned
    returns_tuple: bool
    locals: set               # every version name defined (params included)
    taken: set                # every name the generated code must not reuse
    temporaries: set          # names normalization invented (t1, ..., out)
    parsed: object            # the ParsedFunction

    kwarg: str | None = None  # the ``**kwargs`` parameter, passed through as a dict
    lifted: list = field(default_factory=list)   # nested defs, as module-level gast defs
    unpacked: set = field(default_factory=set)   # values unpacked into several names (tuples)
    derivative_bindings: list = field(default_factory=list)  # srcad.grad(g) used inside
    # the positional parameters that may hold a list, tuple or dict (None: any of them)
    sequence_params: set | None = None
    user_of: dict = field(default_factory=dict)   # version -> the user's name of the variable

    def definition_of(self):
        """version name -> the Stmt that defines it."""
        return {s.target: s for s in walk(self.body) if s.target}


def normalized(name):
    """Mark a Name node as an atom the normalizer already produced."""
    name.normalized = True
    return name


def keywords(kwargs):
    """``{name: atom}`` -> gast keyword nodes."""
    return [gast.keyword(arg=key, value=value) for key, value in kwargs.items()]


def loaded_names(nodes):
    """The names a node (or a list of nodes) reads."""
    nodes = nodes if isinstance(nodes, list) else [nodes]
    return {n.id for node in nodes for n in walk_tree(node)
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load)}


def assigned_names(node):
    """Every name a node binds (assignments, parameters, loop targets)."""
    return {child.id for child in walk_tree(node)
            if isinstance(child, gast.Name) and isinstance(child.ctx, (gast.Store, gast.Param))}


class Renamer(gast.NodeTransformer):
    """Renames variables in place, by a {old: new} map."""

    def __init__(self, rename):
        self.rename = rename

    def visit_Name(self, node):
        node.id = self.rename.get(node.id, node.id)
        return node
