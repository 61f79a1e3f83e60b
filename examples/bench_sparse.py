"""Sparse against dense Jacobians and Hessians at n = 10,000 (a benchmark, not a test).

    python examples/bench_sparse.py [--json docs/sparse_bench.json]

1. The residual of a 2-D reaction-diffusion equation on a 100 x 100 periodic grid
   (5-point stencil + a cubic reaction): n = m = 10,000.
2. The energy of a chain with pairwise interactions between neighbors, n = 10,000: its
   Hessian is tridiagonal.

For each it times, in one run: srcad's sparse route (pattern detection + coloring +
one colored vector-mode sweep, then the same on new inputs with the pattern cached), and
the dense vector-mode Jacobian / Hessian. A dense sweep with all 10,000 directions needs
10,000 x 10,000 floats per intermediate value (800 MB each), so the dense times are
measured on a slice of the directions (`DENSE_SLICE`) and scaled to all of them, and the
report says so. JAX's jacfwd / hessian (dense, the same slice) and sparsejac (JAX with the
pattern given, colored) are timed when installed. Generated code is warm (srcad caches it
on disk after the first run); JAX functions are jitted and warm.
"""
import argparse
import json
import platform
import time

import numpy as np

import srcad
from srcad.sparse import _derivative

N = 100               # grid side: n = N * N unknowns
DENSE_SLICE = 500     # directions of the dense sweep actually run


def reaction_diffusion(u, d=0.05):
    """Residual of u_t = d * laplacian(u) + u (1 - u)(u - 0.3) on a periodic grid."""
    lap = np.roll(u, 1, 0) + np.roll(u, -1, 0) + np.roll(u, 1, 1) + np.roll(u, -1, 1) - 4 * u
    return d * lap + u * (1 - u) * (u - 0.3)


def chain_energy(x):
    """Pairwise interactions between neighbors on a chain, plus an on-site term."""
    bonds = x[1:] - x[:-1]
    return np.sum((bonds ** 2 - 1.0) ** 2 + np.exp(-bonds ** 2)) + 0.5 * np.sum(x ** 2)


def seconds(call, repeat=3):
    """Best of `repeat` timings of `call()`."""
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    return best


def dense_slice_seconds(code, args, n, count):
    """Time a vector-mode sweep with `count` of the n unit directions; scaled to n."""
    directions = np.zeros((count, n))
    directions[np.arange(count), np.arange(count)] = 1.0
    shaped = directions.reshape((count,) + np.shape(args[0]))
    return seconds(lambda: code(*args, shaped), repeat=2) * n / count


def assert_first_columns(code, x, matrix, count=7):
    """The sparse matrix's first columns are the dense sweep's."""
    directions = np.zeros((count, x.size))
    directions[np.arange(count), np.arange(count)] = 1.0
    columns = np.asarray(code(x, directions.reshape((count,) + x.shape))[1]).reshape(count, -1)
    np.testing.assert_allclose(matrix[:, :count].toarray().T, columns, rtol=1e-12, atol=1e-12)


def jacobian_case():
    rng = np.random.default_rng(0)
    u, fresh = rng.uniform(0.1, 0.9, (N, N)), rng.uniform(0.1, 0.9, (N, N))
    n = u.size
    srcad.jacobian(reaction_diffusion, sparse=True)(u)        # generate (and cache) the code
    first = {}

    def detect_color_evaluate():
        jacobian = srcad.jacobian(reaction_diffusion, sparse=True)   # a new object: no cached plan
        first["matrix"], first["jacobian"] = jacobian(u), jacobian
    sparse_first = seconds(detect_color_evaluate)
    jacobian = first["jacobian"]
    plan = next(iter(jacobian.plans.values()))
    detect = seconds(lambda: srcad.jacobian_sparsity(reaction_diffusion)(u))
    sparse_again = seconds(lambda: jacobian(fresh))
    code = _derivative(reaction_diffusion, "jvp_batch", (0,), False, [u])
    dense = dense_slice_seconds(code, [u, 0.05], n, DENSE_SLICE)
    assert_first_columns(lambda x, t: code(x, 0.05, t), u, first["matrix"])
    result = {"n": n, "nonzeros": int(plan.pattern.nnz), "colors": plan.count, "mode": plan.method,
              "detect_seconds": detect, "sparse_first_seconds": sparse_first,
              "sparse_cached_seconds": sparse_again, "dense_vector_seconds": dense,
              "dense_measured_directions": DENSE_SLICE}
    result.update(jax_jacobian(u, plan.pattern))
    return result


