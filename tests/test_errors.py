"""Bad input gets a clear srcad error naming the file, line and construct, never a wrong number."""
import numpy as np
import pytest

import srcad


opaque = np.frompyfunc(lambda v: v * 2, 1, 1)   # a ufunc with no derivative rule and no source


def guarded(x):
    try:
        y = x * 2.0
    except ValueError:
        y = x
    return y


def test_unsupported_syntax_names_file_line_and_construct():
    with pytest.raises(srcad.UnsupportedSyntax) as info:
        srcad.grad(guarded)
    message = str(info.value)
    assert "test_errors.py:" in message and "`try` statement" in message
    assert isinstance(info.value, srcad.SrcadError)


@pytest.mark.parametrize("construct, source, expected", [
    ("try", "try:\n        y = x * 2.0\n    except ValueError:\n        y = x", "`try` statement"),
    ("del", "y = x\n    del y\n    y = x", "`del`"),
    ("global", "global G\n    y = x", "`global`"),
    ("class", "class C:\n        pass\n    y = x", "class definition"),
    ("yield", "y = yield x", "`yield`"),
])
def test_each_unsupported_construct_is_named(tmp_path, construct, source, expected):
    import importlib.util
    path = tmp_path / f"unsupported_{construct}.py"
    path.write_text(f"def f(x):\n    {source}\n    return x\n")
    spec = importlib.util.spec_from_file_location(f"unsupported_{construct}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with pytest.raises(srcad.UnsupportedSyntax) as info:
        srcad.grad(module.f)(1.0)
    assert expected in str(info.value) and f"{path.name}:" in str(info.value)


def calls_unknown(x):
    y = opaque(x) * 3.0
    return y


def test_no_rule_is_an_error_not_a_zero():
    with pytest.raises(srcad.NoDerivativeRule) as info:
        srcad.grad(calls_unknown)(1.0)
    message = str(info.value)
    assert "opaque" in message and "test_errors.py:" in message and "defvjp" in message


def unknown_on_constant(x):
    scale = opaque(2.0)
    return x * scale


def test_unknown_call_on_constants_is_fine():
    assert srcad.grad(unknown_on_constant)(1.0) == 4.0


def writes_into_argument(x):
    x[0] = 0.0
    return np.sum(x)


def writes_into_argument_by_another_name(x):
    y = x
    y[0] = 0.0
    return np.sum(x)


def test_item_assignment_into_an_argument():
    """Writing into an argument is differentiated on a copy (test_issue12_dynamic.py); through
    a second name for it, it is still an error."""
    x = np.array([1.0, 2.0])
    np.testing.assert_array_equal(srcad.grad(writes_into_argument)(x), [0.0, 1.0])
    np.testing.assert_array_equal(x, [1.0, 2.0])
    with pytest.raises(srcad.UnsupportedSyntax, match=r"argument `x`.*copy\(\)"):
        srcad.grad(writes_into_argument_by_another_name)


def mutating_call(x):
    y = np.zeros(3)
    np.add.at(y, 0, x)
    return np.sum(y)


def test_discarded_call_on_differentiated_value():
    with pytest.raises(srcad.UnsupportedSyntax, match="discarded"):
        srcad.grad(mutating_call)(1.0)


def test_non_functions_are_rejected():
    with pytest.raises(srcad.SrcadError, match="def"):
        srcad.grad(np.sin)


def loops(x):
    total = 0.0
    for i in range(3):
        total = total + x
    return total


def test_loops_give_the_right_number():
    assert srcad.grad(loops)(2.0) == 3.0


def undefined_name(x):
    return x * not_defined_anywhere  # noqa: F821


def test_undefined_name():
    with pytest.raises(srcad.SrcadError, match="not_defined_anywhere"):
        srcad.grad(undefined_name)


def my_cube_impl(x):
    return np.frompyfunc(lambda v: v**3, 1, 1)(x).astype(float)


srcad.defvjp(my_cube_impl, "x", "g * 3 * x ** 2")
srcad.defjvp(my_cube_impl, "x", "x_dot * 3 * x ** 2")


def uses_registered_rule(x):
    return np.sum(my_cube_impl(x) * 2.0)


def test_user_registered_rule():
    x = np.array([0.5, -1.0, 2.0])
    np.testing.assert_allclose(srcad.grad(uses_registered_rule)(x), 6 * x**2, rtol=1e-12)
    srcad.testing.check_grads(uses_registered_rule, (x,))


def wrong_cube_impl(x):
    return x**3


srcad.defvjp(wrong_cube_impl, "x", "g * 2 * x ** 2")  # wrong on purpose
srcad.defjvp(wrong_cube_impl, "x", "x_dot * 2 * x ** 2")


def uses_wrong_rule(x):
    return np.sum(wrong_cube_impl(x))


def test_check_grads_catches_a_wrong_rule():
    with pytest.raises(AssertionError, match="mismatch"):
        srcad.testing.check_grads(uses_wrong_rule, (np.array([0.5, 1.5]),))


def writes_through_a_second_name(x):
    y = np.zeros(2)
    z = y
    y[0] = x * 3.0
    return np.sum(z * x)


def test_item_assignment_into_an_array_another_name_holds():
    """z sees the write too; treating z as the old value would give a wrong gradient (0, not 12)."""
    with pytest.raises(srcad.UnsupportedSyntax, match=r"`y`, the same array as `z`"):
        srcad.grad(writes_through_a_second_name)
