"""The derivative-rule registry: a table from Python callables to VJP and JVP templates.

Rules are data. The engine asks ``lookup(fn)`` for a `Rule` and splices its templates; it
never knows what ``np.sin`` is. Rule families live in sibling modules (elementwise.py,
reductions.py, ...) and users register their own with the same functions:

    defvjp(np.multiply, "x, y", "unbroadcast(g * y, x)", "unbroadcast(g * x, y)")
    defjvp(np.multiply, "x, y", "x_dot * y", "x * y_dot")

In a VJP template ``g`` is the cotangent of the result and ``ans`` the result; in a JVP
template ``x_dot`` is the tangent of parameter ``x``. There is one template per
parameter, in signature order; parameters without one (``axis``) are not differentiable,
and ``ZERO`` declares an argument whose derivative is zero (one that only gives a shape).
A rule may add templates for calls with literal arguments (``defliteral``: ``x ** 2``) and
for vector mode (``defvector``).
"""
import ast
import hashlib
import inspect
import sys
import types
from dataclasses import dataclass, field, replace

import gast

from .. import runtime
from ..templates import names_in, parse_expression, parse_signature
from ..trees import clone


@dataclass
class Rule:
    """How to differentiate one callable."""

    name: str
    signature: str
    params: list
    positional: list
    defaults: dict
    vararg: str | None
    vjps: dict = field(default_factory=dict)   # param -> template node
    jvps: dict = field(default_factory=dict)   # param -> template node
    free_names: dict = field(default_factory=dict)  # name -> object the templates use
    differentiable: bool = True
    sequence_output: bool = False   # returns a tuple/list of arrays (eigh, qr, split)
    vector_vjps: dict = field(default_factory=dict)   # vector mode: g has a directions axis
    vector_jvps: dict = field(default_factory=dict)   # vector mode: *_dot have a directions axis
    literal_cases: list = field(default_factory=list)   # `LiteralCase`s (defliteral)
    note: str = ""                  # one line for docs/rules.md
    in_generated_code: object = None   # the `Rule` for calls in code srcad generated, if other
    joint: object = None            # one call for all parameters (custom.Joint), if any
    structure: object = None        # how outputs depend on inputs (rules/structure.py), if known
    specialized: dict = field(default_factory=dict, init=False, repr=False)  # for_call's cache

    def bind(self, args, kwargs):
        """Map the call's argument nodes to parameter names (defaults filled in)."""
        bound = {}
        for name, default in self.defaults.items():
            bound[name] = clone(default)
            bound[name].defaulted = True
        if len(args) > len(self.positional) and not self.vararg:
            raise TypeError(f"{self.name} takes {len(self.positional)} positional arguments")
        bound.update(zip(self.positional, args))
        if self.vararg:
            bound[self.vararg] = list(args[len(self.positional):])
        for key, value in kwargs.items():
            if key not in self.params:
                raise TypeError(f"{self.name} has no parameter {key!r} in its rule signature "
                                f"({self.signature})")
            bound[key] = value
        missing = [p for p in self.params if p not in bound]
        if missing:
            raise TypeError(f"the derivative rule of {self.name} ({self.signature}) needs "
                            f"argument {missing[0]!r}, which this call does not pass")
        return bound

    def for_call(self, bound):
        """This rule with the templates of the `literal_cases` that hold for a call whose
        arguments are `bound` (parameter -> argument node)."""
        cases = tuple(i for i, case in enumerate(self.literal_cases) if case.holds(bound))
        if not cases:
            return self
        if cases not in self.specialized:
            vjps, jvps = dict(self.vjps), dict(self.jvps)
            for i in cases:
                vjps.update(self.literal_cases[i].vjps)
                jvps.update(self.literal_cases[i].jvps)
            self.specialized[cases] = replace(self, vjps=vjps, jvps=jvps, literal_cases=[])
        return self.specialized[cases]


