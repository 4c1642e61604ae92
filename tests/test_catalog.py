"""The built-in rules are listed from rules/catalog.json and their modules imported only
when a run meets a kind they apply to (kubelint.builtin, kubelint.rule.DeferredCheck)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from kubelint.builtin import CATALOG, _cataloged, catalog_entry, imported_rules, kubelint_rules
from kubelint.lint import lint_text
from kubelint.rule import DeferredCheck
from tests.helpers import ROOT
from tests.test_startup import loaded_by_a_run

CONFIGMAP = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
data:
  mode: fast
"""


def test_catalog_records_every_rule_as_its_module_defines_it():
    # The file is current (tests/test_docs_rendered.py); here: what it is read as.
    listed = kubelint_rules()
    imported = imported_rules()
    assert [rule.id for rule in listed] == [rule.id for rule in imported]
    for cataloged, real in zip(listed, imported, strict=True):
        assert replace(cataloged, check=None) == replace(real, check=None)
        assert (cataloged.check is None) == (real.check is None)
        if real.check is not None:
            assert isinstance(cataloged.check, DeferredCheck)
            assert cataloged.check.resolve() is real.check
            assert cataloged.check.__module__ == real.check.__module__


def test_a_run_imports_the_rules_of_the_kinds_it_meets_only(tmp_path):
    _report, loaded = loaded_by_a_run(tmp_path, "settings.yaml", CONFIGMAP)
    imported = {
        name
        for name in loaded
        if name.startswith("kubelint.rules.")
        and name.count(".") == 3
        and not name.rpartition(".")[2].startswith("_")
    }
    expected = {
        rule.check.__module__
        for rule in kubelint_rules()
        if rule.check is not None
        and rule.enabled
        and (rule.kinds is None or "ConfigMap" in rule.kinds)
    }
    assert "kubelint.rules.security.secret_in_configmap" in expected  # a ConfigMap rule
    assert "kubelint.rules.rbac.cluster_admin_binding" not in expected
    assert imported == expected


def test_a_catalog_out_of_step_with_its_module_is_an_internal_error(tmp_path):
    entry = next(
        catalog_entry(rule) for rule in imported_rules() if rule.id == "secret-in-configmap"
    )
    stale = _cataloged({**entry, "severity": "info"})
    assert isinstance(stale.check, DeferredCheck)
    with pytest.raises(RuntimeError) as raised:
        stale.check.resolve()
    assert str(raised.value) == (
        "rules/catalog.json does not match kubelint.rules.security.secret_in_configmap for"
        " rule 'secret-in-configmap': run python scripts/render_rule_docs.py"
    )


def test_catalog_ships_beside_the_rules():
    text = (ROOT / "rules" / CATALOG).read_text(encoding="utf-8")
    assert json.loads(text)[0] == catalog_entry(imported_rules()[0])


def test_a_rule_met_late_still_runs(tmp_path):
    # A kind seen only after others: its rules are imported then, and report as usual.
    text = CONFIGMAP + "---\n" + CONFIGMAP.replace("mode: fast", "password: hunter2")
    findings = lint_text(text, "both.yaml")
    assert [(f.rule, f.line) for f in findings if f.rule == "secret-in-configmap"] == [
        ("secret-in-configmap", 15)
    ]
