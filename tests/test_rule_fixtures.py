"""Every rule's fixtures: the exact (rule, line) findings equal the ``# expect:`` lines.

``fixtures/<rule-id>/fail-*.yaml`` must carry ``# expect: <rule-id>`` (optionally
``<rule-id>:<severity>``) on each line where a finding is reported; ``pass-*.yaml`` carry
none. Each fixture is linted with only its rule (and the core input rules) enabled; a
first line ``# options: {...}`` passes rule options.
"""

from __future__ import annotations

import pytest

from tests.helpers import FIXTURES, actual, expectations, fixture_options, lint_only, registry

FIXTURE_FILES = sorted(
    path for path in FIXTURES.glob("*/*") if path.suffix in (".yaml", ".yml", ".json")
)


@pytest.mark.parametrize(
    "path", FIXTURE_FILES, ids=[f"{p.parent.name}/{p.name}" for p in FIXTURE_FILES]
)
def test_fixture(path):
    rule_id = path.parent.name
    assert rule_id in registry().rules, f"fixture folder {rule_id!r} names no rule"
    assert path.name.startswith(("pass-", "fail-")), "fixtures are pass-*.yaml or fail-*.yaml"
    text = path.read_text(encoding="utf-8")
    expected = expectations(text)
    if path.name.startswith("pass-"):
        assert not expected, "pass fixtures carry no # expect: lines"
    else:
        assert expected, "fail fixtures carry at least one # expect: line"
    findings = lint_only(
        text,
        rule_id,
        filename=str(path.relative_to(FIXTURES.parent)),
        options=fixture_options(text),
    )
    assert actual(findings, expected) == expected, "\n".join(
        f"{f.line}:{f.column} {f.severity} {f.rule} {f.message}" for f in findings
    )


def test_every_rule_has_pass_and_fail_fixtures():
    missing = []
    for rule_id, rule in registry().rules.items():
        if rule.id in ("internal-error", "file-unreadable"):
            continue  # no manifest produces them: tests/test_plugins.py, test_loader.py
        folder = FIXTURES / rule_id
        if not list(folder.glob("pass-*")) or not list(folder.glob("fail-*")):
            missing.append(rule_id)
    assert missing == []
