"""``--format gitlab``: a GitLab Code Quality report (``artifacts:reports:codequality``),
the subset of the CodeClimate issue format GitLab reads: a JSON array of issues with
``description``, ``check_name``, ``fingerprint``, ``severity`` and ``location.path`` /
``location.lines.begin``, plus ``type: issue``, ``categories`` and ``lines.end``, which
CodeClimate expects.

Severity: GitLab allows info, minor, major, critical and blocker. kubelint maps
error -> ``major``, warning -> ``minor``, info -> ``info``; critical and blocker stay
unused, as kubelint has no severity above error.

Fingerprint: GitLab compares the issues of a merge request with those of its target branch
by fingerprint, so it must survive unrelated edits. It is the SHA-256 (hex) of the file,
the rule, the object (apiVersion, kind, namespace, name) and the finding's path inside the
object, not the line or column: adding lines above a finding keeps its fingerprint. When
several findings share all of those, an occurrence counter (in line order) tells them
apart. Renaming the file or the object changes the fingerprint.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from kubelint.formatters import FormatContext, dumps_indented
from kubelint.report import Finding, Report, printable

SEVERITIES = {"error": "major", "warning": "minor", "info": "info"}


def fingerprint(identity: tuple[str | None, ...], occurrence: int) -> str:
    payload = json.dumps([*identity, occurrence], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8", "surrogateescape")).hexdigest()


def _last_line(finding: Finding) -> int:
    if finding.end_column <= 1 and finding.end_line > finding.line:
        return finding.end_line - 1  # the span (end exclusive) stops at the line before
    return max(finding.end_line, finding.line)


def render(report: Report, context: FormatContext) -> str:
    seen: dict[tuple[str | None, ...], int] = {}
    issues: list[dict[str, Any]] = []
    for finding in report.findings:
        identity = finding.identity()
        occurrence = seen.get(identity, 0)
        seen[identity] = occurrence + 1
        issues.append(
            {
                "type": "issue",
                "check_name": finding.rule,
                "description": finding.message,
                "categories": ["Bug Risk"],
                "severity": SEVERITIES.get(finding.severity, "major"),
                "fingerprint": fingerprint(identity, occurrence),
                "location": {
                    "path": printable(finding.file),
                    "lines": {"begin": finding.line, "end": _last_line(finding)},
                },
            }
        )
    return dumps_indented(issues)
