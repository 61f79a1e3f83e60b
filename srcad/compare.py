"""Forward vs reverse mode, measured on the user's own function and inputs.

``compare_modes(f, *args, wrt=0)`` times the primal, one JVP, one VJP and the full
Jacobian by each mode (vector mode: one sweep each), counts the operations of the
generated forward and reverse code and the values the reverse mode saves on its tape, and
recommends the faster mode. With ``checkpoint=k`` (or "auto") it also measures the VJP
with checkpointed loops: its time, the peak memory of one VJP either way (tracemalloc),
and the recomputation factor (loop steps run forward per step of the loop). For f: R^n -> R^m a Jacobian costs n directions forward or m
reverse; this report shows what that means on your machine, for your function.
"""
import ast
import time
import timeit
import tracemalloc
from dataclasses import dataclass, field

import numpy as np

from .api import _normalize_wrt, _plain_function, bind_call
from .cache import derivative
from .checkpointing import recorded, steps_run
from .compiled import choice, usable
from .compiled.auto import format_seconds
from .errors import SrcadError
from .matrices import arrays_only, forward_jacobian, jacobian, reverse_jacobian
from .options import make as make_options

OPERATIONS = (ast.Call, ast.BinOp, ast.UnaryOp, ast.Subscript, ast.Compare)


def _calls_to_fill(call, budget):
    """How many calls of `call` take about `budget` seconds (at least one)."""
    return max(1, int(budget / max(timeit.timeit(call, number=1), 1e-7)))


def median_seconds(call, budget=0.05, repeat=5):
    """Median time of one call, with enough calls per measurement to fill `budget`."""
    number = _calls_to_fill(call, budget)
    return float(np.median(timeit.repeat(call, number=number, repeat=repeat))) / number


def interleaved_medians(calls, budget=0.05, rounds=10):
    """`median_seconds` of each of `calls`, measured in turns (a batch of each, then again),
    so that all of them see the same machine: the way to measure a ratio on a noisy one."""
    numbers = [_calls_to_fill(call, budget / 2) for call in calls]
    samples = [[] for _ in calls]
    for _ in range(rounds):
        for call, number, kept in zip(calls, numbers, samples):
            kept.append(timeit.timeit(call, number=number) / number)
    return [float(np.median(kept)) for kept in samples]


def operation_count(function):
    """Calls, operators and index operations in a generated function's body."""
    tree = ast.parse(function.__srcad_source__)
    body = [node for node in tree.body if isinstance(node, ast.FunctionDef)
            and node.name == function.__name__]
    return sum(isinstance(node, OPERATIONS) for node in ast.walk(body[0]))


def tape_length(function, indices, args):
    """How many values the reverse mode saves on its tape for these inputs."""
    forward_part, _ = derivative(function, "split", indices, None)
    _, saved = forward_part(*args)
    names = getattr(forward_part, "saved_names", ())
    return sum(len(value) for name, value in zip(names, saved) if name.startswith("tape"))


