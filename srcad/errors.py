"""The errors srcad raises. Every one names where in the user's code it happened."""
import contextlib
import contextvars

_COLLECTED = contextvars.ContextVar("srcad_collected", default=None)


def report(error):
    """Raise `error`; inside `collecting()` (``srcad check``), record it and return, so that
    the caller goes on and finds the next problem."""
    found = _COLLECTED.get()
    if found is None:
        raise error
    found.append(error)


@contextlib.contextmanager
def collecting():
    """Collect the errors `report` is given instead of raising them: yields their list."""
    found = []
    token = _COLLECTED.set(found)
    try:
        yield found
    finally:
        _COLLECTED.reset(token)


class SrcadError(Exception):
    """Base class of every error srcad raises."""


class UnsupportedSyntax(SrcadError):
    """The function uses a Python construct srcad cannot differentiate."""

    def __init__(self, construct, where, hint=""):
        self.construct, self.where, self.hint = construct, where, hint
        message = f"{where}: {construct} is not supported by srcad"
        super().__init__(f"{message}. {hint}" if hint else message)


class NoDerivativeRule(SrcadError):
    """A differentiated value flows into a callable srcad has no rule for."""

    def __init__(self, callable_name, where, detail="", message=None):
        self.callable_name, self.where = callable_name, where
        self.hint = "" if message else (
            "Register one with srcad.defvjp / srcad.defjvp (see docs/api.md, 'Adding rules'), "
            "or wrap the argument in srcad.stop_gradient(...) if it should be treated as a constant.")
        text = message or (
            f"{where}: no derivative rule for {callable_name}"
            f"{' (' + detail + ')' if detail else ''}, and a differentiated value flows into it. "
            f"{self.hint}")
        super().__init__(text)


class NotScalarOutput(SrcadError, TypeError):
    """`grad` was asked for the gradient of a function whose output is not a scalar."""


class InputError(SrcadError, TypeError):
    """An argument srcad cannot differentiate with respect to (an integer, boolean or
    complex value in `wrt`), or a cotangent or tangent of the wrong shape."""


class NonFiniteDerivative(SrcadError, FloatingPointError):
    """With ``debug_nans`` on, a derivative turned NaN or infinite. Attributes: `variable`
    (the derivative variable, ``x_bar`` or ``x_dot``), `where` (``file:line`` of your code),
    `primal_nonfinite` (the primal values of that line that were already not finite)."""

    def __init__(self, message, variable=None, where=None, primal_nonfinite=()):
        super().__init__(message)
        self.variable, self.where, self.primal_nonfinite = variable, where, tuple(primal_nonfinite)


class CompileError(SrcadError):
    """``compile="numba"`` was asked for, and the derivative cannot be compiled: numba is
    not installed, or the generated code leaves numba's subset (the message names your line
    and the reason). ``compile="numba?"`` runs the NumPy derivative instead, with a warning.
    Attributes: `where` (``file:line`` of your code, or None) and `reason`."""

    def __init__(self, message, where=None, reason=None):
        super().__init__(message)
        self.where, self.reason = where, reason
