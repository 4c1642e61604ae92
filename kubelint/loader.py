"""Files in, Kubernetes objects out.

Finds manifest files, decodes and parses them, and splits each document into objects
(``kind: List`` items become objects of their own). Problems with the input itself
(undecodable bytes, YAML errors, limits, malformed objects) become findings; nothing
raises and no file is dropped silently.
"""

from __future__ import annotations

import bisect
import codecs
import os
import re
import stat
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from kubelint.constants import DIRECTIVE_MARKER, MANIFEST_SUFFIXES, MAX_FILE_BYTES
from kubelint.model import Manifest, Path, SourceFile
from kubelint.patterns import lazy_compile
from kubelint.toolconfigs import tool_of
from kubelint.yamlparse import YamlDocument, YamlProblem, parse_stream

STDIN = "-"


class StructureProblem(NamedTuple):
    """An object that is not shaped like a Kubernetes object: where in it (a path,
    located as a rule's violation is) and what; the engine reports it as
    ``manifest-structure``."""

    obj: Manifest
    path: Path
    message: str


@dataclass(eq=False)
class LoadedFile:
    """What the loader made of one file."""

    source: SourceFile
    objects: list[Manifest] = field(default_factory=list)
    #: Problems of the file itself, located already (``yaml-syntax`` and friends).
    problems: list[YamlProblem] = field(default_factory=list)
    #: ``manifest-structure`` problems, addressed by path like rule violations.
    structure: list[StructureProblem] = field(default_factory=list)
    #: Tools' configuration documents skipped (counted in ``source.skipped`` too), by tool.
    tool_configs: dict[str, int] = field(default_factory=dict)

    def keep_first(self, count: int) -> int:
        """Keep the first ``count`` objects (and what was said of them and of the lines
        up to the last one's end); return how many lines that is (0: none)."""
        kept = self.objects[:count]
        lines = kept[-1].locate(()).span.end_line + 1 if kept else 0
        ids = {id(obj) for obj in kept}
        self.objects = kept
        self.structure = [item for item in self.structure if id(item.obj) in ids]
        self.problems = [problem for problem in self.problems if problem.line < lines]
        return lines


def display_path(path: str, cwd: str | None = None) -> str:
    """POSIX path relative to the working directory when below it, else absolute."""
    cwd = cwd or os.getcwd()
    absolute = os.path.abspath(path)
    if absolute.startswith(cwd) and absolute[len(cwd) : len(cwd) + 1] == os.sep:
        relative = absolute[len(cwd) + 1 :]  # the common case, without relpath's cost
        return relative.replace(os.sep, "/")
    if os.sep == "/" and absolute != cwd and cwd != "/" and "//" not in (absolute[:2], cwd[:2]):
        # Not below the working directory: relpath would begin with "..", so the path
        # stays absolute (a corpus linted from elsewhere: hundreds of relpath calls).
        # (POSIX keeps a leading "//", which relpath reads as "/".)
        return absolute
    try:
        relative = os.path.relpath(absolute, cwd)
    except ValueError:  # another drive on Windows
        relative = absolute
    if relative.startswith(os.pardir + os.sep) or relative == os.pardir:
        relative = absolute
    # Both are normalised (relpath and abspath), so this is pathlib's as_posix(); pathlib
    # itself costs ~1.5 ms of every start.
    return relative.replace(os.sep, "/")


def stdin_display(stdin_filename: str | None) -> str:
    """How findings name standard input: ``--stdin-filename``'s path, else ``<stdin>``."""
    return display_path(stdin_filename) if stdin_filename else "<stdin>"


class PathNotFound(Exception):
    """A path named on the command line does not exist (a usage error)."""


