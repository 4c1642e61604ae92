"""Safe automatic fixes: set one field to one value, byte-for-byte elsewhere.

A fix does not re-emit the document (a YAML dumper, even ruamel's round-trip one, may
re-indent sequences, change quoting or fold long lines). It replaces the exact text span
of the old value, or inserts one ``key: value`` line in front of the first key of the
mapping, using the positions the loader keeps. Every comment, blank line, quote and other
document stays as it was. A file is written only if re-parsing it gives exactly the
intended data: the changed field, every other field and document unchanged.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from kubelint.model import Manifest, Path
from kubelint.patterns import lazy_compile
from kubelint.yamlparse import LINE_BREAK, Entry, YamlDocument, line_starts, parse_stream

_PLAIN = lazy_compile(r"[A-Za-z][A-Za-z0-9._/-]*\Z")


@dataclass(frozen=True)
class Fix:
    """Set ``path`` to ``value`` in ``target`` (None: the object the finding is about)."""

    path: Path
    value: Any
    target: Manifest | None = None


@dataclass(frozen=True)
class Edit:
    """A planned text change in one file, and the data change it must produce."""

    file: str
    start: int  # offsets into the file's text (code points)
    end: int
    text: str
    document_line: int  # the edited document's root line, to find it again
    path: Path  # from the document root; () for an edit of comments only (no data change)
    value: Any
    #: The text the offsets are in: the file as it was linted.
    linted: str = field(default="", compare=False, repr=False)
    #: What it does, when "set <key> to <value>" does not say it (editors' quick fixes).
    title: str = field(default="", compare=False, repr=False)


def _render(value: Any) -> str:
    """The YAML for a scalar, plain when it cannot be misread (go-yaml v2 rules)."""
    from kubelint.yamlparse import resolve_plain

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    text = str(value)
    if _PLAIN.match(text) and resolve_plain(text) == text:
        return text
    return json.dumps(text, ensure_ascii=False)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def plan(obj: Manifest, fix: Fix) -> Edit | None:
    """The text edit for ``fix``, or None when it cannot be made safely (the value sits in
    an alias or a merge, or the mapping to insert into does not exist)."""
    from kubelint.loader import TextChanged  # here: the rules' API need not load the loader

    try:
        edit = _plan(obj, fix)
        if edit is None:
            return None
        return replace(edit, linted=(fix.target or obj).source.text)
    except TextChanged:  # the file changed while it was linted: its offsets are stale
        return None


@functools.lru_cache(maxsize=2)
def _line_starts(text: str) -> list[int]:
    """``line_starts`` of a file's text, computed once for all its fixes (a string caches
    its hash; fixes are planned file by file): once per fix, planning the fixes of 400
    fixable Jobs in one file took 3 s."""
    return line_starts(text)


def _plan(obj: Manifest, fix: Fix) -> Edit | None:
    target = fix.target or obj
    source = target.source
    starts = _line_starts(source.text)
    # JSON (a .json file, or a document written as one flow mapping) takes JSON values
    # and keys: `restartPolicy: OnFailure` would make it invalid JSON.
    root = starts[target.doc_root.line] + target.doc_root.column
    as_json = source.path.lower().endswith(".json") or source.text[root : root + 1] == "{"
    render = _json if as_json else _render
    full_path = (*target.root_path, *fix.path)
    parent_path, key = full_path[:-1], full_path[-1]
    parent = _walk(target, parent_path)
    if parent is None or not isinstance(parent[0], dict) or not isinstance(key, str):
        return None
    container, record, parent_entry = parent
    positions = target._positions
    located = positions.find(record, container, key)
    entry = located[0] if located is not None else None

    def offset(line: int, column: int) -> int:
        return starts[line] + column

    if key in container:
        if entry is None or entry.alias or isinstance(container[key], (dict, list)):
            return None
        start = offset(entry.value_line, entry.value_column)
        end = offset(entry.value_end_line, entry.value_end_column)
        anchor = re.match(r"&\S+\s+", source.text[start:end])
        if anchor:  # keep "&name " so the aliases of the value still resolve
            start += anchor.end()
        quoted = source.text[start : start + 1] == '"'
        text = (_json if quoted else render)(fix.value)
        if start == end:  # "key:" with an empty (null) value: write after the colon
            return Edit(
                source.path, start, end, " " + text, target.doc_root.line, full_path, fix.value
            )
        return Edit(source.path, start, end, text, target.doc_root.line, full_path, fix.value)
    rendered = f"{_json(key) if as_json else key}: {render(fix.value)}"
    if parent_entry is not None and parent_entry.alias:
        return None
    if parent_entry is not None:
        opening = offset(parent_entry.value_line, parent_entry.value_column)
        if source.text[opening : opening + 1] == "{":  # a flow mapping: {a: 1}
            separator = ", " if container else ""
            return Edit(
                source.path,
                opening + 1,
                opening + 1,
                rendered + separator,
                target.doc_root.line,
                full_path,
                fix.value,
            )
    first = next((e for e, _ in positions.entries(record) if not e.alias), None)
    if first is None:
        return None
    # In front of the first key, then a line break and the same indentation: correct for
    # a block mapping, including one that starts after a sequence's "- ".
    at = offset(first.key_line, first.key_column)
    found = LINE_BREAK.search(source.text)  # the file's own line ends
    newline = found.group(0) if found else "\n"
    return Edit(
        source.path,
        at,
        at,
        f"{rendered}{newline}{' ' * first.key_column}",
        target.doc_root.line,
        full_path,
        fix.value,
    )


def _walk(obj: Manifest, path: Path) -> tuple[Any, int, Entry | None] | None:
    """(container, its positions record, the entry that holds it) at ``path`` from the
    root."""
    positions = obj._positions
    node: Any = obj._root_value
    record = positions.root
    holder = None
    for part in path:
        found = positions.find(record, node, part)
        if found is None:
            return None
        holder, record = found
        if holder.alias:
            return None
        node = node[part]
    if record < 0:
        return None
    return node, record, holder


def apply(text: str, edits: Iterable[Edit]) -> str | None:
    """``text`` with ``edits`` made, or None if they overlap or would not give the
    intended data."""
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    for before, after in itertools.pairwise(ordered):
        if after.start < before.end or (after.start == before.start and after.end == before.end):
            return None
    # Joined once: rebuilding the text per edit was quadratic in a file's fixes.
    pieces: list[str] = []
    position = 0
    for edit in ordered:
        pieces += (text[position : edit.start], edit.text)
        position = edit.end
    result = "".join(pieces) + text[position:]
    return result if _verified(text, result, ordered) else None


def apply_safe(text: str, edits: Iterable[Edit]) -> tuple[str, list[Edit], int]:
    """(new text, edits made, number refused): all edits when together they give the
    intended data, else every edit that does so on its own (one unsafe fix, such as a value
    that an alias shares with another object, must not block the others)."""
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    together = apply(text, ordered)
    if together is not None:
        return together, ordered, 0
    kept = _keep(text, [], ordered)
    result = apply(text, kept) if kept else text
    return result or text, kept, len(ordered) - len(kept)


def _keep(text: str, kept: list[Edit], candidates: list[Edit]) -> list[Edit]:
    """``kept`` and the candidates that apply with it, found by halving: each trial
    re-parses the file, so trying the edits one by one made a file with one refused fix
    among 300 take 27 s; halving needs a few trials per refused edit."""
    if not candidates:
        return kept
    trial = [*kept, *candidates]
    if apply(text, trial) is not None:
        return trial
    if len(candidates) == 1:
        return kept
    middle = len(candidates) // 2
    kept = _keep(text, kept, candidates[:middle])
    return _keep(text, kept, candidates[middle:])


def _documents(text: str) -> list[YamlDocument] | None:
    documents = []
    for item in parse_stream(text):
        if not isinstance(item, YamlDocument) or item.problems or not item.usable:
            return None
        documents.append(item)
    return documents


def _unshared(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _unshared(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_unshared(item) for item in value]
    return value


def _verified(before: str, after: str, edits: list[Edit]) -> bool:
    old, new = _documents(before), _documents(after)
    if old is None or new is None or len(old) != len(new):
        return False
    # Copied without sharing: a mapping that two places share through an alias must not
    # take an edit meant for one of them (the re-parse shows whether the text did).
    expected = [_unshared(document.value) for document in old]
    by_line: dict[int, int] = {}  # a document's root line -> its index (the first wins)
    for number, document in enumerate(old):
        by_line.setdefault(document.root.line, number)
    for edit in edits:
        if not edit.path:  # comments only: every document must come out as it was
            continue
        index = by_line.get(edit.document_line)
        if index is None:
            return False
        node = expected[index]
        for part in edit.path[:-1]:
            node = node[part]
        node[edit.path[-1]] = edit.value
    return [document.value for document in new] == expected


#: Files up to this many lines are diffed by difflib itself; longer ones from the edits.
DIFFLIB_LINES = 2000


def unified_diff(before: str, after: str, edits: list[Edit], path: str) -> list[str]:
    """The unified diff (as ``difflib.unified_diff`` writes it, 3 lines of context) of a
    file whose ``edits`` turned ``before`` into ``after``. difflib compares the whole
    files and is quadratic on many repeated lines (10,000 fixes in a file of repeated
    objects ran for minutes), so a long file is compared only where the edits touch it
    (a line around each), everything between being known to be equal: 10,000 fixes take
    0.2 s. The hunks are as valid; where lines repeat, difflib may align them otherwise."""
    import bisect
    import difflib

    a_lines, b_lines = before.splitlines(keepends=True), after.splitlines(keepends=True)
    if len(a_lines) <= DIFFLIB_LINES:
        return list(difflib.unified_diff(a_lines, b_lines, f"a/{path}", f"b/{path}"))
    a_starts, b_starts = _starts(a_lines), _starts(b_lines)
    # Changed character spans of ``before`` (whole lines), merged, with the shift that the
    # edits before each span have made in ``after``.
    spans: list[list[int]] = []  # [first line, last line + 1, shift at start, own shift]
    shift = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        # One line more on each side: an edit next to a lone CR (or that ends in one)
        # can join two lines into one CRLF line, moving the line break at its edge.
        first = max(bisect.bisect_right(a_starts, edit.start) - 2, 0)
        # Through the line holding ``end``: an edit that removes a line break joins the
        # next line to the changed one.
        last = min(max(bisect.bisect_right(a_starts, edit.end) + 1, first + 1), len(a_lines))
        grown = len(edit.text) - (edit.end - edit.start)
        if spans and first <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], last)
            spans[-1][3] += grown
        else:
            spans.append([first, last, shift, grown])
        shift += grown
    opcodes: list[tuple[str, int, int, int, int]] = []
    a_at = b_at = 0
    for first, last, before_shift, own in spans:
        start_char = a_starts[first] + before_shift  # a line start in ``after`` too
        b_first = (
            bisect.bisect_left(b_starts, start_char) if start_char < len(after) else len(b_lines)
        )
        end_char = (a_starts[last] if last < len(a_starts) else len(before)) + before_shift + own
        b_last = bisect.bisect_left(b_starts, end_char) if end_char < len(after) else len(b_lines)
        if first > a_at:
            opcodes.append(("equal", a_at, first, b_at, b_first))
        matcher = difflib.SequenceMatcher(None, a_lines[first:last], b_lines[b_first:b_last])
        opcodes += [
            (tag, i1 + first, i2 + first, j1 + b_first, j2 + b_first)
            for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        ]
        a_at, b_at = last, b_last
    if a_at < len(a_lines):
        opcodes.append(("equal", a_at, len(a_lines), b_at, len(b_lines)))
    return _hunks(_grouped(opcodes), a_lines, b_lines, path)


def _starts(lines: list[str]) -> list[int]:
    starts, offset = [], 0
    for line in lines:
        starts.append(offset)
        offset += len(line)
    return starts


class _Opcodes:
    """difflib's grouping of opcodes into hunks, on opcodes computed here."""

    def __init__(self, opcodes: list[tuple[str, int, int, int, int]]):
        self.opcodes = opcodes

    def get_opcodes(self) -> list[tuple[str, int, int, int, int]]:
        return self.opcodes


