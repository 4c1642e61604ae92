"""Helm charts: rendered with Helm's own engine, findings mapped back to template lines.

A directory with a ``Chart.yaml`` is a chart. kubelint never imitates Go templates: it
renders with the ``helm`` binary when one is on PATH (``helm template``), else with Helm's
Go SDK in the ``helm-python-sdk`` wheel (``pip install 'kubelint[helm]'``). Both sit
behind ``Renderer``; either can go.

The source map. Before rendering, kubelint copies the chart to a temporary directory and
ends every line of its templates whose newline reaches the output with a marker comment
(`` #kubelint-line=N``). A rendered line that ends in a marker came from template line N.
Markers are left out where they would change the output: after a ``-}}`` or before a
``{{-`` that trims the newline, and inside ``define``/``block`` bodies, whose output
``include`` may pass through functions (``trunc``, ``sha256sum``) that would see them. A
rendered line without a marker (the output of ``toYaml``, ``include`` or ``nindent``, or a
line joined by trimming) is matched to the template lines between the markers around it:
the line whose literal text it matches, else the line of the action that printed it. So
findings in text a named template or ``toYaml`` printed point at the ``include`` or
``toYaml`` line. Markers are removed before the output is parsed, so what the rules see is
exactly what Helm renders.

Where the template line reads ``.Values.a.b`` and the finding's value came from there, the
finding also names the values file and line that set ``a.b`` (a related location).

Each rendering (the chart's values plus ``--values``/``--set``, and each
``ci/*-values.yaml`` as chart-testing does) is its own scope for cross-resource rules.
A chart dependency that is not vendored under ``charts/``, a template error or a values
error is a ``helm-render`` finding at the file and line Helm names. Nothing is fetched.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from kubelint.constants import NEWEST_KUBERNETES_VERSION
from kubelint.layout import CHART_FILE, is_chart
from kubelint.loader import LoadedFile, display_path, load_text, read_file
from kubelint.model import (
    Location,
    Manifest,
    Placement,
    RelatedLocation,
    SourceFile,
    format_path,
    locate,
    lookup,
)
from kubelint.offline import offline_environment
from kubelint.patterns import lazy_compile
from kubelint.suppression import Directives, parse_directives
from kubelint.yamlparse import Span, YamlDocument, YamlProblem, parse_stream

HELM_RENDER = "helm-render"
VALUES_FILE = "values.yaml"
#: chart-testing's convention: each of these is a values set the chart must render with.
CI_VALUES_GLOB = lazy_compile(r".+-values\.ya?ml\Z")
#: Never render more than this much chart (a chart is kilobytes; vendored subcharts
#: make it megabytes).
MAX_CHART_BYTES = 64 * 1024 * 1024
RENDER_TIMEOUT_SECONDS = 120

MARKER = " #kubelint-line="
_MARKER_AT_END = lazy_compile(r" #kubelint-line=(\d+)\Z")
BRANCH = " #kubelint-branch="
_BRANCH_MARK = lazy_compile(r" #kubelint-branch=(\d+)")
_WHITESPACE = " \t\r\n"


class RenderError(Exception):
    """Helm could not render the chart; the message is Helm's. ``file`` is a values file
    the error is in, when the renderer knows."""

    def __init__(self, message: str, file: str | None = None):
        super().__init__(message)
        self.file = file


# -- renderers ----------------------------------------------------------------


@dataclass
class RenderRequest:
    """What to render: a chart directory and the values, release and cluster to use."""

    chart: str
    values_files: list[str] = field(default_factory=list)
    set_values: list[str] = field(default_factory=list)
    release: str = "release-name"
    namespace: str = "default"
    kube_version: str = NEWEST_KUBERNETES_VERSION


class Renderer:
    """Renders a chart to ``{"<chart>/templates/x.yaml": text}``; raises RenderError."""

    name = ""
    #: Can the rendered text carry branch marks mid-line? ``helm template`` parses what it
    #: renders as YAML (to sort it), where only end-of-line comments are sure to be safe.
    branch_marks = True

    def render(self, request: RenderRequest) -> dict[str, str]:
        raise NotImplementedError


class HelmBinary(Renderer):
    """``helm template`` from the helm binary on PATH."""

    name = "helm"
    branch_marks = False

    def __init__(self, path: str):
        self.path = path

    def render(self, request: RenderRequest) -> dict[str, str]:
        command = [
            self.path,
            "template",
            request.release,
            request.chart,
            "--namespace",
            request.namespace,
            "--kube-version",
            f"v{request.kube_version}.0",
        ]
        for path in request.values_files:
            command += ["--values", path]
        for expression in request.set_values:
            command += ["--set", expression]
        with tempfile.TemporaryDirectory(prefix="kubelint-helm-") as home:
            try:
                result = subprocess.run(
                    command,
                    capture_output=True,
                    text=True,
                    stdin=subprocess.DEVNULL,
                    timeout=RENDER_TIMEOUT_SECONDS,
                    env=offline_environment(
                        HELM_CACHE_HOME=os.path.join(home, "cache"),
                        HELM_CONFIG_HOME=os.path.join(home, "config"),
                        HELM_DATA_HOME=os.path.join(home, "data"),
                    ),
                    check=False,
                )
            except (OSError, subprocess.TimeoutExpired) as error:
                raise RenderError(f"helm template did not finish: {error}") from error
        if result.returncode != 0:
            message = result.stderr.strip().removeprefix("Error: ")
            raise RenderError(message or f"helm template exited {result.returncode}")
        return split_sources(result.stdout)


class HelmSdk(Renderer):
    """Helm's Go SDK through the helm-python-sdk wheel (no helm binary needed)."""

    name = "helm-python-sdk"

    def __init__(self, module: Any):
        self.helm = module

    def render(self, request: RenderRequest) -> dict[str, str]:
        helm = self.helm
        try:
            values: dict[str, Any] = {}
            for path in request.values_files:
                with open(path, encoding="utf-8") as handle:
                    text = handle.read()
                try:
                    values = merge_values(values, helm.values_from_yaml(text))
                except helm.HelmError as error:
                    raise RenderError(getattr(error, "detail", None) or str(error), path) from error
            for expression in request.set_values:
                values = merge_values(values, helm.parse_set_string(expression))
            with helm.Chart.load(request.chart) as chart:
                # enable_dns false: getHostByName answers "" instead of asking DNS.
                options = {
                    "name": request.release,
                    "namespace": request.namespace,
                    "kube_version": f"v{request.kube_version}.0",
                    "enable_dns": False,
                }
                # Chart.render() has no kube_version keyword; the C ABI under it takes
                # the option (helm_render's options JSON), so call it the same way.
                from helm_python import _native

                rendered = _native.call_string(
                    "helm_render", chart._raw(), json.dumps(values), json.dumps(options)
                )
        except helm.HelmError as error:
            raise RenderError(getattr(error, "detail", None) or str(error)) from error
        except (OSError, UnicodeDecodeError) as error:
            raise RenderError(str(error)) from error
        return dict(json.loads(rendered))


