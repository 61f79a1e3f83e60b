"""Linear algebra: dot and matmul (the ``@`` operator)."""
import operator

import numpy as np

from .registry import alias, defjvp, defvjp

defvjp(np.matmul, "x, y", "matmul_vjp_x(g, x, y)", "matmul_vjp_y(g, x, y)")
defjvp(np.matmul, "x, y", "np.matmul(x_dot, y)", "np.matmul(x, y_dot)")
alias(operator.matmul, np.matmul)

defvjp(np.dot, "x, y", "dot_vjp_x(g, x, y)", "dot_vjp_y(g, x, y)")
defjvp(np.dot, "x, y", "np.dot(x_dot, y)", "np.dot(x, y_dot)")
alias(np.ndarray.dot, np.dot)
