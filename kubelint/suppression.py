"""Comment and annotation suppressions: what they say and what they silence.

``# kubelint: disable=rule-a,rule-b until=2027-03-31 -- why``
    at the end of a line: the node that starts on that line and everything under it
    (on an object's first line, also what is reported about the whole object there);
    on a line of its own: the node that follows and everything under it; before a
    document's first key: the whole document.
``# kubelint: disable-file=rule-a ...``
    anywhere in a file: the whole file.
``metadata.annotations["kubelint.io/ignore"]: "rule-a, rule-b until=2027-03-31 -- why"``
    the object that carries it; each line of the value is one entry of that form, so
    that each rule can have its own date and reason (a ``|`` block scalar).

``until=`` (optional) is the last day the suppression works; ``--`` starts the reason
(optional), which runs to the end of the line. ``all`` names every rule that checks
manifests. Each rule name becomes one ``Suppression``; a directive kubelint cannot read
is a ``SuppressionProblem`` and silences nothing (see ``kubelint.decisions``).
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from kubelint.constants import DIRECTIVE_MARKER, IGNORE_ANNOTATION
from kubelint.patterns import lazy_compile
from kubelint.suggest import did_you_mean
from kubelint.yamlparse import Span, line_starts, split_lines

if TYPE_CHECKING:
    from kubelint.model import Manifest

#: ``#`` at a line's start or after a blank (not inside ``a#b``), then ``kubelint:``.
_DIRECTIVE = lazy_compile(r"(?:^|(?<=\s))#\s*kubelint:[ \t]*")
_KEYWORD = lazy_compile(r"(?P<word>[A-Za-z][A-Za-z0-9_-]*)(?P<equals>[ \t]*=[ \t]*)?")
_NAMES = lazy_compile(r"[A-Za-z0-9_-]+(?:[ \t]*,[ \t]*[A-Za-z0-9_-]+)*(?:[ \t]*,)?")
_NAME = lazy_compile(r"[A-Za-z0-9_-]+")
_UNTIL = lazy_compile(r"until[ \t]*=[ \t]*(?P<value>\S*)")
_ISO_DATE = lazy_compile(r"\d{4}-\d{2}-\d{2}\Z")
_WORD = lazy_compile(r"\S+")
_DOCUMENT_MARKER = lazy_compile(r"(---|\.\.\.)(\s|$)")
#: A line that opens a block scalar (``key: |``, ``- >-``, ``--- |``, ``key: !tag |2``):
#: the lines after it that are indented more are its text, not YAML (a ConfigMap's
#: script). ``indent``: the key or sequence entry the scalar belongs to.
_BLOCK_SCALAR_START = lazy_compile(
    r"""(?P<indent>[ ]*)(?P<dashes>(?:-[ ]+)*)"""
    r"""(?:---[ ]+|(?P<key>"[^"]*"|'[^']*'|[^\s#'"\[{][^#]*?)[ ]*:[ ]+|)"""
    r"""(?:[!&][^ ]*[ ]+)*[|>](?P<width>[1-9])?[+-]?(?P<width_after>[1-9])?[ ]*(?:#.*)?\Z"""
)
KEYWORDS = ("disable", "disable-file")
#: Where the annotation sits in an object.
ANNOTATION_PATH = ("metadata", "annotations", IGNORE_ANNOTATION)


@dataclass(eq=False)
class Rewrite:
    """How ``--fix`` drops names from one directive: offsets into ``text`` (the file as
    linted) of its rule list, and of the whole directive (None: it cannot go as a whole,
    as an annotation cannot). For an annotation, also its document's root line, its path
    from there, its value and the rule list's offsets in the value (the fix must give
    exactly that value with the list rewritten)."""

    text: str = field(repr=False)
    names: tuple[int, int]
    whole: tuple[int, int] | None
    document_line: int = -1
    path: tuple[str | int, ...] = ()
    value: str = ""
    value_names: tuple[int, int] = (0, 0)


@dataclass(frozen=True)
class Suppression:
    """One rule name of one suppression: a ``# kubelint:`` comment, an entry of the
    ``kubelint.io/ignore`` annotation, or a config exemption.

    Two are the same suppression when they are the same name of the same directive of
    the same file (the ``span`` and the fix do not take part): a run sees a template's
    comments once per rendering, and an object's annotation in each pass.
    """

    name: str  # as written: a rule id, an alias, "all", or a mistake
    kind: str  # "disable", "disable-file", "annotation" or "exemption"
    #: Where its directive starts (0-based; for an annotation, its key): the names of a
    #: directive share it, and ``entry`` (the annotation's line) and ``index`` (the
    #: name's place) tell them apart.
    line: int
    column: int
    entry: int = 0
    index: int = 0
    until: date | None = None
    reason: str | None = None
    #: The file it is in, as findings show it ("" until the run binds it to one).
    file: str = ""
    #: Where the name is (0-based), and the whole directive.
    span: Span = field(default=Span(0, 0, 0, 1), compare=False)
    directive: Span = field(default=Span(0, 0, 0, 1), compare=False)
    rewrite: Rewrite | None = field(default=None, compare=False, repr=False)

    def bound(self, file: str) -> Suppression:
        """This suppression in ``file`` (one that knows its file already stays there)."""
        return self if self.file else replace(self, file=file)

    @property
    def group(self) -> tuple[str, str, int, int, int]:
        """What the names of one directive share."""
        return (self.file, self.kind, self.line, self.column, self.entry)

    def live(self, today: date) -> bool:
        """Does it still work on ``today``? (``until`` is the last day it does.)"""
        return self.until is None or today <= self.until


class SuppressionProblem(NamedTuple):
    """A directive kubelint cannot read (0-based span)."""

    span: Span
    message: str


@dataclass(eq=False)
class Directives:
    """The ``# kubelint:`` comments of one file (0-based line numbers)."""

    file: tuple[Suppression, ...] = ()
    #: own-line comments: the line of the node they precede -> their names
    before: dict[int, list[Suppression]] = field(default_factory=dict)
    #: end-of-line comments: their line -> their names
    trailing: dict[int, list[Suppression]] = field(default_factory=dict)
    problems: tuple[SuppressionProblem, ...] = ()
    #: own-line comments with no node after them: they silence nothing
    dangling: tuple[Suppression, ...] = ()

    def __iter__(self) -> Iterator[Suppression]:
        yield from self.file
        yield from self.dangling
        for table in (self.before, self.trailing):
            for names in table.values():
                yield from names

    def __bool__(self) -> bool:
        return bool(self.file or self.before or self.trailing or self.problems or self.dangling)


class _Entry(NamedTuple):
    """What one directive says, columns relative to the text it was read from."""

    names: list[tuple[str, int, int]]  # (name, start, end)
    until: date | None
    reason: str | None
    end: int  # where the directive ends


def _read_entry(text: str, start: int, comment: bool) -> _Entry | SuppressionProblem:
    """The rule list, ``until=`` and reason from ``start``; in a comment, another
    ``#`` after them starts a comment of its own (``# kubelint: disable=a  # note``)."""
    listed = _NAMES.match(text, start)
    if listed is None:
        word = _WORD.match(text, start)
        return _problem(
            start,
            "the suppression names no rule (`kubelint rules` lists them)",
            len(word.group()) if word else 1,
        )
    names = [
        (match.group(), match.start(), match.end())
        for match in _NAME.finditer(text, listed.start(), listed.end())
    ]
    until: date | None = None
    reason: str | None = None
    position = end = listed.end()
    while True:
        while position < len(text) and text[position] in " \t":
            position += 1
        if position >= len(text) or (comment and text[position] == "#"):
            break
        if text.startswith("--", position):
            reason = text[position + 2 :].strip() or None
            end = len(text.rstrip())
            break
        found = _UNTIL.match(text, position)
        if found is None:
            word = _WORD.match(text, position)
            shown = word.group() if word else text[position:]
            return _problem(
                position,
                f"{shown!r} is not part of a suppression: separate rule"
                " names with commas, and write the reason after ' -- '",
                len(shown),
            )
        if until is not None:
            return _problem(position, "until= is given twice", found.end() - position)
        value = found["value"]
        until = _date(value)
        if until is None:
            return _problem(
                found.start("value"),
                f"until={value} is not a date: write"
                " until=YYYY-MM-DD (the last day the suppression works)",
                max(len(value), 1),
            )
        position = end = found.end()
    return _Entry(names, until, reason, end)


def _problem(column: int, message: str, width: int = 1) -> SuppressionProblem:
    return SuppressionProblem(Span(0, column, 0, column + width), message)


def _date(text: str) -> date | None:
    if not _ISO_DATE.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:  # 2027-02-30
        return None


def parse_directives(text: str, in_block_scalars: bool = False) -> Directives:
    """Find the ``# kubelint:`` comments of a file. A ``#`` line in a block scalar is
    its text, not a comment (a ConfigMap's script, a manifest kept in a ConfigMap), so it
    is no suppression; except with ``in_block_scalars``, for a kustomization, whose
    inline patches are YAML with comments of their own."""
    if DIRECTIVE_MARKER not in text:  # the common case costs one scan in C
        return Directives()
    lines = split_lines(text)  # as the parser counts lines (a lone CR ends one)
    starts = line_starts(text)
    next_content = _next_content_lines(lines)
    scalar_text = set() if in_block_scalars else block_scalar_lines(lines)
    whole_file: list[Suppression] = []
    dangling: list[Suppression] = []
    before: dict[int, list[Suppression]] = {}
    trailing: dict[int, list[Suppression]] = {}
    problems: list[SuppressionProblem] = []
    for number, line in enumerate(lines):
        if DIRECTIVE_MARKER not in line or number in scalar_text:
            continue
        found = _DIRECTIVE.search(line)
        keyword = _KEYWORD.match(line, found.end()) if found is not None else None
        if found is None or keyword is None:
            continue  # prose: "# kubelint: checked in CI"
        word = keyword["word"]
        if word not in KEYWORDS:
            if keyword["equals"]:
                hint = did_you_mean(word, KEYWORDS, form=" (did you mean {}=?)")
                problems.append(
                    _at(
                        number,
                        keyword.start(),
                        f"unknown directive {word}={hint}:"
                        " kubelint reads disable= and disable-file=",
                        len(word),
                    )
                )
            continue
        if not keyword["equals"]:
            problems.append(_at(number, keyword.start(), f"write {word}=RULE[,RULE...]", len(word)))
            continue
        entry = _read_entry(line, keyword.end(), comment=True)
        if isinstance(entry, SuppressionProblem):
            problems.append(
                _at(
                    number,
                    entry.span.column,
                    entry.message,
                    entry.span.end_column - entry.span.column,
                )
            )
            continue
        hash_column = found.start()
        own_line = not line[:hash_column].strip()
        rewrite = Rewrite(
            text,
            (starts[number] + entry.names[0][1], starts[number] + entry.names[-1][2]),
            _whole_comment(line, number, starts, hash_column, entry.end, own_line),
        )
        made = [
            Suppression(
                name,
                word,
                number,
                hash_column,
                0,
                index,
                entry.until,
                entry.reason,
                span=Span(number, start, number, end),
                directive=Span(number, hash_column, number, entry.end),
                rewrite=rewrite,
            )
            for index, (name, start, end) in enumerate(entry.names)
        ]
        if word == "disable-file":
            whole_file.extend(made)
        elif own_line:
            target = next_content[number + 1] if number + 1 < len(lines) else None
            if target is not None:
                before.setdefault(target, []).extend(made)
            else:
                dangling.extend(made)
        else:
            trailing.setdefault(number, []).extend(made)
    return Directives(tuple(whole_file), before, trailing, tuple(problems), tuple(dangling))


def block_scalar_lines(lines: Sequence[str]) -> set[int]:
    """The numbers of the lines that are the text of a block scalar.

    YAML's rule, read from the lines alone: the text is every line after the ``|`` or
    ``>`` that is blank or indented at least as much as its first non-blank line, which
    must be indented more than the key or sequence entry the scalar belongs to (or by
    the width the indicator gives)."""
    found: set[int] = set()
    number = 0
    while number < len(lines):
        line = lines[number]
        number += 1
        if "|" not in line and ">" not in line:
            continue
        opened = _BLOCK_SCALAR_START.match(line.rstrip())
        if opened is None:
            continue
        if opened["key"] is not None:  # ``  - key: |``: the key's column
            parent = len(opened["indent"]) + len(opened["dashes"])
        elif opened["dashes"]:  # ``  - |``: the last dash's column
            parent = len(opened["indent"]) + len(opened["dashes"].rstrip()) - 1
        else:  # ``--- |``: the document's top level
            parent = -1
        width = opened["width"] or opened["width_after"]
        content = parent + int(width) if width else None
        while number < len(lines):
            body = lines[number].lstrip(" ")
            indent = len(lines[number]) - len(body)
            if body.strip():
                if content is None:
                    if indent <= parent:
                        break  # an empty scalar: this line is YAML again
                    content = indent
                elif indent < content:
                    break
            found.add(number)
            number += 1
    return found


def _at(line: int, column: int, message: str, width: int = 1) -> SuppressionProblem:
    return SuppressionProblem(Span(line, column, line, column + width), message)


def _whole_comment(
    line: str, number: int, starts: list[int], hash_column: int, end: int, own_line: bool
) -> tuple[int, int]:
    """Offsets that remove a directive and nothing else: its whole line when it is all
    the line holds, the blanks before it at the end of a line, up to a comment that
    follows it (``# kubelint: disable=a  # note`` keeps ``# note``)."""
    base = starts[number]
    rest = line[end:]
    if rest.strip():  # another comment follows
        return base + hash_column, base + end + len(rest) - len(rest.lstrip())
    if own_line:
        following = starts[number + 1] if number + 1 < len(starts) else base + len(line)
        return base, following
    return base + len(line[:hash_column].rstrip()), base + len(line)


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


class Annotation(NamedTuple):
    """What an object's ``kubelint.io/ignore`` annotation says, bound to its file."""

    suppressions: list[Suppression]
    problems: list[tuple[str, SuppressionProblem]]  # (file, problem)


_NO_ANNOTATION = Annotation([], [])
_starts = functools.lru_cache(maxsize=2)(line_starts)  # per file, not per object


def annotation_suppressions(obj: Manifest) -> Annotation:
    """The suppressions of ``obj``'s annotation, where its value is in the file the user
    edits (the template or patch of a rendered object: there at the start of the value,
    since the text there is not the rendered one)."""
    value = obj.annotations.get(IGNORE_ANNOTATION)
    if not isinstance(value, str) or not value.strip():
        return _NO_ANNOTATION
    location = obj.locate(ANNOTATION_PATH)
    file, span, text = obj.source.path, location.span, obj.source.text
    if obj.origin is not None:
        placed = obj.origin.place(obj, ANNOTATION_PATH, location)
        file, span, text = placed.file, placed.span, ""
    out = Annotation([], [])
    starts = _starts(text) if text else [0]
    # The value's text in the file: after the key's colon, up to the end of the value.
    searched = region_end = -1
    if text and span.end_line < len(starts):
        region_end = starts[span.end_line] + span.end_column
        colon = text.find(":", starts[span.line] + span.column, region_end)
        searched = colon + 1 if colon >= 0 else -1
    offset = 0  # of the entry in the value
    for number, entry_text in enumerate(value.split("\n")):
        here = offset
        offset += len(entry_text) + 1
        if not entry_text.strip():
            continue
        lead = len(entry_text) - len(entry_text.lstrip())
        entry = _read_entry(entry_text, lead, comment=False)
        # Where the entry is written in the file; not found when it is not there as it
        # reads (escapes in a quoted value, folded lines, a rendered object): then its
        # findings are at the annotation's key, and it has no fix.
        anchor = text.find(entry_text.strip(), searched, region_end) if searched > 0 else -1
        if anchor >= 0:
            searched = anchor + len(entry_text.strip())

        def where(column: int, width: int, anchor: int = anchor, lead: int = lead) -> Span:
            if anchor < 0:
                return Span(span.line, span.column, span.line, span.column + 1)
            absolute = anchor + column - lead
            line = bisect.bisect_right(starts, absolute) - 1
            return Span(line, absolute - starts[line], line, absolute - starts[line] + width)

        if isinstance(entry, SuppressionProblem):
            width = entry.span.end_column - entry.span.column
            out.problems.append(
                (file, SuppressionProblem(where(entry.span.column, width), entry.message))
            )
            continue
        first, last = entry.names[0][1], entry.names[-1][2]
        rewrite = None
        if anchor >= 0:
            rewrite = Rewrite(
                text,
                (anchor + first - lead, anchor + last - lead),
                None,
                obj.doc_root.line,
                (*obj.root_path, *ANNOTATION_PATH),
                value,
                (here + first, here + last),
            )
        directive = where(first, entry.end - first)
        out.suppressions.extend(
            Suppression(
                name,
                "annotation",
                span.line,
                span.column,
                number,
                index,
                entry.until,
                entry.reason,
                file,
                where(start, end - start),
                directive,
                rewrite,
            )
            for index, (name, start, end) in enumerate(entry.names)
        )
    return out


def _names(
    suppressions: Sequence[Suppression], rule_id: str, aliases: Mapping[str, str]
) -> Iterator[Suppression]:
    for suppression in suppressions:
        name = suppression.name
        if name == "all" or aliases.get(name, name) == rule_id:
            yield suppression


def matching(
    rule_id: str,
    node_lines: tuple[int, ...],
    directives: Directives,
    annotation: Sequence[Suppression],
    aliases: Mapping[str, str],
) -> list[Suppression]:
    """Every suppression that names ``rule_id`` (or ``all``) where the finding is
    (unbound: the caller knows the file). ``node_lines``: the start line of the document
    root, then of each node on the path to the finding (see ``model.Location``)."""
    found = [*_names(directives.file, rule_id, aliases), *_names(annotation, rule_id, aliases)]
    if not node_lines or not (directives.before or directives.trailing):
        return found
    document = directives.before.get(node_lines[0])
    if document:
        found.extend(_names(document, rule_id, aliases))
    if len(node_lines) == 1:  # about the whole object: reported at its first line
        found.extend(_names(directives.trailing.get(node_lines[0], ()), rule_id, aliases))
    for line in node_lines[1:]:
        for table in (directives.before, directives.trailing):
            names = table.get(line)
            if names:
                found.extend(_names(names, rule_id, aliases))
    return found
