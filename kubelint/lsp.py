"""``kubelint lsp``: a Language Server Protocol server over standard input and output.

Editors get kubelint's findings as diagnostics while typing:

* ``textDocument/didOpen`` and ``didSave`` lint at once; ``didChange`` (full sync) lints
  after about 150 ms without further changes to that document (a newer change cancels the
  pending lint), always the latest text; ``didClose`` clears the document's diagnostics.
* Only YAML and JSON documents are linted (language id ``yaml`` or ``json``, or a
  ``.yaml``/``.yml``/``.json`` URI); config files themselves are not manifests.
* Each document uses the config found upward from its own directory (``.kubelint.yaml``,
  ``.kubelint.yml`` or ``pyproject.toml`` with ``[tool.kubelint]``), as ``kubelint check``
  run from that directory would, with the document's path for per-path overrides and
  excludes (an excluded file gets no diagnostics); a buffer without a file uses the
  workspace root's config. The resolved config and its rule registry are cached per
  config file and dropped when a config file is saved or reported changed
  (``workspace/didChangeWatchedFiles``, or its modification time moved).
* A config or plugin error does not stop the server: the document gets one Error
  diagnostic on its first line with the error, the editor is told once
  (``window/showMessage``), and linting resumes when the config is fixed.
* Positions are converted from kubelint's 1-based code-point columns to the 0-based
  position encoding negotiated with the client (UTF-16 code units unless the client
  offers another).

The process stays warm between edits: registries, configs and the schema bundles
(``kubelint.schema.load_bundle`` is cached per process) are built once.

Hostile or broken traffic gets answers, not silence (``kubelint.lsp_stream``): a frame
that cannot be read gets a JSON-RPC error with id null (-32700, or -32600 for a message
over 64 MiB, whose bytes are dropped unread into memory) and the server resynchronises on
the next ``Content-Length`` header. Every request gets exactly one response: its result,
or -32600 (not a valid request: an id that is not an integer or string, a method that is
not a string; any request after ``shutdown``), -32601 (unknown method) or -32602 (params
of the wrong shape). A notification that cannot be handled is logged on standard error.

Quick fixes: the safe fixes of ``kubelint check --fix`` are offered as code actions on
their diagnostics, when they apply to the document and re-parse to the intended object.
pygls is imported only here, so other commands start without it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import sys
import threading
import traceback
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO

from lsprotocol import types
from pygls.io_ import StdoutWriter
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from kubelint import __version__
from kubelint.config import CONFIG_NAMES, PYPROJECT, ConfigError, find_config
from kubelint.lsp_stream import (
    INVALID_PARAMS,
    INVALID_REQUEST,
    MessageReader,
    Refused,
    check_message,
)
from kubelint.plugins import PluginError

if TYPE_CHECKING:
    from asyncio import TimerHandle
    from concurrent.futures import Future

    from kubelint.config import Config
    from kubelint.plugins import Registry
    from kubelint.report import Finding

logger = logging.getLogger(__name__)

#: Quiet time after the last change before a document is linted again.
DEBOUNCE_SECONDS = 0.15
LANGUAGES = frozenset({"yaml", "json", "helm"})  # "helm": chart templates in VS Code
SUFFIXES = (".yaml", ".yml", ".json")
CONFIG_FILES = frozenset({*CONFIG_NAMES, PYPROJECT})
SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_READ_CHUNK = 64 * 1024


@dataclass
class _Resolved:
    """One config file's outcome: a usable config, or the error that made it unusable."""

    stamp: tuple[int, int] | None  # (mtime_ns, size) of the config file when read
    config: Config | None = None
    registry: Registry | None = None
    error: str | None = None


