"""``--format junit``: JUnit XML for the test report views of Jenkins and GitLab.

Written with ``xml.etree.ElementTree`` from the standard library: a JUnit writer package
would add a dependency for about 40 lines.

Shape::

    <testsuites name="kubelint" tests= failures= errors="0">
      <testsuite name="FILE" ...>                  one per file with findings
        <testcase classname="FILE" name="KIND NAMESPACE/NAME RULE" file="FILE">
          <failure message="..." type="SEVERITY">FILE:LINE:COLUMN: SEVERITY RULE MESSAGE
          ...</failure>                            one line per finding of that object and rule
        </testcase>
        <testcase classname="FILE" name="RULE">    findings without an object (yaml-syntax)

A test case is one (object, rule) pair, so a rule reporting twice on one object gives one
failing test case whose text lists both findings; ``failures`` counts failing test cases,
as JUnit readers expect. Every finding is a failure, whatever its severity (``type`` says
which, the highest when a test case has several): formatters render, they never filter.

Only files with findings appear: the report does not list the files that were clean. They
are counted (``Summary.files``) and shown as one passing test case, "N of M files (no
findings)", so that a clean run still has a test and Jenkins does not reject the report as
empty. Naming each clean file would need the engine to pass the list of linted files.

The output is deterministic (no timestamps, durations or host names) and pure ASCII (other
characters become character references), so it stays valid XML whatever encoding standard
output has. Characters XML 1.0 cannot carry (most control characters) are written as
``\\xNN`` (or ``\\uNNNN``).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from kubelint.constants import SEVERITY_RANK
from kubelint.formatters import FormatContext
from kubelint.report import Finding, ObjectRef, Report, printable

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_LINE_BREAK = re.compile(r"\r\n?|\n")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _xml_safe(text: str) -> str:
    return _NOT_XML.sub(_escaped, text)


def _attribute(text: str) -> str:
    """Attributes stay on one line (readers show them as a one-line summary)."""
    return _xml_safe(" ".join(_LINE_BREAK.split(text)).replace("\t", " "))


def _line(finding: Finding) -> str:
    message = "\n  ".join(_LINE_BREAK.split(finding.message))  # continuation lines indented
    return (
        f"{printable(finding.file)}:{finding.line}:{finding.column}: {finding.severity}"
        f" {finding.rule} {message}"
    )


def _case_name(obj: ObjectRef | None, rule: str) -> str:
    return rule if obj is None else f"{obj.describe()} {rule}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def render(report: Report, context: FormatContext) -> str:
    # file -> (object, rule) -> findings, in report order (by file, line, column)
    files: dict[str, dict[tuple[ObjectRef | None, str], list[Finding]]] = {}
    for finding in report.findings:
        cases = files.setdefault(printable(finding.file), {})
        cases.setdefault((finding.object, finding.rule), []).append(finding)

    root = ET.Element("testsuites", name="kubelint")
    total_tests = total_failures = 0
    for path, cases in files.items():
        suite = ET.SubElement(
            root,
            "testsuite",
            name=_attribute(path),
            tests=str(len(cases)),
            failures=str(len(cases)),
            errors="0",
        )
        for (obj, rule), findings in cases.items():
            case = ET.SubElement(
                suite,
                "testcase",
                classname=_attribute(path),
                name=_attribute(_case_name(obj, rule)),
                file=_attribute(path),
            )
            severity = max((f.severity for f in findings), key=SEVERITY_RANK.__getitem__)
            message = findings[0].message
            if len(findings) > 1:
                message += f" (and {len(findings) - 1} more)"
            failure = ET.SubElement(case, "failure", message=_attribute(message), type=severity)
            failure.text = _xml_safe("\n".join(_line(f) for f in findings))
        total_tests += len(cases)
        total_failures += len(cases)

    clean = report.summary.files - len(files)
    if clean > 0:
        suite = ET.SubElement(
            root, "testsuite", name="kubelint", tests="1", failures="0", errors="0"
        )
        ET.SubElement(
            suite,
            "testcase",
            classname="kubelint",
            name=f"{clean} of {_plural(report.summary.files, 'file')} (no findings)",
        )
        total_tests += 1

    root.set("tests", str(total_tests))
    root.set("failures", str(total_failures))
    root.set("errors", "0")
    ET.indent(root, space="  ")
    body = str(ET.tostring(root, encoding="us-ascii"), "ascii")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
