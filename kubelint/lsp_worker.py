"""The process in which ``kubelint lsp`` lints: configs, plugins, rules and quick fixes.

The language server (``kubelint.lsp``) only talks to the editor; every lint runs here,
one at a time, so that nothing a document or a plugin does can stop the server from
answering:

* a long lint keeps no request waiting (the server's loop only sends jobs and waits);
* a plugin that calls ``sys.exit``, raises ``KeyboardInterrupt`` or even ``os._exit``
  ends at most this process; its lint becomes an error diagnostic naming the plugin;
* a lint over the time budget is abandoned: the watchdog thread here names the rule or
  plugin that was running and ends the process, and the server starts a new one for the
  next lint (a Python thread cannot be stopped, a process can).

Why a process rather than a thread: an abandoned thread would keep spinning (or, in C
code that holds the GIL, freeze the server after all), keep its memory, and
``os._exit`` would still end the server. The price: a second interpreter, each lint's
text pickled across (about 20 ms for 5 MB), and warm caches lost when the process is
ended.

Each lint gets a ``Job`` (the document's text and what the server knows about its
workspace) and answers an ``Outcome`` (its diagnostics and quick fixes, as lsprotocol
objects) or, past the budget, an ``Abandoned``.

As you type, a document is linted up to ``MAX_LIVE_OBJECTS`` documents/objects and
``MAX_LIVE_CHARS`` characters (cut at a ``---`` line): the findings up to there are
published with one Information diagnostic on line 1 saying how far it got.
``kubelint check`` has no such limit.
"""

from __future__ import annotations

import bisect
import dataclasses
import json
import logging
import os
import re
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from types import FrameType, TracebackType
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import unquote, urlsplit

from lsprotocol import types

from kubelint.config import CONFIG_NAMES, PYPROJECT, ConfigError, find_config
from kubelint.lsp_documents import Documents
from kubelint.plugins import PluginError, describe_error

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from kubelint.config import Config
    from kubelint.fix import Edit
    from kubelint.plugins import Registry
    from kubelint.report import Finding

logger = logging.getLogger(__name__)

#: As you type, a document is linted up to this many documents (``---``) or objects (a
#: ``kind: List``'s items count one by one); past it, the rest waits for
#: ``kubelint check``. A thousand Jobs, each with a finding and its quick fix, lint in
#: about a second.
MAX_LIVE_OBJECTS = 1000
#: ... and up to this many characters: twice the largest real-world bundle we know of
#: (Argo CD's ``install.yaml``, 2 MB, 59 objects, linted in 0.4 s).
MAX_LIVE_CHARS = 4 * 1024 * 1024

CONFIG_FILES = frozenset({*CONFIG_NAMES, PYPROJECT})
SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
#: A ``---`` line starts a YAML document (the marker cannot occur inside a scalar).
_DOCUMENT_START = re.compile(r"^---(?=[ \t\r]|$)", re.M)


# -- messages between the server and this process ---------------------------------------


@dataclass
class Job:
    """Lint one open document as it is now."""

    uri: str
    version: int | None
    text: str
    root: str | None  # the workspace root's path (for a buffer's config, kustomize roots)
    encoding: str | None  # the negotiated position encoding
    #: Config files whose cached configs are stale (None in the list: all of them).
    forget: list[str | None] = field(default_factory=list)


@dataclass
class Outcome:
    """What linting one document gave: its diagnostics, quick fixes and errors."""

    uri: str
    version: int | None
    #: None: a kustomize file's unsaved buffer, whose diagnostics of its last saved text
    #: stay (kustomize reads files from disk).
    diagnostics: list[types.Diagnostic] | None
    #: Or the diagnostics as the JSON array the server publishes (``diagnostics`` is then
    #: empty): thousands of lsprotocol objects took longer to pickle, unpickle and
    #: serialise than to lint the edit that changed one of them.
    encoded: str | None = None
    fixes: list[tuple[types.Diagnostic, types.CodeAction]] = field(default_factory=list)
    #: The diagnostics come from a chart rendering or kustomize build (kept for the
    #: unsaved buffer case above).
    rendered: bool = False
    #: Errors to show the user once (window/showMessage).
    errors: list[str] = field(default_factory=list)


