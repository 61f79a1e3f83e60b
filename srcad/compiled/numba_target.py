"""numba as a compile target: an entry's statements -> a numba dispatcher, behind a small
Python function that turns numba's refusal into srcad.CompileError (or, for "numba?", a
warning and the NumPy statements) and recompiles when a global it froze was rebound.

numba reads your globals and closure variables once, when it compiles, as constants. srcad
therefore refuses (CompileError) code that reads a global or captured array (which could
change in place unseen), checks at each call that the other names it froze still refer to
the same objects (compiling again if not), and lets numba cache the machine code on disk
(next to srcad's cached file) only when no such name exists: numba's cache does not know
your globals' values.
"""
import os
import re
import time
import types
import warnings

import numba
import numpy as np
from numba.core.errors import NumbaError

from . import numba_fusion, numba_helpers  # noqa: F401  (register numba's versions of srcad's helpers)
from . import blas, warn_once
from .auto import Auto, budget, numpy_runner
from .fusion import FLAG, PRANGE
from ..errors import CompileError
from ..linking import LazyDerivative
from ..loader import ORIGIN_MARK, generated_lines, origin_of

_FILE_LINE = re.compile(r'File "([^"]+)", line (\d+)|at (/\S+) \((\d+)\)')
_COLOR = re.compile(r"\x1b\[[0-9;]*m")
_OPTIONAL_NONE = re.compile(r"^expected \S.*, got None$")
warnings.filterwarnings(   # "numba-parallel": the helpers fused loops call have no loops of their own
    "ignore", r"(?s).*The keyword argument 'parallel=True' was specified but no transformation.*srcad",
    numba.NumbaPerformanceWarning)
_SIZES = re.compile(r"^(Sizes of \S+, \S+ do not match|Dimension mismatch for)")
_PRANGE_ONLY = {"prange": True, "numpy": False, "reduction": False, "setitem": False, "stencil": False,
                "fusion": False, "comprehension": False, "inplace_binop": False}   # numba's parallel=


