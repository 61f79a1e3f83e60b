"""Rules for srcad's own runtime helpers, so generated code can be differentiated again.

The helpers are linear or bilinear in their array arguments, so each rule is another
call of a helper. (Parameter names here need not match the helpers' own.)
"""
from .. import checkpointing, dicts, objects, runtime
from ..dicts import (item_cotangent, item_tangent, items_cotangent, items_tangent,  # noqa: F401
                     restricted, unless_present, values_cotangent, values_tangent)
from ..objects import (attribute_tangent, field_cotangent, field_of,  # noqa: F401  (templates name them)
                       fields_with)
from .registry import ZERO, defjvp, defvector, defvjp, nondifferentiable, returns_sequence

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
# record_of builds a NamedTuple or dataclass from its packed fields, whose derivative
# (a list for a tuple, a Fields dict for a dict) is the object's derivative as it is.
defvjp(objects.record_of, "cls, values", ZERO, "g")
defjvp(objects.record_of, "cls, values", ZERO, "values_dot")
defvector(objects.record_of, vjps={"values": "g"}, jvps={"values": "values_dot"})
# owned_items splits an array cotangent of a list into items; items_like stacks them back.
defvjp(runtime.owned_items, "x, axis=0", "items_like(g, x, axis)", ZERO)
defjvp(runtime.owned_items, "x, axis=0", "owned_items(x_dot, axis)", ZERO)
defvector(runtime.owned_items, vjps={"x": "items_like(g, x, axis + 1)"},
          jvps={"x": "owned_items(x_dot, axis + 1)"})
returns_sequence(runtime.owned_items)
defvjp(runtime.items_like, "g, value, axis=0", "owned_items(g, axis)", ZERO, ZERO)
defjvp(runtime.items_like, "g, value, axis=0", "items_like(g_dot, value, axis)", ZERO, ZERO)
defvector(runtime.items_like, vjps={"g": "owned_items(g, axis + 1)"},
          jvps={"g": "items_like(g_dot, value, axis + 1)"})
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

# An attribute of an object (objects.py): its derivative is the object's derivative's field.
defvjp(objects.read_attribute, "obj, name", "field_cotangent(g, obj, name)", ZERO)
defjvp(objects.read_attribute, "obj, name", "attribute_tangent(obj_dot, obj, name)", ZERO)
defvjp(objects.attribute_tangent, "obj_dot, obj, name", "field_cotangent(g, obj, name)", ZERO, ZERO)
defjvp(objects.attribute_tangent, "obj_dot, obj, name", "attribute_tangent(obj_dot_dot, obj, name)",
       ZERO, ZERO)
defvjp(objects.field_cotangent, "g, obj, name", "attribute_tangent(g, obj, name)", ZERO, ZERO)
defjvp(objects.field_cotangent, "g, obj, name", "field_cotangent(g_dot, obj, name)", ZERO, ZERO)
defvjp(objects.field_of, "g, name", "fields_with(g, name)", ZERO)
defjvp(objects.field_of, "g, name", "field_of(g_dot, name)", ZERO)
defvjp(objects.fields_with, "g, name", "field_of(g, name)", ZERO)
defjvp(objects.fields_with, "g, name", "fields_with(g_dot, name)", ZERO)

# Dict methods and merges (dicts.py): a dict's derivative is keyed as the dict. Each
# derivative helper is linear in its first argument; they come in adjoint pairs.
defvjp(dicts.dict_get, "d, key, default=None", "item_cotangent(g, d, key)", ZERO, "unless_present(g, d, key)")
defjvp(dicts.dict_get, "d, key, default=None", "item_tangent(d_dot, d, key)", ZERO,
       "unless_present(default_dot, d, key)")
defvjp(dicts.dict_values, "d", "values_cotangent(g, d)")
defjvp(dicts.dict_values, "d", "values_tangent(d_dot, d)")
defvjp(dicts.dict_items, "d", "items_cotangent(g, d)")
defjvp(dicts.dict_items, "d", "items_tangent(d_dot, d)")
defvjp(dicts.merged, "a, b", "restricted(g, a, b)", "restricted(g, b)")
defjvp(dicts.merged, "a, b", "restricted(a_dot, a, b)", "restricted(b_dot, b)")
returns_sequence(dicts.dict_values, dicts.dict_items, dicts.merged)
nondifferentiable(dicts.dict_keys)
for _helper, _adjoint in ((dicts.item_cotangent, "item_tangent"), (dicts.item_tangent, "item_cotangent"),
                          (dicts.unless_present, "unless_present")):
    defvjp(_helper, "value, d, key", f"{_adjoint}(g, d, key)", ZERO, ZERO)
    defjvp(_helper, "value, d, key", f"{_helper.__name__}(value_dot, d, key)", ZERO, ZERO)
for _helper, _adjoint in ((dicts.values_cotangent, "values_tangent"),
                          (dicts.values_tangent, "values_cotangent"),
                          (dicts.items_cotangent, "items_tangent"),
                          (dicts.items_tangent, "items_cotangent")):
    defvjp(_helper, "value, d", f"{_adjoint}(g, d)", ZERO)
    defjvp(_helper, "value, d", f"{_helper.__name__}(value_dot, d)", ZERO)
defvjp(dicts.restricted, "value, a, b=()", "restricted(g, a, b)", ZERO, ZERO)
defjvp(dicts.restricted, "value, a, b=()", "restricted(value_dot, a, b)", ZERO, ZERO)
returns_sequence(dicts.values_tangent, dicts.items_tangent, dicts.values_cotangent, dicts.items_cotangent,
                 dicts.item_cotangent, dicts.restricted)
