"""``kubelint test POLICY_DIR``: unit tests for policies, in kubelint's fixture format.

The policy files are the YAML and JSON files of the directory outside any ``tests``
directory; the test cases are the files inside one. Each case is linted alone with only
the policies' rules on, and must give exactly the findings its ``# expect:`` comments
name, line by line::

    metadata:
      labels: {app: web}        # expect: team-label-required

``# expect: a, b:warning`` expects two findings on that line, the second at severity
warning. A file without ``# expect:`` must give no finding.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TextIO

from kubelint.report import Finding
from kubelint.suggest import AFTER_SEMICOLON, did_you_mean

_EXPECT = re.compile(r"#\s*expect:\s*(?P<rules>[a-z0-9:,\- ]+?)\s*$")
#: The findings of the loader itself, which catch a broken test case.
CORE_RULES = frozenset(
    {
        "yaml-syntax",
        "yaml-duplicate-key",
        "yaml-limits",
        "file-unreadable",
        "manifest-structure",
        "internal-error",
    }
)

SEVERITIES = ("error", "warning", "info")

Key = tuple[str, int, "str | None"]


def expectations(text: str) -> Counter[Key]:
    """``# expect: rule-a, rule-b:warning`` -> {(rule, line, severity or None): count}."""
    expected: Counter[Key] = Counter()
    for number, line in enumerate(text.splitlines(), start=1):
        match = _EXPECT.search(line)
        if match is None:
            continue
        for item in match["rules"].split(","):
            rule, _, severity = item.strip().partition(":")
            expected[(rule, number, severity or None)] += 1
    return expected


def actual(findings: Iterable[Finding], expected: Counter[Key]) -> Counter[Key]:
    """Findings keyed like ``expectations``: with severity where the case names one."""
    with_severity = {(rule, line) for rule, line, severity in expected if severity}
    out: Counter[Key] = Counter()
    for finding in findings:
        key = (finding.rule, finding.line)
        out[(finding.rule, finding.line, finding.severity if key in with_severity else None)] += 1
    return out


@dataclass
class CaseResult:
    """A policy test case's outcome: the findings it missed and those it did not expect."""

    path: str
    missing: list[Key] = field(default_factory=list)
    unexpected: list[tuple[Key, str]] = field(default_factory=list)  # (key, message)
    reported: int = 0

    @property
    def passed(self) -> bool:
        return not self.missing and not self.unexpected


def split_directory(directory: str) -> tuple[list[str], list[str]]:
    """(policy files, test cases) under ``directory``."""
    from kubelint.policies import policy_files

    policies: list[str] = []
    cases: list[str] = []
    for path in policy_files([directory], with_tests=True):
        parts = os.path.relpath(path, directory).replace(os.sep, "/").split("/")[:-1]
        (cases if "tests" in parts else policies).append(path)
    return policies, cases


def run_case(path: str, linter: object) -> CaseResult:
    from kubelint.engine import Linter
    from kubelint.loader import display_path, load_path

    assert isinstance(linter, Linter)
    shown = display_path(path)
    loaded = load_path(path, shown)
    findings = linter.run([loaded], {shown: path}).findings
    expected = expectations(loaded.source.text)
    got = actual(findings, expected)
    result = CaseResult(shown, reported=len(findings))
    result.missing = sorted((expected - got).elements(), key=lambda k: (k[1], k[0]))
    extra = got - expected
    for finding in findings:
        for key in (
            (finding.rule, finding.line, finding.severity),
            (finding.rule, finding.line, None),
        ):
            if extra[key] > 0:
                extra[key] -= 1
                result.unexpected.append((key, finding.message))
                break
    return result


def run(directory: str, out: TextIO) -> int:
    """Run the tests; 0 when all pass, 1 when one fails. Raises ``PolicyError`` and
    ``ConfigError`` for unusable policies (exit status 2 at the command line)."""
    from kubelint.config import Config, ConfigError
    from kubelint.engine import Linter
    from kubelint.loader import display_path
    from kubelint.plugins import build_registry
    from kubelint.policies import PolicyError, _load, build_plugin

    if not os.path.isdir(directory):
        raise ConfigError(f"{directory}: not a directory of policies")
    policies, cases = split_directory(directory)
    if not policies:
        raise PolicyError(f"{directory}: no policy files (YAML or JSON outside tests/)")
    if not cases:
        raise PolicyError(
            f"{directory}: no test cases; put example manifests with"
            " '# expect: RULE' comments under a tests/ directory"
        )
    plugin = build_plugin([_load(path) for path in policies])
    ids = {rule.id for rule in plugin.rules}
    if not ids:
        shown = ", ".join(sorted(display_path(path) for path in policies))
        raise PolicyError(
            f"{directory}: its policy files ({shown})"
            " define no rules: no kubelint Policy nor ValidatingAdmissionPolicy"
        )
    registry = build_registry(extra=[plugin])
    config = Config(
        cli_enable=frozenset(ids | CORE_RULES),
        cli_disable=frozenset(set(registry.rules) - ids - CORE_RULES),
    )
    linter = Linter(config, registry)
    failed = 0
    exercised: set[str] = set()
    for path in sorted(cases):
        result = run_case(path, linter)
        exercised.update(rule for rule, _, _ in expectations(_read(path)))
        if result.passed:
            print(f"PASS  {result.path}", file=out)
            continue
        failed += 1
        print(f"FAIL  {result.path}", file=out)
        for rule, line, severity in result.missing:
            wanted = f"{rule}:{severity}" if severity else rule
            print(
                f"      line {line}: expected {wanted}, not reported{_hint(rule, severity, ids)}",
                file=out,
            )
        for (rule, line, severity), message in result.unexpected:
            shown = f"{rule}:{severity}" if severity else rule
            print(f"      line {line}: unexpected {shown}: {message}", file=out)
    untested = sorted(ids - exercised)
    if untested:
        print(f"note: rules with no failing example: {', '.join(untested)}", file=out)
    for note in plugin.notes:
        print(f"note: {note}", file=out)
    passed = len(cases) - failed
    print(
        f"{passed} passed, {failed} failed ({_count(len(ids), 'rule')},"
        f" {_count(len(policies), 'policy file')})",
        file=out,
    )
    return 1 if failed else 0


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _hint(rule: str, severity: str | None, ids: set[str]) -> str:
    """Why an expectation can never be met: a rule the policies do not define (a typo),
    or a severity that does not exist."""
    if rule not in ids and rule not in CORE_RULES:
        hint = did_you_mean(rule, sorted(ids), form=AFTER_SEMICOLON)
        return f" (no policy defines {rule!r}{hint})"
    if severity is not None and severity not in SEVERITIES:
        return f" (severity {severity!r} is none of {', '.join(SEVERITIES)})"
    return ""


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return ""
