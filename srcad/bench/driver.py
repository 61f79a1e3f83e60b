"""Runs every system in its own process, checks the gradients, and reports ratios measured
in the same run: a Markdown table, a JSON file, and optionally a chart."""
import argparse
import importlib.util
import json
import os
import platform
import subprocess
import sys
import tempfile

import numpy as np

from .reference import WORKLOADS
from .systems import MODULES, PEERS, SYSTEMS


def _worker(system, names, cache_dir):
    env = dict(os.environ, SRCAD_CACHE_DIR=cache_dir)
    done = subprocess.run([sys.executable, "-m", "srcad.bench.worker", system, *names],
                          capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def available_peers():
    return [p for p in PEERS if importlib.util.find_spec(MODULES[p]) is not None]


def versions():
    import numpy
    found = {"python": platform.python_version(), "numpy": numpy.__version__,
             "machine": f"{platform.machine()}, {os.cpu_count()} cores"}
    from importlib import metadata
    for package in ("autograd", "jax", "jaxlib", "torch"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            pass
    return found


def run(names, systems):
    results = {}
    with tempfile.TemporaryDirectory() as cache:
        for system in systems:
            results[system] = _worker(system, names, cache)
            if system in ("srcad", "srcad-numba"):   # a second process reads what the first cached
                results[f"{system} (disk cache)"] = _worker(system, names, cache)
    return results


def _us(seconds):
    return f"{seconds * 1e6:,.1f}" if seconds < 0.1 else f"{seconds * 1e3:,.0f} ms"


def _cell(results, system, workload, key):
    entry = results.get(system, {}).get(workload)
    if not entry or "error" in entry:
        return "—"
    mark = "" if entry.get("correct", True) else " (wrong!)"
    return _us(entry[key]) + mark


def ratio(results, a, b, workload, key="gradient"):
    x, y = results.get(a, {}).get(workload, {}), results.get(b, {}).get(workload, {})
    if key not in x or key not in y:
        return None
    return x[key] / y[key]


def _table(header, rows):
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)] \
        + ["| " + " | ".join(row) + " |" for row in rows]


def markdown(results, names, systems):
    peers = [s for s in systems if s in PEERS]
    chosen = [w for w in WORKLOADS if w.name in names]
    gradient_rows = []
    for workload in chosen:
        w = workload.name
        primal, hand, srcad = _side_by_side(results, w)
        row = [workload.label, _us_or_dash(primal), _us_or_dash(hand), _cell(results, "srcad", w, "gradient"),
               _format_ratio(srcad / hand if srcad and hand else None),
               _format_ratio(srcad / primal if srcad and primal else None)]
        row += [_cell(results, p, w, "gradient") for p in peers]
        row += [_format_ratio(ratio(results, "srcad", p, w)) for p in peers]
        gradient_rows.append(row)
    first_rows = [[workload.label, _ms(results, "srcad", workload.name),
                   _ms(results, "srcad (disk cache)", workload.name)]
                  + [_ms(results, p, workload.name) for p in peers] for workload in chosen]
    peer_names = [SYSTEMS[p].name for p in peers]
    compiled = _compiled_tables(results, chosen, "srcad-numba-parallel" in systems) \
        if "srcad-numba" in systems else []
    return "\n".join(
        ["### Gradient time (µs, median) and ratios measured in the same run", ""]
        + _table(["workload", "primal", "hand-written", "srcad", "srcad / hand", "grad / primal"]
                 + peer_names + [f"srcad / {n}" for n in peer_names], gradient_rows)
        + ["", "### Time to the first gradient (transformation, tracing or compilation included)", ""]
        + _table(["workload", "srcad, uncached", "srcad, disk cache"] + peer_names, first_rows)
        + compiled)


