"""Stage 3d, analyze: which values may share memory (NumPy views).

Basic indexing (``y[1:]``, ``y[None]``, a row ``h[t]``) and calls such as ``np.reshape``,
``x.T`` or ``np.broadcast_to`` return *views*: arrays over the memory of their operand,
so ``y[0] = v`` changes every view of ``y`` too (and a list holds its arrays, not copies).
The normalized program gives each write a new version of the array and treats every
value as its own; this module finds where that is not so.

* The user's code must not read a view after its memory was written through another
  name, nor write through a view into an argument (`check_views`, at normalization):
  NumPy's value would differ from the one srcad differentiates, so that raises
  `UnsupportedSyntax`.
* The adjoint sweep runs after the primal sweep and reads its values. A value it reads
  must not be overwritten in place through another name that shares its memory, so the
  primal sweep copies it where it is made (`copies`): ``t1 = y[:-1].copy()``. (The
  adjoint could rely on the tape writing the array back before it reads the view, but
  then the gradient's own code would rely on views, and could not be differentiated
  again.)
"""
import operator

import gast
import numpy as np

from . import runtime
from .bindings import integers
from .errors import UnsupportedSyntax, report
from .ir import walk
from .shapes import ShapeClasses

_VIEW_FUNCTIONS = (
    "reshape", "ravel", "transpose", "matrix_transpose", "permute_dims", "swapaxes", "moveaxis",
    "rollaxis", "squeeze", "expand_dims", "atleast_1d", "atleast_2d", "atleast_3d", "broadcast_to",
    "broadcast_arrays", "diagonal", "real", "imag", "asarray", "asanyarray", "ascontiguousarray",
    "asfortranarray", "flip", "fliplr", "flipud", "rot90", "split", "array_split", "hsplit", "vsplit",
    "dsplit", "unstack")
_VIEW_METHODS = ("reshape", "ravel", "transpose", "swapaxes", "squeeze", "diagonal", "view", "T", "mT",
                 "real", "imag")
_MANY_VIEWS = frozenset(getattr(np, n) for n in ("broadcast_arrays", "atleast_1d", "atleast_2d",
                                                   "atleast_3d"))   # views of every argument
# The names of those, for code that sees names only (the optimizer).
VIEW_NAMES = frozenset(_VIEW_FUNCTIONS + _VIEW_METHODS + ("stop_gradient",))
# Callables whose result may be (or hold) a view of their first argument, or the argument itself.
VIEWS = frozenset(
    [getattr(np, n) for n in _VIEW_FUNCTIONS if hasattr(np, n)]
    + [getattr(np.linalg, n) for n in ("diagonal", "matrix_transpose") if hasattr(np.linalg, n)]
    + [getattr(np.ndarray, n) for n in _VIEW_METHODS if hasattr(np.ndarray, n)]
    + [runtime.stop_gradient])


# Callables that read some arguments for their shape (and dtype) only: the positions, or
# None for all of them.
_SHAPE_READERS = {
    np.shape: None, np.ndim: None, np.size: None, len: None, np.ndarray.shape: None,
    np.ndarray.ndim: None, np.ndarray.size: None, np.ndarray.dtype: None,
    np.zeros_like: (0,), np.ones_like: (0,), np.empty_like: (0,), np.full_like: (0,),
    runtime.zeros_like: None, runtime.shape_of: None, runtime.batch_zeros: (0,),
    runtime.unbroadcast: (1,), runtime.expand_reduced: (1,), runtime.unbroadcast_batch: (1,),
    runtime.expand_reduced_batch: (1,), runtime.broadcast_as: (1,)}


