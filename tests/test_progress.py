"""Progress on a terminal's standard error, never anywhere else (a real pseudo-terminal)."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

CONFIG_MAP = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {a: b}
"""


def run(tmp_path: Path, stderr_terminal: bool, **env: str) -> tuple[str, bytes]:
    """(standard output, what reached standard error) of a check of one file."""
    (tmp_path / "cm.yaml").write_text(CONFIG_MAP)
    args = env.pop("ARGS", "").split()
    environment = {k: v for k, v in os.environ.items() if k != "CI"}
    environment.update(KUBELINT_PROGRESS_DELAY="0", **env)
    master = slave = None
    if stderr_terminal:
        master, slave = pty.openpty()
    result = subprocess.run(
        [sys.executable, "-m", "kubelint", "check", "--no-config", "--no-color", "cm.yaml", *args],
        cwd=tmp_path,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=slave if slave is not None else subprocess.PIPE,
        timeout=120,
        check=False,
    )
    if master is None:
        return result.stdout.decode(), result.stderr
    assert slave is not None
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the child closed its end
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    return result.stdout.decode(), seen


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_progress_is_drawn_on_a_terminal_and_erased(tmp_path):
    out, err = run(tmp_path, stderr_terminal=True)
    assert err.startswith(b"\r\x1b[Kkubelint: 1 file read, 0 objects checked, ")
    assert err.endswith(b"\r\x1b[K")  # erased: the terminal is left as without it
    assert out == ("No problems in 1 file; 1 object checked.\n")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_no_progress_in_ci_in_pipes_or_machine_formats(tmp_path):
    assert run(tmp_path, stderr_terminal=True, CI="true")[1] == b""
    assert run(tmp_path, stderr_terminal=False)[1] == b""
    out, err = run(tmp_path, stderr_terminal=True, ARGS="--format json")
    assert err == b""
    assert out.startswith("{")
