"""What the linting process keeps of each open document, so that an edit re-lints only
the YAML documents it touched.

A plain manifest is kept as *segments*: the text from one ``---`` line (or the start of
the file) to the next. Each segment is parsed on its own, after as many empty lines as
precede it, so that its positions are the file's, and keeps its objects, the findings of
the checks that read nothing but their object (with the problems of its YAML), and which
rules read other objects on which object (``kubelint.engine.FileResult``). After an edit:

* the segments at the start of the file whose text is unchanged are kept, and those at
  its end too when the edit added or removed no line (a message may hold a line number,
  "first at line 12": a segment that moved is parsed and checked again);
* the others are parsed and checked again;
* the checks that read other objects run again on every object, with every object
  known: what ``--jobs`` does in its second pass, so the findings are those of a lint
  of the whole text.

Every segment is parsed again when the edit touches what applies beyond its segment: a
CRD or a kubelint Policy (schemas for every object), a ``# Source:`` comment (the Helm
template of the documents after it), a suppression comment whose target lies in a kept
segment, the config (or a ``crds:`` file on disk, which is not watched). The whole text
is linted at once instead (``None`` from ``Documents.lint``) when a segment does not
parse cleanly (an unterminated flow or quoted scalar runs into the next ``---`` line;
after an error the parser resumes where splitting cannot tell) and when lines do not
all end in LF or CRLF.
"""

from __future__ import annotations

import collections
import dataclasses
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kubelint.constants import MAX_NODES_PER_FILE
from kubelint.loader import LoadedFile, add_documents, helm_sources
from kubelint.model import SourceFile
from kubelint.suppression import Directives, Suppression, parse_directives
from kubelint.yamlparse import YamlDocument, parse_stream

if TYPE_CHECKING:
    from kubelint.config import Config
    from kubelint.engine import Linter, Located, RunState
    from kubelint.plugins import Registry
    from kubelint.report import Finding

#: A ``---`` line: where a YAML document starts (the marker cannot occur inside one).
_SEGMENT_START = re.compile(r"^---(?=[ \t\r\n]|\Z)", re.M)
#: Line breaks that LF counting would miss (a lone CR, NEL, U+2028, U+2029) and lone
#: surrogates, which the loader refuses whole.
_ODD_TEXT = re.compile("\r(?!\n)|[\x85\u2028\u2029\ud800-\udfff]")
_LONE_CR = re.compile("\r(?!\n)")
#: Larger texts are linted whole: the parser's node budget counts the whole file, and
#: a node takes at least a few characters.
MAX_SEGMENTED_CHARS = MAX_NODES_PER_FILE // 4
#: Open documents kept (the server does not say which are closed).
KEPT_DOCUMENTS = 8


@dataclass
class Segment:
    """One ``---``-delimited part of a document's text, parsed and checked."""

    text: str
    line: int  # 0-based, of its first line in the file
    offset: int  # of its first character in the file
    #: Its objects, problems and structure; None when its YAML does not parse cleanly.
    loaded: LoadedFile | None = None
    #: Problems of its text and findings of the checks that read only their object.
    findings: list[Finding] = field(default_factory=list)
    #: Object number in the segment -> the rules whose checks read other objects.
    deferred: dict[int, list[str]] = field(default_factory=dict)
    #: Checked: ``findings`` and ``deferred`` are its own.
    done: bool = False


@dataclass
class _Kept:
    """One document's segments and what they were linted with."""

    config: Config
    registry: Registry
    display: str
    fs_path: str
    text: str
    directives: Directives
    segments: list[Segment]
    state: RunState | None = None
    #: The findings of the last pass over the kept objects' checks that read other
    #: objects: an object still kept, whose check says the same, has the same finding.
    located: Located | None = None


def split(text: str) -> list[Segment]:
    """``text`` cut before every ``---`` line (not parsed yet)."""
    segments: list[Segment] = []
    start = line = 0
    for match in _SEGMENT_START.finditer(text):
        if match.start() == 0:
            continue
        segments.append(Segment(text[start : match.start()], line, start))
        line += text.count("\n", start, match.start())
        start = match.start()
    segments.append(Segment(text[start:], line, start))
    return segments


def _odd(text: str) -> bool:
    """Does ``text`` hold what ``_ODD_TEXT`` finds? (ASCII text can hold only a lone CR,
    and most holds no CR at all: answered without a regex over the whole text.)"""
    if text.isascii():
        return "\r" in text and _LONE_CR.search(text) is not None
    return _ODD_TEXT.search(text) is not None


