"""Random programs (tests/random_programs.py) in both modes against central differences and
against each other, and the programs earlier runs found wrong (tests/random_regressions/),
kept as regression tests.

CI runs a fixed, bounded sample. A long hunt, with fresh random programs:

    SRCAD_HUNT=2000 python -m pytest tests/test_random_programs.py -k hunt -s

(it prints every program srcad got wrong; copy them into tests/random_regressions/).
"""
import importlib.util
import itertools
import os
import pathlib

import hypothesis
import hypothesis.strategies as st
import numpy as np
import pytest

import srcad
from srcad.testing import check_grads

from random_programs import N, program

REGRESSIONS = pathlib.Path(__file__).parent / "random_regressions"
HUNT = int(os.environ.get("SRCAD_HUNT", "0"))
_COUNT = itertools.count()


def load(source, directory):
    path = directory / f"random_program_{next(_COUNT)}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.f


def check_program(source, directory, seed=0):
    """Both modes against finite differences and each other; the gradient against the
    forward-mode and reverse-mode Jacobians."""
    f = load(source, directory)
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(-1.0, 1.0, N), float(rng.uniform(-0.5, 0.5))
    try:
        check_grads(f, (x, y), wrt=(0, 1), rtol=1e-5, atol=1e-6)
        gradient = srcad.grad(f)(x, y)
        np.testing.assert_allclose(srcad.jacobian(f, mode="forward")(x, y), gradient, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(srcad.jacobian(f, mode="reverse")(x, y), gradient, rtol=1e-9, atol=1e-12)
    except Exception as error:
        raise AssertionError(f"srcad is wrong on this program:\n{source}") from error


@hypothesis.settings(max_examples=60, deadline=None, derandomize=True, database=None,
                     suppress_health_check=list(hypothesis.HealthCheck))
@hypothesis.given(data=st.data())
def test_random_programs(data, tmp_path_factory):
    source = data.draw(st.composite(lambda draw: program(draw))())
    check_program(source, tmp_path_factory.mktemp("programs"))


def hunt(count, directory, save=None):
    """Check `count` fresh random programs; return the sources srcad got wrong (each also
    written to `save`, a directory, when given)."""
    strategy = st.composite(lambda draw: program(draw))()
    failures = []
    for number in range(count):
        source = strategy.example()
        try:
            check_program(source, directory)
        except AssertionError as error:
            failures.append((source, error.__cause__))
            if save is not None:
                (save / f"hunt_{os.getpid()}_{number}.py").write_text(source)
    return failures


@pytest.mark.skipif(HUNT == 0, reason="a long hunt: set SRCAD_HUNT=<number of programs>")
def test_hunt(tmp_path):
    save = tmp_path / "found"
    save.mkdir()
    failures = hunt(HUNT, tmp_path, save)
    for source, error in failures:
        print(f"--- {type(error).__name__}: {str(error)[:300]}\n{source}")
    print(f"{HUNT} programs, {len(failures)} wrong; sources in {save}")
    assert not failures


@pytest.mark.parametrize("path", sorted(REGRESSIONS.glob("*.py")), ids=lambda p: p.stem)
def test_programs_found_wrong_before(path, tmp_path):
    check_program(path.read_text(), tmp_path)
