"""Jacobians built from srcad's JVPs (column by column) and VJPs (row by row), for tests."""
import numpy as np

import srcad


def _unit(shape, index):
    """The index-th basis vector of arrays of `shape` (a float for shape ())."""
    basis = np.zeros(int(np.prod(shape)))
    basis[index] = 1.0
    return basis.reshape(shape) if shape else float(basis[0])


def jacobian_by_jvp(f, args, wrt=0):
    """J[i, j] = d f_i / d x_j, one JVP per input element."""
    x = np.asarray(args[wrt], dtype=float)
    jvp = srcad.jvp(f, wrt)
    columns = []
    for j in range(x.size):
        columns.append(np.ravel(jvp(*args, _unit(x.shape, j))[1]))
    out_shape = np.shape(f(*args))
    return np.stack(columns, axis=-1).reshape(out_shape + x.shape)


def jacobian_by_vjp(f, args, wrt=0):
    """J[i, j] = d f_i / d x_j, one VJP per output element."""
    out = np.asarray(f(*args), dtype=float)
    vjp = srcad.vjp(f, wrt)
    rows = []
    for i in range(out.size):
        rows.append(np.ravel(vjp(*args, _unit(out.shape, i))[1]))
    x_shape = np.shape(args[wrt])
    return np.stack(rows).reshape(out.shape + x_shape)


def both_jacobians(f, args, wrt=0):
    forward, reverse = jacobian_by_jvp(f, args, wrt), jacobian_by_vjp(f, args, wrt)
    np.testing.assert_allclose(forward, reverse, rtol=1e-12, atol=1e-12)
    return forward
