"""One warning when two BLAS libraries share the process: numba's compiled ``@`` calls
SciPy's OpenBLAS, NumPy has its own, and each starts a thread per core; on a small machine
their threads compete (an MLP gradient was measured 10x slower between two processes).
Pinning their threads (``OPENBLAS_NUM_THREADS=1``, or threadpoolctl) avoids it."""
import os
import re

from . import warn_once

_BLAS = re.compile(r"lib\w*openblas[\w.-]*\.so|libmkl_rt[\w.-]*\.so|libblis[\w.-]*\.so")
PINNING = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def loaded_blas():
    """The BLAS shared libraries this process has loaded (Linux; [] elsewhere)."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if len(line.split()) >= 6}
    except OSError:
        return []
    return sorted(p for p in paths if _BLAS.search(os.path.basename(p)))


def check(cores=None):
    """Warn once if two BLAS libraries are loaded, their threads unpinned, on several cores."""
    cores = cores or os.cpu_count() or 1
    if cores < 2 or any(os.environ.get(name) for name in PINNING):
        return
    libraries = loaded_blas()
    if len(libraries) >= 2:
        names = ", ".join(os.path.basename(p) for p in libraries)
        warn_once("blas", f"srcad: two BLAS libraries are loaded ({names}): numba's compiled code uses "
                          "SciPy's, NumPy uses its own, and their threads compete for the cores. Set "
                          "OPENBLAS_NUM_THREADS=1 (or limit them with threadpoolctl) before starting Python.",
                  stacklevel=None)