def _may_define(text: str) -> bool:
    from kubelint.pipeline import may_define

    return may_define(text.encode("utf-8", "surrogatepass"))


def _outside(
    table: dict[int, list[Suppression]],
    low: float,
    high: float,
) -> dict[int, list[Suppression]]:
    return {line: rules for line, rules in table.items() if not low <= line < high}


class Documents:
    """The segments of the documents linted lately, by URI."""

    def __init__(self) -> None:
        self._kept: collections.OrderedDict[str, _Kept] = collections.OrderedDict()
        #: How many segments the last lint parsed (None: it linted the whole text).
        self.parsed: int | None = None

    def lint(
        self,
        uri: str,
        text: str,
        config: Config,
        registry: Registry,
        display: str,
        fs_path: str,
        max_objects: int,
    ) -> list[Finding] | None:
        """The findings of ``text``, as ``Linter.run`` on the whole text gives them (in
        a report's order), re-using what is kept of ``uri``; None: lint the whole text
        instead (see the module's docstring), or it holds more than ``max_objects``
        objects."""
        self.parsed = None
        if len(text) > MAX_SEGMENTED_CHARS or _odd(text):
            self._kept.pop(uri, None)
            return None
        directives = parse_directives(text)
        segments = split(text)
        kept = self._kept.pop(uri, None)
        self._kept[uri] = new = _Kept(
            config, registry, display, fs_path, text, directives, segments
        )
        while len(self._kept) > KEPT_DOCUMENTS:
            self._kept.popitem(last=False)
        kept = _reuse(kept, new)
        # Parsed again: the changed segments, and those not checked last time (a broken
        # one, or any when another was broken).
        fresh = {number for number, segment in enumerate(segments) if not segment.done}
        sources = helm_sources(text)
        for number in fresh:
            segments[number].loaded = _load(segments[number], text, display, directives, sources)
        loaded = [segment.loaded for segment in segments]
        if any(item is None for item in loaded):
            return None
        objects = [obj for item in loaded if item is not None for obj in item.objects]
        if len(objects) > max_objects:
            return None
        self.parsed = len(fresh)
        whole = LoadedFile(SourceFile(display, text, directives), objects)
        return _check(whole, segments, fresh, kept, new, fs_path)


def _reuse(kept: _Kept | None, new: _Kept) -> _Kept | None:
    """``kept`` when it was linted with ``new``'s settings and some of its segments serve
    ``new``'s text, whose segments then hold them (moved to their place in it), else None."""
    if (
        kept is None
        or kept.config is not new.config
        or kept.registry is not new.registry
        or kept.display != new.display
        or kept.fs_path != new.fs_path
        or new.config.crds
    ):
        return None
    segments, text, directives = new.segments, new.text, new.directives
    head, tail = _unchanged(kept, segments, text)
    if head == tail == 0 or not _can_keep(kept, segments, head, tail, directives):
        return None
    old = kept.segments
    for number in range(head):
        segments[number] = _moved(old[number], segments[number], text, directives)
    for back in range(1, tail + 1):
        segments[-back] = _moved(old[-back], segments[-back], text, directives)
    return kept


def _check(
    whole: LoadedFile,
    segments: list[Segment],
    fresh: set[int],
    kept: _Kept | None,
    new: _Kept,
    fs_path: str,
) -> list[Finding]:
    """The findings of ``whole`` (the segments' objects): the fresh segments' checks,
    the kept ones' findings, and one pass over the kept objects' checks that read other
    objects."""
    from kubelint.engine import Linter, Located

    linter = Linter(new.config, new.registry)
    linter.begin([whole])
    if kept is not None and kept.state is not None:
        linter.run_state.adopt(kept.state)  # the same definitions: the same schemas
    new.state = linter.run_state
    findings: list[Finding] = []
    again: dict[int, list[str]] = {}  # object number in the text -> rules to run
    first = 0  # the number of the segment's first object in the text
    for number, segment in enumerate(segments):
        item = segment.loaded
        assert item is not None
        if number in fresh:
            result = linter.check_file(item, fs_path)
            segment.findings, segment.deferred = result.findings, result.deferred
            segment.done = True
            findings += result.cross
        else:
            again.update((first + index, rules) for index, rules in segment.deferred.items())
        findings += segment.findings
        first += len(item.objects)
    if again:  # one pass over the kept objects' checks that read other objects
        # Every one of those checks runs again; what it says of a kept object is
        # located again only when it says something new.
        new.located = Located(kept.located if kept is not None else None)
        result = linter.check_file(whole, fs_path, only=again, located=new.located)
        findings += result.findings
        findings += result.cross
    return _decided(linter, whole, findings, segments)


