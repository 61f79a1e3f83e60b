"""docs/rules.md, generated from the rule table.

    python -m srcad.rules.table            # print the Markdown
    python -m srcad.rules.table --write    # regenerate docs/rules.md

The table lists srcad's own rules, grouped by family: the module of srcad/rules/ that
registered them. Which module registered which callable is found by replaying each
module's registration calls against a recorder (the rules themselves are untouched);
rules users register with srcad.defvjp are not listed.
"""
import argparse
import importlib.util
import sys
import types
from pathlib import Path

from . import registry

DOCS_PATH = Path(__file__).resolve().parents[2] / "docs" / "rules.md"

FAMILY_TITLES = {
    "srcad.rules.elementwise": "Elementwise functions, operators and elementwise array methods",
    "srcad.rules.reductions": "Reductions and cumulative operations",
    "srcad.rules.pymath": "Python scalars: the math module and builtins",
    "srcad.rules.scipy_special": "scipy.special (registered once your code imports it)",
    "srcad.rules.scipy_stats": "scipy.stats (registered once your code imports it)",
    "srcad.rules.shape": "Shapes, indexing and data movement",
    "srcad.rules.linalg": "Linear algebra",
    "srcad.rules.runtime_rules": "srcad's runtime helpers (so derivative code can be differentiated again)",
    "srcad.rules.array_api": "Array namespaces (array API style, docs/arrays.md)",
}

CONVENTIONS = """\
## Conventions

* **VJP / JVP**: every differentiable callable has a reverse-mode (VJP) and a forward-mode
  (JVP) rule, each checked against finite differences in both modes by
  tests/test_rule_table.py.
* **Non-differentiable** callables (rounding, sign, comparisons, argmax, shape queries) pass
  their value through and contribute a derivative of exactly zero; they are listed with
  "zero".
* **Ties** split the derivative equally, as JAX does: `np.maximum`, `np.minimum`, `np.fmax`,
  `np.fmin` and `np.clip` give 0.5 to each side of a tie; `np.max`/`np.min`/`np.ptp` and the
  builtins `max`/`min` split the cotangent equally among the tied elements.
* **Kinks**: d|x|/dx at 0 is 0 (`np.sign(0)`); d(x ** y)/dy at x == 0 is 0; d(x ** y)/dx
  at y == 0 is 0, also at x == 0 (`x ** 0` is the constant 1).
* **Zeros**: `np.prod` and `np.cumprod` have exact first derivatives when the input has
  zeros; their second derivatives assume no zeros.
* **float32**: rules keep the dtype: float32 inputs get float32 derivatives in both modes
  (constants in templates are Python floats, which NumPy 2 does not promote).
* Helpers named `srcad.rules.*_helpers.*` appear in derivative code; their rules let
  generated code be differentiated again (Hessians).
"""


class _Recorder:
    """Stands in for the registry's registration functions and records their callables."""

    def __init__(self):
        self.callables = []

    def _first(self, fn, *args, **kwargs):
        self.callables.append(fn)

    def _all(self, *fns):
        self.callables.extend(fns)

    def _ignore(self, *args, **kwargs):
        pass

    def module(self):
        fake = types.ModuleType(registry.__name__)
        fake.__dict__.update({k: v for k, v in vars(registry).items() if not k.startswith("__")})
        for name in ("defvjp", "defjvp", "elementwise", "alias"):
            setattr(fake, name, self._first)
        fake.nondifferentiable = self._all
        fake.returns_sequence = self._ignore
        fake.describe = self._ignore
        fake.defliteral = fake.defvector = self._ignore   # templates onto existing rules
        return fake


def _replay(module_name):
    """The callables that the module `module_name` registers, in order."""
    real = sys.modules[module_name]
    spec = importlib.util.find_spec(module_name)
    source = spec.loader.get_source(module_name)
    recorder = _Recorder()
    package = sys.modules[registry.__name__.rpartition(".")[0]]
    saved = sys.modules[registry.__name__]
    fake = recorder.module()
    sys.modules[registry.__name__] = fake
    package.registry = fake
    try:
        namespace = {"__name__": module_name, "__package__": real.__package__,
                     "__file__": getattr(real, "__file__", None)}
        exec(compile(source, spec.origin, "exec"), namespace)
    finally:
        sys.modules[registry.__name__] = saved
        package.registry = saved
    found = []
    for fn in recorder.callables:
        # A function the module defines itself was defined anew by the replay: use the real one.
        if getattr(fn, "__module__", None) == module_name and hasattr(real, getattr(fn, "__qualname__", "")):
            fn = getattr(real, fn.__qualname__)
        found.append(fn)
    return found


def family_modules():
    """The modules of srcad.rules that register rules, in import (registration) order."""
    package = registry.__name__.rpartition(".")[0]
    skip = {package, registry.__name__, __name__}
    return [name for name in list(sys.modules)
            if name.startswith(package + ".") and name not in skip and sys.modules[name] is not None]


