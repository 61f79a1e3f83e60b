"""Binomial checkpointing (Griewank and Walther's *revolve*): the schedule a checkpointed
loop's adjoint follows (docs/checkpointing.md).

A loop of n steps is reversed holding at most k snapshots of its state: snapshot 0, the
state at the loop's start, is taken by the primal sweep, which then runs the loop to its
end; `revolve(n, k)` yields what the adjoint sweep does next, one ``(action, start, end)``
at a time, starting with a restore of snapshot 0:

    "advance"   run steps start .. end-1 again, from the current state, keeping nothing
    "snapshot"  keep the current state (the state before step `start`) on the snapshot stack
    "restore"   make the state the newest snapshot's (the state before step `start`)
    "forget"    drop the newest snapshot
    "reverse"   run step `start` once more, keeping what its adjoint reads, then its adjoint

Steps are reversed exactly once each, last first; snapshots are used as a stack. The
number of recomputed steps is the least any schedule with k snapshots achieves,
``r n - C(k + r, r - 1)`` where r is the least integer with ``C(k + r, k) >= n``
(`recomputations`): each step is run at most r + 1 times, r ~ log(n) / log(k) for large k.
"""
from contextlib import contextmanager
from functools import lru_cache
from math import comb

_runs = None   # the schedules run inside `recorded()`


@contextmanager
def recorded():
    """A list of the `revolve` schedules that run inside the ``with`` block (compare.py)."""
    global _runs
    outer, _runs = _runs, []
    try:
        yield _runs
    finally:
        _runs = outer


def steps_run(schedules):
    """(loop steps, steps run forward) by the adjoint sweeps of `schedules`: each step
    once taped, plus the advances."""
    steps = sum(s.steps for s in schedules)
    return steps, steps + sum(s.advances() for s in schedules)


def repetitions(steps, snapshots):
    """The least r such that k snapshots reverse `steps` steps running none more than r
    times beyond its reversal: ``C(k + r, k) >= steps``."""
    if snapshots == 1:
        return max(steps - 1, 0)
    low, high = 0, 1
    while comb(snapshots + high, snapshots) < steps:
        low, high = high, 2 * high
    while low < high:   # binary search: C(k + r, k) grows with r
        middle = (low + high) // 2
        low, high = (middle + 1, high) if comb(snapshots + middle, snapshots) < steps else (low, middle)
    return low


@lru_cache(maxsize=4096)
def recomputations(steps, snapshots):
    """The least number of steps advanced (run without taping) to reverse `steps` steps
    from the state before the first one, holding at most `snapshots` snapshots."""
    if steps <= 1:
        return 0
    if snapshots == 1:
        return steps * (steps - 1) // 2
    r = repetitions(steps, snapshots)
    return r * steps - comb(snapshots + r, r - 1)


def split(steps, snapshots):
    """Where to take the next snapshot: after how many of `steps` steps (>= 2), with
    `snapshots` (>= 2, the one holding the start included) to spend. The cost of a split
    m is m advances + reversing the m steps before it (same snapshots) + the steps after
    it (one fewer); it is convex in m, so a binary search finds its least value."""
    def cost(m):
        return m + recomputations(m, snapshots) + recomputations(steps - m, snapshots - 1)
    low, high = 1, steps - 1
    while low < high:
        middle = (low + high) // 2
        low, high = (middle + 1, high) if cost(middle + 1) < cost(middle) else (low, middle)
    return low


