"""Options of a derivative: settings that change the code srcad generates.

An `Options` is part of a derivative's identity: the in-memory and disk cache keys include
it, and the derivatives a generated function calls (of your functions it calls) are made
with the same options. Every option is off by default, and with every option off the
generated code is exactly the ordinary code.

    debug_nans   after each statement that computes a derivative, check that it is finite
                 and raise srcad.NonFiniteDerivative naming your line (debugging.py);
                 ``SRCAD_DEBUG_NANS=1`` turns it on for every derivative.
    sequence_args  positions of arguments the derivative is made for receiving a list, tuple
                 or dict (set by srcad itself: see `runtime.for_sequences`); a derivative
                 srcad gives you is made for arrays and numbers, and derives itself again
                 when such an argument arrives. Not passed on to the functions it calls.
    checkpoint   None (loops keep a tape), an int k (each loop not inside another loop keeps
                 at most k snapshots of its state and recomputes the rest on the binomial
                 schedule, checkpoint_loops.py) or "auto" (k from `checkpoint_memory`); reverse
                 mode only, not passed on to the functions it calls.
    checkpoint_memory  the snapshots' budget for checkpoint="auto": "256MB", "1GB" or bytes.
    compile      the compile target of the generated code: "" (run it as Python/NumPy),
                 "numba" (compile it with numba.njit; srcad.CompileError if it does not fit),
                 "numba?" (compile it if it fits, else warn once and run the NumPy code);
                 "numba-parallel" / "numba-parallel?": the same, the fused elementwise loops
                 running on every core (numba.prange);
                 "auto" (numba's code where it is faster than the NumPy code, compiled in the
                 background; never waits more than ~2 s for numba, never warns that it
                 does not fit);
                 see compiled/. The code for a target fits that target's subset (flavor.py).

A new option is a new field here (with its default off), a keyword of the transformations
in api.py, and whatever stage reads it.
"""
import os
from dataclasses import dataclass, field, fields, replace

COMPILE_TARGETS = ("numba", "numba?", "numba-parallel", "numba-parallel?", "auto")   # "?": fall back to the NumPy
# code if it does not fit; "auto": numba where it is faster, compiled in the background (compiled/auto.py)


def code_target(compile):
    """The flavor of code generated for a compile target: "auto" runs numba's code or the
    same code as NumPy (compiled/flavor.py)."""
    return "numba" if compile == "auto" else compile


ENVIRONMENT = {"debug_nans": "SRCAD_DEBUG_NANS"}   # option -> variable that turns it on


@dataclass(frozen=True)
class Options:
    """How to generate a derivative (hashable: it is part of the cache key)."""

    debug_nans: bool = False
    sequence_args: tuple = field(default=(), metadata={"inherited": False})
    checkpoint: int | str | None = field(default=None, metadata={"inherited": False})
    checkpoint_memory: int | str = field(default="256MB", metadata={"inherited": False})
    compile: str = ""

    def checkpoint_plan(self):
        """None, ("snapshots", k) or ("memory", bytes): what the reverse transform reads."""
        from .checkpointing import parse_bytes
        if self.checkpoint is None:
            return None
        if self.checkpoint == "auto":
            return ("memory", parse_bytes(self.checkpoint_memory))
        return ("snapshots", self.checkpoint)

    def keywords(self, inherited_only=True):
        """The options that differ from the defaults, as ``name=value`` source text (for
        the calls generated code makes to get the derivatives of the functions it calls:
        only the options those inherit)."""
        return "".join(f", {f.name}={getattr(self, f.name)!r}" for f in fields(self)
                       if getattr(self, f.name) != f.default
                       and (f.metadata.get("inherited", True) or not inherited_only))

    def __str__(self):
        return "Options(" + self.keywords(inherited_only=False).lstrip(", ") + ")"


DEFAULT = Options()


def resolve(options=None):
    """`options` (default: all off) with the options the environment turns on."""
    options = options if options is not None else DEFAULT
    turned_on = {name: True for name, variable in ENVIRONMENT.items()
                 if os.environ.get(variable, "") not in ("", "0") and not getattr(options, name)}
    return replace(options, **turned_on) if turned_on else options


def make(**settings):
    """`Options` from keywords, with a clear error for an unknown one."""
    known = {f.name for f in fields(Options)}
    unknown = sorted(set(settings) - known)
    if unknown:
        from .errors import SrcadError
        raise SrcadError(f"unknown derivative option(s) {', '.join(unknown)}; srcad knows "
                         f"{', '.join(sorted(known))}")
    checkpoint = settings.get("checkpoint")
    if not (checkpoint is None or checkpoint == "auto" or isinstance(checkpoint, int)
            and not isinstance(checkpoint, bool) and checkpoint >= 1):
        from .errors import SrcadError
        raise SrcadError(f"checkpoint must be None, a number of snapshots >= 1 or 'auto', "
                         f"not {checkpoint!r}")
    if "checkpoint_memory" in settings:
        from .checkpointing import parse_bytes
        from .errors import SrcadError
        try:
            parse_bytes(settings["checkpoint_memory"])
        except ValueError as error:
            raise SrcadError(str(error)) from None
    if settings.get("compile") is None:
        settings.pop("compile", None)
    elif settings["compile"] not in COMPILE_TARGETS:
        from .errors import SrcadError
        raise SrcadError(f"compile must be one of {', '.join(map(repr, COMPILE_TARGETS))} or None, "
                         f"not {settings['compile']!r}")
    return Options(**settings)
