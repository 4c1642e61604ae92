"""Shared test helpers: lint with exactly one rule on, and read fixture expectations."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from kubelint.config import Config
from kubelint.lint import Linter
from kubelint.loader import load_text
from kubelint.model import SourceFile
from kubelint.plugins import Registry, build_registry
from kubelint.report import Finding

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SHARED = ROOT.parent / "shared"
CORE_RULES = frozenset({"yaml-syntax", "yaml-duplicate-key", "yaml-limits", "file-unreadable",
                        "manifest-structure", "internal-error"})

_REGISTRY: Registry | None = None
_EXPECT = re.compile(r"#\s*expect:\s*(?P<rules>[a-z0-9:,\- ]+?)\s*$")
_OPTIONS = re.compile(r"^#\s*options:\s*(?P<json>\{.*\})\s*$", re.M)


def registry() -> Registry:
    global _REGISTRY
    if _REGISTRY is None:
        _REGISTRY = build_registry()
    return _REGISTRY


def only_rule_config(rule_id: str, options: dict | None = None) -> Config:
    """Every rule off but ``rule_id`` and the core rules (which catch broken fixtures)."""
    reg = registry()
    config = Config(cli_enable={rule_id} | CORE_RULES,
                    cli_disable=set(reg.rules) - {rule_id} - CORE_RULES)
    if options:
        from kubelint.config import RuleSetting

        config.rules[rule_id] = RuleSetting(enabled=True, options=options)
    return config


def lint_only(text: str, rule_id: str, filename: str = "test.yaml",
              options: dict | None = None) -> list[Finding]:
    config = only_rule_config(rule_id, options)
    loaded = load_text(text, SourceFile(filename, text))
    return Linter(config, registry()).run([loaded]).findings


def expectations(text: str) -> Counter[tuple[str, int, str | None]]:
    """``# expect: rule-a, rule-b:warning`` -> {(rule, line, severity or None): count}."""
    expected: Counter[tuple[str, int, str | None]] = Counter()
    for number, line in enumerate(text.splitlines(), start=1):
        match = _EXPECT.search(line)
        if match is None:
            continue
        for item in match["rules"].split(","):
            rule, _, severity = item.strip().partition(":")
            expected[(rule, number, severity or None)] += 1
    return expected


def fixture_options(text: str) -> dict | None:
    match = _OPTIONS.search(text)
    return json.loads(match["json"]) if match else None


def actual(findings: list[Finding], expected: Counter) -> Counter[tuple[str, int, str | None]]:
    """Findings keyed like ``expectations``: with severity where the fixture names one."""
    with_severity = {(rule, line) for rule, line, severity in expected if severity}
    out: Counter[tuple[str, int, str | None]] = Counter()
    for finding in findings:
        key = (finding.rule, finding.line)
        out[(finding.rule, finding.line, finding.severity if key in with_severity else None)] += 1
    return out