@dataclass
class Abandoned:
    """A lint ran over its time budget; what was running then, when known."""

    uri: str
    version: int | None
    budget: float
    culprit: str | None


# -- positions ----------------------------------------------------------------------------


def _column_units(line: str, column: int, encoding: str | None) -> int:
    """A 0-based code-point column of ``line`` -> code units of the client's encoding."""
    prefix = line[:column]
    if prefix.isascii() or encoding == types.PositionEncodingKind.Utf32:
        return column
    beyond = column - len(prefix)  # past the end of the line: keep the distance
    if encoding == types.PositionEncodingKind.Utf8:
        return len(prefix.encode("utf-8", "surrogatepass")) + beyond
    return len(prefix.encode("utf-16-le", "surrogatepass")) // 2 + beyond


class Ranges:
    """Finding spans -> LSP ranges in one text, with what that needs computed once (a
    per-finding scan of a large document made thousands of findings quadratic)."""

    def __init__(self, text: str, encoding: str | None = None, lines: list[str] | None = None):
        self.text = text
        self.encoding = encoding
        self.ascii = text.isascii()
        # YAML ends lines at NEL, U+2028 and U+2029 too (none ASCII); LSP only at CR and LF.
        self.yaml_lines = not self.ascii and (
            "\x85" in text or "\u2028" in text or "\u2029" in text
        )
        self.lines = lines if lines is not None or self.ascii else _LINE_BREAK.split(text)
        self._starts: tuple[list[int], list[int]] | None = None

    def __call__(self, finding: Finding) -> types.Range:
        """A finding's 1-based, end-exclusive code-point span -> an LSP range (0-based)."""
        start_line, start, end_line, end = self.span(finding)
        return types.Range(types.Position(start_line, start), types.Position(end_line, end))

    def span(self, finding: Finding) -> tuple[int, int, int, int]:
        """The LSP range of a finding as (start line, character, end line, character)."""
        start_line, start = finding.line - 1, finding.column - 1
        end_line, end = finding.end_line - 1, finding.end_column - 1
        if self.yaml_lines:
            start_line, start = self._lsp_line(start_line, start)
            end_line, end = self._lsp_line(end_line, end)
        if not self.ascii:
            start = _column_units(self._line(start_line), start, self.encoding)
            end = _column_units(self._line(end_line), end, self.encoding)
        return max(start_line, 0), max(start, 0), max(end_line, 0), max(end, 0)

    def _line(self, number: int) -> str:
        lines = self.lines or []
        return lines[number] if 0 <= number < len(lines) else ""

    def _lsp_line(self, line: int, column: int) -> tuple[int, int]:
        """A (line, column) as YAML counts lines -> as LSP counts them."""
        if self._starts is None:
            from kubelint.yamlparse import line_starts

            self._starts = (
                line_starts(self.text),
                [0, *(match.end() for match in _LINE_BREAK.finditer(self.text))],
            )
        yaml_starts, lsp_starts = self._starts
        offset = yaml_starts[min(max(line, 0), len(yaml_starts) - 1)] + column
        number = bisect.bisect_right(lsp_starts, offset) - 1
        return number, offset - lsp_starts[number]


def to_range(
    finding: Finding, text: str, encoding: str | None = None, lines: list[str] | None = None
) -> types.Range:
    """A finding's 1-based, end-exclusive code-point span -> an LSP range (0-based)."""
    return Ranges(text, encoding, lines)(finding)


def _rule_url(registry: Registry, rule_id: str) -> str | None:
    """Where a finding's rule is documented (None for a rule the registry lacks)."""
    rule = registry.rules.get(rule_id)
    return rule.url if rule is not None else None


