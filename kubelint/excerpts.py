"""The source lines findings point at, for the code frames of ``--show-source``.

Formatters only render, so the command line gathers the lines first: standard input's
from the text it read, the others from the files the findings name, read again. The
loader keeps no text, and a finding on a rendered chart or overlay points into a
template, values file or patch that was never linted as a file. Only regular files
within the size limit are read: a FIFO or a device (``<(helm template …)``) cannot be
read twice. A file that cannot be read, or is shorter now, gives no line, and its
findings no frame.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Mapping

from kubelint.constants import MAX_FILE_BYTES
from kubelint.loader import decode
from kubelint.report import Finding
from kubelint.yamlparse import split_lines


def source_lines(
    findings: Iterable[Finding], texts: Mapping[str, str]
) -> dict[str, dict[int, str]]:
    """file -> 1-based line -> text of every line a finding starts on; ``texts`` holds
    the text of inputs that are not files (standard input), by the name findings use."""
    wanted: dict[str, set[int]] = {}
    for finding in findings:
        wanted.setdefault(finding.file, set()).add(finding.line)
    found: dict[str, dict[int, str]] = {}
    for file, numbers in wanted.items():
        text = texts[file] if file in texts else _read(file)
        if text is None:
            continue
        lines = split_lines(text)  # as the parser counts lines (a lone CR ends one too)
        found[file] = {number: lines[number - 1] for number in numbers if 0 < number <= len(lines)}
    return found


def _read(path: str) -> str | None:
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
            return None
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError:
        return None
    return decode(data)[0]  # as the loader decoded it, so that columns agree