class _Facts:
    """What deciding whether a statement makes a view needs to know of the function."""

    def __init__(self, fn, shapes=None):
        from .forward import sequence_values   # forward.py imports what imports this module
        self.integers = integers(fn)
        self.sequences = sequence_values(fn)
        shapes = shapes or ShapeClasses(fn)
        self.ndims, self.length = shapes.ndims, shapes.length
        self.locals = fn.locals
        self.order, self.loops = _positions(fn.body)
        self.counters = _counters(fn)

    def sites(self, state, name):
        """The memory a name may hold: (where it was made, region) pairs, a region being
        the rows of that array it may cover (None: all of it). A free name's memory is its
        own; a local not assigned yet holds none."""
        if name in state:
            return state[name]
        return frozenset() if name in self.locals else frozenset({(("free", name), None)})

    def region(self, index, stmt):
        """The rows (first axis) ``y[index]`` covers, as `overlap` compares them: an interval
        of constant bounds, a row of a loop's counter plus a constant, or None (unknown)."""
        first = index.elts[0] if isinstance(index, gast.Tuple) and index.elts else index
        length = self.length(stmt.base if stmt.kind == "setitem" else getattr(stmt.args[0], "id", None))

        def position(value):   # (k, False): row k; (-k, True): the k-th row from the end
            if value < 0 and length is not None:
                return max(length + value, 0), False
            return value, value < 0
        end = (length, False) if length is not None else (0, True)
        if isinstance(first, gast.Slice):
            step = 1 if first.step is None else _constant(first.step)
            lower = 0 if first.lower is None else _constant(first.lower)
            upper = None if first.upper is None else _constant(first.upper)
            if not step or step < 0 or lower is None or first.upper is not None and upper is None:
                return None
            return ("rows", position(lower), end if first.upper is None else position(upper))
        value = _constant(first)
        if value is not None:
            return ("rows", position(value), end if value == -1 else position(value + 1))
        if isinstance(first, gast.Name) and first.id in self.counters:
            loop, offset = self.counters[first.id]
            return ("row", loop, offset, id(stmt))
        return None

    def overlap(self, written, read, write):
        """May the region `written` by the statement `write` meet the region `read`?"""
        if written is None or read is None or written[0] != read[0]:
            return True
        if written[0] == "rows":
            (_, lo_w, hi_w), (_, lo_r, hi_r) = written, read
            return not (_before(hi_w, lo_r) or _before(hi_r, lo_w))
        (_, loop, offset_w, _), (_, read_loop, offset_r, taken) = written, read
        if loop != read_loop or self.loops[taken] & self.loops[id(write)] != {loop}:
            return True     # another loop around both takes and writes the same rows again
        # the counter grows: later iterations write rows after this one's
        if self.order[taken] < self.order[id(write)]:     # taken before the write, each time
            return not offset_r < offset_w
        return not offset_r <= offset_w

    def basic(self, index):
        """(basic, array): the index is basic (ints, slices, None, ...: the result is a
        view, or one element), and the result is certainly an array."""
        parts = index.elts if isinstance(index, gast.Tuple) else [index]
        ints = 0
        for part in parts:
            if isinstance(part, gast.UnaryOp) and isinstance(part.op, gast.USub):
                part = part.operand
            if isinstance(part, gast.Constant) and type(part.value) is int or \
                    isinstance(part, gast.Name) and part.id in self.integers:
                ints += 1
            elif not (isinstance(part, gast.Slice) or isinstance(part, gast.Constant)
                      and (part.value is None or part.value is Ellipsis)):
                return False, False
        return True, ints < len(parts)


def _names(atoms):
    return [a.id for a in atoms if isinstance(a, gast.Name)]


def _constant(node):
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        inner = _constant(node.operand)
        return None if inner is None else -inner
    return node.value if isinstance(node, gast.Constant) and type(node.value) is int else None


def _before(a, b):
    """Position a certainly comes no later than position b."""
    return a[1] == b[1] and a[0] <= b[0]