def discover(
    paths: list[str],
    excluded: Callable[[str], bool],
    ignored: Callable[[str, bool], bool] | None = None,
) -> Iterator[str]:
    """Files to lint, in a stable order: directories recursively (``*.yaml``, ``*.yml``,
    ``*.json``, hidden files and directories skipped); files named explicitly whatever their
    suffix;
    ``-`` for standard input. ``excluded`` gets absolute paths; ``ignored`` (absolute path,
    is a directory) too, for what the walk finds only (``kubelint.gitignore``)."""
    seen: set[str] = set()
    for path in paths:
        if path == STDIN:
            yield STDIN
            continue
        if not os.path.lexists(path):
            raise PathNotFound(path)
        if not os.path.isdir(path):
            absolute = os.path.abspath(path)
            if absolute not in seen and not excluded(absolute):
                seen.add(absolute)
                yield path
            continue
        for directory, subdirs, files in os.walk(path):
            absolute_dir = os.path.abspath(directory)
            subdirs[:] = [  # sorted first: what is skipped is told in walk order
                d
                for d in sorted(subdirs)
                if not d.startswith(".")
                and not excluded(os.path.join(absolute_dir, d))
                and not (ignored and ignored(os.path.join(absolute_dir, d), True))
            ]
            for name in sorted(files):
                # Hidden files are tool configs (.kubelint.yaml, .pre-commit-config.yaml,
                # .gitlab-ci.yml), never manifests; name one explicitly to lint it.
                if name.startswith(".") or not name.lower().endswith(MANIFEST_SUFFIXES):
                    continue
                absolute = os.path.join(absolute_dir, name)
                if absolute in seen or excluded(absolute) or (ignored and ignored(absolute, False)):
                    continue
                seen.add(absolute)
                yield os.path.join(directory, name)


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode(data: bytes) -> tuple[str, YamlProblem | None]:
    """Bytes -> text as YAML allows (UTF-8, or UTF-16/32 with a byte order mark)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding), None
            except UnicodeDecodeError:
                return "", YamlProblem(
                    "yaml-syntax",
                    f"file starts with a {encoding} byte order mark but is not valid {encoding}",
                    0,
                    0,
                )
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start)
        line_start = data.rfind(b"\n", 0, error.start) + 1
        column = len(data[line_start : error.start].decode("utf-8", "replace"))
        text = data.decode("utf-8", "replace")
        return text, YamlProblem(
            "yaml-syntax",
            f"not valid UTF-8 (byte 0x{data[error.start]:02x}); save the file as UTF-8",
            line,
            column,
            line,
            column + 1,
        )


def _too_large(size: str) -> YamlProblem:
    return YamlProblem(
        "yaml-limits",
        f"file is {size} bytes, over kubelint's limit of"
        f" {MAX_FILE_BYTES:,}; split it or exclude it",
        0,
        0,
    )


def read_file(path: str) -> tuple[bytes | None, YamlProblem | None]:
    """A file's bytes, or the problem that keeps kubelint from reading them. A pipe or a
    device (``<(helm template …)``, a FIFO, ``/dev/zero``) is read up to the size limit,
    and a FIFO nobody writes to reads as empty instead of blocking forever."""
    try:
        info = os.stat(path)
        if stat.S_ISREG(info.st_mode):
            if info.st_size > MAX_FILE_BYTES:
                return None, _too_large(f"{info.st_size:,}")
            with open(path, "rb") as handle:
                return handle.read(), None
        if stat.S_ISDIR(info.st_mode) or stat.S_ISSOCK(info.st_mode):
            return None, YamlProblem("file-unreadable", "not a file that can be read", 0, 0)
        # Opened without blocking (a FIFO with no writer would block the open), then read
        # blocking: a writer that exists is waited for; without one the read is at EOF.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        os.set_blocking(descriptor, True)
        with os.fdopen(descriptor, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            return None, _too_large(f"over {MAX_FILE_BYTES:,}")
        return data, None
    except OSError as error:
        reason = error.strerror or str(error)
        return None, YamlProblem("file-unreadable", f"cannot read the file: {reason}", 0, 0)


_HELM_SOURCE = lazy_compile(r"^# Source: (\S.*?)\s*$", re.M)


def helm_sources(text: str) -> list[tuple[int, str]]:
    """(0-based line, template path) of every ``# Source:`` comment, in order."""
    if "# Source: " not in text:
        return []
    found = []
    line = previous = 0
    for match in _HELM_SOURCE.finditer(text):  # lines counted on from the last match
        line += text.count("\n", previous, match.start())
        previous = match.start()
        found.append((line, match.group(1)))
    return found


