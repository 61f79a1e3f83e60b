"""docs/rules.md is generated from the rule table and must match it."""
import difflib

import pytest

from srcad.rules.table import DOCS_PATH, markdown


def test_docs_rules_md_matches_the_rule_table():
    pytest.importorskip("scipy.special", reason="docs/rules.md lists scipy.special's rules")
    expected = markdown()
    actual = DOCS_PATH.read_text() if DOCS_PATH.exists() else ""
    if actual != expected:
        diff = "\n".join(list(difflib.unified_diff(actual.splitlines(), expected.splitlines(),
                                                   "docs/rules.md", "markdown()", lineterm=""))[:60])
        pytest.fail("docs/rules.md is out of date; regenerate it with "
                    f"`python -m srcad.rules.table --write`:\n{diff}")


def test_markdown_lists_every_family_and_the_count():
    text = markdown()
    assert "callables have both a VJP and a JVP rule" in text.splitlines()[4]
    for title in ("Elementwise", "Reductions", "Python scalars", "Linear algebra", "Shapes"):
        assert f"## {title}" in text
    assert "| `np.sin` | yes | yes |" in text
    assert "| `np.floor` | zero | zero |" in text


def test_the_readme_gives_the_count_of_the_rule_table():
    import pathlib
    import re
    pytest.importorskip("scipy.special", reason="the count includes scipy.special's rules")
    counts = re.search(r"\*\*(\d+) callables .*?(\d+) more are declared", markdown()).groups()
    readme = (pathlib.Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert f"the {counts[0]} callables with derivative rules, and {counts[1]} more" in readme
