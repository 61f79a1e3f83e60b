"""Checkpointed loops (``srcad.grad(f, checkpoint=k)``): the revolve schedule itself, and
gradients equal to the taped ones bit for bit on every loop of the control-flow suite, to
first and second order."""
import inspect
import pathlib
import sys
from functools import lru_cache

import numpy as np
import pytest

import srcad
from srcad.checkpointing import recomputations, revolve, snapshots_within
from srcad.testing import check_grads

from test_control_flow import CASES, HARDER

SNAPSHOTS = (1, 2, 3, 1000)


# -- the schedule ---------------------------------------------------------------------------

def run_schedule(steps, snapshots, taken_forward=False):
    """Play `revolve` on a model of the state: (steps reversed in order, advances, most
    snapshots alive), checking that each action is possible where it comes."""
    schedule = revolve(steps, snapshots, taken_forward)
    stack = [0] + sorted(schedule.forward_snapshots)
    position, reversed_steps, advances, most = None, [], 0, len(stack)
    for action, start, end in schedule:
        if action == "advance":
            assert position == start < end
            advances += end - start
            position = end
        elif action == "snapshot":
            assert position == start
            stack.append(start)
            most = max(most, len(stack))
        elif action == "restore":
            assert stack[-1] == start
            position = start
        elif action == "forget":
            assert stack[-1] == start and len(stack) > 1
            stack.pop()
        else:
            assert action == "reverse" and position == start and end == start + 1
            reversed_steps.append(start)
            position = None   # the adjoint leaves the state undefined
    assert stack == [0] and advances == schedule.advances()
    return reversed_steps, advances, most


@lru_cache(maxsize=None)
def fewest_advances(steps, snapshots):
    """The optimum by exhaustive dynamic programming over the first snapshot's place."""
    if steps <= 1:
        return 0
    if snapshots == 1:
        return sum(range(steps))
    return min(m + fewest_advances(m, snapshots) + fewest_advances(steps - m, snapshots - 1)
               for m in range(1, steps))


@pytest.mark.parametrize("snapshots", [1, 2, 3, 4, 6])
def test_schedule_reverses_each_step_once_within_the_snapshots_optimally(snapshots):
    for steps in range(0, 41):
        reversed_steps, advances, most = run_schedule(steps, snapshots)
        assert reversed_steps == list(range(steps))[::-1]
        assert most <= snapshots
        assert advances == fewest_advances(steps, snapshots) == recomputations(steps, snapshots)
        # the forward sweep took the first sweep's snapshots: the rest of the same schedule
        reversed_steps, rest, most = run_schedule(steps, snapshots, taken_forward=True)
        assert reversed_steps == list(range(steps))[::-1] and most <= snapshots
        first_sweep = max(revolve(steps, snapshots, True).forward_snapshots, default=0)
        assert rest == advances - first_sweep


def test_closed_form_for_a_long_loop():
    # r = 4 for 10**5 steps and 50 snapshots: C(54, 4) = 316251 >= 10**5 > C(53, 3)
    assert recomputations(10 ** 5, 50) == 4 * 10 ** 5 - 24804
    assert run_schedule(2000, 10)[1] == recomputations(2000, 10)


def test_schedule_is_a_reversible_sequence():
    assert list(reversed(revolve(5, 2))) == list(revolve(5, 2))[::-1]
    assert revolve(range(2, 12, 2), 2, True).forward_snapshots == {6}   # values of the range


def test_auto_snapshots_fill_the_budget():
    state = (np.zeros(1000), np.zeros((10, 10)))
    assert snapshots_within(state, 10 * 8800) == 10
    assert snapshots_within(state, 10) == 1


# -- bit for bit on the control-flow suite --------------------------------------------------

def has_loop(function):
    source = inspect.getsource(function)
    return " for " in source or "while " in source or "\n    for " in source


LOOPS = [(f, args) for f, args in CASES + HARDER if has_loop(f)]


