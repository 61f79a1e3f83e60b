"""Rule cases for srcad's own helpers, which appear in generated derivative code: the
runtime helpers (srcad/runtime.py, rules in srcad/rules/runtime_rules.py) and the template
helpers of the elementwise, reduction, scalar and scipy.special rules. Their rules are what
lets derivative code be differentiated again, so they are checked like any other rule, by
calling the helpers directly.
"""
import dataclasses
from typing import NamedTuple

import numpy as np

from srcad import checkpointing, dicts, objects, runtime
from srcad.rules import lookup
from srcad.rules import elementwise_helpers as eh
from srcad.rules import reduction_helpers as rh

from . import RuleCase, uniform

CUBE = (2, 3, 4)


# ---------------------------------------------------------------------------------------
# srcad.runtime
# ---------------------------------------------------------------------------------------

def unbroadcast_matrix_to_row(g, x):
    return runtime.unbroadcast(g, x)


def broadcast_row_to_matrix(t, ans):
    return runtime.broadcast_as(t, ans)


def expand_reduced_axis(g, x):
    return runtime.expand_reduced(g, x, axis=1)


def expand_reduced_tuple_keepdims(g, x):
    return runtime.expand_reduced(g, x, axis=(0, 2), keepdims=True)


def expand_reduced_all(g, x):
    return runtime.expand_reduced(g, x)


def matmul_any(x, y):
    return runtime.matmul_any(x, y)


def matmul_vjp_x(g, x, y):
    return runtime.matmul_vjp_x(g, x, y)


def matmul_vjp_y(g, x, y):
    return runtime.matmul_vjp_y(g, x, y)


def dot_vjp_x(g, x, y):
    return runtime.dot_vjp_x(g, x, y)


def dot_vjp_y(g, x, y):
    return runtime.dot_vjp_y(g, x, y)


def add_each(x, y):
    return runtime.add_each(x, y)


def copy_of(x):
    return runtime.copy_of(x) * 2.0


REPEATED = np.array([0, 2, 2])


def add_at_repeated(target, values):
    return runtime.add_at(target.copy(), REPEATED, values) * 1.5


def scatter_add_repeated(like, values):
    return runtime.scatter_add(like, (REPEATED, slice(None)), values) ** 2


def unrepeated_list(x, y):
    halves = runtime.unrepeated([x, y * 2.0, np.sin(x), y], [0.0, 0.0])
    return halves[0] * halves[1]


def repeated_like_list(x, y):
    copies = runtime.repeated_like([x, y], [0.0, 0.0, 0.0, 0.0])
    return copies[0] * copies[3] + copies[2] ** 2 * copies[1]


class _Point(NamedTuple):
    x: float
    y: float = 1.0


@dataclasses.dataclass
class _Weights:
    w: np.ndarray
    b: float = 0.5


def record_of_fields(x, y):
    point = objects.record_of(_Point, (x * 2.0, np.sum(y)))
    weights = objects.record_of(_Weights, {"w": y * x, "b": x ** 2})
    return point.x * point.y + np.sum(weights.w ** 2) * weights.b


def owned_items_array(x):
    items = runtime.owned_items(np.sin(x))
    return items[0] * items[2] + items[1] ** 2


def items_like_array(x, y):
    stacked = runtime.items_like([x, y * 2.0, np.sin(x)], np.zeros((3, 4)))
    return stacked * stacked[::-1]


def seed_cotangent(x):
    return runtime.seed_cotangent(np.sum(x), "f")


def zeros_like(x):
    return runtime.zeros_like(x * 2.0)


def stop_gradient(x):
    return runtime.stop_gradient(x)


def shape_of(x):
    """unbroadcast sums to the shape the tape saved; the saved shape carries no derivative."""
    return runtime.unbroadcast(x * np.ones((2, 1, 1)), runtime.shape_of(x)) \
        + runtime.expand_reduced(np.sum(x), runtime.shape_of(x))


def snapshots_within(x):
    """checkpoint="auto": how many snapshots of the state fit the budget (an int)."""
    return x * 0.0 + checkpointing.snapshots_within((x, x), 100)


