"""schemas/api-versions.json and the rules that read it (api-removed, api-deprecated).

Every entry is linted at the target versions around its deprecation and removal; the file
itself is checked for shape, against the deprecation guide's removals, and against the
bundled API schemas (what each bundled release really serves)."""

from __future__ import annotations

import dataclasses
import json
import re
from importlib import resources

import pytest
from kubelint.rules.versions import api_removed

from kubelint.api import KUBERNETES_VERSIONS, version_minor
from kubelint.config import Config
from kubelint.index import ObjectIndex
from kubelint.lint import Linter
from kubelint.loader import load_text
from kubelint.model import SourceFile
from kubelint.rule import RuleContext
from kubelint.schema import load_bundle
from tests.helpers import lint_only, only_rule_config, registry

RULES = ("api-removed", "api-deprecated")
BUNDLED = {version_minor(v) for v in KUBERNETES_VERSIONS}
OLDEST, NEWEST = min(BUNDLED), max(BUNDLED)
VERSION = re.compile(r"1\.\d+\Z")
KEYS = {"apiVersion", "kind", "deprecated", "removed", "replacement", "available"}
OPTIONAL_KEYS = {"replacementKind"}


def _raw() -> dict:
    path = resources.files("kubelint.schemas").joinpath("api-versions.json")
    return json.loads(path.read_text(encoding="utf-8"))


ENTRIES: list[dict] = _raw()["apis"]


def _id(entry: dict) -> str:
    return f"{entry['apiVersion']}:{entry['kind']}"


def _minor(version: str | None) -> int | None:
    return None if version is None else version_minor(version)


# ---------------------------------------------------------------------------
# The data file


def test_entries_are_well_formed_and_unique():
    seen: set[tuple[str, str]] = set()
    for entry in ENTRIES:
        assert KEYS <= set(entry) <= KEYS | OPTIONAL_KEYS, entry
        api_version, kind = entry["apiVersion"], entry["kind"]
        assert isinstance(api_version, str) and re.fullmatch(
            r"([a-z0-9.-]+/)?v\d+\w*", api_version
        ), entry
        assert isinstance(kind, str) and re.fullmatch(r"[A-Z][A-Za-z]+", kind), entry
        assert (api_version, kind) not in seen, f"duplicate {api_version} {kind}"
        seen.add((api_version, kind))
        for key in ("deprecated", "removed", "available"):
            assert entry[key] is None or VERSION.match(entry[key]), (key, entry)
        assert entry["deprecated"] is not None, entry
        assert (entry["replacement"] is None) == (entry["available"] is None), entry
        if entry["replacement"] is not None:
            assert entry["replacement"] != api_version or "replacementKind" in entry, entry
        else:
            assert "replacementKind" not in entry, entry
        removed = _minor(entry["removed"])
        if removed is not None:
            assert 16 <= removed <= NEWEST, entry
            assert _minor(entry["deprecated"]) <= removed, entry
            if entry["available"] is not None:
                assert _minor(entry["available"]) <= removed, entry
    # The rules read every entry (none is dropped as malformed).
    assert len(api_removed.api_table()) == len(ENTRIES)


def test_replacements_that_are_in_the_table_are_removed_later():
    """A chain of replacements moves forward: a replacement that was itself removed was
    removed after the API it replaces (the rules follow such chains)."""
    by_key = {(e["apiVersion"], e["kind"]): e for e in ENTRIES}
    for entry in ENTRIES:
        if entry["replacement"] is None:
            continue
        successor = by_key.get((entry["replacement"], entry.get("replacementKind", entry["kind"])))
        if successor is not None and successor["removed"] is not None:
            assert entry["removed"] is not None, entry
            assert _minor(successor["removed"]) > _minor(entry["removed"]), entry


