"""The disk cache never runs a file srcad did not write, and never fails a derivative:
tampered, truncated, empty or binary files, a directory another user owns or others can
write, a directory srcad cannot write to, and many writers at once (issue 13, section 1)."""
import json
import os
import stat
import subprocess
import sys
import textwrap
import threading
import warnings

import numpy as np
import pytest

import srcad
import srcad.cache
from srcad import diskcache

CHILD = textwrap.dedent("""
    import json, sys, warnings
    import numpy as np
    sys.path.insert(0, sys.argv[1])
    import model, srcad, srcad.cache
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gradient = srcad.grad(model.f)(np.arange(3.0)).tolist()
    print(json.dumps({"grad": gradient, **srcad.cache.STATS,
                      "warnings": [str(w.message) for w in caught]}))
""")
EXPECTED = [0.0, 2.0, 4.0]


def run_child(directory, cache):
    env = dict(os.environ, SRCAD_CACHE_DIR=str(cache))
    out = subprocess.run([sys.executable, "-c", CHILD, str(directory)], env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


@pytest.fixture
def model(tmp_path):
    (tmp_path / "model.py").write_text("import numpy as np\n\n\ndef f(x):\n    return np.sum(x ** 2)\n")
    return tmp_path


def cached_files(cache):
    return sorted(cache.glob("*/*.py"))


def test_files_are_private_and_signed(model):
    cache = model / "cache"
    assert run_child(model, cache)["grad"] == EXPECTED
    (path,) = cached_files(cache)
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((cache / diskcache.KEY_FILE).stat().st_mode) == 0o600
    assert path.read_text().splitlines()[-1].startswith(diskcache.DIGEST_LINE)
    assert not list(cache.glob("**/.tmp-*")), "no temporary file is left behind"


def _damaged(text):
    lines = text.splitlines(True)
    return {
        "tampered": text.replace("return x_bar", "open('INJECTED', 'w').close()\n    return x_bar * 0 + 42"),
        "truncated at a line": "".join(lines[:len(lines) // 2]),
        "truncated mid-line": text[:len(text) // 2 + 3],
        "empty": "",
        "binary": None,
        "digest of other text": text.replace("def f_grad", "def f_grad_other"),
    }


@pytest.mark.parametrize("damage", list(_damaged("x").keys()))
def test_a_damaged_file_is_a_miss_and_is_replaced(model, damage):
    cache = model / "cache"
    run_child(model, cache)
    (path,) = cached_files(cache)
    damaged = _damaged(path.read_text())[damage]
    if damaged is None:
        path.write_bytes(b"\xff\xfe\x00\x81" * 50)
    else:
        path.write_text(damaged)
    again = run_child(model, cache)
    assert again["grad"] == EXPECTED and again["transforms"] == 1 and again["disk_hits"] == 0
    assert not (model / "INJECTED").exists() and not os.path.exists("INJECTED")
    third = run_child(model, cache)
    assert third["grad"] == EXPECTED and third["disk_hits"] == 1 and third["transforms"] == 0


def test_an_unreadable_file_is_a_miss(model, monkeypatch):
    cache = model / "cache"
    run_child(model, cache)
    real = diskcache.pathlib.Path.read_bytes

    def unreadable(self):
        if self.suffix == ".py":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)
    monkeypatch.setattr(diskcache.pathlib.Path, "read_bytes", unreadable)
    monkeypatch.setenv("SRCAD_CACHE_DIR", str(cache))
    diskcache._STATE.clear()
    srcad.cache.clear_memory()
    sys.path.insert(0, str(model))
    try:
        import model as loaded
        np.testing.assert_allclose(srcad.grad(loaded.f)(np.arange(3.0)), EXPECTED)
    finally:
        sys.path.remove(str(model))
        sys.modules.pop("model", None)
        diskcache._STATE.clear()


def test_a_directory_others_can_write_is_not_used(model):
    cache = model / "cache"
    cache.mkdir(mode=0o700)
    os.chmod(cache, 0o777)
    run = run_child(model, cache)
    assert run["grad"] == EXPECTED and run["transforms"] == 1
    assert len(run["warnings"]) == 1 and "other users can write" in run["warnings"][0]
    assert str(cache) in run["warnings"][0] and "chmod 700" in run["warnings"][0]
    assert cached_files(cache) == []


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="needs root to chown")
def test_a_directory_another_user_owns_is_not_used(model):
    cache = model / "cache"
    cache.mkdir(mode=0o700)
    os.chown(cache, 12345, -1)
    run = run_child(model, cache)
    assert run["grad"] == EXPECTED
    assert len(run["warnings"]) == 1 and "another user owns it" in run["warnings"][0]
    assert cached_files(cache) == []


def test_a_cache_that_cannot_be_written_warns_once_and_works(model):
    blocker = model / "not-a-directory"
    blocker.write_text("a file where the cache directory should be")
    run = run_child(model, blocker / "cache")
    assert run["grad"] == EXPECTED and run["transforms"] == 1
    assert len(run["warnings"]) == 1 and "cannot use the cache directory" in run["warnings"][0]


def test_a_failed_write_leaves_nothing_and_warns_once(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("SRCAD_CACHE_DIR", str(cache))
    diskcache._STATE.clear()
    diskcache._WARNED.clear()

    real = os.replace

    def full_disk(source, destination):
        if str(destination).endswith(".py"):
            raise OSError(28, "No space left on device")
        return real(source, destination)
    monkeypatch.setattr(os, "replace", full_disk)
    srcad.cache.clear_memory()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for f in (first_function, second_function):
                np.testing.assert_allclose(srcad.grad(f)(np.arange(3.0)), EXPECTED)
        assert len([w for w in caught if "cannot write" in str(w.message)]) == 1
        assert cached_files(cache) == [] and not list(cache.glob("**/.tmp-*"))
    finally:
        diskcache._STATE.clear()


def first_function(x):
    return np.sum(x ** 2)


def second_function(x):
    return np.sum(x * x)


def test_many_processes_and_threads_on_one_empty_cache(model):
    cache = model / "cache"
    env = dict(os.environ, SRCAD_CACHE_DIR=str(cache))
    threaded = textwrap.dedent("""
        import json, sys, threading
        import numpy as np
        sys.path.insert(0, sys.argv[1])
        import model, srcad
        results, errors = [], []
        def work():
            try:
                results.append(srcad.grad(model.f)(np.arange(3.0)).tolist())
            except Exception as error:
                errors.append(repr(error))
        threads = [threading.Thread(target=work) for _ in range(16)]
        for t in threads: t.start()
        for t in threads: t.join()
        print(json.dumps({"results": results, "errors": errors}))
    """)
    processes = [subprocess.Popen([sys.executable, "-c", threaded, str(model)], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(8)]
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        report = json.loads(out)
        assert report["errors"] == [] and report["results"] == [EXPECTED] * 16
    assert len(cached_files(cache)) == 1
    assert not list(cache.glob("**/.tmp-*"))
    assert run_child(model, cache)["disk_hits"] == 1


def test_threads_of_one_process_share_the_memory_cache():
    results, errors = [], []

    def work():
        try:
            results.append(srcad.grad(second_function)(np.arange(3.0)).tolist())
        except Exception as error:   # pragma: no cover - reported below
            errors.append(error)
    threads = [threading.Thread(target=work) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and results == [EXPECTED] * 16


def test_cache_info_and_clear(model, monkeypatch, capsys):
    from srcad.cli import main
    cache = model / "cache"
    run_child(model, cache)
    monkeypatch.setenv("SRCAD_CACHE_DIR", str(cache))
    assert main(["cache", "info"]) == 0
    info = capsys.readouterr().out
    assert str(cache) in info and "entries: 1 generated files" in info and "MB" in info
    assert main(["cache", "clear", "--older-than", "30"]) == 0
    assert "deleted 0 cached files" in capsys.readouterr().out
    assert main(["cache", "clear"]) == 0
    assert "deleted 1 cached files" in capsys.readouterr().out
    assert cached_files(cache) == []


def test_old_versions_of_a_function_are_pruned(model):
    cache = model / "cache"
    for power in range(2, 2 + diskcache.KEEP + 3):
        (model / "model.py").write_text(f"import numpy as np\n\n\ndef f(x):\n    return np.sum(x ** {power})\n")
        run_child(model, cache)
    assert len(list(cache.glob("f-grad-*"))) == diskcache.KEEP