@dataclass
class LiteralCase:
    """Templates for the calls whose arguments named in `condition` are number literals for
    which `condition` holds (see `defliteral`)."""

    condition: str
    names: tuple        # the parameters `condition` reads
    vjps: dict
    jvps: dict

    def holds(self, bound):
        values = {}
        for param in self.names:
            value = literal_number(bound.get(param))
            if value is None:
                return False
            values[param] = value
        return bool(eval(self.condition, {"__builtins__": {}}, values))


def literal_number(node):
    """The value of an argument node that is a number literal (``2``, ``-0.5``), else None."""
    sign = 1
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, (gast.USub, gast.UAdd)):
        sign = -1 if isinstance(node.op, gast.USub) else 1
        node = node.operand
    if isinstance(node, gast.Constant) and isinstance(node.value, (int, float)) \
            and not isinstance(node.value, bool):
        return sign * node.value
    return None


ZERO = "0"   # the template of an argument that contributes nothing (e.g. only its shape)

_RULES: dict = {}
_GENERATION = [0]   # bumped by every registration, so caches know the table changed


def _key(fn):
    try:
        hash(fn)
        return fn
    except TypeError:
        return id(fn)


def callable_name(fn):
    """A readable dotted name for a callable (``numpy.sin``, ``ndarray.sum``) or an object
    (``numpy.r_``). A method bound to a library's public object is named through that
    object, as users write it: ``scipy.stats.norm.logpdf``, not the method all of SciPy's
    distributions share (``rv_continuous.logpdf``)."""
    owner = getattr(fn, "__self__", None)
    if inspect.ismethod(fn) and not isinstance(owner, (type, types.ModuleType)):
        holder = global_name(owner)
        if holder is not None:
            return f"{holder}.{fn.__name__}"
    module = getattr(fn, "__module__", None) or ""
    qualname = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None)
    if qualname is None:
        return global_name(fn) or repr(fn)
    objclass = getattr(fn, "__objclass__", None)
    if objclass is not None:
        return f"{objclass.__name__}.{getattr(fn, '__name__', qualname)}"
    return f"{module}.{qualname}" if module and module != "builtins" else qualname


def global_name(obj):
    """``numpy.r_`` for the object ``np.r_``: a public global that holds `obj` in the package
    of its type's module, in a package on the way to that module (``scipy.stats.norm``, whose
    type is defined in ``scipy.stats._continuous_distns``), or in that module itself; None if
    there is none."""
    parts = (type(obj).__module__ or "").split(".")
    for candidate in (".".join(parts[:i]) for i in range(1, len(parts) + 1)):
        module = sys.modules.get(candidate)
        for name, value in (vars(module).items() if module is not None else ()):
            if value is obj and not name.startswith("_"):
                return f"{candidate}.{name}"
    return None


def _rule_for(fn, signature):
    rule = _RULES.get(_key(fn))
    if rule is None or rule.signature != signature or not rule.differentiable:
        rule = Rule(callable_name(fn), signature, *parse_signature(signature))
        _RULES[_key(fn)] = rule
    return rule


def _attach(fn, signature, templates, slot, caller_globals):
    _GENERATION[0] += 1
    rule = _rule_for(fn, signature)
    rule.specialized.clear()
    if len(templates) > len(rule.params) + (1 if rule.vararg else 0):
        raise ValueError(f"{rule.name}: {len(templates)} templates for signature ({signature})")
    target = getattr(rule, slot)
    names = rule.params + ([rule.vararg] if rule.vararg else [])
    for param, text in zip(names, templates):
        if text is None:
            continue
        if text == ZERO:
            target[param] = ZERO
            continue
        node = parse_expression(text)
        node.text = text
        target[param] = node
        local = set(names) | {"g", "ans", "position"} | {p + "_dot" for p in names}
        for free in names_in(node) - local:
            rule.free_names[free] = _resolve_free(free, caller_globals, rule.name)
    return rule


def _resolve_free(name, caller_globals, rule_name):
    if name in caller_globals:
        return caller_globals[name]
    if hasattr(runtime, name):
        return getattr(runtime, name)
    import builtins
    if hasattr(builtins, name):
        return getattr(builtins, name)
    raise NameError(f"rule for {rule_name}: template uses unknown name {name!r}")