def to_diagnostic(finding: Finding, ranges: Ranges, url: str | None = None) -> types.Diagnostic:
    """``url``: the rule's documentation page, when it has one (policy rules have none)."""
    return types.Diagnostic(
        range=ranges(finding),
        message=finding.message,
        severity=SEVERITY.get(finding.severity, types.DiagnosticSeverity.Warning),
        code=finding.rule,
        code_description=types.CodeDescription(href=url) if url else None,
        source="kubelint",
    )


def notice(
    text: str, message: str, severity: types.DiagnosticSeverity, encoding: str | None
) -> types.Diagnostic:
    """A diagnostic about the whole document, on its first line (no rule, no code)."""
    first = _LINE_BREAK.split(text[: 64 * 1024], maxsplit=1)[0]
    end = _column_units(first, len(first), encoding)
    return types.Diagnostic(
        range=types.Range(types.Position(0, 0), types.Position(0, end)),
        message=message,
        severity=severity,
        source="kubelint",
    )


_RANGE_JSON = '{"range":{"start":{"line":%d,"character":%d},"end":{"line":%d,"character":%d}},%s}'


def _fields_json(message: str, severity: int, code: str | None, url: str | None) -> str:
    """A diagnostic's members after its range, as pygls writes them (None left out)."""
    parts = ['"message":' + json.dumps(message), f'"severity":{int(severity)}']
    if code is not None:
        parts.append('"code":' + json.dumps(code))
    if url:
        parts.append('"codeDescription":{"href":' + json.dumps(url) + "}")
    parts.append('"source":"kubelint"')
    return ",".join(parts)


def diagnostic_json(diagnostic: types.Diagnostic) -> str:
    """One diagnostic (a ``to_diagnostic`` or ``notice``) as JSON."""
    start, end = diagnostic.range.start, diagnostic.range.end
    code = diagnostic.code if diagnostic.code is None else str(diagnostic.code)
    href = diagnostic.code_description.href if diagnostic.code_description else None
    assert diagnostic.severity is not None
    return _RANGE_JSON % (
        start.line,
        start.character,
        end.line,
        end.character,
        _fields_json(diagnostic.message, diagnostic.severity, code, href),
    )


class Encoder:
    """Findings -> the JSON of their diagnostics, what ``to_diagnostic`` gives as pygls
    writes it; the members after the range are kept per rule, severity and message
    (the same findings come back after every edit).

    The whole JSON of each finding of the last call is kept too, by the finding's identity:
    after an edit, the findings of the unchanged YAML documents come back as the very
    same (frozen) objects (``kubelint.lsp_documents``). Only where a finding's range
    follows from its line and column alone: an ASCII text whose lines end only where
    LSP ends them (else the range depends on the text of its lines)."""

    LIMIT = 50_000  # kept members, then forgotten

    def __init__(self) -> None:
        self._fields: dict[tuple[str, str, str, str | None], str] = {}
        #: id(finding) -> its JSON, of the last call with ``_registry``; ``_held`` keeps
        #: those findings alive, so that no other object has one of these ids meanwhile.
        self._last: dict[int, str] = {}
        self._held: tuple[Finding, ...] = ()
        self._registry: Registry | None = None

    def __call__(
        self,
        findings: list[Finding],
        ranges: Ranges,
        registry: Registry,
        notices: list[types.Diagnostic],
    ) -> str:
        if len(self._fields) > self.LIMIT:
            self._fields.clear()
        plain = ranges.ascii  # (so no YAML-only line breaks)
        ids = list(map(id, findings))
        if plain and registry is self._registry:
            parts: list[str | None] = list(map(self._last.get, ids))
        else:
            parts = [None] * len(findings)
        for index, part in enumerate(parts):
            if part is None:
                parts[index] = self._json(findings[index], ranges, registry)
        done = cast("list[str]", parts)
        if plain:
            self._last = dict(zip(ids, done, strict=True))
            self._held, self._registry = tuple(findings), registry
        else:
            self._last, self._held, self._registry = {}, (), None
        items = [*map(diagnostic_json, notices), *done]
        if not items:
            return "[]"
        # The brackets go on the first and last items: one join makes the array (a
        # second copy of a large one cost more than all the rest of this).
        items[0] = "[" + items[0]
        items[-1] += "]"
        return ",".join(items)

    def _json(self, finding: Finding, ranges: Ranges, registry: Registry) -> str:
        url = _rule_url(registry, finding.rule)
        key = (finding.rule, finding.severity, finding.message, url)
        tail = self._fields.get(key)
        if tail is None:
            tail = self._fields[key] = _fields_json(
                finding.message,
                SEVERITY.get(finding.severity, types.DiagnosticSeverity.Warning),
                finding.rule,
                url,
            )
        return _RANGE_JSON % (*ranges.span(finding), tail)


