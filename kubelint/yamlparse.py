"""YAML text -> plain Python values plus a side table of positions.

kubelint reads YAML through ruamel.yaml.clib's C parser (libyaml) at the *event* level and
builds plain dicts and lists here, iteratively:

* the round-trip loader is about 25 times slower, and the C composer calls back into
  Python for every scalar and recurses in C, so a deeply nested flow sequence crashes the
  interpreter; events keep the C speed and let nesting be capped safely;
* every mapping key and sequence item keeps its line and column (``Positions``), so the
  engine can turn a rule's path into ``file:line:column``;
* plain scalars are resolved the way the Kubernetes API machinery does (go-yaml v2, YAML
  1.1 flavoured: ``yes``/``on``/``y`` are booleans, ``0777`` is octal, timestamps stay
  strings), not with ruamel's YAML 1.2 defaults, so rules see what the API server sees;
* hostile input is bounded: alias expansion has a budget, recursive aliases and excessive
  nesting are rejected, and a syntax error in one document does not hide the next ones.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ruamel.yaml import events as ev
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from kubelint.constants import ALIAS_EXPANSION_LIMIT, MAX_NESTING_DEPTH, MAX_NODES_PER_FILE

try:  # ruamel.yaml.clib: the fast path. Tests assert it is the one taken.
    from _ruamel_yaml import CParser as _CParser

    PARSER_BACKEND = "ruamel.yaml.clib"
except ImportError:  # pragma: no cover - only without the C extension
    from ruamel.yaml.parser import Parser as _PyParser
    from ruamel.yaml.reader import Reader as _PyReader
    from ruamel.yaml.scanner import Scanner as _PyScanner

    class _CParser(_PyReader, _PyScanner, _PyParser):  # type: ignore[no-redef]
        """Pure-Python stand-in with the same event interface (slow; kept for PyPy)."""

        def __init__(self, stream: str) -> None:
            _PyReader.__init__(self, stream, loader=self)
            _PyScanner.__init__(self, loader=self)
            _PyParser.__init__(self, loader=self)

    PARSER_BACKEND = "ruamel.yaml (pure Python)"


class _EventParser(_CParser):  # type: ignore[misc]
    """The C parser without ruamel's resolver hooks: kubelint resolves scalars itself."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> None:
        return None

    def descend_resolver(self, *args: Any) -> None:
        return None

    def ascend_resolver(self, *args: Any) -> None:
        return None


