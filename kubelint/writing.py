"""Writing files without losing anything: reports, baselines and fixed manifests.

A report or a baseline is written through a temporary file and a rename, so a reader
(a CI upload step) never sees half of it; but only over a regular file. A device or a
pipe (``/dev/stdout``, ``/dev/null``, a FIFO) is written to as it is: replacing it would
turn ``/dev/null`` into a regular file for everyone on the machine. A symbolic link is
followed (its target is written, the link stays), a new file gets the mode the umask
gives, and an existing file keeps its own.

A fixed manifest is written only if the file still holds exactly the bytes that were
linted (an editor or another ``--fix`` run may have changed it since), never over a
read-only file, and in place when it has other hard links, so that every name of the
file sees the fix.
"""

from __future__ import annotations

import os
import stat


class WriteRefused(Exception):
    """The file is not written, for the reason given (not an OS error)."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_report(path: str, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path``: atomically over a regular file, directly into
    a device or pipe. Raises OSError."""
    data = text.encode("utf-8")
    try:
        mode = os.stat(path).st_mode  # through links: /dev/stdout -> /proc/self/fd/1
    except FileNotFoundError:
        mode = None
    # /dev/stdout redirected to a file is a regular file too: write it, do not rename
    # over the file the shell has open.
    special = os.path.abspath(path).startswith(("/dev/", "/proc/"))
    if mode is not None and (special or not stat.S_ISREG(mode)):
        with open(path, "wb") as handle:  # /dev/stdout, a FIFO: no rename
            handle.write(data)
        return
    _replace(
        os.path.realpath(path), data, stat.S_IMODE(mode) if mode is not None else 0o666 & ~_umask()
    )


def write_fixed(path: str, linted: bytes, data: bytes) -> None:
    """Replace the contents of the manifest at ``path`` (or of the file a symbolic link
    there names) with ``data``, if it still holds ``linted``. Keeps its mode and its hard
    links. Raises WriteRefused or OSError."""
    target = os.path.realpath(path)
    info = os.stat(target)
    if not stat.S_ISREG(info.st_mode):
        raise WriteRefused("not a regular file")
    if not os.access(target, os.W_OK) or not info.st_mode & 0o222:
        raise WriteRefused("the file is read-only; make it writable to apply fixes")
    with open(target, "rb") as handle:
        if handle.read() != linted:
            raise WriteRefused("the file changed after it was linted; run kubelint again")
    if info.st_nlink > 1:
        # Other names share this file: write it in place so that they all see the fix
        # (a rename would give this name a new file and leave the others unfixed).
        with open(target, "r+b") as handle:
            if handle.read() != linted:
                raise WriteRefused("the file changed after it was linted; run kubelint again")
            handle.seek(0)
            handle.write(data)
            handle.truncate()
        return
    _replace(target, data, stat.S_IMODE(info.st_mode), expect=linted)


def _replace(target: str, data: bytes, mode: int, expect: bytes | None = None) -> None:
    import tempfile  # only when a file is written: ~1.5 ms of every start otherwise

    directory = os.path.dirname(target)
    handle, temporary = tempfile.mkstemp(prefix=".kubelint-", dir=directory)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, mode)
        if expect is not None:
            # The last moment to notice a concurrent change before the rename.
            with open(target, "rb") as current:
                if current.read() != expect:
                    raise WriteRefused("the file changed after it was linted; run kubelint again")
        os.replace(temporary, target)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
