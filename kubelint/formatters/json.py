"""``--format json``: a stable shape for tools (documented in the README)."""

from __future__ import annotations

import json
from json.encoder import encode_basestring as _string  # the C encoder, ensure_ascii=False

from kubelint.formatters import FormatContext, Unusual, encode_indented
from kubelint.report import Finding, Report, printable


def render(report: Report, context: FormatContext) -> str:
    try:
        return _render(report)
    except (Unusual, TypeError):  # a field of an unexpected type (_string takes str only)
        document = {
            "findings": [finding.to_dict() for finding in report.findings],
            "summary": report.summary.to_dict(report.findings),
        }
        if report.pod_security:
            document["pod_security"] = [found.to_dict() for found in report.pod_security]
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _render(report: Report) -> str:
    """What ``json.dumps(document, indent=2, ensure_ascii=False)`` prints for the document
    of ``Finding.to_dict``s, byte for byte, with each finding's layout written out: the
    standard library encodes with ``indent`` in pure Python (0.6 s for 30,000 findings)."""
    summary = encode_indented(report.summary.to_dict(report.findings), "\n  ")
    # The workloads' Pod Security Standards levels, when the input has workloads.
    if report.pod_security:
        summary += ',\n  "pod_security": ' + encode_indented(
            [found.to_dict() for found in report.pod_security], "\n  "
        )
    if not report.findings:
        return '{\n  "findings": [],\n  "summary": ' + summary + "\n}\n"
    # One join of every piece: the report is copied once (joining the findings and then
    # adding the ends copied megabytes twice, at the run's peak of memory).
    pieces = ['{\n  "findings": [\n    ']
    for finding in report.findings:
        pieces.append(_finding(finding))
        pieces.append(",\n    ")
    pieces[-1] = '\n  ],\n  "summary": '
    pieces.append(summary)
    pieces.append("\n}\n")
    return "".join(pieces)


def _finding(finding: Finding) -> str:
    line, column, end_line, end_column = (
        finding.line,
        finding.column,
        finding.end_line,
        finding.end_column,
    )
    if not type(line) is type(column) is type(end_line) is type(end_column) is int:
        raise Unusual
    ref = finding.object
    if ref is None:
        obj = "null"
    else:
        obj = (
            '{\n        "apiVersion": '
            + _optional(ref.api_version)
            + ',\n        "kind": '
            + _optional(ref.kind)
            + ',\n        "namespace": '
            + _optional(ref.namespace)
            + ',\n        "name": '
            + _optional(ref.name)
            + "\n      }"
        )
    related = encode_indented(finding.to_dict()["related"], "\n      ") if finding.related else "[]"
    return (
        '{\n      "rule": '
        + _string(finding.rule)
        + ',\n      "severity": '
        + _string(finding.severity)
        + ',\n      "message": '
        + _string(finding.message)
        + ',\n      "file": '
        + _string(printable(finding.file))
        + f',\n      "line": {line},\n      "column": {column}'
        f',\n      "end_line": {end_line},\n      "end_column": {end_column}'
        ',\n      "object": '
        + obj
        + ',\n      "path": '
        + _string(finding.path)
        + ',\n      "template": '
        + _optional(finding.template)
        + ',\n      "related": '
        + related
        + "\n    }"
    )


def _optional(value: str | None) -> str:
    return "null" if value is None else _string(value)