class Span(NamedTuple):
    """A 0-based (line, column) range in the source text; end is exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int


class Entry(NamedTuple):
    """Where a mapping key or sequence item and its value sit in the text.

    For sequence items the key fields repeat the value's start.
    """

    key_line: int
    key_column: int
    key_end_line: int
    key_end_column: int
    value_line: int
    value_column: int
    value_end_line: int
    value_end_column: int
    #: The value is an alias (``*name``): its contents sit at the anchor, elsewhere.
    alias: bool = False


#: id(container) -> {key: Entry} for dicts, [Entry, ...] for lists.
Positions = dict[int, Any]


@dataclass
class YamlProblem:
    """Something wrong with the YAML itself, reported by the loader as a finding."""

    rule: str  # "yaml-syntax", "yaml-duplicate-key" or "yaml-limits"
    message: str
    line: int  # 0-based
    column: int  # 0-based
    end_line: int | None = None
    end_column: int | None = None


@dataclass
class YamlDocument:
    """One document of a YAML stream."""

    value: Any
    root: Span  # where the document's root node starts and ends
    positions: Positions
    problems: list[YamlProblem] = field(default_factory=list)
    #: False when the document was dropped for breaking a limit (problems say which).
    usable: bool = True


# ---------------------------------------------------------------------------
# Scalar resolution, following go-yaml v2 (gopkg.in/yaml.v2 resolve.go), which the
# Kubernetes API machinery (sigs.k8s.io/yaml) uses to turn YAML into JSON.

_BOOL_NULL: dict[str, Any] = {}
for _word in ("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"):
    _BOOL_NULL[_word] = True
for _word in ("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"):
    _BOOL_NULL[_word] = False
for _word in ("", "~", "null", "Null", "NULL"):
    _BOOL_NULL[_word] = None
for _word in (".nan", ".NaN", ".NAN"):
    _BOOL_NULL[_word] = math.nan
for _word in (".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"):
    _BOOL_NULL[_word] = math.inf
for _word in ("-.inf", "-.Inf", "-.INF"):
    _BOOL_NULL[_word] = -math.inf

# First characters that may start something other than a string (go-yaml's resolve table).
_HINT = {c: "D" for c in "0123456789"}
_HINT.update({"+": "S", "-": "S", ".": "."})
_HINT.update({c: "M" for c in "yYnNtTfFoO~"})

_YAML_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_GO_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+\.?[0-9]*)([eE][-+]?[0-9]+)?\Z")
_INT64_MIN, _UINT64_MAX = -(2**63), 2**64 - 1
_GO_INT_BASES = (("0x", 16), ("0X", 16), ("0o", 8), ("0O", 8), ("0b", 2), ("0B", 2))


def _go_parse_int(text: str) -> int | None:
    """``strconv.ParseInt(text, 0, 64)`` widened to uint64: None when Go would fail."""
    sign = 1
    body = text
    if body[:1] in ("+", "-"):
        sign = -1 if body[0] == "-" else 1
        body = body[1:]
    if not body:
        return None
    base = 10
    for prefix, prefix_base in _GO_INT_BASES:
        if body.startswith(prefix):
            base, body = prefix_base, body[2:]
            break
    else:
        if len(body) > 1 and body[0] == "0":
            base, body = 8, body[1:]
    if not body or not body.isascii() or not body.isalnum():
        return None
    try:
        value = sign * int(body, base)
    except ValueError:
        return None
    if value < _INT64_MIN or value > _UINT64_MAX:
        return None
    return value


def resolve_plain(text: str) -> Any:
    """The value Kubernetes sees for an untagged plain scalar."""
    hint = _HINT.get(text[:1], "N") if text else "M"
    if hint == "N":
        return text
    if text in _BOOL_NULL:
        return _BOOL_NULL[text]
    if hint == ".":
        if _GO_FLOAT.match(text):
            return float(text)
    elif hint in "DS":
        plain = text.replace("_", "")
        number = _go_parse_int(plain)
        if number is not None:
            return number
        if _YAML_FLOAT.match(plain):
            return float(plain)
    return text


_TAG_PREFIX = "tag:yaml.org,2002:"


def _resolve_scalar(event: ev.ScalarEvent) -> Any:
    tag = event.tag
    text = event.value
    if tag is None or tag == "!":
        if event.style or tag == "!":  # quoted, literal or folded: always a string
            return text
        return resolve_plain(text)
    if tag.startswith(_TAG_PREFIX):
        kind = tag[len(_TAG_PREFIX) :]
        if kind in ("str", "binary", "timestamp"):
            return text
        value = resolve_plain(text)
        if kind == "int" and isinstance(value, int) and not isinstance(value, bool):
            return value
        if kind == "float" and isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if kind == "bool" and isinstance(value, bool):
            return value
        if kind == "null" and value is None:
            return None
        return text
    # Application tags (!Ref, !foo) mean nothing to Kubernetes; read the scalar as plain.
    return resolve_plain(text) if not event.style else text


def key_to_string(key: Any) -> str:
    """Map keys become JSON object keys, as sigs.k8s.io/yaml converts them."""
    if isinstance(key, str):
        return key
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, float):
        if math.isnan(key):
            return "NaN"
        if math.isinf(key):
            return "+Inf" if key > 0 else "-Inf"
        return repr(key) if key != int(key) or abs(key) >= 1e21 else str(int(key))
    return str(key)


# ---------------------------------------------------------------------------
# Building values from events.

_MERGE_KEY = "<<"


class _Frame:
    """An open mapping or sequence while its events arrive."""

    __slots__ = (
        "anchor",
        "container",
        "end_marker",
        "entries",
        "is_map",
        "key",
        "key_is_merge",
        "key_span",
        "merges",
        "size",
        "start",
    )

    def __init__(self, container: Any, entries: Any, is_map: bool, start: Any, anchor: Any):
        self.container = container
        self.entries = entries
        self.is_map = is_map
        self.start = start
        self.anchor = anchor
        self.key: Any = None
        self.key_span: tuple[int, int, int, int] | None = None
        self.key_is_merge = False
        self.merges: list[tuple[Any, int, int]] | None = None
        self.size = 1
        self.end_marker = None


class _LimitExceeded(Exception):
    def __init__(self, problem: YamlProblem):
        super().__init__(problem.message)
        self.problem = problem


class _DocumentBuilder:
    """Turns the events of one document into a value, its positions and its problems."""

    def __init__(self) -> None:
        self.positions: Positions = {}
        self.problems: list[YamlProblem] = []
        self.anchors: dict[str, tuple[Any, int]] = {}  # name -> (value, expanded size)
        self.open_anchors: set[str] = set()
        self.stack: list[_Frame] = []
        self.expanded = 0
        self.result: Any = None
        self.root: Span | None = None

    def limit(self, message: str, mark: Any) -> _LimitExceeded:
        return _LimitExceeded(YamlProblem("yaml-limits", message, mark.line, mark.column))

    def start(self, event: Any, is_map: bool) -> None:
        if len(self.stack) >= MAX_NESTING_DEPTH:
            raise self.limit(
                f"nesting deeper than {MAX_NESTING_DEPTH} levels; kubelint does not read"
                " this document",
                event.start_mark,
            )
        container: Any = {} if is_map else []
        entries: Any = {} if is_map else []
        self.positions[id(container)] = entries
        anchor = event.anchor
        if anchor is not None:
            self.open_anchors.add(anchor)
        self.stack.append(_Frame(container, entries, is_map, event.start_mark, anchor))

    def end(self, event: Any) -> None:
        frame = self.stack.pop()
        if frame.merges:
            self.apply_merges(frame)
        if frame.anchor is not None:
            self.open_anchors.discard(frame.anchor)
            self.anchors[frame.anchor] = (frame.container, frame.size)
        start, end = frame.start, event.end_mark
        self.add(frame.container, frame.size, start.line, start.column, end.line, end.column)

    def scalar(self, event: ev.ScalarEvent) -> None:
        value = _resolve_scalar(event)
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, 1)
        s, e = event.start_mark, event.end_mark
        is_merge = event.value == _MERGE_KEY and not event.style and event.tag is None
        self.add(value, 1, s.line, s.column, e.line, e.column, is_merge)

    def alias(self, event: ev.AliasEvent) -> None:
        name = event.anchor
        mark = event.start_mark
        if name in self.open_anchors:
            raise self.limit(f"recursive alias *{name} refers to the node that contains it", mark)
        if name not in self.anchors:
            raise _LimitExceeded(
                YamlProblem("yaml-syntax", f"alias *{name} refers to no anchor", mark.line,
                            mark.column)
            )
        value, size = self.anchors[name]
        # The value object is shared, never copied: the budget bounds what a consumer that
        # walks the whole document (a rule, a schema validator, a JSON dump) would visit.
        self.expanded += size
        if self.expanded > ALIAS_EXPANSION_LIMIT:
            raise self.limit(
                f"aliases expand to more than {ALIAS_EXPANSION_LIMIT:,} nodes (an alias bomb?);"
                " kubelint does not read this document",
                mark,
            )
        e = event.end_mark
        self.add(value, size, mark.line, mark.column, e.line, e.column, alias=True)

    def add(self, value: Any, size: int, line: int, col: int, end_line: int, end_col: int,
            is_merge: bool = False, alias: bool = False) -> None:
        if not self.stack:
            self.result = value
            self.root = Span(line, col, end_line, end_col)
            return
        frame = self.stack[-1]
        frame.size += size
        if not frame.is_map:
            frame.container.append(value)
            frame.entries.append(Entry(line, col, line, col, line, col, end_line, end_col, alias))
            return
        if frame.key_span is None:  # this is a key
            if isinstance(value, (dict, list)):
                self.problems.append(YamlProblem(
                    "yaml-syntax", "a mapping key must be a scalar; Kubernetes cannot decode"
                    " a collection as a key", line, col, end_line, end_col))
                value = "<collection key>"
            frame.key = value if is_merge else key_to_string(value)
            frame.key_is_merge = is_merge
            frame.key_span = (line, col, end_line, end_col)
            return
        key, (kl, kc, kel, kec) = frame.key, frame.key_span
        frame.key_span = None
        if frame.key_is_merge:
            if frame.merges is None:
                frame.merges = []
            frame.merges.append((value, kl, kc))
            return
        if key in frame.container:
            previous = frame.entries[key]
            self.problems.append(YamlProblem(
                "yaml-duplicate-key",
                f"duplicate key {key!r} (first at line {previous.key_line + 1});"
                " the last value wins",
                kl, kc, kel, kec,
            ))
            # Re-insert so the dict order follows the text, as the last value wins.
            del frame.container[key]
        frame.container[key] = value
        frame.entries[key] = Entry(kl, kc, kel, kec, line, col, end_line, end_col, alias)

    def apply_merges(self, frame: _Frame) -> None:
        """``<<: *base`` / ``<<: [*a, *b]``: explicit keys win, then earlier sources."""
        assert frame.merges is not None
        for value, line, col in frame.merges:
            sources = value if isinstance(value, list) else [value]
            for source in sources:
                if not isinstance(source, dict):
                    self.problems.append(YamlProblem(
                        "yaml-syntax", "the value of a merge key (<<) must be a mapping or a"
                        " list of mappings", line, col))
                    continue
                # Merged keys are located at the "<<" key, like an alias: their text
                # belongs to another object.
                entry = Entry(line, col, line, col + 2, line, col, line, col + 2, True)
                for key, item in source.items():
                    # Explicit keys were inserted first, so "not present yet" means neither
                    # explicit nor merged from an earlier source.
                    if key not in frame.container:
                        frame.container[key] = item
                        frame.entries[key] = entry


def _problem_from_error(error: YAMLError, text: str) -> YamlProblem:
    if isinstance(error, MarkedYAMLError) and error.problem_mark is not None:
        mark = error.problem_mark
        message = error.problem or "invalid YAML"
        if error.context:
            message = f"{message} ({error.context})"
        return YamlProblem("yaml-syntax", message, mark.line, mark.column)
    position = getattr(error, "position", None)
    if isinstance(position, int):
        line = text.count("\n", 0, position)
        column = position - (text.rfind("\n", 0, position) + 1)
        reason = getattr(error, "reason", None) or str(error).splitlines()[0]
        character = getattr(error, "character", None)
        if isinstance(character, int):
            reason = f"{reason} (character U+{character:04X})"
        return YamlProblem("yaml-syntax", reason, line, column)
    return YamlProblem("yaml-syntax", str(error).splitlines()[0] or "invalid YAML", 0, 0)


_DOCUMENT_START = re.compile(r"^---(?=[ \t]|$)", re.M)

#: What the parser counts as a line break, so line numbers computed from the text agree
#: with the positions it reports (a lone CR, NEL, U+2028 and U+2029 end lines too).
LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def line_starts(text: str) -> list[int]:
    """The offset at which each line of ``text`` starts, lines as the parser counts them."""
    return [0, *(match.end() for match in LINE_BREAK.finditer(text))]


def split_lines(text: str) -> list[str]:
    """``text``'s lines as the parser counts them, without their line breaks."""
    return LINE_BREAK.split(text)


