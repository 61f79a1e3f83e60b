"""Each optimizer pass on its own (srcad/optimize/*.py), on small hand-written inputs."""
import ast
import re

import gast
import numpy as np
import pytest

from srcad.names import Namer
from srcad.optimize import enabled, optimize
from srcad.optimize.algebra import ZeroOneAlgebra
from srcad.optimize.analysis import purity_checker
from srcad.optimize.cse import eliminate_common_subexpressions
from srcad.optimize.dce import eliminate_dead_code
from srcad.optimize.fold import ConstantFolder
from srcad.optimize.propagate import inline_temporaries
from srcad.runtime import add_at

NAMESPACE = {"np": np}
IS_PURE = purity_checker(NAMESPACE)


def expression(text):
    return gast.parse(text, mode="eval").body


def statements(text):
    return gast.parse(text).body


def show(nodes):
    nodes = nodes if isinstance(nodes, list) else [nodes]
    if isinstance(nodes[0], gast.expr):
        return ast.unparse(gast.gast_to_ast(nodes[0]))
    module = gast.gast_to_ast(gast.Module(body=nodes, type_ignores=[]))
    return ast.unparse(ast.fix_missing_locations(module)).strip()


@pytest.mark.parametrize("before, after", [
    ("2 * 3 * x", "6 * x"), ("x ** (2 - 1)", "x ** 1"), ("np.cos(0.0) * g", "1.0 * g"),
    ("np.sum(x, axis=None)", "np.sum(x)"), ("1 / 0", "1 / 0"), ("-(-2)", "2"),
])
def test_constant_folding(before, after):
    assert show(ConstantFolder(NAMESPACE).visit(expression(before))) == after


@pytest.mark.parametrize("before, after", [
    ("g * 1", "g"), ("1.0 * g", "g"), ("g + 0", "g"), ("0 - g", "-g"), ("g * -1", "-g"),
    ("x ** 1", "x"), ("a + -b", "a - b"), ("a - -b", "a + b"), ("--a", "a"), ("g * (1 / x)", "g * (1 / x)"),
    ("0 * x", "0 * x"),  # zero times an array keeps its shape: left alone
])
def test_zero_one_algebra(before, after):
    assert show(ZeroOneAlgebra().visit(expression(before))) == after


def test_dead_code_keeps_effects_and_tape_operations():
    body = statements("a = np.sin(x)\nb = a * 2\ntape.append(x)\nx = tape.pop()\nc = np.cos(x)")
    kept = eliminate_dead_code(body, {"b"}, IS_PURE)
    assert show(kept) == "a = np.sin(x)\nb = a * 2\ntape.append(x)\nx = tape.pop()"


def test_forward_substitution_of_single_use_temporaries():
    body = statements("t1 = x * w\nt2 = np.sin(t1)\ny = t2 + b")
    assert show(inline_temporaries(body, {"t1", "t2"}, IS_PURE, {"y"})) == "y = np.sin(x * w) + b"


def test_substitution_stops_where_an_input_changes():
    body = statements("t1 = x_bar\nx_bar = x_bar * c\nx_bar = x_bar + t1 * 0.9")
    assert show(inline_temporaries(body, {"t1"}, IS_PURE, {"x_bar"})) == show(body)


def test_no_substitution_into_a_loop():
    body = statements("t1 = np.cos(x)\nfor i in range(n):\n    y = y + t1")
    assert "t1 = np.cos(x)" in show(inline_temporaries(body, {"t1"}, IS_PURE, {"y"}))


def test_common_subexpressions_are_computed_once():
    body = statements("a = np.linalg.solve(m.T, g) * x\nb = np.linalg.solve(m.T, g) + y")
    result = show(eliminate_common_subexpressions(body, IS_PURE, Namer(set()).fresh))
    assert result == "common = np.linalg.solve(m.T, g)\na = common * x\nb = common + y"


def test_common_subexpressions_respect_writes_in_between():
    body = statements("a = np.cos(x)\nx = x + 1\nb = np.cos(x)")
    assert show(eliminate_common_subexpressions(body, IS_PURE, Namer(set()).fresh)) == show(body)


def test_the_switch(monkeypatch):
    monkeypatch.setenv("SRCAD_OPTIMIZE", "0")
    assert not enabled()
    body = statements("t1 = g * 1")
    assert show(optimize(body, {"t1"}, {"t1"}, NAMESPACE)) == "t1 = g * 1"


def noisy(x):
    a = np.random.normal(size=3)
    b = np.random.normal(size=3)
    unused = np.random.normal(size=2)  # noqa: F841  (still drawn: it moves the generator)
    return np.sum(x * a) + np.sum(x * b)


def test_random_draws_are_never_merged_or_dropped():
    import srcad
    np.random.seed(0)
    gradient = srcad.grad(noisy)(np.ones(3))
    np.random.seed(0)
    a, b = np.random.normal(size=3), np.random.normal(size=3)
    np.testing.assert_allclose(gradient, a + b)
    code = [line for line in srcad.source(srcad.grad(noisy)).splitlines() if not line.lstrip().startswith("#")]
    assert sum("np.random.normal(" in line for line in code) == 3