def defvjp(fn, signature, *templates):
    """Register reverse-mode templates for `fn`, one per parameter in `signature` order."""
    return _attach(fn, signature, templates, "vjps", sys._getframe(1).f_globals)


def defjvp(fn, signature, *templates):
    """Register forward-mode templates for `fn`, one per parameter in `signature` order."""
    return _attach(fn, signature, templates, "jvps", sys._getframe(1).f_globals)


def elementwise(fn, derivative, signature="x", caller_globals=None):
    """Register a unary elementwise function by its derivative ``f'(x)`` (may use ``ans``).
    A derivative ``1 / (...)`` divides: ``g / (...)``, one rounding where ``g * (1 / ...)``
    makes two."""
    caller_globals = caller_globals or sys._getframe(1).f_globals
    node = parse_expression(derivative)
    if isinstance(node, gast.BinOp) and isinstance(node.op, gast.Div) \
            and isinstance(node.left, gast.Constant) and node.left.value == 1:
        divisor = ast.unparse(gast.gast_to_ast(node.right))
        templates = [f"g / ({divisor})"], [f"x_dot / ({divisor})"]
    else:
        templates = [f"g * ({derivative})"], [f"x_dot * ({derivative})"]
    _attach(fn, signature, templates[0], "vjps", caller_globals)
    _attach(fn, signature, templates[1], "jvps", caller_globals).structure = "elementwise"


def alias(fn, existing):
    """Let `fn` use the rule of `existing` (same signature, e.g. ``operator.add`` -> ``np.add``)."""
    _GENERATION[0] += 1
    _RULES[_key(fn)] = _RULES[_key(existing)]


def nondifferentiable(*fns):
    """Declare callables whose result carries no derivative (argmax, floor, shape queries)."""
    _GENERATION[0] += 1
    for fn in fns:
        rule = Rule(callable_name(fn), "*args", [], [], {}, "args", differentiable=False)
        _RULES[_key(fn)] = rule


def returns_sequence(*fns):
    """Declare that each of `fns` returns a tuple or list of arrays (``np.linalg.eigh``).

    Its VJP templates then receive ``g`` as a list with one cotangent per output (zeros for
    outputs the caller did not use), and its JVP templates return a tuple of tangents.
    Register the templates first.
    """
    _GENERATION[0] += 1
    for fn in fns:
        _RULES[_key(fn)].sequence_output = True


def defvector(fn, vjps=None, jvps=None):
    """Templates for vector mode (derivatives carry a leading axis of directions), by
    parameter name, for a rule whose ordinary templates would misread that axis
    (reductions over axes, reshapes, matrix products). Rules without them still work in
    vector mode: srcad runs their ordinary templates once per direction."""
    _GENERATION[0] += 1
    rule = _RULES[_key(fn)]
    rule.specialized.clear()
    caller_globals = sys._getframe(1).f_globals
    for slot, templates in (("vector_vjps", vjps or {}), ("vector_jvps", jvps or {})):
        for param, text in templates.items():
            node = parse_expression(text)
            node.text = text
            getattr(rule, slot)[param] = node
            local = set(rule.params) | {rule.vararg, "g", "ans", "position"} | {p + "_dot" for p in rule.params}
            for free in names_in(node) - local:
                rule.free_names[free] = _resolve_free(free, caller_globals, rule.name)


