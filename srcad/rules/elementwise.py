"""Elementwise NumPy functions and the arithmetic operators.

Binary rules undo broadcasting with ``unbroadcast`` in reverse mode and broadcast a lone
tangent with ``broadcast_as`` in forward mode. Ties in maximum/minimum split the
derivative evenly (0.5 each), as JAX does.
"""
import operator

import numpy as np

from .registry import alias, defjvp, defvjp, elementwise, nondifferentiable

# Unary functions, by their derivative f'(x). `ans` is f(x).
elementwise(np.sin, "np.cos(x)")
elementwise(np.cos, "-np.sin(x)")
elementwise(np.tan, "1 + ans ** 2")
elementwise(np.exp, "ans")
elementwise(np.log, "1 / x")
elementwise(np.sqrt, "0.5 / ans")
elementwise(np.tanh, "1 - ans ** 2")
elementwise(np.abs, "np.sign(x)")
alias(np.absolute, np.abs)
alias(operator.abs, np.abs)
alias(abs, np.abs)

defvjp(np.negative, "x", "-g")
defjvp(np.negative, "x", "-x_dot")
alias(operator.neg, np.negative)

defvjp(np.positive, "x", "g")
defjvp(np.positive, "x", "x_dot")
alias(operator.pos, np.positive)

# Binary arithmetic.
defvjp(np.add, "x, y", "unbroadcast(g, x)", "unbroadcast(g, y)")
defjvp(np.add, "x, y", "broadcast_as(x_dot, ans)", "broadcast_as(y_dot, ans)")
alias(operator.add, np.add)

defvjp(np.subtract, "x, y", "unbroadcast(g, x)", "unbroadcast(-g, y)")
defjvp(np.subtract, "x, y", "broadcast_as(x_dot, ans)", "broadcast_as(-y_dot, ans)")
alias(operator.sub, np.subtract)

defvjp(np.multiply, "x, y", "unbroadcast(g * y, x)", "unbroadcast(g * x, y)")
defjvp(np.multiply, "x, y", "x_dot * y", "x * y_dot")
alias(operator.mul, np.multiply)

defvjp(np.true_divide, "x, y", "unbroadcast(g / y, x)", "unbroadcast(-g * ans / y, y)")
defjvp(np.true_divide, "x, y", "x_dot / y", "-y_dot * ans / y")
alias(operator.truediv, np.true_divide)

# log(x) is taken in the result's dtype: for a Python-float base (``b ** x`` with b = 1.5)
# np.log(b) alone is a float64 NumPy scalar, which would promote float32 derivatives.
defvjp(np.power, "x, y",
       "unbroadcast(g * y * x ** (y - 1), x)",
       "unbroadcast(g * ans * np.log(x * np.ones((), np.result_type(x, ans, 1.0))), y)")
defjvp(np.power, "x, y", "x_dot * y * x ** (y - 1)",
       "y_dot * ans * np.log(x * np.ones((), np.result_type(x, ans, 1.0)))")
nondifferentiable(np.result_type)
alias(operator.pow, np.power)

defvjp(np.maximum, "x, y",
       "unbroadcast(g * (x > y) + 0.5 * g * (x == y), x)",
       "unbroadcast(g * (y > x) + 0.5 * g * (x == y), y)")
defjvp(np.maximum, "x, y",
       "broadcast_as(x_dot * (x > y) + 0.5 * x_dot * (x == y), ans)",
       "broadcast_as(y_dot * (y > x) + 0.5 * y_dot * (x == y), ans)")

defvjp(np.minimum, "x, y",
       "unbroadcast(g * (x < y) + 0.5 * g * (x == y), x)",
       "unbroadcast(g * (y < x) + 0.5 * g * (x == y), y)")
defjvp(np.minimum, "x, y",
       "broadcast_as(x_dot * (x < y) + 0.5 * x_dot * (x == y), ans)",
       "broadcast_as(y_dot * (y < x) + 0.5 * y_dot * (x == y), ans)")

# Python's max(a, b) / min(a, b) of two numbers behave like np.maximum / np.minimum.
alias(max, np.maximum)
alias(min, np.minimum)