def _stamp(path: str | None) -> tuple[int, int] | None:
    if path is None:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def _column_units(line: str, column: int, encoding: str | None) -> int:
    """A 0-based code-point column of ``line`` -> code units of the client's encoding."""
    prefix = line[:column]
    if prefix.isascii() or encoding == types.PositionEncodingKind.Utf32:
        return column
    beyond = column - len(prefix)  # past the end of the line: keep the distance
    if encoding == types.PositionEncodingKind.Utf8:
        return len(prefix.encode("utf-8", "surrogatepass")) + beyond
    return len(prefix.encode("utf-16-le", "surrogatepass")) // 2 + beyond


def to_range(finding: Finding, text: str, encoding: str | None = None,
             lines: list[str] | None = None) -> types.Range:
    """A finding's 1-based, end-exclusive code-point span -> an LSP range (0-based)."""
    start_line, start = finding.line - 1, finding.column - 1
    end_line, end = finding.end_line - 1, finding.end_column - 1
    if "\x85" in text or "\u2028" in text or "\u2029" in text:
        # YAML ends lines at NEL, U+2028 and U+2029 too; LSP only at CR and LF.
        start_line, start = _lsp_line(text, start_line, start)
        end_line, end = _lsp_line(text, end_line, end)
    if not text.isascii():
        if lines is None:
            lines = _LINE_BREAK.split(text)

        def line_at(number: int) -> str:
            return lines[number] if 0 <= number < len(lines) else ""

        start = _column_units(line_at(start_line), start, encoding)
        end = _column_units(line_at(end_line), end, encoding)
    return types.Range(types.Position(max(start_line, 0), max(start, 0)),
                       types.Position(max(end_line, 0), max(end, 0)))


def _lsp_line(text: str, line: int, column: int) -> tuple[int, int]:
    """A (line, column) as YAML counts lines -> as LSP counts them."""
    import bisect

    from kubelint.yamlparse import line_starts

    yaml_starts = line_starts(text)
    offset = yaml_starts[min(max(line, 0), len(yaml_starts) - 1)] + column
    lsp_starts = [0, *(match.end() for match in _LINE_BREAK.finditer(text))]
    number = bisect.bisect_right(lsp_starts, offset) - 1
    return number, offset - lsp_starts[number]


def to_diagnostic(finding: Finding, text: str, encoding: str | None = None,
                  lines: list[str] | None = None, url: str | None = None) -> types.Diagnostic:
    """``url``: the rule's documentation page, when it has one (policy rules have none)."""
    return types.Diagnostic(
        range=to_range(finding, text, encoding, lines),
        message=finding.message,
        severity=SEVERITY.get(finding.severity, types.DiagnosticSeverity.Warning),
        code=finding.rule,
        code_description=types.CodeDescription(href=url) if url else None,
        source="kubelint",
    )


def _position(text: str, offset: int, encoding: str | None) -> types.Position:
    line = text.count("\n", 0, offset)
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", start)
    current = text[start:end if end >= 0 else len(text)]
    return types.Position(line, _column_units(current, offset - start, encoding))


def quick_fix(uri: str, finding: Finding, diagnostic: types.Diagnostic, text: str,
              encoding: str | None, display: str) -> types.CodeAction | None:
    """The safe fix of a finding as a code action, when it edits this document and gives
    exactly the intended object (the same check as ``kubelint check --fix``)."""
    from kubelint.fix import apply

    edit = finding.edit
    if edit is None or edit.file != display or apply(text, [edit]) is None:
        return None
    value = edit.value if isinstance(edit.value, str) else repr(edit.value)
    return types.CodeAction(
        title=f"Fix {finding.rule}: set {edit.path[-1]} to {value}",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic],
        is_preferred=True,
        edit=types.WorkspaceEdit(changes={uri: [types.TextEdit(
            range=types.Range(_position(text, edit.start, encoding),
                              _position(text, edit.end, encoding)),
            new_text=edit.text)]}),
    )


def _overlaps(a: types.Range, b: types.Range) -> bool:
    return (a.start.line, a.start.character) <= (b.end.line, b.end.character) and \
        (b.start.line, b.start.character) <= (a.end.line, a.end.character)


