"""`srcad.check(f, wrt=0)` and ``srcad check PATH.py:FUNC``: what stops srcad from
differentiating a function, found without running it.

The function goes through the transformation's own stages (parse, normalize, activity,
the rule table) with `errors.collecting()` on, so each stage reports every error it would
raise and goes on; then each call a derivative flows through is looked up in the rule
table, and each call of your own functions is checked in turn, with respect to the
arguments that carry derivatives into it.
"""
import inspect
import re
from dataclasses import dataclass, field

from .api import _normalize_wrt, _plain_function
from .arity import has_varargs
from .derivatives import bind, rule_of, template_for
from .errors import SrcadError, UnsupportedSyntax, collecting, report
from .ir import walk
from .activity import analyze
from .normalize import normalize
from .parse import parse_function
from .transform import differentiated_names, shown_path

_WHERE = re.compile(r"^(\S+?:\d+)(?: \(`[^`]*`\))?: ")


@dataclass(frozen=True)
class Problem:
    """Something srcad cannot differentiate: where (``file:line``), what, how to fix it."""

    where: str
    what: str
    fix: str
    error: SrcadError = field(compare=False, repr=False)

    @classmethod
    def of(cls, error):
        text = str(error)
        fix = getattr(error, "hint", "")
        if isinstance(error, UnsupportedSyntax):
            return cls(error.where, f"{error.construct} is not supported", fix, error)
        match = _WHERE.match(text)
        where = match.group(1) if match else getattr(error, "where", "") or ""
        what = text[match.end():] if match else text
        if fix and what.endswith(fix):
            what = what[:-len(fix)].rstrip()
        return cls(where, what, fix, error)

    def __str__(self):
        return f"{_shown(self.where)}: {self.what}" + (f"\n    fix: {self.fix}" if self.fix else "")


@dataclass
class Checked:
    """One function srcad would transform: which arguments, which variables are active."""

    name: str
    where: str
    wrt: tuple
    active: list        # your variables that depend on `wrt` and reach the output


@dataclass
class Report:
    """What `srcad.check` found. `ok` is True when nothing blocks differentiation."""

    function: str
    mode: str
    problems: list = field(default_factory=list)
    functions: list = field(default_factory=list)   # Checked: the function, then its callees

    @property
    def ok(self):
        return not self.problems

    def __str__(self):
        first = self.functions[0] if self.functions else None
        lines = [f"srcad check {self.function} ({self.mode} mode"
                 f"{f', wrt={first.wrt}' if first else ''}): "
                 f"{'ok' if self.ok else f'{len(self.problems)} problem(s)'}"]
        for problem in self.problems:
            lines.append(f"  {problem}".replace("\n", "\n  "))
        for checked in self.functions:
            role = "function" if checked is first else "calls"
            active = ", ".join(checked.active) or "none"
            lines.append(f"  {role} {checked.name} ({_shown(checked.where)}), wrt={checked.wrt}: "
                         f"active variables: {active}")
        return "\n".join(lines)


def check(f, wrt=0, mode="reverse"):
    """A `Report` of what would stop ``srcad.grad(f, wrt)`` (``mode="forward"``: `jvp`),
    found without running `f`: each problem with its ``file:line`` and fix, the active
    variables, and the calls of your functions that srcad would transform too."""
    if mode not in ("reverse", "forward"):
        raise SrcadError(f"mode must be 'reverse' or 'forward', not {mode!r}")
    indices, _ = _normalize_wrt(wrt)
    function = _plain_function(f)
    report = Report(function.__qualname__, mode)
    pending, seen = [(function, indices)], set()
    while pending:
        function, indices = pending.pop(0)
        if (function, indices) in seen:
            continue
        seen.add((function, indices))
        with collecting() as found:
            try:
                pending += _check_function(function, indices, mode, report)
            except SrcadError as error:   # a stage that cannot go on: what it raised
                found.append(error)
        for error in found:
            problem = Problem.of(error)
            if problem not in report.problems:
                report.problems.append(problem)
    report.problems.sort(key=_location)
    return report


def _shown(where):
    """``file:line`` with the file relative to the current directory when below it."""
    file, _, line = where.rpartition(":")
    return f"{shown_path(file)}:{line}" if file else where


def _location(problem):
    file, _, line = problem.where.rpartition(":")
    return (file, int(line)) if line.isdigit() else (problem.where, 0)


def _check_function(function, indices, mode, report):
    """Check one function; returns the (callee, wrt) pairs to check next."""
    parsed = parse_function(function)
    named = function.__code__.co_argcount
    arity = max(0, max(indices) + 1 - named) if has_varargs(function) else None
    fn = normalize(parsed, arity)
    activity = analyze(fn, differentiated_names(fn, "vjp" if mode == "reverse" else "jvp", indices))
    active = sorted({fn.user_of.get(name, name) for name in activity.varied & activity.useful
                     if name not in fn.temporaries})
    report.functions.append(Checked(function.__qualname__, parsed.where(parsed.node), indices, active))
    callees = []
    for stmt in walk(fn.body):
        if not (stmt.target and activity.active(stmt.target)):
            continue
        if stmt.kind == "call":
            _check_rule(stmt, activity, mode)
        elif stmt.kind == "usercall" and inspect.isfunction(stmt.callee):
            positions = _varied_positions(stmt, activity)
            if positions:
                callees.append((stmt.callee, positions))
    return callees


def _check_rule(stmt, activity, mode):
    """The errors the transformation raises for this call: no rule, or no template for a
    parameter a derivative flows into."""
    try:
        rule = rule_of(stmt)
        templates, kind = (rule.vjps, "reverse-mode") if mode == "reverse" else (rule.jvps, "forward-mode")
        for param, atoms in bind(rule, stmt).items():
            atoms = atoms if isinstance(atoms, list) else [atoms]
            if any(getattr(atom, "id", None) in activity.varied for atom in atoms):
                template_for(rule, templates, param, stmt, kind)
    except SrcadError as error:
        report(error)


def _varied_positions(stmt, activity):
    """The positions of the callee's parameters that receive a derivative."""
    varied = activity.varied
    positions = {i for i, atom in enumerate(stmt.args) if getattr(atom, "id", None) in varied}
    try:
        names = list(inspect.signature(stmt.callee).parameters)
    except (TypeError, ValueError):
        names = []
    positions |= {names.index(key) for key, atom in stmt.kwargs.items()
                  if getattr(atom, "id", None) in varied and key in names}
    return tuple(sorted(positions))
