"""``--format text``: one line per finding, grouped by file, and a closing summary.

With ``context.source`` (``--show-source``) each finding is followed by a code frame in
ruff's style: the line it points at, after a line-number gutter, with carets under the
span (to the end of the line when the span goes on to further lines)::

    job.yaml:16:11: warning liveness-initial-delay container 'migrate' ...
       |
    16 |           livenessProbe:
       |           ^^^^^^^^^^^^^
       |

A finding whose line the context does not hold gets no frame.
"""

from __future__ import annotations

from collections.abc import Mapping

from kubelint.formatters import FormatContext
from kubelint.report import Finding, Report, printable

SEVERITY_COLORS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_BOLD, _DIM, _GUTTER, RESET = "\033[1m", "\033[2m", "\033[1;34m", "\033[0m"
#: Columns a tab advances to a multiple of in a code frame (ruff's default tab size).
TAB_WIDTH = 4
#: Characters of a source line a frame shows: a longer line (minified JSON) is cut around
#: the finding, so that a frame stays one screen line, not megabytes.
FRAME_CHARACTERS = 120


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def render(report: Report, context: FormatContext) -> str:
    lines = finding_lines(report, context)
    if context.summary:
        if lines and lines[-1]:
            lines.append("")
        lines.extend(summary_lines(report, context))
    elif lines and not lines[-1]:
        lines.pop()  # the findings alone end with the last one, not a blank line
    return "".join(line + "\n" for line in lines)


def finding_lines(report: Report, context: FormatContext) -> list[str]:
    """A line per finding (and its code frame), a blank line between files."""
    lines: list[str] = []
    current_file = None
    for finding in report.findings:
        if current_file is not None and finding.file != current_file and lines[-1]:
            lines.append("")
        current_file = finding.file
        lines.append(_headline(finding, context.color))
        if context.source is not None:
            frame = _frame(finding, context.source.get(finding.file, {}), context.color)
            if frame:
                lines.extend((*frame, ""))
    return lines


def _headline(finding: Finding, color: bool) -> str:
    where = f"{printable(finding.file)}:{finding.line}:{finding.column}:"
    severity = finding.severity
    if color:
        where = f"{_BOLD}{where}{RESET}"
        severity = f"{SEVERITY_COLORS[severity]}{severity}{RESET}"
        rule = f"{_DIM}{finding.rule}{RESET}"
    else:
        rule = finding.rule
    origin = f" (from {finding.template})" if finding.template else ""
    return f"{where} {severity} {rule} {finding.message}{origin}"


def summary_lines(report: Report, context: FormatContext, legend: str = "") -> list[str]:
    """What was checked and found, then how many findings ``--fix`` would fix (after
    ``legend``, the mark of fixable rows in a table)."""
    lines = [summary_line(report)]
    fixable = sum(1 for finding in report.findings if finding.edit is not None)
    if context.fix_hint and fixable:
        lines.append(f"{legend}{fixable} fixable with `--fix`.")
    return lines


def summary_line(report: Report) -> str:
    """The closing sentence: how many problems in how many files, or why nothing was
    checked (the markdown report opens with it too)."""
    summary = report.summary
    files_with_findings = len({finding.file for finding in report.findings})
    if report.findings:
        counts = ", ".join(
            (
                _plural(report.count("error"), "error"),
                _plural(report.count("warning"), "warning"),
                f"{report.count('info')} info",
            )
        )
        head = (
            f"Found {_plural(len(report.findings), 'problem')} ({counts}) in"
            f" {files_with_findings} of {_plural(summary.files, 'file')}"
        )
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
        details.append(
            f"{summary.unknown_kinds} of unknown kinds not validated (add their CRDs or --crds)"
        )
    if summary.skipped:
        documents = "document" if summary.skipped == 1 else "documents"
        details.append(f"{summary.skipped} non-Kubernetes {documents} skipped")
    if summary.gitignored:  # never a silent skip
        details.append(
            f"{_plural(summary.gitignored, 'path')} git ignores skipped (-v names"
            f" {'it' if summary.gitignored == 1 else 'them'})"
        )
    if details:
        head += "; " + ", ".join(details)
    if summary.baselined is not None:
        head += (
            f"; baseline: {summary.baselined} known finding"
            f"{'' if summary.baselined == 1 else 's'} hidden,"
            f" {summary.baseline_fixed} fixed"
        )
    return f"{head}."


def _frame(finding: Finding, lines: Mapping[int, str], color: bool) -> list[str]:
    text = lines.get(finding.line)
    if text is None:
        return []
    # Columns are 1-based and the end exclusive; a column past the end of the line (a
    # missing value at the end of a line) gets its caret just after the text.
    start = min(finding.column - 1, len(text))
    end = finding.end_column - 1 if finding.end_line == finding.line else len(text)
    text, start, end = _window(text, start, max(end, start + 1))
    shown, columns = _displayed(text)
    lead = columns[min(start, len(text))]
    width = max(columns[min(end, len(text))] - lead, 1)
    number = str(finding.line)
    gutter, carets = f"{' ' * len(number)} |", "^" * width
    if color:
        gutter = f"{_GUTTER}{gutter}{RESET}"
        number = f"{_GUTTER}{number} |{RESET}"
        carets = f"{_BOLD}{SEVERITY_COLORS[finding.severity]}{carets}{RESET}"
    else:
        number += " |"
    return [
        gutter,
        f"{number} {shown}" if shown else number,
        f"{gutter} {' ' * lead}{carets}",
        gutter,
    ]


def _window(text: str, start: int, end: int) -> tuple[str, int, int]:
    """A long line cut to ``FRAME_CHARACTERS`` around ``start`` (an ellipsis marks each
    cut), with ``start`` and ``end`` moved to match."""
    if len(text) <= FRAME_CHARACTERS:
        return text, start, end
    left = max(0, min(start - FRAME_CHARACTERS // 3, len(text) - FRAME_CHARACTERS))
    right = left + FRAME_CHARACTERS
    cut = ("…" if left else "") + text[left:right] + ("…" if right < len(text) else "")
    shift = left - (1 if left else 0)
    return cut, start - shift, min(end - shift, len(cut))


def _displayed(text: str) -> tuple[str, list[int]]:
    """``text`` as a frame prints it (tabs expanded, control characters as their visible
    symbols, so that nothing in a file can drive the terminal) and the screen column of
    each character's start (one more entry: where the text ends)."""
    if text.isascii() and text.isprintable():
        return text, list(range(len(text) + 1))
    import unicodedata  # for the lines that need it: not on every run's start

    out: list[str] = []
    columns = [0]
    column = 0
    for char in text:
        if char == "\t":
            width = TAB_WIDTH - column % TAB_WIDTH
            char = " " * width
        elif char < " " or char == "\x7f":  # U+2400 and on picture the C0 controls
            char, width = chr(0x2400 + ord(char)) if char != "\x7f" else "\u2421", 1
        elif "\x80" <= char <= "\x9f":  # C1 controls: some terminals obey them too
            char, width = "\ufffd", 1
        elif unicodedata.combining(char):
            width = 0
        else:
            width = 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
        out.append(char)
        column += width
        columns.append(column)
    return "".join(out), columns
