"""Issue 11, reverse mode: views read after their array is written (item 8), loop values
whose shape changes between iterations (item 10), a user function called in both branches
of an ``if`` (item 12), a value broadcast into a row by item assignment (item 13). Each in
both modes against central differences (check_grads), Jacobians in vector mode against
central differences, Hessians (forward over reverse) against second differences."""
import numpy as np
import pytest

import srcad
from srcad.testing import check_grads, numerical_jvp

RNG = np.random.default_rng(1111)
X4 = np.array([0.3, 0.7, 1.1, -0.4])


def numeric_jacobian(f, args, wrt=0, eps=1e-6):
    """d f / d args[wrt] by central differences, shaped out.shape + arg.shape."""
    arg = np.asarray(args[wrt], dtype=np.float64)
    columns = []
    for k in range(arg.size):
        direction = np.zeros(arg.size)
        direction[k] = 1.0
        columns.append(numerical_jvp(f, args, (wrt,), (direction.reshape(arg.shape),), eps)[0])
    out_shape = np.shape(columns[0])
    return np.moveaxis(np.array(columns), 0, -1).reshape(out_shape + arg.shape)


def numeric_hessian(f, x, h=1e-4):
    """Second central differences of a scalar f of a vector x (no derivative code involved)."""
    n = x.size
    hessian = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            ei, ej = np.eye(n)[i] * h, np.eye(n)[j] * h
            hessian[i, j] = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)) / (4 * h * h)
    return hessian


def check_hessian(f, x):
    np.testing.assert_allclose(srcad.hessian(f)(x), numeric_hessian(f, x), rtol=1e-5, atol=1e-5)


def check_jacobians(f, args, wrt=0):
    expected = numeric_jacobian(f, args, wrt)
    for mode in ("forward", "reverse"):
        np.testing.assert_allclose(srcad.jacobian(f, wrt=wrt, mode=mode)(*args), expected,
                                   rtol=1e-5, atol=1e-6, err_msg=mode)


# -- item 8: views the adjoint reads, of arrays written later -------------------------------

def once(x):
    y = x * 1.0
    y[1:] = np.sin(y[:-1]) * y[1:]
    return np.sum(y ** 2)


def loop_items(x):
    y = x * 1.0
    for i in range(3):
        y[i] = np.sin(y[i]) * y[(i + 1) % 3]
    return np.sum(y ** 2)


def loop_slices(x):
    y = x * 1.0
    for i in range(3):
        y[1:] = np.sin(y[:-1]) * y[1:]
    return np.sum(y ** 2)


def view_before_loop(x):
    y = x * 1.0
    a = y[:2]
    s = np.sum(np.sin(a))
    for i in range(3):
        y[i] = y[i] * 2.0
    return s + np.sum(y)


def view_in_branch(x):
    y = x * 1.0
    a = y[:2]
    if x[0] > 0.0:
        t = np.sum(np.sin(a))
    else:
        t = np.sum(np.cos(a))
    y[1] = 3.0
    return t + np.sum(y ** 2)


def write_in_branch_in_loop(x):
    y = x * 1.0
    s = 0.0
    for i in range(3):
        if i % 2 == 0:
            s = s + np.sum(np.sin(y[1:]))
        else:
            y[i] = np.cos(y[i - 1])
    return s + np.sum(y ** 2)


def column_in_nested_loops(x):
    y = np.reshape(x, (2, 2)) * 1.0
    s = 0.0
    for i in range(2):
        for j in range(2):
            c = y[:, j]
            s = s + np.sum(np.sin(c) * c)
            y[i, j] = s
    return s + np.sum(y ** 2)


def rows_of_a_matrix(x):
    y = np.reshape(x, (2, 2)) * 1.0
    for i in range(2):
        y[i] = y[i] * y[1 - i]
    return np.sum(np.sin(y))


def written_through_a_view(x):
    y = x * 1.0
    s = np.sum(y * y)
    a = y[:2]
    a[0] = 5.0
    return s + np.sum(a)


