"""Golden files for what users see: `kubelint check examples/` as text and as JSON.

Regenerate deliberately with `KUBELINT_UPDATE_SNAPSHOTS=1 python -m pytest
tests/test_golden.py` and review the diff like code."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.helpers import ROOT, assert_golden


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("examples.txt", ["--no-color"]),
        ("examples.json", ["--format", "json"]),
    ],
)
def test_check_examples(name, args):
    result = subprocess.run(
        [sys.executable, "-m", "kubelint", "check", "--no-config", *args, "examples"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr  # the examples have errors
    assert_golden(name, result.stdout)