@dataclass
class ModeReport:
    """What `compare_modes` measured. Times in seconds; ratios to the primal's time."""

    function: str
    n: int                    # input size (elements of the `wrt` arguments)
    m: int                    # output size
    times: dict = field(default_factory=dict)       # label -> seconds
    operations: dict = field(default_factory=dict)  # "forward"/"reverse" -> count
    tape: int = 0
    recommended: str = ""
    memory: dict = field(default_factory=dict)      # "taped"/"checkpointed" -> peak bytes of one VJP
    recomputation: dict = field(default_factory=dict)   # the same -> loop steps run forward per step
    sparsity: dict = field(default_factory=dict)   # when the Jacobian is sparse: its pattern's figures
    compiled: dict = field(default_factory=dict)    # "JVP"/"VJP" -> (compile seconds, what ran)
    choices: dict = field(default_factory=dict)     # compile="auto": "JVP"/"VJP" -> srcad.compiled.Choice

    def ratio(self, label):
        return self.times[label] / self.times["primal"]

    def vector_speedup(self, mode="forward"):
        """How much faster one vector-mode sweep is than one call per direction."""
        vector = next(v for k, v in self.times.items() if k.startswith(f"Jacobian, {mode} ("))
        calls = "JVP" if mode == "forward" else "VJP"
        separate = next((v for k, v in self.times.items() if k.endswith(f"separate {calls} calls")), None)
        return separate / vector if separate else None

    def __str__(self):
        lines = [f"forward vs reverse mode for {self.function}: n = {self.n} inputs, m = {self.m} outputs",
                 "",
                 f"| {'computation':<34} | {'time':>11} | {'/ primal':>9} |",
                 f"| {'-' * 34} | {'-' * 11}:| {'-' * 9}:|"]
        for label, seconds in self.times.items():
            lines.append(f"| {label:<34} | {_format_time(seconds):>11} | {self.ratio(label):>9.2f} |")
        lines += ["",
                  f"operations in the generated code: forward (JVP) {self.operations['forward']}, "
                  f"reverse (VJP) {self.operations['reverse']}",
                  f"reverse-mode tape: {self.tape} saved values",
                  f"vector mode (one sweep for all directions) vs one call per direction: "
                  f"forward {self.vector_speedup('forward'):.1f}x faster"
                  + (f", reverse {self.vector_speedup('reverse'):.1f}x faster"
                     if self.vector_speedup("reverse") else ""),
                  f"recommended for the full Jacobian: {self.recommended} mode"]
        for label, peak in self.memory.items():
            lines.append(f"one VJP, {label}: peak memory {peak / 2 ** 20:.3g} MB, "
                         f"{self.recomputation[label]:.2f} forward runs of each loop step")
        if self.sparsity:
            s = self.sparsity
            lines.append(f"sparse Jacobian: {s['nonzeros']} of {self.m * self.n} entries, {s['colors']} colors: "
                         f"{s['colors']} {s['mode']} directions instead of {min(self.n, self.m)} "
                         f"(srcad.jacobian(f, sparse=True))")
        for which, (seconds, ran) in self.compiled.items():
            if which in self.choices:
                chosen = self.choices[which]
                lines.append(f"compile='auto' {which}: {chosen}" + (
                    f" (numba compiled it in {_format_time(chosen.compile_seconds)})"
                    if chosen.compiled_seconds and chosen.compile_seconds else ""))
                continue
            lines.append(f"compiled {which}: first call {_format_time(seconds)} (transformation and "
                         f"compilation); runs {ran}")
        return "\n".join(lines)

    def plot(self, path):
        """A bar chart of the times (needs matplotlib: pip install 'srcad[plot]')."""
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        figure, axes = plt.subplots(figsize=(8, 4))
        labels = list(self.times)
        axes.barh(labels, [self.times[k] * 1e6 for k in labels], color="#4c72b0")
        axes.set_xlabel("microseconds (median)")
        axes.set_title(f"{self.function}: n = {self.n}, m = {self.m}; recommended: {self.recommended}")
        axes.invert_yaxis()
        figure.tight_layout()
        figure.savefig(path, dpi=120)
        plt.close(figure)
        return path


def _format_time(seconds):
    return format_seconds(seconds, micro="us")


def peak_memory(call):
    """The most memory (bytes, tracemalloc) `call()` holds at once beyond what it starts with."""
    tracing = tracemalloc.is_tracing()
    if not tracing:
        tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        start = tracemalloc.get_traced_memory()[0]
        call()
        return tracemalloc.get_traced_memory()[1] - start
    finally:
        if not tracing:
            tracemalloc.stop()


def _checkpointing(report, function, indices, arguments, cotangent, checkpoint, budget):
    """Time, peak memory and recomputation of one VJP taped and with checkpointed loops."""
    taped = derivative(function, "vjp", indices, True)
    checkpointed = derivative(function, "vjp", indices, True, make_options(checkpoint=checkpoint))
    report.times[f"one VJP, checkpoint={checkpoint!r}"] = median_seconds(
        lambda: checkpointed(*arguments, cotangent), budget)
    report.memory["taped"] = peak_memory(lambda: taped(*arguments, cotangent))
    report.recomputation["taped"] = 1.0
    with recorded() as schedules:
        report.memory[f"checkpoint={checkpoint!r}"] = peak_memory(lambda: checkpointed(*arguments, cotangent))
    steps, run = steps_run(schedules)
    # the primal sweep runs each step once, the adjoint sweep `run` steps more
    report.recomputation[f"checkpoint={checkpoint!r}"] = 1.0 + run / steps if steps else 1.0


def compare_modes(f, *args, wrt=0, budget=0.05, checkpoint=None):
    """Measure forward and reverse mode on `f(*args)`; returns a `ModeReport`. With
    `checkpoint` (snapshots per loop, or "auto"), also the VJP with checkpointed loops."""
def _time_compiled(report, function, indices, arguments, tangents, cotangent, target, budget):
    """The compiled JVP and VJP: compile time (their first call) and run time. With
    "auto": also what it chose and why (waiting for numba's compilation to finish)."""
    import warnings
    options = usable(make_options(compile=target))
    for which, mode, as_tuple, extra in (("JVP", "jvp", False, tangents), ("VJP", "vjp", True, [cotangent])):
        start = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            code = derivative(function, mode, indices, as_tuple, options)
            code(*arguments, *extra)
            seconds = time.perf_counter() - start
            if target == "auto":
                _settle(code, lambda: code(*arguments, *extra))
                report.choices[which] = choice(code)
        ran = "numba's compiled code"
        if target == "auto":
            ran = "the code compile='auto' chose"
        elif not options.compile or _compiled_function(code) is None:
            reasons = [str(w.message) for w in caught if "NumPy derivative" in str(w.message)]
            ran = "the NumPy code" + (f" ({reasons[0]})" if reasons else "")
        report.compiled[which] = (seconds, ran)
        label = f"one {which} ({'forward' if mode == 'jvp' else 'reverse'}, compiled)"
        report.times[label] = median_seconds(lambda: code(*arguments, *extra), budget)


