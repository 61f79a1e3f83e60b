"""What ``compile="auto"`` chooses on the bench workloads, and the times behind it:
``python -m srcad.bench.auto_choice [WORKLOAD ...] [--strict]``.

For each workload (one after the other, in this process): the first call of the gradient
(it waits for numba at most the budget), the wait until numba's compilation finished, the
calls until "auto" has chosen, its choice and reason, and then the median time of a
gradient call of "auto" (what it chose) and of the NumPy gradient, measured in turns.
``--strict`` also times compile="numba" (its first call: the compilation) and its gradient.
Prints a Markdown table and writes the raw numbers to auto_choice.json.
"""
import json
import sys
import time
import warnings

from ..compare import interleaved_medians
from .reference import WORKLOADS

DEFAULT = ("scalar_loop", "log_sin_cube", "elementwise_chain", "mlp_loss", "rnn_loss", "gmm_log_likelihood")


def _gradient(workload, compile):
    import srcad
    args = workload.args()
    if workload.cotangent is not None:
        pull = srcad.vjp(workload.function, wrt=workload.wrt[0], compile=compile)
        return (lambda: pull(*args, workload.cotangent)[1]), pull
    gradient = srcad.grad(workload.function, wrt=workload.wrt if len(workload.wrt) > 1 else workload.wrt[0],
                          compile=compile)
    return lambda: gradient(*args), gradient


def measure(workload, strict=False, budget=0.2):
    from ..compiled import choice
    call, gradient = _gradient(workload, "auto")
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    entry = {"first_call": time.perf_counter() - start,
             "warned": any("takes longer than" in str(w.message) for w in caught)}
    made = choice(gradient)
    made.wait()
    entry["ready_after"] = time.perf_counter() - start
    calls = 0
    while made.backend == "pending" and calls < 100:
        call()
        calls += 1
    entry.update(choice=made.backend, reason=made.reason, compile_seconds=made.compile_seconds,
                 calls_to_choose=calls, compiled_min=made.compiled_time, numpy_min=made.numpy_time)
    numpy_call, _ = _gradient(workload, None)
    timed = [call, numpy_call]
    if strict:
        strict_call, _ = _gradient(workload, "numba")
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            strict_call()
        entry["strict_first_call"] = time.perf_counter() - start
        timed.append(strict_call)
    medians = interleaved_medians(timed, budget)
    entry["auto"], entry["numpy"] = medians[:2]
    if strict:
        entry["numba"] = medians[2]
    return entry


def _us(seconds):
    return "—" if seconds is None else (f"{seconds * 1e6:,.1f}" if seconds < 0.1 else f"{seconds * 1e3:,.0f} ms")


def main(argv):
    strict = "--strict" in argv
    names = [a for a in argv if not a.startswith("--")] or list(DEFAULT)
    results = {}
    for workload in WORKLOADS:
        if workload.name in names:
            results[workload.name] = measure(workload, strict)
            print(workload.name, results[workload.name], file=sys.stderr, flush=True)
    with open("auto_choice.json", "w") as handle:
        json.dump(results, handle, indent=1)
    labels = {w.name: w.label for w in WORKLOADS}
    header = ["workload", "choice", "reason", "compilation", "first call", "auto (µs)", "NumPy (µs)"] \
        + (["numba (µs)", "numba's first call"] if strict else [])
    print("| " + " | ".join(header) + " |\n|" + "---|" * len(header))
    for name, entry in results.items():
        row = [labels[name], entry["choice"], entry["reason"],
               "—" if entry["compile_seconds"] is None else f"{entry['compile_seconds']:.1f} s",
               f"{entry['first_call']:.2f} s", _us(entry["auto"]), _us(entry["numpy"])]
        if strict:
            row += [_us(entry["numba"]), f"{entry['strict_first_call']:.1f} s"]
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