class _Input:
    """Standard input in chunks, read on a daemon thread: a read that waits for a client
    that said exit but keeps the pipe open must not keep the process alive."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream
        self.loop = asyncio.get_running_loop()
        self.chunks: asyncio.Queue[bytes] = asyncio.Queue()
        self.room = threading.Semaphore(16)  # read ahead at most 1 MiB
        threading.Thread(target=self._run, name="kubelint-stdin", daemon=True).start()

    def _run(self) -> None:
        # os.read on the descriptor: a buffered reader's lock, held by a read still
        # waiting when the interpreter exits, makes the exit abort (SIGABRT).
        try:
            fd = self.stream.fileno()
        except (AttributeError, OSError, ValueError):
            read = getattr(self.stream, "read1", self.stream.read)
        else:
            def read(size: int) -> bytes:
                return os.read(fd, size)
        while True:
            self.room.acquire()
            try:
                chunk = read(_READ_CHUNK)
            except (OSError, ValueError):
                chunk = b""
            try:
                self.loop.call_soon_threadsafe(self.chunks.put_nowait, chunk)
            except RuntimeError:
                return
            if not chunk:
                return

    async def read(self) -> bytes:
        chunk = await self.chunks.get()
        self.room.release()
        return chunk


class KubelintLanguageServer(LanguageServer):
    """The server plus what it keeps warm between edits."""

    def __init__(self) -> None:
        super().__init__("kubelint", __version__,
                         text_document_sync_kind=types.TextDocumentSyncKind.Full)
        #: config file path (None: kubelint's defaults) -> its resolved config or error
        self.configs: dict[str | None, _Resolved] = {}
        #: pending debounced lints, per document URI
        self.timers: dict[str, TimerHandle] = {}
        #: errors already shown with window/showMessage (each is shown once)
        self.shown: set[str] = set()
        #: per document URI: the quick fixes of its last lint (diagnostic, code action)
        self.fixes: dict[str, list[tuple[types.Diagnostic, types.CodeAction]]] = {}
        #: per document URI of a kustomize build's file: its diagnostics as last saved
        self.built: dict[str, list[types.Diagnostic]] = {}

    # -- the conversation ----------------------------------------------------------------

    def start_io(self, stdin: BinaryIO | None = None,
                 stdout: BinaryIO | None = None) -> None:
        """Serve on standard input and output until the client says exit (pygls's own
        loop, with kubelint's reader: see ``kubelint.lsp_stream``)."""
        self._stop_event = threading.Event()
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
        try:
            asyncio.run(self._serve(stdin or sys.stdin.buffer))
        except BrokenPipeError:
            logger.error("the client closed the connection")
        except (KeyboardInterrupt, SystemExit):  # SystemExit: pygls's exit handler
            pass
        finally:
            self.shutdown()  # type: ignore[no-untyped-call]

    async def _serve(self, stdin: BinaryIO) -> None:
        reader = MessageReader(_Input(stdin).read)
        async for message in reader.messages():
            if isinstance(message, Refused):
                self.reply_error(None, message.code, message.message)
            else:
                self.receive(message)
            if self._stop_event is not None and self._stop_event.is_set():
                break

    def receive(self, data: Any) -> None:
        """Hand one parsed message to pygls, or answer what pygls would leave unanswered."""
        invalid = check_message(data)
        if invalid is not None:
            logger.warning("kubelint lsp: %s", invalid.message)
            if invalid.answer:
                self.reply_error(invalid.id, invalid.code, invalid.message)
            return
        method = data.get("method")
        request = method is not None and "id" in data
        if request and getattr(self.protocol, "_shutdown", False):
            # LSP: requests after shutdown fail with InvalidRequest (pygls ignores them).
            self.reply_error(data["id"], INVALID_REQUEST,
                             f"{method}: the server was shut down; only exit is taken")
            return
        if method is not None and "params" not in data:
            # pygls's generic message types require params; JSON-RPC lets them be left out
            # (an unknown method must still get -32601, not -32602).
            data = {**data, "params": None}
        try:
            message = self.protocol.structure_message(data)
        except Exception as error:  # cattrs says why the params do not fit
            problem = _params_problem(error)
            if request:
                self.reply_error(data["id"], INVALID_PARAMS,
                                 f"invalid params for {method}: {problem}")
            else:
                logger.warning("kubelint lsp: ignored %s: %s", method or "a response", problem)
            return
        try:
            self.protocol.handle_message(message)
        except Exception:  # pygls answers handler errors itself; this is a bug of ours
            logger.exception("kubelint lsp: handling %s failed", method)
            if request:
                self.reply_error(data["id"], -32603, f"{method}: internal error")

    def reply_error(self, message_id: int | str | None, code: int, message: str) -> None:
        # A plain dict: "id": null must be sent, and pygls's converter drops None fields.
        self.protocol._send_data({"jsonrpc": "2.0", "id": message_id,
                                  "error": {"code": code, "message": message}})

    # -- config ----------------------------------------------------------------------

    def resolve(self, config_path: str | None) -> _Resolved:
        """The cached config of ``config_path``, re-read when the file changed."""
        stamp = _stamp(config_path)
        cached = self.configs.get(config_path)
        if cached is not None and cached.stamp == stamp:
            return cached
        from kubelint.lint import resolve_config

        try:
            if config_path is None:
                config, registry = resolve_config(None)
            else:
                config, registry = resolve_config(config_path)
            resolved = _Resolved(stamp, config, registry)
        except (ConfigError, PluginError) as error:
            message = str(error)
            if config_path is not None and config_path not in message:
                message = f"{config_path}: {message}"
            resolved = _Resolved(stamp, error=message)
        self.configs[config_path] = resolved
        return resolved

    def invalidate(self, paths: Iterable[str] | None = None) -> None:
        """Forget the configs at ``paths`` (all of them when None); re-lint open documents.

        Configs are found per document, so a created or deleted config file changes which
        one applies: every open document is linted again."""
        if paths is None:
            self.configs.clear()
        else:
            for path in paths:
                self.configs.pop(os.path.abspath(path), None)
        self.shown.clear()
        for uri in list(self.workspace.text_documents):
            self.lint(uri)

    # -- linting ---------------------------------------------------------------------

    def lint_later(self, uri: str) -> None:
        self.cancel(uri)
        loop = asyncio.get_running_loop()
        self.timers[uri] = loop.call_later(DEBOUNCE_SECONDS, self._lint_timer, uri)

    def _lint_timer(self, uri: str) -> None:
        self.timers.pop(uri, None)
        self.lint(uri)

    def cancel(self, uri: str) -> None:
        timer = self.timers.pop(uri, None)
        if timer is not None:
            timer.cancel()

    def lint(self, uri: str) -> None:
        """Lint the open document's current text and publish its diagnostics."""
        self.cancel(uri)
        document = self.workspace.text_documents.get(uri)
        if document is None or not _lintable(uri, document.language_id):
            return
        try:
            diagnostics = self.diagnostics(uri, document.source)
        except Exception:  # a kubelint bug must not take the editor's linter down
            details = traceback.format_exc()
            logger.error("linting %s failed:\n%s", uri, details)
            self.tell(f"kubelint failed on {uri}: {details.strip().splitlines()[-1]}")
            return
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, diagnostics=diagnostics, version=document.version))

    def diagnostics(self, uri: str, text: str) -> list[types.Diagnostic]:
        from kubelint.lint import Linter
        from kubelint.loader import load_text
        from kubelint.model import SourceFile

        path = to_fs_path(uri) if uri.startswith("file:") else None
        if path is not None and os.path.basename(path) in CONFIG_FILES:
            return []  # a config file is not a manifest
        if path is not None:
            start = os.path.dirname(path)
        else:  # an unsaved buffer: the workspace's config, if any
            start = self.workspace.root_path or os.getcwd()
        resolved = self.resolve(find_config(start))
        if resolved.error is not None:
            self.tell(resolved.error)
            first = _LINE_BREAK.split(text, maxsplit=1)[0]
            end = _column_units(first, len(first), self.workspace.position_encoding)
            return [types.Diagnostic(
                range=types.Range(types.Position(0, 0), types.Position(0, end)),
                message=f"kubelint cannot use its config: {resolved.error}",
                severity=types.DiagnosticSeverity.Error,
                source="kubelint",
            )]
        assert resolved.config is not None and resolved.registry is not None
        config = resolved.config
        if path is not None and config.is_excluded(os.path.abspath(path)):
            return []
        display = path or uri
        rendered = _rendered_from(path, text, config) if path is not None else None
        if rendered is None and path is not None:
            roots = _kustomize_roots(path, self.workspace.root_path)
            if roots:
                # kustomize reads the files from disk: an unsaved buffer keeps the
                # diagnostics of its last saved text until it is saved.
                if _disk_text(path) != text:
                    return self.built.get(uri, [])
                from kubelint.kustomize import build_roots

                rendered = build_roots(roots)
        if rendered is not None and path is not None:
            # A chart's template or values file: the chart rendered with this buffer,
            # and the findings that belong to this file.
            report = Linter(config, resolved.registry).run(rendered)
            report.findings = [finding for finding in report.findings
                               if os.path.abspath(finding.file) == os.path.abspath(path)]
        else:
            loaded = load_text(text, SourceFile(display, text))
            report = Linter(config, resolved.registry).run([loaded], {display: path or ""})
        encoding = self.workspace.position_encoding
        lines = None if text.isascii() else _LINE_BREAK.split(text)
        diagnostics = []
        fixes = []
        for finding in report.findings:
            rule = resolved.registry.rules.get(finding.rule)
            diagnostic = to_diagnostic(finding, text, encoding, lines,
                                       rule.url if rule is not None else None)
            diagnostics.append(diagnostic)
            action = quick_fix(uri, finding, diagnostic, text, encoding, display)
            if action is not None:
                fixes.append((diagnostic, action))
        self.fixes[uri] = fixes
        if rendered is not None:
            self.built[uri] = diagnostics
        return diagnostics

    def tell(self, message: str) -> None:
        """Show an error in the editor, once per distinct message."""
        if message in self.shown:
            return
        self.shown.add(message)
        self.window_show_message(types.ShowMessageParams(
            type=types.MessageType.Error, message=f"kubelint: {message}"))

    def warm_up(self) -> None:
        """Build the default registry and load the newest schema bundle before the first
        document arrives, so the first lint is as quick as the next ones."""
        try:
            resolved = self.resolve(None)
            if resolved.config is not None:
                from kubelint.schema import load_bundle

                load_bundle(resolved.config.kubernetes_version)
        except Exception:  # only an optimisation
            logger.exception("warming up failed")


