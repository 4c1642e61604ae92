"""The run's decisions (kubelint.decisions): which severity a finding is reported at, which
findings suppressions silence on a given day, and the least severity reported."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from kubelint.config import Config, EffectiveRule
from kubelint.decisions import Decider, FileSuppressions, severity_for
from kubelint.plugins import build_registry
from kubelint.report import Finding
from kubelint.suppression import Directives, Suppression
from kubelint.yamlparse import Span

REGISTRY = build_registry([], ".")
CONFIG = Config()
TODAY = date(2026, 6, 1)


def _decider(config: Config = CONFIG, floor: int = 0) -> Decider:
    return Decider(
        REGISTRY,
        lambda file: config.rule_settings(file, REGISTRY),
        config._relative,
        config.exemptions,
        TODAY,
        floor,
    )


def _finding(rule: str, severity: str, line: int, held: tuple[Suppression, ...] = ()) -> Finding:
    return Finding(rule, severity, f"{rule} here", "a.yaml", line, 3, line, 9, suppressed_by=held)


def _comment(name: str, line: int, until: date | None = None) -> Suppression:
    """``# kubelint: disable=NAME -- why`` at the end of 0-based ``line`` of a.yaml."""
    return Suppression(
        name,
        "disable",
        line,
        20,
        until=until,
        reason="why",
        file="a.yaml",
        span=Span(line, 40, line, 40 + len(name)),
    )


def _shown(findings: list[Finding]) -> list[tuple[str, str, int, str]]:
    return [(f.rule, f.severity, f.line, f.message) for f in findings]


@pytest.mark.parametrize(
    ("setting", "asked", "expected"),
    [
        (EffectiveRule(False, "error", {}), "warning", None),  # off in this file
        (EffectiveRule(True, "error", {}), "info", "error"),  # the config's severity wins
        (EffectiveRule(True, None, {}), "info", "info"),  # then the check's, for this finding
        (EffectiveRule(True, None, {}), None, "warning"),  # then the rule's own
        (None, None, "error"),  # no such rule (a plugin's that is gone): an error
    ],
)
def test_the_severity_of_a_finding(setting, asked, expected):
    rule = "image-tag-latest" if setting is not None else "no-such-rule"
    assert REGISTRY.rules["image-tag-latest"].severity == "warning"
    assert severity_for(rule, setting, asked, REGISTRY) == expected


def test_a_live_suppression_silences_its_finding_and_is_used():
    comment = _comment("image-tag-latest", 4)
    files = [FileSuppressions("a.yaml", Directives(trailing={4: [comment]}), judged=True)]
    findings = [
        _finding("image-tag-latest", "warning", 5, (comment,)),
        _finding("image-tag-latest", "warning", 9),
    ]
    decision = _decider().decide(findings, files)
    assert _shown(decision.findings) == [
        ("image-tag-latest", "warning", 9, "image-tag-latest here")
    ]
    assert (decision.notes, decision.warnings) == ([], [])


def test_an_expired_suppression_lets_its_finding_through_and_is_reported():
    comment = _comment("image-tag-latest", 4, until=date(2026, 5, 31))
    files = [FileSuppressions("a.yaml", Directives(trailing={4: [comment]}), judged=True)]
    decision = _decider().decide([_finding("image-tag-latest", "warning", 5, (comment,))], files)
    assert _shown(decision.findings) == [
        ("image-tag-latest", "warning", 5, "image-tag-latest here"),
        (
            "suppression-expired",
            "warning",
            5,
            "suppression of 'image-tag-latest' expired on 2026-05-31",
        ),
    ]
    assert decision.findings[0].suppressed_by == ()


def test_a_suppression_that_silences_nothing_is_unused():
    comment = _comment("image-tag-latest", 4)
    files = [FileSuppressions("a.yaml", Directives(trailing={4: [comment]}), judged=True)]
    decision = _decider().decide([], files)
    assert _shown(decision.findings) == [
        ("unused-suppression", "warning", 5, "suppression of 'image-tag-latest' silences nothing")
    ]


def test_findings_below_the_least_severity_are_not_reported():
    findings = [
        _finding("image-tag-latest", "warning", 5),
        _finding("schema", "error", 7),
        _finding("unknown-kind", "info", 9),
    ]
    decision = _decider(floor=1).decide(findings, [])
    assert _shown(decision.findings) == [
        ("image-tag-latest", "warning", 5, "image-tag-latest here"),
        ("schema", "error", 7, "schema here"),
    ]


def test_a_rule_turned_off_reports_nothing_about_suppressions():
    config = dataclasses.replace(CONFIG, cli_disable=frozenset({"unused-suppression"}))
    comment = _comment("image-tag-latest", 4)
    files = [FileSuppressions("a.yaml", Directives(trailing={4: [comment]}), judged=True)]
    assert _decider(config).decide([], files).findings == []