def by_reshape(x):
    y = x * 1.0
    r = np.reshape(y, (2, 2))
    s = np.sum(np.sin(r) * r)
    y[0] = 3.0
    return s + np.sum(y * y)


def by_transpose(x):
    y = np.reshape(x, (2, 2)) * 1.0
    r = np.transpose(y)
    s = np.sum(np.sin(r) @ r)
    y[0, 1] = 3.0
    return s + np.sum(y)


def by_T(x):
    y = np.reshape(x, (2, 2)) * 1.0
    s = np.sum(np.sin(y.T) * y)
    y[1, 0] = y[0, 1] * 2.0
    return s + np.sum(y ** 2)


def by_ravel(x):
    y = np.reshape(x, (2, 2)) * 1.0
    s = np.sum(np.exp(y.ravel()) * y.ravel())
    y[0] = 1.0
    return s + np.sum(y ** 2)


def by_squeeze(x):
    y = np.reshape(x, (1, 4)) * 1.0
    s = np.sum(np.tanh(np.squeeze(y)) * y)
    y[0, 2] = 0.5
    return s + np.sum(y ** 3)


def by_expand_dims(x):
    y = x * 1.0
    s = np.sum(np.cos(np.expand_dims(y, 0)) * y)
    y[1] = 2.0
    return s + np.sum(y ** 2)


def by_new_axis(x):
    y = x * 1.0
    s = np.sum(np.cos(y[None]) * y[None, :])
    y[2] = -1.0
    return s + np.sum(y ** 2)


def by_broadcast_to(x):
    y = x * 1.0
    s = np.sum(np.sin(np.broadcast_to(y, (3, 4))) * y)
    y[0] = 0.0
    return s + np.sum(y ** 2)


def by_diagonal(x):
    y = np.reshape(x, (2, 2)) * 1.0
    s = np.sum(np.sin(np.diagonal(y)) * np.diagonal(y))
    y[1, 1] = 2.0
    return s + np.sum(y ** 2)


def reshaped_in_loop(x):
    y = x * 1.0
    s = 0.0
    for i in range(3):
        r = y.reshape(2, 2)
        s = s + np.sum(np.sin(r))
        y[i] = y[i + 1] * 1.5
    return s + np.sum(y ** 2)


def inner(v):
    return np.sum(np.sin(v) * v)


def call_with_array_written_later(x):
    y = x * 1.0
    s = inner(y)
    y[0] = 5.0
    return s + np.sum(y)


def call_in_loop_with_array_written_later(x):
    y = x * 1.0
    s = 0.0
    for i in range(3):
        s = s + inner(y)
        y[i] = 5.0 * s
    return s + np.sum(y)


def call_with_view(x):
    y = x * 1.0
    s = inner(y[1:])
    y[2] = 0.5
    return s + np.sum(y ** 2)


def calls_in_branches_in_loop(x):
    y = x * 1.0
    s = 0.0
    for i in range(3):
        if i == 1:
            s = s + inner(y[:2])
        else:
            s = s + inner(y[i:])
        y[i] = np.sin(s)
    return s + np.sum(y)


def list_of_views(x):
    y = x * 1.0
    parts = [y[:2], y[2:]]
    s = np.sum(np.sin(parts[0])) + np.sum(np.cos(parts[1]))
    y[0] = 1.0
    return s + np.sum(y ** 2)


def shifted_in_place(x):
    h = np.zeros((3, 4))
    for t in range(3):
        h[t] = np.sin(x[t])
        h[t, 1:] = h[t, :-1] * x[t]
    return np.sum(h ** 2)


def returned_after_writes(x):
    y = x * 1.0
    for i in range(3):
        y[i] = y[i] * y[(i + 1) % 3]
    return y