class QuickFixes:
    """The safe fixes of one lint's findings as code actions: those that edit this
    document and give exactly the intended object (what ``kubelint check --fix``
    checks).

    Each fix is checked on the one YAML document it edits: ``kubelint.fix.apply``
    re-parses the whole text twice per fix, fine for a file fixed once, quadratic for a
    buffer with a fixable finding in each of hundreds of objects (200 Jobs took 31 s). A
    fix that leaves its own document as intended leaves the others as they were, since a
    ``---`` line cannot occur inside a scalar."""

    def __init__(self, uri: str, text: str, encoding: str | None, display: str):
        self.uri = uri
        self.text = text
        self.encoding = encoding
        self.display = display
        #: Where each YAML document starts (found on the first fix: most lints have none).
        self._documents: list[int] | None = None
        self._newlines: list[int] | None = None
        self._line_starts: list[int] | None = None

    def __call__(self, finding: Finding, diagnostic: types.Diagnostic) -> types.CodeAction | None:
        edit = finding.edit
        if edit is None or edit.file != self.display or not self._verified(edit):
            return None
        value = edit.value if isinstance(edit.value, str) else repr(edit.value)
        return types.CodeAction(
            title=f"Fix {finding.rule}: {edit.title or f'set {edit.path[-1]} to {value}'}",
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[diagnostic],
            is_preferred=True,
            edit=types.WorkspaceEdit(
                changes={
                    self.uri: [
                        types.TextEdit(
                            range=types.Range(self._position(edit.start), self._position(edit.end)),
                            new_text=edit.text,
                        )
                    ]
                }
            ),
        )

    def _verified(self, edit: Edit) -> bool:
        from kubelint.fix import apply
        from kubelint.yamlparse import line_starts

        text = self.text
        if self._documents is None:
            self._documents = [match.start() for match in _DOCUMENT_START.finditer(text)]
        documents = self._documents
        index = bisect.bisect_right(documents, edit.start)
        begin = documents[index - 1] if index else 0
        end = documents[index] if index < len(documents) else len(text)
        if edit.end > end or (begin == 0 and end == len(text)):
            return apply(text, [edit]) is not None
        if self._line_starts is None:
            self._line_starts = line_starts(text)
        shift = bisect.bisect_left(self._line_starts, begin)  # lines before the document
        moved = dataclasses.replace(
            edit,
            start=edit.start - begin,
            end=edit.end - begin,
            document_line=edit.document_line - shift,
        )
        return apply(text[begin:end], [moved]) is not None

    def _position(self, offset: int) -> types.Position:
        """An offset into the text -> an LSP position (lines end at LF, as LSP counts)."""
        if self._newlines is None:
            self._newlines = [match.start() for match in re.finditer("\n", self.text)]
        line = bisect.bisect_left(self._newlines, offset)
        start = self._newlines[line - 1] + 1 if line else 0
        end = self._newlines[line] if line < len(self._newlines) else len(self.text)
        current = self.text[start:end]
        return types.Position(line, _column_units(current, offset - start, self.encoding))


