"""``--format text``: one line per finding, grouped by file, and a closing summary."""

from __future__ import annotations

from kubelint.formatters import FormatContext
from kubelint.report import Report, printable

_COLORS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def render(report: Report, context: FormatContext) -> str:
    color = context.color
    lines: list[str] = []
    current_file = None
    for finding in report.findings:
        if current_file is not None and finding.file != current_file:
            lines.append("")
        current_file = finding.file
        where = f"{printable(finding.file)}:{finding.line}:{finding.column}:"
        severity = finding.severity
        if color:
            where = f"{_BOLD}{where}{_RESET}"
            severity = f"{_COLORS[severity]}{severity}{_RESET}"
            rule = f"{_DIM}{finding.rule}{_RESET}"
        else:
            rule = finding.rule
        origin = f" (from {finding.template})" if finding.template else ""
        lines.append(f"{where} {severity} {rule} {finding.message}{origin}")
    if lines:
        lines.append("")
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def summary_line(report: Report) -> str:
    """The closing sentence: how many problems in how many files, or why nothing was
    checked (the markdown report opens with it too)."""
    summary = report.summary
    files_with_findings = len({finding.file for finding in report.findings})
    if report.findings:
        counts = ", ".join((_plural(report.count("error"), "error"),
                            _plural(report.count("warning"), "warning"),
                            f"{report.count('info')} info"))
        head = (f"Found {_plural(len(report.findings), 'problem')} ({counts}) in"
                f" {files_with_findings} of {_plural(summary.files, 'file')}")
    elif not summary.files:  # nothing checked must never read as a pass
        head = "No problems in 0 files: nothing was checked (no file to lint)"
    elif not summary.objects:
        head = f"Nothing was checked: no Kubernetes object in {_plural(summary.files, 'file')}"
    else:
        head = f"No problems in {_plural(summary.files, 'file')}"
    details = []
    if summary.objects or report.findings:
        details.append(f"{_plural(summary.objects, 'object')} checked")
    if summary.unknown_kinds:
        details.append(f"{summary.unknown_kinds} of unknown kinds not validated"
                       " (add their CRDs or --crds)")
    if summary.skipped:
        documents = "document" if summary.skipped == 1 else "documents"
        details.append(f"{summary.skipped} non-Kubernetes {documents} skipped")
    if details:
        head += "; " + ", ".join(details)
    if summary.baselined is not None:
        head += (f"; baseline: {summary.baselined} known finding"
                 f"{'' if summary.baselined == 1 else 's'} hidden,"
                 f" {summary.baseline_fixed} fixed")
    return f"{head}."