def merge_values(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Helm's mergeMaps for ``--values`` and ``--set``: maps merge, anything else
    replaces."""
    merged = dict(base)
    for key, value in override.items():
        current = merged.get(key)
        if isinstance(value, Mapping) and isinstance(current, dict):
            merged[key] = merge_values(current, value)
        else:
            merged[key] = value
    return merged


_SOURCE = lazy_compile(r"^# Source: (\S.*?)\s*$")


def split_sources(stream: str) -> dict[str, str]:
    """``helm template`` output -> {template: its documents}, by its ``# Source:``
    comments."""
    out: dict[str, list[str]] = {}
    current: list[str] | None = None
    for document in re.split(r"(?m)^---[ \t]*\n", stream):
        first, _, rest = document.partition("\n")
        match = _SOURCE.match(first)
        if match:
            current = out.setdefault(match.group(1), [])
            current.append(rest)
        elif current is not None and document.strip():
            current.append(document)
    return {name: "---\n".join(parts) for name, parts in out.items()}


def find_renderer() -> Renderer | None:
    """The helm binary on PATH, else the helm-python-sdk wheel, else None."""
    path = shutil.which("helm")
    if path:
        return HelmBinary(path)
    try:
        import helm_python
    except (ImportError, OSError):  # not installed, or its shared library will not load
        return None
    return HelmSdk(helm_python)


NO_RENDERER = (
    "this is a Helm chart, and no Helm renderer is available to render it:"
    " install one with `pip install 'kubelint[helm]'`, or put the helm binary"
    " on PATH"
)


# -- markers --------------------------------------------------------------------


@dataclass(frozen=True)
class _Action:
    """One ``{{ ... }}`` action of a template: where it is and how it trims."""

    start: int
    end: int  # after the closing delimiter
    trims_before: bool  # {{- : trims the whitespace before it
    trims_after: bool  # -}} : trims the whitespace after it
    keyword: str


class TemplateScanError(Exception):
    """Unbalanced delimiters: Helm reports the parse error itself."""


def actions(text: str) -> Iterator[_Action]:
    """The ``{{ … }}`` actions of a Go template, with strings and comments skipped
    (text/template's lexer: ``{{- `` and `` -}}`` trim, raw strings may span lines)."""
    position = 0
    length = len(text)
    while True:
        start = text.find("{{", position)
        if start < 0:
            return
        cursor = start + 2
        trims_before = (
            text.startswith("-", cursor) and cursor + 1 < length and text[cursor + 1] in _WHITESPACE
        )
        if trims_before:
            cursor += 2
        while cursor < length and text[cursor] in _WHITESPACE:
            cursor += 1
        keyword = ""
        if text.startswith("/*", cursor):
            close = text.find("*/", cursor + 2)
            if close < 0:
                raise TemplateScanError("unclosed comment")
            cursor = close + 2
            while cursor < length and text[cursor] in _WHITESPACE:
                cursor += 1
            if text.startswith("-", cursor):
                cursor += 1
            if not text.startswith("}}", cursor):
                raise TemplateScanError("comment not followed by }}")
            end = cursor + 2
            keyword = "/*"
        else:
            word = re.match(r"[a-z]+", text[cursor : cursor + 10])
            keyword = word.group(0) if word else ""
            end = _action_end(text, cursor)
        trims_after = (
            text[end - 3] == "-" and text[end - 4] in _WHITESPACE if end - start >= 6 else False
        )
        yield _Action(start, end, trims_before, trims_after, keyword)
        position = end


def _action_end(text: str, cursor: int) -> int:
    length = len(text)
    while cursor < length:
        char = text[cursor]
        if char == "}" and text.startswith("}}", cursor):
            return cursor + 2
        if char in "\"'":
            cursor += 1
            while cursor < length and text[cursor] != char:
                if text[cursor] == "\n":
                    raise TemplateScanError("newline in a quoted string")
                cursor += 2 if text[cursor] == "\\" else 1
        elif char == "`":
            close = text.find("`", cursor + 1)
            if close < 0:
                raise TemplateScanError("unclosed raw string")
            cursor = close
        cursor += 1
    raise TemplateScanError("unclosed action")


_OPENS = frozenset({"if", "range", "with", "define", "block"})
_DEFINES = frozenset({"define", "block"})


@dataclass(frozen=True)
class Body:
    """The body of an ``if``/``else``/``with``/``range`` block: it starts after the action
    that ends on line ``opens`` and runs to line ``closes`` (0-based, inclusive). Its
    branch mark (``#kubelint-branch=<opens>``) shows in the output when it ran.
    ``subject`` is the ``.Values`` path a ``with`` sets ``.`` to."""

    opens: int
    closes: int
    subject: tuple[str, ...] | None = None


_WITH_VALUES = lazy_compile(r"\{\{-?\s*with\s+\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)\s*-?\}\}")


def mark_lines(text: str, branches: bool = True) -> tuple[str, list[Body]]:
    """``text`` with a marker before every newline that reaches the output, and (with
    ``branches``) a branch mark where each block body starts (see the module
    docstring); and the block bodies. Unchanged if the template cannot be scanned (Helm
    will say why)."""
    try:
        found = list(actions(text))
    except TemplateScanError:
        return text, []
    out: list[str] = []
    stack: list[tuple[str, int, tuple[str, ...] | None]] = []  # keyword, opens, subject
    bodies: list[Body] = []
    previous_end = 0
    previous_trims = False
    for action in [*found, None]:
        segment_end = action.start if action is not None else len(text)
        segment = text[previous_end:segment_end]
        inside_define = any(kind in _DEFINES for kind, _, _ in stack)
        if inside_define or "\n" not in segment:
            out.append(segment)
        else:
            out.append(
                _mark_segment(
                    text,
                    previous_end,
                    segment,
                    previous_trims,
                    action is not None and action.trims_before,
                )
            )
        if action is None:
            break
        source = text[action.start : action.end]
        out.append(source)
        line = text.count("\n", 0, action.start)
        end_line = line + source.count("\n")
        keyword = action.keyword
        if keyword in ("else", "end") and stack:
            kind, opens, subject = stack.pop()
            if kind not in _DEFINES and not inside_define:
                bodies.append(Body(opens, line, subject))
        if keyword in _OPENS or keyword == "else":
            with_values = _WITH_VALUES.match(source) if keyword == "with" else None
            subject = tuple(with_values.group(1).split(".")[1:]) if with_values else None
            stack.append((keyword, end_line, subject))
            if branches and keyword not in _DEFINES and not inside_define:
                # An action, not text: it keeps the trim of the action before it.
                trim = " -}}" if action.trims_after else " }}"
                out.append(f'{{{{ "{BRANCH}{end_line}"{trim}')
        previous_end = action.end
        previous_trims = action.trims_after
    return "".join(out), bodies


def _mark_segment(
    text: str, offset: int, segment: str, trimmed_start: bool, trimmed_end: bool
) -> str:
    """A marker before each newline of ``segment`` that no trim removes."""
    stripped = segment.strip(_WHITESPACE)
    first = segment.find(stripped[0]) if stripped else len(segment)
    last = segment.rfind(stripped[-1]) if stripped else -1
    pieces: list[str] = []
    cursor = 0
    for index, char in enumerate(segment):
        if char != "\n":
            continue
        if trimmed_start and index < first:
            continue  # "-}}" eats everything up to the first non-space
        if trimmed_end and index > last:
            continue  # "{{-" eats everything back to the last non-space
        cut = index - 1 if index > 0 and segment[index - 1] == "\r" else index
        line = text.count("\n", 0, offset + index)
        pieces.append(segment[cursor:cut])
        pieces.append(f"{MARKER}{line}")
        cursor = cut
    pieces.append(segment[cursor:])
    return "".join(pieces)


def unmark(rendered: str) -> tuple[str, list[int | None], list[list[int]]]:
    """Rendered text without markers; each of its lines' template line (None for a line
    without a marker); and the branch marks on each line."""
    lines = rendered.split("\n")
    origins: list[int | None] = []
    branches: list[list[int]] = []
    for number, line in enumerate(lines):
        marks = [int(found) for found in _BRANCH_MARK.findall(line)]
        if marks:
            line = _BRANCH_MARK.sub("", line)
        branches.append(marks)
        body = line[:-1] if line.endswith("\r") else line
        match = _MARKER_AT_END.search(body)
        if match is None:
            origins.append(None)
            lines[number] = line
            continue
        origins.append(int(match.group(1)))
        lines[number] = body[: match.start()] + line[len(body) :]
    return "\n".join(lines), origins, branches


_ACTION_ON_LINE = lazy_compile(r"\{\{.*?\}\}")
_CONTROL = lazy_compile(r"\{\{-?\s*(?:/\*|if\b|else\b|end\b|range\b|with\b|define\b|block\b)")


def fill_gaps(
    origins: list[int | None],
    rendered_lines: Sequence[str],
    template_lines: Sequence[str],
    bodies: Sequence[Body] = (),
    branches: Sequence[Sequence[int]] = (),
) -> list[int]:
    """The template line of every rendered line.

    A marker names the line whose newline ended the rendered line; the text before it may
    come from earlier lines joined to it by a trim (``{{- end }}`` at the start of the
    next line), and a line without a marker was printed by an action or joined by a trim.
    So each rendered line looks among the template lines after the previous marker and
    up to its own (or the next) marker, leaving out the bodies of blocks that did not
    run (their branch mark is not in that stretch of output): the first line whose
    literal text it matches; else its own marker's line if that prints anything; else
    the first printing action after the latest block that started before it.
    """
    last = len(template_lines) - 1
    total = len(origins)
    if last < 0:
        return [0] * total
    next_marker, next_index = _next_markers(origins, last)
    filled: list[int] = []
    previous, previous_index = -1, 0  # the last marker seen, and its rendered line
    floor = 0  # matches move forward through a stretch of lines, like the output
    for index in range(total):
        own = origins[index]
        bound = own if own is not None else next_marker[index]
        bound = min(max(bound, 0), last)
        stretch_end = index if own is not None else next_index[index]
        ran = (
            {mark for line in branches[previous_index : stretch_end + 1] for mark in line}
            if branches
            else set()
        )
        candidates = _stretch_lines(previous, bound, bodies, ran)
        started = (
            [mark for line in branches[previous_index : index + 1] for mark in line]
            if branches
            else []
        )
        anchor = max([previous, *started])
        match = _template_line(
            rendered_lines[index].strip(), candidates, template_lines, floor, own, anchor, bound
        )
        filled.append(match)
        floor = match
        if own is not None:
            previous, previous_index = own, index
            floor = own + 1 if own + 1 <= last else own
    return filled


def _next_markers(origins: list[int | None], last: int) -> tuple[list[int], list[int]]:
    """For every rendered line, the next marker's template line and rendered line (from
    it on; the template's last line and the last rendered line when none follows)."""
    total = len(origins)
    next_marker: list[int] = [last] * total
    next_index: list[int] = [total - 1] * total
    upcoming, upcoming_index = last, total - 1
    for index in range(total - 1, -1, -1):
        next_marker[index], next_index[index] = upcoming, upcoming_index
        if origins[index] is not None:
            upcoming, upcoming_index = origins[index], index  # type: ignore[assignment]
    return next_marker, next_index


def _stretch_lines(previous: int, bound: int, bodies: Sequence[Body], ran: set[int]) -> list[int]:
    """The template lines after ``previous`` up to ``bound`` that may have printed a
    line, leaving out the bodies of the blocks that did not run (their mark not in
    ``ran``); just ``bound`` when the stretch is empty."""
    if bound <= previous:
        return [bound]
    skipped = [body for body in bodies if previous <= body.opens <= bound and body.opens not in ran]
    return [
        line
        for line in range(previous + 1, bound + 1)
        if not any(body.opens < line <= body.closes for body in skipped)
    ]


def _template_line(
    content: str,
    candidates: list[int],
    template_lines: Sequence[str],
    floor: int,
    own: int | None,
    anchor: int,
    bound: int,
) -> int:
    """The template line of a rendered line (``content``, stripped): the first candidate
    from ``floor`` on whose literal text it matches; else its own marker's line if that
    prints; else the first printing action from ``anchor`` on (the last one before it,
    or ``bound``, when there is none)."""
    if content:
        for line in candidates:
            if line >= floor and _literal_match(template_lines[line], content):
                return line
    if own is not None and _prints(template_lines[own]):
        return own
    printing = [
        line
        for line in candidates
        if "{{" in template_lines[line] and _prints(template_lines[line])
    ]
    after = [line for line in printing if line >= anchor]
    return after[0] if after else printing[-1] if printing else bound


def _prints(template_line: str) -> bool:
    """Does the line print text (literal text or an action that is not control flow)?"""
    stripped = template_line.strip()
    if not stripped:
        return False
    remainder = _ACTION_ON_LINE.sub("", stripped).strip()
    return bool(remainder) or any(
        not _CONTROL.match(action) for action in _ACTION_ON_LINE.findall(stripped)
    )


def _literal_match(template_line: str, content: str) -> bool:
    """Does the rendered ``content`` read as the template line, its actions printing
    anything (and ``{{-``/``-}}`` trimming the spaces beside them)?"""
    literal = template_line.strip()
    if not literal or _CONTROL.match(literal):
        return False
    if "{{" not in literal:
        return literal == content
    parts = _ACTION_ON_LINE.split(literal)
    for number, action in enumerate(_ACTION_ON_LINE.findall(literal)):
        if action.startswith("{{- "):
            parts[number] = parts[number].rstrip(_WHITESPACE)
        if action.endswith(" -}}"):
            parts[number + 1] = parts[number + 1].lstrip(_WHITESPACE)
    if not "".join(parts).strip():
        return False  # nothing literal to recognise the line by
    pattern = ".*?".join(re.escape(part) for part in parts)
    return re.fullmatch(pattern, content) is not None


# -- values ---------------------------------------------------------------------

_VALUES_REF = lazy_compile(r"(?<![\w)\]])\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)")


def values_refs(line: str) -> list[tuple[str, ...]]:
    """The ``.Values.a.b`` paths a template line prints, in order (not those that only
    decide an ``if``, ``with`` or ``range``)."""
    printed = " ".join(
        action for action in _ACTION_ON_LINE.findall(line) if not _CONTROL.match(action)
    )
    return [tuple(match.group(1).split(".")[1:]) for match in _VALUES_REF.finditer(printed)]


#: An action that prints ``.`` itself (``toYaml .``, ``{{ . }}``, ``. | quote``).
_PRINTS_DOT = lazy_compile(r"\{\{-?\s*(?:[\w]+\s+)*\.(?=\s|\||\)|-?\}\})")

_MISSING = object()


def _lookup(data: Any, path: Sequence[str | int]) -> Any:
    return lookup(data, path, _MISSING)


@dataclass
class ValuesFile:
    """A values file of one rendering, parsed for locations."""

    display: str
    documents: list[YamlDocument]
    #: Where a template's ``.Values`` starts in this file: a parent chart's values reach
    #: a subchart's templates under the subchart's name.
    prefix: tuple[str, ...] = ()

    def locate(self, path: tuple[str | int, ...]) -> tuple[int, int] | None:
        inner = (*self.prefix, *path)
        for document in self.documents:
            if _lookup(document.value, inner) is _MISSING:
                continue
            location = locate(document.positions, document.root, document.value, inner)
            return location.span.line, location.span.column
        return None

    def value(self, path: tuple[str, ...]) -> Any:
        for document in self.documents:
            found = _lookup(document.value, (*self.prefix, *path))
            if found is not _MISSING:
                return found
        return _MISSING


def parse_values_file(path: str, display: str, text: str | None = None) -> ValuesFile:
    if text is None:
        data, _problem = read_file(path)
        text = data.decode("utf-8", "replace") if data is not None else ""
    documents = [item for item in parse_stream(text) if isinstance(item, YamlDocument)]
    return ValuesFile(display, documents)


# -- the source map -------------------------------------------------------------


@dataclass
class TemplateSource:
    """One template file: where it is, its text, and its suppression comments."""

    display: str
    text: str
    directives: Directives
    lines: list[str]
    #: For a template inside a packed subchart (``charts/x.tgz``): its name there.
    packed: str | None = None
    #: Its block bodies, when it was marked (see ``mark_lines``).
    bodies: list[Body] = field(default_factory=list)


class HelmOrigin:
    """Places findings on objects of one rendered template at the template's lines."""

    def __init__(
        self,
        template: TemplateSource,
        line_map: list[int],
        rendered: list[str],
        values: list[ValuesFile],
        variant: tuple[str, str] | None,
    ):
        self.template = template
        self.line_map = line_map
        self.rendered = rendered
        self.values = values  # highest precedence first
        self.variant = variant

    def _line(self, rendered_line: int) -> int:
        if 0 <= rendered_line < len(self.line_map):
            return self.line_map[rendered_line]
        return 0

    def place(
        self, obj: Manifest, path: Sequence[str | int], location: Location, message: str = ""
    ) -> Placement:
        template = self.template
        if template.packed is not None:  # inside an archive: nothing to point into
            return Placement(
                template.display, Span(0, 0, 0, 1), (), template.directives, variant=self.variant
            )
        line = self._line(location.span.line)
        span = self._columns(location.span, line)
        node_lines = tuple(self._line(number) for number in location.node_lines)
        related = self._related(obj, path, line, message)
        return Placement(
            template.display, span, node_lines, template.directives, related, self.variant
        )

    def _columns(self, span: Span, line: int) -> Span:
        """The rendered span's columns on the template line: the same where the line
        was copied as it is, else where the same key (or text) stands on it."""
        template_line = self.template.lines[line] if line < len(self.template.lines) else ""
        rendered_line = self.rendered[span.line] if span.line < len(self.rendered) else ""
        end = len(template_line.rstrip())
        if template_line.rstrip() == rendered_line.rstrip() and span.end_line == span.line:
            return Span(line, span.column, line, span.end_column)
        token = rendered_line[
            span.column : span.end_column if span.end_line == span.line else None
        ].strip()
        for candidate in (token, token.partition(":")[0] + ":" if ":" in token else ""):
            if candidate and (found := template_line.find(candidate)) >= 0:
                return Span(line, found, line, found + len(candidate))
        start = len(template_line) - len(template_line.lstrip())
        return Span(line, start, line, max(end, start + 1))

    def _related(
        self, obj: Manifest, path: Sequence[str | int], line: int, message: str
    ) -> tuple[RelatedLocation, ...]:
        """Where the values the template line printed at the finding are set: each
        ``.Values`` path on the line whose value is (part of) the rendered value, or the
        key inside a mapping that ``toYaml`` printed."""
        if not self.values or line >= len(self.template.lines):
            return ()
        refs = values_refs(self.template.lines[line])
        subject = self._with_subject(line)
        if subject is not None and _PRINTS_DOT.search(self.template.lines[line]):
            refs.append(subject)  # `{{- with .Values.x }}` … `{{- toYaml . | nindent 8 }}`
        if not refs:
            return ()
        rendered = obj.get(path, _MISSING)
        related: list[RelatedLocation] = []
        for ref in self._culprits(list(dict.fromkeys(refs)), message):
            for values_path in self._candidates(ref, path, rendered, len(refs) == 1, obj):
                for values in self.values:
                    where = values.locate(values_path)
                    if where is not None:
                        related.append(
                            RelatedLocation(
                                values.display,
                                where[0] + 1,
                                where[1] + 1,
                                f"value {format_path(values_path)}",
                            )
                        )
                        break
        return tuple(related)

    def _with_subject(self, line: int) -> tuple[str, ...] | None:
        """The ``.Values`` path of the innermost ``with`` around ``line``."""
        inside = [body for body in self.template.bodies if body.opens < line <= body.closes]
        if not inside:
            return None
        innermost = max(inside, key=lambda body: body.opens)
        return innermost.subject

    def _culprits(self, refs: list[tuple[str, ...]], message: str) -> list[tuple[str, ...]]:
        """Of several values a line prints (``"{{ .Values.image.repository }}:{{
        .Values.image.tag }}"``), those whose value the message quotes on its own
        (``uses the moving tag 'latest'``); all of them when it quotes none."""
        if len(refs) < 2:
            return refs
        quoted = [
            ref
            for ref in refs
            if isinstance(value := self._value(ref), (str, int, float))
            and not isinstance(value, bool)
            and f"'{value}'" in message
        ]
        return quoted or refs

    def _candidates(
        self,
        ref: tuple[str, ...],
        path: Sequence[str | int],
        rendered: Any,
        single: bool,
        obj: Manifest,
    ) -> Iterator[tuple[str | int, ...]]:
        """Values paths the finding's value may have come from through ``ref``."""
        value = self._value(ref)
        if value is _MISSING:
            return
        if not isinstance(value, (dict, list)):
            if _same_scalar(value, rendered):
                yield ref
            return
        # A mapping or list printed by toYaml: the finding's path ends inside it.
        for start in range(1, len(path)):
            inside = self._inside(value, path, start, obj)
            if inside is not None:
                yield (*ref, *inside)
                return
        if single and rendered is _MISSING and value:
            # A field the mapping lacks: the mapping is where to add it. (A value that
            # is there but in no file came from --set: no file to name.)
            yield ref

    @staticmethod
    def _inside(
        value: Any, path: Sequence[str | int], start: int, obj: Manifest
    ) -> tuple[str | int, ...] | None:
        """``path[start:]`` as a path inside ``value`` (what toYaml printed), or None.
        A list item is found by its ``name`` when it has one: the template may print
        other items before the values' (a sidecar list after the main container)."""
        node, found = value, []
        for index in range(start, len(path)):
            part = path[index]
            if isinstance(part, str):
                if not isinstance(node, dict) or part not in node:
                    return None
                node = node[part]
            else:
                if not isinstance(node, list):
                    return None
                item = obj.get((*path[:index], part))
                name = item.get("name") if isinstance(item, dict) else None
                named = [
                    i
                    for i, entry in enumerate(node)
                    if name is not None and isinstance(entry, dict) and entry.get("name") == name
                ]
                if named:
                    part = named[0]
                elif not 0 <= part < len(node):
                    return None
                node = node[part]
            found.append(part)
        return tuple(found)

    def _value(self, ref: tuple[str, ...]) -> Any:
        for values in self.values:
            found = values.value(ref)
            if found is not _MISSING:
                return found
        return _MISSING


def _same_scalar(value: Any, rendered: Any) -> bool:
    if rendered is _MISSING:
        return False
    if isinstance(rendered, str):
        return str(value).lower() == rendered.lower() or (
            isinstance(value, str) and bool(value) and value in rendered
        )
    return bool(value == rendered)


# -- linting a chart ----------------------------------------------------------------


@dataclass
class ChartOptions:
    """How to render charts (config ``helm:`` and the command line)."""

    values_files: list[str] = field(default_factory=list)
    set_values: list[str] = field(default_factory=list)
    release: str = "release-name"
    namespace: str = "default"
    kube_version: str = NEWEST_KUBERNETES_VERSION
    ci_values: bool = True


class _Chart:
    """A chart in the input: its files, templates and subcharts."""

    def __init__(self, directory: str):
        self.directory = os.path.abspath(directory)
        self.display = display_path(self.directory)
        self.name = _chart_name(self.directory) or os.path.basename(self.directory)
        #: Absolute path -> text an editor has for it, not yet saved.
        self.unsaved: dict[str, str] = {}
        self._values: dict[str, ValuesFile] = {}

    def file(self, *parts: str) -> str:
        return os.path.join(self.directory, *parts)

    def shown(self, *parts: str) -> str:
        return display_path(self.file(*parts))

    def values_file(self, path: str) -> ValuesFile:
        """A values file parsed for locations (an editor's unsaved text when it has one),
        once per chart."""
        if path not in self._values:
            self._values[path] = parse_values_file(path, display_path(path), self.unsaved.get(path))
        return self._values[path]

    @cached_property
    def subcharts(self) -> dict[str, str]:
        """Subcharts vendored as directories under ``charts/``: chart name -> directory
        (read once: every template of every rendering asks)."""
        charts = self.file("charts")
        found: dict[str, str] = {}
        if os.path.isdir(charts):
            for entry in sorted(os.listdir(charts)):
                path = os.path.join(charts, entry)
                if os.path.isdir(path) and is_chart(path):
                    found[_chart_name(path) or entry] = path
        return found

    @cached_property
    def subchart_values(self) -> dict[str, ValuesFile]:
        """Each directory subchart's own values.yaml, parsed once."""
        found = {}
        for name, directory in self.subcharts.items():
            path = os.path.join(directory, VALUES_FILE)
            if os.path.isfile(path):
                found[name] = parse_values_file(path, display_path(path))
        return found


def _chart_name(directory: str) -> str | None:
    data, _ = read_file(os.path.join(directory, CHART_FILE))
    if data is None:
        return None
    for item in parse_stream(data.decode("utf-8", "replace")):
        if isinstance(item, YamlDocument) and isinstance(item.value, dict):
            name = item.value.get("name")
            return name if isinstance(name, str) and name else None
    return None


def lint_chart(
    directory: str,
    options: ChartOptions,
    renderer: Renderer | None,
    unsaved: Mapping[str, str] | None = None,
) -> list[LoadedFile]:
    """The rendered templates of a chart as loaded files whose objects are placed at
    their template lines, or ``helm-render`` problems. ``unsaved`` maps absolute paths
    of the chart's files to the text an editor has for them."""
    chart = _Chart(directory)
    chart.unsaved = dict(unsaved or {})
    missing = _missing_dependencies(chart)
    if missing:
        return missing
    if renderer is None:
        return [_problem_file(chart.shown(CHART_FILE), NO_RENDERER)]
    with tempfile.TemporaryDirectory(prefix="kubelint-chart-") as workspace:
        try:
            copy, templates = _marked_copy(chart, workspace, renderer.branch_marks)
        except _TooLarge as error:
            return [_problem_file(chart.shown(CHART_FILE), str(error))]
        renderings: list[tuple[tuple[str, str] | None, list[str]]] = [(None, [])]
        ci_dir = chart.file("ci")
        if options.ci_values and os.path.isdir(ci_dir):
            for name in sorted(os.listdir(ci_dir)):
                if CI_VALUES_GLOB.match(name):
                    renderings.append((("with", f"ci/{name}"), [os.path.join(ci_dir, name)]))
        out: list[LoadedFile] = []
        seen_problems: set[tuple[str, int, str]] = set()
        for variant, extra in renderings:
            files = [*extra, *(os.path.abspath(path) for path in options.values_files)]
            request = RenderRequest(
                copy,
                files,
                options.set_values,
                options.release,
                options.namespace,
                options.kube_version,
            )
            values = _values_chain(chart, files, options)
            try:
                rendered = renderer.render(request)
            except RenderError as error:
                for problem in _render_problems(chart, templates, error, workspace, values):
                    found = problem.problems[0]
                    key = (problem.source.path, found.line, found.message)
                    if key not in seen_problems:  # once, when every rendering fails alike
                        seen_problems.add(key)
                        if variant is not None:
                            found.message += f" ({variant[0]} {variant[1]})"
                        out.append(problem)
                continue
            scope = f"helm:{chart.display}:{variant[1] if variant else ''}"
            out.extend(_load_rendering(chart, templates, rendered, values, variant, scope))
        # Every file the renderings read counts as linted.
        made_from = {template.display for template in templates.values() if template.packed is None}
        made_from.add(chart.shown(CHART_FILE))
        for path in [
            *(extra for _, extras in renderings for extra in extras),
            *options.values_files,
        ]:
            made_from.add(display_path(path))
        if os.path.isfile(chart.file(VALUES_FILE)):
            made_from.add(chart.shown(VALUES_FILE))
        for item in out:
            item.source.made_from = tuple(sorted(made_from))
    return out


def _values_chain(chart: _Chart, files: list[str], options: ChartOptions) -> list[ValuesFile]:
    """The values files of one rendering, highest precedence first (``--set`` is not a
    file: keys it sets are not located). Each file is parsed once per chart, however many
    renderings use it."""
    return [chart.values_file(path) for path in [*reversed(files), chart.file(VALUES_FILE)]]


def _load_rendering(
    chart: _Chart,
    templates: dict[str, TemplateSource],
    rendered: Mapping[str, str],
    values: list[ValuesFile],
    variant: tuple[str, str] | None,
    scope: str,
) -> list[LoadedFile]:
    out: list[LoadedFile] = []
    for name in sorted(rendered):
        if name.endswith("NOTES.txt") or not rendered[name].strip():
            continue  # usage notes for humans; an empty rendering has no object
        template = templates.get(name) or _unknown_template(chart, name)
        text, origins, branches = unmark(rendered[name])
        rendered_lines = text.split("\n")
        line_map = fill_gaps(origins, rendered_lines, template.lines, template.bodies, branches)
        source = SourceFile(template.display, text, scope=scope)
        loaded = load_text(text, source)
        source.directives = template.directives
        chain = _subchart_values(values, name, chart) if "/charts/" in name else values
        origin = HelmOrigin(template, line_map, rendered_lines, chain, variant)
        for obj in loaded.objects:
            obj.origin = origin
            obj.template = template.packed
        # Problems of the rendered text (YAML a template printed wrong) at template lines.
        for problem in loaded.problems:
            problem.line = line_map[problem.line] if problem.line < len(line_map) else 0
            problem.end_line = problem.column = 0
            problem.end_column = None
            if variant is not None:
                problem.message += f" ({variant[0]} {variant[1]})"
        out.append(loaded)
    return out


def _subchart_values(values: list[ValuesFile], name: str, chart: _Chart) -> list[ValuesFile]:
    """A subchart's templates read the parent's values under the subchart's name, then
    the subchart's own values.yaml."""
    parts = name.split("/")
    nested = tuple(parts[index + 1] for index, part in enumerate(parts[:-1]) if part == "charts")
    chain = [ValuesFile(v.display, v.documents, (*nested, *v.prefix)) for v in values]
    own = chart.subchart_values.get(nested[0]) if len(nested) == 1 else None
    if own is not None:
        chain.append(own)
    return chain


class _TooLarge(Exception):
    """The chart cannot be copied to render it: too large, or unreadable (a symlink loop)."""


def _first_error(error: BaseException) -> str:
    """shutil.Error carries a list of (source, target, why); say the first."""
    if isinstance(error, shutil.Error) and error.args and isinstance(error.args[0], list):
        source, _target, why = error.args[0][0]
        return f"{display_path(source)}: {why}"
    return str(error)


def _marked_copy(
    chart: _Chart, workspace: str, branches: bool = True
) -> tuple[str, dict[str, TemplateSource]]:
    """Copy the chart into ``workspace`` with markers in its templates (and in those of
    the subcharts vendored as directories). Returns the copy and its templates by the
    names Helm gives them (``<chart>/templates/x.yaml``, ``<chart>/charts/<sub>/…``)."""
    copied = 0

    def copy_file(source: str, target: str) -> Any:
        nonlocal copied
        copied += os.path.getsize(source)
        if copied > MAX_CHART_BYTES:
            raise _TooLarge(
                f"the chart is over kubelint's limit of {MAX_CHART_BYTES:,} bytes;"
                " exclude it, or lint the output of `helm template`"
            )
        return shutil.copy2(source, target)

    copy = os.path.join(workspace, os.path.basename(chart.directory) or "chart")
    try:
        # Symbolic links are followed, as Helm's loader follows them.
        shutil.copytree(
            chart.directory,
            copy,
            symlinks=False,
            copy_function=copy_file,
            ignore=shutil.ignore_patterns(".git"),
            ignore_dangling_symlinks=True,
        )
    except (OSError, shutil.Error) as error:
        raise _TooLarge(f"cannot read the chart: {_first_error(error)}") from error
    for path, text in chart.unsaved.items():
        relative = os.path.relpath(path, chart.directory)
        if not relative.startswith(os.pardir):
            with open(os.path.join(copy, relative), "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
    templates: dict[str, TemplateSource] = {}
    _mark_chart(copy, chart.directory, chart.name, templates, branches)
    return copy, templates


_BASE_PATH = lazy_compile(r"Template\.BasePath")
_BASE_PATH_FILE = lazy_compile(r"Template\.BasePath\s*\"(/[^\"]+)\"")


def _mark_chart(
    copy: str, original: str, helm_name: str, templates: dict[str, TemplateSource], branches: bool
) -> None:
    template_dir = os.path.join(copy, "templates")
    found: list[tuple[str, str, str]] = []  # (path in the copy, Helm's name, text)
    for directory, _dirs, files in os.walk(template_dir):
        for name in sorted(files):
            path = os.path.join(directory, name)
            relative = os.path.relpath(path, copy)
            try:
                with open(path, encoding="utf-8", newline="") as handle:
                    text = handle.read()
            except (OSError, UnicodeDecodeError):
                continue  # Helm reports what it cannot read
            helm_path = f"{helm_name}/{relative.replace(os.sep, '/')}"
            templates[helm_path] = TemplateSource(
                display_path(os.path.join(original, relative)),
                text,
                parse_directives(text),
                text.split("\n"),
            )
            found.append((path, helm_path, text))
    # A template that another includes by its path (`include (print $.Template.BasePath
    # "/configmap.yaml") . | sha256sum`, the config checksum idiom) must stay as it is,
    # or the checksum would change; a path kubelint cannot read keeps every one as it is.
    included: set[str] = set()
    unknown = False
    for _path, _name, text in found:
        if _BASE_PATH.search(text):
            named = _BASE_PATH_FILE.findall(text)
            unknown |= len(named) < len(_BASE_PATH.findall(text))
            included.update(f"{helm_name}/templates{file}" for file in named)
    for path, helm_path, text in found:
        name = os.path.basename(path)
        if name.startswith("_") or name == "NOTES.txt":
            continue  # partials print only through include; notes are not manifests
        if unknown or helm_path in included:
            continue
        marked, bodies = mark_lines(text, branches)
        templates[helm_path].bodies = bodies
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(marked)
    charts = os.path.join(copy, "charts")
    if os.path.isdir(charts):
        for entry in sorted(os.listdir(charts)):
            sub_copy = os.path.join(charts, entry)
            if os.path.isdir(sub_copy) and is_chart(sub_copy):
                sub_name = _chart_name(sub_copy) or entry
                _mark_chart(
                    sub_copy,
                    os.path.join(original, "charts", entry),
                    f"{helm_name}/charts/{sub_name}",
                    templates,
                    branches,
                )


def _unknown_template(chart: _Chart, name: str) -> TemplateSource:
    """A template that was not marked: one kubelint could not read as UTF-8 (placed by
    its literal lines alone), or one in a packed subchart (placed on the archive)."""
    parts = name.split("/")
    path = os.path.join(chart.directory, *parts[1:])
    if os.path.isfile(path):
        data, _ = read_file(path)
        text = data.decode("utf-8", "replace") if data is not None else ""
        return TemplateSource(display_path(path), text, parse_directives(text), text.split("\n"))
    archive = chart.display
    if "charts" in parts:
        sub = parts[parts.index("charts") + 1]
        charts = chart.file("charts")
        for entry in sorted(os.listdir(charts)) if os.path.isdir(charts) else []:
            if entry.endswith(".tgz") and entry.startswith(sub):
                archive = chart.shown("charts", entry)
                break
    return TemplateSource(archive, "", Directives(), [""], packed=name)


def _missing_dependencies(chart: _Chart) -> list[LoadedFile]:
    """Dependencies in Chart.yaml that are not vendored under charts/: Helm refuses to
    render without them, and kubelint never downloads them."""
    path = chart.file(CHART_FILE)
    data, problem = read_file(path)
    if data is None:
        return [
            _problem_file(
                chart.shown(CHART_FILE), problem.message if problem else "cannot read Chart.yaml"
            )
        ]
    text = data.decode("utf-8", "replace")
    document = next((item for item in parse_stream(text) if isinstance(item, YamlDocument)), None)
    if document is None or not isinstance(document.value, dict):
        return []  # Helm reports a broken Chart.yaml when it loads the chart
    dependencies = document.value.get("dependencies")
    if not isinstance(dependencies, list):
        return []
    vendored = set(chart.subcharts)
    charts = chart.file("charts")
    archives = [entry for entry in os.listdir(charts)] if os.path.isdir(charts) else []
    problems: list[YamlProblem] = []
    for index, dependency in enumerate(dependencies):
        if not isinstance(dependency, dict) or not isinstance(dependency.get("name"), str):
            continue
        name = dependency["name"]
        repository = dependency.get("repository")
        if isinstance(repository, str) and repository.startswith("file://"):
            local = os.path.join(chart.directory, repository[len("file://") :])
            if is_chart(local):
                continue
        if name in vendored or any(
            entry.startswith(f"{name}-") and entry.endswith(".tgz") for entry in archives
        ):
            continue
        where = locate(
            document.positions, document.root, document.value, ("dependencies", index, "name")
        ).span
        source = f" from {repository}" if isinstance(repository, str) and repository else ""
        problems.append(
            YamlProblem(
                HELM_RENDER,
                f"chart dependency {name!r}{source} is not in charts/; kubelint"
                " never downloads charts: run `helm dependency build` and commit charts/, or"
                " exclude the chart",
                where.line,
                where.column,
                where.end_line,
                where.end_column,
            )
        )
    if not problems:
        return []
    loaded = LoadedFile(SourceFile(chart.shown(CHART_FILE), text))
    loaded.problems.extend(problems)
    return [loaded]


_HELM_POSITION = lazy_compile(
    r"(?P<name>[\w.\-/]+?\.(?:ya?ml|tpl|txt|json)):(?P<line>\d+)(?::(?P<column>\d+))?"
)


_SCHEMA_VIOLATION = lazy_compile(r" - at '(/[^']*)': (.*?)(?= - at '|\Z)")


_YAML_LINE = lazy_compile(r"\byaml: line (\d+):")
_CHART_FILE_ERROR = lazy_compile(r"cannot load (Chart\.yaml|values\.yaml):")


def _render_problems(
    chart: _Chart,
    templates: Mapping[str, TemplateSource],
    error: RenderError,
    workspace: str,
    values: Sequence[ValuesFile],
) -> list[LoadedFile]:
    """A render error as a ``helm-render`` finding where it is: the template line Helm
    names, the line of a values file or Chart.yaml Helm cannot parse, the values key a
    ``values.schema.json`` error names; else on Chart.yaml."""
    message = " ".join(str(error).replace(workspace + os.sep, "").split())
    yaml_line = _YAML_LINE.search(message)
    line = max(int(yaml_line.group(1)) - 1, 0) if yaml_line else 0
    if error.file is not None:
        return [_problem_file(display_path(error.file), message, line)]
    broken = _CHART_FILE_ERROR.search(message)
    if broken is not None:
        return [_problem_file(chart.shown(broken.group(1)), message, line)]
    violations = _SCHEMA_VIOLATION.findall(message) if "values don't meet" in message else []
    if violations:
        # One finding per violation, at the values key it names (the chart's name is
        # what Helm says before the first one).
        head = message[: message.index(" - at '")]
        problems = []
        for pointer, why in violations:
            path = tuple(
                part.replace("~1", "/").replace("~0", "~")
                for part in pointer.strip("/").split("/")
                if part
            )
            said = f"{head} at '{pointer}': {why.strip()}"
            located = next(
                (
                    (file.display, found)
                    for file in values
                    if (found := file.locate(path)) is not None
                ),
                (chart.shown(CHART_FILE), (0, 0)),
            )
            problems.append(_problem_file(located[0], said, *located[1]))
        return problems
    match = _HELM_POSITION.search(message)
    template = templates.get(match.group("name")) if match else None
    if match and template is not None and template.packed is None:
        line = max(int(match.group("line")) - 1, 0)
        column = max(int(match.group("column") or 1) - 1, 0)
        loaded = LoadedFile(SourceFile(template.display, template.text))
        loaded.source.directives = template.directives
        loaded.problems.append(YamlProblem(HELM_RENDER, message, line, column))
        return [loaded]
    return [_problem_file(chart.shown(CHART_FILE), message)]


def _problem_file(display: str, message: str, line: int = 0, column: int = 0) -> LoadedFile:
    data, _ = read_file(display)
    text = data.decode("utf-8", "replace") if data is not None else ""
    loaded = LoadedFile(SourceFile(display, text))
    loaded.source.directives = parse_directives(text)
    loaded.problems.append(YamlProblem(HELM_RENDER, message, line, column))
    return loaded