# -- documents ------------------------------------------------------------------------------


def document_path(uri: str) -> str | None:
    """The file a ``file:`` URI names, or None: another scheme, or a name no path can
    hold (a NUL byte, bytes that are not UTF-8), which is linted as an unsaved buffer."""
    if not uri.startswith("file:"):
        return None
    from pygls.uris import to_fs_path

    try:
        unquote(urlsplit(uri).path, errors="strict")
    except (UnicodeDecodeError, ValueError):
        return None
    path = to_fs_path(uri)
    if path is None or "\x00" in path:
        return None
    return path


def live_part(text: str) -> tuple[str, bool]:
    """The part of ``text`` linted as you type: all of it, or the documents before the
    ``---`` line where ``MAX_LIVE_OBJECTS`` or ``MAX_LIVE_CHARS`` is reached; and whether
    that is less than all of it."""
    if len(text) <= MAX_LIVE_CHARS and text.count("\n---") < MAX_LIVE_OBJECTS - 1:
        return text, False  # the common case, without a regex over the text
    cut = 0
    documents = 0  # before the --- line at ``cut``
    for match in _DOCUMENT_START.finditer(text):
        start = match.start()
        if start > MAX_LIVE_CHARS:
            break
        if cut or text[:start].strip():  # a document ends here
            documents += 1
        cut = start
        if documents >= MAX_LIVE_OBJECTS:
            break
    else:
        if len(text) <= MAX_LIVE_CHARS and documents < MAX_LIVE_OBJECTS:
            return text, False
    return text[:cut], True


@dataclass
class _Resolved:
    """One config file's outcome: a usable config, or the error that made it unusable."""

    stamp: tuple[int, int] | None  # (mtime_ns, size) of the config file when read
    config: Config | None = None
    registry: Registry | None = None
    error: str | None = None
    #: (path, stamp) of each base config the file extends (``extends:``).
    bases: list[tuple[str, tuple[int, int] | None]] = field(default_factory=list)

    def current(self, stamp: tuple[int, int] | None) -> bool:
        """Whether the config file, and every base it extends, is as it was read."""
        return stamp == self.stamp and all(_stamp(base) == seen for base, seen in self.bases)


def _stamp(path: str | None) -> tuple[int, int] | None:
    if path is None:
        return None
    try:
        stat = os.stat(path)
    except (OSError, ValueError):
        return None
    return stat.st_mtime_ns, stat.st_size


