"""Reverse mode through a long ODE integration, in bounded memory: checkpointing.

    python examples/checkpointed_ode.py [--steps 2000] [--dim 1000] [--plot docs/checkpointing.png]

A 1000-dimensional linear + tanh ODE, dy/dt = -y + tanh(W y), integrated with classic
fourth-order Runge-Kutta. The gradient of a loss of the final state with respect to the
initial state is taken taped (``srcad.grad(loss)``: a tape entry per step) and with
checkpointing (``srcad.grad(loss, checkpoint=k)``: k snapshots of the state, the rest
recomputed on the binomial schedule), for several k. For each: the peak memory of one
gradient (tracemalloc), its time divided by the primal's, and whether it equals the taped
gradient bit for bit. The table and the plot are in docs/checkpointing.md.
"""
import argparse
import time
import tracemalloc

import numpy as np

import srcad
from srcad.checkpointing import revolve


def field(y, W):
    return -y + np.tanh(W @ y)


def loss(y, W, steps, h):
    for _ in range(steps):
        k1 = field(y, W)
        k2 = field(y + 0.5 * h * k1, W)
        k3 = field(y + 0.5 * h * k2, W)
        k4 = field(y + h * k3, W)
        y = y + h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
    return np.sum(y * y)


def problem(dim, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal(dim), rng.standard_normal((dim, dim)) / np.sqrt(dim)


def time_over_primal(call, primal, rounds=3):
    """(the gradient's time / the primal's, its result): each timed `rounds` times in turns,
    the least of each kept (the runs the other programs on a shared machine disturbed
    least, at about the same moment)."""
    gradient_times, primal_times = [], []
    for _ in range(rounds):
        start = time.perf_counter()
        primal()
        primal_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        result = call()
        gradient_times.append(time.perf_counter() - start)
    return min(gradient_times) / min(primal_times), result


def peak_bytes(call):
    """The most memory `call()` holds at once (tracemalloc, which slows NumPy's allocations:
    times are measured on separate runs)."""
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def measure(steps, dim, snapshot_counts, h=0.01):
    """Rows (label, k, peak MB, gradient time / primal, forward runs per step, exact)."""
    y0, W = problem(dim)
    start = time.perf_counter()
    loss(y0, W, steps, h)
    primal = time.perf_counter() - start
    rows = []
    for k in (None, *snapshot_counts):
        gradient = srcad.grad(loss, checkpoint=k)
        gradient(y0, W, 2, h)   # generate the code before measuring
        ratio, value = time_over_primal(lambda: gradient(y0, W, steps, h), lambda: loss(y0, W, steps, h))
        peak = peak_bytes(lambda: gradient(y0, W, steps, h)) / 2 ** 20
        if k is None:
            reference = value
            rows.append(("taped", None, peak, ratio, 1.0, True))
            continue
        runs = 2.0 + revolve(steps, k, taken_forward=True).advances() / steps   # primal, taped, advances
        rows.append((f"k = {k}", k, peak, ratio, runs, np.array_equal(value, reference)))
    return primal, rows


def table(steps, dim, primal, rows):
    lines = [f"RK4, {dim}-dimensional state, {steps} steps; primal {primal:.2f} s", "",
             "| gradient | peak memory (MB) | vs taped | time / primal | forward runs per step | "
             "equals taped |", "| --- | ---: | ---: | ---: | ---: | --- |"]
    taped_peak = rows[0][2]
    for label, _, peak, ratio, runs, exact in rows:
        lines.append(f"| {label} | {peak:.1f} | {100 * peak / taped_peak:.1f}% | {ratio:.1f} | "
                     f"{runs:.2f} | {'bit for bit' if exact else 'NO'} |")
    return "\n".join(lines)


def plot(rows, path, steps, dim):
    """Peak memory against time / primal, one point per k (needs matplotlib)."""
    try:
        import matplotlib
    except ImportError:
        print("matplotlib is not installed (pip install 'srcad[plot]'): no plot")
        return None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    figure, axes = plt.subplots(figsize=(7, 4.2))
    for label, _, peak, ratio, _, _ in rows:
        axes.scatter(ratio, peak, color="#c44e52" if label == "taped" else "#4c72b0")
        axes.annotate(label, (ratio, peak), textcoords="offset points", xytext=(6, 4))
    axes.set_yscale("log")
    axes.set_xlabel("gradient time / primal time")
    axes.set_ylabel("peak memory of the gradient (MB, log scale)")
    axes.set_title(f"Checkpointed RK4, {dim} states, {steps} steps: memory vs time")
    axes.grid(True, which="both", alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--dim", type=int, default=1000)
    parser.add_argument("--snapshots", type=int, nargs="+", default=[5, 10, 20, 50, 200])
    parser.add_argument("--plot", default=None, help="write the figure to this PNG")
    args = parser.parse_args(argv)
    primal, rows = measure(args.steps, args.dim, args.snapshots)
    print(table(args.steps, args.dim, primal, rows))
    if args.plot:
        plot(rows, args.plot, args.steps, args.dim)
    return rows


if __name__ == "__main__":
    main()