VIEWS = [once, loop_items, loop_slices, view_before_loop, view_in_branch, write_in_branch_in_loop,
         column_in_nested_loops, rows_of_a_matrix, written_through_a_view, by_reshape, by_transpose,
         by_T, by_ravel, by_squeeze, by_expand_dims, by_new_axis, by_broadcast_to, by_diagonal,
         reshaped_in_loop, call_with_array_written_later, call_in_loop_with_array_written_later,
         call_with_view, calls_in_branches_in_loop, list_of_views, shifted_in_place]


@pytest.mark.parametrize("f", VIEWS, ids=[f.__name__ for f in VIEWS])
def test_views_read_by_the_adjoint(f):
    check_grads(f, (X4,))


@pytest.mark.parametrize("f", [f for f in VIEWS if f is not list_of_views], ids=lambda f: f.__name__)
def test_views_hessian(f):
    check_hessian(f, X4)


@pytest.mark.parametrize("x", [X4[:3], np.array([[0.5, 1.5], [2.0, 0.3], [0.7, 1.1]])], ids=["1d", "2d"])
def test_an_array_written_in_a_loop_and_returned(x):
    check_grads(returned_after_writes, (x,))   # a row y[i] of a matrix is a view
    np.testing.assert_allclose(srcad.vjp(returned_after_writes)(x, np.ones_like(x))[0],
                               returned_after_writes(x))


def test_a_view_is_copied_only_where_its_array_is_written_later():
    source = srcad.source(srcad.vjp(once))
    assert "t1 = y[:-1].copy()" in source and "t3 = y[1:].copy()" in source, source
    assert "add_at" not in source, source                 # y_bar[:-1] += ... for a slice
    assert "].copy()" not in srcad.source(srcad.vjp(not_written_later))
    assert "y[:2].copy()" not in srcad.source(srcad.vjp(shape_only))   # read for its shape only
    assert "].copy()" not in srcad.source(srcad.jvp(once))   # forward mode needs no copy


def not_written_later(x):
    y = x * 1.0
    return np.sum(np.sin(y[:-1]) * y[1:])


def shape_only(x):
    y = x * 1.0
    a = y[:2] + 1.0
    y[0] = 2.0
    return np.sum(a * 3.0) + np.sum(y)


def test_a_user_call_gets_a_copy_of_an_array_written_later_in_the_loop():
    source = srcad.source(srcad.vjp(call_in_loop_with_array_written_later))
    assert "inner_fwd(copy_of(y))" in source, source


# The user's own code reading a view after its array changed: NumPy's value is not the one
# srcad would differentiate.

def view_read_after_write(x):
    y = x * 1.0
    a = y[:2]
    y[0] = 5.0
    return np.sum(a * x[:2])


def array_read_after_write_through_view(x):
    y = x * 1.0
    a = y[:2]
    a[0] = 5.0
    return np.sum(y * x)


def transposed_read_after_write(x):
    y = np.reshape(x, (2, 2)) * 1.0
    t = y.T
    y[0, 1] = 3.0
    return np.sum(t * t)


def column_read_after_write(x):
    y = np.reshape(x, (2, 2)) * 1.0
    c = y[:, 0]
    y[:, 0] = 0.0
    return np.sum(c * y)


def same_array_appended(x):
    h = np.zeros(2)
    hs = []
    for t in range(3):
        h[0] = x[t]
        hs.append(h)
    return np.sum(hs[0] * hs[1])


def write_into_view_of_argument(x):
    a = x[:2]
    a[0] = 1.0
    return np.sum(a)


def write_into_row_of_argument(X):
    for row in X:
        row[0] = 0.0
    return np.sum(X)


