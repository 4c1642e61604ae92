"""docs/rules/*.md and the README's rules table are generated from the rules; they must
be current (regenerate with `python scripts/render_rule_docs.py`)."""

from __future__ import annotations

import subprocess
import sys

from tests.helpers import ROOT


def test_rendered_docs_are_current():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "render_rule_docs.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