def exactly_equal(a, b):
    if isinstance(a, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(map(exactly_equal, a, b))
    return np.asarray(a).dtype == np.asarray(b).dtype and np.array_equal(a, b)


def pulled_back(function, args, wrt, **options):
    """(value, cotangents) by reverse mode, with the cotangent ones like the output."""
    out = function(*args)
    cotangent = tuple(np.ones_like(o) * 1.0 for o in out) if isinstance(out, tuple) \
        else np.ones_like(out) * 1.0
    return srcad.vjp(function, wrt=wrt, **options)(*args, cotangent)


@pytest.mark.parametrize("function, args", LOOPS,
                         ids=[f"{f.__name__}-{i}" for i, (f, _) in enumerate(LOOPS)])
def test_checkpointed_gradient_equals_the_taped_one_bit_for_bit(function, args):
    wrt = tuple(i for i, a in enumerate(args) if not isinstance(a, int))
    taped = pulled_back(function, args, wrt)
    for k in SNAPSHOTS:
        checkpointed = pulled_back(function, args, wrt, checkpoint=k)
        assert exactly_equal(checkpointed, taped), (k, checkpointed, taped)
    assert "revolve(" in srcad.source(srcad.vjp(function, wrt=wrt, checkpoint=2))


def test_value_and_grad_and_auto():
    f, args = next((f, a) for f, a in LOOPS if f.__name__ == "scalar_loop")
    taped = srcad.value_and_grad(f)(*args)
    assert exactly_equal(srcad.value_and_grad(f, checkpoint="auto")(*args), taped)
    assert exactly_equal(srcad.value_and_grad(f, checkpoint="auto", checkpoint_memory="1KB")(*args), taped)
    assert exactly_equal(srcad.grad(f, checkpoint=2)(*args), taped[1])


def test_default_code_is_unchanged():
    f, _ = next((f, a) for f, a in LOOPS if f.__name__ == "scalar_loop")
    assert "revolve" not in srcad.source(srcad.grad(f))
    assert srcad.source(srcad.grad(f, checkpoint=None)) == srcad.source(srcad.grad(f))


def test_bad_checkpoint_values_are_errors():
    f, _ = LOOPS[0]
    for bad in (0, -1, "many", 2.5, True):
        with pytest.raises(srcad.SrcadError, match="checkpoint"):
            srcad.grad(f, checkpoint=bad)
    with pytest.raises(srcad.SrcadError, match="checkpoint_memory"):
        srcad.grad(f, checkpoint="auto", checkpoint_memory="lots")


# -- higher order ---------------------------------------------------------------------------

def damped_steps(y, w, steps):
    """An explicit integrator: the loop checkpointing is for."""
    for _ in range(steps):
        y = y + 0.1 * np.tanh(w * y) - 0.05 * y
    return np.sum(y ** 2)


Y0 = np.array([0.3, -0.5, 0.8])
W = np.array([1.2, 0.7, -0.4])
SECOND_ORDER = [(damped_steps, (Y0, W, 9))] + [
    (f, args) for f, args in LOOPS if f.__name__ in (
        "scalar_loop", "while_loop", "with_break", "nested_loops", "item_writes_in_loop", "while_in_for",
        "calls_in_loop", "break_in_nested_loop")
    and np.ndim(f(*args)) == 0]


@pytest.mark.parametrize("function, args", SECOND_ORDER,
                         ids=[f"{f.__name__}-{i}" for i, (f, _) in enumerate(SECOND_ORDER)])
def test_checkpointed_gradient_is_differentiable_again(function, args):
    """Forward-over-reverse and reverse-over-reverse of the checkpointed gradient code
    against finite differences (check_grads), and its Hessian against the taped one."""
    wrt = tuple(i for i, a in enumerate(args) if not isinstance(a, int))
    check_grads(srcad.grad(function, wrt=wrt, checkpoint=2), args, wrt=wrt, rtol=1e-4, atol=1e-6)
    taped = srcad.hessian(function, wrt=wrt)(*args)
    for k in (1, 2, 3):
        assert exactly_equal(srcad.hessian(function, wrt=wrt, checkpoint=k)(*args), taped)


def test_hvp_and_grad_of_grad_through_a_checkpointed_loop():
    v = np.array([0.2, -1.0, 0.5])
    hessian = srcad.hessian(damped_steps)(Y0, W, 9)
    product = srcad.hvp(damped_steps, checkpoint=2)(Y0, W, 9, v)
    assert exactly_equal(product, srcad.hvp(damped_steps)(Y0, W, 9, v))
    np.testing.assert_allclose(product, hessian @ v, rtol=1e-12)

    def directional(y, w, steps):
        return np.sum(srcad.grad(damped_steps, checkpoint=2)(y, w, steps) * v)
    np.testing.assert_allclose(srcad.grad(directional)(Y0, W, 9), hessian @ v, rtol=1e-10)


def test_compare_modes_reports_memory_and_recomputation():
    report = srcad.compare_modes(damped_steps, Y0, W, 12, budget=0.0001, checkpoint=3)
    label = "checkpoint=3"
    assert report.recomputation["taped"] == 1.0
    assert report.recomputation[label] == pytest.approx(2.0 + revolve(12, 3, True).advances() / 12)
    assert 0 < report.memory[label] < report.memory["taped"]
    assert f"one VJP, {label}" in report.times and "peak memory" in str(report)


def while_in_two_loops(x):
    total = 0.0
    for i in range(2):
        for j in range(2):
            y = x * (i + j + 1)
            while y < 3.0:
                y = y * 1.5
            total = total + y
    return total


def test_counter_of_a_loop_two_loops_deep():
    """The middle loop no longer resets the innermost loop's counter to None before
    the tape saves it (a bug of the taped code, first order, found here)."""
    check_grads(while_in_two_loops, (0.7,))
    for k in (None, 2):
        check_grads(srcad.grad(while_in_two_loops, checkpoint=k), (0.7,), rtol=1e-4, atol=1e-6)


def test_hessian_at_a_python_float_is_computed_in_float64():
    """Directions for a Python float input were float32 (NumPy 2 promotion): the Hessian
    lost 7 digits, checkpointed or not (found comparing the two)."""
    f, _ = next((f, a) for f, a in LOOPS if f.__name__ == "while_in_for")
    along = srcad.jvp(srcad.grad(f))(0.5, 1.0)[1]
    assert srcad.hessian(f)(0.5) == pytest.approx(along, rel=1e-14)


def test_checkpointed_ode_example_runs():
    sys.path.insert(0, str(pathlib.Path(__file__).parent.parent / "examples"))
    import checkpointed_ode
    _, rows = checkpointed_ode.measure(steps=12, dim=8, snapshot_counts=[2])
    (_, _, taped_peak, _, _, _), (_, k, peak, _, runs, exact) = rows
    assert k == 2 and exact and runs == 2 + revolve(12, 2, True).advances() / 12


def trajectory(x, steps):
    for _ in range(steps):
        x = np.sin(x) + 0.5 * x
    return x * 2.0


def test_reverse_jacobian_vector_mode():
    taped = srcad.jacobian(trajectory, mode="reverse")(Y0, 6)
    assert exactly_equal(srcad.jacobian(trajectory, mode="reverse", checkpoint=2)(Y0, 6), taped)
    np.testing.assert_allclose(taped, srcad.jacobian(trajectory, mode="forward")(Y0, 6), rtol=1e-12)
