"""``--format markdown``: a pull-request summary (GitHub's job summary, a PR comment).

It opens with the text format's closing sentence, then counts findings by severity and
by rule (each rule linked to its documentation), then lists the findings grouped by file,
each with a ``file:line`` link relative to the working directory
(``[deploy/app.yaml:12](deploy/app.yaml#L12)``): run kubelint from the repository root so
that the links name the repository's files. A relative link resolves where the page is a
file of the repository; a job summary or a comment resolves it against its own address,
so there ``--link-base`` (``context.link_base``) puts the commit's file URL in front
(``https://github.com/ORG/REPO/blob/COMMIT/deploy/app.yaml#L12``).

GitHub keeps at most 1 MiB of a step's summary, so the list stops after
``MAX_FINDINGS_SHOWN`` findings or ``FINDINGS_BUDGET`` bytes, whichever comes first, and
says how many it left out; the counts always cover every finding. That is a limit of the
medium, not a decision about findings: the report itself is rendered whole.

Everything taken from manifests, file names and messages is escaped (``escape``), so that
a hostile manifest cannot add markup, HTML or a link to the page.

The report is a sequence of sections (``SECTIONS``), each rendered on its own, so that
another section slots in without touching the others. When the run's profile checks a
Pod Security Standards level (``Report.pod_security_policy``), one lists each workload's
strictest level, capped like the findings (``MAX_WORKLOADS_SHOWN``, ``WORKLOADS_BUDGET``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from urllib.parse import quote

from kubelint.constants import SEVERITIES
from kubelint.formatters import FormatContext
from kubelint.formatters.text import summary_line
from kubelint.pss import LEVELS
from kubelint.report import Finding, Report, printable

TITLE = "kubelint"
#: The findings list stops at this many findings or bytes, well below GitHub's 1 MiB
#: for a step summary, leaving room for the counts and other steps' sections.
MAX_FINDINGS_SHOWN = 1000
FINDINGS_BUDGET = 512 * 1024
#: A message longer than this (it quotes values from the manifest) is cut in the table.
MESSAGE_LIMIT = 1000
#: The workloads' Pod Security Standards levels stop at this many rows or bytes: with the
#: findings' budget, well within GitHub's 1 MiB.
MAX_WORKLOADS_SHOWN = 1000
WORKLOADS_BUDGET = 128 * 1024

#: What CommonMark and GitHub read as markup anywhere in a line (emphasis, code, links,
#: images, raw HTML, entities, table cells, headings' closing #, math, mentions and
#: e-mail autolinks); a backslash makes each literal. Line starts need nothing more: the
#: text of a cell or a heading never starts a line.
_MARKUP = re.compile(r"[\\`*_~\[\]<>|&#@$]")
#: GitHub also links bare URLs (``scheme://``, ``//host``) and ``www.`` names.
_AUTOLINK = re.compile(r"/(?=/)|(?<![0-9A-Za-z])(?i:www)\.")
_LINE_BREAK = re.compile(r"\r\n?|\n")
_ABSOLUTE = re.compile(r"/|[A-Za-z]:/")
#: How findings in standard input name their file (without --stdin-filename).
STDIN_NAME = "<stdin>"
#: A rule's documentation is linked only at such an address.
_WEB_URL = re.compile(r"https?://", re.IGNORECASE)

FINDING_COLUMNS = ["Location", "Severity", "Rule", "Message"]
WORKLOAD_COLUMNS = ["Location", "Workload", "Level"]

Section = Callable[[Report, FormatContext], list[str]]


def escape(text: str) -> str:
    """``text`` as literal markdown inline text on one line: markup characters
    backslash-escaped, autolinks broken up, line breaks turned into spaces."""
    text = _LINE_BREAK.sub(" ", text)
    text = _MARKUP.sub(r"\\\g<0>", text)
    return _AUTOLINK.sub(lambda match: match[0][:-1] + "\\" + match[0][-1], text)


def _destination(url: str) -> str:
    """A URL as a link destination: every character that could end it, or a table
    cell, percent-escaped."""
    return quote(url, safe="/:?#=&%+,;~!$'*@-._")


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _row(cells: Iterable[str]) -> str:
    return f"| {' | '.join(cells)} |"


def _table(header: list[str], rows: Iterable[str], right: int = 0) -> str:
    """A GFM table of ``rows`` (from ``_row``); the last ``right`` columns (counts) are
    aligned right."""
    align = ["---"] * (len(header) - right) + ["---:"] * right
    return "\n".join([_row(header), _row(align), *rows])


def _headline(report: Report, context: FormatContext) -> list[str]:
    return [f"## {TITLE}", escape(summary_line(report))]


def _severity_counts(report: Report, context: FormatContext) -> list[str]:
    if not report.findings:  # the headline says there is none
        return []
    counts = Counter(finding.severity for finding in report.findings)
    rows = (_row([severity, f"{counts[severity]:,}"]) for severity in SEVERITIES)
    return [_table(["Severity", "Findings"], rows, right=1)]


def _rule_link(rule_id: str, report: Report) -> str:
    rule = report.rules.get(rule_id)
    url = getattr(rule, "url", None)
    if url and _WEB_URL.match(url):
        return f"[{escape(rule_id)}]({_destination(url)})"
    return escape(rule_id)


def _rule_counts(report: Report, context: FormatContext) -> list[str]:
    if not report.findings:
        return []
    by_rule: dict[str, Counter[str]] = {}
    for finding in report.findings:
        by_rule.setdefault(finding.rule, Counter())[finding.severity] += 1
    # Most severe first, then the most frequent: what a reviewer looks at first.
    order = sorted(
        by_rule.items(),
        key=lambda item: (*(-item[1][severity] for severity in SEVERITIES), item[0]),
    )
    rows = (
        _row(
            [
                _rule_link(rule_id, report),
                ", ".join(severity for severity in SEVERITIES if counts[severity]),
                f"{sum(counts.values()):,}",
            ]
        )
        for rule_id, counts in order
    )
    return [_table(["Rule", "Severity", "Findings"], rows, right=1)]


def _location(file: str, line: int, link_base: str) -> str:
    shown = printable(file)
    label = escape(f"{shown}:{line}")
    # A relative path is a file of the repository; an absolute one (outside the working
    # directory) or standard input has no page to link to.
    if _ABSOLUTE.match(shown) or shown == STDIN_NAME:
        return label
    target = quote(file.encode("utf-8", "surrogateescape"))
    if link_base:
        # Parentheses and spaces would end the link's target: percent-encoded.
        base = quote(link_base, safe=":/?#[]@!$&'*+,;=%~")
        target = f"{base}{'' if base.endswith('/') else '/'}{target}"
    return f"[{label}]({target}#L{line})"


def _message(finding: Finding) -> str:
    text = finding.message
    if len(text) > MESSAGE_LIMIT:
        text = text[:MESSAGE_LIMIT].rstrip() + " …"
    if finding.template:
        text += f" (from {finding.template})"
    return escape(text)


#: The bytes a file adds to the list besides its path and rows: "#### ", the table's
#: header and alignment rows, blank lines.
_TABLE_START = len(f"#### \n\n{_table(FINDING_COLUMNS, [])}\n\n")


def _findings(report: Report, context: FormatContext) -> list[str]:
    if not report.findings:
        return []
    # file -> its table's rows, in report order (sorted by file), until the list is full.
    tables: dict[str, list[str]] = {}
    used = shown = 0
    for finding in report.findings:
        row = _row(
            [
                _location(finding.file, finding.line, context.link_base),
                finding.severity,
                escape(finding.rule),
                _message(finding),
            ]
        )
        size = len(row.encode("utf-8")) + 1  # and its line break
        if finding.file not in tables:  # and the file's heading and table header
            size += len(printable(finding.file).encode("utf-8")) + _TABLE_START
        if shown == MAX_FINDINGS_SHOWN or used + size > FINDINGS_BUDGET:
            break
        tables.setdefault(finding.file, []).append(row)
        used += size
        shown += 1
    blocks = ["### Findings"]
    for file, rows in tables.items():
        blocks.append(f"#### {escape(printable(file))}")
        blocks.append(_table(FINDING_COLUMNS, rows))
    left_out = len(report.findings) - shown
    if left_out:
        blocks.append(
            f"{_plural(left_out, 'more finding')} not listed here, to keep this"
            " summary within GitHub's 1 MiB limit; `kubelint check` lists them"
            " all."
        )
    return blocks


def _pod_security(report: Report, context: FormatContext) -> list[str]:
    """Each workload's strictest Pod Security Standards level, when the run's profile
    checks a PSS level (the report says which): the level the review is about."""
    policy = report.pod_security_policy
    if policy is None or not report.pod_security:
        return []
    version = policy.partition(":")[2]
    counts = Counter(found.level for found in report.pod_security)
    tally = ", ".join(
        f"{_plural(counts[level], 'workload')} at {level}"
        for level in reversed(LEVELS)
        if counts[level]
    )
    rows: list[str] = []
    used = 0
    for found in report.pod_security:
        row = _row(
            [
                _location(found.file, found.line, context.link_base),
                escape(found.object.describe()),
                found.level,
            ]
        )
        used += len(row.encode("utf-8")) + 1
        if len(rows) == MAX_WORKLOADS_SHOWN or used > WORKLOADS_BUDGET:
            break
        rows.append(row)
    blocks = [
        "### Pod Security Standards",
        escape(
            f"The strictest level each workload meets at policy version {version}"
            f" (this run checks {policy}): {tally}."
        ),
        _table(WORKLOAD_COLUMNS, rows),
    ]
    left_out = len(report.pod_security) - len(rows)
    if left_out:
        blocks.append(
            f"{_plural(left_out, 'more workload')} not listed here, to keep this"
            " summary within GitHub's 1 MiB limit; `kubelint check --format json`"
            " lists them all (pod_security)."
        )
    return blocks


#: The report's sections, in order; each returns its blocks (none leaves it out).
SECTIONS: tuple[Section, ...] = (
    _headline,
    _severity_counts,
    _rule_counts,
    _pod_security,
    _findings,
)


def render(report: Report, context: FormatContext) -> str:
    blocks = [block for section in SECTIONS for block in section(report, context)]
    return "\n\n".join(blocks) + "\n"