_SURROGATE = lazy_compile("[\ud800-\udfff]")


def load_text(text: str, source: SourceFile) -> LoadedFile:
    """Parse ``text`` (the contents of ``source``) into objects."""
    loaded = LoadedFile(source)
    if not text.isascii() and (surrogate := _SURROGATE.search(text)) is not None:
        # Text from an editor or the API that no file could hold: a lone surrogate is
        # not Unicode (the parser cannot even take it). Say where, lint nothing else.
        line = text.count("\n", 0, surrogate.start())
        column = surrogate.start() - (text.rfind("\n", 0, surrogate.start()) + 1)
        loaded.problems.append(
            YamlProblem(
                "yaml-syntax",
                f"a lone surrogate (U+{ord(surrogate.group()):04X}) is not a"
                " Unicode character; the text cannot be saved as UTF-8",
                line,
                column,
            )
        )
        return loaded
    if DIRECTIVE_MARKER in text:  # the engine reads the suppression comments from it
        source.directive_text = text
    add_documents(loaded, parse_stream(text), helm_sources(text))
    return loaded


def add_documents(
    loaded: LoadedFile, items: Iterable[YamlDocument | YamlProblem], sources: list[tuple[int, str]]
) -> None:
    """Add what ``parse_stream`` gave to ``loaded``; ``sources``: the ``helm_sources``
    of the whole text."""
    source_lines = [line for line, _path in sources]
    for item in items:
        if isinstance(item, YamlProblem):
            loaded.problems.append(item)
            continue
        loaded.problems.extend(item.problems)
        if not item.usable:
            continue
        first = len(loaded.objects)
        _add_document(item, loaded)
        if sources:
            # helm template prints "---" and "# Source: chart/templates/x.yaml" before
            # each document: the last such comment above the document names its template.
            # Found by bisection: scanning from the first comment for every document
            # made 20,000 documents quadratic.
            at = bisect.bisect_right(source_lines, item.root.line)
            template = sources[at - 1][1] if at else None
            for obj in loaded.objects[first:]:
                obj.template = template


class TextChanged(Exception):
    """A file's text was let go after parsing and the file no longer holds it."""


class ReadAgain(SourceFile):
    """A regular file whose text is not kept once it is parsed, but read again when
    something asks for it (planning a fix: a few files of a run) and checked to be the
    text that was linted, by its size and CRC-32. The texts of corpus/real took 23 MB.

    ``text`` raises ``TextChanged`` when the file changed since it was read."""

    def __init__(self, path: str, text: str, file: str, size: int, crc: int):
        self._held: str | None = text
        self._file = file
        self._stamp = (size, crc)
        super().__init__(path, text)

    @property
    def text(self) -> str:
        held = self._held
        if held is None:
            data, _problem = read_file(self._file)
            if data is None or (len(data), zlib.crc32(data)) != self._stamp:
                raise TextChanged(f"{self.path} changed after it was linted")
            held = self._held = decode(data)[0]
        return held

    @text.setter
    def text(self, value: str) -> None:
        self._held = value

    def let_go(self) -> None:
        """Drop the text (it is read again on demand)."""
        self._held = None


