"""``compile="auto"``: numba where it pays, never slower than NumPy, never a long wait.

Each entry function of the derivative (each runner, numba_target.py) decides for itself:

1. Its first call builds numba's dispatcher (srcad's part, quick) and starts numba's
   compilation for the types of the arguments in a background thread (a daemon: a process
   that exits does not wait for it), runs the NumPy statements meanwhile and times them,
   then waits for the compilation only until `budget()` seconds (2 s, or
   ``SRCAD_COMPILE_BUDGET``) have passed since the call started. It returns the NumPy
   result. A compilation still running then is one RuntimeWarning per function.
2. While the compilation runs, calls run NumPy. Once it is done, the next calls run the
   compiled code and NumPy in turns, timed (NumPy's time while numba compiled does not
   count), until each has run at least twice and 50 ms or 20 times; then the compiled code
   runs from then on if its least time is under 95% of NumPy's, else NumPy does.
3. What numba refuses (and numba not installed) is NumPy, quietly: "auto" promises nothing
   compiled. `choice(f)` says what was chosen and why.

Calls with argument types numba has not compiled for (after the choice) run NumPy while
numba compiles them in the background; the choice stands. A global the compiled code froze
that was rebound starts it all again. Nothing in the main thread waits for numba's compiler
lock: only the background thread compiles. numba's modules see a `warnings` module whose
catch_warnings / simplefilter / filterwarnings do nothing in that thread (see
`_ThreadAwareWarnings`): the warning state of Python before 3.14 is global, and numba's
typing would otherwise swallow the main thread's warnings.
"""
import os
import sys
import threading
import time
import types
import warnings
from dataclasses import dataclass, field

COMPILE_BUDGET = 2.0   # seconds a first call may wait for numba's compilation
BUDGET_VARIABLE = "SRCAD_COMPILE_BUDGET"
SAMPLES = 2            # timed calls of each (compiled, NumPy) at least before choosing,
SAMPLE_SECONDS, MAX_SAMPLES = 0.05, 20   # and until each has run 50 ms, or 20 times
MARGIN = 0.95          # the compiled code runs if it takes less than 95% of NumPy's time
clock = time.perf_counter   # the timer of the choice (tests replace it)
BUILD_LOCK = threading.RLock()   # srcad's part of a build (dispatchers, callees): one thread at a time


_COMPILING = threading.local()   # .active: this thread is one of srcad's background compilations


class _QuietCatch:
    """`warnings.catch_warnings` in a background compilation: changes nothing (an empty
    list for ``record=True``)."""

    def __init__(self, *args, record=False, **kwargs):
        self.record = record

    def __enter__(self):
        return [] if self.record else None

    def __exit__(self, *exc):
        return False


class _ThreadAwareWarnings(types.ModuleType):
    """The `warnings` module as numba's modules see it once srcad compiles in the background:
    in srcad's compile threads, catch_warnings, simplefilter and filterwarnings leave the
    process's warning state alone (before Python 3.14 that state is global: numba's typing
    enters catch_warnings(record=True) for each constraint, which in a second thread would
    swallow or misroute the main thread's warnings and undo its own catch_warnings blocks).
    Everywhere else: the `warnings` module itself."""

    def __getattr__(self, name):
        return getattr(warnings, name)

    def catch_warnings(self, *args, **kwargs):
        if getattr(_COMPILING, "active", False):
            return _QuietCatch(*args, **kwargs)
        return warnings.catch_warnings(*args, **kwargs)

    def simplefilter(self, *args, **kwargs):
        if not getattr(_COMPILING, "active", False):
            warnings.simplefilter(*args, **kwargs)

    def filterwarnings(self, *args, **kwargs):
        if not getattr(_COMPILING, "active", False):
            warnings.filterwarnings(*args, **kwargs)


_PROXY = _ThreadAwareWarnings("warnings")


