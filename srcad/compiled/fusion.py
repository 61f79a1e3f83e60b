"""Fusion, for code numba compiles: a run of elementwise statements becomes one loop.

NumPy evaluates ``t = np.sin(x) * y + z`` one operation at a time, each reading and writing
a whole array. A run of such statements fused reads each input once, writes only the
values used after it, and computes everything else one element at a time in registers::

    if fused_loops and fused.same_shape(x, y, z):   # one loop over the elements (numba)
        t = fused.empty(x, y, z)
        for i in range(fused.size(x, y, z)):
            x_i = fused.at(x, i)
            ...
            t_i = np.sin(x_i) * y_i + z_i
            t = fused.store(t, i, t_i)
    else:
        t = np.sin(x) * y + z   # the NumPy statements, as generated

``fused_loops`` is False in Python (the NumPy statements run) and True where numba compiles
the code; numba drops the branch it never takes when it is False, so the code also
compiles unfused. The loop runs only when every array it reads is a float64 array of one
shape, C-contiguous where it has more than one dimension (``fused.same_shape``); anything
else (broadcasting, other dtypes, views of matrices) runs the NumPy statements. The helpers (srcad/fused.py) read a scalar input whole
at every element, and a value computed from scalars only stays a scalar, so the loop
gives each name the type the NumPy statements give it.

Statements qualify when they assign plain names from arithmetic, unary NumPy math
functions, ``expand_reduced(g, x)`` / ``unbroadcast(g, x)`` where they do not sum (the
test adds ``fused.holds_array`` for the second), grad's seed ``seed_cotangent(np.sum(t))``
(1), and ``s = np.sum(<elementwise>)``, which the loop accumulates (a later statement that
reads ``s`` starts a new loop). With ``compile="numba-parallel"`` the loop is ``prange``
and numba runs it on every core.
"""
import gast

from ..trees import walk as walk_tree

FLAG, PRANGE, HELPERS = "fused_loops", "prange", "fused"   # HELPERS: the module srcad.fused
_HEADER_LINES = {   # Python's values of the compile-time names (numba_target.py gives numba's)
    FLAG: f"{FLAG} = False   # True where numba compiles this code: the fused loops run",
    PRANGE: f"{PRANGE} = range   # numba.prange where numba compiles this code"}
UNARY = frozenset({"sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh",
                   "arcsinh", "arccosh", "arctanh", "exp", "exp2", "expm1", "log", "log2", "log10",
                   "log1p", "sqrt", "cbrt", "square", "abs", "absolute", "fabs", "negative",
                   "reciprocal", "sign", "deg2rad", "rad2deg"})
_OPERATORS = (gast.Add, gast.Sub, gast.Mult, gast.Div, gast.Pow)
_SPREAD = ("expand_reduced", "unbroadcast")   # (g, x): g over x's shape / summed to x's shape:
# elementwise g when g is a scalar or of x's shape (expand_reduced), and when x is an array
# of g's shape (unbroadcast: the test holds_array(x) says so)
MINIMUM_OPERATIONS = 2       # a single operation gains nothing from a loop of its own


def compile_time_lines(used):
    """The header lines that bind the compile-time names `used` (Python's values)."""
    return [line for name, line in _HEADER_LINES.items() if name in used]


def fuse(body, returned, parallel=False):
    """`body` with each run of elementwise statements as a fused loop (see the module)."""
    names = {n.id for stmt in body for n in walk_tree(stmt) if isinstance(n, gast.Name)}
    if names & {FLAG, PRANGE, HELPERS}:   # yours: leave the code as it is
        return body
    loads = {}
    for node in [n for stmt in body for n in walk_tree(stmt)] + list(walk_tree(returned) if returned else ()):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load):
            loads[node.id] = loads.get(node.id, 0) + 1
    return _Fuser(names, loads, parallel).block(body)


class _Region:
    """The origin-like label of a fused loop (emit.py prints it as the comment above it)."""

    def comment(self):
        return "fused: one loop over the elements, where numba compiles this code"


