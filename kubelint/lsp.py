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
  excludes (an excluded file gets no diagnostics); a buffer without a file, or whose
  ``file:`` URI names no possible path (``%00``, bytes that are not UTF-8), is linted from
  its text with the workspace root's config. The resolved config and its rule registry
  are cached per config file and dropped when a config file is saved or reported changed
  (``workspace/didChangeWatchedFiles``, or its modification time moved).
* A config or plugin error does not stop the server: the document gets one Error
  diagnostic on its first line with the error, the editor is told once
  (``window/showMessage``), and linting resumes when the config is fixed.
* Positions are converted from kubelint's 1-based code-point columns to the 0-based
  position encoding negotiated with the client (UTF-16 code units unless the client
  offers another).

Linting never holds up the conversation with the editor. It runs in a separate process
(``kubelint.lsp_worker``, started at ``initialized``, kept warm between edits: registries,
configs and schema bundles are built once), one lint at a time; this process only reads
messages, answers requests and publishes what the linting process sends back:

* At most one lint runs and one waits per document; the waiting one takes the document's
  text when it starts, so a burst of edits is linted once, as it ends. A lint whose
  document changed (or was closed, or whose config changed) while it ran is dropped:
  only diagnostics of the latest version are published, with that ``version``.
* As you type, a document is linted up to 1,000 documents/objects and 4 MiB (cut at a
  ``---`` line); past that its diagnostics cover the part linted, plus one Information
  diagnostic on line 1 saying so and pointing at ``kubelint check``.
* A lint has a time budget, ``LINT_BUDGET_SECONDS`` (30 s; the environment variable
  ``KUBELINT_LSP_BUDGET`` sets another): past it the linting process is ended, the lint's
  result dropped, and the document gets one Error diagnostic naming the budget and, when
  known, the rule and plugin that was running. The next lint starts a new process.
* Plugin code runs only in the linting process: a plugin that calls ``sys.exit`` (which
  ``kubelint check`` reports as a plugin error, exit status 2), raises
  ``KeyboardInterrupt``, calls ``os._exit`` or loops forever costs that lint an Error
  diagnostic naming it (and a ``window/showMessage``), never the server.

Hostile or broken traffic gets answers, not silence (``kubelint.lsp_stream``): a frame
that cannot be read gets a JSON-RPC error with id null (-32700, or -32600 for a message
over 64 MiB, whose bytes are dropped as they arrive, never held in memory) and the server
resynchronises on the next ``Content-Length`` header. Every request gets exactly one
response: its result, or -32600 (not a valid request: an id that is not an integer or
string, a method that is not a string; any request after ``shutdown``), -32601 (unknown
method) or -32602 (params of the wrong shape). A notification that cannot be handled is
logged on standard error.

Quick fixes: the safe fixes of ``kubelint check --fix`` are offered as code actions on
their diagnostics, when they apply to the document and re-parse to the intended object.
pygls is imported only here, so other commands start without it.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import inspect
import json
import logging
import math
import os
import sys
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, BinaryIO, TypeVar
from urllib.parse import unquote

from lsprotocol import types
from pygls.io_ import StdoutWriter
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from kubelint import __version__
from kubelint.lsp_stream import (
    INVALID_PARAMS,
    INVALID_REQUEST,
    MessageReader,
    Refused,
    check_message,
)
from kubelint.lsp_worker import (
    CONFIG_FILES,
    Abandoned,
    Job,
    Outcome,
    _column_units,  # noqa: F401 -- tests and users import these from here
    notice,
    to_range,  # noqa: F401
)

if TYPE_CHECKING:
    from asyncio import TimerHandle
    from concurrent.futures import Future
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

    from pygls.workspace import TextDocument

logger = logging.getLogger(__name__)
T = TypeVar("T")

#: Quiet time after the last change before a document is linted again.
DEBOUNCE_SECONDS = 0.15
#: How long one lint may take before it is abandoned (``KUBELINT_LSP_BUDGET`` overrides).
#: Generous: a capped document lints in a few seconds; only a plugin that loops (or a
#: pathological input) gets near it.
LINT_BUDGET_SECONDS = 30.0
#: The linting process enforces the budget itself and says what was running; the server
#: ends it this much later if it has not (code that never lets its watchdog thread run),
#: which also leaves a new process time to start and warm up.
BUDGET_GRACE_SECONDS = 10.0
LANGUAGES = frozenset({"yaml", "json", "helm"})  # "helm": chart templates in VS Code
SUFFIXES = (".yaml", ".yml", ".json")
_READ_CHUNK = 64 * 1024


