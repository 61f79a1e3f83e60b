"""The calls that return an array's namespace (array API style, see srcad/namespaces.py):
non-differentiable. The functions called through a namespace take NumPy's rules."""
import numpy as np

from .registry import describe, nondifferentiable, register_when_imported

if hasattr(np.ndarray, "__array_namespace__"):    # NumPy 2
    nondifferentiable(np.ndarray.__array_namespace__)
    describe(np.ndarray.__array_namespace__, "x.__array_namespace__(): the namespace, no derivative")


def _register():
    import array_api_compat
    nondifferentiable(array_api_compat.array_namespace)
    describe(array_api_compat.array_namespace, "the namespace of the arguments, no derivative")


register_when_imported("array_api_compat", _register)
