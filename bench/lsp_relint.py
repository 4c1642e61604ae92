#!/usr/bin/env python3
"""Benchmark: how long the language server takes to re-lint a 5,000-line file after a
one-character change.

Usage: python bench/lsp_relint.py [--lines N] [--edits N]

Starts `kubelint lsp` with a real LSP client over stdio (pygls, as tests/test_lsp.py),
opens a file of Deployments about N lines long (default 5,000), then makes one-character
edits (a replica count, alternating 2 and 3) and times each from didChange to the
diagnostics of that version. The server waits ``DEBOUNCE_SECONDS`` (0.15 s) after a
change before it lints, on purpose (a burst of keystrokes is linted once); the figure
that matters is the latency minus that wait. It also times, in this process, PyYAML's C
loader parsing the same text (the parse floor of one file), and the client's own share
of each latency: decoding the published diagnostics (JSON, then pygls's lsprotocol
objects), which the server's work is the rest of. Then it makes the same edits through a
minimal JSON-RPC client that only reads the bytes of each message: from didChange to the
last byte of that version's diagnostics is the server's work and the transfer, what any
editor waits for before it decodes (pygls's client takes more than the server).
This is a benchmark, not a test: figures go in notes, never in assertions.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import BaseLanguageClient
from pygls.uris import from_fs_path

from kubelint.lsp import DEBOUNCE_SECONDS

DEPLOYMENT = """\
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app{n}
  namespace: shop
  labels: {{app: app{n}, team: web}}
spec:
  replicas: 2
  selector:
    matchLabels: {{app: app{n}}}
  template:
    metadata:
      labels: {{app: app{n}, team: web}}
    spec:
      containers:
        - name: app
          image: registry.example.com/app{n}:1.0
          ports:
            - {{name: http, containerPort: 8080}}
          resources:
            requests: {{cpu: 100m, memory: 128Mi}}
            limits: {{memory: 256Mi}}
          readinessProbe:
            httpGet: {{path: /ready, port: http}}
          livenessProbe:
            httpGet: {{path: /live, port: http}}
            initialDelaySeconds: 10