def _counters(fn):
    """name -> (id of its loop, offset): the counter of a ``for`` over an increasing range,
    not itself inside a loop (a loop run again writes its rows again), and ints made by
    adding constants to it (``t - 1``)."""
    definitions = {}
    for stmt in walk(fn.body):
        if stmt.target:
            definitions.setdefault(stmt.target, []).append(stmt)
    counters = {}
    for stmt in fn.body:
        if stmt.kind != "for" or len(definitions[stmt.target]) != 1:
            continue
        it = stmt.iter
        if isinstance(it, gast.Call) and getattr(it.func, "id", None) == "range" and (
                len(it.args) < 3 or (_constant(it.args[2]) or 0) > 0):
            counters[stmt.target] = (id(stmt), 0)
    changed = True
    while changed:
        changed = False
        for stmt in walk(fn.body):
            if stmt.kind != "call" or stmt.target in counters or len(definitions[stmt.target]) != 1 \
                    or stmt.callee not in (operator.add, operator.sub) or len(stmt.args) != 2:
                continue
            left, right = stmt.args
            sign = 1 if stmt.callee is operator.add else -1
            if isinstance(left, gast.Name) and left.id in counters and _constant(right) is not None:
                loop, offset = counters[left.id]
                counters[stmt.target] = (loop, offset + sign * _constant(right))
                changed = True
            elif sign == 1 and isinstance(right, gast.Name) and right.id in counters \
                    and _constant(left) is not None:
                loop, offset = counters[right.id]
                counters[stmt.target] = (loop, offset + _constant(left))
                changed = True
    return counters


def sources(stmt, facts, certainty):
    """The names whose memory the value `stmt` assigns may share; None for a new array.

    `certainty`: "may" takes every possible view (derivative code must not lose a value
    it reads); "write" every certain view of an array being written into (an index of
    ints gives a view when the result is an array); "read" only certain views (``y[i]``
    of an array of unknown rank may be a lone number, which no later write changes).
    """
    kind = stmt.kind
    if kind in ("copy", "pack"):
        return _names(stmt.args)
    if kind in ("setitem", "pop"):
        return [stmt.base]
    if kind == "getitem":
        base = stmt.args[0].id if isinstance(stmt.args[0], gast.Name) else None
        if base is None:
            return None
        if base in facts.sequences:
            return [base]
        basic, array = facts.basic(stmt.index)
        ndim = facts.ndims.get(base)
        parts = len(stmt.index.elts) if isinstance(stmt.index, gast.Tuple) else 1
        if basic and not array and ndim == parts:
            return None       # one element: a number, not a view
        if certainty == "may" or basic and (array or certainty == "write" or ndim is not None):
            return [base]
        return None
    if kind == "call" and _is_view(stmt.callee):
        return _names(stmt.args if stmt.callee in _MANY_VIEWS else stmt.args[:1])
    if kind == "usercall" and certainty == "may":   # the callee may return its argument
        return _names(stmt.args) + _names(stmt.kwargs.values())
    return None


def _unparse(node):
    import ast
    return ast.unparse(gast.gast_to_ast(node))


def _is_view(callee):
    try:
        return callee in VIEWS
    except TypeError:     # an unhashable callable
        return False


def memory_flow(fn, facts, certainty, in_place=None):
    """(before, made): id(stmt) -> {name: the memory it may hold} before each statement
    (loops to a fixed point), and id(stmt) -> the memory of the value it makes.
    `in_place(stmt)`, if given, says whether ``y[i] = v`` writes in place (True) or into a
    copy (NumPy's own item assignment always writes in place)."""
    before, made = {}, {}
    start = {p: frozenset({(("argument", p), None)}) for p in fn.params + fn.kwonly}
    _flow_block(fn.body, start, facts, certainty, in_place, before, made)
    return before, made


def _join(a, b):
    return {name: a.get(name, frozenset()) | b.get(name, frozenset()) for name in set(a) | set(b)}


def _flow_block(block, state, facts, certainty, in_place, before, made):
    for stmt in block:
        if stmt.kind == "if":
            before[id(stmt)] = state
            state = _join(_flow_block(stmt.body, dict(state), facts, certainty, in_place, before, made),
                          _flow_block(stmt.orelse, dict(state), facts, certainty, in_place, before, made))
        elif stmt.kind in ("for", "while"):
            while True:
                before[id(stmt)] = state
                entry = dict(state)
                if stmt.kind == "for":
                    entry[stmt.target] = frozenset({(("def", id(stmt)), None)})
                joined = _join(state, _flow_block(stmt.body, entry, facts, certainty, in_place, before, made))
                if joined == state:
                    break
                state = joined
        else:
            before[id(stmt)] = state
            state = dict(state)
            if stmt.kind == "append":
                if isinstance(stmt.args[0], gast.Name):   # the list holds the item itself
                    state[stmt.base] = facts.sites(state, stmt.base) | facts.sites(state, stmt.args[0].id)
            elif stmt.target:
                shared = sources(stmt, facts, certainty)
                if stmt.kind == "setitem" and in_place is not None and not in_place(stmt):
                    shared = None          # the primal copies the array, then writes
                if shared:
                    memory = frozenset().union(*(facts.sites(state, n) for n in shared))
                    if stmt.kind == "getitem" and stmt.args[0].id not in facts.sequences:
                        region = facts.region(stmt.index, stmt)   # rows of an array itself
                        memory = frozenset((site, region if covered is None else covered)
                                           for site, covered in memory)
                else:
                    memory = frozenset({(("def", id(stmt)), None)})
                state[stmt.target] = made[id(stmt)] = memory
    return state


