"""The CI formats: JUnit XML (Jenkins, GitLab), GitHub Actions workflow commands and
GitLab Code Quality JSON.

Golden files are rendered in-process (the formats are not registered with the CLI here).
Regenerate deliberately with `KUBELINT_UPDATE_SNAPSHOTS=1 python -m pytest
tests/test_format_ci.py` and review the diff like code."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections import Counter

import pytest

from kubelint.config import Config
from kubelint.constants import SEVERITY_RANK
from kubelint.formatters import FormatContext, github, gitlab, junit
from kubelint.lint import lint_paths
from kubelint.plugins import build_registry
from kubelint.report import Finding, ObjectRef, Report, Summary
from tests.helpers import ROOT, assert_golden

CONTEXT = FormatContext()
DEPLOYMENT = ObjectRef("apps/v1", "Deployment", "shop", "web")


@pytest.fixture(scope="module")
def registry():
    return build_registry()


def lint_dir(monkeypatch, directory, target, registry) -> Report:
    """Lint ``target`` from ``directory`` so that finding paths are relative to it."""
    monkeypatch.chdir(directory)
    return lint_paths([target], Config(), registry)


@pytest.fixture
def report(monkeypatch, registry) -> Report:
    result = lint_dir(monkeypatch, ROOT, "examples", registry)
    assert result.findings, "the examples are meant to have findings"
    assert {f.severity for f in result.findings} == {"error", "warning", "info"}
    return result


def finding(
    rule="rule-a",
    severity="error",
    message="bad",
    file="a.yaml",
    line=3,
    column=5,
    end_line=None,
    end_column=None,
    obj=DEPLOYMENT,
    path="spec",
) -> Finding:
    return Finding(
        rule,
        severity,
        message,
        file,
        line,
        column,
        line if end_line is None else end_line,
        column + 4 if end_column is None else end_column,
        obj,
        path,
    )


def make_report(*findings: Finding, files: int = 1) -> Report:
    return Report(sorted(findings, key=Finding.sort_key), Summary(files=files))


# --- JUnit -----------------------------------------------------------------------------


def case_name(f: Finding) -> str:
    return f.rule if f.object is None else f"{f.object.describe()} {f.rule}"


def test_junit_parses_and_counts_match(report):
    text = junit.render(report, CONTEXT)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "testsuites"
    assert root.get("name") == "kubelint"
    cases = root.findall("./testsuite/testcase")
    failing = [case for case in cases if case.find("failure") is not None]
    assert int(root.get("tests")) == len(cases)
    assert int(root.get("failures")) == len(failing)
    assert root.get("errors") == "0"
    for suite in root.findall("testsuite"):
        suite_cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(suite_cases)
        assert int(suite.get("failures")) == sum(c.find("failure") is not None for c in suite_cases)
    # One (object, rule) pair per failing test case; every finding listed exactly once.
    assert len(failing) == len({(f.file, f.object, f.rule) for f in report.findings})
    listed = [line for case in failing for line in case.find("failure").text.split("\n")]
    assert len(listed) == len(report.findings)


def test_junit_failures_carry_file_line_column(report):
    root = ET.fromstring(junit.render(report, CONTEXT))
    pattern = re.compile(
        r"^(?P<file>[^:]+):(?P<line>\d+):(?P<column>\d+): "
        r"(?P<severity>error|warning|info) (?P<rule>[a-z0-9-]+) .+$"
    )
    seen = Counter()
    for case in root.iter("testcase"):
        failure = case.find("failure")
        if failure is None:
            continue
        severities = []
        for line in failure.text.split("\n"):
            match = pattern.match(line)
            assert match, line
            assert match["file"] == case.get("classname") == case.get("file")
            assert case.get("name").endswith(" " + match["rule"])
            severities.append(match["severity"])
            seen[(match["file"], int(match["line"]), int(match["column"]), match["rule"])] += 1
        assert failure.get("type") == max(severities, key=SEVERITY_RANK.__getitem__)
        assert failure.get("message")
    assert seen == Counter((f.file, f.line, f.column, f.rule) for f in report.findings)


def test_junit_suite_per_file_case_per_object_and_rule(report):
    root = ET.fromstring(junit.render(report, CONTEXT))
    files = sorted({f.file for f in report.findings})
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [*files, "kubelint"]
    for suite in suites[:-1]:
        path = suite.get("name")
        expected = {case_name(f) for f in report.findings if f.file == path}
        names = [case.get("name") for case in suite.findall("testcase")]
        assert len(names) == len(set(names)) and set(names) == expected
        assert {case.get("classname") for case in suite.findall("testcase")} == {path}
    assert "StatefulSet shop/orders-db readiness-probe-missing" in {
        case.get("name") for case in root.iter("testcase")
    }
    # Clean files are counted, not named: the report does not list them.
    clean = suites[-1].findall("testcase")
    assert [c.get("name") for c in clean] == [
        f"{report.summary.files - len(files)} of {report.summary.files} files (no findings)"
    ]
    assert clean[0].find("failure") is None


def test_junit_findings_without_object_and_awkward_text():
    report = make_report(
        finding("yaml-syntax", message="mapping values\nare not allowed", obj=None, path=""),
        finding("rule-a", "warning", message="first \x1b[31m é", line=7),
        finding("rule-a", "error", message='second <&>"', line=9),
        files=2,
    )
    text = junit.render(report, CONTEXT)
    assert text.isascii()
    assert text == junit.render(report, CONTEXT)  # deterministic
    root = ET.fromstring(text)
    assert (root.get("tests"), root.get("failures")) == ("3", "2")
    syntax, rule_a, clean = root.iter("testcase")
    assert syntax.get("name") == "yaml-syntax"
    assert syntax.find("failure").get("message") == "mapping values are not allowed"
    assert syntax.find("failure").text == (
        "a.yaml:3:5: error yaml-syntax mapping values\n  are not allowed"
    )
    assert rule_a.get("name") == "Deployment shop/web rule-a"
    failure = rule_a.find("failure")
    assert failure.get("type") == "error"
    assert failure.get("message") == "first \\x1b[31m é (and 1 more)"
    assert failure.text == (
        'a.yaml:7:5: warning rule-a first \\x1b[31m é\na.yaml:9:5: error rule-a second <&>"'
    )
    assert clean.get("name") == "1 of 2 files (no findings)"


def test_junit_empty_and_clean_runs():
    root = ET.fromstring(junit.render(make_report(files=0), CONTEXT))
    assert (root.get("tests"), root.get("failures"), len(root)) == ("0", "0", 0)
    root = ET.fromstring(junit.render(make_report(files=1), CONTEXT))
    assert [c.get("name") for c in root.iter("testcase")] == ["1 of 1 file (no findings)"]


# --- GitHub Actions --------------------------------------------------------------------

GITHUB_LINE = re.compile(
    r"^::(?P<command>error|warning|notice) file=(?P<file>[^,:]+),line=(?P<line>\d+),"
    r"col=(?P<col>\d+),endLine=(?P<end_line>\d+),endColumn=(?P<end_col>\d+),"
    r"title=(?P<title>[a-z0-9-]+)::(?P<message>[^\r\n]*)$"
)


def test_github_one_command_per_finding(report):
    text = github.render(report, CONTEXT)
    assert text.endswith("\n")
    lines = text.splitlines()
    assert len(lines) == len(report.findings)
    commands = {"error": "error", "warning": "warning", "info": "notice"}
    for line, f in zip(lines, report.findings, strict=True):
        match = GITHUB_LINE.match(line)
        assert match, line
        assert match["command"] == commands[f.severity]
        assert (
            match["file"],
            int(match["line"]),
            int(match["col"]),
            int(match["end_line"]),
            int(match["end_col"]),
            match["title"],
            match["message"],
        ) == (f.file, f.line, f.column, f.end_line, f.end_column, f.rule, f.message)


def test_github_escaping():
    report = make_report(
        finding(
            rule="team:labels,strict",
            severity="warning",
            file="dir,1/a:b%.yaml",
            line=4,
            column=2,
            end_column=9,
            message="100% sure:\r\nset a, b: c\nthen %0A stays",
        )
    )
    assert github.render(report, CONTEXT) == (
        "::warning file=dir%2C1/a%3Ab%25.yaml,line=4,col=2,endLine=4,endColumn=9,"
        "title=team%3Alabels%2Cstrict::100%25 sure:%0D%0Aset a, b: c%0Athen %250A stays\n"
    )


def test_github_multi_line_span_has_no_columns():
    # The runner drops col/endColumn when line and endLine differ.
    report = make_report(
        finding(rule="a", line=3, column=5, end_line=6, end_column=2),
        finding(rule="b", line=8, column=1, end_line=9, end_column=1),  # ends at EOL of 8
        finding(rule="c", severity="info", line=10, column=1, end_line=10, end_column=2),
    )
    assert github.render(report, CONTEXT).splitlines() == [
        "::error file=a.yaml,line=3,endLine=6,title=a::bad",
        "::error file=a.yaml,line=8,col=1,endLine=8,title=b::bad",
        "::notice file=a.yaml,line=10,col=1,endLine=10,endColumn=2,title=c::bad",
    ]
    assert github.render(make_report(), CONTEXT) == ""


# --- GitLab Code Quality ---------------------------------------------------------------


def test_gitlab_code_quality(report):
    text = gitlab.render(report, CONTEXT)
    issues = json.loads(text)
    assert isinstance(issues, list) and len(issues) == len(report.findings)
    assert text == json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
    severities = {"error": "major", "warning": "minor", "info": "info"}
    for issue, f in zip(issues, report.findings, strict=True):
        assert issue["type"] == "issue"
        assert issue["check_name"] == f.rule
        assert issue["description"] == f.message
        assert issue["categories"] == ["Bug Risk"]
        assert issue["severity"] == severities[f.severity]
        assert re.fullmatch(r"[0-9a-f]{64}", issue["fingerprint"])
        assert issue["location"] == {"path": f.file, "lines": {"begin": f.line, "end": f.end_line}}
    assert {i["severity"] for i in issues} == {"major", "minor", "info"}
    fingerprints = [issue["fingerprint"] for issue in issues]
    assert len(set(fingerprints)) == len(fingerprints)
    assert text == gitlab.render(report, CONTEXT)


def test_gitlab_fingerprints_survive_line_shifts(tmp_path, monkeypatch, registry):
    shutil.copytree(ROOT / "examples" / "shop", tmp_path / "shop")
    before = json.loads(gitlab.render(lint_dir(monkeypatch, tmp_path, "shop", registry), CONTEXT))
    web = tmp_path / "shop" / "web.yaml"
    web.write_text("\n\n\n" + web.read_text(encoding="utf-8"), encoding="utf-8")
    after = json.loads(gitlab.render(lint_dir(monkeypatch, tmp_path, "shop", registry), CONTEXT))

    def by_fingerprint(issues):
        return {
            i["fingerprint"]: (i["location"]["path"], i["location"]["lines"]["begin"])
            for i in issues
        }

    old, new = by_fingerprint(before), by_fingerprint(after)
    assert len(old) == len(before) and set(old) == set(new)
    shifted = [fp for fp, (path, _) in old.items() if path == "shop/web.yaml"]
    assert shifted, "web.yaml has findings"
    for fp, (path, line) in old.items():
        assert new[fp] == (path, line + 3 if path == "shop/web.yaml" else line)


def test_gitlab_occurrence_counter_and_multi_line_end():
    same = [finding(message="one", line=3), finding(message="two", line=5)]
    issues = json.loads(gitlab.render(make_report(*same), CONTEXT))
    assert issues[0]["fingerprint"] != issues[1]["fingerprint"]
    shifted = [finding(message="one", line=13), finding(message="two changed", line=15)]
    assert [
        i["fingerprint"] for i in json.loads(gitlab.render(make_report(*shifted), CONTEXT))
    ] == [i["fingerprint"] for i in issues]
    spans = make_report(
        finding(rule="a", line=3, end_line=5, end_column=1),
        finding(rule="b", line=7, end_line=9, end_column=4, obj=None),
    )
    assert [i["location"]["lines"] for i in json.loads(gitlab.render(spans, CONTEXT))] == [
        {"begin": 3, "end": 4},
        {"begin": 7, "end": 9},
    ]
    assert gitlab.render(make_report(), CONTEXT) == "[]\n"


# --- golden files ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "render"),
    [
        ("examples.junit.xml", junit.render),
        ("examples.github.txt", github.render),
        ("examples.gitlab.json", gitlab.render),
    ],
)
def test_golden(report, name, render):
    assert_golden(name, render(report, CONTEXT))


@pytest.mark.parametrize("name", ["text", "json", "sarif", "gitlab", "github", "junit", "markdown"])
def test_a_file_name_that_is_not_utf8_gives_a_valid_utf8_report(tmp_path, name):
    """Its bytes are written \\xff in reports and %FF in SARIF URIs (it crashed SARIF
    and GitLab, and JSON was not UTF-8)."""
    import os
    import subprocess
    import sys

    os.chdir(tmp_path)
    with open(os.fsencode(tmp_path) + b"/pod\xff.yaml", "w") as handle:
        handle.write(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n"
            "spec:\n  containers: [{name: a, image: nginx}]\n"
        )
    result = subprocess.run(
        [sys.executable, "-m", "kubelint", "check", "--no-config", "--format", name, "."],
        cwd=tmp_path,
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode("utf-8")  # raises if not UTF-8
    expected = {
        "sarif": "pod%FF.yaml",
        "json": "pod\\\\xff.yaml",
        "gitlab": "pod\\\\xff.yaml",
        "markdown": "[pod\\\\xff.yaml:5](pod%FF.yaml#L5)",
    }.get(name, "pod\\xff.yaml")
    assert expected in text