"""


def text(lines: int, replicas: int) -> str:
    per = DEPLOYMENT.count("\n")
    body = "".join(DEPLOYMENT.format(n=n) for n in range(max(1, lines // per)))
    return body.replace("replicas: 2", f"replicas: {replicas}", 1)


class Client(BaseLanguageClient):
    def __init__(self) -> None:
        super().__init__("kubelint-bench", "0")
        self.published: asyncio.Queue[types.PublishDiagnosticsParams] = asyncio.Queue()

        @self.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def publish(params: types.PublishDiagnosticsParams) -> None:
            self.published.put_nowait(params)


async def main_async(lines: int, edits: int) -> int:
    workspace = Path(tempfile.mkdtemp())
    path = workspace / "apps.yaml"
    first = text(lines, 2)
    path.write_text(first)
    client = Client()
    await client.start_io(sys.executable, "-m", "kubelint", "lsp", cwd=str(workspace))
    assert client._server is not None and client._server.stderr is not None
    drain = asyncio.ensure_future(client._server.stderr.read())
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            process_id=None,
            root_uri=from_fs_path(str(workspace)),
        )
    )
    client.initialized(types.InitializedParams())
    uri = from_fs_path(str(path))
    start = time.perf_counter()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=first)
        )
    )
    published = await client.published.get()
    opened = time.perf_counter() - start
    latencies = []
    for version in range(2, edits + 2):
        changed = text(lines, 3 if version % 2 else 2)
        start = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                [types.TextDocumentContentChangeWholeDocument(text=changed)],
            )
        )
        while published.version != version:
            published = await client.published.get()
        latencies.append(time.perf_counter() - start)
        await asyncio.sleep(0.05)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    await drain
    floor = parse_floor(first)
    decoding = client_decoding(client, published)
    median = statistics.median(latencies)
    print(
        f"file: {first.count(chr(10))} lines, {len(first):,} bytes,"
        f" {len(published.diagnostics)} diagnostics"
    )
    print(f"first lint after didOpen: {opened * 1000:.0f} ms (includes starting the worker)")
    print(
        f"re-lint after a one-character change: median {median * 1000:.0f} ms,"
        f" minus the {DEBOUNCE_SECONDS * 1000:.0f} ms debounce:"
        f" {(median - DEBOUNCE_SECONDS) * 1000:.0f} ms"
        f" (all: {', '.join(f'{x * 1000:.0f}' for x in latencies)})"
    )
    print(
        f"of which the client decoding the diagnostics (in process): {decoding * 1000:.0f} ms;"
        f" the server's work: {(median - DEBOUNCE_SECONDS - decoding) * 1000:.0f} ms"
    )
    wire = wire_latencies(lines, edits)
    print(
        f"on the wire (a client that reads each message's bytes and decodes nothing):"
        f" median {statistics.median(wire) * 1000:.0f} ms, minus the debounce:"
        f" {(statistics.median(wire) - DEBOUNCE_SECONDS) * 1000:.0f} ms"
        f" (all: {', '.join(f'{x * 1000:.0f}' for x in wire)})"
    )
    print(f"parse floor of the file (PyYAML C loader, in process): {floor * 1000:.0f} ms")
    return 0


def wire_latencies(lines: int, edits: int) -> list[float]:
    """The same edits through a minimal JSON-RPC client over the server's stdio: from
    writing didChange to having read the last byte of that version's diagnostics. What
    a client then spends decoding them (pygls: JSON, then lsprotocol objects) is its own."""
    import json
    import subprocess

    workspace = Path(tempfile.mkdtemp())
    path = workspace / "apps.yaml"
    path.write_text(text(lines, 2))
    server = subprocess.Popen(
        [sys.executable, "-m", "kubelint", "lsp"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=workspace,
    )
    assert server.stdin is not None and server.stdout is not None
    stdin, stdout = server.stdin, server.stdout

    def send(method: str, params: dict[str, object], number: int | None = None) -> None:
        message: dict[str, object] = {"jsonrpc": "2.0", "method": method, "params": params}
        if number is not None:
            message["id"] = number
        body = json.dumps(message).encode()
        stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        stdin.flush()

    def receive() -> bytes:
        length = 0
        while (line := stdout.readline()) not in (b"\r\n", b""):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return stdout.read(length)

    def published(version: int) -> None:
        # The server writes "version" right after "uri" (publish_encoded); the header of
        # a message is enough to tell which one it is.
        marker = b'"version": %d,' % version
        while True:
            head = receive()[:500]
            if b"publishDiagnostics" in head and marker in head:
                return

    uri = from_fs_path(str(path))
    try:
        send(
            "initialize",
            {"processId": None, "rootUri": from_fs_path(str(workspace)), "capabilities": {}},
            1,
        )
        receive()
        send("initialized", {})
        send(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": uri,
                    "languageId": "yaml",
                    "version": 1,
                    "text": text(lines, 2),
                }
            },
        )
        published(1)
        latencies = []
        for version in range(2, edits + 2):
            change = {"text": text(lines, 3 if version % 2 else 2)}
            start = time.perf_counter()
            send(
                "textDocument/didChange",
                {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]},
            )
            published(version)
            latencies.append(time.perf_counter() - start)
            time.sleep(0.05)
        return latencies
    finally:
        server.kill()
        server.wait()


def client_decoding(client: Client, published: types.PublishDiagnosticsParams) -> float:
    """How long the client takes to decode the notification ``published`` came in."""
    import json

    converter = client.protocol._converter
    body = json.dumps(converter.unstructure(types.PublishDiagnosticsNotification(params=published)))
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        converter.structure(json.loads(body), types.PublishDiagnosticsNotification)
        best = min(best, time.perf_counter() - start)
    return best


def parse_floor(source: str) -> float:
    import yaml

    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        list(yaml.load_all(source, Loader=yaml.CSafeLoader))
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str]) -> int:
    lines = int(argv[argv.index("--lines") + 1]) if "--lines" in argv else 5000
    edits = int(argv[argv.index("--edits") + 1]) if "--edits" in argv else 15
    return asyncio.run(main_async(lines, edits))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main(sys.argv))
