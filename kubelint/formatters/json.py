"""``--format json``: a stable shape for tools (documented in the README)."""

from __future__ import annotations

import json

from kubelint.formatters import FormatContext
from kubelint.report import Report


def render(report: Report, context: FormatContext) -> str:
    document = {
        "findings": [finding.to_dict() for finding in report.findings],
        "summary": report.summary.to_dict(report.findings),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