def runner(body, filename, fallback, auto=False):
    """A function calling `body` compiled by numba (lazily, per argument types). `auto`
    (compile="auto"): compiled in the background, and run only where it is faster (auto.py)."""
    if auto:
        try:
            own = _frozen_values(body, filename, False)
        except CompileError as error:
            return numpy_runner(body, f"numba cannot compile it: {error.reason}")
    else:
        own = _frozen_values(body, filename, fallback)
    if own is None:   # refused, with fallback: the NumPy statements
        return body
    frozen = list(own)   # and, once compiled, what the functions it calls froze
    state = {}

    def build(inner=False):
        """The dispatcher (`inner`: the one compiled code calls, without the wrapper that
        converts values for Python, which numba cannot make for every value type)."""
        key = "inner" if inner else "call"
        if key not in state:
            frozen[len(own):] = _compile(body, own, filename, state, inner)
        return state[key]

    def reset():
        """Forget the compiled code (a name it froze was rebound), and that of its callees."""
        if state.get("resetting"):   # a recursion back into itself
            return
        callees = state.get("callees", ())
        state.clear()
        if chooser is not None and chooser.fast is not body:
            chooser.fast = None   # compiled again, in the background
        state["resetting"] = True
        own[:] = [(namespace, name, namespace[name]) for namespace, name, _ in own]
        frozen[:] = own
        for callee in callees:
            callee.__srcad_reset__()
        del state["resetting"]

    def refresh():
        if frozen and any(namespace[name] is not value for namespace, name, value in frozen):
            reset()

    def unfused_for(args):
        if "call" not in state and not any(type(a) is np.ndarray and a.ndim for a in args):
            state["unfused"] = True   # scalars only: no loops to fuse, and none to compile

    def retry(error=None):
        """compile="auto": whether to compile again, after numba refused the fused loops
        (`error` None) or their threads failed (an AssertionError of its array analysis)."""
        if isinstance(error, AssertionError):
            return bool(_SIZES.search(str(error))) and again_without("serial")
        return error is None and again_without("unfused")

    def again_without(what):
        """Whether to compile again without the fused loops ("unfused") or without their
        threads ("serial"), in this function and those it calls (once each)."""
        callees = state.get("callees", ())
        if state.get(what) or not state.get("fused") and not callees:
            return False
        learned = {key: True for key in ("unfused", "serial", what) if state.get(key) or key == what}
        reset()
        for function in (compiled, *callees):
            function.__srcad_compiled__.update(learned)
        return True

    def compiled(*args, **kwargs):
        if chooser is not None:   # compile="auto"
            fast = chooser.fast   # once chosen, called directly
            if fast is None or kwargs or frozen and any(namespace[name] is not value
                                                        for namespace, name, value in frozen):
                return chooser(args, kwargs)
            try:
                return fast(*args)
            except Exception as error:
                if fast is body:
                    raise
                if isinstance(error, TypeError) and str(error).startswith("No matching definition"):
                    return chooser(args, kwargs)   # types not compiled for yet: compiled in the background
                return chooser.raised(error, args, kwargs)   # NumPy's answer, and NumPy from then on
        if frozen and any(namespace[name] is not value for namespace, name, value in frozen):
            reset()
        unfused_for(args)
        try:
            call = state.get("call") or build()
        except CompileError as error:   # a function it calls reads an array numba would freeze
            if not fallback:
                raise
            warn_once((filename, body.__name__), f"srcad: {error}; running the NumPy derivative.")
            call = state["call"] = body
        timed = call is not body and "timed" not in state
        start = time.perf_counter() if timed else 0.0
        try:
            result = call(*args, **kwargs)
        except NumbaError as error:
            if any(type(a) is np.ndarray and a.ndim == 0 for a in args):   # in a loop, numba
                scalars = [a[()] if type(a) is np.ndarray and a.ndim == 0 else a for a in args]
                return compiled(*scalars, **kwargs)   # cannot let a 0-d array become a scalar
            if again_without("unfused"):   # fused loops (fusion.py) that do not fit these types
                return compiled(*args, **kwargs)
            state["call"] = _refused(error, body, filename, fallback)
            return body(*args, **kwargs)
        except Exception as error:   # numba failing inside its compiler, or a None it typed optional
            if call is body:
                raise
            if isinstance(error, AssertionError) and _SIZES.search(str(error)) and again_without("serial"):
                return compiled(*args, **kwargs)   # numba's parallel array analysis refusing broadcasting
            if _inside_numba(error):
                if again_without("unfused"):
                    return compiled(*args, **kwargs)
                reason = f"numba failed while compiling it ({type(error).__name__}: {error})"
            elif isinstance(error, TypeError) and _OPTIONAL_NONE.match(str(error)):
                reason = f"a value numba typed as optional was None at run time ({error})"
            else:
                raise
            state["call"] = _refuse(body, filename, fallback, reason[:400], None) or body
            return body(*args, **kwargs)
        if timed:
            state["timed"] = True
            _slow_first_compile(call, body, time.perf_counter() - start)
        if "checked" not in state and call is not body:
            state["checked"] = blas.check() if _uses_blas(filename) else None
        return result
    chooser = Auto(body, filename, build, state, refresh, lambda error: _reason(error, body, filename),
                   unfused_for, retry) if auto else None
    if chooser is not None:
        compiled.__srcad_choice__ = chooser.choice
        compiled.__srcad_auto__ = chooser
    compiled.__wrapped__ = body
    compiled.__srcad_compiled__ = state
    compiled.__srcad_build__ = build
    compiled.__srcad_reset__ = reset
    compiled.__srcad_frozen__ = frozen
    return compiled


