"""The plain files of a run, as the parent process reads them, and how many processes
check them.

Kept apart from ``kubelint.pipeline`` (workers and the cache): a run of one process
without the cache, such as a pre-commit hook on a few files, needs these and not the
pickling, hashing and forking that the pipeline imports.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kubelint.loader import LoadedFile, load_read, read_file

if TYPE_CHECKING:
    from kubelint.cache import FileEntry
    from kubelint.yamlparse import YamlProblem

#: Below this many bytes of plain files, workers gain too little to be worth a fork (on
#: this project's 2-core machine, 0.2 MB of manifests was no slower with two processes
#: and 2 MB 10-30% faster; see the notes of issue 13).
AUTO_JOBS_MIN_BYTES = 1_000_000


@dataclass(eq=False)
class PlainFile:
    """A plain file of the input, read by the parent (a FIFO can be read only once)."""

    shown: str
    fs_path: str
    data: bytes | None
    problem: YamlProblem | None
    #: Loaded already (standard input, files that may define schemas).
    loaded: LoadedFile | None = None
    #: Its cache key, and what the cache had under it (``kubelint.cache``).
    key: str | None = None
    cached: FileEntry | None = None

    def load(self) -> LoadedFile:
        if self.loaded is None:
            if self.data is None and self.problem is None:  # given to a worker that died
                self.data, self.problem = read_file(self.fs_path)
            self.loaded = load_read(self.shown, self.data, self.problem, self.fs_path)
            self.data = None  # the text lives on in the loaded file (or is read again)
        return self.loaded


def default_jobs(files: Sequence[PlainFile]) -> int:
    """Every core when the input pays for workers, else one process."""
    if sum(len(file.data or b"") for file in files) < AUTO_JOBS_MIN_BYTES:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, cores)
