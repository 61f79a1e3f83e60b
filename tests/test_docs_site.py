"""The docs build into a site with `mkdocs build --strict` (broken links and anchors fail),
and its API page is generated from srcad's docstrings."""
import os
import pathlib
import subprocess
import sys

import pytest

for module in ("mkdocs", "material", "mkdocstrings_handlers.python"):
    pytest.importorskip(module, reason="the [docs] extra builds the site")

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_the_site_builds_strictly(tmp_path):
    site = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-f", str(ROOT / "mkdocs.yml"),
         "-d", str(site)], cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stdout + result.stderr
    api = (site / "reference" / "index.html").read_text()
    assert "Gradient of a scalar function" in api and "srcad.check" in api
    assert (site / "tutorial" / "index.html").exists() and (site / "errors" / "index.html").exists()
    assert (site / "examples" / "train_mlp.py").exists()   # the examples the pages link to