def live_after(fn):
    """id(stmt) -> the names the user's code may read after the statement."""
    after = {}
    _live_block(fn.body, set(_names(fn.outputs)), after)
    return after


def _reads(stmt):
    """The names `stmt` reads the values of: not those it reads only for their shape (an
    item assignment does not change shapes)."""
    reads = set(stmt.reads())
    if stmt.kind == "call" and stmt.args and _reads_shape_only(stmt.callee):
        positions = _SHAPE_READERS.get(stmt.callee, None)
        shaped = stmt.args if positions is None else [stmt.args[p] for p in positions if p < len(stmt.args)]
        others = [a for a in stmt.args + list(stmt.kwargs.values()) if all(a is not b for b in shaped)]
        reads -= set(_names(shaped)) - set(_names(others))
    return reads


def _reads_shape_only(callee):
    try:
        return callee in _SHAPE_READERS
    except TypeError:
        return False


def _live_block(block, live, after):
    """The names live before `block`, given those live after it."""
    live = set(live)
    for stmt in reversed(block):
        after[id(stmt)] = set(live)
        if stmt.kind == "if":
            live = _reads(stmt) | _live_block(stmt.body, live, after) | _live_block(stmt.orelse, live, after)
        elif stmt.kind in ("for", "while"):
            inside = set(live)
            while True:
                entry = _live_block(stmt.body, inside, after)
                if entry <= inside:
                    break
                inside |= entry
            live = live | inside | _reads(stmt)
        else:
            live = (live - {stmt.target}) | _reads(stmt) if stmt.target and stmt.kind != "setitem" \
                else live | _reads(stmt)
    return live


def _written(facts, state, stmt):
    """The memory ``y[index] = v`` writes: the rows `index` covers of each array `y` may be
    (within the rows `y` covers, when it is itself a view of some)."""
    region = facts.region(stmt.index, stmt)
    return frozenset((site, region if covered is None else covered)
                     for site, covered in facts.sites(state, stmt.base))


def _meet(facts, written, memory, write):
    """Does the memory `write` writes (`written`) meet `memory`?"""
    return any(site == other and facts.overlap(region, covered, write)
               for site, region in written for other, covered in memory)


def check_views(fn, user_names):
    """Raise `UnsupportedSyntax` where NumPy's sharing of memory would make the user's code
    compute something other than what srcad differentiates: a view read after its memory
    was written through another name (``a = y[:2]; y[0] = 1.0; ... a``), or a write
    through a view into an argument (``a = x[:2]; a[0] = 1.0``)."""
    if not any(s.kind == "setitem" for s in walk(fn.body)):
        return
    facts = _Facts(fn)
    written, _ = memory_flow(fn, facts, "write")
    read, _ = memory_flow(fn, facts, "read")
    after = live_after(fn)

    definitions = fn.definition_of()

    def user(version):
        if version in user_names:
            return f"`{user_names[version]}`"
        definition = definitions.get(version)
        return f"`{_unparse(definition.expr)}`" if definition is not None and definition.expr \
            else f"`{version}`"
    for stmt in walk(fn.body):
        if stmt.kind != "setitem" or stmt.base in facts.sequences:
            continue   # ``ps[i] = v`` on a list replaces an item: it writes no array's memory
        where = f"{stmt.origin.filename}:{stmt.origin.line}"
        memory = _written(facts, written[id(stmt)], stmt)
        for site in sorted(s[1] for s, _ in memory if s[0] in ("argument", "free")):
            report(UnsupportedSyntax(
                f"item assignment into {user(stmt.base)}, which shares memory with `{site}`", where,
                f"It would change the {'caller' if site in fn.params + fn.kwonly else 'module'}'s "
                f"array; make a copy first (`.copy()`)."))
        for other in sorted(after[id(stmt)] - {stmt.base, stmt.target}):
            if _meet(facts, memory, facts.sites(read[id(stmt)], other), stmt):
                report(UnsupportedSyntax(
                    f"reading {user(other)}, which shares memory with {user(stmt.base)}, after "
                    f"`{stmt.origin.text}` wrote into it", where,
                    "NumPy views (basic indexing, reshape, .T, ...) share memory with their "
                    "array, and srcad differentiates each value as it was when it was made: "
                    "make a copy (`.copy()`), or take the view after the write."))


