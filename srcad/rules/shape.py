"""Shape and data movement: transpose, reshape, and values with no derivative."""
import operator

import numpy as np

from .registry import defjvp, defvjp, nondifferentiable

defvjp(np.transpose, "x, axes=None", "np.transpose(g, axes=invert_permutation(axes))")
defjvp(np.transpose, "x, axes=None", "np.transpose(x_dot, axes=axes)")

defvjp(np.ndarray.transpose, "x, *axes", "np.transpose(g, axes=invert_permutation(axes))")
defjvp(np.ndarray.transpose, "x, *axes", "x_dot.transpose(*axes)")

defvjp(np.ndarray.T, "x", "np.transpose(g)")
defjvp(np.ndarray.T, "x", "np.transpose(x_dot)")

defvjp(np.reshape, "x, shape, order='C'", "np.reshape(g, np.shape(x), order=order)")
defjvp(np.reshape, "x, shape, order='C'", "np.reshape(x_dot, shape, order=order)")

defvjp(np.ndarray.reshape, "x, *shape, order='C'", "np.reshape(g, np.shape(x), order=order)")
defjvp(np.ndarray.reshape, "x, *shape, order='C'", "x_dot.reshape(*shape, order=order)")

defvjp(np.copy, "x", "g")
defjvp(np.copy, "x", "np.copy(x_dot)")
defvjp(np.ndarray.copy, "x", "g")
defjvp(np.ndarray.copy, "x", "x_dot.copy()")

nondifferentiable(
    np.zeros, np.ones, np.zeros_like, np.ones_like, np.empty, np.empty_like, np.shape,
    np.ndim, np.size, len, np.ndarray.shape, np.ndarray.ndim, np.ndarray.size,
    np.ndarray.dtype, np.sign,
    # comparisons and logic: boolean results carry no derivative
    operator.lt, operator.le, operator.gt, operator.ge, operator.eq, operator.ne,
    operator.not_, operator.is_, operator.is_not, operator.contains, operator.invert,
    np.less, np.less_equal, np.greater, np.greater_equal, np.equal, np.not_equal,
    np.logical_and, np.logical_or, np.logical_not,
)