class Linting:
    """What this process keeps warm between lints: configs and their registries (the
    schema bundles are cached by ``kubelint.schema.load_bundle``)."""

    def __init__(self) -> None:
        #: config file path (None: kubelint's defaults) -> its resolved config or error
        self.configs: dict[str | None, _Resolved] = {}
        #: the registry of the lint running now, for naming a rule's plugin
        self.registry: Registry | None = None
        #: what is kept of the documents linted lately, to re-lint only what changed
        self.documents = Documents()
        self.encode = Encoder()

    def resolve(self, config_path: str | None) -> _Resolved:
        """The cached config of ``config_path``, re-read when the file, or a base it
        extends, changed."""
        stamp = _stamp(config_path)
        cached = self.configs.get(config_path)
        if cached is not None and cached.current(stamp):
            return cached
        from kubelint.lint import resolve_config

        try:
            config, registry = resolve_config(config_path)
            resolved = _Resolved(
                stamp, config, registry, bases=[(base, _stamp(base)) for base in config.sources[1:]]
            )
        except (ConfigError, PluginError) as error:
            message = str(error)
            if config_path is not None and config_path not in message:
                message = f"{config_path}: {message}"
            resolved = _Resolved(stamp, error=message)
        self.configs[config_path] = resolved
        return resolved

    def warm_up(self) -> None:
        """Build the default registry, import its rules and load the newest schema
        bundle before the first document arrives, so the first lint is as quick as the
        next ones."""
        try:
            resolved = self.resolve(None)
            if resolved.config is not None and resolved.registry is not None:
                from kubelint.engine import Linter
                from kubelint.schema import load_bundle

                Linter(resolved.config, resolved.registry).import_checks()
                load_bundle(resolved.config.kubernetes_version)
        except Exception:  # only an optimisation
            logger.exception("warming up failed")

    def run(self, job: Job) -> Outcome:
        """Lint ``job``; whatever a plugin raises (``SystemExit`` and
        ``KeyboardInterrupt`` included) becomes an error diagnostic, never an exit."""
        for path in job.forget:
            if path is None:
                self.configs.clear()
            else:
                self.configs.pop(os.path.abspath(path), None)
        try:
            return self.lint(job)
        except BaseException as error:  # a plugin must not end the server
            logger.error("linting %s failed:\n%s", job.uri, traceback.format_exc())
            try:
                culprit = culprit_in_traceback(error.__traceback__, self.registry)
            except Exception:
                culprit = None
            message = f"kubelint failed on this document: {describe_error(error)}" + (
                f" ({culprit})" if culprit else ""
            )
            return Outcome(
                job.uri,
                job.version,
                [notice(job.text, message, types.DiagnosticSeverity.Error, job.encoding)],
                errors=[message],
            )
        finally:
            self.registry = None

    def lint(self, job: Job) -> Outcome:
        outcome = Outcome(job.uri, job.version, [])
        path = document_path(job.uri)
        if path is not None and os.path.basename(path) in CONFIG_FILES:
            return outcome  # a config file is not a manifest
        # An unsaved buffer (or a name no file can have) uses the workspace's config.
        start = os.path.dirname(path) if path is not None else job.root or os.getcwd()
        resolved = self.resolve(find_config(start))
        if resolved.error is not None:
            outcome.errors.append(resolved.error)
            outcome.diagnostics = [
                notice(
                    job.text,
                    f"kubelint cannot use its config: {resolved.error}",
                    types.DiagnosticSeverity.Error,
                    job.encoding,
                )
            ]
            return outcome
        assert resolved.config is not None and resolved.registry is not None
        config, registry = resolved.config, resolved.registry
        self.registry = registry
        if path is None:
            return self._lint_live(job, outcome, None, config, registry)
        if config.is_excluded(os.path.abspath(path)):
            return outcome
        rendered = _rendered_from(path, job.text, config)
        if rendered is None:
            roots = _kustomize_roots(path, job.root)
            if roots:
                # kustomize reads the files from disk: an unsaved buffer keeps the
                # diagnostics of its last saved text until it is saved.
                if _disk_text(path) != job.text:
                    outcome.diagnostics = None
                    return outcome
                from kubelint.kustomize import build_roots

                rendered = build_roots(roots)
        if rendered is not None:
            return self._lint_rendered(job, outcome, path, rendered, config, registry)
        return self._lint_live(job, outcome, path, config, registry)

    def _lint_rendered(
        self,
        job: Job,
        outcome: Outcome,
        path: str,
        rendered: list[Any],
        config: Config,
        registry: Registry,
    ) -> Outcome:
        """A chart's template or values file, or a file a kustomize build reads: the
        chart or build made with this buffer, and the findings that belong to this file."""
        from kubelint.engine import Linter

        report = Linter(config, registry).run(rendered)
        ranges = Ranges(job.text, job.encoding)
        fixes = QuickFixes(job.uri, job.text, job.encoding, path)
        diagnostics = outcome.diagnostics = []
        here = os.path.abspath(path)
        for finding in report.findings:
            if os.path.abspath(finding.file) != here:
                continue
            diagnostic = to_diagnostic(finding, ranges, _rule_url(registry, finding.rule))
            diagnostics.append(diagnostic)
            action = fixes(finding, diagnostic)
            if action is not None:
                outcome.fixes.append((diagnostic, action))
        outcome.rendered = True
        return outcome

    def _lint_live(
        self, job: Job, outcome: Outcome, path: str | None, config: Config, registry: Registry
    ) -> Outcome:
        """A plain document as it is in the editor (the part of it that is linted as
        you type), re-using what is kept of its last lint."""
        from kubelint.lint import lint_text

        text, encoding = job.text, job.encoding
        display = path or job.uri
        live, truncated = live_part(text)
        findings = None
        if not truncated:  # the kept segments of the document, when they can serve
            findings = self.documents.lint(
                job.uri, live, config, registry, display, path or "", MAX_LIVE_OBJECTS
            )
        shown_lines = live.count("\n")  # when truncated: the lines linted
        if findings is None:
            checked = lint_text(
                live,
                display,
                config,
                registry=registry,
                path=path or "",
                max_objects=MAX_LIVE_OBJECTS,
            )
            if checked.checked_lines is not None:  # the items of a kind: List
                truncated, shown_lines = True, checked.checked_lines
            findings = checked
        ranges = Ranges(live, encoding)
        fixes = QuickFixes(job.uri, live, encoding, display)
        for finding in findings:
            if finding.edit is None:
                continue
            diagnostic = to_diagnostic(finding, ranges, _rule_url(registry, finding.rule))
            action = fixes(finding, diagnostic)
            if action is not None:
                outcome.fixes.append((diagnostic, action))
        notices = []
        if truncated:
            where = f"its first {shown_lines} lines" if shown_lines else "none of it"
            notices.append(
                notice(
                    text,
                    f"This document is too large to lint fully as you type (over"
                    f" {MAX_LIVE_OBJECTS} objects or {MAX_LIVE_CHARS // 1024 // 1024} MiB):"
                    f" kubelint linted {where}. Run `kubelint check` on the file for all"
                    " of it.",
                    types.DiagnosticSeverity.Information,
                    encoding,
                )
            )
        outcome.encoded = self.encode(findings, ranges, registry, notices)
        return outcome


