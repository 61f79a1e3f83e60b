"""srcad is typed (py.typed): its transformations keep the signature of the function they
differentiate, so a type checker catches a wrong call of a derivative before it runs."""
import pathlib

import pytest

mypy_api = pytest.importorskip("mypy.api")
ROOT = pathlib.Path(__file__).resolve().parent.parent
OPTIONS = ["--ignore-missing-imports", "--follow-imports=silent", "--no-incremental"]


def check(path):
    out, err, status = mypy_api.run([str(path), *OPTIONS])
    return status, out + err


def test_the_typed_example_checks():
    status, report = check(ROOT / "examples" / "typed_api.py")
    assert status == 0, report


def test_a_wrong_call_of_a_derivative_is_a_type_error(tmp_path):
    (tmp_path / "wrong.py").write_text(
        "import numpy as np\nimport srcad\n\n\n"
        "def loss(w: np.ndarray, x: np.ndarray, target: float = 0.0) -> float:\n"
        "    return float(np.sum((x @ w - target) ** 2))\n\n\n"
        "srcad.grad(loss)(np.ones(3))\n"
        "srcad.value_and_grad(loss)(np.ones(3), np.ones((2, 3)), target='x')\n")
    status, report = check(tmp_path / "wrong.py")
    assert status == 1
    assert "wrong.py:9: error: Too few arguments" in report
    assert 'wrong.py:10: error: Argument "target"' in report


def test_the_package_is_marked_typed():
    assert (ROOT / "srcad" / "py.typed").exists()
