"""Sparse Jacobians and Hessians: dependency-mode patterns, colorings, colored evaluation."""
import numpy as np
import pytest

import srcad
from srcad import coloring
from srcad.sparse import dependency_pattern
from srcad.testing import numerical_jvp

sparse = pytest.importorskip("scipy.sparse")


# -- functions whose Jacobian pattern is known exactly ---------------------------------------

def reaction_diffusion(u, d=0.1):
    lap = np.roll(u, 1, 0) + np.roll(u, -1, 0) + np.roll(u, 1, 1) + np.roll(u, -1, 1) - 4 * u
    return d * lap + u * (1 - u) ** 2


def dirichlet_stencil(x):
    y = np.zeros_like(x)
    y[1:-1] = x[:-2] - 2 * x[1:-1] + np.exp(x[2:])
    y[0] = x[0] ** 2
    y[-1] = np.sin(x[-1])
    return y


def padded_stencil(x):
    p = np.pad(x, 1)
    return 2 * p[:-2] + np.tanh(p[1:-1]) + p[2:] ** 2


def banded(x):
    core = x[2:] * x[:-2] + x[1:-1] ** 3
    return np.concatenate([x[:2] ** 2, core, np.cos(x[-1:]) * x[-3:-2]])


def block_diagonal(x):
    blocks = x.reshape(4, 3)
    norms = np.sum(blocks ** 2, axis=1, keepdims=True)
    return (np.sin(blocks) * norms).ravel()


def gather_transpose(x):
    m = x.reshape(3, 4)
    picked = m.T[[0, 2, 3]]
    return np.stack([picked[:, 0] * picked[:, 1], np.exp(picked[:, 2])], axis=1).ravel()


def dense_part(x, a):
    return a @ np.sin(x) + np.sort(x)


def branchy(x):
    if x[0] > 0:
        return x[1:] * x[0]
    return np.exp(x[1:])


def second_differences(x):
    return np.diff(x, 2) + np.diff(x ** 2, prepend=0.0)[1:-1]


def boundary_values(x):
    padded = np.r_[0.0, x, 1.0]
    return padded[2:] - 2 * padded[1:-1] + np.sin(padded[:-2])


def twice_stencil(x):
    return difference(difference(x)) + x[1:-1] ** 2


def difference(x):
    return x[1:] - x[:-1]


def chain_energy(x):
    bonds = x[1:] - x[:-1]
    return np.sum(bonds ** 4 + np.cos(bonds) * x[1:]) + np.sum(x ** 2)


def two_inputs(x, y):
    return np.sin(x[:-1]) * y + x[1:] ** 2


def tuple_output(x):
    return x[1:] * x[:-1], np.sin(x)


def expected_rd_pattern(n):
    """The periodic 5-point stencil on an n x n grid, by index arithmetic."""
    i, j = np.divmod(np.arange(n * n), n)
    rows, cols = [], []
    for di, dj in ((0, 0), (1, 0), (-1, 0), (0, 1), (0, -1)):
        rows.append(i * n + j)
        cols.append(((i + di) % n) * n + (j + dj) % n)
    return sparse.csr_array((np.ones(5 * n * n, bool), (np.concatenate(rows), np.concatenate(cols))),
                            shape=(n * n, n * n)).toarray()


def dense_nonzeros(f, args, wrt=0):
    jacobian = np.asarray(srcad.jacobian(f, wrt)(*args))
    return jacobian.reshape(int(np.size(f(*args))), -1) != 0


RNG = np.random.default_rng(17)
EXACT = [
    (reaction_diffusion, (RNG.uniform(0.1, 0.9, (6, 6)),)),
    (dirichlet_stencil, (RNG.uniform(0.1, 0.9, 9),)),
    (padded_stencil, (RNG.uniform(0.1, 0.9, 8),)),
    (banded, (RNG.uniform(0.1, 0.9, 9),)),
    (block_diagonal, (RNG.uniform(0.1, 0.9, 12),)),
    (gather_transpose, (RNG.uniform(0.1, 0.9, 12),)),
    (twice_stencil, (RNG.uniform(0.1, 0.9, 9),)),
    (second_differences, (RNG.uniform(0.1, 0.9, 9),)),
    (boundary_values, (RNG.uniform(0.1, 0.9, 9),)),
]


@pytest.mark.parametrize("f, args", EXACT, ids=[f.__name__ for f, _ in EXACT])
def test_pattern_is_exact_on_indexing_and_elementwise_code(f, args):
    pattern = srcad.jacobian_sparsity(f)(*args)
    assert pattern.dtype == bool
    np.testing.assert_array_equal(pattern.toarray(), dense_nonzeros(f, args))


