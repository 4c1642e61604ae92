"""The import contracts in pyproject.toml ([tool.importlinter]) hold: rules import only
kubelint.api, the engine never imports the CLI, formatters or rules, the loader only
parses, formatters only render."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT, copy_project

# The console script installed next to this interpreter (import-linter has no __main__).
LINT_IMPORTS = str(Path(sys.executable).parent / "lint-imports")

CONTRACTS = [
    "Rules import only kubelint.api",
    "The engine never imports the CLI, formatters, editors' servers or rules",
    "The loader only parses: it never imports suppressions, rules or decisions",
    "Formatters only render: they never import the CLI, the engine's decisions or rules",
]


def lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    # --no-cache: the cache would land in the checkout. import-linter puts the working
    # directory first on sys.path, so it reads the tree in ``cwd``.
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def verdicts(output: str) -> dict[str, str]:
    """Contract name -> KEPT or BROKEN, from lint-imports' report (names may wrap)."""
    flat = " ".join(output.split())
    found = {}
    for name in CONTRACTS:
        for verdict in ("KEPT", "BROKEN"):
            if f"{name} {verdict}" in flat:
                found[name] = verdict
    return found


def test_the_checkout_keeps_every_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert verdicts(result.stdout) == dict.fromkeys(CONTRACTS, "KEPT")
    assert "Contracts: 4 kept, 0 broken." in result.stdout


def test_a_rule_importing_the_engine_breaks_the_rules_contract(tmp_path):
    copy_project(tmp_path)
    rule = tmp_path / "rules" / "workloads" / "naked_pod.py"
    rule.write_text(rule.read_text() + "\nfrom kubelint.lint import Linter  # noqa\n")
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert verdicts(result.stdout) == {
        "Rules import only kubelint.api": "BROKEN",
        "The engine never imports the CLI, formatters, editors' servers or rules": "KEPT",
        "The loader only parses: it never imports suppressions, rules or decisions": "KEPT",
        (
            "Formatters only render: they never import the CLI, the engine's decisions or rules"
        ): "KEPT",
    }
    assert "rules is not allowed to import kubelint.lint:" in result.stdout
    assert "rules.workloads.naked_pod -> kubelint.lint" in result.stdout


def test_the_loader_reading_suppressions_breaks_the_loader_contract(tmp_path):
    copy_project(tmp_path)
    loader = tmp_path / "kubelint" / "loader.py"
    loader.write_text(loader.read_text() + "\nfrom kubelint.suppression import parse_directives\n")
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert verdicts(result.stdout) == {
        "Rules import only kubelint.api": "KEPT",
        "The engine never imports the CLI, formatters, editors' servers or rules": "KEPT",
        "The loader only parses: it never imports suppressions, rules or decisions": "BROKEN",
        (
            "Formatters only render: they never import the CLI, the engine's decisions or rules"
        ): "KEPT",
    }
    assert "kubelint.loader is not allowed to import kubelint.suppression:" in result.stdout
    assert "kubelint.loader -> kubelint.suppression" in result.stdout