def _grouped(opcodes: list[tuple[str, int, int, int, int]]) -> list[Any]:
    import difflib

    merged: list[tuple[str, int, int, int, int]] = []
    for code in opcodes:  # adjacent equal runs, as SequenceMatcher would give one
        if merged and merged[-1][0] == code[0] == "equal":
            tag, i1, _, j1, _ = merged[-1]
            merged[-1] = (tag, i1, code[2], j1, code[4])
        elif code[1] != code[2] or code[3] != code[4]:
            merged.append(code)
    opcodes_of = _Opcodes(merged or [("equal", 0, 0, 0, 0)])
    return list(difflib.SequenceMatcher.get_grouped_opcodes(opcodes_of, 3))  # type: ignore[arg-type]


def _hunks(groups: list[Any], a: list[str], b: list[str], path: str) -> list[str]:
    """The lines ``difflib.unified_diff`` writes for these hunks."""
    import difflib

    out: list[str] = []
    for group in groups:
        if not out:
            out += [f"--- a/{path}\n", f"+++ b/{path}\n"]
        first, last = group[0], group[-1]
        old = difflib._format_range_unified(first[1], last[2])  # type: ignore[attr-defined]
        new = difflib._format_range_unified(first[3], last[4])  # type: ignore[attr-defined]
        out.append(f"@@ -{old} +{new} @@\n")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out += [" " + line for line in a[i1:i2]]
                continue
            if tag in ("replace", "delete"):
                out += ["-" + line for line in a[i1:i2]]
            if tag in ("replace", "insert"):
                out += ["+" + line for line in b[j1:j2]]
    return out
