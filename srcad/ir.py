"""The normalized program: one operation per statement, every local value defined once.

Normalization (normalize.py) produces a `NormalFunction`; analysis and the two transforms
read it. Operands are *atoms*: a gast Name (a local value or a free name) or a Constant.
Each reassignment of a user variable defines a new *version* (``y``, ``y_1``, ...).
"""
from dataclasses import dataclass, field

import gast


@dataclass(frozen=True)
class Origin:
    """The user's source line a statement came from."""

    filename: str
    line: int
    text: str

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
      "pack"    target = (args...)                (a tuple or list literal)
      "effect"  expr evaluated for its side effect   (no target)
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

    def reads(self):
        """Local or free names this statement reads."""
        names = [n.id for n in gast.walk(self.expr) if isinstance(n, gast.Name)
                 and isinstance(n.ctx, gast.Load)]
        if self.base:
            names.append(self.base)
        return names


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

    def definition_of(self):
        """version name -> the Stmt that defines it."""
        return {s.target: s for s in self.body if s.target}
