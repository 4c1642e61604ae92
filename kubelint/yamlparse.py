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
import sys
from array import array
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


#: Ints per entry in ``Positions.data``: the eight of an ``Entry``, then the record of the
#: value (+1, 0 for a scalar) times two, plus one for an alias.
FIELDS = 9
#: Mappings with more keys than this get a key -> index table on first lookup.
_SCAN_KEYS = 16


class Positions:
    """Where every mapping key and sequence item of one document sits, packed.

    One array of ints per document instead of an ``Entry`` tuple per key or item in a
    dict keyed by ``id(container)``: on the real-world corpus the tuples, their ints and
    the dicts holding them took about 95 MB for 385,000 entries; packed they take 18 bytes
    each (unsigned 16-bit ints; 36 bytes in a document with a line, column or offset past
    65,535). Nothing refers to a container's identity, so positions survive pickling
    with the data they describe.

    A container has a *record*, an offset into ``data``: its number of entries, then
    ``FIELDS`` ints per entry in the container's own order (dict order for a mapping,
    which is text order with the last of duplicate keys and merged keys at the end). The
    path from the document's root record to any node follows the records of the values.
    The data is read-only: a mapping whose size changed after parsing is not located.
    """

    __slots__ = ("_keys", "data", "root")

    def __init__(self, data: array[int] | None = None, root: int = -1):
        self.data: array[int] = data if data is not None else array("i")
        #: The record of the document's root container (-1 for a scalar root).
        self.root = root
        self._keys: dict[int, dict[str, int]] | None = None  # big mappings: key -> index

    def __getstate__(self) -> tuple[array[int], int]:
        return self.data, self.root

    def __setstate__(self, state: tuple[array[int], int]) -> None:
        self.data, self.root = state
        self._keys = None

    def size(self, record: int) -> int:
        """How many entries the container of ``record`` has (0 for no record)."""
        return self.data[record] if record >= 0 else 0

    def entry(self, record: int, index: int) -> tuple[Entry, int]:
        """The ``index``-th entry of a record and the record of its value (-1 if none)."""
        at = record + 1 + index * FIELDS
        data = self.data
        link = data[at + 8]
        return Entry(
            data[at],
            data[at + 1],
            data[at + 2],
            data[at + 3],
            data[at + 4],
            data[at + 5],
            data[at + 6],
            data[at + 7],
            bool(link & 1),
        ), (link >> 1) - 1

    def entries(self, record: int) -> Iterator[tuple[Entry, int]]:
        """Every entry of a record, in the container's order."""
        for index in range(self.size(record)):
            yield self.entry(record, index)

    def find(self, record: int, node: Any, part: str | int) -> tuple[Entry, int] | None:
        """The entry of ``part`` in ``node`` (the container of ``record``) and the record
        of its value, or None when ``node`` has no such key or item."""
        index = self.index(record, node, part)
        return None if index < 0 else self.entry(record, index)

    def index(self, record: int, node: Any, part: str | int) -> int:
        """The number of ``part``'s entry in the record of ``node``, or -1 when ``node``
        has no such key or item. Its ints start at ``record + 1 + index * FIELDS``."""
        if record < 0:
            return -1
        size = self.data[record]
        if isinstance(part, int):
            if not isinstance(node, list) or not 0 <= part < len(node) or len(node) != size:
                return -1
            return part
        if not isinstance(node, dict) or part not in node or len(node) != size:
            return -1
        if size <= _SCAN_KEYS:
            return list(node).index(part)
        if self._keys is None:
            self._keys = {}
        table = self._keys.get(record)
        if table is None:
            table = self._keys[record] = {key: index for index, key in enumerate(node)}
        return table[part]


@dataclass(eq=False)
class YamlProblem:
    """Something wrong with the YAML itself, reported by the loader as a finding."""

    rule: str  # "yaml-syntax", "yaml-duplicate-key" or "yaml-limits"
    message: str
    line: int  # 0-based
    column: int  # 0-based
    end_line: int | None = None
    end_column: int | None = None


@dataclass(eq=False)
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
_intern = sys.intern


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
        "entries",
        "is_map",
        "key",
        "key_is_merge",
        "key_span",
        "merges",
        "reordered",
        "size",
        "start",
    )

    def __init__(self, container: Any, is_map: bool, start: Any, anchor: Any):
        self.container = container
        #: The ``Positions`` ints of its entries, flat, in order; for a mapping whose dict
        #: order stopped being the text order (a duplicate key, a merge), by key.
        self.entries: Any = []
        self.reordered = False
        self.is_map = is_map
        self.start = start
        self.anchor = anchor
        self.key: Any = None
        self.key_span: tuple[int, int, int, int] | None = None
        self.key_is_merge = False
        self.merges: list[tuple[Any, int, int, int]] | None = None
        self.size = 1


class _LimitExceeded(Exception):
    def __init__(self, problem: YamlProblem):
        super().__init__(problem.message)
        self.problem = problem


