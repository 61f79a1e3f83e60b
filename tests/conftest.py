import os
import tempfile

# Every test session gets its own, empty disk cache.
os.environ["SRCAD_CACHE_DIR"] = tempfile.mkdtemp(prefix="srcad-test-cache-")

# CI's second run (SRCAD_OPTIMIZE=0) checks that the optimizer changes no result. Compiling
# the unoptimized code with numba again, and running its fused loops, would double CI's
# longest tests for little: test_compile_numba.py keeps its sample of loops there.
collect_ignore = [] if os.environ.get("SRCAD_OPTIMIZE", "1") != "0" else ["test_fusion.py", "test_compile_auto.py"]