def _slow_first_compile(dispatcher, body, seconds):
    """The first call of compiled code took longer than the budget (numba compiled it):
    one warning per function, saying whether a later process loads it from disk."""
    if seconds <= budget() or not isinstance(dispatcher, numba.core.registry.CPUDispatcher):
        return
    name = body.__name__.removeprefix("_srcad_body_")
    cached = type(getattr(dispatcher, "_cache", None)).__name__ not in ("NullCache", "NoneType")
    later = ("numba caches the machine code on disk, so a later process loads it instead" if cached else
             "numba cannot cache it on disk (it reads globals or calls other compiled derivatives), "
             "so each new process compiles it again")
    warn_once(("slow-compile", name, dispatcher.py_func.__code__.co_filename),
              f"srcad: compiling {name} with numba took {seconds:.1f} s; {later}. compile='auto' "
              f"would not wait: it runs the NumPy derivative until the compiled code is ready", stacklevel=None)


def _reason(error, body, filename):
    """numba's refusal (or failure) of `body`, worded as CompileError words it."""
    if isinstance(error, NumbaError):
        try:
            _refused(error, body, filename, False)
        except CompileError as refusal:
            return f"{refusal.where}: {refusal.reason}" if refusal.where else refusal.reason
    return f"numba failed while compiling it ({type(error).__name__}: {error})"[:400]


def _compile(body, frozen, filename, state, inner=False):
    """numba's dispatcher of `body` (in ``state["call"]``), reading compiled versions of
    the functions it calls: the derivatives of your functions (compiled by their own
    runners; a recursion finds its own dispatcher) and your functions themselves. numba
    caches the machine code on disk when nothing it read can change between processes.
    Returns what those functions froze, for the caller to check at each call."""
    cells, callees, plain, namespace = [], [], [], body.__globals__
    fused = state["fused"] = FLAG in body.__code__.co_freevars and not state.get("unfused")
    parallel = fused and PRANGE in body.__code__.co_freevars and not state.get("serial")
    for name, cell in zip(body.__code__.co_freevars, body.__closure__ or ()):
        value = _contents(cell)
        callee = _runner_of(value)
        if name in (FLAG, PRANGE):   # fusion.py: the fused loops run (in parallel) or are dropped
            cells.append(types.CellType(fused if name == FLAG else numba.prange if parallel else range))
            continue
        if callee is not None:
            cells.append(types.CellType())
            callees.append((cells[-1], callee))
        elif _is_plain_function(value):
            cells.append(types.CellType(numba.njit(value)))
            plain.append(value)
        else:
            cells.append(cell)
    read = {n: namespace.get(n) for n in _names_read(body.__code__)}
    functions = {n: v for n, v in read.items() if _is_plain_function(v)}
    if functions:
        namespace = {**namespace, **{n: numba.njit(v) for n, v in functions.items()}}
    copy = types.FunctionType(body.__code__, namespace, body.__name__, body.__defaults__, tuple(cells))
    copy.__qualname__, copy.__module__ = body.__qualname__, body.__module__
    theirs = [entry for function in plain + list(functions.values())
              for entry in _frozen_values(function, filename, False)]
    cache = not frozen and not callees and not theirs and os.path.isfile(filename) and not inner
    options = dict(error_model="numpy", parallel=dict(_PRANGE_ONLY) if parallel else False) if fused else {}   # the loops divide as NumPy does
    state["inner" if inner else "call"] = numba.njit(cache=cache, no_cpython_wrapper=inner, **options)(copy)
    state["callees"] = [callee for _, callee in callees]
    for cell, callee in callees:
        cell.cell_contents = callee.__srcad_build__(inner=True)
        if callee.__srcad_compiled__ is not state:   # not a recursion into itself
            theirs += callee.__srcad_frozen__
    return theirs


def _contents(cell):
    try:
        return cell.cell_contents
    except ValueError:
        return None


def _runner_of(value):
    """The compiled runner behind a derivative `value` calls (a lazy derivative of your
    function, resolved now), or None for anything else."""
    if isinstance(value, LazyDerivative):
        value = value.resolve()
    if getattr(value, "__srcad_origin__", None) is None:
        return None
    for cell in getattr(value, "__closure__", None) or ():
        if hasattr(_contents(cell), "__srcad_build__"):
            return _contents(cell)
    return None