class _DocumentBuilder:
    """Turns the events of one document into a value, its positions and its problems."""

    def __init__(self) -> None:
        #: The document's ``Positions.data``: 16-bit ints until a value needs more (the
        #: documents of most files have fewer than 65,536 lines, columns and ints).
        self.data: array[int] = array("H")
        self.problems: list[YamlProblem] = []
        #: name -> (value, expanded size, record of the value or -1)
        self.anchors: dict[str, tuple[Any, int, int]] = {}
        self.open_anchors: set[str] = set()
        self.stack: list[_Frame] = []
        self.expanded = 0
        self.result: Any = None
        self.root: Span | None = None
        self.root_record = -1

    def positions(self) -> Positions:
        return Positions(self.data, self.root_record)

    def limit(self, message: str, mark: Any) -> _LimitExceeded:
        return _LimitExceeded(YamlProblem("yaml-limits", message, mark.line, mark.column))

    def start(self, event: Any, is_map: bool) -> None:
        if len(self.stack) >= MAX_NESTING_DEPTH:
            raise self.limit(
                f"nesting deeper than {MAX_NESTING_DEPTH} levels; kubelint does not read"
                " this document",
                event.start_mark,
            )
        anchor = event.anchor
        if anchor is not None:
            self.open_anchors.add(anchor)
        self.stack.append(_Frame({} if is_map else [], is_map, event.start_mark, anchor))

    def end(self, event: Any) -> None:
        frame = self.stack.pop()
        if frame.merges:
            self.apply_merges(frame)
        record = self.flush(frame)
        if frame.anchor is not None:
            self.open_anchors.discard(frame.anchor)
            self.anchors[frame.anchor] = (frame.container, frame.size, record)
        start, end = frame.start, event.end_mark
        self.add(
            frame.container,
            frame.size,
            start.line,
            start.column,
            end.line,
            end.column,
            record=record,
        )

    def flush(self, frame: _Frame) -> int:
        """Write a closed container's record; return its offset."""
        data = self.data
        record = len(data)
        try:
            _write(data, frame)
        except OverflowError:  # a line, column or offset past 65,535: 32-bit ints
            del data[record:]
            self.data = data = array("i", data)
            _write(data, frame)
        return record

    def scalar(self, event: ev.ScalarEvent) -> None:
        # Plain and untagged: most scalars. (``ctag`` is what the ``tag`` property of
        # ruamel.yaml >= 0.17.22 reads; the property costs a call per scalar.)
        if event.ctag is None and not event.style:
            value = resolve_plain(event.value)
        else:
            value = _resolve_scalar(event)
        if value.__class__ is str:
            # Keys and many values repeat across thousands of objects (``name``, ``image``,
            # ``TCP``): one copy each saved about 30 MB on the real-world corpus.
            value = _intern(value)
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, 1, -1)
        s, e = event.start_mark, event.end_mark
        is_merge = event.value == _MERGE_KEY and not event.style and event.tag is None
        frame = self.stack[-1] if self.stack else None
        if frame is not None and frame.is_map and frame.key_span is None and not is_merge:
            # A mapping key, half of all scalars: add()'s key case, without the call.
            frame.size += 1
            frame.key = value if value.__class__ is str else key_to_string(value)
            frame.key_is_merge = False
            frame.key_span = (s.line, s.column, e.line, e.column)
            return
        self.add(value, 1, s.line, s.column, e.line, e.column, is_merge)

    def alias(self, event: ev.AliasEvent) -> None:
        name = event.anchor
        mark = event.start_mark
        if name in self.open_anchors:
            raise self.limit(f"recursive alias *{name} refers to the node that contains it", mark)
        if name not in self.anchors:
            raise _LimitExceeded(
                YamlProblem(
                    "yaml-syntax", f"alias *{name} refers to no anchor", mark.line, mark.column
                )
            )
        value, size, record = self.anchors[name]
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
        self.add(value, size, mark.line, mark.column, e.line, e.column, alias=True, record=record)

    def add(
        self,
        value: Any,
        size: int,
        line: int,
        col: int,
        end_line: int,
        end_col: int,
        is_merge: bool = False,
        alias: bool = False,
        record: int = -1,
    ) -> None:
        if not self.stack:
            self.result = value
            self.root = Span(line, col, end_line, end_col)
            self.root_record = record
            return
        frame = self.stack[-1]
        frame.size += size
        link = (record + 1) * 2 + alias
        if not frame.is_map:
            frame.container.append(value)
            frame.entries += (line, col, line, col, line, col, end_line, end_col, link)
            return
        if frame.key_span is None:  # this is a key
            if isinstance(value, (dict, list)):
                self.problems.append(
                    YamlProblem(
                        "yaml-syntax",
                        "a mapping key must be a scalar; Kubernetes cannot decode"
                        " a collection as a key",
                        line,
                        col,
                        end_line,
                        end_col,
                    )
                )
                value = "<collection key>"
            frame.key = value if is_merge or value.__class__ is str else key_to_string(value)
            frame.key_is_merge = is_merge
            frame.key_span = (line, col, end_line, end_col)
            return
        key, (kl, kc, kel, kec) = frame.key, frame.key_span
        frame.key_span = None
        if frame.key_is_merge:
            if frame.merges is None:
                frame.merges = []
            frame.merges.append((value, kl, kc, record))
            return
        fields = (kl, kc, kel, kec, line, col, end_line, end_col, link)
        if key in frame.container:
            entries = _by_key(frame)
            self.problems.append(
                YamlProblem(
                    "yaml-duplicate-key",
                    f"duplicate key {key!r} (first at line {entries[key][0] + 1});"
                    " the last value wins",
                    kl,
                    kc,
                    kel,
                    kec,
                )
            )
            # Re-insert so the dict order follows the text, as the last value wins.
            del frame.container[key]
        frame.container[key] = value
        if frame.reordered:
            frame.entries[key] = fields
        else:
            frame.entries += fields

    def link(self, record: int, index: int) -> int:
        """The record of the value of entry ``index`` of a written record (-1 if none)."""
        return (self.data[record + 1 + index * FIELDS + 8] >> 1) - 1

    def apply_merges(self, frame: _Frame) -> None:
        """``<<: *base`` / ``<<: [*a, *b]``: explicit keys win, then earlier sources."""
        assert frame.merges is not None
        entries = _by_key(frame)
        for value, line, col, record in frame.merges:
            if isinstance(value, list):
                sources = [(source, self.link(record, index)) for index, source in enumerate(value)]
            else:
                sources = [(value, record)]
            for source, source_record in sources:
                if not isinstance(source, dict):
                    self.problems.append(
                        YamlProblem(
                            "yaml-syntax",
                            "the value of a merge key (<<) must be a mapping or a list of mappings",
                            line,
                            col,
                        )
                    )
                    continue
                # Merged keys are located at the "<<" key, like an alias: their text
                # belongs to another object.
                for index, (key, item) in enumerate(source.items()):
                    # Explicit keys were inserted first, so "not present yet" means neither
                    # explicit nor merged from an earlier source.
                    if key not in frame.container:
                        frame.container[key] = item
                        child = self.link(source_record, index) if source_record >= 0 else -1
                        entries[key] = (
                            line,
                            col,
                            line,
                            col + 2,
                            line,
                            col,
                            line,
                            col + 2,
                            (child + 1) * 2 + 1,
                        )