def _params_problem(error: BaseException) -> str:
    """What cattrs found wrong with a message's params, in a line."""
    import cattrs

    cause = error.__cause__ or error
    if isinstance(cause, cattrs.ClassValidationError):
        try:
            return "; ".join(cattrs.transform_error(cause))
        except Exception:  # only a nicer message
            pass
    return str(cause) or type(cause).__name__


def _rendered_from(path: str, text: str, config: Any) -> list[Any] | None:
    """The loaded files of the chart ``path`` belongs to, rendered with ``text`` for it;
    None for a file that is not a chart's (linted as it is)."""
    from kubelint import helm

    chart = helm.chart_of(path)
    if chart is None or helm.is_plain_manifest(chart, path):
        return None
    options = helm.ChartOptions(config.helm.values, config.helm.set, config.helm.release_name,
                                config.namespace, config.kubernetes_version,
                                config.helm.ci_values)
    return helm.lint_chart(chart, options, helm.find_renderer(),
                           {os.path.abspath(path): text})


def _kustomize_roots(path: str, workspace: str | None) -> list[str]:
    """The kustomization roots whose builds read ``path`` (a patch, a resource, a
    kustomization), looked for in the workspace (else the file's directory)."""
    from kubelint.kustomize import Owners

    absolute = os.path.abspath(path)
    root = workspace if workspace and not os.path.relpath(
        absolute, workspace).startswith(os.pardir) else os.path.dirname(absolute)
    return Owners(root)(absolute)


