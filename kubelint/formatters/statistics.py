"""``--statistics``: how many findings each rule reported, in place of the findings, as
ruff's ``--statistics``. One row per rule and severity (a rule may report some cases more
severely than others, and a path override may change its severity), the most frequent
first, then by rule.

Text: ``count<TAB>severity<TAB>[*] rule``, the columns padded, then the text format's
summary; ``[*]`` marks the rows with findings ``--fix`` would fix and appears only when
there are some (``[ ]`` marks the others). JSON: an array of ``{"rule", "severity",
"count", "fixable", "fixable_count"}``, ``fixable`` being whether any of them is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from kubelint.constants import SEVERITY_RANK
from kubelint.formatters import FormatContext, dumps_indented
from kubelint.formatters.text import RESET, SEVERITY_COLORS, summary_lines
from kubelint.report import Finding, Report


@dataclass(frozen=True)
class Statistic:
    """One row of ``--statistics``: a rule's findings of one severity."""

    rule: str
    severity: str
    count: int
    #: Of them, those with a safe fix (``--fix`` would fix them).
    fixable_count: int


def statistics(findings: Iterable[Finding]) -> list[Statistic]:
    """A row per rule and severity, the largest count first."""
    counts: Counter[tuple[str, str]] = Counter()
    fixable: Counter[tuple[str, str]] = Counter()
    for finding in findings:
        key = (finding.rule, finding.severity)
        counts[key] += 1
        fixable[key] += finding.edit is not None
    rows = [
        Statistic(rule, severity, count, fixable[rule, severity])
        for (rule, severity), count in counts.items()
    ]
    return sorted(rows, key=lambda row: (-row.count, row.rule, -SEVERITY_RANK[row.severity]))


def render_text(report: Report, context: FormatContext) -> str:
    rows = statistics(report.findings)
    marked = context.fix_hint and any(row.fixable_count for row in rows)
    count_width = max((len(str(row.count)) for row in rows), default=0)
    lines = []
    for row in rows:
        severity = f"{row.severity:<7}"
        if context.color:
            severity = f"{SEVERITY_COLORS[row.severity]}{severity}{RESET}"
        mark = ("[*] " if row.fixable_count else "[ ] ") if marked else ""
        lines.append(f"{row.count:>{count_width}}\t{severity}\t{mark}{row.rule}")
    if context.summary:
        if lines:
            lines.append("")
        lines.extend(summary_lines(report, context, legend="[*] " if marked else ""))
    return "".join(line + "\n" for line in lines)


def render_json(report: Report, context: FormatContext) -> str:
    return dumps_indented(
        [
            {
                "rule": row.rule,
                "severity": row.severity,
                "count": row.count,
                "fixable": row.fixable_count > 0,
                "fixable_count": row.fixable_count,
            }
            for row in statistics(report.findings)
        ]
    )


#: The formats ``--statistics`` can be written in.
RENDERERS: dict[str, Callable[[Report, FormatContext], str]] = {
    "text": render_text,
    "json": render_json,
}
