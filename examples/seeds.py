"""The seed examples (shared/seed-examples.md), written with srcad's API.

Run it:                 python examples/seeds.py
See generated code:     srcad show examples/seeds.py:seed3_matmul --mode reverse --wrt 0,1

Every function below is an ordinary module-level NumPy function; srcad reads its source.
`main()` prints each derivative srcad computes next to the value the seed examples expect,
and exits with status 1 if any of them differs.

Layout (as in JAX): the Jacobian of f: R^n -> R^m is J[i, j] = d f_i / d x_j, shaped
``out.shape + in.shape``; a gradient has the shape of its input.
"""
import sys

import numpy as np

import srcad


# -- 1. Gradient of a scalar function ---------------------------------------------------------
def seed1_quadratic(x1, x2):
    y = x1**2 + x2**2 + x1 * x2
    return y


# -- 2. Scalar output from a matrix input ------------------------------------------------------
def seed2_mean(x):
    y = x + 2
    z = y * y * 3
    out = z.mean()
    return out


# -- 3. Tensor output: a VJP with an explicit cotangent ----------------------------------------
def seed3_matmul(x, w):
    return x @ w.T


# -- 4. Chain of elementwise ops, non-uniform cotangent ---------------------------------------
def seed4_chain(x):
    y = x * 2
    z = y * 2
    return z


# -- 5. Output built by item assignment --------------------------------------------------------
def seed5_item_assignment(x):
    y = np.zeros(2)
    y[0] = 2 * x[0] + x[1] ** 2
    y[1] = x[0] ** 2 + 2 * x[1] ** 3
    return y


# -- 6. Matrix calculus rules (Parr & Howard) --------------------------------------------------
def seed6_f_and_g(v):
    """[f(x, y), g(x, y)] with f = 3 x^2 y and g = 2x + y^8, for v = [x, y]."""
    x, y = v[0], v[1]
    out = np.zeros(2)
    out[0] = 3 * x**2 * y
    out[1] = 2 * x + y**8
    return out


def seed6_add(w, x):
    return w + x


def seed6_sub(w, x):
    return w - x


def seed6_mul(w, x):
    return w * x


def seed6_div(w, x):
    return w / x


def seed6_sum(x):
    return np.sum(x)


def seed6_sum_scaled(x, z):
    return np.sum(x * z)


def seed6_chain_rule(x):
    return np.log(np.sin(x**3) ** 2)


def seed6_total_derivative(x):
    return np.sin(x + x**2)


def seed6_cube(x):
    u = x**2
    return x * u


def seed6_vector_chain(x):
    y = np.zeros(2)
    y[0] = np.log(x**2)
    y[1] = np.sin(3 * x)
    return y


def seed6_neuron(w, x, b):
    return np.maximum(0, np.dot(w, x) + b)


def seed6_mse(w, b, X, target):
    activation = np.maximum(0, X @ w + b)
    return np.mean((activation - target) ** 2)


# -- Jacobians from JVPs (columns) and from VJPs (rows) ----------------------------------------
def _basis(shape):
    """The standard basis e_0, e_1, ... of arrays of `shape` (Python floats for shape ())."""
    size = int(np.prod(shape))
    for j in range(size):
        e = np.zeros(size)
        e[j] = 1.0
        yield float(e[0]) if shape == () else e.reshape(shape)


def jacobian_by_jvp(f, args, wrt=0):
    """Forward mode: column j of J is J @ e_j, one JVP per input element."""
    f_jvp = srcad.jvp(f, wrt=wrt)
    in_shape = np.shape(args[wrt])
    columns = [f_jvp(*args, e)[1] for e in _basis(in_shape)]
    out_shape = np.shape(columns[0])
    return np.stack(columns, axis=-1).reshape(out_shape + in_shape)


def jacobian_by_vjp(f, args, wrt=0):
    """Reverse mode: row i of J is e_iᵀ J, one VJP per output element."""
    f_vjp = srcad.vjp(f, wrt=wrt)
    out_shape = np.shape(f(*args))
    rows = [f_vjp(*args, u)[1] for u in _basis(out_shape)]
    in_shape = np.shape(args[wrt])
    return np.stack([np.reshape(r, in_shape) for r in rows]).reshape(out_shape + in_shape)


