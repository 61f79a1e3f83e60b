"""The benchmark's plumbing (not its speed: speed lives in `srcad bench`, never in tests)."""
import numpy as np
import pytest

import srcad
from srcad.bench import driver, worker
from srcad.bench.reference import WORKLOADS


@pytest.mark.parametrize("workload", [w for w in WORKLOADS if w.name not in ("elementwise_chain", "mlp_loss")],
                         ids=lambda w: w.name)
def test_hand_written_gradients_match_srcad(workload):
    args = workload.args()
    if workload.cotangent is not None:
        got = (srcad.vjp(workload.function, wrt=workload.wrt[0])(*args, workload.cotangent)[1],)
        expected = (workload.gradient(*args, workload.cotangent),)
    else:
        got = srcad.grad(workload.function, wrt=workload.wrt)(*args) if len(workload.wrt) > 1 \
            else (srcad.grad(workload.function, wrt=workload.wrt[0])(*args),)
        expected = workload.gradient(*args)
        expected = expected if isinstance(expected, tuple) else (expected,)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-9, atol=1e-12)


def test_worker_checks_and_times():
    results = worker.run("srcad", ["scalar_seed", "item_assignment"], budget=0.005)
    for entry in results.values():
        assert entry["correct"] and entry["gradient"] > 0 and entry["first_gradient"] > 0
        assert entry["hand_gradient"] > 0 and entry["primal"] > 0   # timed in turns with srcad's


def test_srcad_over_hand_uses_the_side_by_side_measurement():
    results = {"hand": {"scalar_seed": {"primal": 1e-7, "gradient": 9e-7, "first_gradient": 1e-6}},
               "srcad": {"scalar_seed": {"primal": 1e-7, "hand_gradient": 2e-7, "gradient": 5e-7,
                                         "first_gradient": 0.01, "correct": True}}}
    text = driver.markdown(results, ["scalar_seed"], ["hand", "srcad"])
    assert "| 0.2 | 0.5 | 2.50 | 5.00 |" in text, text


def test_tables_from_results():
    results = {"hand": {"scalar_seed": {"primal": 1e-7, "gradient": 2e-7, "first_gradient": 1e-6, "correct": True}},
               "srcad": {"scalar_seed": {"primal": 1e-7, "gradient": 3e-7, "first_gradient": 0.01, "correct": True}},
               "srcad (disk cache)": {"scalar_seed": {"first_gradient": 0.002}},
               "torch": {"scalar_seed": {"error": "ImportError: no torch"}}}
    text = driver.markdown(results, ["scalar_seed"], ["hand", "srcad", "torch"])
    assert "| 1.50 |" in text          # srcad / hand
    assert "—" in text                 # the peer that failed
    assert "10.0 ms" in text and "2.0 ms" in text
    for systems in (["hand", "srcad", "torch"], ["hand", "srcad"]):
        rows = [line for line in driver.markdown(results, ["scalar_seed"], systems).splitlines()
                if line.startswith("|")]
        assert len({line.count("|") for line in rows[:3]}) == 1, rows   # header, rule, row agree
        assert "|  |" not in "\n".join(rows)