class revolve:
    """The schedule reversing `steps` steps (a number, or the range a ``for`` loop runs
    over) with at most `snapshots` snapshots alive, the one of the state before the first
    step included: iterate it for the actions.

    `taken_forward`: the forward sweep has already taken the snapshots of revolve's first
    sweep (before each step in `forward_snapshots`, values of the range) and run to the
    end; the actions are what is left. Otherwise the state before the first step is the
    only snapshot, and the actions include the first sweep. It is a sequence too, for
    srcad's derivatives of code that runs it."""

    def __init__(self, steps, snapshots, taken_forward=False):
        if snapshots < 1:
            raise ValueError(f"checkpointing needs at least one snapshot, not {snapshots}")
        sequence = steps if isinstance(steps, range) else range(steps)
        self.steps, self.snapshots, self.taken_forward = len(sequence), snapshots, taken_forward
        self.forward_snapshots = frozenset(sequence[m] for m in self._first_sweep()[0]) \
            if taken_forward else frozenset()
        self._actions = None

    def _first_sweep(self):
        """(steps before which revolve's first sweep takes a snapshot, what is left to do
        after it, last first): each split of the last segment, until none is left to spend."""
        todo, positions = [], []
        start, end, free = 0, self.steps, self.snapshots - 1
        while free > 0 and end - start > 1:
            middle = start + split(end - start, free + 1)
            todo += [("segment", start, middle, free), ("forget", middle, middle)]
            positions.append(middle)
            start, free = middle, free - 1
        if end > start:
            todo.append(("segment", start, end, free))
        return positions, todo

    def __iter__(self):
        if _runs is not None:
            _runs.append(self)
        # what is left to do, last first: ("segment", start, end, free) reverses steps
        # start .. end-1 from the newest snapshot (the state before `start`), with `free`
        # more snapshots to spend; actions are yielded as they are
        if self.taken_forward:
            todo = self._first_sweep()[1]
        else:
            todo = [("segment", 0, self.steps, self.snapshots - 1)] if self.steps > 0 else []
        position = None    # the step the current state is before (None: not known)
        while todo:
            item = todo.pop()
            if item[0] != "segment":
                yield item
                continue
            _, start, end, free = item
            if free == 0:   # no snapshot to spend: each step from the start, last first
                for step in reversed(range(start, end)):
                    if position != start:
                        yield ("restore", start, start)
                    if step > start:
                        yield ("advance", start, step)
                    yield ("reverse", step, step + 1)
                    position = None
                continue
            if position != start:
                yield ("restore", start, start)
            if end - start == 1:
                yield ("reverse", start, end)
                position = None
                continue
            middle = start + split(end - start, free + 1)
            yield ("advance", start, middle)
            yield ("snapshot", middle, middle)
            position = middle
            todo.append(("segment", start, middle, free))
            todo.append(("forget", middle, middle))
            todo.append(("segment", middle, end, free - 1))

    def actions(self):
        """All the actions, as a list (made once): what code differentiating generated
        code reads by index; running the schedule makes them one at a time instead."""
        if self._actions is None:
            self._actions = list(iter(self))   # (list(self) would ask len(self))
        return self._actions

    def __len__(self):
        return len(self.actions())

    def __getitem__(self, index):
        return self.actions()[index]

    def __reversed__(self):
        return reversed(self.actions())

    def advances(self):
        """How many steps the actions run again (without taping)."""
        fewest = recomputations(self.steps, self.snapshots)
        return fewest - max(self._first_sweep()[0], default=0) if self.taken_forward else fewest

    def __repr__(self):
        return f"revolve({self.steps}, {self.snapshots}, taken_forward={self.taken_forward})"


def snapshots_within(state, budget):
    """``checkpoint="auto"``: as many snapshots of `state` (a tuple of arrays) as `budget`
    bytes hold, at least one."""
    size = sum(getattr(value, "nbytes", 8) for value in _leaves(state))
    return max(1, budget // max(size, 1))


def _leaves(value):
    if isinstance(value, (list, tuple)):
        for item in value:
            yield from _leaves(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    else:
        yield value


def parse_bytes(size):
    """``"256MB"`` -> 268435456 (B, KB, MB, GB: powers of 1024); an int is bytes already."""
    if isinstance(size, int) and not isinstance(size, bool) and size > 0:
        return size
    units = {"GB": 1 << 30, "MB": 1 << 20, "KB": 1 << 10, "B": 1}
    text = str(size).strip().upper()
    for unit, scale in units.items():
        if text.endswith(unit):
            try:
                value = float(text[:-len(unit)])
            except ValueError:
                break
            if value > 0:
                return int(value * scale)
    raise ValueError(f"checkpoint_memory must be a size such as '256MB' or a number of bytes, not {size!r}")