# -- Printing ----------------------------------------------------------------------------------
FAILURES = []


def _text(value):
    array = np.asarray(value, dtype=float) + 0.0  # + 0.0 turns -0.0 into 0.0
    text = np.array2string(array, separator=", ", formatter={"float_kind": lambda v: f"{v:.6g}"})
    return " ".join(text.split())


def check(label, got, expected, names=("srcad", "expected")):
    ok = np.shape(got) == np.shape(expected) and np.allclose(got, expected, rtol=1e-9, atol=1e-12)
    if not ok:
        FAILURES.append(label)
    print(f"  {'ok  ' if ok else 'FAIL'} {label}")
    print(f"       {names[0]} {_text(got)}   {names[1]} {_text(expected)}")


def main():
    print("1. y = x1**2 + x2**2 + x1*x2 at x1 = 3, x2 = 1")
    dx1, dx2 = srcad.grad(seed1_quadratic, wrt=(0, 1))(3.0, 1.0)
    check("gradient (dy/dx1, dy/dx2)", [dx1, dx2], [7, 5])
    # create_graph=True in PyTorch; here, forward mode of the generated gradient code.
    hvp = srcad.jvp(srcad.grad(seed1_quadratic, wrt=(0, 1)), wrt=(0, 1))
    hessian = np.array([hvp(3.0, 1.0, 1.0, 0.0)[1], hvp(3.0, 1.0, 0.0, 1.0)[1]]).T
    check("Hessian (forward over reverse)", hessian, [[2, 1], [1, 2]])

    print("\n2. out = mean(3 (x + 2)^2) at x = ones((2, 2))")
    check("d out / d x", srcad.grad(seed2_mean)(np.ones((2, 2))), np.full((2, 2), 4.5))

    print("\n3. y = x @ w.T, cotangent ones_like(y)   (torch: y.backward(gradient=ones_like(y)))")
    x = np.arange(1.0, 10.0).reshape(3, 3)
    w = np.arange(1.0, 7.0).reshape(2, 3)
    y, (x_bar, w_bar) = srcad.vjp(seed3_matmul, wrt=(0, 1))(x, w, np.ones((3, 2)))
    check("y", y, x @ w.T)
    check("cotangent of x", x_bar, [[5, 7, 9]] * 3)
    check("cotangent of w", w_bar, [[12, 15, 18]] * 2)

    print("\n4. z = (x * 2) * 2 at x = ones(3), cotangent v = [0.1, 1.0, 0.0001]")
    _, pulled = srcad.vjp(seed4_chain)(np.ones(3), np.array([0.1, 1.0, 0.0001]))
    check("vᵀJ", pulled, [0.4, 4.0, 0.0004])

    print("\n5. y[0] = 2 x0 + x1^2, y[1] = x0^2 + 2 x1^3 at x = [1, 2]")
    x = np.array([1.0, 2.0])
    by_columns = jacobian_by_jvp(seed5_item_assignment, (x,))
    by_rows = jacobian_by_vjp(seed5_item_assignment, (x,))
    check("Jacobian, column by column from 2 JVPs (forward)", by_columns, [[2, 4], [2, 24]])
    check("Jacobian, row by row from 2 VJPs (reverse)", by_rows, [[2, 4], [2, 24]])
    check("forward and reverse Jacobians agree", by_columns, by_rows, ("JVPs", "VJPs"))
    f_vjp = srcad.vjp(seed5_item_assignment)
    for v, expected in [((1, 0), [2, 4]), ((0, 1), [2, 24]), ((1, 2), [6, 52]), ((2, 1), [6, 32])]:
        check(f"VJP with v = {v}", f_vjp(x, np.array(v, dtype=float))[1], expected)

    print("\n6. Matrix calculus (Parr & Howard)")
    xv, yv = 2.0, 1.5
    expected = [[6 * yv * xv, 3 * xv**2], [2, 8 * yv**7]]
    v = np.array([xv, yv])
    by_columns = jacobian_by_jvp(seed6_f_and_g, (v,))
    by_rows = jacobian_by_vjp(seed6_f_and_g, (v,))
    check("Jacobian of [3x^2 y, 2x + y^8] (JVPs)", by_columns, expected)
    check("Jacobian of [3x^2 y, 2x + y^8] (VJPs)", by_rows, expected)
    check("forward and reverse Jacobians agree", by_columns, by_rows, ("JVPs", "VJPs"))

    w = np.array([1.0, 2.0, 3.0])
    x = np.array([4.0, 5.0, 6.0])
    eye = np.eye(3)
    for f, wrt, name, closed_form in [
            (seed6_add, 0, "d(w+x)/dw = I", eye),
            (seed6_sub, 1, "d(w-x)/dx = -I", -eye),
            (seed6_mul, 0, "d(w*x)/dw = diag(x)", np.diag(x)),
            (seed6_div, 1, "d(w/x)/dx = diag(-w/x^2)", np.diag(-w / x**2))]:
        check(f"{name} (JVPs)", jacobian_by_jvp(f, (w, x), wrt), closed_form)
        check(f"{name} (VJPs)", jacobian_by_vjp(f, (w, x), wrt), closed_form)

    z = 2.0
    check("scalar expansion d(x+z)/dz = 1 (JVP)", srcad.jvp(seed6_add, wrt=1)(x, z, 1.0)[1],
          np.ones(3))
    check("scalar expansion d(x*z)/dz = x (JVP)", srcad.jvp(seed6_mul, wrt=1)(x, z, 1.0)[1], x)
    check("d sum(x)/dx = 1ᵀ (grad)", srcad.grad(seed6_sum)(x), np.ones(3))
    check("d sum(x z)/dz = sum(x) (grad)", srcad.grad(seed6_sum_scaled, wrt=1)(x, z), np.sum(x))

    t = 0.7
    check("chain rule d/dx ln(sin(x^3)^2) = 6x^2 cos(x^3) / sin(x^3)",
          srcad.grad(seed6_chain_rule)(t), 6 * t**2 * np.cos(t**3) / np.sin(t**3))
    check("total derivative d/dx sin(x + x^2) = cos(x + x^2)(1 + 2x)",
          srcad.grad(seed6_total_derivative)(t), np.cos(t + t**2) * (1 + 2 * t))
    check("u = x^2; x*u has derivative 3x^2", srcad.grad(seed6_cube)(t), 3 * t**2)
    expected = [2 / t, 3 * np.cos(3 * t)]
    check("vector chain rule d[ln(x^2), sin(3x)]/dx (JVP)",
          jacobian_by_jvp(seed6_vector_chain, (t,)), expected)
    check("vector chain rule d[ln(x^2), sin(3x)]/dx (VJPs)",
          jacobian_by_vjp(seed6_vector_chain, (t,)), expected)

    w = np.array([1.0, -1.0])
    for x, b in [(np.array([2.0, 1.0]), 1.0), (np.array([2.0, 5.0]), -1.0)]:
        active = np.dot(w, x) + b > 0
        dw, db = srcad.grad(seed6_neuron, wrt=(0, 2))(w, x, b)
        check(f"neuron max(0, w·x + b) at x = {x.tolist()}, b = {b}: d/dw", dw,
              x if active else np.zeros(2))
        check(f"neuron max(0, w·x + b) at x = {x.tolist()}, b = {b}: d/db", db,
              1.0 if active else 0.0)

    rng = np.random.default_rng(0)
    X, target = rng.standard_normal((8, 3)), rng.standard_normal(8)
    w, b = rng.standard_normal(3), 0.1
    dw, db = srcad.grad(seed6_mse, wrt=(0, 1))(w, b, X, target)
    z = X @ w + b
    residual = (2 / len(X)) * (np.maximum(0, z) - target) * (z > 0)
    check("MSE of the neuron over a batch of 8: d/dw = (2/N) Σ (a - t) x [z > 0]", dw, residual @ X)
    check("MSE of the neuron over a batch of 8: d/db = (2/N) Σ (a - t) [z > 0]", db, residual.sum())

    print()
    if FAILURES:
        print(f"{len(FAILURES)} value(s) differ: {FAILURES}")
        return 1
    print("Every value matches.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