def _rendered_from(path: str, text: str, config: Any) -> list[Any] | None:
    """The loaded files of the chart ``path`` belongs to, rendered with ``text`` for it;
    None for a file that is not a chart's (linted as it is)."""
    from kubelint.layout import chart_of, is_plain_manifest

    chart = chart_of(path)
    if chart is None or is_plain_manifest(chart, path):
        return None
    from kubelint import helm

    options = helm.ChartOptions(
        config.helm.values,
        config.helm.set,
        config.helm.release_name,
        config.namespace,
        config.kubernetes_version,
        config.helm.ci_values,
    )
    return helm.lint_chart(chart, options, helm.find_renderer(), {os.path.abspath(path): text})


def _kustomize_roots(path: str, workspace: str | None) -> list[str]:
    """The kustomization roots whose builds read ``path`` (a patch, a resource, a
    kustomization), looked for in the workspace (else the file's directory)."""
    from kubelint.kustomize import Owners

    absolute = os.path.abspath(path)
    root = (
        workspace
        if workspace and not os.path.relpath(absolute, workspace).startswith(os.pardir)
        else os.path.dirname(absolute)
    )
    return Owners(root)(absolute)


def _disk_text(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError):
        return None


# -- who was running ----------------------------------------------------------------------


def _describe_frame(frame: FrameType, registry: Registry | None) -> str | None:
    """What plugin code ``frame`` says is running: a rule on an object, a plugin being
    imported or listing its rules."""
    from kubelint import engine, plugins

    code = frame.f_code
    if code is engine.check_object.__code__:
        rule, obj = frame.f_locals.get("rule"), frame.f_locals.get("obj")
        if rule is None:
            return None
        owner = registry.owners.get(rule.id) if registry is not None else None
        text = f"rule {rule.id!r}"
        if owner and owner != "kubelint.builtin":
            text += f" of plugin {owner!r}"
        if obj is not None:
            text += f" on {obj.kind} {obj.display_name or '?'}"
        return text
    if code is plugins._load_local.__code__:
        return f"plugin {frame.f_locals.get('spec')!r}, while it was imported"
    if code is plugins._collect.__code__ and "owner" in frame.f_locals:
        return f"plugin {frame.f_locals['owner']!r}, while it listed its rules"
    return None