@pytest.mark.parametrize("f, message", [
    (view_read_after_write, "reading `a`, which shares memory with `y`, after `y[0] = 5.0`"),
    (array_read_after_write_through_view, "reading `y`, which shares memory with `a`, after `a[0] = 5.0`"),
    (transposed_read_after_write, "reading `t`, which shares memory with `y`"),
    (column_read_after_write, "reading `c`, which shares memory with `y`"),
    (same_array_appended, "reading `hs`, which shares memory with `h`"),
    (write_into_view_of_argument, "item assignment into `a`, which shares memory with `x`"),
    (write_into_row_of_argument, "item assignment into `row`, which shares memory with `X`"),
], ids=lambda v: getattr(v, "__name__", ""))
def test_reading_a_view_after_its_array_changed_is_an_error(f, message):
    x = np.ones((2, 2)) if f is write_into_row_of_argument else X4
    for transform in (srcad.grad, srcad.jvp):
        with pytest.raises(srcad.UnsupportedSyntax, match="shares memory") as error:
            transform(f)(x) if transform is srcad.grad else transform(f)(x, x)
        assert message in str(error.value) and f.__code__.co_filename in str(error.value)


def shape_read_after_write(x):
    y = x * 1.0
    a = y[:2]
    y[0] = 5.0
    return np.sum(y * x) * np.shape(a)[0]


def element_read_after_write(x):
    y = np.zeros(4)
    y[0] = x[0]
    first = y[0]               # a number: the write below does not change it
    y[0] = first * x[1]
    return np.sum(y * x) + first


W3 = np.linspace(-1.0, 1.0, 9).reshape(3, 3)


def boundary_condition(x):
    u = x * 1.0
    interior = u[1:-1]
    u[0] = 0.0                 # not a row of `interior`
    u[-1] = 1.0
    return np.sum(np.sin(interior)) + np.sum(u ** 2)


def rows_kept_in_a_list(x):
    h = np.zeros((4, 3))
    h[0] = x[:3]
    outs = []
    for t in range(1, 4):
        outs.append(h[t - 1])          # rows before the one each iteration writes
        h[t] = np.tanh(W3 @ h[t - 1])
        outs.append(h[t])              # later iterations write later rows
    return np.sum(np.stack(outs) ** 2)


@pytest.mark.parametrize("f", [shape_read_after_write, element_read_after_write, boundary_condition],
                         ids=lambda f: f.__name__)
def test_reads_a_write_cannot_change_are_fine(f):
    check_grads(f, (X4,))


def test_rows_a_loop_writes_after_they_are_read():
    check_grads(rows_kept_in_a_list, (X4,))
    source = srcad.source(srcad.vjp(recurrence_in_rows))
    assert "h[t - 1].copy()" not in source, source  # row t - 1 is never written again


def recurrence_in_rows(x):
    h = np.zeros((4, 3))
    h[0] = x[:3]
    for t in range(1, 4):
        h[t] = np.tanh(W3 @ h[t - 1])
    return np.sum(h ** 2)


def row_written_again_by_an_inner_loop(x):
    h = np.zeros((3, 4))
    outs = []
    for t in range(3):
        for k in range(2):
            h[t] = np.sin(x) * k
            outs.append(h[t])
    return np.sum(np.stack(outs) ** 2)


def row_written_by_the_next_iteration(x):
    h = np.zeros((4, 4))
    h[1] = x
    outs = []
    for t in range(3):
        outs.append(h[t + 1])
        h[t + 1] = np.tanh(h[t] * 2.0)
    return np.sum(np.stack(outs) ** 2)


def overlapping_slice(x):
    u = x * 1.0
    middle = u[1:3]
    u[2] = 0.0
    return np.sum(np.sin(middle)) + np.sum(u)


@pytest.mark.parametrize("f", [row_written_again_by_an_inner_loop, row_written_by_the_next_iteration,
                               overlapping_slice], ids=lambda f: f.__name__)
def test_rows_written_after_they_are_read_are_an_error(f):
    with pytest.raises(srcad.UnsupportedSyntax, match="shares memory"):
        srcad.grad(f)(X4)


# -- item 10: loop values whose shape changes between iterations ----------------------------

W1 = np.linspace(-1.0, 1.0, 12).reshape(3, 4)
W2 = np.linspace(-0.5, 1.0, 8).reshape(4, 2)
X3 = np.array([0.3, 0.7, 1.1])


