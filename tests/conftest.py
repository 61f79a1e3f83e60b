import os
import tempfile

# Every test session gets its own, empty disk cache.
os.environ["SRCAD_CACHE_DIR"] = tempfile.mkdtemp(prefix="srcad-test-cache-")