def _compiled_tables(results, chosen, parallel=False):
    """srcad's compiled derivatives against its NumPy path, JAX's jit and hand-written numba:
    gradient times, ratios (also to the primal, which fusion aims at), and compile times
    (uncached; in a new process with srcad's and numba's disk caches warm, numba's own
    import excluded)."""
    compiled = ["srcad-numba"] + (["srcad-numba-parallel"] if parallel else [])
    rows, first = [], []
    for workload in chosen:
        w = workload.name
        primal = _side_by_side(results, w)[0]
        row = [workload.label, _us_or_dash(primal)] + [
            _cell(results, s, w, "gradient") for s in ["srcad"] + compiled + ["jax-jit", "numba-hand"]]
        row += [_format_ratio(ratio(results, system, "srcad", w)) for system in compiled]
        row += [_format_ratio(ratio(results, "srcad-numba", other, w)) for other in ("jax-jit", "numba-hand")]
        row += [_format_ratio(_over(results.get(system, {}).get(w, {}).get("gradient"), primal))
                for system in compiled]
        rows.append(row)
        first.append([workload.label, _ms(results, "srcad-numba", w), _ms(results, "srcad-numba (disk cache)", w),
                      _ms(results, "jax-jit", w)])
    names = ["numba"] + (["numba, parallel"] if parallel else [])
    return (["", "### Compiled derivatives (`compile=\"numba\"`): gradient time (µs, median)", ""]
            + _table(["workload", "primal", "srcad (NumPy)"] + [f"srcad ({n})" for n in names]
                     + ["JAX (jit)", "hand-written numba"] + [f"{n} / NumPy" for n in names]
                     + ["numba / jax.jit", "numba / hand numba"] + [f"{n}: grad / primal" for n in names], rows)
            + ["", "### Compiled derivatives: time to the first gradient", ""]
            + _table(["workload", "srcad (numba), uncached", "srcad (numba), disk caches warm", "JAX (jit)"], first))


def _over(a, b):
    return None if a is None or not b else a / b


def _side_by_side(results, w):
    """(primal, hand-written, srcad) gradient seconds, as srcad's worker measured them in
    turns; from separate processes for results without that measurement."""
    entry = results.get("srcad", {}).get(w, {})
    if "hand_gradient" in entry:
        return entry["primal"], entry["hand_gradient"], entry["gradient"]
    hand = results.get("hand", {}).get(w, {})
    return hand.get("primal"), hand.get("gradient"), entry.get("gradient")


def _us_or_dash(seconds):
    return "—" if seconds is None else _us(seconds)


def _ms(results, system, w):
    entry = results.get(system, {}).get(w)
    return "—" if not entry or "error" in entry else f"{entry['first_gradient'] * 1e3:,.1f} ms"


def _format_ratio(value):
    return "—" if value is None else f"{value:.2f}"


def plot(results, names, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    systems = [s for s in ("hand", "srcad", *PEERS) if s in results]
    figure, axes = plt.subplots(figsize=(11, 4.5))
    width = 0.8 / len(systems)
    for k, system in enumerate(systems):
        values = [results[system].get(w, {}).get("gradient", np.nan) * 1e6 for w in names]
        axes.bar(np.arange(len(names)) + k * width, values, width, label=SYSTEMS[system].name)
    axes.set_yscale("log")
    axes.set_xticks(np.arange(len(names)) + 0.4 - width / 2, names, rotation=20, ha="right")
    axes.set_ylabel("gradient time, µs (median, log scale)")
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(prog="srcad bench", description=__doc__)
    parser.add_argument("workloads", nargs="*",
                        help=f"workload names (default: all): {', '.join(w.name for w in WORKLOADS)}")
    parser.add_argument("--systems", default=None, help="comma-separated: hand,srcad,autograd,jax,jax-jit,torch")
    parser.add_argument("--json", default="bench.json", help="where to write the raw results")
    parser.add_argument("--markdown", default=None, help="also write the tables to this file")
    parser.add_argument("--plot", default=None, metavar="PNG", help="draw the gradient times (matplotlib)")
    options = parser.parse_args(argv)
    names = options.workloads or [w.name for w in WORKLOADS]
    unknown = set(names) - {w.name for w in WORKLOADS}
    if unknown:
        parser.error(f"unknown workloads {sorted(unknown)}; choose from {[w.name for w in WORKLOADS]}")
    systems = options.systems.split(",") if options.systems else ["hand", "srcad", *available_peers()]
    results = run(names, systems)
    info = versions()
    text = "\n".join([f"machine: {info.pop('machine')}; " + ", ".join(f"{k} {v}" for k, v in info.items()),
                      "", markdown(results, names, systems)])
    print(text)
    with open(options.json, "w") as handle:
        json.dump({"versions": versions(), "results": results}, handle, indent=1)
    if options.markdown:
        with open(options.markdown, "w") as handle:
            handle.write(text + "\n")
    if options.plot:
        print(f"chart: {plot(results, names, options.plot)}")
    return 0
