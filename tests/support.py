"""Jacobians built from srcad's JVPs (column by column) and VJPs (row by row), for tests."""
import numpy as np

import srcad


def jacobian_by_jvp(f, args, wrt=0):
    """J[i, j] = d f_i / d x_j, one JVP per input element."""
    x = np.asarray(args[wrt], dtype=float)
    jvp = srcad.jvp(f, wrt)
    columns = []
    for j in range(x.size):
        basis = np.zeros(x.size)
        basis[j] = 1.0
        tangent = basis.reshape(x.shape) if x.shape else float(basis[0])
        columns.append(np.ravel(jvp(*args, tangent)[1]))
    out_shape = np.shape(f(*args))
    return np.stack(columns, axis=-1).reshape(out_shape + x.shape)


def jacobian_by_vjp(f, args, wrt=0):
    """J[i, j] = d f_i / d x_j, one VJP per output element."""
    out = np.asarray(f(*args), dtype=float)
    vjp = srcad.vjp(f, wrt)
    rows = []
    for i in range(out.size):
        basis = np.zeros(out.size)
        basis[i] = 1.0
        cotangent = basis.reshape(out.shape) if out.shape else float(basis[0])
        rows.append(np.ravel(vjp(*args, cotangent)[1]))
    x_shape = np.shape(args[wrt])
    return np.stack(rows).reshape(out.shape + x_shape)


def both_jacobians(f, args, wrt=0):
    forward, reverse = jacobian_by_jvp(f, args, wrt), jacobian_by_vjp(f, args, wrt)
    np.testing.assert_allclose(forward, reverse, rtol=1e-12, atol=1e-12)
    return forward