def culprit_in_frames(frame: FrameType | None, registry: Registry | None) -> str | None:
    """The innermost plugin code on a thread's stack (``frame``: its current frame)."""
    while frame is not None:
        found = _describe_frame(frame, registry)
        if found is not None:
            return found
        frame = frame.f_back
    return None


def culprit_in_traceback(tb: TracebackType | None, registry: Registry | None) -> str | None:
    frames = [frame for frame, _line in traceback.walk_tb(tb)]
    for frame in reversed(frames):  # innermost first
        found = _describe_frame(frame, registry)
        if found is not None:
            return found
    return None


# -- the process ------------------------------------------------------------------------------


class Watchdog:
    """Ends this process when a lint runs past ``budget`` seconds, after telling the
    server what was running (a thread that runs Python code cannot be stopped from
    outside; a process can be ended)."""

    EXIT_STATUS = 70

    def __init__(self, conn: Connection, budget: float, linting: Linting):
        self.conn = conn
        self.budget = budget
        self.linting = linting
        self.lock = threading.Condition()
        self.job: Job | None = None
        self.started = 0.0
        self.main = threading.get_ident()
        threading.Thread(target=self._watch, name="kubelint-watchdog", daemon=True).start()

    def begin(self, job: Job) -> None:
        with self.lock:
            self.job, self.started = job, time.monotonic()
            self.lock.notify()

    def send(self, outcome: Outcome) -> None:
        """Send the lint's outcome (under the lock: never together with an Abandoned)."""
        with self.lock:
            self.job = None
            self.conn.send(outcome)

    def _watch(self) -> None:
        with self.lock:
            while True:
                if self.job is None:
                    self.lock.wait()
                    continue
                left = self.started + self.budget - time.monotonic()
                if left > 0:
                    self.lock.wait(left)
                    continue
                job = self.job
                try:
                    frame = sys._current_frames().get(self.main)
                    culprit = culprit_in_frames(frame, self.linting.registry)
                except Exception:  # naming it is a courtesy; ending it is the point
                    culprit = None
                logger.error(
                    "linting %s took over %s s; abandoned (%s)",
                    job.uri,
                    self.budget,
                    culprit or "nothing known runs",
                )
                try:
                    self.conn.send(Abandoned(job.uri, job.version, self.budget, culprit))
                finally:
                    os._exit(self.EXIT_STATUS)


def serve(conn: Connection, budget: float) -> None:
    """The process's main function: lint each job received on ``conn``, until the server
    closes it."""
    import signal

    # Standard output is the editor's channel (inherited): a plugin's print() must not
    # write into it.
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    # Ctrl-C in the editor's terminal reaches the whole process group; the server decides.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    linting = Linting()
    watchdog = Watchdog(conn, budget, linting)
    linting.warm_up()
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        watchdog.begin(job)
        outcome = linting.run(job)
        try:
            watchdog.send(outcome)
        except (EOFError, OSError):
            return
        except Exception as error:  # e.g. an unpicklable message
            message = f"kubelint failed on this document: {describe_error(error)}"
            watchdog.send(
                Outcome(
                    job.uri,
                    job.version,
                    [notice(job.text, message, types.DiagnosticSeverity.Error, job.encoding)],
                    errors=[message],
                )
            )
