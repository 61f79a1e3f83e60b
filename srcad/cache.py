"""Stage 7, compile and cache: generated source -> a Python function, kept in memory and on disk.

One ``.py`` file per (function, mode, wrt) under ``$SRCAD_CACHE_DIR`` (default: the
platform cache directory, ``~/.cache/srcad``). The file name carries a hash of the
function's source, srcad's version and the rule table, so a changed function or rule
gets a new file and a second process reuses the first one's work. Tracebacks and
``pdb`` show the file's lines.
"""
import hashlib
import linecache
import marshal
import os
import pathlib

from . import __version__
from .optimize import enabled as optimizer_enabled
from .parse import namespace_of
from .rules.registry import all_free_names, fingerprint
from .transform import RUNTIME_NAMES, generate

STATS = {"transforms": 0, "memory_hits": 0, "disk_hits": 0}
_MEMORY = {}
_LOADED = {}
# modes srcad calls itself (jacobian, split calls): their compiled functions are shared
INTERNAL_MODES = ("split", "jvp_call", "jvp_batch", "vjp_batch", "split_batch", "jvp_batch_call")
_OWN_CODE = []


def srcad_fingerprint():
    """srcad's version and its own files (name, size, modification time): a changed srcad
    never reuses old files. (Stats, not contents: a cached first gradient costs ~1 ms.)"""
    if not _OWN_CODE:
        digest = hashlib.sha256(__version__.encode())
        for path in sorted(pathlib.Path(__file__).parent.rglob("*.py")):
            stat = path.stat()
            digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
        _OWN_CODE.append(digest.hexdigest())
    return _OWN_CODE[0]


def cache_dir():
    """Where generated files go; None when the disk cache is off (``SRCAD_CACHE_DIR=``)."""
    configured = os.environ.get("SRCAD_CACHE_DIR")
    if configured is not None:
        return pathlib.Path(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return pathlib.Path(base) / "srcad"


def _key(function, mode, wrt, as_tuple):
    """The function's compiled code (which changes with its source, file and line), its
    default values, the options, srcad's own code and the rule table."""
    code = function.__code__
    digest = hashlib.sha256(marshal.dumps(code))
    text = "\n".join([srcad_fingerprint(), mode, repr(wrt), repr(as_tuple), repr(optimizer_enabled()),
                      function.__qualname__, repr(function.__defaults__), repr(function.__kwdefaults__),
                      fingerprint()])
    digest.update(text.encode())
    return digest.hexdigest()[:20]


def derivative(function, mode, wrt, as_tuple):
    """The compiled derivative function of `function` (transforming it at most once)."""
    memory_key = (function.__code__, mode, wrt, as_tuple, fingerprint(), optimizer_enabled())
    entry = _MEMORY.get(memory_key)
    if entry is not None:
        STATS["memory_hits"] += 1
    else:
        entry = _load_or_generate(function, mode, wrt, as_tuple)
        _MEMORY[memory_key] = entry
    reuse = function.__closure__ is None and mode in INTERNAL_MODES
    if reuse and memory_key in _LOADED:
        return _LOADED[memory_key]
    code, names, source = entry
    namespace = namespace_of(function)
    namespace.update(all_free_names())
    namespace.update(RUNTIME_NAMES)
    exec(code, namespace)  # noqa: S102  (our own generated code)
    functions = [namespace[n] for n in names.split()]
    for result in functions:
        result.__srcad_source__ = source
        result.__srcad_origin__ = (function, mode, wrt)
    result = functions[0] if len(functions) == 1 else tuple(functions)
    if reuse:  # internal parts are shared; closures are re-bound each time (cells may change)
        _LOADED[memory_key] = result
    return result


def _load_or_generate(function, mode, wrt, as_tuple):
    key = _key(function, mode, wrt, as_tuple)
    directory = cache_dir()
    path = directory / f"{function.__name__}_{mode}_{key}.py" if directory else None
    if path is not None and path.exists():
        source = path.read_text()
        name = _function_name(source)
        STATS["disk_hits"] += 1
        filename = str(path)
    else:
        generated = generate(function, mode, wrt, as_tuple)
        STATS["transforms"] += 1
        source, name = generated.source, generated.name
        filename = _write(path, source) if path is not None else None
        filename = filename or f"<srcad {function.__qualname__} {mode} {key}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    return compile(source, filename, "exec"), name, source


def _write(path, source):
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".tmp{os.getpid()}")
        temporary.write_text(source)
        temporary.replace(path)
        return str(path)
    except OSError:
        return None


def _function_name(source):
    for line in source.splitlines():
        if line.startswith("# srcad entry: "):
            return line[len("# srcad entry: "):].strip()
    raise ValueError("no entry line in cached source")


def clear_memory():
    """Forget in-memory entries (the disk cache stays)."""
    _MEMORY.clear()
    _LOADED.clear()
