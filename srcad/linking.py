"""Calls between generated functions: a user function called by a differentiated function
is transformed too, on first use, and cached on its own.

Generated code binds, once per file, ``g_fwd, g_bwd = split_of(g, wrt)`` (reverse mode: a
forward part returning what the backward part needs) or ``g_jvp = jvp_of(g, wrt)``. The
binding is lazy, so a function may call itself (recursion) or its caller. Derivative
options other than the defaults follow as keywords (``split_of(g, (0,), debug_nans=True)``):
the derivatives of the functions a derivative calls are made with its options.

Once resolved, the closure cells of the generated functions that hold the binding hold the
derivative function itself (`bind_cells`), so that later calls, each level of a recursion,
cost one frame as calls of the plain function do (not three, through
``LazyDerivative.__call__``).
"""
from .options import make as make_options
from .arity import with_arity


class LazyDerivative:
    """A derivative function of `function`, generated when first called."""

    __slots__ = ("function", "mode", "wrt", "part", "target", "as_tuple", "options", "cells")

    def __init__(self, function, mode, wrt, part=None, as_tuple=None, options=None):
        self.function, self.mode, self.wrt, self.part = function, mode, tuple(wrt), part
        self.as_tuple, self.options = as_tuple, options
        self.target = None
        self.cells = []      # closure cells of generated functions that hold it

    def resolve(self):
        if self.target is None:
            from .cache import derivative
            from .trees import recursion_room
            function = self.function
            if isinstance(function, LazyDerivative):  # the derivative of a derivative
                function = function.resolve()
            with recursion_room(0):   # first called deep inside a recursion, maybe
                result = derivative(function, self.mode, self.wrt, self.as_tuple, self.options)
            self.target = result if self.part is None else result[self.part]
            for cell in self.cells:   # from now on the generated code calls the target directly
                cell.cell_contents = self.target
            self.cells = []
        return self.target

    def __call__(self, *args, **kwargs):
        target = self.target or self.resolve()
        return target(*args, **kwargs)

    def __repr__(self):
        return f"<srcad {self.mode} of {getattr(self.function, '__qualname__', self.function)}>"


def split_of(function, wrt, vector=False, arity=None, **options):
    """(forward part, backward part) of `function`'s reverse mode w.r.t. parameters `wrt`
    (`vector`: cotangents carry a leading axis of directions; `arity`: the number of values
    in its ``*args``)."""
    mode = with_arity("split_batch" if vector else "split", arity)
    options = make_options(**options) if options else None
    return LazyDerivative(function, mode, wrt, 0, options=options), \
        LazyDerivative(function, mode, wrt, 1, options=options)


def jvp_of(function, wrt, vector=False, arity=None, dependency=False, **options):
    """`function`'s forward mode, called as ``f_jvp(tangents, *args, **kwargs)``
    (`dependency`: its dependency mode, called the same way)."""
    options = make_options(**options) if options else None
    mode = "deps_call" if dependency else "jvp_batch_call" if vector else "jvp_call"
    return LazyDerivative(function, with_arity(mode, arity), wrt, options=options)


def derivative_of(function, mode, wrt, as_tuple):
    """The generated `mode` function of `function` (``srcad.grad(g)`` written inside a
    differentiated function), as plain generated code that can be differentiated again."""
    return LazyDerivative(function, mode, wrt, None, as_tuple)


def bind_cells(functions):
    """Let the lazy derivatives that generated `functions` call (the binding lines' names,
    closure cells of the functions) replace themselves there with their target once it is
    resolved."""
    for function in functions:
        for cell in function.__closure__ or ():
            try:
                value = cell.cell_contents
            except ValueError:   # an empty cell
                continue
            if isinstance(value, LazyDerivative):
                if value.target is not None:
                    cell.cell_contents = value.target
                elif not any(cell is known for known in value.cells):
                    value.cells.append(cell)
