"""Rules for srcad's own runtime helpers, so generated code can be differentiated again.

The helpers are linear or bilinear in their array arguments, so each rule is another
call of a helper. (Parameter names here need not match the helpers' own.)
"""
from .. import checkpointing, runtime
from .registry import ZERO, defjvp, defvjp, nondifferentiable, returns_sequence

defvjp(runtime.unbroadcast, "value, like", "broadcast_as(g, value)", ZERO)
defjvp(runtime.unbroadcast, "value, like", "unbroadcast(value_dot, like)", ZERO)

defvjp(runtime.broadcast_as, "value, like", "unbroadcast(g, value)", ZERO)
defjvp(runtime.broadcast_as, "value, like", "broadcast_as(value_dot, like)", ZERO)

defvjp(runtime.expand_reduced, "value, like, axis=None, keepdims=False",
       "np.sum(g, axis=axis, keepdims=keepdims)", ZERO)
defjvp(runtime.expand_reduced, "value, like, axis=None, keepdims=False",
       "expand_reduced(value_dot, like, axis=axis, keepdims=keepdims)", ZERO)

defvjp(runtime.matmul_vjp_x, "cot, x, y", "matmul_any(g, y)", ZERO, "matmul_vjp_y(cot, g, y)")
defjvp(runtime.matmul_vjp_x, "cot, x, y",
       "matmul_vjp_x(cot_dot, x, y)", ZERO, "matmul_vjp_x(cot, x, y_dot)")

defvjp(runtime.matmul_vjp_y, "cot, x, y", "matmul_any(x, g)", "matmul_vjp_x(cot, x, g)", ZERO)
defjvp(runtime.matmul_vjp_y, "cot, x, y",
       "matmul_vjp_y(cot_dot, x, y)", "matmul_vjp_y(cot, x_dot, y)", ZERO)

defvjp(runtime.matmul_any, "x, y", "matmul_vjp_x(g, x, y)", "matmul_vjp_y(g, x, y)")
defjvp(runtime.matmul_any, "x, y", "matmul_any(x_dot, y)", "matmul_any(x, y_dot)")

defvjp(runtime.dot_vjp_x, "cot, x, y", "np.dot(g, y)", ZERO, "dot_vjp_y(cot, g, y)")
defjvp(runtime.dot_vjp_x, "cot, x, y", "dot_vjp_x(cot_dot, x, y)", ZERO, "dot_vjp_x(cot, x, y_dot)")

defvjp(runtime.dot_vjp_y, "cot, x, y", "np.dot(x, g)", "dot_vjp_x(cot, x, g)", ZERO)
defjvp(runtime.dot_vjp_y, "cot, x, y", "dot_vjp_y(cot_dot, x, y)", "dot_vjp_y(cot, x_dot, y)", ZERO)

# a checkpointed loop's schedule and snapshot count are ints (checkpointing.py)
nondifferentiable(checkpointing.revolve, checkpointing.snapshots_within)
nondifferentiable(runtime.seed_cotangent, runtime.zeros_like, runtime.stop_gradient,
                  runtime.invert_permutation, runtime.shape_of)

# Helpers of control flow and lists: add_each adds, copy_of copies.
defvjp(runtime.add_each, "a, b", "g", "g")
defjvp(runtime.add_each, "a, b", "a_dot", "b_dot")
defvjp(runtime.copy_of, "x", "g")
defjvp(runtime.copy_of, "x", "copy_of(x_dot)")
# unrepeated sums the slices of a repeated list's cotangent; repeated_like repeats them back.
defvjp(runtime.unrepeated, "value, like", "repeated_like(g, value)", ZERO)
defjvp(runtime.unrepeated, "value, like", "unrepeated(value_dot, like)", ZERO)
defvjp(runtime.repeated_like, "value, like", "unrepeated(g, value)", ZERO)
defjvp(runtime.repeated_like, "value, like", "repeated_like(value_dot, like)", ZERO)
returns_sequence(runtime.unrepeated, runtime.repeated_like)

# add_at(target, index, values) adds in place and returns target; scatter_add is its pure form.
defvjp(runtime.add_at, "target, index, values", "g", ZERO, "g[index]")
defjvp(runtime.add_at, "target, index, values", "target_dot", ZERO, "scatter_add(target, index, values_dot)")
defvjp(runtime.scatter_add, "like, index, values", ZERO, ZERO, "g[index]")
defjvp(runtime.scatter_add, "like, index, values", ZERO, ZERO, "scatter_add(like, index, values_dot)")
