"""Cases for the registry-walking rule test (tests/test_rule_table.py).

Each module in this package defines module-level functions (srcad reads their source) and a
list ``CASES`` of `RuleCase`. The walking test runs every case through
`srcad.testing.check_grads` in forward and reverse mode, and fails when a registered
callable is exercised by no case.
"""
from dataclasses import dataclass, field

import numpy as np


@dataclass
class RuleCase:
    """One check: `function(*args)` differentiated w.r.t. `wrt`, exercising `callables`."""

    callables: tuple          # the registered callables (functions, methods, operators) used
    function: object          # a module-level def
    args: tuple               # the inputs, inside the function's domain
    wrt: tuple = (0,)
    name: str = ""            # test id suffix (shape/keyword variant)
    rtol: float = 1e-5
    atol: float = 1e-6
    differentiable: bool = True   # False: check the derivative is exactly zero
    extra: dict = field(default_factory=dict)

    @property
    def id(self):
        return f"{self.function.__name__}-{self.name}" if self.name else self.function.__name__


def uniform(shape, low=-2.0, high=2.0, seed=0, dtype=np.float64):
    """Random inputs of `shape` (() for a 0-d array; "float" for a Python float)."""
    rng = np.random.default_rng(seed)
    if shape == "float":
        return float(rng.uniform(low, high))
    return np.asarray(rng.uniform(low, high, shape), dtype=dtype)
