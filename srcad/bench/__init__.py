"""``srcad bench``: srcad against a hand-written NumPy gradient, HIPS autograd, JAX (eager
and jit) and PyTorch (eager), on the workloads of reference.py. Peers are optional
(``pip install -e '.[bench]'``); each system runs in its own process. See
docs/performance.md for the results and how to read them."""
from .driver import main  # noqa: F401