def _document_starts(text: str) -> list[tuple[int, int]]:
    """(0-based line, offset) of every ``---`` line, in order, in one pass."""
    starts = []
    line = previous = 0
    for match in _DOCUMENT_START.finditer(text):
        line += text.count("\n", previous, match.start())
        previous = match.start()
        starts.append((line, match.start()))
    return starts


def parse_stream(text: str) -> Iterator[YamlDocument | YamlProblem]:
    """Yield each document of ``text``, and a ``YamlProblem`` for each part that is not YAML.

    After a syntax error, parsing resumes at the next ``---`` line so that one broken
    document does not hide the findings of the documents after it.
    """
    offset_line = 0
    source = text
    starts: list[tuple[int, int]] | None = None
    nodes = 0  # in the whole file: the documents already read stay in memory
    while True:
        parser = _EventParser(source)
        builder: _DocumentBuilder | None = None
        try:
            while True:
                event = parser.get_event()
                cls = event.__class__
                if cls is ev.ScalarEvent or cls is ev.MappingStartEvent \
                        or cls is ev.SequenceStartEvent or cls is ev.AliasEvent:
                    nodes += 1
                    if nodes > MAX_NODES_PER_FILE:
                        mark = event.start_mark
                        yield YamlProblem(
                            "yaml-limits", f"more than {MAX_NODES_PER_FILE:,} YAML nodes in one"
                            " file (kubelint's memory budget); the rest of the file from"
                            " this document on is not read: split the file",
                            mark.line, mark.column)
                        return
                if cls is ev.ScalarEvent:
                    assert builder is not None
                    builder.scalar(event)
                elif cls is ev.MappingStartEvent:
                    assert builder is not None
                    builder.start(event, True)
                elif cls is ev.SequenceStartEvent:
                    assert builder is not None
                    builder.start(event, False)
                elif cls is ev.MappingEndEvent or cls is ev.SequenceEndEvent:
                    assert builder is not None
                    builder.end(event)
                elif cls is ev.AliasEvent:
                    assert builder is not None
                    builder.alias(event)
                elif cls is ev.DocumentStartEvent:
                    builder = _DocumentBuilder()
                elif cls is ev.DocumentEndEvent:
                    assert builder is not None and builder.root is not None
                    yield YamlDocument(builder.result, builder.root, builder.positions,
                                       builder.problems)
                    builder = None
                elif cls is ev.StreamEndEvent:
                    return
        except _LimitExceeded as exceeded:
            problems = (builder.problems if builder else []) + [exceeded.problem]
            mark = exceeded.problem
            yield YamlDocument(None, Span(mark.line, mark.column, mark.line, mark.column), {},
                               problems, usable=False)
            error_line = mark.line
        except YAMLError as error:
            problem = _problem_from_error(error, source)
            yield problem
            error_line = problem.line
        # Resume at the first document start after the one that failed. The starts are
        # found once: scanning the text again after every error made a file of many
        # broken documents cubic (18 KB took 18 s).
        if starts is None:
            starts = _document_starts(text)
        index = bisect.bisect_right(starts, (max(offset_line, error_line - 1), len(text)))
        if index == len(starts):
            return
        offset_line, resume = starts[index]
        # Blank lines keep every later line and column where it is in the file.
        source = "\n" * offset_line + text[resume:]