def test_reaction_diffusion_pattern_is_the_five_point_stencil():
    u = RNG.uniform(0.1, 0.9, (7, 7))
    np.testing.assert_array_equal(srcad.jacobian_sparsity(reaction_diffusion)(u).toarray(),
                                  expected_rd_pattern(7))


def test_pattern_is_a_superset_where_structure_is_conservative():
    x = RNG.uniform(0.1, 0.9, 6)
    a = np.diag(RNG.uniform(1, 2, 6))   # zeros off the diagonal: matmul ignores them
    pattern = srcad.jacobian_sparsity(dense_part)(x, a).toarray()
    truth = dense_nonzeros(dense_part, (x, a))
    assert np.all(pattern >= truth) and pattern.sum() > truth.sum()
    assert pattern.all()


def test_pattern_follows_the_branch_these_inputs_take():
    up, down = np.array([1.0, 2.0, 3.0]), np.array([-1.0, 2.0, 3.0])
    assert srcad.jacobian_sparsity(branchy)(up).toarray()[:, 0].all()
    np.testing.assert_array_equal(srcad.jacobian_sparsity(branchy)(down).toarray(),
                                  [[False, True, False], [False, False, True]])


def test_pattern_of_several_inputs_and_outputs():
    x, y = RNG.uniform(size=5), RNG.uniform(size=4)
    pattern = srcad.jacobian_sparsity(two_inputs, wrt=(0, 1))(x, y).toarray()
    truth = np.concatenate([dense_nonzeros(two_inputs, (x, y), 0), dense_nonzeros(two_inputs, (x, y), 1)], 1)
    np.testing.assert_array_equal(pattern, truth)
    stacked = srcad.jacobian_sparsity(tuple_output)(x).toarray()
    assert stacked.shape == (9, 5) and stacked.sum() == 2 * 4 + 5


def test_hessian_pattern_is_a_symmetric_superset():
    x = RNG.uniform(0.1, 0.9, 8)
    pattern = srcad.hessian_sparsity(chain_energy)(x).toarray()
    hessian = srcad.hessian(chain_energy)(x)
    assert np.all(pattern >= (hessian != 0)) and np.array_equal(pattern, pattern.T)
    assert pattern.sum() == 8 + 2 * 7   # tridiagonal


@pytest.mark.parametrize("mode", ["forward", "reverse", "auto"])
@pytest.mark.parametrize("f, args", EXACT[:5], ids=[f.__name__ for f, _ in EXACT[:5]])
def test_colored_jacobian_equals_the_dense_one(f, args, mode):
    jacobian = srcad.jacobian(f, sparse=True, mode=mode)
    for shift in (0.0, 0.05):   # a second point reuses the cached pattern and coloring
        point = (args[0] + shift,) + args[1:]
        dense = np.asarray(srcad.jacobian(f)(*point)).reshape(-1, np.size(args[0]))
        colored = jacobian(*point)
        assert isinstance(colored, sparse.csr_array) and colored.shape == dense.shape
        np.testing.assert_allclose(colored.toarray(), dense, rtol=1e-12, atol=1e-12)
    assert len(jacobian.plans) == 1


def test_colored_jacobian_against_finite_differences():
    u = RNG.uniform(0.1, 0.9, (5, 5))
    colored = srcad.jacobian(reaction_diffusion, sparse=True)(u)
    t = RNG.standard_normal((5, 5))
    (numeric,) = numerical_jvp(reaction_diffusion, (u,), (0,), (t,))
    np.testing.assert_allclose(colored @ t.ravel(), numeric.ravel(), rtol=1e-7, atol=1e-8)


