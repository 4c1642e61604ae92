"""Building blocks for the hostile cases: files written at test time, and helpers that run
beside kubelint (a FIFO writer or reader, a TCP listener, a tripwire FIFO).

Nothing here is committed as data: every input is generated in the case's temporary
directory, so the repository holds no binaries and no 100 MB files.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: A PersistentVolume with one finding (pv-reclaim-policy, line 4) that --fix can fix.
PV = (
    "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: v}\n"
    "spec: {persistentVolumeReclaimPolicy: Recycle}\n"
)
PV_FIXED = PV.replace("Recycle", "Retain")
PV_MESSAGE = (
    "PersistentVolume 'v' uses the deprecated Recycle reclaim policy (an rm -rf"
    " scrub, NFS and hostPath only); use Retain"
)


@dataclass
class Scene:
    """One case's directory (kubelint's working directory) and what its helpers learned."""

    dir: Path
    state: dict[str, Any] = field(default_factory=dict)

    def write(self, name: str | bytes, content: str | bytes, mode: int | None = None) -> Path:
        """Write ``content`` to ``name`` under the directory (bytes names: not UTF-8)."""
        path = os.path.join(os.fsencode(self.dir), os.fsencode(name))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = content.encode("utf-8") if isinstance(content, str) else content
        with open(path, "wb") as handle:
            handle.write(data)
        if mode is not None:
            os.chmod(path, mode)
        return Path(os.fsdecode(path))

    def fifo(self, name: str) -> Path:
        path = self.dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(path)
        return path

    def sub(self, text: str) -> str:
        """``text`` with ``{dir}`` replaced by the directory and ``{port}`` by the
        listener's port (messages name them)."""
        text = text.replace("{dir}", str(self.dir))
        return text.replace("{port}", str(self.state.get("port", "{port}")))


def _unblock(path: Path, flags: int) -> None:
    """Open the other end of a FIFO without blocking, so a helper thread blocked in open()
    on it returns (kubelint never opened it: the case's assertions will say so)."""
    with contextlib.suppress(OSError):
        os.close(os.open(path, flags | os.O_NONBLOCK))


@contextlib.contextmanager
def fifo_writer(scene: Scene, name: str, chunks: Callable[[], Iterable[bytes]]) -> Iterator[None]:
    """A writer on the FIFO ``name``, as a shell's ``<(helm template …)`` would be: blocked in
    open() until kubelint opens the FIFO, then writing ``chunks`` until done or until
    kubelint closes its end (it stops at its size limit)."""
    path = scene.fifo(name)

    def write() -> None:
        try:
            with open(path, "wb") as pipe:
                for chunk in chunks():
                    pipe.write(chunk)
        except BrokenPipeError:
            pass

    # Started before kubelint: a thread blocked in open() holds no lock the fork could copy.
    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    try:
        yield
    finally:
        if thread.is_alive():
            _unblock(path, os.O_RDONLY)
        thread.join(timeout=10)


@contextlib.contextmanager
def fifo_reader(scene: Scene, name: str) -> Iterator[None]:
    """A reader on the FIFO ``name`` (a report written to a pipe); what it read goes to
    ``scene.state[name]``."""
    path = scene.fifo(name)

    def read() -> None:
        with open(path, "rb") as pipe:
            scene.state[name] = pipe.read()

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    try:
        yield
    finally:
        if thread.is_alive():
            # Nobody opened it for writing: a non-blocking open for writing succeeds
            # because a reader waits, and closing it gives that reader end of file.
            _unblock(path, os.O_WRONLY)
        thread.join(timeout=10)


@contextlib.contextmanager
def listener(scene: Scene) -> Iterator[None]:
    """A TCP port on 127.0.0.1 (``scene.state['port']``) that nobody may connect to; after
    the run ``scene.state['connected']`` says whether kubelint tried (a connection is
    completed by the kernel's backlog even though it is never accepted)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        scene.state["port"] = server.getsockname()[1]
        yield
        server.setblocking(False)
        try:
            connection, _ = server.accept()
        except BlockingIOError:
            scene.state["connected"] = False
        else:
            connection.close()
            scene.state["connected"] = True


@contextlib.contextmanager
def tripwire(scene: Scene, name: str) -> Iterator[None]:
    """A FIFO ``name`` that records whether anything opened it for reading
    (``scene.state['tripped']``): a schema that ``file://`` points to must never be read."""
    path = scene.fifo(name)

    def wait() -> None:
        os.close(os.open(path, os.O_WRONLY))  # returns once a reader opens the FIFO

    thread = threading.Thread(target=wait, daemon=True)
    thread.start()
    try:
        yield
    finally:
        # kubelint has exited: had it opened the FIFO, the open above has returned.
        thread.join(timeout=0.5)
        scene.state["tripped"] = not thread.is_alive()
        if thread.is_alive():
            _unblock(path, os.O_RDONLY)
        thread.join(timeout=10)
