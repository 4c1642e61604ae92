"""kubelint against kubeconform's own acceptance expectations (../shared/corpus/peers).

kubeconform-expected.json transcribes the exit statuses kubeconform's Bats tests assert
for its fixtures (0 = every resource valid, 1 = something invalid or unvalidatable). The
requirement: kubelint agrees with every expectation that concerns validity (valid stays
valid, invalid is reported), except where kubeconform is wrong about Kubernetes; those are
listed below with the reason, and kubelint's own answer is pinned for them too.

Each case is translated to the kubelint invocation that means the same thing:

- ``-strict`` is kubelint's default (unknown fields are errors). kubeconform's default (no
  ``-strict``) is lenient and has no kubelint equivalent: kubelint is always strict, so for
  those cases the table says per case whether the strict answer is right about Kubernetes.
- ``-kubernetes-version 1.20.0`` -> ``--kubernetes-version 1.25``, the oldest bundled
  version (kubelint has no 1.20 schemas). The files concerned (apps/v1 DaemonSet, v1
  ReplicationController) have the same schema in 1.20 and 1.25. kubeconform's default
  target is "master"; kubelint's is its newest bundle (1.37).
- no ``-ignore-missing-schemas``: kubeconform fails on a resource it has no schema for,
  which is kubelint's ``--strict-kinds`` (``unknown-kind`` becomes an error).
  ``-ignore-missing-schemas`` is kubelint's default (``unknown-kind`` stays info).
- ``-schema-location`` naming a local JSON Schema file -> ``--crds FILE`` (with
  ``--strict-kinds``, so a schema kubelint fails to apply to the resource shows up).

"invalid" means: any finding of severity error from a rule that judges validity
(VALIDITY_RULES). Policy rules (probes, limits, selector-mismatch, ...) do not count.

DELIBERATE lists where kubeconform is wrong about Kubernetes; KUBELINT_BUGS where it is
right and kubelint is not (xfail, strict: fixing the bug turns them into failures to
remove from the list). OTHER_FILES pins what kubelint says about every other fixture.

Skipped when ../shared/corpus/peers is absent (a fresh clone on its own).
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pytest

from kubelint.config import Config
from kubelint.lint import lint_paths
from kubelint.plugins import Registry, build_registry
from kubelint.report import Report
from tests.helpers import SHARED

PEERS = SHARED / "corpus" / "peers"
FIXTURES = PEERS / "kubeconform-fixtures"
EXPECTED = PEERS / "kubeconform-expected.json"

pytestmark = pytest.mark.skipif(
    not (EXPECTED.is_file() and FIXTURES.is_dir()),
    reason="../shared/corpus/peers (kubeconform) not present",
)

#: Rules whose error findings mean "the API server would not take this".
VALIDITY_RULES = frozenset(
    {
        "schema",
        "api-unknown-version",
        "api-removed",
        "unknown-kind",
        "yaml-syntax",
        "yaml-duplicate-key",
        "yaml-limits",
        "manifest-structure",
    }
)


@lru_cache(maxsize=1)
def _registry() -> Registry:
    return build_registry()


Why = frozenset  # of (rule, line): the validity findings kubelint must give, exactly


@dataclass(frozen=True)
class Run:
    """A kubelint invocation (in-process) and the validity findings it must produce."""

    kubernetes_version: str | None = None  # None: kubelint's default (1.37)
    crds: tuple[str, ...] = ()  # relative to the fixtures folder
    strict_kinds: bool = False
    #: (rule, line) of every validity error expected; empty: kubelint calls it valid.
    #: None: not pinned (a known-bug case whose fix is not designed yet).
    why: frozenset[tuple[str, int]] | None = frozenset()
    note: str = ""


def lint(path: str, run: Run) -> Report:
    config = Config(crds=[str(FIXTURES / crd) for crd in run.crds], strict_kinds=run.strict_kinds)
    if run.kubernetes_version is not None:
        config = dataclasses.replace(config, kubernetes_version=run.kubernetes_version)
    return lint_paths([str(FIXTURES / path)], config, _registry())


def validity_errors(report: Report) -> frozenset[tuple[str, int]]:
    return frozenset(
        (f.rule, f.line)
        for f in report.findings
        if f.severity == "error" and f.rule in VALIDITY_RULES
    )


def crashes(report: Report) -> list[str]:
    return [f"{f.file}:{f.line} {f.message}" for f in report.findings if f.rule == "internal-error"]


# ---------------------------------------------------------------------------
# Cases that concern validity: (file, kubeconform flags) -> kubelint invocation.

DEFAULT = (
    "kubeconform default (lenient, no -strict); kubelint is strict and the strict"
    " answer is the same here: the file has no unknown field"
)

VALIDITY: dict[tuple[str, str], Run] = {
    ("valid.yaml", ""): Run(note=DEFAULT),
    ("folder/", ""): Run(note=DEFAULT + "; both files of the folder are linted"),
    ("int_or_string.yaml", ""): Run(note=DEFAULT + "; targetPort is IntOrString"),
    ("valid.json", "-kubernetes-version 1.20.0"): Run(
        kubernetes_version="1.25",
        note="1.20.0 -> 1.25 (oldest bundled); v1 ReplicationController is unchanged",
    ),
    ("generate_name.yaml", ""): Run(
        note=DEFAULT + "; metadata.generateName instead of name is a valid object"
        " (kubectl create takes it)"
    ),
    ("quantity.yaml", ""): Run(note=DEFAULT + "; 512Mi and 256000 are both Quantities"),
    ("null_string.yaml", ""): Run(note=DEFAULT + "; creationTimestamp: null is omitted"),
    ("multi_valid.yaml", ""): Run(note=DEFAULT),
    ("multi_invalid.yaml", ""): Run(
        why=Why({("schema", 12)}), note="Service port 'sds' is not an integer"
    ),
    ("invalid.yaml", ""): Run(
        why=Why({("schema", 6), ("schema", 9)}),
        note="replicas is a string; 'templates' is unknown too",
    ),
    ("blank.yaml", ""): Run(note="no document"),
    ("comment.yaml", ""): Run(note="only a comment: an empty document"),
    # kubectl: "error validating data: [apiVersion not set, kind not set]". kubelint skips
    # the document as "not a Kubernetes object" (README): see KUBELINT_BUGS.
    ("missing_kind.yaml", ""): Run(why=None, note="a mapping without apiVersion and kind"),
    ("missing_apiversion.yaml", ""): Run(
        why=Why({("manifest-structure", 1)}), note="kind but no apiVersion"
    ),
    ("missing_kind_value.yaml", ""): Run(
        why=Why({("manifest-structure", 1)}),
        note="kind: null (and no apiVersion, no name): three manifest-structure errors",
    ),
    ("test_crd.yaml", ""): Run(
        strict_kinds=True,
        why=Why({("unknown-kind", 2)}),
        note="no -ignore-missing-schemas -> --strict-kinds: no schema is an error",
    ),
    ("test_crd.yaml", "-ignore-missing-schemas"): Run(
        note="-ignore-missing-schemas -> kubelint's default: unknown-kind is info"
    ),
    (
        "test_crd.yaml",
        "-schema-location './fixtures/registry/{{ .ResourceKind }}{{ .KindSuffix }}.json'",
    ): Run(
        crds=("registry/trainingjob-sagemaker-v1.json",),
        strict_kinds=True,
        note="the template resolves to registry/trainingjob-sagemaker-v1.json -> --crds"
        " FILE (+ --strict-kinds: the schema must be applied to TrainingJob)."
        " kubeconform's {{ .KindSuffix }} is '-' + the first DNS label of the group +"
        " '-' + the version (pkg/registry/registry.go, schemaPath), so kubelint files"
        " the schema under sagemaker.*/v1: every group whose first label is sagemaker"
        " (test_the_registry_schema_is_applied_by_first_label)",
    ),
    ("extra_property.yaml", ""): Run(
        why=Why({("schema", 7)}),
        note="lenient kubeconform ignores the unknown DaemonSet spec.replicas: see DELIBERATE",
    ),
    ("extra_property.yaml", "-strict -kubernetes-version 1.20.0"): Run(
        kubernetes_version="1.25",
        why=Why({("schema", 7)}),
        note="-strict is kubelint's default; 1.20.0 -> 1.25 (apps/v1 DaemonSetSpec has no"
        " replicas in either)",
    ),
    ("duplicate_property.yaml", "-strict -kubernetes-version 1.20.0"): Run(
        kubernetes_version="1.25",
        why=Why({("schema", 7), ("yaml-duplicate-key", 16)}),
        note="duplicate 'containers' key and the unknown spec.replicas; 1.20.0 -> 1.25",
    ),
    ("duplicate_property.yaml", "-kubernetes-version 1.20.0"): Run(
        kubernetes_version="1.25",
        why=Why({("schema", 7), ("yaml-duplicate-key", 16)}),
        note="lenient kubeconform accepts the duplicate key (last wins): see DELIBERATE",
    ),
    ("list_valid.yaml", ""): Run(note=DEFAULT + "; a v1 List of six objects"),
    ("list_invalid.yaml", ""): Run(
        why=Why({("schema", 26), ("schema", 29)}),
        note="item 2 (ReplicationController) is invalid.yaml",
    ),
    ("list_empty_valid.yaml", ""): Run(note="a List with no items"),
    ("multi_with_list.yaml", ""): Run(note=DEFAULT + "; a Service and a List"),
    ("valid_large.yaml", ""): Run(
        note="100,000 valid resources; the file is not in this"
        " copy of the fixtures, so the case is skipped"
    ),
    (
        "grafana-alert-rule-group-sample.yaml",
        "-schema-location ./fixtures/grafanaalertrulegroup_v1beta1.json",
    ): Run(
        crds=("grafanaalertrulegroup_v1beta1.json",),
        strict_kinds=True,
        note="-> --crds FILE (+ --strict-kinds). 'for: 5m0s' and 'interval: 5m' carry"
        " format: duration, which in Kubernetes (CRD structural schemas) means a Go"
        " duration, not ISO 8601, so the object is valid",
    ),
}

# Where kubeconform is wrong about Kubernetes. kubelint's answer is pinned by VALIDITY's
# `why` for these (the disagreement must stay exactly this one).
DELIBERATE: dict[tuple[str, str], str] = {
    # kubeconform without -strict calls it valid. apps/v1 DaemonSetSpec has no `replicas`
    # (a DaemonSet runs one pod per node). The API server rejects unknown fields under
    # kubectl's default strict field validation (--validate=strict, the default since
    # kubectl 1.25; server-side field validation GA in 1.27): `strict decoding error:
    # unknown field "spec.replicas"`. (Besides, spec.template has no labels, so the selector
    # k8s-app=nginx-ds does not match the template: DaemonSet validation rejects it in any
    # mode; kubelint's selector-mismatch rule reports that too, outside VALIDITY_RULES.)
    (
        "extra_property.yaml",
        "",
    ): "DaemonSet spec.replicas is an unknown field: the API server rejects it under"
    " kubectl's default strict field validation",
    # kubeconform without -strict parses with a YAML decoder that keeps the last value.
    # YAML requires mapping keys to be unique (YAML 1.2, 3.2.1.1). Server-side field
    # validation (KEP-2885; kubectl --validate=strict is the default since 1.25) rejects
    # duplicate fields as it does unknown ones; before it, the API server silently kept the
    # last value, dropping the envoy container (kubernetes/kubernetes#89303), and kubectl's
    # kustomize path already failed with `mapping key "..." already defined`. The file also
    # has the unknown DaemonSet spec.replicas (above), so it is rejected either way.
    (
        "duplicate_property.yaml",
        "-kubernetes-version 1.20.0",
    ): "duplicate key 'containers' is invalid YAML and rejected by strict decoding; plus"
    " the unknown DaemonSet spec.replicas",
}

# Where kubeconform is right and kubelint is not: kubelint bugs, xfail(strict=True).
KUBELINT_BUGS: dict[tuple[str, str], str] = {
    (
        "missing_kind.yaml",
        "",
    ): "kubelint skips a non-empty document without apiVersion and kind ('key: value') as"
    " 'not a Kubernetes object' (README: values files, kustomizations) and reports"
    " nothing, even for a file named explicitly; kubectl apply rejects it ('apiVersion"
    " not set, kind not set'), and kubeconform reports \"missing 'kind' key\"",
    # kubeconform applies a -schema-location that is a plain file to every resource. kubelint
    # needs a GVK: <kind>_<version>.json only counts inside a directory named after the
    # group (CRDs-catalog layout), which this file is not in.
    (
        "grafana-alert-rule-group-sample.yaml",
        "-schema-location ./fixtures/grafanaalertrulegroup_v1beta1.json",
    ): "--crds grafanaalertrulegroup_v1beta1.json is refused ('not a CRD or a JSON Schema"
    " with a known kind': <kind>_<version>.json outside a group-named directory), so"
    " GrafanaAlertRuleGroup is unknown-kind (an error with --strict-kinds); the object"
    " is valid (test_grafana_schema_in_a_group_directory shows kubelint agrees once the"
    " schema reaches the kind)",
}

# Cases that do not concern validity (or cannot be reproduced offline).
OUT_OF_SCOPE: dict[tuple[str, str], str] = {
    (
        "valid.yaml",
        "-skip ReplicationController",
    ): "-skip is kind filtering (the resource is not validated); not about validity",
    (
        "valid.yaml",
        "-reject ReplicationController",
    ): "-reject is a kind ban (a policy): the file is valid Kubernetes, exit 1 only"
    " because the kind is prohibited",
    (
        "httpproxy.yaml",
        "-schema-location default -schema-location '<CRDs-catalog URL template>'",
    ): "the HTTPProxy schema is fetched over the network from the CRDs-catalog; kubelint"
    " never fetches schemas and none is in the fixtures (the file is covered in"
    " OTHER_FILES)",
    (
        "crd_schema.yaml",
        "--ignore-filename-pattern 'crd'",
    ): "tests file ignoring (the file is never validated); kubelint's equivalent is"
    " `exclude:`. The file's own validity is covered in OTHER_FILES",
}


# ---------------------------------------------------------------------------
# Every other file in the folder: what kubelint reports, and whether that is right.

OTHER_FILES: dict[str, tuple[frozenset[tuple[str, int]], str]] = {
    # Duplicate objects: kubeconform (unlike kubeval) does not look for them and kubelint
    # has no validity rule for them. Each object is valid; kubectl apply applies the second
    # as an update of the first, so "valid" is right.
    "duplicates.yaml": (Why(), "right: two valid RCs with the same name"),
    "duplicates-non-namespaced.yaml": (
        Why(),
        "right: two valid PVs with the same name (kubelint's pv-reclaim-policy"
        " error about Recycle is policy, not validity; the API server accepts"
        " Recycle for NFS)",
    ),
    "duplicates-skipped-kinds.yaml": (
        Why({("api-unknown-version", 4), ("api-unknown-version", 24)}),
        "right: the core group has no kind SkipThisKind (kubectl: no matches for kind);"
        " kubeconform would skip it only with -skip",
    ),
    "duplicates-with-namespace.yaml": (Why(), "right: valid RCs"),
    "duplicates-with-namespace-default.yaml": (Why(), "right: valid RCs"),
    "same-object-different-namespace.yaml": (Why(), "right: valid RCs"),
    "same-object-different-namespace-default.yaml": (Why(), "right: valid RCs"),
    "same-kind-different-api.yaml": (
        Why({("api-removed", 29)}),
        "right: apps/v1beta1 Deployment was removed in Kubernetes 1.16, so no bundled"
        " version (1.25..1.37) serves it; the apps/v1 Deployment is valid",
    ),
    "full_domain_group.yaml": (Why(), "right: a valid rbac.authorization.k8s.io/v1 RoleBinding"),
    "multi_invalid_resources.yaml": (
        Why({("manifest-structure", line) for line in (1, 3, 5, 7, 9)}),
        "right: five documents 'kind:' (null, no apiVersion, no name); kubectl rejects each",
    ),
    "multi_valid_source.yaml": (
        Why(),
        "right: six valid objects; the trailing empty documents are not objects",
    ),
    "null_array.yaml": (Why(), "right: 'args:' with only comments is null, the same as omitted"),
    "unconventional_keys.yaml": (
        Why(),
        "right: kubectl's YAML-to-JSON conversion turns the keys 5, 3.14 and true"
        ' into the strings "5", "3.14", "true", all valid ConfigMap keys',
    ),
    "valid_version.yaml": (
        Why(),
        "right: a valid autoscaling/v1 HPA; scaleTargetRef.apiVersion"
        " extensions/v1beta1 is only a reference the API server does not resolve"
        " (the HPA would fail to find its target at run time, not be rejected)",
    ),
    # Files only referenced by OUT_OF_SCOPE cases or only as support files.
    "httpproxy.yaml": (
        Why(),
        "not validated: no HTTPProxy schema offline, unknown-kind info (kubelint's"
        " default, like -ignore-missing-schemas); with --strict-kinds it is an"
        " error. The object looks right for Contour's CRD",
    ),
    "crd_schema.yaml": (
        Why({("api-removed", 3)}),
        "right: apiextensions.k8s.io/v1beta1 CustomResourceDefinition was removed in"
        " Kubernetes 1.22",
    ),
    "registry/sagemaker.aws.amazon.com_trainingjobs.yaml": (
        Why({("api-removed", 3)}),
        "right: apiextensions.k8s.io/v1beta1 CustomResourceDefinition was removed in"
        " Kubernetes 1.22 (the registry's source CRD; the .json next to it is its schema)",
    ),
}

#: Files that are not manifests to validate (kubeconform-expected.json's support_files).
#: A folder here covers its files except YAML manifests, which must be in the tables.
SUPPORT_FILES = {
    "cache/": "cached JSON Schemas for kubeconform's -cache (no manifests)",
    "junit.xsd": "schema for kubeconform's -output junit",
    "registry/": "trainingjob-sagemaker-v1.json (a JSON Schema, used as --crds above) and"
    " the CRD it was made from (covered in OTHER_FILES)",
    "grafanaalertrulegroup_v1beta1.json": "JSON Schema, used as --crds above",
}

# ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def expected() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXPECTED.read_text(encoding="utf-8"))
    return data


def _cases() -> list[dict[str, Any]]:
    if not EXPECTED.is_file():
        return []
    return list(expected()["cases"])


def _key(case: dict[str, Any]) -> tuple[str, str]:
    return case["file"], case["flags"]


def _validity_params() -> list[Any]:
    params = []
    for case in _cases():
        key = _key(case)
        if key not in VALIDITY:
            continue
        marks = []
        if key in KUBELINT_BUGS:
            marks.append(pytest.mark.xfail(strict=True, reason=KUBELINT_BUGS[key]))
        params.append(pytest.param(case, id=f"{case['file']} [{case['flags']}]", marks=marks))
    return params


def test_every_case_is_classified() -> None:
    keys = [_key(case) for case in _cases()]
    assert len(keys) == len(set(keys)), "duplicate (file, flags) in the expectations"
    unclassified = [k for k in keys if (k in VALIDITY) == (k in OUT_OF_SCOPE)]
    assert unclassified == [], "each case is either about validity or out of scope"
    assert set(VALIDITY) | set(OUT_OF_SCOPE) == set(keys), "stale entries in the tables"
    assert set(DELIBERATE) <= set(VALIDITY) and set(KUBELINT_BUGS) <= set(VALIDITY)
    assert not set(DELIBERATE) & set(KUBELINT_BUGS)


@pytest.mark.parametrize("case", _validity_params())
def test_validity_agrees_with_kubeconform(case: dict[str, Any]) -> None:
    key = _key(case)
    run = VALIDITY[key]
    if not (FIXTURES / case["file"]).exists():
        pytest.skip(f"{case['file']} is absent: {case.get('note', '')}")
    report = lint(case["file"], run)
    assert crashes(report) == []
    found = validity_errors(report)
    kubelint_invalid = bool(found)
    kubeconform_invalid = case["expected_exit"] == 1
    if run.why is not None:  # kubelint's exact answer, agreeing or not
        assert found == run.why, [
            f"{f.line} {f.rule} {f.severity} {f.message}"
            for f in report.findings
            if f.rule in VALIDITY_RULES
        ]
    if key in DELIBERATE:
        # kubeconform is wrong about Kubernetes here: kubelint says the opposite.
        assert kubelint_invalid != kubeconform_invalid, DELIBERATE[key]
    else:
        assert kubelint_invalid == kubeconform_invalid


def test_the_deliberate_disagreements_are_kubeconform_lenient_mode() -> None:
    """Every deliberate disagreement is a case kubeconform ran without -strict, where it
    called a file valid that the API server rejects."""
    by_key = {_key(case): case for case in _cases()}
    for key in DELIBERATE:
        assert "-strict" not in key[1].split()
        assert by_key[key]["expected_exit"] == 0


def _other_params() -> list[Any]:
    return [pytest.param(name, id=name) for name in OTHER_FILES]


@pytest.mark.parametrize("name", _other_params())
def test_other_fixture_files(name: str) -> None:
    why, _verdict = OTHER_FILES[name]
    report = lint(name, Run())
    assert crashes(report) == []
    assert validity_errors(report) == why, [
        f"{f.line} {f.rule} {f.severity} {f.message}"
        for f in report.findings
        if f.rule in VALIDITY_RULES
    ]


def test_grafana_schema_in_a_group_directory(tmp_path: Any) -> None:
    """The point of kubeconform's grafana case: format: duration in a CRD means a Go
    duration ("5m0s"), not ISO 8601. With the schema where kubelint finds its GVK (the
    CRDs-catalog layout) the sample is valid, and an ISO 8601 "PT5M" is not (the CRD's
    pattern rejects it): the schema really is applied."""
    group = tmp_path / "grafana.integreatly.org"
    group.mkdir()
    schema = group / "grafanaalertrulegroup_v1beta1.json"
    schema.write_bytes((FIXTURES / "grafanaalertrulegroup_v1beta1.json").read_bytes())
    sample = (FIXTURES / "grafana-alert-rule-group-sample.yaml").read_text(encoding="utf-8")
    assert "for: 5m0s" in sample
    iso = tmp_path / "iso.yaml"
    iso.write_text(sample.replace("for: 5m0s", "for: PT5M"), encoding="utf-8")
    config = Config(crds=[str(schema)], strict_kinds=True)
    report = lint_paths(
        [str(FIXTURES / "grafana-alert-rule-group-sample.yaml"), str(iso)], config, _registry()
    )
    assert {
        (os.path.basename(f.file), f.rule, f.line)
        for f in report.findings
        if f.severity == "error" and f.rule in VALIDITY_RULES
    } == {("iso.yaml", "schema", 59)}


def test_test_crd_against_the_registry_source_crd() -> None:
    """The CRD the registry's JSON Schema was generated from validates test_crd.yaml as
    the JSON Schema does (the VALIDITY case above)."""
    source_crd = "registry/sagemaker.aws.amazon.com_trainingjobs.yaml"
    report = lint("test_crd.yaml", Run(crds=(source_crd,), strict_kinds=True))
    assert report.summary.unknown_kinds == 0
    assert validity_errors(report) == frozenset()


def test_the_registry_schema_is_applied_by_first_label(tmp_path: Any) -> None:
    """registry/trainingjob-sagemaker-v1.json really validates test_crd.yaml (the VALIDITY
    case could pass by the kind being merely known): a wrong value under spec is reported
    through it (trainingInputMode is an enum: File or Pipe), with or without
    --strict-kinds."""
    sample = (FIXTURES / "test_crd.yaml").read_text(encoding="utf-8")
    assert "    trainingInputMode: File\n" in sample
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        sample.replace("    trainingInputMode: File\n", "    trainingInputMode: Stream\n"),
        encoding="utf-8",
    )
    line = (
        broken.read_text(encoding="utf-8").splitlines().index("    trainingInputMode: Stream") + 1
    )
    for strict_kinds in (True, False):
        config = Config(
            crds=[str(FIXTURES / "registry" / "trainingjob-sagemaker-v1.json")],
            strict_kinds=strict_kinds,
        )
        report = lint_paths([str(FIXTURES / "test_crd.yaml"), str(broken)], config, _registry())
        assert report.warnings == []
        assert report.summary.unknown_kinds == 0
        assert {
            (os.path.basename(f.file), f.rule, f.line)
            for f in report.findings
            if f.severity == "error" and f.rule in VALIDITY_RULES
        } == {("broken.yaml", "schema", line)}


def test_httpproxy_without_a_schema_fails_with_strict_kinds() -> None:
    report = lint("httpproxy.yaml", Run(strict_kinds=True))
    assert validity_errors(report) == {("unknown-kind", 2)}


def test_every_fixture_file_is_covered() -> None:
    """The JSON's unreferenced fixtures, and every file of the folder, appear above."""
    assert set(expected()["unreferenced_fixtures"]["files"]) <= set(OTHER_FILES)
    assert set(expected()["support_files"]) == set(SUPPORT_FILES)
    covered = {file for file, _ in VALIDITY} | set(OTHER_FILES)
    for run in VALIDITY.values():
        covered |= set(run.crds)
    uncovered = []
    for directory, _dirs, files in os.walk(FIXTURES):
        for file in files:
            relative = os.path.relpath(os.path.join(directory, file), FIXTURES)
            relative = relative.replace(os.sep, "/")
            if (
                relative in covered
                or relative in SUPPORT_FILES
                or any(relative.startswith(d) for d in covered if d.endswith("/"))
            ):
                continue
            if not relative.endswith((".yaml", ".yml")) and any(
                relative.startswith(d) for d in SUPPORT_FILES if d.endswith("/")
            ):
                continue
            uncovered.append(relative)
    assert uncovered == []