def mlp(x, w1, w2):
    ws = [w1, w2]
    for w in ws:
        y = x @ w
        x = np.tanh(y)
    return np.sum(x)


def mlp_last_layer_used_after(x, w1, w2):
    ws = [w1, w2]
    for w in ws:
        y = x @ w
        x = np.tanh(y)
    return np.sum(x) + np.sum(y ** 2)


def mlp_list_argument(x, ws):
    for w in ws:
        y = x @ w
        x = np.tanh(y)
    return np.sum(x) + np.sum(y)


def rnn_of_growing_width(x, w1, w2, w3):
    ws = [w1, w2, w3]
    h = x
    for k in range(3):
        pre = ws[k] @ h
        h = np.tanh(pre)
        last = pre * 2.0
    return np.sum(h) + np.sum(last ** 2)


def mlp_while(x, w1, w2):
    ws = [w1, w2]
    k = 0
    while k < 2:
        y = x @ ws[k]
        x = np.sin(y)
        k = k + 1
    return np.sum(x) * np.sum(y)


def mlp_break(x, w1, w2):
    ws = [w1, w2]
    for k in range(5):
        if k == 2:
            break
        y = x @ ws[k]
        x = np.sin(y)
    return np.sum(x) * np.sum(y)


def mlp_nested(x, w1, w2):
    ws = [w1, w2]
    total = 0.0
    for r in range(2):
        h = x
        for k in range(2):
            y = h @ ws[k]
            h = np.tanh(y)
        total = total + np.sum(y * y)
    return total + np.sum(h)


def mlp_branch(x, w1, w2):
    ws = [w1, w2]
    for k in range(2):
        if k == 0:
            y = x @ ws[k]
        else:
            y = np.cos(x @ ws[k])
        x = np.tanh(y)
    return np.sum(x) + np.sum(y ** 2)


def mlp_value_unused_in_loop(x, w1, w2):
    ws = [w1, w2]
    for k in range(2):
        y = x @ ws[k]
        x = np.tanh(x @ ws[k])
    return np.sum(y ** 2) + np.sum(x)


def growing(x):
    y = x
    for k in range(3):
        z = np.concatenate([y, y[:1] * 2.0])
        y = np.sin(z)
    return np.sum(y) + np.sum(z ** 2)


SHAPE_CHANGING = [
    (mlp, (X3, W1, W2), (0, 1, 2)),
    (mlp_last_layer_used_after, (X3, W1, W2), (0, 1, 2)),
    (mlp_last_layer_used_after, (RNG.normal(size=(5, 3)), W1, W2), (0, 1, 2)),
    (rnn_of_growing_width, (X3, np.linspace(-1, 1, 12).reshape(4, 3), np.linspace(-1, 1, 8).reshape(2, 4),
                            np.linspace(-1, 1, 10).reshape(5, 2)), (0, 1, 2, 3)),
    (mlp_while, (X3, W1, W2), (0, 1, 2)),
    (mlp_break, (X3, W1, W2), (0, 1, 2)),
    (mlp_nested, (X3, W1, np.linspace(-0.5, 1.0, 12).reshape(4, 3)), (0, 1, 2)),
    (mlp_branch, (X3, W1, W2), (0, 1, 2)),
    (mlp_value_unused_in_loop, (X3, W1, W2), (0, 1, 2)),
    (growing, (X3,), 0),
]


@pytest.mark.parametrize("f, args, wrt", SHAPE_CHANGING, ids=[c[0].__name__ for c in SHAPE_CHANGING])
def test_loop_values_whose_shape_changes(f, args, wrt):
    check_grads(f, args, wrt=wrt)
    check_jacobians(f, args, wrt=0)


