"""The disk cache's files: where they live, and never running one srcad did not write.

Layout: ``$SRCAD_CACHE_DIR`` (default ``~/.cache/srcad``; empty: no disk cache) holds one
directory per function, mode and base key, and in it one ``<variant>.py`` per set of objects
the function's names referred to. Each file ends with a line ``# srcad-digest: <hmac>``, an
HMAC-SHA256 of the rest under a secret kept in the cache directory (``.srcad-key``, mode
0600): a file that was edited, truncated, emptied, is unreadable or was written by another
srcad is a miss, regenerated and replaced, never executed.

The directory is created 0700 and files 0600. srcad refuses to use a directory that another
user owns or that others can write (memory only, with one warning naming the fix). Writes
go to a temporary file made with ``mkstemp`` in the same directory, then ``os.replace``;
a failed write (read-only or full disk) leaves nothing behind and the derivative works from
memory, with at most one warning.
"""
import hashlib
import hmac
import os
import pathlib
import re
import secrets
import shutil
import stat
import tempfile
import time
import warnings

DIGEST_LINE = "# srcad-digest: "
KEY_FILE = ".srcad-key"
KEEP = 8           # variants per entry, and entries per function and mode, kept on disk
_STATE: dict = {}        # directory -> its key (bytes), or None when the directory is unusable
_WARNED: set = set()
_OWN_CODE: list[str] = []


def srcad_fingerprint(version):
    """srcad's version and its own files (name, size, modification time): a changed srcad
    never reuses old files. (Stats, not contents: a cached first gradient costs ~1 ms.)"""
    if not _OWN_CODE:
        digest = hashlib.sha256(version.encode())
        for path in sorted(pathlib.Path(__file__).parent.rglob("*.py")):
            info = path.stat()
            digest.update(f"{path.name}:{info.st_size}:{info.st_mtime_ns};".encode())
        _OWN_CODE.append(digest.hexdigest())
    return _OWN_CODE[0]


def cache_dir():
    """Where generated files go; None when the disk cache is off (``SRCAD_CACHE_DIR=``)."""
    configured = os.environ.get("SRCAD_CACHE_DIR")
    if configured is not None:
        return pathlib.Path(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return pathlib.Path(base) / "srcad"


def _warn_once(directory, message):
    if directory not in _WARNED:
        _WARNED.add(directory)
        warnings.warn(f"srcad: {message}; derivatives are kept in memory only.", RuntimeWarning,
                      stacklevel=4)


def _key_of(directory):
    """The directory's secret (created on first use), or None if it cannot be trusted."""
    if directory in _STATE:
        return _STATE[directory]
    _STATE[directory] = None
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = directory.stat()
        if hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & 0o022):
            owner = "another user owns it" if info.st_uid != os.getuid() else \
                "other users can write to it"
            _warn_once(directory, f"not using the cache directory {directory}: {owner} (a "
                                  "writable shared cache would let them run code as you). Use a "
                                  "private directory: `chmod 700` it, or set SRCAD_CACHE_DIR")
            return None
        _STATE[directory] = _secret(directory / KEY_FILE)
    except OSError as error:
        _warn_once(directory, f"cannot use the cache directory {directory} ({error})")
    return _STATE[directory]


def _secret(path):
    """The key in `path`, made on first use. Concurrent first uses agree: the file is
    linked into place only if it does not exist yet, so the first one wins."""
    for _ in range(3):
        try:
            key = path.read_bytes()
        except FileNotFoundError:
            key = b""
        if len(key) >= 32 and not _unsafe(path):
            return key
        if key:   # too short, or readable by others: not a key srcad wrote
            path.unlink(missing_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".part")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(secrets.token_bytes(32))
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
    raise OSError(f"cannot create the key file {path}")


def _unsafe(path):
    info = path.stat()
    return hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & 0o077)


def _digest(key, source):
    return hmac.new(key, source.encode(), hashlib.sha256).hexdigest()


