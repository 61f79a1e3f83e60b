"""The gradient of a GMM log-likelihood over many samples, chunked, on a Dask cluster.

srcad's derivative of NumPy code runs unchanged on Dask arrays: it builds one lazy graph,
chunk by chunk, which a `LocalCluster` of worker processes (or a real cluster) computes
while the data streams through; no process ever holds the whole data set.

    python examples/dask_gradient.py                       # 2e5 elements, checked against NumPy
    python examples/dask_gradient.py --elements 1e8        # 800 MB of float64, 1e6 values per chunk
    python examples/dask_gradient.py --elements 1e8 --numpy --json out.json   # + NumPy's time

`--model chain` takes the elementwise chain of the benchmark instead; its gradient is as
large as its input, so the example reduces it (its squared norm) as it streams.
The data are drawn on the workers (``dask.array.random``), chunk by chunk, as a file read
in chunks would be.
"""
import argparse
import json
import resource
import time

import numpy as np

import srcad

DIMENSIONS, COMPONENTS = 4, 3


def gmm_log_likelihood(means, log_vars, log_weights, X):
    diff = X[:, None, :] - means[None, :, :]
    log_det = np.sum(log_vars, axis=1)
    mahalanobis = np.sum(diff ** 2 * np.exp(-log_vars)[None, :, :], axis=2)
    log_norm = log_weights - np.log(np.sum(np.exp(log_weights)))
    log_p = log_norm[None, :] - 0.5 * (mahalanobis + log_det[None, :] + X.shape[1] * np.log(2 * np.pi))
    top = np.max(log_p, axis=1, keepdims=True)
    return np.sum(top[:, 0] + np.log(np.sum(np.exp(log_p - top), axis=1)))


def elementwise_chain(x):
    return np.sum(np.sin(x) * np.exp(-x ** 2) + np.tanh(x) / (1 + x ** 2))


def parameters():
    rng = np.random.default_rng(1)
    return (rng.normal(size=(COMPONENTS, DIMENSIONS)), 0.1 * rng.normal(size=(COMPONENTS, DIMENSIONS)),
            rng.normal(size=COMPONENTS))


def gradient(model, data):
    """The gradient (a tuple of arrays, of data's type) that the example computes."""
    if model == "gmm":
        return srcad.grad(gmm_log_likelihood, (0, 1, 2))(*parameters(), data)
    x_bar = srcad.grad(elementwise_chain)(data)
    return (np.sum(x_bar ** 2),)     # as large as the data: reduced as it streams


def lazy_data(model, elements, chunk_rows):
    import dask.array as da
    rng = da.random.default_rng(0)
    if model == "gmm":
        rows = int(elements) // DIMENSIONS
        return rng.normal(size=(rows, DIMENSIONS), chunks=(chunk_rows, DIMENSIONS))
    return rng.normal(size=int(elements), chunks=chunk_rows)


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024     # Linux: kB


def on_cluster(model, elements, chunk_rows, workers=2, quiet=False):
    """(gradient as NumPy arrays, seconds, worker peak memory in MB each, idle and computing,
    the lazy data)."""
    from dask.distributed import Client, LocalCluster, progress
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as cluster, Client(cluster) as client:
        data = lazy_data(model, elements, chunk_rows)
        client.run(lambda: np.sin(np.ones(8)))     # the workers import NumPy before the clock starts
        idle = list(client.run(peak_rss_mb).values())
        start = time.perf_counter()
        lazy = gradient(model, data)             # a graph: nothing is computed yet
        futures = client.compute(list(lazy))
        if not quiet:
            progress(futures)
            print()
        result = [np.asarray(r) for r in client.gather(futures)]
        seconds = time.perf_counter() - start
        peaks = list(client.run(peak_rss_mb).values())
    return result, seconds, (idle, peaks), data


def with_numpy(model, elements):
    """(gradient, seconds) of NumPy on data drawn in memory (the drawing timed too)."""
    start = time.perf_counter()
    rng = np.random.default_rng(0)
    data = rng.normal(size=(int(elements) // DIMENSIONS, DIMENSIONS) if model == "gmm" else int(elements))
    result = [np.asarray(r) for r in gradient(model, data)]
    return result, time.perf_counter() - start


def main(model="gmm", elements=2e5, chunk_rows=None, workers=2, numpy=False, quiet=False):
    width = DIMENSIONS if model == "gmm" else 1
    chunk_rows = chunk_rows or max(1, min(int(1e6) // width, int(elements) // (8 * width)))
    result, seconds, (idle, peaks), data = on_cluster(model, elements, chunk_rows, workers, quiet)
    report = {"model": model, "elements": int(elements), "data_mb": elements * 8 / 2 ** 20,
              "chunks": len(data.chunks[0]), "chunk_rows": chunk_rows, "workers": workers,
              "dask_seconds": seconds, "dask_elements_per_second": elements / seconds,
              "worker_idle_mb": idle, "worker_peak_mb": peaks, "client_peak_mb": peak_rss_mb()}
    if numpy:
        expected, numpy_seconds = with_numpy(model, elements)
        report.update(numpy_seconds=numpy_seconds, numpy_elements_per_second=elements / numpy_seconds,
                      numpy_peak_mb=peak_rss_mb())
    if not quiet:
        print(f"{model}: gradient over {report['elements']:.3g} float64 values "
              f"({report['data_mb']:,.0f} MB) in {report['chunks']} chunks on {workers} workers: "
              f"{seconds:.2f} s, {report['dask_elements_per_second']:.3g} values/s")
        print("peak memory of each worker (MB): " + ", ".join(f"{p:,.0f}" for p in peaks)
              + " (idle: " + ", ".join(f"{p:,.0f}" for p in idle) + f")  |  data: {report['data_mb']:,.0f} MB")
        if numpy:
            print(f"NumPy, in one process with the data in memory: {report['numpy_seconds']:.2f} s, "
                  f"peak {report['numpy_peak_mb']:,.0f} MB")
    return result, data, report


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", choices=("gmm", "chain"), default="gmm")
    parser.add_argument("--elements", type=float, default=2e5, help="float64 values of data (1e8: 800 MB)")
    parser.add_argument("--chunk-rows", type=int, default=None, help="rows per chunk (default: 1e6 "
                        "values per chunk, fewer for small data)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--numpy", action="store_true", help="also time NumPy on the data in memory")
    parser.add_argument("--json", help="write the figures to this file")
    options = parser.parse_args()
    _, _, figures = main(options.model, options.elements, options.chunk_rows, options.workers, options.numpy)
    if options.json:
        with open(options.json, "w") as out:
            json.dump(figures, out, indent=1)
