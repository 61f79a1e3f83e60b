"""srcad's transformations keep your function's signature for type checkers.

`mypy examples/typed_api.py` passes; a call of `srcad.grad(loss)` with the wrong arguments
is an error mypy reports before anything runs (see tests/test_typing.py).
"""
import numpy as np
from numpy.typing import NDArray

import srcad


def loss(w: NDArray[np.float64], x: NDArray[np.float64], target: float = 0.0) -> float:
    return float(np.mean((x @ w - target) ** 2))


def main() -> None:
    rng = np.random.default_rng(0)
    w, x = rng.standard_normal(3), rng.standard_normal((5, 3))
    gradient = srcad.grad(loss)                 # (w, x, target=...) -> d loss / d w
    value_and_gradient = srcad.value_and_grad(loss, wrt=(0, 1))
    print(gradient(w, x, target=1.0))
    value, (dw, dx) = value_and_gradient(w, x)
    print(value, dw.shape, dx.shape)


if __name__ == "__main__":
    main()