@pytest.mark.parametrize("later, dropped", [
    ("a = y_bar[0]", True),               # another element: the write is dead
    ("a = y_bar[0] + y_bar[2]", True),
    ("a = y_bar[1]", False),              # the element written
    ("a = y_bar[-1]", False),             # may be the same element
    ("a = y_bar[0, 1]", False),           # y_bar[1] may be a row that holds it
    ("a = y_bar[i]", False),
    ("a = y_bar", False),
    ("a = np.sum(y_bar)", False),
])
def test_dead_item_writes(later, dropped):
    body = statements(f"y_bar[1] = 0.0\n{later}")
    kept = show(eliminate_dead_code(body, {"a"}, IS_PURE))
    assert ("y_bar[1] = 0.0" not in kept) == dropped, kept


def test_item_writes_of_the_users_code_stay():
    body = statements("y[1] = 0.0\na = y[0]")
    body[0].primal = True
    assert show(eliminate_dead_code(body, {"a"}, IS_PURE)) == "y[1] = 0.0\na = y[0]"


@pytest.mark.parametrize("later, dropped", [
    ("a = y_bar[0] * 2", True),
    ("y_bar[0] = 1.0\na = y_bar", False),
    ("y_bar += g\na = y_bar", False),
    ("add_at(y_bar, 0, g)\na = y_bar", False),
    ("y_bar = g * 2\ny_bar[0] = 1.0\na = y_bar", True),   # the write goes into a new array
    ("if c:\n    y_bar[0] = 1.0\na = y_bar", False),
])
def test_copies_nothing_writes_into_are_dropped(later, dropped):
    body = statements(f"y_bar = y_bar.copy()\n{later}")
    kept = show(eliminate_dead_code(body, {"a"}, purity_checker({"np": np, "add_at": add_at})))
    assert ("y_bar.copy()" not in kept) == dropped, kept


@pytest.mark.parametrize("code", [
    "if c:\n    y_bar = y_bar.copy()\n    a = y_bar[1]\ny_bar[0] = 1.0\na = y_bar",
    "for i in r:\n    y_bar[0] = 1.0\n    y_bar = y_bar.copy()\n    a = y_bar[1]",
])
def test_copies_inside_blocks_stay(code):
    """Writes after the block (or in the loop's next iteration) would go into the array the
    copy protects."""
    kept = show(eliminate_dead_code(statements(code), {"a", "y_bar"}, IS_PURE))
    assert "y_bar.copy()" in kept, kept


def test_an_alias_is_replaced_by_the_name_it_copies_wherever_it_is_read():
    body = statements("t3_bar = y_bar\nx1_bar = t3_bar * x2\nx2_bar = t3_bar * x1")
    result = show(inline_temporaries(body, {"t3_bar"}, IS_PURE, {"x1_bar", "x2_bar"}))
    assert result == "x1_bar = y_bar * x2\nx2_bar = y_bar * x1"


@pytest.mark.parametrize("code", [
    "t_bar = y_bar\ny_bar = g * 2\nx_bar = t_bar * 3",        # the source changes in between
    "t_bar = y_bar\ny_bar[0] = 0.0\nx_bar = t_bar * 3",
    "t_bar = y_bar\nif c:\n    x_bar = t_bar * 3",               # read inside a block
])
def test_an_alias_stays_when_its_source_changes_or_it_is_read_in_a_block(code):
    body = statements(code)
    assert "t_bar = y_bar" in show(inline_temporaries(body, {"t_bar"}, IS_PURE, {"x_bar", "y_bar"}))


@pytest.mark.parametrize("code", [
    "b = np.sin(x)\nt_bar = b\nc = t_bar * 2\nd = t_bar * 3",
    "t_bar = b\nc = t_bar * 2\nd = t_bar * 3\ne = b",
])
def test_a_value_read_through_an_alias_is_computed_once_and_defined_where_read(code):
    """``b`` is read once by the alias; once the alias is gone it is read twice, so it must
    not then be substituted as a single-use temporary."""
    result = show(inline_temporaries(statements(code), {"b", "t_bar"}, IS_PURE, {"c", "d", "e"}))
    assert result.count("np.sin(x)") <= 1, result
    defined = {"b", "x"}
    for line in result.splitlines():
        target, value = line.split(" = ")
        assert set(re.findall(r"[a-z_]+(?![a-z_(])", value)) - {"np"} <= defined, result
        defined.add(target)


@pytest.mark.parametrize("first, second", [("np.full(3, 1)", "np.full(3, 1.0)"), ("f(True)", "f(1)"),
                                           ("np.sum(x, axis=0)", "np.sum(x, axis=1)")])
def test_common_subexpressions_are_equal_literals_of_the_same_type_only(first, second):
    body = statements(f"a = {first} * x\nb = {second} + y")
    assert show(eliminate_common_subexpressions(body, IS_PURE, Namer(set()).fresh)) == show(body)
