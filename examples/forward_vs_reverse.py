"""Forward vs reverse mode: the time of a full Jacobian by each, as the shape of f changes.

    pip install 'srcad[plot]'        # matplotlib, for the chart
    python examples/forward_vs_reverse.py [docs/forward_vs_reverse.png]

For f: R^n -> R^m, f(x) = tanh(W @ x) * sum(x), the Jacobian (m x n) costs one forward
sweep per input direction or one reverse sweep per output direction. srcad's vector mode
pushes all n (or m) directions through a single sweep, so the cost grows with the number
of directions through the size of the arrays rather than through Python calls. The sweep
shows the crossover: with m fixed, forward mode wins while n < m and reverse mode after;
with n fixed, the other way round.
"""
import sys

import numpy as np

import srcad
from srcad.compare import median_seconds


def f(x, W):
    return np.tanh(W @ x) * np.sum(x)


def jacobian_times(n, m, seed=0):
    rng = np.random.default_rng(seed)
    x, W = rng.normal(size=n), rng.normal(size=(m, n)) / np.sqrt(n)
    forward = srcad.jacobian(f, mode="forward")
    reverse = srcad.jacobian(f, mode="reverse")
    np.testing.assert_allclose(forward(x, W), reverse(x, W), rtol=1e-9, atol=1e-12)
    return median_seconds(lambda: forward(x, W), 0.02), median_seconds(lambda: reverse(x, W), 0.02)


SIZES = (1, 3, 10, 30, 100, 300, 1000)


def sweep(fixed=100):
    """Jacobian times with m fixed (n varies) and with n fixed (m varies)."""
    rows = []
    for n in SIZES:
        rows.append(("n", n, fixed) + jacobian_times(n, fixed))
    for m in SIZES:
        rows.append(("m", fixed, m) + jacobian_times(fixed, m))
    return rows


def plot(rows, path, fixed=100):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    figure, panels = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
    for panel, varied, label in ((panels[0], "n", f"inputs n (m = {fixed} outputs)"),
                                 (panels[1], "m", f"outputs m (n = {fixed} inputs)")):
        chosen = [r for r in rows if r[0] == varied]
        sizes = [r[1] if varied == "n" else r[2] for r in chosen]
        panel.loglog(sizes, [r[3] * 1e6 for r in chosen], "o-", label="forward mode (n directions)")
        panel.loglog(sizes, [r[4] * 1e6 for r in chosen], "s-", label="reverse mode (m directions)")
        panel.axvline(fixed, color="grey", linestyle=":", linewidth=1)
        panel.set_xlabel(label)
        panel.grid(True, which="both", alpha=0.3)
    panels[0].set_ylabel("full Jacobian, microseconds (median)")
    panels[0].legend()
    figure.suptitle("srcad: Jacobian of f(x) = tanh(W x) * sum(x), vector mode, by each mode")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def main(path=None):
    rows = sweep()
    print(f"{'varied':>6} {'n':>5} {'m':>5} {'forward':>12} {'reverse':>12}  faster")
    for varied, n, m, forward, reverse in rows:
        faster = "forward" if forward < reverse else "reverse"
        print(f"{varied:>6} {n:>5} {m:>5} {forward * 1e6:>10.1f}us {reverse * 1e6:>10.1f}us  {faster}")
    if path:
        plot(rows, path)
        print(f"chart: {path}")
    return rows


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