def revolve(x):
    """A checkpointed loop's schedule, made from the loop's range: ints only."""
    return x * 0.0 + len(checkpointing.revolve(range(len(x)), 2))


def invert_permutation(x):
    return np.transpose(x, runtime.invert_permutation((2, 0, 1)))


CASES = [
    RuleCase((runtime.unbroadcast,), unbroadcast_matrix_to_row,
             (uniform((3, 4), seed=1), uniform((1, 4), seed=2)), name="3x4-1x4"),
    RuleCase((runtime.unbroadcast,), unbroadcast_matrix_to_row,
             (uniform(CUBE, seed=3), uniform((3, 1), seed=4)), name="2x3x4-3x1"),
    RuleCase((runtime.unbroadcast,), unbroadcast_matrix_to_row, (uniform((3, 4), seed=5), 0.5),
             name="to_float"),
    RuleCase((runtime.broadcast_as,), broadcast_row_to_matrix,
             (uniform((4,), seed=6), uniform((3, 4), seed=7)), name="4-3x4"),
    RuleCase((runtime.broadcast_as,), broadcast_row_to_matrix,
             (uniform((3, 1), seed=8), uniform(CUBE, seed=9)), name="3x1-2x3x4"),
    RuleCase((runtime.expand_reduced,), expand_reduced_axis,
             (uniform((2, 4), seed=10), uniform(CUBE, seed=11))),
    RuleCase((runtime.expand_reduced,), expand_reduced_tuple_keepdims,
             (uniform((1, 3, 1), seed=12), uniform(CUBE, seed=13))),
    RuleCase((runtime.expand_reduced,), expand_reduced_all, (uniform((), seed=14), uniform(CUBE, seed=15))),
]
for _xs, _ys in [((4,), (4,)), ((3, 4), (4,)), ((4,), (4, 5)), ((3, 4), (4, 5)), ((2, 3, 4), (4, 5)),
                 ((), (3, 4))]:
    _x, _y = uniform(_xs, seed=16), uniform(_ys, seed=17)
    _g = uniform(np.shape(runtime.matmul_any(_x, _y)), seed=18)
    _n = f"{'x'.join(map(str, _xs)) or '0d'}-{'x'.join(map(str, _ys))}"
    CASES += [
        RuleCase((runtime.matmul_any,), matmul_any, (_x, _y), wrt=(0, 1), name=_n),
        RuleCase((runtime.matmul_vjp_x,), matmul_vjp_x, (_g, _x, _y), wrt=(0, 2), name=_n),
        RuleCase((runtime.matmul_vjp_y,), matmul_vjp_y, (_g, _x, _y), wrt=(0, 1), name=_n),
    ]
for _xs, _ys in [((3, 4), (4, 5)), ((2, 3), (2, 3, 2)), ((4,), (4,))]:
    _x, _y = uniform(_xs, seed=19), uniform(_ys, seed=20)
    _g = uniform(np.shape(np.dot(_x, _y)), seed=21)
    _n = f"{'x'.join(map(str, _xs))}-{'x'.join(map(str, _ys))}"
    CASES += [
        RuleCase((runtime.dot_vjp_x,), dot_vjp_x, (_g, _x, _y), wrt=(0, 2), name=_n),
        RuleCase((runtime.dot_vjp_y,), dot_vjp_y, (_g, _x, _y), wrt=(0, 1), name=_n),
    ]
