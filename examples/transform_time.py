"""Time to the first derivative of seed example 3 (y = x @ w.T), uncached and cached.

srcad transforms a function the first time it is differentiated and writes the generated
module to its disk cache; a later process loads that file instead of transforming again.
This script measures both, each in a fresh Python process:

  uncached: SRCAD_CACHE_DIR is a new, empty temporary directory;
  cached:   a second fresh process with the same directory.

The clock runs inside the child, with time.perf_counter around the first
``srcad.vjp(seed3_matmul, wrt=(0, 1))(x, w, v)``; interpreter start-up and
``import srcad`` are not counted. It also times a second, identical call in the same
process (the in-memory cache) for comparison. Median of 5 runs of each.

    python examples/transform_time.py
"""
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile

RUNS = 5
EXAMPLES = pathlib.Path(__file__).resolve().parent

CHILD = """
import json, sys, time
sys.path.insert(0, {examples!r})
import numpy as np
import srcad
import srcad.cache
from seeds import seed3_matmul

x = np.arange(1.0, 10.0).reshape(3, 3)
w = np.arange(1.0, 7.0).reshape(2, 3)
v = np.ones((3, 2))

start = time.perf_counter()
y, (x_bar, w_bar) = srcad.vjp(seed3_matmul, wrt=(0, 1))(x, w, v)
first = time.perf_counter() - start

start = time.perf_counter()
srcad.vjp(seed3_matmul, wrt=(0, 1))(x, w, v)
again = time.perf_counter() - start

assert (x_bar == [[5, 7, 9]] * 3).all() and (w_bar == [[12, 15, 18]] * 2).all()
print(json.dumps({{"first": first, "again": again, "stats": srcad.cache.STATS}}))
"""


def child(cache_dir):
    """Run one fresh interpreter with the given cache directory; return its measurements."""
    environment = dict(os.environ, SRCAD_CACHE_DIR=str(cache_dir))
    completed = subprocess.run([sys.executable, "-c", CHILD.format(examples=str(EXAMPLES))],
                               env=environment, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        sys.exit(f"child process failed:\n{completed.stderr}")
    return json.loads(completed.stdout.splitlines()[-1])


def main():
    uncached, cached, in_memory = [], [], []
    with tempfile.TemporaryDirectory(prefix="srcad-transform-time-") as root:
        for run in range(RUNS):
            cache_dir = pathlib.Path(root) / f"run{run}"
            cache_dir.mkdir()
            cold = child(cache_dir)
            warm = child(cache_dir)
            # The first process must have transformed, the second must have read the file.
            assert cold["stats"]["transforms"] == 1 and cold["stats"]["disk_hits"] == 0, cold
            assert warm["stats"]["transforms"] == 0 and warm["stats"]["disk_hits"] == 1, warm
            uncached.append(cold["first"])
            cached.append(warm["first"])
            in_memory += [cold["again"], warm["again"]]

    def row(label, seconds):
        ms = [s * 1e3 for s in seconds]
        return f"{label:<44}{statistics.median(ms):>10.2f}{min(ms):>10.2f}{max(ms):>10.2f}"

    print(f"Time to the first VJP of seed3_matmul (y = x @ w.T), {RUNS} fresh processes each")
    print(f"Python {sys.version.split()[0]}, {sys.platform}; times in ms, inside the child\n")
    print(f"{'':<44}{'median':>10}{'min':>10}{'max':>10}")
    print(row("uncached (empty SRCAD_CACHE_DIR: transform)", uncached))
    print(row("cached (second process, same directory)", cached))
    print(row("later call in the same process (memory)", in_memory))
    speedup = statistics.median(uncached) / statistics.median(cached)
    print(f"\nThe disk cache makes the first derivative {speedup:.1f}x faster to obtain.")


if __name__ == "__main__":
    main()
