"""Compiled derivatives: the generated code run by numba instead of the Python interpreter.

With ``compile="numba"`` srcad generates the same readable code, in the flavor numba
accepts (flavor.py). The loader moves each entry function's statements into a function of
their own (``_srcad_body_<entry>``, loader.py) which the entry calls after its plumbing
(input checks, guards, error notes, which stay Python); `attach` puts numba's compiled
version of it there (numba_target.py), with numba implementations of srcad's runtime
helpers (numba_helpers.py). Runs of elementwise statements are fused into one loop each
(fusion.py; its helpers: srcad/fused.py and numba_fusion.py), run on every core with
``compile="numba-parallel"``. numba is imported on the first compiled derivative only.
"""
import importlib.util
import warnings
from dataclasses import replace

from ..errors import CompileError
from ..loader import BODY_PREFIX

INSTALL = "pip install 'srcad[numba]'"
_WARNED: set = set()


def available():
    """Whether numba can be imported (without importing it)."""
    return importlib.util.find_spec("numba") is not None


def usable(options):
    """`options`, checked: ``compile="numba"`` without numba is a CompileError naming the
    extra; ``"numba?"`` without numba warns once and compiles nothing."""
    if not options.compile or available():
        return options
    message = f"compile={options.compile!r} needs numba, which is not installed: {INSTALL}"
    if not options.compile.endswith("?"):
        raise CompileError(message)
    warn_once("numba-missing", f"srcad: {message}; running the NumPy derivative.")
    return replace(options, compile="")


def warn_once(key, message):
    if key not in _WARNED:
        _WARNED.add(key)
        warnings.warn(message, RuntimeWarning, stacklevel=4)


def attach(functions, filename, target):
    """Replace the statements of each entry in `functions` with numba's compiled version."""
    from .numba_target import runner
    for entry in functions:
        names = entry.__code__.co_freevars
        for name, cell in zip(names, entry.__closure__ or ()):
            if name.startswith(BODY_PREFIX):
                cell.cell_contents = runner(cell.cell_contents, filename, target.endswith("?"))