def _is_plain_function(value):
    """A Python function of yours that compiled code calls: numba compiles it too."""
    return isinstance(value, types.FunctionType) and getattr(value, "__srcad_origin__", None) is None \
        and not (getattr(value, "__module__", "") or "").startswith(("srcad", "numpy", "numba"))


def _uses_blas(filename):
    """Whether the generated file has matrix products (numba runs them on SciPy's BLAS)."""
    text = "\n".join(generated_lines(filename) or ())
    return any(token in text for token in (" @ ", "matmul", "dot(", "linalg", "matmul_vjp"))


def _inside_numba(error):
    """Whether `error` was raised by numba's own Python code (its compiler), not by compiled
    code or yours."""
    frame, marker = error.__traceback__, os.sep + "numba" + os.sep
    while frame is not None:
        if marker in frame.tb_frame.f_code.co_filename:
            return True
        frame = frame.tb_next
    return False


def dispatcher(entry):
    """The numba dispatcher behind a compiled derivative's entry, or None (not compiled yet,
    or refused)."""
    for name, cell in zip(entry.__code__.co_freevars, entry.__closure__ or ()):
        state = getattr(cell.cell_contents, "__srcad_compiled__", None)
        if state is not None:
            call = state.get("call")
            return call if isinstance(call, numba.core.registry.CPUDispatcher) else None
    return None


def _frozen_values(body, filename, fallback):
    """[(namespace, name, value)] of the non-module globals `body` reads (numba freezes
    them); a CompileError (or None, falling back) for an array among them."""
    frozen = []
    namespace = body.__globals__
    for name in sorted(_names_read(body.__code__)):
        value = namespace.get(name, namespace)
        if value is namespace or isinstance(value, types.ModuleType):
            continue
        if isinstance(value, np.ndarray):
            reason = (f"it reads the global array `{name}`, which numba would freeze as a constant "
                      f"(in-place changes would go unseen); pass it as an argument")
            return _refuse(body, filename, fallback, reason, None)
        frozen.append((namespace, name, value))
    for name, cell in zip(body.__code__.co_freevars, body.__closure__ or ()):
        try:
            value = cell.cell_contents
        except ValueError:
            continue
        if isinstance(value, np.ndarray):
            reason = (f"it reads the captured array `{name}`, which numba would freeze as a "
                      f"constant; pass it as an argument")
            return _refuse(body, filename, fallback, reason, None)
    return frozen


def _names_read(code):
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names |= _names_read(constant)
    return names


def _refused(error, body, filename, fallback):
    text = _COLOR.sub("", str(error))
    lines = [int(a or b) for f, a, g, b in _FILE_LINE.findall(text)
             if os.path.abspath(f or g) == os.path.abspath(filename)]
    parts = [part.strip() for part in text.splitlines()
             if part.strip() and not part.startswith(("Failed in", "During"))]
    reason = " ".join(parts[:1] + [p for p in parts[1:3] if p.startswith(">>>")]) or "numba refused it"
    return _refuse(body, filename, fallback, reason[:400], lines[-1] if lines else None) or body


def _refuse(body, filename, fallback, reason, line):
    """Raise CompileError naming the user's line (or, falling back, warn once: None)."""
    origin = origin_of(filename, line) if line else None
    if origin is not None:
        code, _, where = origin.rpartition(ORIGIN_MARK)
        where = where.rstrip(")")
        place = f"{where}: `{code.strip()}` ({filename}:{line})"
    else:
        where = None
        place = f"{filename}:{line}" if line else filename
    name = body.__name__.removeprefix("_srcad_body_")
    message = f"{place}: {name} cannot be compiled with numba: {reason}"
    if not fallback:
        raise CompileError(message + ". Use compile='numba?' to run the NumPy derivative instead "
                           "(docs/performance.md lists what compiles).", where, reason)
    warn_once((filename, name), f"srcad: {message}; running the NumPy derivative.")
    return None