def _write(data: array[int], frame: _Frame) -> None:
    container = frame.container
    data.append(len(container))
    if frame.reordered:
        entries = frame.entries
        data.fromlist([number for key in container for number in entries[key]])
    else:
        data.fromlist(frame.entries)  # twice as fast as extend() from a list


def _by_key(frame: _Frame) -> dict[str, tuple[int, ...]]:
    """A mapping frame's entries by key, from now on (its dict order is about to stop
    following the text)."""
    if not frame.reordered:
        flat = frame.entries
        starts = range(0, len(flat), FIELDS)
        frame.entries = {
            key: tuple(flat[at : at + FIELDS])
            for key, at in zip(frame.container, starts, strict=True)
        }
        frame.reordered = True
    return frame.entries  # type: ignore[no-any-return]


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


_SCALAR, _MAPPING_START, _MAPPING_END = ev.ScalarEvent, ev.MappingStartEvent, ev.MappingEndEvent
_SEQUENCE_START, _SEQUENCE_END = ev.SequenceStartEvent, ev.SequenceEndEvent


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
                if (
                    cls is _SCALAR
                    or cls is _MAPPING_START
                    or cls is _SEQUENCE_START
                    or cls is ev.AliasEvent
                ):
                    nodes += 1
                    if nodes > MAX_NODES_PER_FILE:
                        mark = event.start_mark
                        yield YamlProblem(
                            "yaml-limits",
                            f"more than {MAX_NODES_PER_FILE:,} YAML nodes in one"
                            " file (kubelint's memory budget); the rest of the file from"
                            " this document on is not read: split the file",
                            mark.line,
                            mark.column,
                        )
                        return
                    assert builder is not None
                    if cls is _SCALAR:
                        builder.scalar(event)
                    elif cls is _MAPPING_START:
                        builder.start(event, True)
                    elif cls is _SEQUENCE_START:
                        builder.start(event, False)
                    else:
                        builder.alias(event)
                elif cls is _MAPPING_END or cls is _SEQUENCE_END:
                    assert builder is not None
                    builder.end(event)
                elif cls is ev.DocumentStartEvent:
                    builder = _DocumentBuilder()
                elif cls is ev.DocumentEndEvent:
                    assert builder is not None and builder.root is not None
                    yield YamlDocument(
                        builder.result, builder.root, builder.positions(), builder.problems
                    )
                    builder = None
                elif cls is ev.StreamEndEvent:
                    return
        except _LimitExceeded as exceeded:
            problems = (builder.problems if builder else []) + [exceeded.problem]
            mark = exceeded.problem
            yield YamlDocument(
                None,
                Span(mark.line, mark.column, mark.line, mark.column),
                Positions(),
                problems,
                usable=False,
            )
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
