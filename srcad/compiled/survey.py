"""Which of srcad's rules compile with numba: the record docs/rules.md shows.

    SRCAD_TEST_COMPILE=numba SRCAD_COMPILE_SURVEY=/tmp/survey.jsonl pytest tests/test_compile_numba.py
    python -m srcad.compiled.survey /tmp/survey.jsonl     # writes numba_survey.json here
    python -m srcad.rules.table --write                   # docs/rules.md shows it

The compiled test run checks one rule case per function against the NumPy derivative and
records each outcome; a callable *does not compile* when no case exercising it compiled
(the reason is numba's, from the first such case). This file keeps that record (it takes an
hour to remake), so that the page is generated from data, not by hand.
"""
import json
import sys
from pathlib import Path

SURVEY_PATH = Path(__file__).with_name("numba_survey.json")


def summarize(lines):
    """{"cases", "compiled", "not_compiled": {callable: reason}} from the run's JSON lines."""
    records = [json.loads(line) for line in lines if line.strip()]
    cases = [r for r in records if "case" in r]
    compiled = {c for r in cases if r["reason"] is None for c in r["callables"]}
    failing = {}
    for record in cases:
        for name in record["callables"]:
            if record["reason"] is not None and name not in compiled:
                failing.setdefault(name, record["reason"])
    flow = [r for r in records if "function" in r]
    return {"cases": len(cases), "cases_compiled": sum(r["reason"] is None for r in cases),
            "control_flow": len(flow), "control_flow_compiled": sum(r["reason"] is None for r in flow),
            "not_compiled": dict(sorted(failing.items()))}


def load():
    """The recorded survey, or None."""
    return json.loads(SURVEY_PATH.read_text()) if SURVEY_PATH.exists() else None


def markdown(survey):
    """The section of docs/rules.md about `compile="numba"`."""
    if survey is None:
        return []
    lines = ['## Compiled with numba (`compile="numba"`)', "",
             f"The compiled test run (`SRCAD_TEST_COMPILE=numba`) compiled {survey['cases_compiled']} of "
             f"{survey['cases']} rule cases (one per function) and {survey['control_flow_compiled']} of "
             f"{survey['control_flow']} control-flow programs, each agreeing with the NumPy derivative "
             'to 1e-12. These callables did not compile in any case (`compile="numba"` raises '
             'srcad.CompileError naming your line; `"numba?"` runs the NumPy derivative):', "",
             "| callable | numba's reason |", "| --- | --- |"]
    for name, reason in survey["not_compiled"].items():
        reason = " ".join(reason.split())
        reason = reason if len(reason) <= 110 else reason[:107] + "..."
        lines.append(f"| `{_cell(name)}` | {_cell(reason)} |")
    return lines + [""]


def _cell(text):
    return str(text).replace("|", "\\|")


if __name__ == "__main__":
    summary = summarize(Path(sys.argv[1]).read_text().splitlines())
    SURVEY_PATH.write_text(json.dumps(summary, indent=1) + "\n")
    print(f"wrote {SURVEY_PATH}: {len(summary['not_compiled'])} callables do not compile")