#: Every removal the Kubernetes deprecation guide lists, by release.
GUIDE_REMOVALS = {
    "1.16": [
        "extensions/v1beta1 NetworkPolicy",
        "extensions/v1beta1 DaemonSet",
        "apps/v1beta2 DaemonSet",
        "extensions/v1beta1 Deployment",
        "apps/v1beta1 Deployment",
        "apps/v1beta2 Deployment",
        "apps/v1beta1 StatefulSet",
        "apps/v1beta2 StatefulSet",
        "extensions/v1beta1 ReplicaSet",
        "apps/v1beta1 ReplicaSet",
        "apps/v1beta2 ReplicaSet",
        "extensions/v1beta1 PodSecurityPolicy",
    ],
    "1.22": [
        "admissionregistration.k8s.io/v1beta1 MutatingWebhookConfiguration",
        "admissionregistration.k8s.io/v1beta1 ValidatingWebhookConfiguration",
        "apiextensions.k8s.io/v1beta1 CustomResourceDefinition",
        "apiregistration.k8s.io/v1beta1 APIService",
        "authentication.k8s.io/v1beta1 TokenReview",
        "authorization.k8s.io/v1beta1 LocalSubjectAccessReview",
        "authorization.k8s.io/v1beta1 SelfSubjectAccessReview",
        "authorization.k8s.io/v1beta1 SubjectAccessReview",
        "authorization.k8s.io/v1beta1 SelfSubjectRulesReview",
        "certificates.k8s.io/v1beta1 CertificateSigningRequest",
        "coordination.k8s.io/v1beta1 Lease",
        "extensions/v1beta1 Ingress",
        "networking.k8s.io/v1beta1 Ingress",
        "networking.k8s.io/v1beta1 IngressClass",
        "rbac.authorization.k8s.io/v1beta1 ClusterRole",
        "rbac.authorization.k8s.io/v1beta1 ClusterRoleBinding",
        "rbac.authorization.k8s.io/v1beta1 Role",
        "rbac.authorization.k8s.io/v1beta1 RoleBinding",
        "scheduling.k8s.io/v1beta1 PriorityClass",
        "storage.k8s.io/v1beta1 CSIDriver",
        "storage.k8s.io/v1beta1 CSINode",
        "storage.k8s.io/v1beta1 StorageClass",
        "storage.k8s.io/v1beta1 VolumeAttachment",
    ],
    "1.25": [
        "batch/v1beta1 CronJob",
        "discovery.k8s.io/v1beta1 EndpointSlice",
        "events.k8s.io/v1beta1 Event",
        "autoscaling/v2beta1 HorizontalPodAutoscaler",
        "policy/v1beta1 PodDisruptionBudget",
        "policy/v1beta1 PodSecurityPolicy",
        "node.k8s.io/v1beta1 RuntimeClass",
    ],
    "1.26": [
        "flowcontrol.apiserver.k8s.io/v1beta1 FlowSchema",
        "flowcontrol.apiserver.k8s.io/v1beta1 PriorityLevelConfiguration",
        "autoscaling/v2beta2 HorizontalPodAutoscaler",
    ],
    "1.27": ["storage.k8s.io/v1beta1 CSIStorageCapacity"],
    "1.29": [
        "flowcontrol.apiserver.k8s.io/v1beta2 FlowSchema",
        "flowcontrol.apiserver.k8s.io/v1beta2 PriorityLevelConfiguration",
    ],
    "1.32": [
        "flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema",
        "flowcontrol.apiserver.k8s.io/v1beta3 PriorityLevelConfiguration",
    ],
}


@pytest.mark.parametrize("release", sorted(GUIDE_REMOVALS, key=version_minor))
def test_the_deprecation_guide_is_covered(release):
    by_key = {f"{e['apiVersion']} {e['kind']}": e for e in ENTRIES}
    for name in GUIDE_REMOVALS[release]:
        assert name in by_key, f"{name} (removed in {release}) is missing"
        assert by_key[name]["removed"] == release, by_key[name]


def _served(version: int) -> set[tuple[str, str]]:
    bundle = load_bundle(f"1.{version}")
    return {(api_version, kind) for api_version, kinds in bundle.kinds.items() for kind in kinds}


def test_every_removal_between_bundled_releases_is_in_the_table():
    """What one bundled release serves and the next no longer does (List kinds aside) is
    in the table, removed in that next release."""
    by_key = {(e["apiVersion"], e["kind"]): e for e in ENTRIES}
    missing = []
    for minor in range(OLDEST + 1, NEWEST + 1):
        for api_version, kind in sorted(_served(minor - 1) - _served(minor)):
            if kind.endswith("List") or (api_version, kind) == ("v1", "Status"):
                continue  # lists are not manifests; Status is a response, not a resource
            entry = by_key.get((api_version, kind))
            if entry is None or entry["removed"] != f"1.{minor}":
                missing.append(f"{api_version} {kind} removed in 1.{minor}")
    assert missing == []


@pytest.mark.parametrize("entry", ENTRIES, ids=_id)
def test_entry_agrees_with_the_bundled_schemas(entry):
    key = (entry["apiVersion"], entry["kind"])
    removed = _minor(entry["removed"])
    for minor in sorted(BUNDLED):
        if removed is not None and minor >= removed:
            assert key not in _served(minor), f"1.{minor} still serves {key}"
    if removed is None:
        assert key in _served(NEWEST)
    elif removed > OLDEST:
        # Served by the release before its removal, unless it never reached a bundle.
        earlier = [m for m in BUNDLED if m < removed and key in _served(m)]
        assert not earlier or max(earlier) == removed - 1, entry
    if entry["replacement"] is not None:
        replacement = (entry["replacement"], entry.get("replacementKind", entry["kind"]))
        first = max(_minor(entry["available"]), OLDEST)
        successor = next((e for e in ENTRIES if (e["apiVersion"], e["kind"]) == replacement), None)
        if (
            successor is None
            or successor["removed"] is None
            or _minor(successor["removed"]) > first
        ):
            assert replacement in _served(first), (replacement, first)