class _Fuser:
    def __init__(self, names, loads, parallel):
        self.names, self.loads, self.parallel = set(names), loads, parallel

    def block(self, stmts):
        result, run = [], []
        for stmt in stmts:
            sums = frozenset(_reduced(s) for s in run if _is_reduction(s))
            if run and (_mentions(stmt, sums, beside_seeds=True) or
                        _is_reduction(stmt) and any(_mentions(s, {_reduced(stmt)}) for s in run)):
                result += self.region(run)   # it reads a sum the loop computes: after the loop
                run, sums = [], frozenset()
            if _elementwise_statement(stmt, sums) or _is_reduction(stmt):
                run.append(stmt)
                continue
            result += self.region(run)
            run = []
            for field in ("body", "orelse"):
                if isinstance(getattr(stmt, field, None), list):
                    setattr(stmt, field, self.block(getattr(stmt, field)))
            result.append(stmt)
        return result + self.region(run)

    def fresh(self, base):
        name, k = base, 1
        while name in self.names:
            name, k = f"{base}_{k}", k + 1
        self.names.add(name)
        return name

    def region(self, run):
        """[the fused If] for a run worth fusing, else the run unchanged."""
        if sum(_operations(stmt.value) for stmt in run) < MINIMUM_OPERATIONS:
            return run
        flow = _Flow(run)
        outputs = [n for n in flow.stored if n in flow.inputs or self.loads.get(n, 0) > flow.loads.get(n, 0)]
        if not outputs and not flow.reduced:
            return run
        inputs = list(flow.inputs)
        taken = set(self.names)   # element names are the loop's own: each region may reuse them
        element = {n: self.fresh(f"{n}_i") for n in dict.fromkeys(flow.values + flow.stored)}
        index = self.fresh("i")
        self.names = taken
        must_hold = {tuple(flow.deps[n]) for n in flow.reduced} | set(flow.spread_over)
        tests = [_load(FLAG), _helper("same_shape", [_load(n) for n in inputs])]
        tests += [_helper("holds_array", [_load(n) for n in deps])   # where a scalar would be summed
                  for deps in sorted(must_hold) if set(deps) != set(inputs)]
        test = gast.BoolOp(gast.And(), tests)
        target = {n: self.fresh(f"{n}_new") if n in flow.inputs else n for n in outputs}
        before = [_assign(target[n], _helper("owned", [_load(n)] + [_load(d) for d in inputs if d in flow.deps[n]])
                          if n in flow.first_augmented else
                          _helper("empty", [_load(d) for d in inputs if d in flow.deps[n]]))
                  for n in outputs]
        before += [_assign(n, gast.Constant(0.0, None)) for n in flow.reduced]
        loop_body = [_assign(element[n], _helper("at", [_load(n), _load(index)])) for n in flow.values]
        for stmt in run:
            loop_body.append(_elementwise_copy(stmt, element))
        loop_body += [_assign(target[n], _helper("store", [_load(target[n]), _load(index), _load(element[n])]))
                      for n in outputs]
        trip = _helper("size", [_load(n) for n in inputs])
        loop = gast.For(target=gast.Name(index, gast.Store(), None, None),
                        iter=_call(PRANGE if self.parallel else "range", [trip]),
                        body=loop_body, orelse=[], type_comment=None)
        after = [_assign(n, _load(target[n])) for n in outputs if target[n] != n]
        fused = gast.If(test=test, body=before + [loop] + after, orelse=run)
        fused.origin = _Region()
        return [fused]


