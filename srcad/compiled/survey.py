"""Which of srcad's rules compile with numba: the record docs/rules.md shows.

    SRCAD_TEST_COMPILE=numba SRCAD_COMPILE_SURVEY=/tmp/survey.jsonl pytest tests/test_compile_numba.py
    python -m srcad.compiled.survey /tmp/survey.jsonl [/tmp/rerun.jsonl ...]   # writes numba_survey.json
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


def summarize(runs):
    """{"cases", "compiled", "not_compiled": {callable: reason}} from the JSON lines of one
    or more runs: a later run's outcome of a rule case replaces an earlier one's, and a later
    run with control-flow programs replaces all of the earlier ones'."""
    by_case, flow = {}, []
    for lines in runs:
        records = [json.loads(line) for line in lines if line.strip()]
        by_case.update((r["case"], r) for r in records if "case" in r)
        flow = [r for r in records if "function" in r] or flow
    cases = list(by_case.values())
    compiled = {c for r in cases if r["reason"] is None for c in r["callables"]}
    failing = {}
    for record in cases:
        for name in record["callables"]:
            if record["reason"] is not None and name not in compiled:
                failing.setdefault(name, record["reason"])
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
    summary = summarize([Path(name).read_text().splitlines() for name in sys.argv[1:]])
    SURVEY_PATH.write_text(json.dumps(summary, indent=1) + "\n")
    print(f"wrote {SURVEY_PATH}: {len(summary['not_compiled'])} callables do not compile")