def _shield_warnings():
    """Point numba's modules at `_PROXY` instead of `warnings` (once each)."""
    for name, module in list(sys.modules.items()):
        if name.startswith("numba") and getattr(module, "warnings", None) is warnings:
            module.warnings = _PROXY


def budget():
    """Seconds a first call waits for numba (``SRCAD_COMPILE_BUDGET``, default 2)."""
    value = os.environ.get(BUDGET_VARIABLE, "")
    try:
        return max(float(value), 0.0) if value else COMPILE_BUDGET
    except ValueError:
        return COMPILE_BUDGET


def format_seconds(seconds, micro="µs"):
    """`seconds` in s, ms, `micro` (µs, or "us" for ASCII tables) or ns, to 3 digits."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), (micro, 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds * 1e9:.3g} ns"


@dataclass
class Choice:
    """What ``compile="auto"`` runs for one function: `backend` "numba", "NumPy" or
    "pending" (compiling, or measuring), and why; the times it measured (seconds)."""

    backend: str = "pending"
    reason: str = "not called yet"
    compiled_seconds: list = field(default_factory=list)
    numpy_seconds: list = field(default_factory=list)
    compile_seconds: float | None = None   # numba's compilation, when it finished
    thread: object = field(default=None, repr=False, compare=False)   # the compilation running

    def wait(self, timeout=None):
        """Wait for numba's compilation (if one runs) to finish; whether it has."""
        if self.thread is not None:
            self.thread.join(timeout)
        return self.thread is None or not self.thread.is_alive()

    @property
    def compiled_time(self):
        return min(self.compiled_seconds) if self.compiled_seconds else None

    @property
    def numpy_time(self):
        return min(self.numpy_seconds) if self.numpy_seconds else None

    def __str__(self):
        return f"{self.backend}: {self.reason}"


def numpy_runner(body, reason):
    """The NumPy statements, with the choice (NumPy) and its reason recorded."""
    def numpy_only(*args, **kwargs):
        return body(*args, **kwargs)
    numpy_only.__wrapped__ = body
    numpy_only.__srcad_choice__ = Choice("NumPy", reason)
    return numpy_only


def choice(f):
    """The `Choice` ``compile="auto"`` made for a derivative `f` (what srcad.grad, vjp, jvp,
    value_and_grad returned, or a generated function): its first entry's, or None when `f`
    is not compiled with "auto"."""
    found = choices(f)
    return next(iter(found.values()), None)