def test_list_of_weights_argument():
    gradient = srcad.grad(mlp_list_argument, wrt=(0, 1))(X3, [W1, W2])
    check_grads(mlp_list_argument, (X3, [W1, W2]), wrt=0)
    for k, w in enumerate((W1, W2)):
        direction = RNG.normal(size=w.shape)

        def along(step, k=k, direction=direction):
            ws = [W1, W2]
            ws[k] = ws[k] + step * direction
            return mlp_list_argument(X3, ws)
        numeric = (along(1e-6) - along(-1e-6)) / 2e-6
        np.testing.assert_allclose(np.sum(gradient[1][k] * direction), numeric, rtol=1e-6)


def last_layer_used_after(x):
    return mlp_last_layer_used_after(x, W1, W2)


def value_unused_in_loop(x):
    return mlp_value_unused_in_loop(x, W1, W2)


def nested(x):
    return mlp_nested(x, W1, np.linspace(-0.5, 1.0, 12).reshape(4, 3))


@pytest.mark.parametrize("f", [last_layer_used_after, value_unused_in_loop, nested], ids=lambda f: f.__name__)
def test_loop_values_whose_shape_changes_hessian(f):
    check_hessian(f, X3)


# -- item 12: a user function called in both branches, assigned to the same name -----------

def inner2(a, b):
    return a * np.sin(b)


def called_in_both_branches(a, b):
    if a > b:
        o = inner2(a, b)
    else:
        o = inner2(b, a)
    return o * 2.0


def called_in_one_branch(a, b):
    o = a
    if a > b:
        o = inner2(a, b)
    return o * 2.0


def called_before_and_in_loop(a, b):
    o = inner2(a, b)
    for i in range(3):
        o = inner2(o, b)
    return o


def called_in_nested_branches(a, b):
    if a > 0.0:
        if b > 1.0:
            o = inner2(a, b)
        else:
            o = inner2(b, a)
    else:
        o = inner2(a, a)
    return o * b


def called_in_branches_in_loop(a, b):
    s = 0.0
    for i in range(4):
        if i % 2 == 0:
            o = inner2(a, s + b)
        else:
            o = inner2(b, a + s)
        s = s + o * o
    return s


def calls_the_others(a, b):
    return called_in_nested_branches(a, b) * called_in_branches_in_loop(b, a)


def called_on_arrays(x, y):
    if np.sum(x) > np.sum(y):
        o = inner2(x, y)
    else:
        o = inner2(y, x)
    return np.sum(o ** 2)


BRANCH_CALLS = [(called_in_both_branches, (0.5, 1.2)), (called_in_both_branches, (1.5, 1.2)),
                (called_in_one_branch, (0.5, 1.2)), (called_in_one_branch, (1.5, 1.2)),
                (called_before_and_in_loop, (0.5, 1.2)), (called_in_nested_branches, (0.5, 1.2)),
                (called_in_nested_branches, (0.5, 0.2)), (called_in_nested_branches, (-0.5, 0.2)),
                (called_in_branches_in_loop, (0.5, 1.2)), (calls_the_others, (0.5, 1.2)),
                (calls_the_others, (-0.5, 1.2))]