# ---------------------------------------------------------------------------
# The rules, entry by entry


def _manifest(entry: dict) -> str:
    """apiVersion on line 5, so a finding's line shows that the rule points at it."""
    return (
        f"# {entry['apiVersion']} {entry['kind']}\nkind: {entry['kind']}\n"
        f"metadata:\n  name: example\napiVersion: {entry['apiVersion']}\n"
    )


LINE = 5


def _with_deprecated(config: Config, version: str) -> Config:
    """``config`` with api-deprecated on too, at Kubernetes ``version``."""
    return dataclasses.replace(
        config,
        cli_enable=config.cli_enable | {"api-deprecated"},
        cli_disable=config.cli_disable - {"api-deprecated"},
        kubernetes_version=version,
    )


def _lint(text: str, version: int) -> list[tuple[str, int, str]]:
    """(rule, line, severity) of every finding with both rules on at target 1.<version>;
    versions without a schema bundle (before 1.25) call the checks directly."""
    if version in BUNDLED:
        config = _with_deprecated(only_rule_config("api-removed"), f"1.{version}")
        loaded = load_text(text, SourceFile("test.yaml", text))
        findings = Linter(config, registry()).run([loaded]).findings
        return [(f.rule, f.line, f.severity) for f in findings]
    loaded = load_text(text, SourceFile("test.yaml", text))
    index = ObjectIndex(loaded.objects)
    out = []
    for rule_id in RULES:
        rule = registry().rules[rule_id]
        ctx = RuleContext(rule, {}, index, "default", kubernetes_version=f"1.{version}")
        for obj in loaded.objects:
            for violation in rule.check(obj, ctx):
                line = obj.locate(violation.path).span.line + 1
                out.append((rule_id, line, violation.severity or rule.severity))
    return out


REMOVED = [("api-removed", LINE, "error")]
DEPRECATED = [("api-deprecated", LINE, "warning")]


@pytest.mark.parametrize("entry", ENTRIES, ids=_id)
def test_entry_is_reported_from_deprecation_and_removal_on(entry):
    text = _manifest(entry)
    deprecated, removed = _minor(entry["deprecated"]), _minor(entry["removed"])
    before = deprecated - 1
    if before >= OLDEST:
        assert _lint(text, before) == [], f"reported before its deprecation in 1.{before}"
    if removed is None or deprecated < removed:
        assert _lint(text, deprecated) == DEPRECATED
        last_served = NEWEST if removed is None else removed - 1
        assert _lint(text, last_served) == DEPRECATED
    if removed is not None:
        assert _lint(text, removed) == REMOVED
        assert _lint(text, NEWEST) == REMOVED
    else:
        assert _lint(text, NEWEST) == DEPRECATED


# ---------------------------------------------------------------------------
# Messages


def _messages(text: str, version: str = "1.37") -> list[str]:
    config = _with_deprecated(only_rule_config("api-removed"), version)
    loaded = load_text(text, SourceFile("test.yaml", text))
    return [f.message for f in Linter(config, registry()).run([loaded]).findings]


def _object(api_version: str, kind: str) -> str:
    return f"apiVersion: {api_version}\nkind: {kind}\nmetadata: {{name: x}}\n"


