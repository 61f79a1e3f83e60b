"""The disk cache: a second process reuses generated code; a changed function gets a new entry."""
import json
import os
import subprocess
import sys
import textwrap
import traceback

import numpy as np

import srcad
import srcad.cache

CHILD = textwrap.dedent("""
    import json, sys
    import numpy as np
    sys.path.insert(0, sys.argv[1])
    import model, srcad, srcad.cache
    g = srcad.grad(model.f)
    print(json.dumps({"grad": g(np.arange(3.0)).tolist(), **srcad.cache.STATS,
                      "file": g.__code__.co_filename}))
""")


def run_child(module_dir, cache_dir):
    env = dict(os.environ, SRCAD_CACHE_DIR=str(cache_dir))
    out = subprocess.run([sys.executable, "-c", CHILD, str(module_dir)], env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def write_model(directory, body):
    (directory / "model.py").write_text(f"import numpy as np\n\n\ndef f(x):\n    return {body}\n")


def test_second_process_hits_the_disk_cache(tmp_path):
    cache = tmp_path / "cache"
    write_model(tmp_path, "np.sum(x ** 2)")
    first = run_child(tmp_path, cache)
    second = run_child(tmp_path, cache)
    assert first["grad"] == second["grad"] == [0.0, 2.0, 4.0]
    assert (first["transforms"], first["disk_hits"]) == (1, 0)
    assert (second["transforms"], second["disk_hits"]) == (0, 1)
    assert first["file"] == second["file"] and first["file"].startswith(str(cache))
    assert len(list(cache.glob("f-grad-*/*.py"))) == 1


def test_changed_function_gets_a_new_entry(tmp_path):
    cache = tmp_path / "cache"
    write_model(tmp_path, "np.sum(x ** 2)")
    run_child(tmp_path, cache)
    write_model(tmp_path, "np.sum(x ** 3)")
    changed = run_child(tmp_path, cache)
    assert changed["transforms"] == 1 and changed["grad"] == [0.0, 3.0, 12.0]
    assert len(list(cache.glob("f-grad-*/*.py"))) == 2


def shape_mismatch(x, w):
    y = x * w
    return np.sum(y)


def test_tracebacks_show_generated_lines():
    g = srcad.grad(shape_mismatch)
    try:
        g(np.ones(3), np.ones(4))
    except ValueError as error:
        frames = traceback.extract_tb(error.__traceback__)
    generated = [fr for fr in frames if fr.name == "shape_mismatch_grad"]
    assert generated and generated[0].line == "y = x * w"
    assert generated[0].filename.endswith(".py") and os.path.exists(generated[0].filename)


def test_in_memory_cache_does_not_transform_twice():
    before = srcad.cache.STATS["transforms"] + srcad.cache.STATS["disk_hits"]
    srcad.grad(shape_mismatch, wrt=1)
    middle = srcad.cache.STATS["transforms"] + srcad.cache.STATS["disk_hits"]
    srcad.grad(shape_mismatch, wrt=1)
    assert middle == before + 1
    assert srcad.cache.STATS["transforms"] + srcad.cache.STATS["disk_hits"] == middle
    np.testing.assert_allclose(srcad.grad(shape_mismatch, wrt=1)(np.ones(2), np.ones(2)), np.ones(2))