def hessian_case():
    rng = np.random.default_rng(1)
    x, fresh = rng.uniform(-1, 1, N * N), rng.uniform(-1, 1, N * N)
    n = x.size
    srcad.hessian(chain_energy, sparse=True)(x)
    first = {}

    def detect_color_evaluate():
        hessian = srcad.hessian(chain_energy, sparse=True)
        first["matrix"], first["hessian"] = hessian(x), hessian
    sparse_first = seconds(detect_color_evaluate)
    hessian = first["hessian"]
    plan = next(iter(hessian.plans.values()))
    sparse_again = seconds(lambda: hessian(fresh))
    gradient = _derivative(chain_energy, "grad", (0,), True, [x])
    code = _derivative(gradient, "jvp_batch", (0,), False, [x])
    dense = dense_slice_seconds(code, [x], n, DENSE_SLICE)
    assert_first_columns(code, x, first["matrix"])
    result = {"n": n, "nonzeros": int(plan.pattern.nnz), "colors": plan.count, "coloring": plan.method,
              "sparse_first_seconds": sparse_first, "sparse_cached_seconds": sparse_again,
              "dense_vector_seconds": dense, "dense_measured_directions": DENSE_SLICE}
    result.update(jax_hessian(x))
    return result


def jax_jacobian(u, pattern):
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return {}
    jax.config.update("jax_enable_x64", True)

    def residual(flat):
        v = flat.reshape(N, N)
        lap = jnp.roll(v, 1, 0) + jnp.roll(v, -1, 0) + jnp.roll(v, 1, 1) + jnp.roll(v, -1, 1) - 4 * v
        return (0.05 * lap + v * (1 - v) * (v - 0.3)).ravel()
    flat = jnp.asarray(u.ravel())
    n = flat.size
    basis = jnp.eye(n)[:DENSE_SLICE]
    pushed = jax.jit(jax.vmap(lambda t: jax.jvp(residual, (flat,), (t,))[1]))
    pushed(basis).block_until_ready()
    out = {"jax_jacfwd_seconds": seconds(lambda: pushed(basis).block_until_ready()) * n / DENSE_SLICE}
    try:
        import sparsejac
        from jax.experimental import sparse as jsparse
    except ImportError:
        return out
    coo = pattern.tocoo()
    given = jsparse.BCOO((jnp.ones(coo.nnz, bool), jnp.stack([coo.row, coo.col], 1)), shape=pattern.shape)
    colored = jax.jit(sparsejac.jacfwd(residual, sparsity=given))
    colored(flat).block_until_ready()
    out["sparsejac_seconds"] = seconds(lambda: colored(flat).block_until_ready())
    return out


def jax_hessian(x):
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return {}
    jax.config.update("jax_enable_x64", True)

    def energy(v):
        bonds = v[1:] - v[:-1]
        return jnp.sum((bonds ** 2 - 1.0) ** 2 + jnp.exp(-bonds ** 2)) + 0.5 * jnp.sum(v ** 2)
    flat = jnp.asarray(x)
    basis = jnp.eye(flat.size)[:DENSE_SLICE]
    pushed = jax.jit(jax.vmap(lambda t: jax.jvp(jax.grad(energy), (flat,), (t,))[1]))
    pushed(basis).block_until_ready()
    return {"jax_hessian_seconds": seconds(lambda: pushed(basis).block_until_ready()) * flat.size / DENSE_SLICE}


def report(name, result):
    print(f"\n{name}: n = {result['n']}, {result['nonzeros']} nonzeros, {result['colors']} colors")
    dense = result["dense_vector_seconds"]
    print(f"  dense vector mode  {dense:9.3f} s  (measured on {result['dense_measured_directions']} "
          f"of {result['n']} directions, scaled)")
    if "detect_seconds" in result:
        print(f"  pattern detection  {result['detect_seconds']:9.4f} s")
    print(f"  sparse, first call {result['sparse_first_seconds']:9.4f} s  (detection + coloring + "
          f"sweep): dense / sparse = {dense / result['sparse_first_seconds']:.0f}")
    print(f"  sparse, new inputs {result['sparse_cached_seconds']:9.4f} s  (pattern cached): "
          f"dense / sparse = {dense / result['sparse_cached_seconds']:.0f}")
    for key in ("jax_jacfwd_seconds", "jax_hessian_seconds", "sparsejac_seconds"):
        if key in result:
            print(f"  {key[:-8]:18} {result[key]:9.4f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="also write the figures to this file")
    options = parser.parse_args()
    results = {"machine": f"{platform.processor() or platform.machine()}, Python {platform.python_version()}, "
                          f"NumPy {np.__version__}",
               "jacobian": jacobian_case(), "hessian": hessian_case()}
    report("Jacobian of the reaction-diffusion residual (100 x 100 grid)", results["jacobian"])
    report("Hessian of the chain energy", results["hessian"])
    if options.json:
        with open(options.json, "w") as file:
            json.dump(results, file, indent=1)


if __name__ == "__main__":
    main()
