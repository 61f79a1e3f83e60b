"""compare_modes and `srcad compare`: the report's numbers and recommendation."""
import numpy as np
import pytest

import srcad
from srcad.cli import main


def layer(x, w):
    return np.tanh(w @ x)


def looped(x):
    for i in range(5):
        x = np.sin(x) * 1.1
    return np.sum(x)


def test_report_fields_and_recommendation():
    rng = np.random.default_rng(0)
    wide = srcad.compare_modes(layer, rng.normal(size=200), rng.normal(size=(2, 200)), wrt=0, budget=0.01)
    assert (wide.n, wide.m) == (200, 2)
    assert wide.recommended == "reverse"   # 2 output directions against 200 input directions
    assert set(wide.times) >= {"primal", "one JVP (forward)", "one VJP (reverse)"}
    assert all(seconds > 0 for seconds in wide.times.values())
    assert wide.operations["forward"] > 0 and wide.operations["reverse"] > 0
    text = str(wide)
    assert "n = 200 inputs, m = 2 outputs" in text and "recommended for the full Jacobian: reverse" in text


def test_tape_size_is_reported():
    report = srcad.compare_modes(looped, np.ones(3), budget=0.01)
    assert report.tape == 5          # x is saved once per iteration, nothing else
    assert report.n == 3 and report.m == 1


def test_plot_writes_a_png(tmp_path):
    pytest.importorskip("matplotlib")
    report = srcad.compare_modes(looped, np.ones(3), budget=0.005)
    path = report.plot(tmp_path / "modes.png")
    assert path.stat().st_size > 1000


def test_cli_compare(capsys):
    assert main(["compare", f"{__file__}:layer", "--shape", "x=30", "--shape", "w=40,30"]) == 0
    out = capsys.readouterr().out
    assert "n = 30 inputs, m = 40 outputs" in out and "recommended" in out
    assert main(["compare", f"{__file__}:layer", "--shape", "x=3"]) == 2   # w has no shape