CASES += [   # helpers of control flow, lists and index scatters
    RuleCase((runtime.add_at,), add_at_repeated, (uniform((4,), seed=30), uniform((3,), seed=31)),
             wrt=(0, 1)),
    RuleCase((runtime.scatter_add,), scatter_add_repeated,
             (uniform((4, 2), seed=32), uniform((3, 2), seed=33)), wrt=(1,)),
    RuleCase((runtime.add_each,), add_each, (uniform((3, 4), seed=27), uniform((3, 4), seed=28)),
             wrt=(0, 1), name="arrays"),
    RuleCase((runtime.add_each,), add_each, (0.5, -1.5), wrt=(0, 1), name="floats"),
    RuleCase((runtime.copy_of,), copy_of, (uniform((3, 4), seed=29),), name="array"),
    RuleCase((runtime.copy_of,), copy_of, (0.5,), name="float"),
    RuleCase((runtime.unrepeated,), unrepeated_list, (uniform((3,), seed=34), uniform((3,), seed=35)),
             wrt=(0, 1), extra={"needs": "list"}),
    RuleCase((runtime.repeated_like,), repeated_like_list, (0.5, uniform((3,), seed=36)),
             wrt=(0, 1), extra={"needs": "list"}),
    RuleCase((objects.record_of,), record_of_fields, (0.7, uniform((3,), seed=40)), wrt=(0, 1)),
    RuleCase((runtime.owned_items,), owned_items_array, (uniform((3, 4), seed=37),)),
    RuleCase((runtime.items_like,), items_like_array, (uniform((4,), seed=38), uniform((4,), seed=39)),
             wrt=(0, 1), extra={"needs": "list"}),
    ]
class _Box:
    def __init__(self, w):
        self.w = w


BOX = _Box(np.ones(3))


def eigenvalues_field(a):   # a NamedTuple's field: its derivative is a list's item
    return np.sum(objects.read_attribute(np.linalg.eigh(a @ a.T), "eigenvalues") ** 2)


def fields_round_trip(x):   # an object's derivative (a Fields) and its field
    return np.sum(objects.attribute_tangent(objects.field_cotangent(x, BOX, "w"), BOX, "w") ** 3)


def captured_round_trip(x):   # a lambda's derivative as a value (a Fields) and its variable
    return np.sum(np.sin(objects.field_of(objects.fields_with(x, "k"), "k")))


KEYS = {"a": 0.0, "b": 0.0}


def dict_methods(x):   # dict methods and merges on a dict built from x
    d = {"a": x, "b": np.sin(x)}
    total = 0.0
    for key, value in dicts.dict_items(d):
        total = total + value * len(key)
    merged = dicts.merged(d, {"b": x ** 2})
    return np.sum(dicts.dict_get(d, "a") * dicts.dict_get(d, "zz", 2.0 * x) * dicts.dict_values(d)[1]
                  * total * merged["b"] * merged["a"]) + len(dicts.dict_keys(d))


def dict_derivative_pairs(x):   # the derivative helpers, each followed by its adjoint
    values = dicts.values_tangent(dicts.values_cotangent([x, 2.0 * x], KEYS), KEYS)
    product = 1.0
    for _, value in dicts.items_tangent(dicts.items_cotangent([(0.0, x), (0.0, x ** 2)], KEYS), KEYS):
        product = product * value
    item = dicts.item_tangent(dicts.item_cotangent(x, KEYS, "b"), KEYS, "b")
    kept = dicts.restricted({"a": x, "b": np.cos(x)}, KEYS, {"a": 0.0})
    return np.sum(values[1] * product * item * dicts.unless_present(x, KEYS, "zz") * kept["b"])


CASES += [   # dicts.py: dict methods and their derivative helpers
    RuleCase((dicts.dict_get, dicts.dict_items, dicts.dict_values, dicts.merged, dicts.dict_keys),
             dict_methods, (uniform((3,), seed=40),)),
    RuleCase((dicts.values_tangent, dicts.values_cotangent, dicts.items_tangent, dicts.items_cotangent,
              dicts.item_tangent, dicts.item_cotangent, dicts.restricted, dicts.unless_present),
             dict_derivative_pairs, (uniform((3,), seed=41),)),
]
CASES += [   # objects.py: attributes of objects
    RuleCase((objects.field_of, objects.fields_with), captured_round_trip, (uniform((3,), seed=39),)),
    RuleCase((objects.read_attribute,), eigenvalues_field, (uniform((3, 3), seed=37),)),
    RuleCase((objects.attribute_tangent, objects.field_cotangent), fields_round_trip,
             (uniform((3,), seed=38),)),
]
CASES += [
    RuleCase((runtime.seed_cotangent,), seed_cotangent, (uniform((3,), seed=22),), differentiable=False),
    RuleCase((runtime.zeros_like,), zeros_like, (uniform((3,), seed=23),), differentiable=False),
    RuleCase((runtime.stop_gradient,), stop_gradient, (uniform((3,), seed=24),), differentiable=False),
    RuleCase((runtime.invert_permutation,), invert_permutation, (uniform(CUBE, seed=26),)),
    RuleCase((runtime.shape_of,), shape_of, (uniform((3, 4), seed=27),)),
    RuleCase((checkpointing.snapshots_within,), snapshots_within, (uniform((3,), seed=28),),
             differentiable=False),
    RuleCase((checkpointing.revolve,), revolve, (uniform((3,), seed=29),), differentiable=False),
]


