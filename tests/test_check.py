"""`srcad.check(f, wrt)` and ``srcad check PATH.py:FUNC``: every problem at once, without
running the function, in the words of the errors the transformation raises."""
import os
import pathlib
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import srcad
from srcad.cli import main

ROOT = pathlib.Path(__file__).resolve().parent.parent

SOURCE = '''\
import numpy as np


def helper(h, w):
    a = np.unwrap(h)
    return np.tanh(a @ w)


def model(x, w, n):
    raise RuntimeError("check must not run the function")
    z = helper(x, w)
    del n
    k = 2.0
    pairs = {k, 2.0}
    return np.sum(z) * k


def clean(x, w):
    h = np.tanh(x @ w)
    s = np.sum(h * h)
    scale = 3.0
    return s * scale


def forward_only(x):
    return np.sum(doubled(x))


import srcad


@srcad.custom_vjp
def doubled(x):
    return 2.0 * x


@doubled.defvjp
def doubled_vjp(g, ans, x):
    return (2.0 * g,)
'''


@pytest.fixture
def module(tmp_path, monkeypatch):
    import importlib.util
    path = tmp_path / "checked.py"
    path.write_text(SOURCE)
    monkeypatch.setenv("SRCAD_CACHE_DIR", "")
    spec = importlib.util.spec_from_file_location("checked_module", path)
    loaded = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = loaded
    spec.loader.exec_module(loaded)
    yield loaded
    del sys.modules[spec.name]


def test_every_problem_of_the_function_and_its_callees(module):
    report = srcad.check(module.model, wrt=(0, 1))
    assert not report.ok
    found = [(p.where.rsplit("/", 1)[-1], p.what.split(" (")[0].split(" is not")[0]) for p in report.problems]
    assert found == [("checked.py:5", "no derivative rule for numpy.unwrap"),
                     ("checked.py:12", "`del`"), ("checked.py:14", "set literal")]
    assert all(p.fix for p in report.problems)
    names = [(c.name, c.wrt) for c in report.functions]
    assert names == [("model", (0, 1)), ("helper", (0, 1))]
    assert report.functions[0].active == ["w", "x", "z"]
    assert report.functions[1].active == ["a", "h", "w"]
    text = str(report)
    assert "3 problem(s)" in text and "fix: Use a list or tuple." in text
    assert "calls helper" in text and "active variables: a, h, w" in text


def test_the_problems_are_the_errors_the_transformation_raises(module):
    problems = srcad.check(module.helper, wrt=0).problems
    with pytest.raises(srcad.NoDerivativeRule) as info:
        srcad.grad(module.helper)(np.ones(2), np.ones(2))
    assert [p.error.args for p in problems] == [info.value.args]


def test_a_clean_function(module):
    report = srcad.check(module.clean, wrt=(0, 1))
    assert report.ok and report.problems == []
    assert report.functions[0].active == ["h", "s", "w", "x"]   # not `scale`, a constant
    assert "ok" in str(report).splitlines()[0]
    assert srcad.check(module.clean, wrt=1).functions[0].active == ["h", "s", "w"]


def test_modes_need_their_own_rules(module):
    assert srcad.check(module.forward_only).ok
    report = srcad.check(module.forward_only, mode="forward")
    assert [type(p.error) for p in report.problems] == [srcad.NoDerivativeRule]
    assert "defjvp" in report.problems[0].what


def test_the_command_exits_1_when_something_blocks(module, tmp_path, capsys):
    path = tmp_path / "checked.py"
    assert main(["check", f"{path}:model", "--wrt", "0,1"]) == 1
    out = capsys.readouterr().out
    assert "checked.py:12: `del` is not supported" in out
    assert main(["check", f"{path}:clean", "--wrt", "0,1"]) == 0
    assert main(["check", f"{path}:nothing"]) == 2


def test_the_command_runs_as_a_program(tmp_path):
    (tmp_path / "tiny.py").write_text(textwrap.dedent('''\
        def f(x):
            y = x * x
            return y
    '''))
    result = subprocess.run([sys.executable, "-m", "srcad", "check", "tiny.py:f"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "SRCAD_CACHE_DIR": "", "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "srcad check f (reverse mode, wrt=(0,)): ok",
        "  function f (tiny.py:1), wrt=(0,): active variables: x, y"]


def test_the_example_of_the_docs(tmp_path):
    """docs/api.md shows what `srcad check checkdoc.py:loss` prints."""
    from doc_examples import section, blocks
    shown = blocks(section("check: what stops differentiation"), "text")[0]
    source = ROOT / "tests" / "doc_sources" / "checkdoc.py"
    (tmp_path / "checkdoc.py").write_text(source.read_text())
    result = subprocess.run([sys.executable, "-m", "srcad", "check", "checkdoc.py:loss"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "SRCAD_CACHE_DIR": "", "PYTHONPATH": str(ROOT)})
    assert result.returncode == 1, result.stderr
    assert result.stdout == shown, result.stdout
