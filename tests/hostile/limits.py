"""Run the real ``kubelint`` command line in a subprocess, under a time and a memory limit.

The limits are a safety net, not a benchmark: each hostile input takes a second or a few
when kubelint handles it as it should, so a regression to quadratic time, unbounded
reading or an expanded alias bomb shows up as a run killed at the wall-clock limit or
failing at the address-space limit, instead of a CI job that hangs for hours or a machine
that swaps. They are generous (60 s, 2 GiB) so that a busy CI runner never trips them by
noise; figures for speed belong in ``bench/``, never in assertions.

``scripts/fuzz.py`` runs its mutated inputs through the same function.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

#: Wall-clock seconds one kubelint run may take.
TIMEOUT_SECONDS = 60.0
#: Address space one kubelint run may map (RLIMIT_AS): the interpreter, ruamel's C parser,
#: jsonschema-rs and cel-cpp map about 0.3 GiB before reading anything.
MEMORY_BYTES = 2 * 1024**3


@dataclass(frozen=True)
class Run:
    """What one limited kubelint run did."""

    args: tuple[str, ...]
    returncode: int  # negative: killed by that signal
    stdout: bytes
    stderr: bytes
    seconds: float
    timed_out: bool

    @property
    def out(self) -> str:
        return self.stdout.decode("utf-8")

    @property
    def err(self) -> str:
        return self.stderr.decode("utf-8", "backslashreplace")

    def crash(self) -> str | None:
        """Why this run broke kubelint's promises, or None: a traceback, an exit status other
        than 0, 1 or 2, the time limit, or the memory limit."""
        if self.timed_out:
            return f"timeout after {self.seconds:.0f} s"
        if b"MemoryError" in self.stderr:
            return "memory limit (MemoryError)"
        if b"Traceback (most recent call last)" in self.stderr:
            return "traceback"
        if self.returncode < 0:
            return f"killed by signal {signal.Signals(-self.returncode).name}"
        if self.returncode not in (0, 1, 2):
            return f"exit status {self.returncode}"
        return None


def _limit() -> None:
    """In the child between fork and exec: only async-signal-safe work (setrlimit), and
    ``resource`` is imported already, so no import lock is taken."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash leaves no 2 GiB core file


def _feed(descriptor: int, chunks: Iterable[bytes]) -> None:
    """Write ``chunks`` to standard input until kubelint stops reading (it reads up to its
    size limit and closes the pipe: that ends the writer, it is not an error)."""
    try:
        with os.fdopen(descriptor, "wb") as pipe:
            for chunk in chunks:
                pipe.write(chunk)
    except BrokenPipeError:
        pass


def run_kubelint(
    args: Iterable[str],
    cwd: Path,
    stdin: Iterable[bytes] = (),
    timeout: float = TIMEOUT_SECONDS,
    env: Mapping[str, str] | None = None,
) -> Run:
    """``python -m kubelint *args`` in ``cwd`` with the limits; ``stdin`` is streamed to it
    (empty by default: standard input is a pipe closed at once, never a terminal or a
    device)."""
    args = tuple(args)
    read_end, write_end = os.pipe()
    start = time.monotonic()
    # A new session, so a timeout kills kubelint and anything it started (helm, kustomize).
    process = subprocess.Popen(
        [sys.executable, "-m", "kubelint", *args],
        cwd=cwd,
        stdin=read_end,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=_limit,
        start_new_session=True,
        env=None if env is None else dict(env),
    )
    os.close(read_end)
    feeder = threading.Thread(target=_feed, args=(write_end, stdin), daemon=True)
    feeder.start()
    timed_out = False
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
    feeder.join(timeout=10)
    return Run(args, process.returncode, stdout, stderr, time.monotonic() - start, timed_out)
