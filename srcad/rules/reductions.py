"""Reductions: sum and mean, as functions and as array methods."""
import numpy as np

from .registry import alias, defjvp, defvjp

SUM = "x, axis=None, dtype=None, out=None, keepdims=False"

defvjp(np.sum, SUM, "expand_reduced(g, x, axis=axis, keepdims=keepdims)")
defjvp(np.sum, SUM, "np.sum(x_dot, axis=axis, dtype=dtype, keepdims=keepdims)")
alias(np.ndarray.sum, np.sum)

defvjp(np.mean, SUM, "expand_reduced(g, x, axis=axis, keepdims=keepdims) / (np.size(x) / np.size(ans))")
defjvp(np.mean, SUM, "np.mean(x_dot, axis=axis, dtype=dtype, keepdims=keepdims)")
alias(np.ndarray.mean, np.mean)