def copies(fn, needed, rename, shapes=None):
    """What the primal sweep of reverse mode copies so that no value the adjoint reads
    shares memory with an array written in place after it is made: (ids of the statements
    whose value is copied where it is made, {id of a user call: the arguments passed as
    copies}). `needed`: the values the adjoint reads (not only for a shape); `rename`: the
    in-place writes (normalize.coalesce_setitems).

    A view the adjoint reads is copied when taken (``t1 = y[:-1].copy()``); when the value
    read is the array itself and the write goes through a view of it, the view is copied
    instead; a user call, whose forward part may save its arguments, is passed copies.
    A write through the value's own name is the tape's (or coalescing's) business."""
    if not any(s.kind == "setitem" for s in walk(fn.body)):
        return set(), {}
    facts = _Facts(fn, shapes)

    def named(version):
        return rename.get(version, version)

    def in_place(stmt):
        return named(stmt.target) == named(stmt.base)
    before, made = memory_flow(fn, facts, "may", in_place)
    order, loops = facts.order, facts.loops

    def after(write, stmt):      # `write` may run after `stmt`
        return order[id(write)] > order[id(stmt)] or bool(loops[id(write)] & loops[id(stmt)])
    writes = [(s, _written(facts, before[id(s)], s)) for s in walk(fn.body)
              if s.kind == "setitem" and in_place(s)]
    views = {}          # name -> ids of its definitions that may make a view of another value
    for stmt in walk(fn.body):
        if stmt.target and stmt.kind not in ("setitem", "usercall", "for") \
                and sources(stmt, facts, "may") is not None:
            views.setdefault(named(stmt.target), set()).add(id(stmt))
    copied, arguments = set(), {}
    for stmt in walk(fn.body):
        if stmt.kind == "usercall":     # what the callee saves, or returns, may be an argument
            for argument in _names(stmt.args) + _names(stmt.kwargs.values()):
                memory = facts.sites(before[id(stmt)], argument)
                if argument in fn.locals and any(_meet(facts, m, memory, w) and after(w, stmt)
                                                 for w, m in writes):
                    arguments.setdefault(id(stmt), set()).add(argument)
        elif stmt.target in needed and id(stmt) in made:
            for write, memory in writes:
                if after(write, stmt) and named(write.base) != named(stmt.target) \
                        and _meet(facts, memory, made[id(stmt)], write):
                    if id(stmt) in views.get(named(stmt.target), ()):
                        copied.add(id(stmt))
                    else:       # the array itself, written through a view of it
                        copied |= views.get(named(write.base), set())
    return copied, arguments


def _positions(block, loops=frozenset(), order=None, enclosing=None):
    """(id -> position in program order, id -> ids of the loops around the statement)."""
    order = {} if order is None else order
    enclosing = {} if enclosing is None else enclosing
    for stmt in block:
        order[id(stmt)] = len(order)
        enclosing[id(stmt)] = loops
        inner = loops | {id(stmt)} if stmt.kind in ("for", "while") else loops
        for nested in stmt.blocks:
            _positions(nested, inner, order, enclosing)
    return order, enclosing