def _decided(
    linter: Linter, whole: LoadedFile, findings: list[Finding], segments: list[Segment]
) -> list[Finding]:
    """The run's decision over the whole text (``kubelint.decisions``). The annotations
    are read again from every object, kept or not: their fixes are offsets into this
    text."""
    from kubelint.decisions import FileSuppressions
    from kubelint.engine import Collected, directives_of
    from kubelint.report import Summary
    from kubelint.suppression import annotation_suppressions

    annotations = [annotation_suppressions(obj) for obj in whole.objects]
    facts = FileSuppressions(
        whole.source.path,
        directives_of(whole.source),
        tuple(s for found in annotations for s in found.suppressions),
        tuple(problem for found in annotations for problem in found.problems),
        judged=True,
        cross=frozenset(
            rule for segment in segments for rules in segment.deferred.values() for rule in rules
        ),
    )
    return linter.decide(Collected(findings, Summary(), [], [], [], [facts])).findings


def _unchanged(kept: _Kept, segments: list[Segment], text: str) -> tuple[int, int]:
    """How many segments are unchanged at the start, and at the end (where only when no
    line was added or removed)."""
    old = kept.segments
    most = min(len(old), len(segments))
    head = 0
    while head < most and old[head].text == segments[head].text:
        head += 1
    tail = 0
    if (head < most or len(old) != len(segments)) and kept.text.count("\n") == text.count("\n"):
        while tail < most - head and old[-1 - tail].text == segments[-1 - tail].text:
            tail += 1
    return head, tail


def _can_keep(kept: _Kept, segments: list[Segment], head: int, tail: int, new: Directives) -> bool:
    """May the unchanged segments be kept? Not when the changed text may define schemas
    or name Helm templates, nor when the suppression comments that apply to the kept
    segments' lines changed."""
    old = kept.directives
    changed = [segment.text for segment in kept.segments[head : len(kept.segments) - tail]]
    changed += [segment.text for segment in segments[head : len(segments) - tail]]
    if any("# Source: " in text or _may_define(text) for text in changed):
        return False
    if old.file != new.file:
        return False
    # The lines of the changed segments (the same before and after the kept ones).
    if head < len(segments):
        low: float = segments[head].line
    elif head < len(kept.segments):
        low = kept.segments[head].line
    else:
        low = float("inf")
    high = segments[len(segments) - tail].line if tail else float("inf")
    return _outside(old.before, low, high) == _outside(new.before, low, high) and _outside(
        old.trailing, low, high
    ) == _outside(new.trailing, low, high)


def _moved(old: Segment, new: Segment, text: str, directives: Directives) -> Segment:
    """A kept segment in the new text: at the same line, maybe at another offset."""
    assert old.line == new.line and old.text == new.text
    if not old.done:
        return new
    if old.loaded is not None:
        source = old.loaded.source
        source.text, source.directives = text, directives
        shift = new.offset - old.offset
        # Quick fixes are offsets into the text (from the object's own document).
        old.findings = [
            dataclasses.replace(
                finding,
                edit=dataclasses.replace(
                    finding.edit,
                    start=finding.edit.start + shift,
                    end=finding.edit.end + shift,
                    linted=text,
                ),
            )
            if finding.edit is not None
            else finding
            for finding in old.findings
        ]
    old.offset = new.offset
    return old


def _load(
    segment: Segment,
    text: str,
    display: str,
    directives: Directives,
    sources: list[tuple[int, str]],
) -> LoadedFile | None:
    """The segment parsed with the lines before it left empty, so that positions are
    the file's; None when it does not parse cleanly."""
    items = list(parse_stream("\n" * segment.line + segment.text))
    if not all(isinstance(item, YamlDocument) and item.usable for item in items):
        return None
    source = SourceFile(display, text)
    source.directives = directives
    loaded = LoadedFile(source)
    add_documents(loaded, items, sources)
    return loaded
