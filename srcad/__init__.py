"""srcad: forward- and reverse-mode automatic differentiation of Python and NumPy by
source transformation. See docs/index.md."""
__version__ = "0.1.0"

from .errors import (CompileError, InputError, NoDerivativeRule, NonFiniteDerivative, NotScalarOutput,  # noqa: E402
                     SrcadError, UnsupportedSyntax)
from .rules import alias, defjvp, defvjp, nondifferentiable  # noqa: E402
from .rules import defelementwise as defelementwise  # noqa: E402
from .runtime import stop_gradient  # noqa: E402
from .hooks import grad_hook  # noqa: E402
from .custom import custom_jvp, custom_vjp  # noqa: E402
from .parse import from_source  # noqa: E402
from .api import Differentiable, differentiable, grad, jvp, source, value_and_grad, vjp  # noqa: E402
from .matrices import hessian, hvp, jacobian  # noqa: E402
from .checking import check  # noqa: E402
from .compare import compare_modes  # noqa: E402
from .sparse import hessian_sparsity, jacobian_sparsity  # noqa: E402
from . import testing  # noqa: E402,F401

__all__ = [
    "grad", "value_and_grad", "vjp", "jvp", "jacobian", "hessian", "hvp", "compare_modes", "check", "source",
    "jacobian_sparsity", "hessian_sparsity",
    "differentiable", "Differentiable", "from_source",
    "stop_gradient", "grad_hook", "custom_vjp", "custom_jvp", "defvjp", "defjvp", "defelementwise", "alias", "nondifferentiable",
    "SrcadError", "UnsupportedSyntax", "NoDerivativeRule", "NotScalarOutput", "InputError",
    "NonFiniteDerivative", "CompileError", "testing",
]