def _settle(code, call, timeout=600.0):
    """Call a compile="auto" derivative until it has chosen (numba's compilation finished,
    both timed)."""
    from .compiled.auto import choices
    deadline = time.perf_counter() + timeout
    for record in choices(code).values():
        record.wait(max(deadline - time.perf_counter(), 0.0))
    for _ in range(100):
        found = choices(code)
        if all(c.backend != "pending" for c in found.values()) or time.perf_counter() > deadline:
            break
        call()


def _compiled_function(entry):
    from .compiled.numba_target import dispatcher
    return dispatcher(entry)


def compare_modes(f, *args, wrt=0, budget=0.05, checkpoint=None, compile=None):
    """Measure forward and reverse mode on `f(*args)`; returns a `ModeReport`. With
    `checkpoint` (snapshots per loop, or "auto"), also the VJP with checkpointed loops.

    ``compile="numba"`` (or ``"numba?"``) also times the compiled JVP and VJP next to the
    NumPy ones, and reports each one's compile time and what ran (the compiled code, or
    the NumPy code and why). ``compile="auto"`` waits for numba's compilation of each, and
    reports what "auto" chose and why (``report.choices``: srcad.compiled.Choice)."""
    indices, _ = _normalize_wrt(wrt)
    function = _plain_function(f)
    arguments, _ = bind_call(function, args)
    arrays_only(function, arguments, indices, "compare_modes")
    value = function(*arguments)
    outputs = value if isinstance(value, tuple) else (value,)
    n = sum(int(np.size(arguments[i])) for i in indices)
    m = sum(int(np.size(o)) for o in outputs)
    tangent_code = derivative(function, "jvp", indices, False)
    cotangent_code = derivative(function, "vjp", indices, True)
    tangents = [np.ones_like(np.asarray(arguments[i], dtype=float)) for i in indices]
    cotangent = tuple(np.ones_like(np.asarray(o, dtype=float)) for o in outputs) \
        if isinstance(value, tuple) else np.ones_like(np.asarray(value, dtype=float))
    report = ModeReport(function.__qualname__, n, m)
    report.times["primal"] = median_seconds(lambda: function(*arguments), budget)
    report.times["one JVP (forward)"] = median_seconds(lambda: tangent_code(*arguments, *tangents), budget)
    report.times["one VJP (reverse)"] = median_seconds(lambda: cotangent_code(*arguments, cotangent), budget)
    if compile:
        _time_compiled(report, function, indices, arguments, tangents, cotangent, compile, budget)
    report.times[f"Jacobian, forward ({n} directions)"] = median_seconds(
        lambda: forward_jacobian(function, indices, arguments), budget)
    if not isinstance(value, tuple):
        report.times[f"Jacobian, reverse ({m} directions)"] = median_seconds(
            lambda: reverse_jacobian(function, indices, arguments), budget)
    report.times[f"Jacobian, {n} separate JVP calls"] = median_seconds(
        lambda: forward_jacobian(function, indices, arguments, vector=False), budget)
    if not isinstance(value, tuple):
        report.times[f"Jacobian, {m} separate VJP calls"] = median_seconds(
            lambda: reverse_jacobian(function, indices, arguments, vector=False), budget)
    if checkpoint is not None:
        _checkpointing(report, function, indices, arguments, cotangent, checkpoint, budget)
    report.operations = {"forward": operation_count(tangent_code), "reverse": operation_count(cotangent_code)}
    report.tape = tape_length(function, indices, arguments)
    jacobians = {k: v for k, v in report.times.items() if k.startswith("Jacobian, forward (")
                 or k.startswith("Jacobian, reverse (")}
    report.recommended = "forward" if min(jacobians, key=jacobians.get).startswith("Jacobian, forward") \
        else "reverse"
    if not isinstance(value, tuple):
        _measure_sparse(report, f, function, indices, arguments, wrt, budget)
    return report


def _measure_sparse(report, f, function, indices, arguments, wrt, budget):
    """When the Jacobian's pattern (dependency mode) needs fewer colors than the dense
    Jacobian needs directions, time the colored Jacobian too (pattern cached)."""
    try:
        from .sparse import dependency_pattern, jacobian_plan
        plan = jacobian_plan(dependency_pattern(function, indices, arguments))
    except (ImportError, SrcadError):   # no SciPy, or code the dependency mode cannot run
        return
    if plan.count >= min(report.n, report.m):
        return
    report.sparsity = {"nonzeros": int(plan.pattern.nnz), "colors": plan.count, "mode": plan.method}
    colored = jacobian(f, wrt, sparse=True)
    colored(*arguments)
    report.times[f"Jacobian, sparse ({plan.count} colors)"] = median_seconds(
        lambda: colored(*arguments), budget)