class _Flow:
    """What a run of elementwise statements reads and writes, in order: `inputs` (names
    read before the run assigns them, or whose shape `expand_reduced` takes), `values`
    (inputs read element by element), `stored`, `first_augmented` (stored first by
    ``+=``, as NumPy does in place), `deps` (the inputs each stored name depends on) and
    `loads` (reads per name inside the run); `reduced`, the names of its sums;
    `spread_over`, the inputs of each value unbroadcast sums to (it must be an array)."""

    def __init__(self, run):
        self.inputs, self.values, self.stored, self.first_augmented = {}, [], [], set()
        self.deps, self.loads, self.reduced, self.spread_over = {}, {}, [], []
        for stmt in run:
            name = stmt.targets[0].id if isinstance(stmt, gast.Assign) else stmt.target.id
            if _is_reduction(stmt):
                self.deps[name] = self.inputs_of(self.reads(stmt.value.args[0]))
                self.reduced.append(name)
                continue
            read = self.reads(stmt.value)
            if isinstance(stmt, gast.AugAssign):
                if name not in self.deps:
                    self.first_augmented.add(name)
                read += self.read(name, True)
            self.deps[name] = self.inputs_of(read)
            if name not in self.stored:
                self.stored.append(name)

    def read(self, name, value):
        """[name], noting a read of `name` (`value`: element by element, not only its shape)."""
        if name not in self.deps:
            self.inputs.setdefault(name, None)
            if value and name not in self.values:
                self.values.append(name)
        return [name]

    def reads(self, node):
        """The names `node` reads, noted (`read`) and counted in `loads`."""
        found = []
        for child in _walk_reads(node):
            name = child[0] if isinstance(child, tuple) else child   # tuple: a shape-only read
            self.loads[name] = self.loads.get(name, 0) + 1
            found += self.read(name, not isinstance(child, tuple))
            if isinstance(child, tuple) and child[1]:   # the shape unbroadcast sums to
                self.spread_over.append(tuple(self.inputs_of([name])))
        return found

    def inputs_of(self, names):
        """The inputs of the run that values read as `names` depend on, in order."""
        return list(dict.fromkeys(d for name in names for d in self.deps.get(name, [name])))


def _walk_reads(node):
    """The names `node` reads, in evaluation order; (name,) for a shape-only read."""
    if isinstance(node, gast.Name):
        return [node.id]
    if isinstance(node, gast.Call) and _is_spread(node):
        shape = node.args[1].id
        return _walk_reads(node.args[0]) + [(shape, node.func.id == "unbroadcast")]
    if isinstance(node, gast.Call) and _is_seed(node, of_sum=False):
        summed = node.args[0]   # np.sum(t): t's shape; a sum the loop makes: nothing
        return [(summed.args[0].id, False)] if isinstance(summed, gast.Call) else []
    found = []
    for child in gast.iter_child_nodes(node):
        if isinstance(node, gast.Call) and child is node.func:
            continue
        found += _walk_reads(child)
    return found


def _is_reduction(stmt):
    """``s = np.sum(<elementwise>)``: a sum the loop accumulates (numba's np.sum adds in the
    same order)."""
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)):
        return False
    call = stmt.value
    return isinstance(call, gast.Call) and _is_sum(call, of_name=False) and _elementwise(call.args[0]) \
        and not _mentions(call, {stmt.targets[0].id})


def _reduced(stmt):
    return stmt.targets[0].id


def _mentions(node, names, beside_seeds=False):
    """Whether `node` reads one of `names` (`beside_seeds`: other than as a seed's value)."""
    if not names or beside_seeds and isinstance(node, gast.Call) and _is_seed(node, of_sum=False):
        return False
    if isinstance(node, gast.Name):
        return node.id in names
    return any(_mentions(child, names, beside_seeds) for child in gast.iter_child_nodes(node))


def _elementwise_statement(stmt, sums=frozenset()):
    """`sums`: the sums the run accumulates, whose seeds (value_and_grad's) it may read."""
    if isinstance(stmt, gast.Assign):
        return len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name) \
            and _elementwise(stmt.value, sums) and not getattr(stmt, "tape", None)
    return isinstance(stmt, gast.AugAssign) and isinstance(stmt.target, gast.Name) \
        and isinstance(stmt.op, _OPERATORS[:4]) and _elementwise(stmt.value, sums)


