"""The code is formatted by ``ruff format`` and passes ``ruff check`` (the settings in
pyproject.toml), so that a diff shows what changed, not how it was laid out. Fix with
``ruff format kubelint rules tests scripts bench`` and ``ruff check --fix ...``."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.helpers import ROOT

SOURCES = ["kubelint", "rules", "tests", "scripts", "bench"]


def ruff(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args, *SOURCES],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


pytestmark = pytest.mark.skipif(
    shutil.which("ruff") is None
    and subprocess.run(
        [sys.executable, "-m", "ruff", "--version"], capture_output=True, check=False
    ).returncode
    != 0,
    reason="ruff is not installed (pip install -e '.[test]' brings it)",
)


def test_the_code_is_formatted():
    done = ruff("format", "--check")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_code_passes_ruff_check():
    done = ruff("check")
    assert done.returncode == 0, done.stdout + done.stderr