@pytest.mark.parametrize("f, args", BRANCH_CALLS, ids=[f"{f.__name__}-{a}" for f, a in BRANCH_CALLS])
def test_user_calls_in_branches(f, args):
    check_grads(f, args, wrt=(0, 1))
    hessian = np.array(srcad.hessian(f, wrt=(0, 1))(*args))
    np.testing.assert_allclose(hessian, numeric_hessian(lambda v: f(v[0], v[1]), np.array(args)),
                               rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("x, y", [(np.array([1.0, 2.0]), np.array([0.5, 0.1])),
                                  (np.array([0.1, 0.2]), np.array([0.5, 0.1]))])
def test_user_calls_in_branches_on_arrays(x, y):
    check_grads(called_on_arrays, (x, y), wrt=(0, 1))


def test_both_branches_save_into_one_variable():
    source = srcad.source(srcad.vjp(called_in_both_branches))
    assert source.count("o, o_saved = inner2_fwd") == 2 and "o_saved_1" not in source, source


# -- item 13: a value broadcast into a slot by item assignment ------------------------------

def scalar_into_rows(x):
    n = 3
    h = np.zeros((n, 3))
    for t in range(n):
        h[t] = x[t]
    return np.sum(np.sin(h) * h)


def scalars_into_rows(x):
    h = np.zeros((2, 3))
    h[0] = x[0]
    h[1] = x[1] * 2.0
    return np.sum(h ** 2)


def one_element_array_into_row(x, v):
    h = np.zeros((2, 3))
    h[1] = v
    h[0, :2] = x[:1]
    return np.sum(np.cos(h) * h)


def broadcast_over_a_slice(x, v):
    h = np.ones((3, 4))
    h[1:, :] = v
    h[0] = x
    return np.sum(h ** 3)


def leading_ones_dropped(x, v):
    h = np.zeros((2, 3))
    h[0] = v                  # v has shape (1, 3)
    h[1] = x
    return np.sum(np.sin(h) * h)


def into_columns(x):
    h = np.zeros((3, 2))
    for j in range(2):
        h[:, j] = x[j] * 2.0
    return np.sum(h ** 2)


def into_rows_of_rows(x):
    h = np.zeros((2, 2, 3))
    for i in range(2):
        for j in range(2):
            h[i, j] = x[i] * x[j]
    return np.sum(np.tanh(h) * h)


def added_into_rows(x):
    h = np.ones((3, 2))
    for t in range(3):
        h[t] += x[t]
    return np.sum(h ** 3)


def into_a_row_of_a_written_array(x):
    h = np.zeros((3, 2))
    h[0] = x[0]
    s = np.sum(h * h)
    h[1] = s
    return np.sum(h ** 2)


BROADCASTS = [
    (scalar_into_rows, (np.array([0.3, 0.5, 0.9]),), 0),
    (scalars_into_rows, (np.array([0.3, 0.5]),), 0),
    (one_element_array_into_row, (np.array([0.3, 0.5]), np.array([0.7])), (0, 1)),
    (broadcast_over_a_slice, (np.array([0.3, 0.5, 0.1, 0.2]), np.array([0.7, 0.1, 0.2, 0.3])), (0, 1)),
    (broadcast_over_a_slice, (np.array([0.3]), np.array([[0.7], [0.2]])), (0, 1)),
    (broadcast_over_a_slice, (0.3, 0.7), (0, 1)),
    (leading_ones_dropped, (np.array([0.3, 0.5, 0.1]), np.array([[0.7, 0.2, 0.4]])), (0, 1)),
    (into_columns, (np.array([0.3, 0.5]),), 0),
    (into_rows_of_rows, (np.array([0.3, 0.5]),), 0),
    (added_into_rows, (np.array([0.3, 0.5, 0.2]),), 0),
    (into_a_row_of_a_written_array, (np.array([0.3, 0.5]),), 0),
]


@pytest.mark.parametrize("f, args, wrt", BROADCASTS,
                         ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(BROADCASTS)])
def test_item_assignment_that_broadcasts(f, args, wrt):
    check_grads(f, args, wrt=wrt)
    for w in (wrt if isinstance(wrt, tuple) else (wrt,)):
        check_jacobians(f, args, wrt=w)


@pytest.mark.parametrize("f, x", [(scalar_into_rows, np.array([0.3, 0.5, 0.9])),
                                  (into_rows_of_rows, np.array([0.3, 0.5])),
                                  (into_a_row_of_a_written_array, np.array([0.3, 0.5]))],
                         ids=lambda v: getattr(v, "__name__", ""))
def test_item_assignment_that_broadcasts_hessian(f, x):
    check_hessian(f, x)


def test_a_value_is_summed_back_only_when_the_slot_may_be_larger():
    assert "unbroadcast(h_bar[t], " in srcad.source(srcad.vjp(scalar_into_rows))
    one_element = srcad.source(srcad.vjp(element_read_after_write))   # y = np.zeros(4): y[0] is one
    assert "unbroadcast(y_bar" not in one_element, one_element