def load_bytes(data: bytes, display: str, file: str | None = None) -> LoadedFile:
    """Parse a file's bytes; ``file`` is its path when it is a regular file, whose text
    is then read again if needed rather than kept."""
    if len(data) > MAX_FILE_BYTES:  # standard input, read up to one byte past the limit
        loaded = LoadedFile(SourceFile(display, ""))
        loaded.problems.append(_too_large(f"over {MAX_FILE_BYTES:,}"))
        return loaded
    text, problem = decode(data)
    if problem is not None:
        # Undecodable bytes: report them and lint nothing else, since positions after a
        # replacement character would not be trustworthy.
        loaded = LoadedFile(SourceFile(display, text))
        loaded.problems.append(problem)
        return loaded
    if file is None:
        return load_text(text, SourceFile(display, text))
    source = ReadAgain(display, text, file, len(data), zlib.crc32(data))
    loaded = load_text(text, source)
    source.let_go()
    return loaded


def load_path(path: str, display: str) -> LoadedFile:
    return load_read(display, *read_file(path), path)


def load_read(
    display: str, data: bytes | None, problem: YamlProblem | None, path: str | None = None
) -> LoadedFile:
    """Load what ``read_file`` gave (reading ``path``, when given: a regular file's text is
    then read again when needed, not kept)."""
    if data is None:
        loaded = LoadedFile(SourceFile(display, ""))
        assert problem is not None
        loaded.problems.append(problem)
        return loaded
    try:
        regular = path is not None and stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        regular = False
    return load_bytes(data, display, path if regular else None)


def _add_document(document: YamlDocument, loaded: LoadedFile) -> None:
    value = document.value
    if value is None:  # empty document: not counted, as YAML loaders do not count it
        return
    source = loaded.source
    source.documents += 1
    if not isinstance(value, dict) or ("apiVersion" not in value and "kind" not in value):
        source.skipped += 1  # a values file, kustomization, CI config...: not an object
        return
    tool = tool_of(value)
    if tool is not None:  # a kubeconfig, Chart.yaml, kind cluster config...: no object
        source.skipped += 1
        loaded.tool_configs[tool] = loaded.tool_configs.get(tool, 0) + 1
        return
    kind = value.get("kind")
    items = value.get("items")
    if isinstance(kind, str) and kind.endswith("List") and "items" in value:
        if not isinstance(items, list):
            obj = Manifest(value, source, document.positions, document.root, (), value)
            loaded.objects.append(obj)
            loaded.structure.append(
                StructureProblem(obj, ("items",), f"{kind} items must be a list")
            )
            return
        for index, item in enumerate(items):
            obj = Manifest(
                item if isinstance(item, dict) else {},
                source,
                document.positions,
                document.root,
                ("items", index),
                value,
            )
            loaded.objects.append(obj)
            if not isinstance(item, dict):
                loaded.structure.append(
                    StructureProblem(obj, (), f"{kind} item {index} is not an object")
                )
            else:
                _check_structure(obj, loaded)
        return
    obj = Manifest(value, source, document.positions, document.root, (), value)
    loaded.objects.append(obj)
    _check_structure(obj, loaded)


def _check_structure(obj: Manifest, loaded: LoadedFile) -> None:
    data = obj.data
    problems: list[tuple[Path, str]] = []
    for key in ("apiVersion", "kind"):
        value = data.get(key)
        if key not in data:
            other = "kind" if key == "apiVersion" else "apiVersion"
            problems.append(((other,), f"object has {other} but no {key}"))
        elif not isinstance(value, str) or not value:
            problems.append(((key,), f"{key} must be a non-empty string, not {_describe(value)}"))
    metadata = data.get("metadata")
    if "metadata" in data and not isinstance(metadata, dict):
        problems.append((("metadata",), f"metadata must be a mapping, not {_describe(metadata)}"))
    elif not obj.display_name:
        name = metadata.get("name") if isinstance(metadata, dict) else None
        if name is not None and not isinstance(name, str):
            problems.append(
                (("metadata", "name"), f"metadata.name must be a string, not {_describe(name)}")
            )
        else:
            problems.append(
                (("metadata", "name"), "object has no metadata.name (nor generateName)")
            )
    loaded.structure.extend(StructureProblem(obj, path, message) for path, message in problems)


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)