def lint_budget() -> float:
    """``KUBELINT_LSP_BUDGET`` (seconds) when it is a positive number, else the default."""
    value = os.environ.get("KUBELINT_LSP_BUDGET")
    if value:
        try:
            budget = float(value)
        except ValueError:
            budget = math.nan
        if math.isfinite(budget) and budget > 0:
            return budget
        logger.warning(
            "KUBELINT_LSP_BUDGET=%r is not a number of seconds; using %s",
            value,
            LINT_BUDGET_SECONDS,
        )
    return LINT_BUDGET_SECONDS


def _in_thread(function: Callable[..., T], *args: Any) -> asyncio.Future[T]:
    """Run a blocking call on a daemon thread (one the process never waits for at exit)."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(result: Any, error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    def run() -> None:
        try:
            result, error = function(*args), None
        except BaseException as raised:  # handed to the awaiting task
            result, error = None, raised
        with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits any more
            loop.call_soon_threadsafe(settle, result, error)

    threading.Thread(target=run, daemon=True).start()
    return future


class _Died:
    """The linting process ended without answering."""

    def __init__(self, exitcode: int | None):
        self.exitcode = exitcode


class LintProcess:
    """The linting process (``kubelint.lsp_worker.serve``): started on first use, and
    again after it was ended."""

    def __init__(self, budget: float):
        self.budget = budget
        self.process: BaseProcess | None = None
        self.conn: Connection | None = None

    def start(self) -> None:
        if self.process is not None and self.process.is_alive():
            return
        self.stop()
        import multiprocessing

        from kubelint import lsp_worker

        # spawn: a fresh interpreter, not a fork of this one with its reader threads.
        context = multiprocessing.get_context("spawn")
        conn, child = context.Pipe()
        process = context.Process(
            target=lsp_worker.serve, args=(child, self.budget), name="kubelint-lint", daemon=True
        )
        process.start()
        child.close()
        self.process, self.conn = process, conn

    def stop(self) -> int | None:
        """End the process (when it runs); its exit status."""
        process, self.process = self.process, None
        self.conn = None  # run() closes it once its send or receive is over
        if process is None:
            return None
        if process.is_alive():
            process.kill()
        process.join(5)
        return process.exitcode

    async def run(self, job: Job) -> Outcome | Abandoned | _Died:
        """Send ``job`` and wait for its outcome, at most the budget and the grace
        period (sending counts too: a process that never reads must not block it)."""
        self.start()
        conn = self.conn
        assert conn is not None

        async def exchange() -> Outcome | Abandoned:
            await _in_thread(conn.send, job)
            return await _in_thread(conn.recv)

        exchanging = asyncio.ensure_future(exchange())
        # Its failure is seen below, or not at all when the pump was cancelled meanwhile.
        exchanging.add_done_callback(lambda done: done.cancelled() or done.exception())
        try:
            reply = await asyncio.wait_for(
                asyncio.shield(exchanging), self.budget + BUDGET_GRACE_SECONDS
            )
        except asyncio.TimeoutError:
            self.stop()  # the blocked send or receive then fails at once
            await asyncio.gather(exchanging, return_exceptions=True)
            conn.close()
            return Abandoned(job.uri, job.version, self.budget, None)
        except (EOFError, OSError):
            conn.close()
            return _Died(self.stop())
        if isinstance(reply, Abandoned):  # the process ends itself after saying so
            self.stop()
            conn.close()
        return reply


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
    """The server, its lint scheduling and what it keeps between lints."""

    def __init__(self) -> None:
        super().__init__(
            "kubelint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full
        )
        self.linter = LintProcess(lint_budget())
        #: pending debounced lints, per document URI
        self.timers: dict[str, TimerHandle] = {}
        #: per document URI: bumped by every change that makes a running lint stale
        self.generation: collections.Counter[str] = collections.Counter()
        #: documents waiting for a lint (each once), and the task that lints them
        self.queue: collections.deque[str] = collections.deque()
        self.queued: set[str] = set()
        self.pump: asyncio.Task[None] | None = None
        #: config files to forget in the linting process with its next job (None: all)
        self.forget: list[str | None] = []
        #: errors already shown with window/showMessage (each is shown once)
        self.shown: set[str] = set()
        #: per document URI: the quick fixes of its last lint (diagnostic, code action)
        self.fixes: dict[str, list[tuple[types.Diagnostic, types.CodeAction]]] = {}
        self._writes: set[asyncio.Future[Any]] = set()
        #: per document URI of a kustomize build's file: its diagnostics as last saved
        self.built: dict[str, list[types.Diagnostic]] = {}

    # -- the conversation ----------------------------------------------------------------

    def start_io(self, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
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
            self.linter.stop()
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
            self.reply_error(
                data["id"],
                INVALID_REQUEST,
                f"{method}: the server was shut down; only exit is taken",
            )
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
                self.reply_error(
                    data["id"], INVALID_PARAMS, f"invalid params for {method}: {problem}"
                )
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
        self.protocol._send_data(
            {"jsonrpc": "2.0", "id": message_id, "error": {"code": code, "message": message}}
        )

    # -- documents -------------------------------------------------------------------------

    def document(self, uri: str) -> TextDocument | None:
        """The open document ``uri`` (pygls keys its documents by the unquoted URI)."""
        document: TextDocument | None = self.workspace.text_documents.get(unquote(uri))
        return document

    def invalidate(self, paths: Iterable[str] | None = None) -> None:
        """Forget the configs at ``paths`` (all of them when None); re-lint open documents.

        Configs are found per document, so a created or deleted config file changes which
        one applies: every open document is linted again."""
        if paths is None:
            self.forget.append(None)
        else:
            self.forget.extend(os.path.abspath(path) for path in paths)
        self.shown.clear()
        for document in list(self.workspace.text_documents.values()):
            self.lint(document.uri)

    # -- linting ---------------------------------------------------------------------------

    def lint(self, uri: str) -> None:
        """Lint the document as soon as the linting process is free (its text then)."""
        self.cancel(uri)
        self.generation[uri] += 1
        self._enqueue(uri)

    def lint_later(self, uri: str) -> None:
        """Lint after ``DEBOUNCE_SECONDS`` without another change; a lint running now
        is stale already."""
        self.cancel(uri)
        self.generation[uri] += 1
        loop = asyncio.get_running_loop()
        self.timers[uri] = loop.call_later(DEBOUNCE_SECONDS, self._lint_timer, uri)

    def _lint_timer(self, uri: str) -> None:
        self.timers.pop(uri, None)
        self._enqueue(uri)

    def cancel(self, uri: str) -> None:
        timer = self.timers.pop(uri, None)
        if timer is not None:
            timer.cancel()

    def forget_document(self, uri: str) -> None:
        """A closed document: no pending lint, and a running one is stale."""
        self.cancel(uri)
        self.generation[uri] += 1
        self.fixes.pop(uri, None)
        self.built.pop(uri, None)

    def stop_linting(self) -> None:
        for uri in list(self.timers):
            self.cancel(uri)
        self.queue.clear()
        self.queued.clear()
        if self.pump is not None:
            self.pump.cancel()
        self.linter.stop()

    def _enqueue(self, uri: str) -> None:
        if uri not in self.queued:
            self.queued.add(uri)
            self.queue.append(uri)
        if self.pump is None or self.pump.done():
            self.pump = asyncio.ensure_future(self._drain())

    async def _drain(self) -> None:
        while self.queue:
            uri = self.queue.popleft()
            self.queued.discard(uri)
            document = self.document(uri)
            if document is None or not _lintable(uri, document.language_id):
                continue
            generation = self.generation[uri]
            job = Job(
                uri,
                document.version,
                document.source,
                self.workspace.root_path,
                self.workspace.position_encoding,
                self.forget,
            )
            self.forget = []
            try:
                reply = await self.linter.run(job)
            except Exception:  # e.g. no process could be started
                logger.exception("kubelint lsp: linting %s failed", uri)
                reply = _Died(None)
            if self.generation[uri] != generation or self.document(uri) is None:
                logger.debug("kubelint lsp: dropped a stale lint of %s", uri)
                continue
            self.publish(job, reply)

    def publish(self, job: Job, reply: Outcome | Abandoned | _Died) -> None:
        uri = job.uri
        if isinstance(reply, Outcome):
            for error in reply.errors:
                self.tell(error)
            if reply.encoded is not None:
                self.fixes[uri] = reply.fixes
                self.publish_encoded(uri, job.version, reply.encoded)
                return
            diagnostics = reply.diagnostics
            if diagnostics is None:
                diagnostics = self.built.get(uri, [])
            else:
                self.fixes[uri] = reply.fixes
                if reply.rendered:
                    self.built[uri] = diagnostics
        else:
            if isinstance(reply, Abandoned):
                message = (
                    f"kubelint stopped linting this document after {reply.budget:g} s,"
                    " its time budget in the editor (KUBELINT_LSP_BUDGET): "
                    + (
                        f"{reply.culprit} was still running."
                        if reply.culprit
                        else "the lint was still running."
                    )
                    + " `kubelint check` runs without a budget."
                )
            else:
                status = f" (exit status {reply.exitcode})" if reply.exitcode is not None else ""
                message = (
                    f"kubelint's linting process ended while linting this document"
                    f"{status}: a plugin may have called os._exit() or used up the"
                    " memory. The next lint starts a new one."
                )
            self.tell(message)
            diagnostics = [notice(job.text, message, types.DiagnosticSeverity.Error, job.encoding)]
            self.fixes[uri] = []
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=job.version)
        )

    def publish_encoded(self, uri: str, version: int | None, diagnostics: str) -> None:
        """textDocument/publishDiagnostics with the diagnostics as the linting process
        wrote them (a JSON array), as pygls would send it; written as it is, since
        converting a few thousand diagnostics took pygls longer than re-linting."""
        params = {"uri": uri} if version is None else {"uri": uri, "version": version}
        head = json.dumps(
            {"jsonrpc": "2.0", "method": types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, "params": params}
        )
        protocol = self.protocol
        if protocol.writer is None:
            logger.error("kubelint lsp: no transport to publish diagnostics on")
            return
        start = f'{head[:-2]}, "diagnostics": '
        if protocol._include_headers:
            # ASCII only (json.dumps escapes the rest): the length in characters is in
            # bytes. Computed before the body is made: the message is built in one go
            # (each copy of thousands of diagnostics costs a millisecond).
            length = len(start) + len(diagnostics) + 2
            start = (
                f"Content-Length: {length}\r\n"
                f"Content-Type: {protocol.CONTENT_TYPE}; charset={protocol.CHARSET}\r\n\r\n" + start
            )
        written = protocol.writer.write(f"{start}{diagnostics}}}}}".encode(protocol.CHARSET))
        if inspect.isawaitable(written):  # an asynchronous writer, as pygls allows
            # Held until written: the event loop keeps only weak references to tasks.
            self._writes.add(task := asyncio.ensure_future(written))
            task.add_done_callback(self._writes.discard)

    def tell(self, message: str) -> None:
        """Show an error in the editor, once per distinct message."""
        if message in self.shown:
            return
        self.shown.add(message)
        self.window_show_message(
            types.ShowMessageParams(type=types.MessageType.Error, message=f"kubelint: {message}")
        )


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


def _overlaps(a: types.Range, b: types.Range) -> bool:
    return (a.start.line, a.start.character) <= (b.end.line, b.end.character) and (
        b.start.line,
        b.start.character,
    ) <= (a.end.line, a.end.character)


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
        dynamic = (
            watch is not None
            and watch.did_change_watched_files is not None
            and bool(watch.did_change_watched_files.dynamic_registration)
        )
        if dynamic:
            watchers = [
                types.FileSystemWatcher(glob_pattern=f"**/{name}") for name in sorted(CONFIG_FILES)
            ]
            future = ls.client_register_capability(
                types.RegistrationParams(
                    registrations=[
                        types.Registration(
                            id="kubelint-config-files",
                            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                            register_options=types.DidChangeWatchedFilesRegistrationOptions(
                                watchers=watchers
                            ),
                        ),
                    ]
                )
            )
            future.add_done_callback(_log_refusal)
        # Started now, it imports and warms up while the editor opens the first document.
        ls.linter.start()

    @feature(types.SHUTDOWN)
    def shutdown(ls: KubelintLanguageServer, params: None) -> None:
        ls.stop_linting()

    @feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: KubelintLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        document = params.text_document
        if _lintable(document.uri, document.language_id):
            ls.lint(document.uri)

    @feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: KubelintLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        document = ls.document(uri)
        if document is not None and _lintable(uri, document.language_id):
            ls.lint_later(uri)

    @feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    def did_save(ls: KubelintLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        if _is_config(uri):
            path = to_fs_path(uri)
            ls.invalidate([path] if path is not None else None)
        else:
            document = ls.document(uri)
            if document is not None and _lintable(uri, document.language_id):
                ls.lint(uri)

    @feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: KubelintLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        ls.forget_document(uri)
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )

    @feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    def code_action(
        ls: KubelintLanguageServer, params: types.CodeActionParams
    ) -> list[types.CodeAction]:
        """The safe fixes of the diagnostics in the requested range (from the last lint)."""
        return [
            action
            for diagnostic, action in ls.fixes.get(params.text_document.uri, [])
            if _overlaps(diagnostic.range, params.range)
        ]

    @feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(
        ls: KubelintLanguageServer, params: types.DidChangeWatchedFilesParams
    ) -> None:
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