# ---------------------------------------------------------------------------------------
# Template helpers of srcad/rules/elementwise.py and pymath.py
# ---------------------------------------------------------------------------------------

def power_log(x, like):
    return eh.power_log(x, like)


def scaled_power(c, x, e):
    return eh.scaled_power(c, x, e)


def scaled_float_power(c, x, e):
    return eh.scaled_power(c, x, e, np.float_power)


def match_real(x, value):
    return eh.match_real(x, value)


def polygamma(x):
    return eh.scalar_polygamma(1, x) + eh.scalar_polygamma(0, x * 2.0)


def clip_weight(x, lo):
    return eh.clip_weight("a", x, lo, 0.5) + eh.clip_weight("lo", x, lo, 0.5)


def fmax_weight(x, y):
    return eh.fmax_weight(x, y, True)


def maximum_weight(x, y):
    return 1.0 * eh.maximum_weight(x, y, True) + eh.maximum_weight(y, y, False)   # no ties; all tied


def extremum_share(x, y):
    return eh.extremum_share(np.maximum(x, y), 0, (x, y))


CASES += [
    RuleCase((eh.power_log,), power_log, (uniform((3, 4), 0.3, 2.0, seed=30), uniform((3, 4), seed=31)),
             name="array"),
    RuleCase((eh.power_log,), power_log, (1.7, 0.5), name="float"),
    RuleCase((eh.scaled_power,), scaled_power,
             (uniform((3, 4), seed=34), uniform((3, 4), 0.3, 2.0, seed=35), uniform((4,), seed=36)),
             wrt=(0, 1, 2), name="array"),
    RuleCase((eh.scaled_power,), scaled_power, (0.7, 1.3, -0.4), wrt=(0, 1, 2), name="float"),
    RuleCase((eh.scaled_power,), scaled_float_power,
             (uniform((3,), seed=37), uniform((3,), 0.3, 2.0, seed=38), 1.5), wrt=(0, 1, 2),
             name="float_power"),
    RuleCase((eh.match_real,), match_real, (uniform((3,), seed=32), uniform((3,), seed=33)), wrt=(1,)),
    RuleCase((eh.scalar_polygamma,), polygamma, (1.3,), name="positive"),
    RuleCase((eh.scalar_polygamma,), polygamma, (-0.35,), name="negative"),
    RuleCase((eh.clip_weight,), clip_weight, (uniform((3, 4), seed=34), -0.2), wrt=(0, 1),
             differentiable=False),
    RuleCase((eh.fmax_weight,), fmax_weight, (uniform((3, 4), seed=35), uniform((4,), seed=36)),
             wrt=(0, 1), differentiable=False),
    RuleCase((eh.maximum_weight,), maximum_weight, (uniform((3, 4), seed=37), uniform((4,), seed=38)),
             wrt=(0, 1), differentiable=False),
]
def sum_items_vjp_list(g, a, b):
    first, second = eh.sum_items_vjp(g, [a, b])
    return np.sum(first * a) + np.sum(second ** 2)


def sum_items_jvp_list(a, b, like):
    return eh.sum_items_jvp([a, b * 2.0], like) ** 2


def sum_cotangents_list(a, b, like):
    return eh.sum_cotangents([a, b], like) * 3.0


def sum_items_vjp_rows(g, rows):
    return eh.sum_items_vjp(g, rows) ** 2


