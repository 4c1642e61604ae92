"""The byte stream of ``kubelint lsp``: messages framed as the Language Server Protocol
says (``Content-Length: N`` header lines, an empty line, N bytes of UTF-8 JSON), read
so that no input leaves the server deaf or dead.

pygls's own reader trusts the client: a missing or non-numeric ``Content-Length``, or
bytes that are not a header, made it skip every later message, and a huge
``Content-Length`` made it allocate that many bytes (``MemoryError``). This one:

* answers a frame it cannot read with a JSON-RPC error whose id is null (it cannot know
  the request's id): -32700 (Parse error) for a bad header block, a body that is not UTF-8
  JSON, or bytes that are not a message; -32600 (Invalid Request) for a message over
  ``MAX_MESSAGE_BYTES``. The rest of a broken message is skipped without a second error.
* resynchronises on the next ``Content-Length`` header, wherever it starts (a client
  that sends a body without its trailing newline glues the next header to it).
* never trusts a length: a body is collected as its bytes arrive, and one announced over
  ``MAX_MESSAGE_BYTES`` (64 MiB, the bound ``kubelint check`` reads a manifest from
  standard input with) is refused and its bytes are read and dropped as they come.
* notices a body that is shorter than its ``Content-Length`` said: a complete
  ``Content-Length: N`` line cannot occur in valid JSON (JSON strings hold no raw line
  breaks), so when one turns up inside a body, the body ends there and the next message
  starts. Without this, a too-large length would swallow the messages after it.

``check_message`` then tells what JSON-RPC and LSP make of a parsed message before pygls
sees it (pygls drops what it cannot structure without answering).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from kubelint.constants import MAX_FILE_BYTES

logger = logging.getLogger(__name__)

#: The largest message body read; a larger one is refused and skipped.
MAX_MESSAGE_BYTES = MAX_FILE_BYTES
#: One header block (real ones are under 100 bytes); longer "headers" are garbage.
MAX_HEADER_BYTES = 8 * 1024

# JSON-RPC 2.0 error codes.
PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602

_BLANK = re.compile(rb"[\r\n]+")
_HEADER = re.compile(rb"([A-Za-z0-9-]+)[ \t]*:[ \t]*([^\r\n]*?)[ \t]*\r?\n")
#: A partial first line that may still become a header once the rest arrives.
_HEADER_START = re.compile(rb"[A-Za-z0-9-]*(?:[ \t]*:[^\r\n]*)?\r?\Z")
#: Where a header block may begin inside bytes that are not a message.
_RESYNC = re.compile(rb"content-length[ \t]*:", re.IGNORECASE)
#: A whole Content-Length line: never part of valid JSON, so it ends the body it is in.
_NEXT_HEADER = re.compile(rb"content-length[ \t]*:[ \t]*\d{1,20}[ \t]*\r?\n", re.IGNORECASE)
_OVERLAP = 64  # bytes rescanned at a chunk's edge: longer than any _NEXT_HEADER match
_DIGITS = re.compile(rb"\d{1,20}")


@dataclass(frozen=True)
class Refused:
    """A frame that is not a message: answered with this error and id null."""

    code: int
    message: str


class MessageReader:
    """Parsed JSON messages (or ``Refused`` frames) from a byte stream.

    ``read`` returns the next chunk of bytes, ``b""`` at the end of the stream.
    """

    def __init__(self, read: Callable[[], Awaitable[bytes]]):
        self._read = read
        self._buffer = bytearray()
        self._eof = False
        #: An error was reported and no well-formed header came since: what follows is
        #: most likely the rest of the same broken message, not worth a second error.
        self._quiet = False

    async def _fill(self) -> bool:
        if self._eof:
            return False
        chunk = await self._read()
        if not chunk:
            self._eof = True
            return False
        self._buffer += chunk
        return True

    def _refuse(self, code: int, message: str) -> Refused | None:
        if self._quiet:
            logger.debug("kubelint lsp: %s", message)
            return None
        logger.warning("kubelint lsp: %s", message)
        self._quiet = True
        return Refused(code, message)

    async def messages(self) -> AsyncIterator[Any | Refused]:
        buffer = self._buffer
        while True:
            blank = _BLANK.match(buffer)
            if blank:  # newlines between messages: harmless, some clients send them
                del buffer[: blank.end()]
            if not buffer:
                if not await self._fill():
                    return
                continue
            block = self._header_block()
            if block is None:  # not complete yet
                if not await self._fill():
                    return
                continue
            if isinstance(block, int):  # bytes that are not a header: skip to the next one
                refused = self._refuse(
                    PARSE_ERROR, "bytes that are not an LSP message were skipped"
                )
                if refused is not None:
                    yield refused
                await self._skip_garbage(block)
                continue
            headers, end = block
            length, problem = _content_length(headers)
            if problem is not None:
                del buffer[:end]
                refused = self._refuse(PARSE_ERROR, problem)
                if refused is not None:
                    yield refused
                continue  # its body, if any, is skipped as bytes that are not a header
            assert length is not None
            self._quiet = False  # a well-formed header: whatever goes wrong now is new
            if length > MAX_MESSAGE_BYTES:
                del buffer[:end]
                refused = self._refuse(
                    INVALID_REQUEST,
                    f"a message of {length} bytes is over kubelint's limit of"
                    f" {MAX_MESSAGE_BYTES // (1024 * 1024)} MiB: it was skipped",
                )
                if refused is not None:
                    yield refused
                await self._drop(length)
                continue
            body = await self._body(end, length)
            if body is None:  # the stream ended inside the body
                return
            if isinstance(body, Refused):
                refused = self._refuse(body.code, body.message)
                if refused is not None:
                    yield refused
                continue
            try:
                message = json.loads(body.decode("utf-8"))
            except (ValueError, RecursionError) as error:  # UnicodeDecodeError included
                refused = self._refuse(PARSE_ERROR, f"the message is not UTF-8 JSON: {error}")
                # Its bytes are looked through again for a header: with a too-small
                # Content-Length the body ends early, and one that ends inside the next
                # message's header must not cost that message.
                buffer[0:0] = body[1:]
                if refused is not None:
                    yield refused
                continue
            yield message

    def _header_block(self) -> tuple[list[tuple[bytes, bytes]], int] | int | None:
        """The header lines at the start of the buffer and where the body starts; None
        when more bytes are needed; an int when the buffer does not start with a header
        (where to look for the next one from)."""
        buffer = self._buffer
        headers: list[tuple[bytes, bytes]] = []
        position = 0
        while True:
            if buffer.startswith(b"\r\n", position) or buffer.startswith(b"\n", position):
                end = position + (2 if buffer[position] == 0x0D else 1)
                return headers, end
            newline = buffer.find(b"\n", position, position + MAX_HEADER_BYTES)
            if newline < 0:
                if len(buffer) - position >= MAX_HEADER_BYTES or not _HEADER_START.match(
                    buffer, position
                ):
                    return position + 1 if headers else 1
                return None
            line = _HEADER.fullmatch(buffer, position, newline + 1)
            glued = _RESYNC.search(buffer, position + 1, newline + 1)
            if line is None or glued is not None:
                # Not a header, or a Content-Length glued behind something else.
                return glued.start() if glued is not None else newline + 1
            headers.append((line.group(1).lower(), line.group(2)))
            position = newline + 1
            if position > MAX_HEADER_BYTES:
                return position

    async def _skip_garbage(self, start: int) -> None:
        """Drop bytes up to the next ``Content-Length`` header (from ``start`` on)."""
        buffer = self._buffer
        while True:
            found = _RESYNC.search(buffer, min(start, len(buffer)))
            if found is not None:
                del buffer[: found.start()]
                return
            keep = min(len(buffer), _OVERLAP)  # a header may straddle two chunks
            del buffer[: len(buffer) - keep]
            start = 0
            if not await self._fill():
                buffer.clear()
                return

    async def _body(self, start: int, length: int) -> bytes | Refused | None:
        """The ``length`` bytes after the header block (which ends at ``start``), or
        Refused when a header turns up inside them (the body was shorter than said)."""
        buffer = self._buffer
        scanned = start
        while True:
            limit = min(len(buffer), start + length)
            header = _NEXT_HEADER.search(buffer, max(start, scanned - _OVERLAP), limit)
            if header is not None:
                del buffer[: header.start()]
                return Refused(
                    PARSE_ERROR,
                    f"a message ended before its Content-Length of"
                    f" {length} bytes: the next message began",
                )
            scanned = limit
            if limit == start + length:
                body = bytes(buffer[start:limit])
                del buffer[:limit]
                return body
            if not await self._fill():
                return None

    async def _drop(self, length: int) -> None:
        """Read and forget ``length`` bytes, stopping early at a header."""
        buffer = self._buffer
        remaining = length
        while remaining > 0:
            header = _NEXT_HEADER.search(buffer, 0, min(len(buffer), remaining))
            if header is not None:
                del buffer[: header.start()]
                return
            if len(buffer) >= remaining:
                del buffer[:remaining]
                return
            dropped = max(len(buffer) - _OVERLAP, 0)
            del buffer[:dropped]
            remaining -= dropped
            if not await self._fill():
                return


def _content_length(headers: list[tuple[bytes, bytes]]) -> tuple[int | None, str | None]:
    values = [value for name, value in headers if name == b"content-length"]
    if not values:
        return None, "a header block without a Content-Length header"
    if len(set(values)) > 1:
        return None, "a header block with two different Content-Length headers"
    value = values[0]
    if not _DIGITS.fullmatch(value):
        shown = value[:40].decode("utf-8", "replace")
        return None, f"Content-Length {shown!r} is not a number of bytes"
    return int(value), None


# -- messages ------------------------------------------------------------------------


@dataclass(frozen=True)
class Invalid:
    """Why a parsed message cannot be handled; ``answer``: reply with an error (with
    ``id``, None for null) rather than only log it."""

    answer: bool
    id: int | str | None
    code: int
    message: str


def valid_id(value: Any) -> bool:
    """LSP request ids are integers or strings (JSON-RPC allows fractions; LSP does not)."""
    return isinstance(value, (int, str)) and not isinstance(value, bool)


def check_message(data: Any) -> Invalid | None:
    """None for a JSON-RPC 2.0 request, notification or response that pygls can be given.

    Requests (with an id) and invalid Request objects are answered, as JSON-RPC says
    (with id null when the id itself is unusable); a notification whose params are not an
    object or array, and a response without a usable id, are only logged."""
    if not isinstance(data, dict):
        what = (
            "a batch (an array): LSP has no batches"
            if isinstance(data, list)
            else f"JSON {type(data).__name__}"
        )
        return Invalid(True, None, INVALID_REQUEST, f"a message is a JSON object, not {what}")
    has_id = "id" in data
    message_id = data.get("id")
    usable = valid_id(message_id)
    if "method" not in data:
        if "result" in data or "error" in data:  # a response to a request of the server's
            if usable:
                return None
            return Invalid(False, None, INVALID_REQUEST, "a response without a usable id")
        return Invalid(
            True,
            message_id if usable else None,
            INVALID_REQUEST,
            "a message has a method (a request or notification) or a result or error (a response)",
        )
    if has_id and not usable:
        shown = json.dumps(message_id)[:40]
        return Invalid(
            True, None, INVALID_REQUEST, f"a request id is an integer or a string, not {shown}"
        )
    reply_id = message_id if has_id else None
    if data.get("jsonrpc") != "2.0":
        return Invalid(True, reply_id, INVALID_REQUEST, 'a message has "jsonrpc": "2.0"')
    method = data["method"]
    if not isinstance(method, str):
        return Invalid(
            True, reply_id, INVALID_REQUEST, f"a method is a string, not {json.dumps(method)[:40]}"
        )
    params = data.get("params")
    if params is not None and not isinstance(params, (dict, list)):
        return Invalid(
            has_id,
            reply_id,
            INVALID_PARAMS,
            f"the params of {method} are an object or an array, not {json.dumps(params)[:40]}",
        )
    return None