def choices(f):
    """{entry name: Choice} of each entry function behind `f` (a split derivative has two)."""
    found, seen, todo = {}, set(), [f]
    while todo:
        g = todo.pop(0)
        if g is None or id(g) in seen:
            continue
        seen.add(id(g))
        record = getattr(g, "__srcad_choice__", None)
        if record is not None:
            name = getattr(getattr(g, "__wrapped__", g), "__name__", "?")
            found[name.removeprefix("_srcad_body_")] = record
            continue
        if isinstance(g, tuple):
            todo.extend(g)
            continue
        todo.append(getattr(g, "__wrapped__", None))
        for cell in getattr(g, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            if callable(value) and (hasattr(value, "__srcad_choice__") or hasattr(value, "__srcad_origin__")):
                todo.append(value)
    return found


class Auto:
    """The choice between a runner's compiled code and its NumPy statements (see above).
    `state` is the runner's: ``state["call"]`` its dispatcher once built; `build()` builds
    it (and its callees), `refresh()` checks the globals it froze (resetting it if one was
    rebound), `numba_reason(error)` words numba's refusal."""

    def __init__(self, body, filename, build, state, refresh, numba_reason, prepare=None, retry=None):
        self.body, self.filename, self.build, self.state, self.refresh = body, filename, build, state, refresh
        self.numba_reason = numba_reason
        self.prepare = prepare or (lambda args: None)   # before a build, given the arguments
        self.retry = retry or (lambda error=None: False)   # compile again otherwise (fusion)?
        self.choice = Choice()
        self.lock = threading.Lock()
        self.dispatcher = None     # the dispatcher the background thread compiles (or compiled)
        self.thread = None
        self.failed = None         # numba's refusal, worded
        self.scalars = False       # 0-d array arguments are passed as scalars (see runner)
        self.tried = set()         # the signatures compiled (or tried) in the background
        self.fast = None           # once chosen: what the runner calls directly (positional arguments)
        self.plain = True          # the first call passed every argument by position
        self.name = body.__name__.removeprefix("_srcad_body_")

    def __call__(self, args, kwargs):
        choice = self.choice
        if choice.backend == "NumPy":
            return self.body(*args, **kwargs)
        self.refresh()
        if self.dispatcher is None or self.state.get("call") is not self.dispatcher:
            return self._start(args, kwargs)   # first call, or a rebound global reset the code
        if self.thread is not None and self.thread.is_alive():
            return self.body(*args, **kwargs)
        if self.failed is not None:
            if self.retry():   # numba refused the fused loops: compile without them
                return self._start(args, kwargs)
            return self._numpy(self.failed, args, kwargs)
        if choice.backend == "numba":
            return self._compiled(args, kwargs, timed=False)
        choice.reason = "measuring the compiled code against NumPy"
        compiled, numpy = choice.compiled_seconds, choice.numpy_seconds
        if len(compiled) > len(numpy):   # in turns
            start = clock()
            result = self.body(*args, **kwargs)
            numpy.append(clock() - start)
        else:
            result = self._compiled(args, kwargs, timed=True)
        if choice.backend == "pending" and len(compiled) == len(numpy) and _enough(compiled) and _enough(numpy):
            self._decide()
        return result

    def raised(self, error, args, kwargs):
        """The compiled code raised `error`: NumPy's answer (or NumPy's error) instead, and
        NumPy from then on if NumPy has an answer."""
        result = self.body(*args, **kwargs)
        if self.retry(error):   # compiled again (the fused loops serial) at the next call
            return result
        self._numpy(f"the compiled code raised {type(error).__name__}: {error}"[:400], (), {}, run=False)
        return result

    def _numpy(self, reason, args, kwargs, run=True):
        self.choice.backend, self.choice.reason = "NumPy", reason
        self.fast = self.body
        return self.body(*args, **kwargs) if run else None

    def _decide(self):
        choice = self.choice
        compiled, numpy = choice.compiled_time, choice.numpy_time
        if compiled < MARGIN * numpy:
            choice.backend, choice.reason = "numba", \
                f"{format_seconds(compiled)} against NumPy's {format_seconds(numpy)}"
            self.fast = self.dispatcher if self.plain and not self.scalars else None
        else:
            choice.backend, choice.reason = "NumPy", \
                f"compiled {format_seconds(compiled)} against NumPy's {format_seconds(numpy)}" + (
                    f" (not {1 - MARGIN:.0%} faster)" if compiled < numpy else "")
            self.fast = self.body

    def _start(self, args, kwargs):
        """Build, start numba's compilation in the background, run NumPy, wait a little."""
        from ..errors import CompileError
        start = time.perf_counter()
        if self.dispatcher is not None:   # a rebound global: measure again
            self.choice.__init__()
            self.failed, self.fast = None, None
        self.plain = not kwargs and len(args) >= self.body.__code__.co_argcount
        try:
            with BUILD_LOCK:
                self.prepare(args)
                dispatcher = self.state.get("call") or self.build()
            signature, self.scalars = self._signature(args, kwargs)
        except CompileError as error:   # a function it calls reads an array numba would freeze
            return self._numpy(f"numba cannot compile it: {_worded(error)}", args, kwargs)
        except Exception as error:   # numba has no type for an argument
            return self._numpy(f"numba cannot compile it: {type(error).__name__}: {error}"[:400], args, kwargs)
        self.dispatcher, self.tried = dispatcher, {signature}
        self._launch(dispatcher, signature)
        self.choice.reason = "numba compiles it; NumPy runs meanwhile"
        result = self.body(*args, **kwargs)   # not timed: numba's compilation slows it
        limit = budget()
        self.thread.join(max(limit - (time.perf_counter() - start), 0.0))
        if self.thread.is_alive():
            from . import warn_once
            warn_once(("compile-budget", self.name),
                      f"srcad: compiling {self.name} with numba takes longer than {limit:g} s; "
                      f"srcad runs the NumPy derivative meanwhile and switches when the compiled "
                      f"code is ready, if it is faster (srcad.compiled.choice(f) says which runs)", stacklevel=None)
        return result

    def _signature(self, args, kwargs):
        import numba
        import numpy as np
        positional = self._positional(args, kwargs)
        scalars = any(type(a) is np.ndarray and a.ndim == 0 for a in positional)
        if scalars:   # in a loop numba cannot let a 0-d array become a scalar
            positional = [a[()] if type(a) is np.ndarray and a.ndim == 0 else a for a in positional]
        return tuple(numba.typeof(a) for a in positional), scalars

    def _positional(self, args, kwargs):
        """The arguments as numba's dispatcher receives them: all positional, defaults too."""
        code = self.body.__code__
        if not kwargs and len(args) >= code.co_argcount:
            return list(args)
        import inspect
        bound = inspect.signature(self.body).bind(*args, **kwargs)
        bound.apply_defaults()
        return list(bound.args)

    def _launch(self, dispatcher, signature):
        def compile_it():
            _COMPILING.active = True
            started = time.perf_counter()
            failed = None
            try:
                dispatcher._can_compile = True
                dispatcher.compile(signature)
            except Exception as error:   # numba's refusal, or numba failing inside its compiler
                failed = f"numba cannot compile it: {self.numba_reason(error)}"
            finally:
                if dispatcher.signatures:
                    dispatcher.disable_compile()   # new types: compiled in the background too
            with self.lock:
                if dispatcher is self.dispatcher:
                    self.failed = failed if failed and not dispatcher.signatures else None
                    if self.choice.compile_seconds is None:
                        self.choice.compile_seconds = time.perf_counter() - started
        _shield_warnings()
        self.thread = self.choice.thread = threading.Thread(target=compile_it, name=f"srcad-compile-{self.name}",
                                                            daemon=True)
        self.thread.start()

    def _compiled(self, args, kwargs, timed):
        """Run the compiled code (timed: one more sample). Arguments of types it was not
        compiled for: NumPy now, and those types compiled in the background."""
        import numpy as np
        start = clock()
        positional = self._positional(args, kwargs)
        if self.scalars:
            positional = [a[()] if type(a) is np.ndarray and a.ndim == 0 else a for a in positional]
        try:
            result = self.dispatcher(*positional)
        except TypeError as error:
            if not str(error).startswith("No matching definition"):
                return self.raised(error, args, kwargs)
            signature, _ = self._signature(args, kwargs)
            if signature not in self.tried:
                self.tried.add(signature)
                self._launch(self.dispatcher, signature)
            return self.body(*args, **kwargs)
        except Exception as error:   # numba at run time (a None it typed optional, ...)
            return self.raised(error, args, kwargs)
        if timed:
            self.choice.compiled_seconds.append(clock() - start)
        if "checked" not in self.state:
            from . import blas
            from .numba_target import _uses_blas
            self.state["checked"] = blas.check() if _uses_blas(self.filename) else None
        return result


def _enough(samples):
    return len(samples) >= SAMPLES and (sum(samples) >= SAMPLE_SECONDS or len(samples) >= MAX_SAMPLES)


def _worded(error):
    reason = getattr(error, "reason", None) or str(error)
    where = getattr(error, "where", None)
    return f"{where}: {reason}" if where else reason
