"""Functions defined in notebook cells: IPython registers each cell's source with
`linecache`, which is where srcad reads it (skipped without IPython)."""
import importlib.util
import sys

import numpy as np
import pytest

# found, not imported: importing IPython has effects on the process (see `shell`)
pytestmark = pytest.mark.skipif(importlib.util.find_spec("IPython") is None,
                                reason="IPython runs the cells")


@pytest.fixture
def shell(tmp_path, monkeypatch):
    # IPython (jedi, imported with it) raises the recursion limit, and the shell installs
    # hooks, for the whole process: put them back, so that later tests run as they would
    # alone
    saved = sys.getrecursionlimit(), sys.displayhook, sys.excepthook
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    monkeypatch.setenv("SRCAD_CACHE_DIR", "")
    config = Config()
    config.HistoryManager.enabled = False
    yield InteractiveShell.instance(config=config)
    InteractiveShell.clear_instance()
    sys.setrecursionlimit(saved[0])
    sys.displayhook, sys.excepthook = saved[1:]


def run(shell, cell):
    result = shell.run_cell(cell, store_history=True)
    result.raise_error()
    return result.result


def test_grad_of_a_function_defined_in_a_cell(shell):
    run(shell, "import numpy as np\nimport srcad")
    run(shell, "def energy(x):\n    y = np.sin(x) * x\n    return np.sum(y)\n")
    x = np.array([0.5, 1.0, -2.0])
    shell.user_ns["x"] = x
    gradient = run(shell, "srcad.grad(energy)(x)")
    np.testing.assert_allclose(gradient, np.cos(x) * x + np.sin(x), rtol=1e-12)
    source = run(shell, "srcad.source(srcad.grad(energy))")
    assert "y = np.sin(x) * x" in source and "<ipython-input-" in source.splitlines()[0]


def test_a_cell_that_defines_the_function_again(shell):
    run(shell, "import numpy as np\nimport srcad")
    run(shell, "def f(x):\n    return x ** 3\n")
    assert run(shell, "srcad.grad(f)(2.0)") == pytest.approx(12.0)
    run(shell, "def f(x):\n    return np.sin(x)\n")   # edited and run again
    assert run(shell, "srcad.grad(f)(2.0)") == pytest.approx(np.cos(2.0))