def _entry_dir(function, mode, base):
    directory = cache_dir()
    if directory is None or _key_of(directory) is None:
        return None, None
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", function.__qualname__)
    mode = re.sub(r"[^A-Za-z0-9_.-]", "_", mode)   # "grad*2": *args of 2 values (arity.py)
    return directory, directory / f"{name}-{mode}-{base}"


def place(function, mode, base, variant):
    """The file a new variant goes to, or None without a usable disk cache."""
    _, entry = _entry_dir(function, mode, base)
    return entry / f"{variant}.py" if entry is not None else None


def candidates(function, mode, base):
    """(filename, source) of each cached variant whose digest checks out, newest first.
    Anything unreadable, undecodable, truncated or forged is skipped."""
    directory, entry = _entry_dir(function, mode, base)
    if entry is None:
        return
    key = _STATE[directory]
    try:
        files = sorted(entry.glob("*.py"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    except OSError:
        return
    for path in files:
        try:
            text = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        source, _, last = text.rstrip("\n").rpartition("\n")
        if not last.startswith(DIGEST_LINE) or not hmac.compare_digest(
                last[len(DIGEST_LINE):].strip(), _digest(key, source + "\n")):
            continue
        yield str(path), source + "\n"


def touch(filename):
    """Mark a cached file as used (``srcad cache clear --older-than`` keeps it)."""
    try:
        os.utime(filename)
    except OSError:
        pass


def write(path, source):
    """Write `source` with its digest; the path written, or None (with one warning)."""
    directory = path.parent.parent
    key = _STATE.get(directory)
    if key is None:
        return None
    try:
        new_entry = not path.parent.is_dir()
        path.parent.mkdir(mode=0o700, exist_ok=True)
        _write_atomic(path.parent, path, f"{source}{DIGEST_LINE}{_digest(key, source)}\n".encode())
    except OSError as error:
        _warn_once(directory, f"cannot write to the cache directory {directory} ({error})")
        return None
    _prune(path.parent, new_entry)
    return str(path)


def _newest_first(paths):
    def modified(path):
        try:
            return path.stat().st_mtime_ns
        except OSError:
            return 0
    return sorted(paths, key=modified, reverse=True)


def _prune(entry, new_entry):
    """Keep the newest `KEEP` variants of an entry, and (when `entry` is new) the newest
    `KEEP` entries of the same function and mode (older ones belong to earlier versions of
    its code). Only names are listed, so a write costs little in a large cache."""
    try:
        variants = [entry / name for name in os.listdir(entry) if name.endswith(".py")]
        for old in _newest_first(variants)[KEEP:]:
            old.unlink(missing_ok=True)
        if not new_entry:
            return
        prefix = entry.name.rsplit("-", 1)[0] + "-"
        siblings = [entry.parent / name for name in os.listdir(entry.parent)
                    if name.startswith(prefix) and len(name) == len(entry.name)]
        for old in _newest_first(p for p in siblings if p.is_dir())[KEEP:]:
            shutil.rmtree(old, ignore_errors=True)
    except OSError:
        pass


def entries(directory=None):
    """(path, size in bytes, modification time) of every cached file."""
    directory = directory or cache_dir()
    if directory is None or not directory.is_dir():
        return []
    found = []
    for path in directory.glob("*/*.py"):
        try:
            info = path.stat()
        except OSError:
            continue
        found.append((path, info.st_size, info.st_mtime))
    return found


def clear(older_than_days=None, directory=None):
    """Delete cached files (those not modified for `older_than_days` days, if given), and
    the entries left empty; returns (files deleted, bytes freed)."""
    limit = None if older_than_days is None else time.time() - older_than_days * 86400
    count = freed = 0
    for path, size, modified in entries(directory):
        if limit is None or modified < limit:
            try:
                path.unlink()
            except OSError:
                continue
            count, freed = count + 1, freed + size
            try:
                path.parent.rmdir()   # only when it is now empty
            except OSError:
                pass
    return count, freed


def _write_atomic(directory, path, data):
    """A private temporary file in `directory`, then an atomic rename onto `path`."""
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(temporary, stat.S_IRUSR | stat.S_IWUSR)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
