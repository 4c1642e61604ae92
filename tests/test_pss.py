"""The Pod Security Standards evaluator (kubelint/pss.py) against Pod Security Admission.

The first tests replay upstream PSA unit tests (staging/src/k8s.io/pod-security-admission/
policy/check_*_test.go; docs/pod-security-standards.md names the commits): the same pod,
the reason and detail PSA's test expects, verbatim. The last ones pin the messages of
every PSS fixture (tests/golden/pss-fixtures.txt).
"""

from __future__ import annotations

import pytest

from kubelint import pss
from tests.helpers import FIXTURES, ROOT, assert_golden, fixture_options, lint_only

NEWEST = pss.NEWEST_POLICY_MINOR


def _pod(spec, annotations=None):
    return pss.Pod(spec, ("spec",), annotations or {}, ("metadata",))


def _containers(*items):
    return [dict(item) for item in items]


def _verdict(check, spec, minor=NEWEST, level="restricted", annotations=None):
    """(reason, detail) of ``check`` for the pod, or None when it passes."""
    found = [
        result
        for result in pss.evaluate_pod(_pod(spec, annotations), level, minor)
        if result.check == check
    ]
    return (found[0].reason, found[0].detail) if found else None


UPSTREAM = [
    # check_hostNamespaces_test.go
    (
        "hostNamespaces",
        {"hostNetwork": True, "hostPID": True, "hostIPC": True},
        "host namespaces",
        "hostNetwork=true, hostPID=true, hostIPC=true",
    ),
    # check_hostPorts_test.go
    (
        "hostPorts",
        {
            "containers": [
                {"name": "a", "ports": [{"hostPort": 0}]},
                {"name": "b", "ports": [{"hostPort": 0}, {"hostPort": 20}]},
            ]
        },
        "hostPort",
        'container "b" uses hostPort 20',
    ),
    (
        "hostPorts",
        {
            "containers": [
                {"name": "a", "ports": [{"hostPort": 0}]},
                {"name": "b", "ports": [{"hostPort": 0}, {"hostPort": 10}, {"hostPort": 20}]},
                {"name": "c", "ports": [{"hostPort": 0}, {"hostPort": 10}, {"hostPort": 30}]},
            ]
        },
        "hostPort",
        'containers "b", "c" use hostPorts 10, 20, 30',
    ),
    # check_hostProbesAndhostLifecycle_test.go (final: localhost is forbidden too)
    (
        "hostProbesAndHostLifecycle",
        {
            "containers": [
                {
                    "name": "a",
                    "livenessProbe": {"httpGet": {"host": "localhost"}},
                    "readinessProbe": {"tcpSocket": {"host": "127.0.0.1"}},
                    "lifecycle": {"preStop": {"httpGet": {"host": "::1"}}},
                }
            ]
        },
        "probe or lifecycle host",
        'container "a" uses probe or lifecycle hosts "127.0.0.1", "::1", "localhost"',
    ),
    # check_capabilities_restricted_test.go
    (
        "capabilities_restricted",
        {
            "containers": [
                {"name": "a", "securityContext": {"capabilities": {"add": ["FOO", "BAR"]}}},
                {"name": "b", "securityContext": {"capabilities": {"add": ["BAR", "BAZ"]}}},
                {
                    "name": "c",
                    "securityContext": {
                        "capabilities": {
                            "add": ["NET_BIND_SERVICE", "CHOWN"],
                            "drop": ["ALL", "FOO"],
                        }
                    },
                },
            ]
        },
        "unrestricted capabilities",
        'containers "a", "b" must set securityContext.capabilities.drop=["ALL"];'
        ' containers "a", "b", "c" must not include "BAR", "BAZ", "CHOWN", "FOO" in'
        " securityContext.capabilities.add",
    ),
    # check_runAsNonRoot_test.go
    (
        "runAsNonRoot",
        {"containers": [{"name": "a"}]},
        "runAsNonRoot != true",
        'pod or container "a" must set securityContext.runAsNonRoot=true',
    ),
    (
        "runAsNonRoot",
        {
            "securityContext": {"runAsNonRoot": False},
            "containers": [{"name": "a", "securityContext": None}],
        },
        "runAsNonRoot != true",
        "pod must not set securityContext.runAsNonRoot=false",
    ),
    (
        "runAsNonRoot",
        {
            "securityContext": {"runAsNonRoot": True},
            "containers": [
                {"name": "a", "securityContext": None},
                {"name": "b", "securityContext": {}},
                {"name": "c", "securityContext": {"runAsNonRoot": False}},
                {"name": "d", "securityContext": {"runAsNonRoot": False}},
                {"name": "e", "securityContext": {"runAsNonRoot": True}},
                {"name": "f", "securityContext": {"runAsNonRoot": True}},
            ],
        },
        "runAsNonRoot != true",
        'containers "c", "d" must not set securityContext.runAsNonRoot=false',
    ),
    (
        "runAsNonRoot",
        {
            "containers": [
                {"name": "a", "securityContext": None},
                {"name": "b", "securityContext": {}},
                {"name": "d", "securityContext": {"runAsNonRoot": True}},
                {"name": "e", "securityContext": {"runAsNonRoot": True}},
            ]
        },
        "runAsNonRoot != true",
        'pod or containers "a", "b" must set securityContext.runAsNonRoot=true',
    ),
    # check_seccompProfile_restricted_test.go
    (
        "seccompProfile_restricted",
        {"os": {"name": "linux"}, "containers": [{"name": "a"}]},
        "seccompProfile",
        'pod or container "a" must set securityContext.seccompProfile.type to "RuntimeDefault"'
        ' or "Localhost"',
    ),
    (
        "seccompProfile_restricted",
        {
            "securityContext": {"seccompProfile": {"type": "Unconfined"}},
            "containers": [{"name": "a", "securityContext": None}],
        },
        "seccompProfile",
        'pod must not set securityContext.seccompProfile.type to "Unconfined"',
    ),
    (
        "seccompProfile_restricted",
        {
            "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
            "containers": [
                {"name": "a", "securityContext": None},
                {"name": "b", "securityContext": {}},
                {"name": "c", "securityContext": {"seccompProfile": {"type": "Unconfined"}}},
                {"name": "d", "securityContext": {"seccompProfile": {"type": "Unconfined"}}},
                {"name": "e", "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}},
                {"name": "f", "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}},
            ],
        },
        "seccompProfile",
        'containers "c", "d" must not set securityContext.seccompProfile.type to "Unconfined"',
    ),
    (
        "seccompProfile_restricted",
        {
            "containers": [
                {"name": "a", "securityContext": None},
                {"name": "b", "securityContext": {}},
                {"name": "d", "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}},
                {"name": "e", "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}},
            ]
        },
        "seccompProfile",
        'pod or containers "a", "b" must set securityContext.seccompProfile.type to'
        ' "RuntimeDefault" or "Localhost"',
    ),
    # check_seLinuxOptions_test.go (the 1.31 function)
    (
        "seLinuxOptions",
        {
            "securityContext": {"seLinuxOptions": {"type": "foo", "user": "bar", "role": "baz"}},
            "containers": [
                {"name": "a", "securityContext": {"seLinuxOptions": {"type": "container_t"}}},
                {"name": "b", "securityContext": {"seLinuxOptions": {"type": "container_init_t"}}},
                {"name": "c", "securityContext": {"seLinuxOptions": {"type": "container_kvm_t"}}},
                {
                    "name": "d",
                    "securityContext": {"seLinuxOptions": {"type": "container_engine_t"}},
                },
                {"name": "e", "securityContext": {"seLinuxOptions": {"type": "bar"}}},
                {"name": "f", "securityContext": {"seLinuxOptions": {"user": "bar"}}},
                {"name": "g", "securityContext": {"seLinuxOptions": {"role": "baz"}}},
            ],
        },
        "seLinuxOptions",
        'pod and containers "e", "f", "g" set forbidden securityContext.seLinuxOptions:'
        ' types "bar", "foo"; user may not be set; role may not be set',
    ),
    (
        "seLinuxOptions",
        {
            "securityContext": {"seLinuxOptions": {}},
            "containers": [
                {
                    "name": "d",
                    "securityContext": {"seLinuxOptions": {"type": "container_engine_t"}},
                },
                {"name": "e", "securityContext": {"seLinuxOptions": {"type": "bar"}}},
                {"name": "f", "securityContext": {"seLinuxOptions": {"user": "bar"}}},
                {"name": "g", "securityContext": {"seLinuxOptions": {"role": "baz"}}},
            ],
        },
        "seLinuxOptions",
        'containers "e", "f", "g" set forbidden securityContext.seLinuxOptions: type "bar";'
        " user may not be set; role may not be set",
    ),
    (
        "seLinuxOptions",
        {"securityContext": {"seLinuxOptions": {"user": "bad"}}},
        "seLinuxOptions",
        "pod set forbidden securityContext.seLinuxOptions: user may not be set",
    ),
    # check_appArmorProfile_test.go
    (
        "appArmorProfile",
        {"securityContext": {"appArmorProfile": {"type": "Unconfined"}}},
        "forbidden AppArmor profile",
        'pod must not set AppArmor profile type to "Unconfined"',
    ),
    (
        "appArmorProfile",
        {
            "securityContext": {"appArmorProfile": {"type": "RuntimeDefault"}},
            "containers": [{"name": "foo"}],
            "initContainers": [
                {"name": "bar", "securityContext": {"appArmorProfile": {"type": "Unconfined"}}}
            ],
        },
        "forbidden AppArmor profile",
        'container "bar" must not set AppArmor profile type to "Unconfined"',
    ),
    # check_sysctls_test.go
    (
        "sysctls",
        {"securityContext": {"sysctls": [{"name": "a"}, {"name": "b"}]}},
        "forbidden sysctls",
        "a, b",
    ),
    # check_restrictedVolumes_test.go, less its volume "c1" without a source: upstream's
    # unit test calls it "unknown", but the API server defaults it to an emptyDir before
    # admission (test/fixtures_restrictedVolumes.go lists it as allowed), as kubelint does.
    (
        "restrictedVolumes",
        {
            "volumes": [
                {"name": "a1", "emptyDir": {}},
                {"name": "a2", "secret": {}},
                {"name": "a3", "persistentVolumeClaim": {}},
                {"name": "a4", "downwardAPI": {}},
                {"name": "a5", "configMap": {}},
                {"name": "a6", "projected": {}},
                {"name": "a7", "csi": {}},
                {"name": "a8", "ephemeral": {}},
                {"name": "a9", "image": {}},
                *(
                    {"name": f"b{number}", source: {}}
                    for number, source in enumerate(pss.RESTRICTED_VOLUMES, start=1)
                ),
            ]
        },
        "restricted volume types",
        'volumes "b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "b9", "b10", "b11", "b12",'
        ' "b13", "b14", "b15", "b16", "b17", "b18", "b19", "b20", "b21" use restricted volume'
        ' types "awsElasticBlockStore", "azureDisk", "azureFile", "cephfs", "cinder", "fc",'
        ' "flexVolume", "flocker", "gcePersistentDisk", "gitRepo", "glusterfs", "hostPath",'
        ' "iscsi", "nfs", "photonPersistentDisk", "portworxVolume", "quobyte", "rbd",'
        ' "scaleIO", "storageos", "vsphereVolume"',
    ),
]


@pytest.mark.parametrize(
    ("check", "spec", "reason", "detail"),
    UPSTREAM,
    ids=[f"{case[0]}-{number}" for number, case in enumerate(UPSTREAM)],
)
def test_upstream_vectors(check, spec, reason, detail):
    assert _verdict(check, spec) == (reason, detail)


def test_apparmor_annotations_upstream_vector():
    prefix = pss.APPARMOR_ANNOTATION
    annotations = {
        prefix: "bogus",
        prefix + "a": "",
        prefix + "b": "runtime/default",
        prefix + "c": "localhost/",
        prefix + "d": "localhost/foo",
        prefix + "e": "unconfined",
        prefix + "f": "unknown",
    }
    assert _verdict("appArmorProfile", {}, annotations=annotations) == (
        "forbidden AppArmor profiles",
        "annotations must not set AppArmor profile type to"
        ' "container.apparmor.security.beta.kubernetes.io/="bogus"",'
        ' "container.apparmor.security.beta.kubernetes.io/e="unconfined"",'
        ' "container.apparmor.security.beta.kubernetes.io/f="unknown""',
    )


def test_restricted_message_order_for_a_bare_container():
    """The aggregate of a container without securityContext at restricted:latest: checks
    in PSA's order (baseline ids sorted, then restricted ids sorted)."""
    results = pss.evaluate_pod(_pod({"containers": [{"name": "web"}]}), "restricted", NEWEST)
    assert ", ".join(result.message for result in results) == (
        'allowPrivilegeEscalation != false (container "web" must set'
        " securityContext.allowPrivilegeEscalation=false), unrestricted capabilities"
        ' (container "web" must set securityContext.capabilities.drop=["ALL"]),'
        ' runAsNonRoot != true (pod or container "web" must set'
        ' securityContext.runAsNonRoot=true), seccompProfile (pod or container "web" must set'
        ' securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")'
    )


def test_check_sets_by_version():
    def ids(level, minor):
        return [check.id for check, _ in pss.checks_at(level, minor)]

    assert ids("baseline", 35) == [
        "appArmorProfile",
        "capabilities_baseline",
        "hostNamespaces",
        "hostPathVolumes",
        "hostPorts",
        "hostProbesAndHostLifecycle",
        "privileged",
        "procMount",
        "seLinuxOptions",
        "seccompProfile_baseline",
        "sysctls",
        "windowsHostProcess",
    ]
    assert ids("restricted", 35) == [
        "appArmorProfile",
        "hostNamespaces",
        "hostPorts",
        "hostProbesAndHostLifecycle",
        "privileged",
        "seLinuxOptions",
        "sysctls",
        "windowsHostProcess",
        "allowPrivilegeEscalation",
        "capabilities_restricted",
        "procMount_restricted",
        "restrictedVolumes",
        "runAsNonRoot",
        "runAsUser",
        "seccompProfile_restricted",
    ]
    # Before 1.22 restricted runs the baseline capabilities check; before 1.19 the
    # baseline seccomp annotations; before 1.8 no privilege escalation check.
    assert "capabilities_baseline" in ids("restricted", 21)
    assert "seccompProfile_baseline" in ids("restricted", 18)
    assert "allowPrivilegeEscalation" not in ids("restricted", 7)
    assert "hostProbesAndHostLifecycle" not in ids("baseline", 33)
    assert ids("privileged", 35) == []


@pytest.mark.parametrize(
    ("version", "target", "minor"),
    [
        ("latest", "1.37", 35),
        ("latest", "1.29", 29),
        ("v1.40", "1.37", 35),
        ("v1.33", "1.30", 30),
        ("v1.24", "1.37", 24),
        ("1.18", "1.37", 18),
    ],
)
def test_versions_clamp_as_a_cluster_of_the_target_version(version, target, minor):
    parsed = pss.parse_version(version)
    assert parsed is not None
    assert pss.policy_minor(parsed, target) == minor


def test_namespace_labels_fail_as_psa_does():
    policies, errors = pss.namespace_policies(
        {
            "pod-security.kubernetes.io/enforce": "Restricted",
            "pod-security.kubernetes.io/warn": "bogus",
            "pod-security.kubernetes.io/warn-version": "v1.033",
            "pod-security.kubernetes.io/audit": "baseline",
            "pod-security.kubernetes.io/audit-version": "v1.29",
        }
    )
    assert policies == [
        pss.Policy("enforce", "restricted", "latest", -1),
        pss.Policy("audit", "baseline", "v1.29", 29),
    ]
    assert [key for key, _ in errors] == [
        "pod-security.kubernetes.io/enforce",
        "pod-security.kubernetes.io/warn",
        "pod-security.kubernetes.io/warn-version",
    ]
    assert errors[2][1] == (
        "metadata.labels[pod-security.kubernetes.io/warn-version]:"
        ' Invalid value: "v1.033": must be "latest" or "v1.x"'
    )


def test_highest_level():
    from kubelint.loader import load_text
    from kubelint.model import SourceFile

    text = (FIXTURES / "pod-security-admission" / "pass-compliant.yaml").read_text()
    objects = load_text(text, SourceFile("x.yaml", text)).objects
    assert [(obj.name, pss.highest_level(obj, NEWEST)) for obj in objects] == [
        ("payments", None),
        ("tools", None),
        ("api", "restricted"),
        ("debug", "privileged"),
        ("debug", "privileged"),
    ]


def test_profiles():
    assert set(pss.profile("baseline")) == {
        rule for rule, control in pss.CONTROLS.items() if control.level == "baseline"
    }
    restricted = pss.profile("restricted")
    assert "pss-host-path-volumes" not in restricted
    assert restricted["pss-capabilities"] == {"level": "restricted"}
    assert restricted["pss-volume-types"] == {}


# -- every PSS fixture's findings, message by message -----------------------------------
PSS_FIXTURES = sorted(
    path
    for path in FIXTURES.glob("*/*.yaml")
    if path.parent.name.startswith("pss-") or path.parent.name == "pod-security-admission"
)


def test_fixture_messages():
    lines = []
    for path in PSS_FIXTURES:
        text = path.read_text(encoding="utf-8")
        shown = path.relative_to(ROOT).as_posix()
        for finding in lint_only(
            text, path.parent.name, filename=shown, options=fixture_options(text)
        ):
            lines.append(
                f"{finding.file}:{finding.line}:{finding.column}: {finding.severity}"
                f" {finding.rule} {finding.message}"
            )
    output = "\n".join(lines) + "\n"
    assert_golden("pss-fixtures.txt", output)


def test_report_lists_each_workload_level():
    from kubelint.config import Config
    from kubelint.lint import Linter
    from kubelint.loader import load_text
    from kubelint.model import SourceFile
    from tests.helpers import registry

    path = "fixtures/pod-security-admission/fail-modes.yaml"
    text = (ROOT / path).read_text(encoding="utf-8")
    report = Linter(Config(), registry()).run([load_text(text, SourceFile(path, text))])
    assert [
        (found.file, found.line, found.object.kind, found.object.name, found.level)
        for found in report.pod_security
    ] == [(path, 13, "StatefulSet", "db", "privileged"), (path, 51, "Pod", "tools", "privileged")]
    assert report.pod_security[0].to_dict()["object"] == {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "namespace": "shop",
        "name": "db",
    }
