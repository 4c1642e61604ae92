"""``--format github``: GitHub Actions workflow commands, which the runner turns into
annotations on the pull request's changed lines. One line per finding::

    ::error file=F,line=L,col=C,endLine=EL,endColumn=EC,title=RULE::MESSAGE

error -> ``::error``, warning -> ``::warning``, info -> ``::notice``. Values are escaped
as the Actions toolkit does: in the message ``%`` -> ``%25``, CR -> ``%0D``, LF -> ``%0A``;
in properties also ``:`` -> ``%3A`` and ``,`` -> ``%2C``.

The runner accepts ``col``/``endColumn`` only on a single-line annotation (it drops them
otherwise), so a finding that spans lines gets ``line``/``endLine`` alone. Ends are
exclusive in kubelint; a span ending at column 1 of a line ends on the line before.

``file`` must be relative to the repository root for the annotation to land on the file:
run kubelint from the checkout's top directory.
"""

from __future__ import annotations

from kubelint.formatters import FormatContext
from kubelint.report import Finding, Report, printable

_COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(finding: Finding) -> str:
    last_line = finding.end_line
    if finding.end_column <= 1 and last_line > finding.line:
        last_line -= 1  # the span ends at the start of end_line
    properties = [("file", printable(finding.file)), ("line", str(finding.line))]
    if last_line == finding.line:
        properties.append(("col", str(finding.column)))
    properties.append(("endLine", str(last_line)))
    if finding.end_line == finding.line:
        properties.append(("endColumn", str(finding.end_column)))
    properties.append(("title", finding.rule))
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    command = _COMMANDS.get(finding.severity, "error")
    return f"::{command} {joined}::{escape_data(finding.message)}"


def render(report: Report, context: FormatContext) -> str:
    return "".join(_command(finding) + "\n" for finding in report.findings)