@pytest.mark.parametrize(
    ("api_version", "kind", "version", "message"),
    [
        (
            "extensions/v1beta1",
            "Deployment",
            "1.37",
            "extensions/v1beta1 Deployment was removed in Kubernetes 1.16; use apps/v1 (available"
            " since 1.9)",
        ),
        (
            "policy/v1beta1",
            "PodSecurityPolicy",
            "1.25",
            "policy/v1beta1 PodSecurityPolicy was removed in Kubernetes 1.25 and has no"
            " replacement",
        ),
        # The replacement was removed too: follow it to what the target serves...
        (
            "flowcontrol.apiserver.k8s.io/v1beta1",
            "FlowSchema",
            "1.37",
            "flowcontrol.apiserver.k8s.io/v1beta1 FlowSchema was removed in Kubernetes 1.26; use"
            " flowcontrol.apiserver.k8s.io/v1 (available since 1.29)",
        ),
        # ... but not before the target removes it.
        (
            "flowcontrol.apiserver.k8s.io/v1beta1",
            "FlowSchema",
            "1.26",
            "flowcontrol.apiserver.k8s.io/v1beta1 FlowSchema was removed in Kubernetes 1.26; use"
            " flowcontrol.apiserver.k8s.io/v1beta2 (available since 1.23)",
        ),
        (
            "extensions/v1beta1",
            "PodSecurityPolicy",
            "1.30",
            "extensions/v1beta1 PodSecurityPolicy was removed in Kubernetes 1.16; its replacement"
            " policy/v1beta1 PodSecurityPolicy was removed in 1.25 and has no replacement",
        ),
        (
            "resource.k8s.io/v1alpha1",
            "PodScheduling",
            "1.30",
            "resource.k8s.io/v1alpha1 PodScheduling was removed in Kubernetes 1.27; use"
            " resource.k8s.io/v1alpha2 PodSchedulingContext (available since 1.27)",
        ),
        (
            "resource.k8s.io/v1alpha1",
            "PodScheduling",
            "1.37",
            "resource.k8s.io/v1alpha1 PodScheduling was removed in Kubernetes 1.27; its replacement"
            " resource.k8s.io/v1alpha3 PodSchedulingContext was removed in 1.32 and has no"
            " replacement",
        ),
        (
            "flowcontrol.apiserver.k8s.io/v1beta2",
            "PriorityLevelConfiguration",
            "1.28",
            "flowcontrol.apiserver.k8s.io/v1beta2 PriorityLevelConfiguration is deprecated since"
            " 1.26 and removed in 1.29; use flowcontrol.apiserver.k8s.io/v1 (available since"
            " 1.29)",
        ),
        (
            "v1",
            "Endpoints",
            "1.37",
            "v1 Endpoints is deprecated since 1.33; use discovery.k8s.io/v1 EndpointSlice"
            " (available since 1.21)",
        ),
        (
            "v1",
            "ComponentStatus",
            "1.25",
            "v1 ComponentStatus is deprecated since 1.19; it has no replacement",
        ),
    ],
)
def test_messages(api_version, kind, version, message):
    assert _messages(_object(api_version, kind), version) == [message]


def test_batch_cronjob_message_at_its_deprecation():
    # 1.21 has no schema bundle: call the check directly.
    text = _object("batch/v1beta1", "CronJob")
    loaded = load_text(text, SourceFile("test.yaml", text))
    rule = registry().rules["api-deprecated"]
    ctx = RuleContext(rule, {}, ObjectIndex(loaded.objects), "default", kubernetes_version="1.21")
    assert [v.message for v in rule.check(loaded.objects[0], ctx)] == [
        "batch/v1beta1 CronJob is deprecated since 1.21 and removed in 1.25; use batch/v1"
        " (available since 1.21)"
    ]


# ---------------------------------------------------------------------------
# Robustness


@pytest.mark.parametrize(
    "text",
    [
        "apiVersion: 1\nkind: Deployment\nmetadata: {name: x}\n",
        "apiVersion: extensions/v1beta1\nkind: [Deployment]\nmetadata: {name: x}\n",
        "apiVersion: extensions/v1beta1\nkind: deployment\nmetadata: {name: x}\n",
        "apiVersion: Extensions/V1beta1\nkind: Deployment\nmetadata: {name: x}\n",
        "apiVersion: example.com/v1beta1\nkind: Ingress\nmetadata: {name: x}\n",
    ],
)
def test_other_or_malformed_objects_are_not_reported(text):
    for rule_id in RULES:
        assert [f for f in lint_only(text, rule_id) if f.rule == rule_id] == []


@pytest.mark.parametrize(
    "row",
    [
        None,
        [],
        {},
        {"apiVersion": "x/v1", "kind": "K"},
        {"apiVersion": "x/v1", "kind": "K", "deprecated": 1.2, "removed": None},
        {"apiVersion": "x/v1", "kind": "K", "deprecated": "1.2", "removed": "soon"},
        {
            "apiVersion": "x/v1",
            "kind": "K",
            "deprecated": "1.2",
            "removed": None,
            "replacement": "x/v2",
            "available": None,
        },
        {"apiVersion": 3, "kind": "K", "deprecated": "1.2", "removed": None},
    ],
)
def test_malformed_rows_are_skipped(row):
    assert api_removed._entry(row) is None


def test_a_replacement_cycle_does_not_loop(monkeypatch):
    a = api_removed.ApiEntry("x/v1", "K", "1.2", "1.3", "x/v2", "K", "1.1")
    b = api_removed.ApiEntry("x/v2", "K", "1.2", "1.4", "x/v1", "K", "1.2")
    table = {("x/v1", "K"): a, ("x/v2", "K"): b}
    monkeypatch.setattr(api_removed, "api_table", lambda: table)
    assert api_removed.advice(a, 37) == ("use x/v1 (available since 1.2)", None)