def test_colored_jacobian_of_several_inputs_gives_blocks():
    x, y = RNG.uniform(size=5), RNG.uniform(size=4)
    blocks = srcad.jacobian(two_inputs, wrt=(0, 1), sparse=True)(x, y)
    dense = srcad.jacobian(two_inputs, wrt=(0, 1))(x, y)
    for block, expected in zip(blocks, dense):
        np.testing.assert_allclose(block.toarray(), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("method", ["star", "column"])
def test_colored_hessian_equals_the_dense_one(method):
    hessian = srcad.hessian(chain_energy, sparse=True, coloring=method)
    for _ in range(2):
        x = RNG.uniform(-1, 1, 12)
        np.testing.assert_allclose(hessian(x).toarray(), srcad.hessian(chain_energy)(x),
                                   rtol=1e-12, atol=1e-12)
    plan = next(iter(hessian.plans.values()))
    assert plan.count == 3


def test_a_pattern_that_is_too_small_is_caught_by_check():
    x = RNG.uniform(0.1, 0.9, 9)
    truth = srcad.jacobian_sparsity(banded)(x)
    too_small = truth.toarray()
    too_small[4, 3] = False
    with pytest.raises(srcad.InputError, match="misses nonzero entries.*rows 4"):
        srcad.jacobian(banded, sparsity=too_small, check=True)(x)
    good = srcad.jacobian(banded, sparsity=truth, check=True)(x)
    np.testing.assert_allclose(good.toarray(), srcad.jacobian(banded)(x), rtol=1e-12, atol=1e-12)
    hessian_pattern = np.eye(12, dtype=bool)
    with pytest.raises(srcad.InputError, match="misses nonzero entries"):
        srcad.hessian(chain_energy, sparsity=hessian_pattern, check=True)(RNG.uniform(size=12))


def test_a_pattern_of_the_wrong_shape_is_an_error():
    with pytest.raises(srcad.InputError, match="shape"):
        srcad.jacobian(banded, sparsity=np.ones((3, 3), bool))(np.ones(9))
    with pytest.raises(srcad.SrcadError, match="tuple"):
        srcad.jacobian(tuple_output, sparse=True)(np.ones(4))


def calls_branchy(x):
    return branchy(x) * 2


def sorted_neighbors(x):
    order = np.argsort(x)
    return x[order][1:] * x[order][:-1]


@pytest.mark.parametrize("f, points", [
    (branchy, [np.array([-1.0, 2.0, 3.0]), np.array([1.0, 2.0, 3.0])]),
    (calls_branchy, [np.array([-1.0, 2.0, 3.0]), np.array([1.0, 2.0, 3.0])]),
    (sorted_neighbors, [np.array([3.0, 1.0, 2.0, 0.5]), np.array([0.1, 0.7, 0.3, 0.9])]),
])
def test_a_cached_pattern_that_misses_entries_at_new_inputs_is_detected_again(f, points):
    """The pattern of the first point misses entries at the second (another branch, other
    indices): the probe in the sweep notices, and the pattern is found again."""
    jacobian = srcad.jacobian(f, sparse=True)
    first = jacobian(points[0])
    for x in points:
        np.testing.assert_allclose(jacobian(x).toarray(), srcad.jacobian(f)(x), atol=1e-12)
    (plan,) = jacobian.plans.values()
    assert plan.pattern.nnz != first.nnz or (plan.pattern != (first != 0)).nnz


def test_dependency_mode_is_generated_code():
    source = srcad.transform.generate(dirichlet_stencil, "deps", (0,)).source
    assert "x_dep[1:-1]" in source and "elementwise_deps(" in source
    assert "moved_deps(lambda" in srcad.transform.generate(padded_stencil, "deps", (0,)).source
    pattern = dependency_pattern(dirichlet_stencil, (0,), [np.ones(5)])
    assert pattern.shape == (5, 5)


# -- every rule: the pattern is never too small ------------------------------------------

def _rule_cases(every=20):
    import importlib
    import pkgutil
    import rule_cases
    cases = [case for info in pkgutil.iter_modules(rule_cases.__path__)
             for case in getattr(importlib.import_module(f"rule_cases.{info.name}"), "CASES", [])
             if case.differentiable]
    return cases[::every]


def _dense_pattern(case):
    args = list(case.args)
    jacobian = srcad.jacobian(case.function, wrt=tuple(case.wrt))(*args)
    outputs = jacobian if isinstance(case.function(*args), tuple) else (jacobian,)
    sizes = [int(np.size(args[i])) for i in case.wrt]
    rows = [np.concatenate([np.reshape(b, (-1, n)) for b, n in zip(blocks, sizes)], axis=1)
            for blocks in outputs]
    return np.concatenate(rows) != 0


@pytest.mark.parametrize("case", _rule_cases(), ids=lambda case: case.id)
def test_the_pattern_covers_the_jacobian_for_a_sample_of_the_rule_cases(case):
    """A twentieth of tests/rule_cases (the whole table passes too: 2000 cases, 70 s)."""
    pattern = dependency_pattern(case.function, tuple(case.wrt), list(case.args)).toarray()
    dense = _dense_pattern(case)
    assert pattern.shape == dense.shape and not (dense & ~pattern).any()


# -- colorings --------------------------------------------------------------------------

def random_pattern(m, n, density, seed):
    rng = np.random.default_rng(seed)
    return sparse.csr_array(rng.random((m, n)) < density)


@pytest.mark.parametrize("order", coloring.ORDERS)
@pytest.mark.parametrize("seed", range(4))
def test_column_and_row_colorings_are_valid(order, seed):
    pattern = random_pattern(30, 25, 0.12, seed)
    columns = coloring.column_coloring(pattern, order)
    rows = coloring.row_coloring(pattern, order)
    assert coloring.is_column_coloring(pattern, columns)
    assert coloring.is_column_coloring(pattern.T, rows)
    assert columns.max() + 1 >= max(np.diff(pattern.indptr))   # a row's entries all differ


def test_an_invalid_coloring_is_recognized():
    pattern = sparse.csr_array(np.array([[1, 1, 0], [0, 1, 1]], bool))
    assert not coloring.is_column_coloring(pattern, np.array([0, 0, 1]))
    path = sparse.csr_array(np.eye(4, k=1, dtype=bool) | np.eye(4, k=-1, dtype=bool))
    assert not coloring.is_star_coloring(path, np.array([0, 1, 0, 1]))
    assert coloring.is_star_coloring(path, np.array([0, 1, 0, 2]))


@pytest.mark.parametrize("order", ["largest_first", "smallest_last"])
@pytest.mark.parametrize("seed", range(4))
def test_star_coloring_is_valid_and_decompresses_exactly(order, seed):
    rng = np.random.default_rng(seed)
    upper = np.triu(rng.random((25, 25)) < 0.12, 1)
    values = np.where(upper | upper.T, rng.standard_normal((25, 25)), 0.0)
    values = values + values.T + np.diag(rng.standard_normal(25))
    pattern = sparse.csr_array(values != 0)
    colors = coloring.star_coloring(pattern, order)
    assert coloring.is_star_coloring(pattern, colors)
    compressed = (values @ coloring.seeds(colors).T).T
    recovered = coloring.star_decompress(pattern, colors, compressed)
    np.testing.assert_allclose(recovered.toarray(), values, rtol=1e-13, atol=1e-13)


def test_saturation_coloring_finds_five_colors_for_the_five_point_stencil():
    pattern = sparse.csr_array(expected_rd_pattern(20))
    colors = coloring.column_coloring(pattern)
    assert colors.max() + 1 == 5 and coloring.is_column_coloring(pattern, colors)


def test_the_example_in_docs_sparse_md_runs_as_shown(capsys, tmp_path):
    import importlib.util
    import pathlib
    import re
    text = (pathlib.Path(__file__).parent.parent / "docs" / "sparse.md").read_text()
    code, shown = re.search(r"```python\n(.*?)```\n\n```text\n(.*?)```", text, re.S).groups()
    path = tmp_path / "sparse_doc.py"   # srcad reads the functions' source from a file
    path.write_text(code)
    spec = importlib.util.spec_from_file_location("sparse_doc", path)
    spec.loader.exec_module(importlib.util.module_from_spec(spec))
    assert capsys.readouterr().out == shown


def test_compare_modes_reports_colors_when_the_jacobian_is_sparse():
    report = srcad.compare_modes(reaction_diffusion, RNG.uniform(size=(10, 10)), budget=0.001)
    assert report.sparsity == {"nonzeros": 500, "colors": 5, "mode": "forward"}
    assert "Jacobian, sparse (5 colors)" in report.times
    assert "5 forward directions instead of 100" in str(report)
    dense = srcad.compare_modes(dense_part, RNG.uniform(size=4), np.ones((4, 4)), budget=0.001)
    assert not dense.sparsity


def test_srcad_show_prints_the_dependency_mode(capsys):
    import pathlib
    from srcad.cli import main
    example = pathlib.Path(__file__).parent.parent / "examples" / "sparse_newton.py"
    main(["show", f"{example}:residual", "--mode", "deps"])
    assert "def residual_deps(u, source, d, u_dep):" in capsys.readouterr().out


def _integrate(rhs, y, h):
    for _ in range(2):
        y = y + h * rhs(y)
    return y


def _neighbour_rhs(y):
    return np.concatenate([y[1:] - y[:-1], y[-1:] * 0]) ** 2


def test_pattern_through_a_function_passed_as_a_value():
    x = np.linspace(0.1, 1, 8)

    def stepped(y):
        return _integrate(_neighbour_rhs, y, 0.1)

    def stepped_lambda(y):
        return _integrate(lambda v: v * v, y, 0.1)

    dense = srcad.jacobian(stepped)(x)
    pattern = srcad.jacobian_sparsity(stepped)(x).toarray()
    np.testing.assert_array_equal(pattern, dense != 0)
    np.testing.assert_allclose(srcad.jacobian(stepped, sparse=True)(x).toarray(), dense, rtol=1e-12)
    np.testing.assert_array_equal(srcad.jacobian_sparsity(stepped_lambda)(x).toarray(), np.eye(8, dtype=bool))
