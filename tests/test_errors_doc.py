"""docs/errors.md is what srcad raises: each example (a ```python block followed by the
```text block of its error) is run as `example.py` and must raise that exception with that
message, word for word (`...` stands for any text); every exception srcad exports has a
section."""
import importlib.util
import inspect
import pathlib
import re
import warnings

import pytest

import srcad

ROOT = pathlib.Path(__file__).resolve().parent.parent
ERRORS = ROOT / "docs" / "errors.md"
EXAMPLE = re.compile(r"```python\n(.*?)```\n\n```text\n(\w+): (.*?)\n```", re.S)


def examples():
    text = ERRORS.read_text()
    for number, match in enumerate(EXAMPLE.finditer(text)):
        heading = re.findall(r"^#+ (.*)$", text[:match.start()], re.M)[-1]
        yield pytest.param(*match.groups(), id=f"{number}-{heading[:40]}")


def raised(code, directory, name):
    """The exception that running `code` as `directory/example.py` raises (None if none)."""
    path = directory / "example.py"
    path.write_text(code)
    spec = importlib.util.spec_from_file_location(f"errors_doc_{name}", path)
    module = importlib.util.module_from_spec(spec)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            spec.loader.exec_module(module)
    except Exception as error:   # noqa: BLE001  (whatever it raises is compared below)
        return error
    return None


def as_pattern(documented):
    return "".join(".*?" if part == "..." else re.escape(part)
                   for part in re.split(r"(\.\.\.)", documented))


@pytest.mark.parametrize("code, exception, message", list(examples()))
def test_each_documented_error_is_raised_as_documented(code, exception, message, tmp_path,
                                                       monkeypatch, request):
    monkeypatch.setenv("SRCAD_CACHE_DIR", "")
    error = raised(code, tmp_path, re.sub(r"\W", "_", request.node.name))
    assert error is not None, f"the example raised nothing; expected {exception}: {message}"
    actual = str(error).replace(f"{tmp_path}/", "")
    assert type(error).__name__ == exception and re.fullmatch(as_pattern(message), actual, re.S), \
        f"docs/errors.md: the example raises\n{type(error).__name__}: {actual}"


def test_every_exception_srcad_exports_has_a_section():
    text = ERRORS.read_text()
    exported = [name for name in srcad.__all__
                if inspect.isclass(getattr(srcad, name)) and issubclass(getattr(srcad, name), BaseException)]
    assert {"SrcadError", "InputError", "NonFiniteDerivative"} <= set(exported)
    documented = {match.group(2) for match in EXAMPLE.finditer(text)}
    for name in exported:
        assert f"\n## {name}\n" in text, f"docs/errors.md has no section for {name}"
        assert name in documented, f"docs/errors.md has no example that raises {name}"