def defliteral(fn, condition, vjps=None, jvps=None):
    """Templates, by parameter name, for the calls of `fn` whose arguments named in
    `condition` are number literals for which `condition` holds (``"y != 0"``); they replace
    the general templates of those parameters, when the code is generated.

    For a general template that needs a helper to be right everywhere while a literal
    argument allows the textbook formula: ``x ** y`` pulls back through
    ``scaled_power(y, x, y - 1)`` (0 at y == 0, also where x == 0), ``x ** 2`` through
    ``2 * x ** (2 - 1)``, which the optimizer folds to ``2 * x``."""
    _GENERATION[0] += 1
    rule = _RULES[_key(fn)]
    node = parse_expression(condition)
    names = tuple(sorted(names_in(node)))
    unknown = set(names) - set(rule.params)
    if unknown:
        raise ValueError(f"{rule.name}: condition {condition!r} names {sorted(unknown)}, which are "
                         f"not parameters of ({rule.signature})")
    caller_globals = sys._getframe(1).f_globals
    slots = {}
    for slot, templates in (("vjps", vjps or {}), ("jvps", jvps or {})):
        slots[slot] = {}
        for param, text in templates.items():
            if text == ZERO:
                slots[slot][param] = ZERO
                continue
            template = parse_expression(text)
            template.text = text
            slots[slot][param] = template
            local = set(rule.params) | {rule.vararg, "g", "ans", "position"} \
                | {p + "_dot" for p in rule.params}
            for free in names_in(template) - local:
                rule.free_names[free] = _resolve_free(free, caller_globals, rule.name)
    rule.literal_cases.append(LiteralCase(condition, names, slots["vjps"], slots["jvps"]))
    rule.specialized.clear()


def describe(fn, note):
    """Attach a one-line note to the rule of `fn` (shown in docs/rules.md)."""
    _RULES[_key(fn)].note = note


def lookup(fn):
    """The `Rule` for `fn`, or None."""
    try:
        rule = _RULES.get(_key(fn))
    except TypeError:
        return None
    if rule is None and _PENDING and _register_pending():
        return lookup(fn)
    return rule


def all_rules():
    """(callable, rule) pairs, one per registered callable."""
    _register_pending()
    return [(key, rule) for key, rule in _RULES.items()]


_PENDING: list = []   # (module name, register): rule families waiting for their library


def register_when_imported(module_name, register):
    """Call `register()` once `module_name` is imported, by the user's code: srcad never
    imports an optional library itself (SciPy, for one, brings a second OpenBLAS whose
    threads can make NumPy's matmul twice as slow on a small machine)."""
    _PENDING.append((module_name, register))
    _register_pending()


def _register_pending():
    """Register the waiting families whose library is now imported; True if any was."""
    ready = [item for item in _PENDING if item[0] in sys.modules]
    for item in ready:
        _PENDING.remove(item)
        as_loaded = bool(_BUILTIN) and _GENERATION[0] == _BUILTIN[0]
        item[1]()
        if as_loaded:      # still only srcad's own rules: srcad's code hash covers them
            mark_builtin_rules()
    return bool(ready)


def all_free_names():
    """name -> object for every free name any template uses (np, unbroadcast, ...)."""
    names = {}
    for rule in _RULES.values():
        names.update(rule.free_names)
    return names


_FINGERPRINT: dict = {}


_BUILTIN: list = []   # the generation after srcad's own rule modules registered


def mark_builtin_rules():
    """Called once srcad's rule modules are loaded: their rules are covered by the hash of
    srcad's own code, so only rules registered later need hashing."""
    _BUILTIN[:] = [_GENERATION[0]]


def fingerprint():
    """A hash of the whole rule table; generated code depends on it."""
    _register_pending()
    generation = _GENERATION[0]
    if _BUILTIN and generation == _BUILTIN[0]:
        return f"srcad-rules-{len(_RULES)}"   # as srcad loaded it: srcad's code hash covers it
    if generation not in _FINGERPRINT:
        digest = hashlib.sha256()
        for key, rule in sorted(_RULES.items(), key=lambda item: item[1].name):
            digest.update(f"{rule.name}|{rule.signature}|{rule.differentiable}|"
                          f"{rule.sequence_output}".encode())
            slots = [rule.vjps, rule.jvps, rule.vector_vjps, rule.vector_jvps]
            for case in rule.literal_cases:
                digest.update(f"when {case.condition}:".encode())
                slots += [case.vjps, case.jvps]
            for slot in slots:
                for param, node in sorted(slot.items()):
                    text = node if node == ZERO else node.text
                    digest.update(f"{param}:{text};".encode())
        _FINGERPRINT.clear()
        _FINGERPRINT[generation] = digest.hexdigest()
    return _FINGERPRINT[generation]
