"""One benchmark process: ``python -m srcad.bench.worker SYSTEM [WORKLOAD ...]``.

For each workload: build the system's primal and gradient, time the first gradient (the
transformation, tracing or compilation included), check the gradient against the
hand-written reference, then time primal and gradient (medians). srcad's worker also times
the hand-written gradient, in turns with its own, so that srcad / hand-written compares
numbers taken side by side. Prints one JSON object.
Each system runs in its own process so that no library's start-up or caches touch another.
"""
import json
import sys
import time

import numpy as np

from ..compare import interleaved_medians, median_seconds
from .reference import WORKLOADS
from .systems import SYSTEMS


def _close(got, expected):
    return all(np.allclose(g, e, rtol=1e-6, atol=1e-9) for g, e in zip(got, expected))


def run(system_name, names, budget=0.2):
    system = SYSTEMS[system_name]()
    results = {}
    prepare = getattr(system, "prepare", None)
    if prepare is not None:
        start = time.perf_counter()
        prepare()
        results["_prepare_seconds"] = time.perf_counter() - start
    for workload in WORKLOADS:
        if names and workload.name not in names:
            continue
        args = workload.args()
        reference = workload.gradient(*args, workload.cotangent) if workload.cotangent is not None \
            else workload.gradient(*args)
        reference = reference if isinstance(reference, tuple) else (reference,)
        try:
            start = time.perf_counter()
            primal, gradient = system.make(workload, args)
            first = gradient()
            first_seconds = time.perf_counter() - start
            correct = _close(system.to_numpy(first), [np.asarray(r, dtype=np.float64) for r in reference])
            entry = {"first_gradient": first_seconds, "correct": bool(correct)}
            if system_name == "srcad":   # srcad / hand-written: measured side by side, in turns
                hand = SYSTEMS["hand"]().make(workload, args)[1]
                entry["primal"], entry["hand_gradient"], entry["gradient"] = \
                    interleaved_medians([primal, hand, gradient], budget)
            else:
                entry.update(primal=median_seconds(primal, budget), gradient=median_seconds(gradient, budget))
            results[workload.name] = entry
        except Exception as error:  # a peer that cannot run a workload is reported, not fatal
            results[workload.name] = {"error": f"{type(error).__name__}: {error}"[:300]}
    return results


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1], sys.argv[2:])))
