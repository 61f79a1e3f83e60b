"""Compiled derivatives: the generated code run by numba instead of the Python interpreter.

With ``compile="numba"`` srcad generates the same readable code, in the flavor numba
accepts (flavor.py). The loader moves each entry function's statements into a function of
their own (``_srcad_body_<entry>``, loader.py) which the entry calls after its plumbing
(input checks, guards, error notes, which stay Python); `attach` puts numba's compiled
version of it there (numba_target.py), with numba implementations of srcad's runtime
helpers (numba_helpers.py). Runs of elementwise statements are fused into one loop each
(fusion.py; its helpers: srcad/fused.py and numba_fusion.py), run on every core with
``compile="numba-parallel"``. numba is imported on the first compiled derivative only.
``compile="auto"`` runs numba's code where it is faster than NumPy, compiled in the
background (auto.py); `choice(f)` says what runs and why.
"""
import importlib.util
import warnings
from dataclasses import replace

from ..errors import CompileError
from ..loader import BODY_PREFIX
from .auto import COMPILE_BUDGET, Choice, budget, choice, choices, numpy_runner  # noqa: F401

INSTALL = "pip install 'srcad[numba]'"
_WARNED: set = set()


def available():
    """Whether numba can be imported (without importing it)."""
    return importlib.util.find_spec("numba") is not None


def usable(options):
    """`options`, checked: ``compile="numba"`` without numba is a CompileError naming the
    extra; ``"numba?"`` without numba warns once and compiles nothing; ``"auto"`` without
    numba runs NumPy quietly (`choice` says why)."""
    if not options.compile or options.compile == "auto" or available():
        return options
    message = f"compile={options.compile!r} needs numba, which is not installed: {INSTALL}"
    if not options.compile.endswith("?"):
        raise CompileError(message)
    warn_once("numba-missing", f"srcad: {message}; running the NumPy derivative.")
    return replace(options, compile="")


def warn_once(key, message, stacklevel=4):
    """One RuntimeWarning per `key`; `stacklevel` None: pointing at the first frame outside
    srcad and its generated code (your call of the derivative)."""
    if key not in _WARNED:
        _WARNED.add(key)
        warnings.warn(message, RuntimeWarning, stacklevel=_caller_level() if stacklevel is None else stacklevel)


def _caller_level():
    import os
    import sys
    from ..loader import generated_lines
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
    frame, level = sys._getframe(2), 2   # warn_once's caller is level 2 of warnings.warn
    while frame is not None and (frame.f_code.co_filename.startswith(package)
                                 or generated_lines(frame.f_code.co_filename) is not None):
        frame, level = frame.f_back, level + 1
    return level


def attach(functions, filename, target):
    """Replace the statements of each entry in `functions` with numba's compiled version
    (for "auto", with the choice between it and the statements: auto.py)."""
    if target == "auto" and not available():
        def runner(body, filename, fallback, auto):
            return numpy_runner(body, "numba is not installed")
    else:
        from .numba_target import runner
    for entry in functions:
        names = entry.__code__.co_freevars
        for name, cell in zip(names, entry.__closure__ or ()):
            if name.startswith(BODY_PREFIX):
                cell.cell_contents = runner(cell.cell_contents, filename, target.endswith("?") or target == "auto",
                                            auto=target == "auto")
