"""Every rule is documented in ruff's sections, and its examples do what they say."""

from __future__ import annotations

import pytest

from kubelint.docs import REQUIRED_SECTIONS, sections, yaml_blocks
from tests.helpers import fixture_options, lint_only, registry

RULES = sorted(registry().rules.values(), key=lambda r: r.id)
# Rules no manifest can trigger: their Example is prose or a chart or kustomization, tested
# in tests/test_plugins.py (internal-error), tests/test_loader.py (file-unreadable),
# tests/test_helm.py and tests/test_kustomize.py.
PROSE_EXAMPLES = {
    "internal-error",
    "file-unreadable",
    "helm-render",
    "kustomize-build",
    "kustomize-remote",
}


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_docs_have_sections_in_order(rule):
    found = list(sections(rule.doc))
    assert [s for s in found if s in REQUIRED_SECTIONS] == list(REQUIRED_SECTIONS)
    assert found[: len(REQUIRED_SECTIONS)] == list(REQUIRED_SECTIONS)
    assert rule.summary and not rule.summary.endswith(".")


@pytest.mark.parametrize(
    "rule",
    [r for r in RULES if r.id not in PROSE_EXAMPLES],
    ids=[r.id for r in RULES if r.id not in PROSE_EXAMPLES],
)
def test_example_triggers_and_use_instead_does_not(rule):
    parts = sections(rule.doc)
    examples = yaml_blocks(parts["Example"])
    fixes = yaml_blocks(parts["Use instead"])
    assert examples and fixes, "Example and Use instead each need a ```yaml block"
    # A block may start with `# options: {...}` (JSON), as fixtures do.
    for example in examples:
        found = {f.rule for f in lint_only(example, rule.id, options=fixture_options(example))}
        assert rule.id in found, f"the Example does not trigger {rule.id}"
    for fix in fixes:
        findings = lint_only(fix, rule.id, options=fixture_options(fix))
        assert findings == [], [f"{f.line} {f.rule} {f.message}" for f in findings]
