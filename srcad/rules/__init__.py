"""The derivative rule table, one module per family of callables."""
from . import elementwise, linalg, pymath, reductions, runtime_rules, shape  # noqa: F401  (registers)
from . import scipy_special  # noqa: F401  (registers scipy.special's rules when SciPy is installed)
from . import scipy_stats  # noqa: F401  (registers scipy.stats's rules once scipy.stats is imported)
from . import array_api  # noqa: F401  (namespace getters: x.__array_namespace__())
from . import vector  # noqa: F401  (vector-mode templates; registered last, onto existing rules)
from . import structure  # noqa: F401  (dependency structure, for sparsity patterns)
from . import registry
from .registry import alias, all_rules, defjvp, defvjp, elementwise as defelementwise, lookup, nondifferentiable  # noqa: F401

registry.mark_builtin_rules()