def _disk_text(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError):
        return None


def _lintable(uri: str, language_id: str | None) -> bool:
    if language_id in LANGUAGES:
        return True
    return uri.split("?", 1)[0].split("#", 1)[0].lower().endswith(SUFFIXES)


def _is_config(uri: str) -> bool:
    path = to_fs_path(uri) if uri.startswith("file:") else None
    return path is not None and os.path.basename(path) in CONFIG_FILES


def _log_refusal(future: Future[None]) -> None:
    if not future.cancelled() and future.exception() is not None:
        logger.warning("the client did not watch config files: %s", future.exception())


def build_server() -> KubelintLanguageServer:
    server = KubelintLanguageServer()
    feature = server.feature

    @feature(types.INITIALIZED)
    def initialized(ls: KubelintLanguageServer, params: types.InitializedParams) -> None:
        watch = ls.client_capabilities.workspace
        dynamic = watch is not None and watch.did_change_watched_files is not None and \
            bool(watch.did_change_watched_files.dynamic_registration)
        if dynamic:
            watchers = [types.FileSystemWatcher(glob_pattern=f"**/{name}")
                        for name in sorted(CONFIG_FILES)]
            future = ls.client_register_capability(types.RegistrationParams(registrations=[
                types.Registration(
                    id="kubelint-config-files",
                    method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                    register_options=types.DidChangeWatchedFilesRegistrationOptions(
                        watchers=watchers)),
            ]))
            future.add_done_callback(_log_refusal)
        asyncio.get_running_loop().call_soon(ls.warm_up)

    @feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: KubelintLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.lint(params.text_document.uri)

    @feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: KubelintLanguageServer,
                   params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        document = ls.workspace.text_documents.get(uri)
        if document is not None and _lintable(uri, document.language_id):
            ls.lint_later(uri)

    @feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    def did_save(ls: KubelintLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        if _is_config(uri):
            path = to_fs_path(uri)
            ls.invalidate([path] if path is not None else None)
        else:
            ls.lint(uri)

    @feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: KubelintLanguageServer,
                  params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.cancel(uri)
        ls.fixes.pop(uri, None)
        ls.built.pop(uri, None)
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @feature(types.TEXT_DOCUMENT_CODE_ACTION,
             types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
    def code_action(ls: KubelintLanguageServer,
                    params: types.CodeActionParams) -> list[types.CodeAction]:
        """The safe fixes of the diagnostics in the requested range (from the last lint)."""
        return [action for diagnostic, action in ls.fixes.get(params.text_document.uri, [])
                if _overlaps(diagnostic.range, params.range)]

    @feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: KubelintLanguageServer,
                                 params: types.DidChangeWatchedFilesParams) -> None:
        paths = [to_fs_path(change.uri) for change in params.changes if _is_config(change.uri)]
        if paths:
            ls.invalidate(path for path in paths if path is not None)

    return server


def serve() -> int:
    """Serve on standard input and output until the client says exit. Returns the exit
    status: 0 after a shutdown request, 1 when the client left without one."""
    # Standard output is the protocol's channel: anything else printed there (a library's
    # print()) would corrupt it, so it goes to standard error instead.
    channel: BinaryIO
    try:
        channel = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
        os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
        sys.stdout = sys.stderr
    except (AttributeError, OSError, ValueError):  # no descriptors to move (embedded)
        channel = sys.stdout.buffer
    server = build_server()
    server.start_io(stdout=channel)
    return 0 if getattr(server.protocol, "_shutdown", False) else 1