def families():
    """{module name: [callable, ...]}: each of srcad's rules under the module that registered
    it last (the rule in force), in registration order."""
    owner = {}
    order = {}
    for module_name in family_modules():
        for fn in _replay(module_name):
            key = registry._key(fn)
            owner[key] = module_name
            order.setdefault((module_name, key), (len(order), fn))
    grouped = {}
    for (module_name, key), (_, fn) in sorted(order.items(), key=lambda item: item[1][0]):
        if owner[key] == module_name and registry.lookup(fn) is not None:
            grouped.setdefault(module_name, []).append(fn)
    known = list(FAMILY_TITLES)
    ranked = sorted(grouped, key=lambda m: (known.index(m) if m in known else len(known), m))
    return {module_name: grouped[module_name] for module_name in ranked}


def srcad_callables():
    """Every callable srcad's own rule modules register (not rules users add)."""
    return [fn for fns in families().values() for fn in fns]


_PREFIXES = (("numpy", "np"), ("numpy.linalg", "np.linalg"), ("math", "math"),
             ("operator", "operator"), ("scipy.special", "scipy.special"), ("builtins", ""))


def display_name(fn):
    """How users spell `fn`: ``np.sin``, ``math.log``, ``operator.add``, ``abs``, ``ndarray.sum``,
    with NumPy's other names for the same object in parentheses (``np.absolute (np.abs)``)."""
    name = getattr(fn, "__name__", None)
    if getattr(fn, "__objclass__", None) is None:
        for module_name, prefix in _PREFIXES:
            module = sys.modules.get(module_name)
            if module is not None and name is None:   # an object such as np.r_
                name = next((n for n, v in vars(module).items()
                             if v is fn and not n.startswith("_")), None)
            if module is not None and name and getattr(module, name, None) is fn:
                spelled = f"{prefix}.{name}" if prefix else name
                if prefix:
                    others = sorted(n for n, v in vars(module).items()
                                    if v is fn and n != name and not n.startswith("_"))
                    if others:
                        spelled += " (" + ", ".join(f"{prefix}.{n}" for n in others) + ")"
                return spelled
    return registry.callable_name(fn)


def _has(rule, slot):
    templates = getattr(rule, slot)
    return bool(templates) and any(t is not None for t in templates.values())


def _cell(text):
    return text.replace("|", "\\|")


def count_both():
    """(callables with both a VJP and a JVP rule, non-differentiable callables)."""
    both = nondiff = 0
    for fn in srcad_callables():
        rule = registry.lookup(fn)
        if not rule.differentiable:
            nondiff += 1
        elif _has(rule, "vjps") and _has(rule, "jvps"):
            both += 1
    return both, nondiff


def markdown():
    """The Markdown of docs/rules.md (scipy.special's and scipy.stats's rules included when SciPy
    is installed)."""
    try:
        import scipy.special  # noqa: F401  (its rules register once it is imported)
        import scipy.stats  # noqa: F401
    except ImportError:  # pragma: no cover - documented without them
        pass
    try:
        import array_api_compat  # noqa: F401  (array_namespace, registered once imported)
    except ImportError:  # pragma: no cover
        pass
    grouped = families()
    both, nondiff = count_both()
    lines = [
        "# Derivative rules",
        "",
        "<!-- Generated by `python -m srcad.rules.table --write` from the rule table; "
        "do not edit. -->",
        "",
        f"**{both} callables have both a VJP and a JVP rule**; {nondiff} more are declared "
        "non-differentiable (derivative zero). Register your own with `srcad.defvjp` / "
        "`srcad.defjvp` (docs/api.md, 'Adding rules').",
        "",
        CONVENTIONS,
    ]
    for module_name, fns in grouped.items():
        title = FAMILY_TITLES.get(module_name, module_name)
        path = module_name.replace(".", "/") + ".py"
        lines += [f"## {title}", "", f"Registered in `{path}`.", "",
                  "| callable | VJP | JVP | notes |", "| --- | --- | --- | --- |"]
        for fn in fns:
            rule = registry.lookup(fn)
            if rule.differentiable:
                vjp = "yes" if _has(rule, "vjps") else "no"
                jvp = "yes" if _has(rule, "jvps") else "no"
            else:
                vjp = jvp = "zero"
            lines.append(f"| `{_cell(display_name(fn))}` | {vjp} | {jvp} | {_cell(rule.note)} |")
        lines.append("")
    from ..compiled import survey   # what compiles with numba: recorded by the compiled test run
    lines += survey.markdown(survey.load())
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m srcad.rules.table", description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"write {DOCS_PATH}")
    args = parser.parse_args(argv)
    text = markdown()
    if args.write:
        DOCS_PATH.write_text(text)
        print(f"wrote {DOCS_PATH}")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    import srcad  # noqa: F401  (registers every rule)
    main()
