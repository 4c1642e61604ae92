"""Shared test helpers: lint with exactly one rule on, and read fixture expectations."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

from kubelint.config import Config
from kubelint.lint import Linter, lint_paths
from kubelint.loader import load_text
from kubelint.model import SourceFile
from kubelint.plugins import Registry, build_registry

# The `# expect:` fixture format is kubelint's own (`kubelint test` reads it too).
from kubelint.policies.testing import CORE_RULES, actual, expectations  # noqa: F401
from kubelint.report import Finding, Report

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
GOLDEN = ROOT / "tests" / "golden"
SHARED = ROOT.parent / "shared"

_REGISTRY: Registry | None = None
_OPTIONS = re.compile(r"^#\s*options:\s*(?P<json>\{.*\})\s*$", re.M)


def registry() -> Registry:
    global _REGISTRY
    if _REGISTRY is None:
        _REGISTRY = build_registry()
    return _REGISTRY


def only_rule_config(rule_id: str, options: dict | None = None) -> Config:
    """Every rule off but ``rule_id`` and the core rules (which catch broken fixtures)."""
    reg = registry()
    from kubelint.config import RuleSetting

    rules = {rule_id: RuleSetting(enabled=True, options=options)} if options else {}
    return Config(
        cli_enable=frozenset({rule_id} | CORE_RULES),
        cli_disable=frozenset(set(reg.rules) - {rule_id} - CORE_RULES),
        rules=rules,
    )


def lint_only(
    text: str, rule_id: str, filename: str = "test.yaml", options: dict | None = None
) -> list[Finding]:
    config = only_rule_config(rule_id, options)
    loaded = load_text(text, SourceFile(filename, text))
    return Linter(config, registry()).run([loaded]).findings


def fixture_options(text: str) -> dict | None:
    match = _OPTIONS.search(text)
    return json.loads(match["json"]) if match else None


def lint_in(cwd: Path, paths: list[str]) -> Report:
    """Lint as `kubelint check --no-config PATHS` run in ``cwd`` would."""
    before = os.getcwd()
    os.chdir(cwd)
    try:
        return lint_paths(paths, Config(), registry())
    finally:
        os.chdir(before)


def assert_golden(name: str, output: str) -> None:
    """``output`` equals the golden file ``tests/golden/NAME``. With
    ``KUBELINT_UPDATE_SNAPSHOTS`` set it first becomes that file: regenerate deliberately
    and review the diff like code."""
    path = GOLDEN / name
    if os.environ.get("KUBELINT_UPDATE_SNAPSHOTS"):
        path.write_text(output, encoding="utf-8", newline="\n")
    assert output == path.read_text(encoding="utf-8")


def copy_project(destination: Path, *extra: str) -> None:
    """What building kubelint needs (and the files named in ``extra``), copied from the
    checkout into ``destination``, which a build may then litter (build/, egg-info)."""
    for name in ("pyproject.toml", "README.md", "LICENSE", *extra):
        shutil.copy(ROOT / name, destination / name)
    for name in ("kubelint", "rules", "schemas"):
        shutil.copytree(
            ROOT / name,
            destination / name,
            ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"),
        )
