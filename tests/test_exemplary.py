"""The exemplary manifests in examples/hardened/ pass every rule kubelint runs by default
at warning and above: they are what kubelint asks users to write. (Rules that are off by
default are team policies, such as required labels or digest-pinned images; they are
opt-in and do not bind the examples.)"""

from __future__ import annotations

import pytest

from kubelint.config import Config
from kubelint.lint import lint_paths
from tests.helpers import ROOT, registry

HARDENED = sorted((ROOT / "examples" / "hardened").glob("*.yaml"))


@pytest.mark.parametrize("path", HARDENED, ids=[p.name for p in HARDENED])
def test_nothing_at_warning_or_above(path):
    config = Config()
    report = lint_paths([str(path)], config, registry())
    serious = [
        f"{f.line}:{f.column} {f.severity} {f.rule} {f.message}"
        for f in report.findings
        if f.severity != "info"
    ]
    assert serious == []
    assert report.summary.objects >= 4
