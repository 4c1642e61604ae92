"""Comment and annotation suppressions.

``# kubelint: disable=rule-a,rule-b``
    at the end of a line: the node that starts on that line and everything under it;
    on a line of its own: the node that follows and everything under it; before a
    document's first key: the whole document.
``# kubelint: disable-file=rule-a``
    anywhere in a file: the whole file.
``metadata.annotations["kubelint.io/ignore"]: "rule-a, rule-b"``
    the object that carries it.

``all`` names every rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from kubelint.constants import IGNORE_ANNOTATION
from kubelint.model import Directives
from kubelint.patterns import lazy_compile
from kubelint.yamlparse import split_lines

_DIRECTIVE = lazy_compile(
    r"(?:^|\s)#\s*kubelint:\s*(?P<kind>disable-file|disable)\s*=\s*(?P<rules>[A-Za-z0-9_\-, ]+)"
)
_DOCUMENT_MARKER = lazy_compile(r"(---|\.\.\.)(\s|$)")


def split_rule_list(text: str) -> set[str]:
    return {part.strip() for part in text.split(",") if part.strip()}


def parse_directives(text: str) -> Directives:
    """Find the ``# kubelint:`` comments of a file."""
    if "kubelint:" not in text:  # the common case costs one scan in C
        return Directives()
    lines = split_lines(text)  # as the parser counts lines (a lone CR ends one)
    next_content = _next_content_lines(lines)
    file_rules: set[str] = set()
    before: dict[int, set[str]] = {}
    trailing: dict[int, set[str]] = {}
    for number, line in enumerate(lines):
        if "kubelint:" not in line:
            continue
        match = _DIRECTIVE.search(line)
        if match is None:
            continue
        rules = split_rule_list(match["rules"])
        if match["kind"] == "disable-file":
            file_rules |= rules
        elif line.lstrip().startswith("#"):
            target = next_content[number + 1] if number + 1 < len(lines) else None
            if target is not None:
                before.setdefault(target, set()).update(rules)
        else:
            trailing.setdefault(number, set()).update(rules)
    return Directives(frozenset(file_rules), before, trailing)


def _next_content_lines(lines: list[str]) -> list[int | None]:
    """For each line, the first line at or after it that holds content (not blank, a
    comment or a document marker), computed backwards in one pass: looking forward from
    every comment made 20,000 comment lines quadratic."""
    found: list[int | None] = [None] * len(lines)
    upcoming: int | None = None
    for number in range(len(lines) - 1, -1, -1):
        stripped = lines[number].strip()
        if stripped and not stripped.startswith("#") and not _DOCUMENT_MARKER.match(stripped):
            upcoming = number
        found[number] = upcoming
    return found


def annotation_rules(annotations: Mapping[str, object]) -> set[str]:
    value = annotations.get(IGNORE_ANNOTATION)
    return split_rule_list(value) if isinstance(value, str) else set()


def _names(rules: Iterable[str], rule_id: str, aliases: Mapping[str, str]) -> bool:
    return any(name == "all" or aliases.get(name, name) == rule_id for name in rules)


def is_suppressed(rule_id: str, node_lines: tuple[int, ...], directives: Directives,
                  ignored_by_annotation: Iterable[str], aliases: Mapping[str, str]) -> bool:
    """``node_lines``: the start line of the document root, then of each node on the path
    to the finding (see ``model.Location``)."""
    if _names(directives.file, rule_id, aliases):
        return True
    if _names(ignored_by_annotation, rule_id, aliases):
        return True
    if not node_lines:
        return False
    document_rules = directives.before.get(node_lines[0])
    if document_rules and _names(document_rules, rule_id, aliases):
        return True
    for line in node_lines[1:]:
        for table in (directives.before, directives.trailing):
            rules = table.get(line)
            if rules and _names(rules, rule_id, aliases):
                return True
    return False
