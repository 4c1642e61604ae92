"""The Kubernetes schema layer: bundles, strictness, validators built once, versions."""

from __future__ import annotations

import dataclasses
import gzip
import json
import re
import subprocess
import sys

import pytest

from kubelint.config import Config
from kubelint.constants import KUBERNETES_VERSIONS
from kubelint.lint import Linter
from kubelint.loader import load_text
from kubelint.model import SourceFile
from kubelint.schema import Catalog, load_bundle, make_strict
from tests.helpers import ROOT, only_rule_config, registry


def test_make_strict_closes_objects_with_properties_only():
    schema = {
        "type": "object",
        "properties": {
            # A field literally named "properties" (as in JSONSchemaProps) is a field.
            "properties": {"type": "object", "additionalProperties": {"type": "string"}},
            "open": {
                "type": "object",
                "properties": {"a": {}},
                "x-kubernetes-preserve-unknown-fields": True,
            },
            "list": {"type": "array", "items": {"properties": {"b": {}}}},
            "either": {"oneOf": [{"properties": {"c": {}}}, {"type": "string"}]},
        },
    }
    strict = make_strict(schema)
    assert strict["additionalProperties"] is False
    assert strict["properties"]["properties"]["additionalProperties"] == {"type": "string"}
    assert "additionalProperties" not in strict["properties"]["open"]
    assert strict["properties"]["list"]["items"]["additionalProperties"] is False
    assert strict["properties"]["either"]["oneOf"][0]["additionalProperties"] is False
    assert "additionalProperties" not in schema  # the input is not changed


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_bundle_loads_and_is_small(version):
    bundle = load_bundle(version)
    assert bundle.definition_for("apps/v1", "Deployment") == "io.k8s.api.apps.v1.Deployment"
    assert bundle.definition_for("v1", "Pod") == "io.k8s.api.core.v1.Pod"
    path = ROOT / "schemas" / "kubernetes" / f"v{version}.json.gz"
    assert path.stat().st_size < 32_000
    assert json.loads(gzip.decompress(path.read_bytes()))["kubernetes"] == version


def test_versions_are_the_bundles():
    # Adding schemas/kubernetes/v1.N.json.gz is all it takes to support 1.N: the versions,
    # the default, the rules' docs and the config's enum follow.
    found = sorted(
        (
            p.name[1 : -len(".json.gz")]
            for p in (ROOT / "schemas" / "kubernetes").glob("v1.*.json.gz")
        ),
        key=lambda v: int(v.split(".")[1]),
    )
    assert list(KUBERNETES_VERSIONS) == found
    oldest, newest = KUBERNETES_VERSIONS[0], KUBERNETES_VERSIONS[-1]
    rules = registry().rules
    assert f"schemas of Kubernetes {oldest} to {newest} ship" in rules["schema"].doc
    for rule_id in ("api-removed", "api-deprecated"):
        assert f"the newest bundled release ({newest})" in rules[rule_id].doc
    assert not any("{newest}" in rule.doc or "{oldest}" in rule.doc for rule in rules.values())
    # The README says it by hand: it must say what is bundled.
    for path in (ROOT / "README.md", ROOT / "schemas" / "README.md"):
        text = path.read_text(encoding="utf-8")
        spans = set(re.findall(r"\b1\.[0-9]+ to 1\.[0-9]+\b", text))
        assert spans == {f"{oldest} to {newest}"}, path


def test_bundles_are_reproducible_from_upstream():
    import importlib.util

    if importlib.util.find_spec("kubernetes_validate") is None:
        pytest.skip("kubernetes-validate (the upstream data) is not installed")
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_schemas.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_validators_are_built_once_per_kind():
    catalog = Catalog("1.37")
    first = catalog.validator("apps/v1", "Deployment")
    assert first is not None and catalog.validator("apps/v1", "Deployment") is first
    assert catalog.validator("example.com/v1", "Widget") is None


def lint_at(text, version, rule):
    config = dataclasses.replace(only_rule_config(rule), kubernetes_version=version)
    loaded = load_text(text, SourceFile("t.yaml", text))
    return [(f.rule, f.line, f.message) for f in Linter(config, registry()).run([loaded]).findings]


VAP = """\
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: p}
spec:
  validations: [{expression: "true"}]
"""


def test_the_target_version_decides_what_is_served():
    assert lint_at(VAP, "1.30", "api-unknown-version") == []
    assert lint_at(VAP, "1.29", "api-unknown-version") == [
        (
            "api-unknown-version",
            1,
            "Kubernetes 1.29 does not serve ValidatingAdmissionPolicy"
            " in admissionregistration.k8s.io/v1; use admissionregistration.k8s.io/v1alpha1 or"
            " admissionregistration.k8s.io/v1beta1",
        )
    ]


def test_fields_added_in_later_versions_are_unknown_before():
    # Container.resizePolicy arrived in Kubernetes 1.27.
    pod = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
        "    - name: a\n      image: a:1\n"
        "      resizePolicy: [{resourceName: cpu, restartPolicy: NotRequired}]\n"
    )
    assert lint_at(pod, "1.27", "schema") == []
    assert lint_at(pod, "1.26", "schema") == [
        ("schema", 8, "unknown field 'spec.containers[0].resizePolicy'")
    ]


def test_config_rejects_an_unknown_version(tmp_path, monkeypatch, capsys):
    from kubelint.cli import main

    (tmp_path / ".kubelint.yaml").write_text('kubernetes-version: "1.20"\n')
    monkeypatch.chdir(tmp_path)
    assert main(["check", "."]) == 2
    assert 'kubernetes-version: "1.20" is not one of "1.25"' in capsys.readouterr().err


def test_default_version_is_the_newest():
    assert Config().kubernetes_version == KUBERNETES_VERSIONS[-1] == "1.37"


def test_unknown_version_defers_to_api_removed_only_once_removed():
    device_class = (
        "apiVersion: resource.k8s.io/v1beta1\nkind: DeviceClass\nmetadata: {name: gpu}\nspec: {}\n"
    )
    # Kubernetes 1.25 did not serve it yet (it arrived in 1.32): no rule may stay silent.
    assert [r for r, _, _ in lint_at(device_class, "1.25", "api-unknown-version")] == [
        "api-unknown-version"
    ]
    extensions = "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: i}\n"
    assert lint_at(extensions, "1.37", "api-unknown-version") == []
