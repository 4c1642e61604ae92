"""Progress on long runs: files and objects done, and the time so far, on one line of
a terminal's standard error.

Shown only when standard error is a terminal, the report is the human text format, and
the ``CI`` environment variable is not set, and only once a run has lasted a second (a
pre-commit run on a few files shows nothing); the line is erased when the run ends, so
the report and the terminal's scrollback are as without it. Written with plain control
characters: no library to import (the command line starts in about 0.1 s and must stay
there).
"""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

#: Seconds before the line first appears, and between updates.
DELAY = 1.0
INTERVAL = 0.1


class Progress:
    """Counts files read and objects checked; ``tick()`` redraws at most every
    ``INTERVAL`` seconds, once ``DELAY`` seconds have passed."""

    def __init__(self, stream: TextIO | None = None, delay: float = DELAY):
        self.stream = stream
        self.files = 0
        self.objects = 0
        self._start = time.monotonic()
        self._delay = delay
        self._next = self._start + delay
        self._shown = False

    @classmethod
    def for_terminal(cls, output_format: str) -> Progress:
        """A Progress that draws on standard error when a person is watching it."""
        stream: TextIO | None = sys.stderr
        if output_format != "text" or os.environ.get("CI") or not _is_terminal(sys.stderr):
            stream = None
        # KUBELINT_PROGRESS_DELAY: seconds before the line appears (tests use 0).
        delay = os.environ.get("KUBELINT_PROGRESS_DELAY")
        try:
            seconds = float(delay) if delay is not None else DELAY
        except ValueError:
            seconds = DELAY
        return cls(stream, seconds)

    def file_read(self) -> None:
        self.files += 1
        self.tick()

    def object_checked(self) -> None:
        self.objects += 1
        if self.objects % 64 == 0:  # time.monotonic() per object would cost more
            self.tick()

    def tick(self) -> None:
        if self.stream is None:
            return
        now = time.monotonic()
        if now < self._next:
            return
        self._next = now + INTERVAL
        self._shown = True
        files = f"{self.files:,} file{'' if self.files == 1 else 's'}"
        objects = f"{self.objects:,} object{'' if self.objects == 1 else 's'}"
        self.stream.write(
            f"\r\x1b[Kkubelint: {files} read, {objects} checked, {now - self._start:.1f} s"
        )
        self.stream.flush()

    def close(self) -> None:
        """Erase the line (the report follows on a clean terminal)."""
        if self.stream is not None and self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._shown = False


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # replaced or closed by the caller
        return False