def _elementwise(node, sums=frozenset()):
    if isinstance(node, gast.Name):
        return True
    if isinstance(node, gast.Constant):
        return type(node.value) in (int, float)
    if isinstance(node, gast.BinOp):
        return isinstance(node.op, _OPERATORS) and _elementwise(node.left, sums) and _elementwise(node.right, sums)
    if isinstance(node, gast.UnaryOp):
        return isinstance(node.op, (gast.USub, gast.UAdd)) and _elementwise(node.operand, sums)
    if isinstance(node, gast.Call) and not node.keywords:
        if _is_seed(node) or _is_seed(node, of_sum=False) and isinstance(node.args[0], gast.Name) \
                and node.args[0].id in sums:
            return True
        if _is_spread(node):
            return _elementwise(node.args[0], sums)
        return _is_unary_ufunc(node.func) and len(node.args) == 1 and _elementwise(node.args[0], sums)
    return False


def _is_spread(node):
    return isinstance(node.func, gast.Name) and node.func.id in _SPREAD and len(node.args) == 2 \
        and not node.keywords and isinstance(node.args[1], gast.Name)


def _is_seed(node, of_sum=True):
    """``seed_cotangent(np.sum(t), "f")``, grad's seed: 1 (the sum of a float64 array is a
    scalar). Not `of_sum`: also ``seed_cotangent(s, "f")`` (the run admits it where `s` is a
    sum it accumulates)."""
    return isinstance(node.func, gast.Name) and node.func.id == "seed_cotangent" and len(node.args) == 2 \
        and not node.keywords and (not of_sum or isinstance(node.args[0], gast.Call) and _is_sum(node.args[0]))


def _is_sum(call, of_name=True):
    return isinstance(call.func, gast.Attribute) and isinstance(call.func.value, gast.Name) \
        and call.func.value.id in ("np", "numpy") and call.func.attr == "sum" and len(call.args) == 1 \
        and not call.keywords and (isinstance(call.args[0], gast.Name) or not of_name)


def _is_unary_ufunc(func):
    return isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name) \
        and func.value.id in ("np", "numpy") and func.attr in UNARY


def _operations(node):
    if isinstance(node, gast.Call) and _is_seed(node, of_sum=False):
        return 0
    own = isinstance(node, (gast.BinOp, gast.UnaryOp)) or isinstance(node, gast.Call) and not _is_spread(node)
    return own + sum(_operations(child) for child in gast.iter_child_nodes(node)
                     if not (isinstance(node, gast.Call) and child is node.func))


def _elementwise_copy(stmt, element):
    """`stmt` on one element: its names -> their element names, expand_reduced(g, x) -> g."""
    def rewrite(node):
        if isinstance(node, gast.Name):
            return gast.Name(element[node.id], type(node.ctx)(), None, None)
        if isinstance(node, gast.Call) and _is_spread(node):
            return rewrite(node.args[0])
        if isinstance(node, gast.Call) and _is_seed(node, of_sum=False):
            return gast.Constant(1.0, None)
        if isinstance(node, gast.Call):
            return gast.Call(func=node.func, args=[rewrite(a) for a in node.args], keywords=[])
        if isinstance(node, gast.BinOp):
            return gast.BinOp(rewrite(node.left), node.op, rewrite(node.right))
        if isinstance(node, gast.UnaryOp):
            return gast.UnaryOp(node.op, rewrite(node.operand))
        return gast.Constant(node.value, None)
    if _is_reduction(stmt):
        return gast.AugAssign(target=gast.Name(_reduced(stmt), gast.Store(), None, None), op=gast.Add(),
                              value=rewrite(stmt.value.args[0]))
    if isinstance(stmt, gast.Assign):
        return _assign(element[stmt.targets[0].id], rewrite(stmt.value))
    return gast.AugAssign(target=gast.Name(element[stmt.target.id], gast.Store(), None, None),
                          op=stmt.op, value=rewrite(stmt.value))


def _load(name):
    return gast.Name(name, gast.Load(), None, None)


def _helper(name, args):
    return gast.Call(func=gast.Attribute(_load(HELPERS), name, gast.Load()), args=args, keywords=[])


def _call(name, args):
    return gast.Call(func=_load(name), args=args, keywords=[])


def _assign(name, value):
    return gast.Assign(targets=[gast.Name(name, gast.Store(), None, None)], value=value, type_comment=None)
