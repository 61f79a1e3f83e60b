"""Python scalars: the ``math`` module."""
import math

import numpy as np  # noqa: F401  (templates below call np.sign)

from .registry import elementwise

elementwise(math.sin, "math.cos(x)")
elementwise(math.cos, "-math.sin(x)")
elementwise(math.tan, "1 + ans ** 2")
elementwise(math.exp, "ans")
elementwise(math.log, "1 / x")
elementwise(math.sqrt, "0.5 / ans")
elementwise(math.tanh, "1 - ans ** 2")
elementwise(math.fabs, "np.sign(x)")
