"""Vector-mode templates: rules whose ordinary templates would misread a leading axis of
directions (reductions over axes, reshapes, transposes, matrix products), or would run once
per direction (cross products). Every other rule works in vector mode as it is (elementwise
ones) or once per direction (see batching.py).
"""
import numpy as np

from .. import runtime
from ..runtime import (batch_align, matmul_jvp_x_batch, matmul_jvp_y_batch, reduce_batch,  # noqa: F401
                       reshape_batch, transpose_batch)
from .linalg_helpers import cross_jvp_batch, cross_vjp_batch  # noqa: F401
from .registry import defvector

for _reduction in (np.sum, np.mean):
    defvector(_reduction, jvps={"a": f"reduce_batch(np.{_reduction.__name__}, a_dot, a, axis=axis, "
                                     "keepdims=keepdims)"})
for _reshape in (np.reshape, np.ndarray.reshape, np.ravel, np.ndarray.ravel, np.ndarray.flatten):
    defvector(_reshape, vjps={"x": "reshape_batch(g, x, order)"},
              jvps={"x": "reshape_batch(x_dot, ans, order)"})
defvector(np.transpose, vjps={"x": "transpose_batch(g, invert_permutation(axes))"},
          jvps={"x": "transpose_batch(x_dot, axes)"})
defvector(np.ndarray.transpose, vjps={"x": "transpose_batch(g, invert_permutation(axes))"},
          jvps={"x": "transpose_batch(x_dot, axes)"})
defvector(np.ndarray.T, vjps={"x": "transpose_batch(g)"}, jvps={"x": "transpose_batch(x_dot)"})
defvector(np.matmul, jvps={"x": "matmul_jvp_x_batch(x_dot, x, y)", "y": "matmul_jvp_y_batch(x, y_dot, y)"})
defvector(runtime.matmul_any, jvps={
    "x": "matmul_jvp_x_batch(x_dot, x, y) if np.ndim(x) and np.ndim(y) else batch_align(x_dot, x, ans) * y",
    "y": "matmul_jvp_y_batch(x, y_dot, y) if np.ndim(x) and np.ndim(y) else x * batch_align(y_dot, y, ans)"})
CROSS_AXES = "axisa=axisa, axisb=axisb, axisc=axisc, axis=axis"
defvector(np.cross, vjps={"a": f"cross_vjp_batch(g, a, b, 'a', {CROSS_AXES})",
                          "b": f"cross_vjp_batch(g, a, b, 'b', {CROSS_AXES})"},
          jvps={"a": f"cross_jvp_batch(a_dot, a, b, 'a', {CROSS_AXES})",
                "b": f"cross_jvp_batch(b_dot, a, b, 'b', {CROSS_AXES})"})
