"""Running the examples of docs/api.md's sections and reading their blocks (for the tests of
the sections on debug_nans, grad_hook and custom_vjp: each example prints what the docs
show, and the generated code they show is what srcad generates)."""
import importlib.util
import os
import pathlib
import re
import shutil
import subprocess
import sys

from srcad.transform import generate

ROOT = pathlib.Path(__file__).resolve().parent.parent
API = ROOT / "docs" / "api.md"
SOURCES = ROOT / "tests" / "doc_sources"


def section(title):
    """The text of the section of docs/api.md headed ``## {title}``."""
    text = API.read_text()
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end != -1 else None]


def blocks(text, kind):
    """The contents of the ```{kind} fenced blocks of `text`, in order."""
    return re.findall(rf"```{kind}\n(.*?)```", text, re.S)


def run(code, filename, directory):
    """stdout of `code` saved as `filename` in `directory` (with tests/doc_sources/ beside it)
    and run there in a fresh process, with the disk cache off and srcad's defaults."""
    for source in SOURCES.glob("*.py"):
        shutil.copy(source, directory)
    (directory / filename).write_text(code)
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "SRCAD_CACHE_DIR": ""}
    for variable in ("SRCAD_DEBUG_NANS", "SRCAD_OPTIMIZE"):   # as a user runs it
        environment.pop(variable, None)
    result = subprocess.run([sys.executable, filename], cwd=directory, env=environment,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout


def function_part(source):
    """Generated source from its first ``def`` on (without the header and imports)."""
    return source[source.index("\ndef ") + 1:]


def generated(source_file, name, mode, wrt):
    """The function part of the code srcad generates for `name` of tests/doc_sources/."""
    path = SOURCES / source_file
    module_name = f"api_doc_{path.stem}"
    if module_name not in sys.modules:   # once: rules registered again get new names
        spec = importlib.util.spec_from_file_location(module_name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return function_part(generate(getattr(sys.modules[module_name], name), mode, wrt).source)