CASES += [
    RuleCase((eh.sum_items_vjp,), sum_items_vjp_list,
             (uniform((3,), seed=60), uniform((3,), seed=61), uniform((3,), seed=62)), wrt=(0, 1, 2)),
    RuleCase((eh.sum_items_vjp,), sum_items_vjp_rows, (uniform((3,), seed=63), uniform((4, 3), seed=64)),
             name="rows"),
    RuleCase((eh.sum_items_jvp,), sum_items_jvp_list,
             (uniform((3,), seed=65), uniform((3,), seed=66), uniform((3,), seed=67)), wrt=(0, 1)),
    RuleCase((eh.sum_cotangents,), sum_cotangents_list,
             (uniform((3,), seed=68), uniform((3,), seed=69), uniform((3,), seed=70)), wrt=(0, 1)),
]
if lookup(eh.extremum_share) is not None:   # registered with builtin max(*args)
    CASES.append(RuleCase((eh.extremum_share,), extremum_share, (0.3, 0.9), wrt=(0, 1),
                          differentiable=False))


# ---------------------------------------------------------------------------------------
# Template helpers of srcad/rules/reductions.py
# ---------------------------------------------------------------------------------------

def prod_others(x, axis):
    return rh.prod_others(x, axis)


def cumsum_vjp(g, x, axis):
    return rh.cumsum_vjp(g, x, axis)


def cumprod_jvp(x, t, axis):
    return rh.cumprod_jvp(x, t, axis)


def cumprod_vjp(g, x, axis):
    return rh.cumprod_vjp(g, x, axis)


def average_weights(a, w, axis):
    return rh.average_weights(a, w, axis)


def average_weights_vjp(g, a, w, axis):
    return rh.average_weights_vjp(g, a, w, axis)


def extremum_weights(x):
    return rh.extremum_weights(x, np.max(x, axis=0), 0)


def ptp_weights(x):
    return rh.ptp_weights(x, 1)


def reduced_count(x):
    return rh.reduced_count(x, np.var(x, axis=0), 1) * x


def nan_weights(x):
    return rh.nan_weights(x, 0, True)


def _signed(shape, seed):
    rng = np.random.default_rng(seed)
    return uniform(shape, 0.5, 1.5, seed) * rng.choice([-1.0, 1.0], shape)


for _axis in [None, 0, -1, (0, 2)]:
    CASES.append(RuleCase((rh.prod_others,), prod_others, (_signed(CUBE, 40), _axis), name=f"axis={_axis}"))
for _axis in [None, 0, 1]:
    _x = _signed((3, 4), 41)
    _out = np.shape(np.cumsum(_x, axis=_axis))
    CASES += [
        RuleCase((rh.cumsum_vjp,), cumsum_vjp, (uniform(_out, seed=42), _x, _axis), name=f"axis={_axis}"),
        RuleCase((rh.cumprod_jvp,), cumprod_jvp, (_x, uniform((3, 4), seed=43), _axis), wrt=(0, 1),
                 name=f"axis={_axis}"),
        RuleCase((rh.cumprod_vjp,), cumprod_vjp, (uniform(_out, seed=44), _x, _axis), wrt=(0, 1),
                 name=f"axis={_axis}"),
    ]
CASES += [
    RuleCase((rh.average_weights,), average_weights,
             (uniform((3, 4), seed=45), uniform((4,), seed=46), 1), wrt=(1,), name="1d"),
    RuleCase((rh.average_weights,), average_weights,
             (uniform((3, 4), seed=47), uniform((3, 4), seed=48), None), wrt=(1,), name="full"),
    RuleCase((rh.average_weights_vjp,), average_weights_vjp,
             (uniform((3, 4), seed=49), uniform((3, 4), seed=50), uniform((3,), seed=51), 0), name="1d"),
    RuleCase((rh.average_weights_vjp,), average_weights_vjp,
             (uniform((3, 4), seed=52), uniform((3, 4), seed=53), uniform((3, 4), seed=54), None),
             name="full"),
    RuleCase((rh.extremum_weights,), extremum_weights, (uniform((3, 4), seed=55),), differentiable=False),
    RuleCase((rh.ptp_weights,), ptp_weights, (uniform((3, 4), seed=56),), differentiable=False),
    RuleCase((rh.reduced_count,), reduced_count, (uniform((3, 4), seed=57),)),
    RuleCase((rh.nan_weights,), nan_weights, (uniform((3, 4), seed=58),), differentiable=False),
]
