# ruff: noqa: E501 -- a data table of cases and reasons
"""Agreement with kube-score's own fixtures (../shared/corpus/peers/kube-score-fixtures,
kube-score's ``score/testdata``; PROVENANCE.md there names the commit).

Each case is one assertion of kube-score's Go tests (``score/*_test.go``): a fixture, a
kube-score check, the kube-score configuration the test runs it with, and the grade the
test asserts. Grades map to kubelint's answer as the issue says: CRITICAL or WARNING means
at least one finding of the kubelint rule(s) that cover the check; OK, or a check kube-score
skips, means none. A case agrees when kubelint answers the same; agreement is counted per
(fixture, check, configuration) case, as kube-score's tests assert it.

Where the tests came from. The test files at the PROVENANCE commit are not in the source
index this table was built from; the cases are transcribed from the newest versions of each
test file the index holds (named per group below, by its commit where the index gives one,
else by what sets it apart), and only for fixtures that exist at the PROVENANCE commit. Fixtures that no readable test
asserts (UNASSERTED) are not counted. Assertions about kube-score's own machinery (its
``kube-score/ignore`` and ``kube-score/enable`` annotations as a mechanism, line numbers,
the parsing of Lists and Helm output) are not Kubernetes checks and are left out; a test
that enables an optional check through the annotation is counted as the check enabled.

Every kube-score check that an assertion grades is covered (COVERAGE).

Disagreements are pinned, each with its reason, and the agreement count with them.
Reproduce the figure with ``python -m pytest -q tests/test_kube_score_peers.py``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pytest

from kubelint.config import Config, RuleSetting
from kubelint.lint import Linter
from kubelint.loader import load_text
from kubelint.model import SourceFile
from tests.helpers import CORE_RULES, SHARED, registry

FIXTURES = SHARED / "corpus" / "peers" / "kube-score-fixtures"
pytestmark = pytest.mark.skipif(
    not (FIXTURES / "PROVENANCE.md").is_file(),
    reason="../shared/corpus/peers/kube-score-fixtures not present",
)

#: kube-score's tests run at Kubernetes 1.18; kubelint's oldest bundled version is 1.25.
KUBERNETES_VERSION = "1.25"

#: kube-score's defaults, where they differ from kubelint's on purpose.
KS_UID_GID = {"min-uid": 10000, "min-gid": 10000}  # "a userid above 10 000 is recommended"
KS_NETWORKPOLICY = {"always": True, "policy-types": ["Ingress", "Egress"]}
KS_CPU_LIMIT = {"require-cpu-limit": True}


@dataclass(frozen=True)
class Cover:
    """A kubelint rule (with options) that reports what a kube-score check grades; with
    ``where``, only its findings whose path or message contains it count."""

    rule: str
    options: dict[str, Any] = field(default_factory=dict, hash=False)
    where: str | None = None


#: kube-score check -> the kubelint rules that cover it; a case expects a finding of any
#: of them. Options here express only kube-score's deliberately different defaults; a
#: case's own configuration (``Case.options``) is applied on top.
COVERAGE: dict[str, tuple[Cover, ...]] = {
    "Container Resources": (
        Cover("resources-limits-missing", KS_CPU_LIMIT),
        Cover("resources-requests-missing"),
    ),
    # kubelint compares a request with a limit only when both are set; a missing limit is
    # resources-limits-missing's finding.
    "Container Resource Requests Equal Limits": (
        Cover("requests-equal-limits", {"resources": ["cpu", "memory"]}),
        Cover("resources-limits-missing", KS_CPU_LIMIT),
    ),
    "Container CPU Requests Equal Limits": (
        Cover("requests-equal-limits", {"resources": ["cpu"]}),
        Cover("resources-limits-missing", KS_CPU_LIMIT, where="cpu"),
    ),
    "Container Memory Requests Equal Limits": (
        Cover("requests-equal-limits", {"resources": ["memory"]}),
        Cover("resources-limits-missing", where="memory"),
    ),
    "Container Ephemeral Storage Request and Limit": (
        Cover("ephemeral-storage-missing", {"require-limit": True}),
    ),
    "Container Ephemeral Storage Request Equals Limit": (
        Cover("requests-equal-limits", {"resources": ["ephemeral-storage"]}),
    ),
    "Container Image Tag": (Cover("image-tag-latest"),),
    "Container Image Pull Policy": (Cover("image-pull-policy-never", {"require-always": True}),),
    # A port without containerPort is a schema error (the field is required).
    "Container Ports Check": (Cover("container-port-name-invalid"), Cover("schema", where="ports")),
    "Environment Variable Key Duplication": (Cover("env-var-duplicate"),),
    "Container Security Context User Group ID": (Cover("run-as-root", KS_UID_GID),),
    "Container Security Context Privileged": (Cover("privileged-container"),),
    "Container Security Context ReadOnlyRootFilesystem": (Cover("readonly-root-fs"),),
    "Container Seccomp Profile": (Cover("seccomp-profile-missing"),),
    # In the test versions read, "Pod Probes" also graded identical liveness and readiness
    # probes (kube-score later split that into "Pod Probes Identical").
    "Pod Probes": (Cover("readiness-probe-missing"), Cover("probe-identical")),
    "Pod NetworkPolicy": (Cover("networkpolicy-missing", KS_NETWORKPOLICY),),
    "NetworkPolicy targets Pod": (Cover("networkpolicy-selects-nothing"),),
    "Pod Topology Spread Constraints": (Cover("topology-spread-invalid"),),
    "Service Targets Pod": (Cover("service-selector-no-match"),),
    "Service Type": (Cover("service-type-exposed"),),
    # A networking.k8s.io/v1 backend written with the v1beta1 fields is a schema error.
    "Ingress targets Service": (Cover("ingress-backend-missing"), Cover("schema", where="backend")),
    "Stable version": (Cover("api-deprecated"), Cover("api-removed"), Cover("api-unknown-version")),
    "Deployment has host PodAntiAffinity": (Cover("anti-affinity-missing"),),
    "StatefulSet has host PodAntiAffinity": (Cover("anti-affinity-missing"),),
    "Deployment targeted by HPA does not have replicas configured": (Cover("replicas-with-hpa"),),
    "StatefulSet has ServiceName": (Cover("statefulset-headless-service"),),
    "StatefulSet Pod Selector labels match template metadata labels": (Cover("selector-mismatch"),),
    "Deployment Strategy": (Cover("deployment-strategy-recreate"),),
    "Deployment Replicas": (Cover("single-replica"),),
    # kube-score requires a budget for every Deployment and StatefulSet.
    "Deployment has PodDisruptionBudget": (Cover("pdb-missing", {"min-replicas": 1}),),
    "StatefulSet has PodDisruptionBudget": (Cover("pdb-missing", {"min-replicas": 1}),),
    "PodDisruptionBudget has policy": (Cover("pdb-missing-policy"),),
    "HorizontalPodAutoscaler has target": (Cover("hpa-target-missing"),),
    "HorizontalPodAutoscaler Replicas": (Cover("hpa-min-replicas-low"),),
    "CronJob has deadline": (Cover("cronjob-deadline-missing"),),
    "CronJob RestartPolicy": (Cover("restart-policy"),),
}

#: A case option that turns a rule off (kube-score's configuration that drops the check).
OFF = None

FINDING, NONE = True, False  # CRITICAL/WARNING; OK/skipped


@dataclass(frozen=True)
class Case:
    file: str
    check: str
    finding: bool
    #: kube-score's configuration for this test, as kubelint options per rule (OFF: the
    #: rule is off).
    options: dict[str, dict[str, Any] | None] = field(default_factory=dict, hash=False)
    variant: str = ""  # names the configuration, to keep case keys unique

    @property
    def key(self) -> str:
        return f"{self.file} / {self.check}" + (f" [{self.variant}]" if self.variant else "")


CASES: list[Case] = [
    # score_test.go (the index's newest version: RunConfiguration API, TestMultipleIgnoreAnnotations)
    Case("pod-test-resources-none.yaml", "Container Resources", FINDING),
    Case("pod-test-resources-only-limits.yaml", "Container Resources", FINDING),
    Case("pod-test-resources-limits-and-requests.yaml", "Container Resources", NONE),
    Case(
        "pod-test-resources-limits-and-requests-no-cpu-limit.yaml",
        "Container Resources",
        NONE,
        {"resources-limits-missing": {"require-cpu-limit": False}},
        "IgnoreContainerCpuLimitRequirement",
    ),
    Case(
        "pod-test-resources-limits-and-requests-no-cpu-limit.yaml", "Container Resources", FINDING
    ),
    Case(
        "pod-test-resources-no-limits.yaml",
        "Container Resources",
        NONE,
        {"resources-limits-missing": OFF},
        "IgnoreContainerCpuLimitRequirement+IgnoreContainerMemoryLimitRequirement",
    ),
    Case(
        "pod-test-resources-limits-and-requests.yaml",
        "Container Resource Requests Equal Limits",
        NONE,
    ),
    Case(
        "pod-test-resources-limits-and-requests.yaml",
        "Container Memory Requests Equal Limits",
        NONE,
    ),
    Case(
        "pod-test-resources-limits-and-requests.yaml", "Container CPU Requests Equal Limits", NONE
    ),
    Case("pod-test-resources-no-limits.yaml", "Container Resource Requests Equal Limits", FINDING),
    Case(
        "pod-test-resources-no-limits-annotation-optional.yaml",
        "Container Resource Requests Equal Limits",
        FINDING,
    ),
    Case("pod-test-resources-no-limits.yaml", "Container Memory Requests Equal Limits", FINDING),
    Case(
        "pod-test-resources-no-limits-annotation-optional.yaml",
        "Container Memory Requests Equal Limits",
        FINDING,
    ),
    Case("pod-test-resources-no-limits.yaml", "Container CPU Requests Equal Limits", FINDING),
    Case(
        "pod-test-resources-no-limits-annotation-optional.yaml",
        "Container CPU Requests Equal Limits",
        FINDING,
    ),
    Case("deployment-test-resources.yaml", "Container Resources", FINDING),
    Case("statefulset-test-resources.yaml", "Container Resources", FINDING),
    Case("pod-image-tag-latest.yaml", "Container Image Tag", FINDING),
    Case("pod-image-tag-fixed.yaml", "Container Image Tag", NONE),
    Case("pod-image-pullpolicy-undefined.yaml", "Container Image Pull Policy", FINDING),
    Case("pod-image-pullpolicy-undefined-latest-tag.yaml", "Container Image Pull Policy", NONE),
    Case("pod-image-pullpolicy-undefined-no-tag.yaml", "Container Image Pull Policy", NONE),
    Case("pod-image-pullpolicy-never.yaml", "Container Image Pull Policy", FINDING),
    Case("pod-image-pullpolicy-always.yaml", "Container Image Pull Policy", NONE),
    Case("kube-score-ignore-annotations.yaml", "Container Image Pull Policy", FINDING),
    Case(
        "ignore-annotation-service.yaml",
        "Service Type",
        FINDING,
        variant="UseIgnoreChecksAnnotation=false",
    ),
    Case(
        "pod-ephemeral-storage-request-nomatch-limit.yaml",
        "Container Ephemeral Storage Request and Limit",
        NONE,
    ),
    Case(
        "pod-ephemeral-storage-missing-limit.yaml",
        "Container Ephemeral Storage Request and Limit",
        FINDING,
    ),
    Case(
        "pod-ephemeral-storage-missing-request.yaml",
        "Container Ephemeral Storage Request and Limit",
        FINDING,
    ),
    Case(
        "pod-ephemeral-storage-request-matches-limit.yaml",
        "Container Ephemeral Storage Request Equals Limit",
        NONE,
    ),
    Case(
        "pod-ephemeral-storage-request-nomatch-limit.yaml",
        "Container Ephemeral Storage Request Equals Limit",
        FINDING,
    ),
    Case(
        "pod-ephemeral-storage-request-nomatch-limit-annotation-optional.yaml",
        "Container Ephemeral Storage Request Equals Limit",
        FINDING,
    ),
    Case("pod-container-ports-missing-containerport.yaml", "Container Ports Check", FINDING),
    Case(
        "pod-container-ports-missing-containerport-annotation-optional.yaml",
        "Container Ports Check",
        FINDING,
    ),
    Case("pod-container-ports-duplicate-names.yaml", "Container Ports Check", FINDING),
    Case("pod-container-ports-name-too-long.yaml", "Container Ports Check", FINDING),
    Case("pod-container-ports-ok.yaml", "Container Ports Check", NONE),
    Case("pod-env-ok.yaml", "Environment Variable Key Duplication", NONE),
    Case("pod-env-duplicated.yaml", "Environment Variable Key Duplication", FINDING),
    # optional_test.go (RunConfiguration version; two tests there assert nothing)
    Case("pod-container-memory-requests.yaml", "Container Memory Requests Equal Limits", FINDING),
    Case(
        "pod-container-memory-requests-annotation-optional.yaml",
        "Container Memory Requests Equal Limits",
        FINDING,
    ),
    # security_test.go (03d4631: the split user-group-id, privileged, readonlyrootfilesystem checks)
    Case("pod-seccomp-no-annotation.yaml", "Container Seccomp Profile", FINDING),
    Case("pod-seccomp-annotated.yaml", "Container Seccomp Profile", NONE),
    Case("pod-seccomp-annotated-annotation-optional.yaml", "Container Seccomp Profile", NONE),
    Case("pod-security-context-all-good.yaml", "Container Security Context User Group ID", NONE),
    Case(
        "pod-security-context-low-group-id.yaml",
        "Container Security Context User Group ID",
        FINDING,
    ),
    Case(
        "pod-security-context-low-user-id.yaml", "Container Security Context User Group ID", FINDING
    ),
    Case(
        "pod-security-context-nosecuritycontext.yaml",
        "Container Security Context User Group ID",
        FINDING,
    ),
    Case("pod-security-context-all-good.yaml", "Container Security Context Privileged", NONE),
    Case("pod-security-context-privileged.yaml", "Container Security Context Privileged", FINDING),
    Case(
        "pod-security-context-all-good.yaml",
        "Container Security Context ReadOnlyRootFilesystem",
        NONE,
    ),
    Case(
        "pod-security-context-writeablerootfilesystem.yaml",
        "Container Security Context ReadOnlyRootFilesystem",
        FINDING,
    ),
    Case(
        "pod-security-context-nosecuritycontext.yaml",
        "Container Security Context ReadOnlyRootFilesystem",
        FINDING,
    ),
    # probe_test.go (zegl 0e554dd less TestProbesServiceAccountName, whose fixture is gone, as
    # in the younes-bami/kube-score fork's copy at 43173dc)
    Case("pod-probes-all-missing.yaml", "Pod Probes", FINDING),
    Case("pod-probes-missing-ready.yaml", "Pod Probes", FINDING),
    Case("pod-probes-identical-http.yaml", "Pod Probes", FINDING),
    Case("pod-probes-identical-tcp.yaml", "Pod Probes", FINDING),
    Case("pod-probes-identical-exec.yaml", "Pod Probes", FINDING),
    Case("pod-probes-targeted-by-service.yaml", "Pod Probes", FINDING),
    Case("pod-probes-targeted-by-service-same-namespace.yaml", "Pod Probes", FINDING),
    Case("pod-probes-targeted-by-service-same-namespace-multi-labels.yaml", "Pod Probes", FINDING),
    Case("pod-probes-targeted-by-service-different-namespace.yaml", "Pod Probes", NONE),
    Case("pod-probes-not-targeted-by-service.yaml", "Pod Probes", NONE),
    Case("pod-probes-not-targeted-by-service-multi-labels.yaml", "Pod Probes", NONE),
    Case("pod-probes-on-different-containers.yaml", "Pod Probes", NONE),
    Case("pod-probes-on-different-containers-init.yaml", "Pod Probes", NONE),
    # cronjob_test.go (d45d5b7)
    *(
        case
        for version in ("batchv1beta1", "batchv1")
        for case in (
            Case(f"cronjob-{version}-deadline-set.yaml", "CronJob has deadline", NONE),
            Case(f"cronjob-{version}-deadline-not-set.yaml", "CronJob has deadline", FINDING),
            Case(f"cronjob-{version}-deadline-not-set.yaml", "Pod Probes", NONE),
            Case(f"cronjob-{version}-restartpolicy-not-set.yaml", "CronJob RestartPolicy", FINDING),
            Case(f"cronjob-{version}-restartpolicy-invalid.yaml", "CronJob RestartPolicy", FINDING),
            Case(f"cronjob-{version}-restartpolicy-valid.yaml", "CronJob RestartPolicy", NONE),
        )
    ),
    # apps_test.go (6c674be)
    Case(
        "deployment-host-antiaffinity-preffered.yaml", "Deployment has host PodAntiAffinity", NONE
    ),
    Case(
        "deployment-host-antiaffinity-preffered-selector-no-match.yaml",
        "Deployment has host PodAntiAffinity",
        FINDING,
    ),
    Case(
        "deployment-host-antiaffinity-preffered-selector-expression.yaml",
        "Deployment has host PodAntiAffinity",
        NONE,
    ),
    Case("deployment-host-antiaffinity-required.yaml", "Deployment has host PodAntiAffinity", NONE),
    Case(
        "deployment-host-antiaffinity-not-set.yaml", "Deployment has host PodAntiAffinity", FINDING
    ),
    Case(
        "deployment-host-antiaffinity-1-replica.yaml", "Deployment has host PodAntiAffinity", NONE
    ),
    Case(
        "statefulset-host-antiaffinity-preffered.yaml", "StatefulSet has host PodAntiAffinity", NONE
    ),
    Case(
        "statefulset-host-antiaffinity-required.yaml", "StatefulSet has host PodAntiAffinity", NONE
    ),
    Case(
        "statefulset-host-antiaffinity-not-set.yaml",
        "StatefulSet has host PodAntiAffinity",
        FINDING,
    ),
    Case(
        "statefulset-host-antiaffinity-1-replica.yaml", "StatefulSet has host PodAntiAffinity", NONE
    ),
    Case(
        "statefulset-host-antiaffinity-undefined-replicas.yaml",
        "StatefulSet has host PodAntiAffinity",
        FINDING,
    ),
    Case(
        "deployment-with-hpa-has-replicas.yaml",
        "Deployment targeted by HPA does not have replicas configured",
        FINDING,
    ),
    Case(
        "deployment-with-hpa-not-has-replicas.yaml",
        "Deployment targeted by HPA does not have replicas configured",
        NONE,
    ),
    Case("statefulset-service-name.yaml", "StatefulSet has ServiceName", NONE),
    Case("statefulset-service-name-different-name.yaml", "StatefulSet has ServiceName", FINDING),
    # (TestStatefulsetHasServiceNameDifferentNamespace reads the not-headless fixture too.)
    Case("statefulset-service-name-not-headless.yaml", "StatefulSet has ServiceName", FINDING),
    Case("statefulset-service-name-different-label.yaml", "StatefulSet has ServiceName", FINDING),
    Case(
        "statefulset-different-labels.yaml",
        "StatefulSet Pod Selector labels match template metadata labels",
        FINDING,
    ),
    # deployment_test.go (RunConfiguration version, with MinReplicasDeployment)
    Case("service-target-deployment.yaml", "Deployment Strategy", NONE),
    Case("service-not-target-deployment.yaml", "Deployment Strategy", NONE),
    Case("service-target-deployment-not-rolling.yaml", "Deployment Strategy", FINDING),
    Case("service-target-deployment-strategy-not-set.yaml", "Deployment Strategy", NONE),
    Case("service-target-deployment.yaml", "Deployment Replicas", NONE),
    Case("service-not-target-deployment.yaml", "Deployment Replicas", NONE),
    Case(
        "service-target-deployment-replica-1.yaml",
        "Deployment Replicas",
        FINDING,
        variant="MinReplicasDeployment=2",
    ),
    Case(
        "service-target-deployment-replica-1.yaml",
        "Deployment Replicas",
        NONE,
        {"single-replica": OFF},
        "MinReplicasDeployment=1",
    ),
    Case(
        "service-target-deployment-replica-1.yaml",
        "Deployment Replicas",
        FINDING,
        variant="MinReplicasDeployment=5",
    ),
    Case("hpa-target-deployment.yaml", "Deployment Replicas", NONE),
    # service_test.go (eff2bb3)
    Case("service-target-deployment.yaml", "Service Targets Pod", NONE),
    Case("service-not-target-deployment.yaml", "Service Targets Pod", FINDING),
    Case("service-target-pod.yaml", "Service Targets Pod", NONE),
    Case("service-not-target-pod.yaml", "Service Targets Pod", FINDING),
    Case("service-target-pod-multi-label.yaml", "Service Targets Pod", NONE),
    Case("service-not-target-pod-multi-label.yaml", "Service Targets Pod", FINDING),
    Case("service-target-pod-same-namespace.yaml", "Service Targets Pod", NONE),
    Case("service-target-pod-different-namespace.yaml", "Service Targets Pod", FINDING),
    Case("service-target-deployment-same-namespace.yaml", "Service Targets Pod", NONE),
    Case("service-target-deployment-different-namespace.yaml", "Service Targets Pod", FINDING),
    Case("service-externalname.yaml", "Service Targets Pod", NONE),
    Case("service-type-nodeport.yaml", "Service Type", FINDING),
    Case("service-type-clusterip.yaml", "Service Type", NONE),
    Case("service-type-default.yaml", "Service Type", NONE),
    # networkpolicy_test.go (the version with the StatefulSet and CronJob cases)
    Case("networkpolicy-not-matching.yaml", "Pod NetworkPolicy", FINDING),
    Case("networkpolicy-matching.yaml", "Pod NetworkPolicy", NONE),
    Case("networkpolicy-matching-only-ingress.yaml", "Pod NetworkPolicy", FINDING),
    Case("networkpolicy-matching-only-egress.yaml", "Pod NetworkPolicy", FINDING),
    Case("networkpolicy-targets-pod.yaml", "NetworkPolicy targets Pod", NONE),
    Case("networkpolicy-targets-pod-deployment.yaml", "NetworkPolicy targets Pod", NONE),
    Case("networkpolicy-targets-pod-not-matching.yaml", "NetworkPolicy targets Pod", FINDING),
    *(
        case
        for kind in ("deployment", "statefulset", "cronjob")
        for case in (
            Case(f"networkpolicy-{kind}-matching.yaml", "NetworkPolicy targets Pod", NONE),
            Case(f"networkpolicy-{kind}-matching.yaml", "Pod NetworkPolicy", NONE),
            Case(
                f"networkpolicy-{kind}-not-matching-selector.yaml",
                "NetworkPolicy targets Pod",
                FINDING,
            ),
            Case(f"networkpolicy-{kind}-not-matching-selector.yaml", "Pod NetworkPolicy", FINDING),
        )
    ),
    # TestNetworkPolicyEmptyPodSelector: the fixture is upstream's (e6840aa), the test is
    # read from the romnn/kube-score fork (0500f4a), whose copy of upstream's file has it.
    Case("networkpolicy-targets-all-pods.yaml", "NetworkPolicy targets Pod", NONE),
    Case("networkpolicy-targets-all-pods.yaml", "Pod NetworkPolicy", NONE),
    # poddisruptionbudget_test.go (the version with the different-namespace case)
    Case(
        "statefulset-poddisruptionbudget-v1beta1-matches.yaml",
        "StatefulSet has PodDisruptionBudget",
        NONE,
    ),
    Case(
        "statefulset-poddisruptionbudget-v1beta1-expression-matches.yaml",
        "StatefulSet has PodDisruptionBudget",
        NONE,
    ),
    Case(
        "statefulset-poddisruptionbudget-v1beta1-expression-no-match.yaml",
        "StatefulSet has PodDisruptionBudget",
        FINDING,
    ),
    Case(
        "statefulset-poddisruptionbudget-v1beta1-no-match.yaml",
        "StatefulSet has PodDisruptionBudget",
        FINDING,
    ),
    Case(
        "deployment-poddisruptionbudget-v1beta1-matches.yaml",
        "Deployment has PodDisruptionBudget",
        NONE,
    ),
    Case(
        "deployment-poddisruptionbudget-v1beta1-expression-matches.yaml",
        "Deployment has PodDisruptionBudget",
        NONE,
    ),
    Case(
        "deployment-poddisruptionbudget-v1beta1-expression-no-match.yaml",
        "Deployment has PodDisruptionBudget",
        FINDING,
    ),
    Case(
        "deployment-poddisruptionbudget-v1beta1-no-match.yaml",
        "Deployment has PodDisruptionBudget",
        FINDING,
    ),
    Case(
        "deployment-poddisruptionbudget-v1beta1-no-policy.yaml",
        "PodDisruptionBudget has policy",
        FINDING,
    ),
    Case(
        "deployment-poddisruptionbudget-v1-no-policy.yaml",
        "PodDisruptionBudget has policy",
        FINDING,
    ),
    Case(
        "deployment-poddisruptionbudget-v1-matches.yaml", "Deployment has PodDisruptionBudget", NONE
    ),
    Case(
        "deployment-poddisruptionbudget-v1-no-match.yaml",
        "Deployment has PodDisruptionBudget",
        FINDING,
    ),
    Case(
        "deployment-poddisruptionbudget-v1-different-namespace.yaml",
        "Deployment has PodDisruptionBudget",
        FINDING,
    ),
    # hpa_test.go (the version with MinReplicasHPA)
    Case("hpa-autoscalingv1-targets-deployment.yaml", "HorizontalPodAutoscaler has target", NONE),
    Case("hpa-autoscalingv2-targets-deployment.yaml", "HorizontalPodAutoscaler has target", NONE),
    Case("hpa-has-no-target.yaml", "HorizontalPodAutoscaler has target", FINDING),
    Case("hpa-min-replicas-ok.yaml", "HorizontalPodAutoscaler Replicas", NONE),
    Case(
        "hpa-min-replicas-nok.yaml",
        "HorizontalPodAutoscaler Replicas",
        FINDING,
        {"hpa-min-replicas-low": {"min": 2}},
        "MinReplicasHPA=2",
    ),
    Case(
        "hpa-min-replicas-nok.yaml",
        "HorizontalPodAutoscaler Replicas",
        FINDING,
        {"hpa-min-replicas-low": {"min": 5}},
        "MinReplicasHPA=5",
    ),
    Case(
        "hpa-min-replicas-nok.yaml",
        "HorizontalPodAutoscaler Replicas",
        NONE,
        {"hpa-min-replicas-low": {"min": 1}},
        "MinReplicasHPA=1",
    ),
    # ingress_test.go (the version with the v1 invalid backend and issue 363 cases)
    Case("ingress-targets-service.yaml", "Ingress targets Service", NONE),
    Case("ingress-targets-service-no-match.yaml", "Ingress targets Service", FINDING),
    Case("ingress-networkingv1beta1-targets-service.yaml", "Ingress targets Service", NONE),
    Case(
        "ingress-networkingv1beta1-targets-service-no-match.yaml",
        "Ingress targets Service",
        FINDING,
    ),
    Case("ingress-networkingv1-targets-service.yaml", "Ingress targets Service", NONE),
    Case("ingress-networkingv1-targets-service-no-match.yaml", "Ingress targets Service", FINDING),
    Case("ingress-v1-invalid-backend.yaml", "Ingress targets Service", FINDING),
    Case("ingress_issue363.yaml", "Ingress targets Service", FINDING),
    # stable_version_test.go (the version with KubernetesVersion 1.4 and 1.21); kube-score's
    # tests target Kubernetes 1.18 unless they say otherwise
    Case("statefulset-appsv1beta1.yaml", "Stable version", FINDING),
    Case("statefulset-appsv1beta1.yaml", "Stable version", NONE, variant="KubernetesVersion=1.4"),
    Case("statefulset-appsv1beta2.yaml", "Stable version", FINDING),
    Case("deployment-extensions-v1beta1.yaml", "Stable version", FINDING),
    Case("deployment-appsv1beta1.yaml", "Stable version", FINDING),
    Case("deployment-appsv1beta2.yaml", "Stable version", FINDING),
    Case("daemonset-appsv1.yaml", "Stable version", NONE),
    Case("daemonset-appsv1beta2.yaml", "Stable version", FINDING),
    Case("daemonset-extensionsv1beta1.yaml", "Stable version", FINDING),
    Case("cronjob-batchv1beta1.yaml", "Stable version", NONE),
    Case("cronjob-batchv1beta1.yaml", "Stable version", FINDING, variant="KubernetesVersion=1.21"),
    Case("cronjob-batchv1.yaml", "Stable version", NONE),
    Case("job-batchv1.yaml", "Stable version", NONE),
    # podtopologyspreadconstraints_test.go (f5d2695)
    Case(
        "pod-topology-spread-constraints-one-constraint.yaml",
        "Pod Topology Spread Constraints",
        NONE,
    ),
    Case(
        "pod-topology-spread-constraints-two-constraints.yaml",
        "Pod Topology Spread Constraints",
        NONE,
    ),
    Case(
        "pod-topology-spread-constraints-no-labelselector.yaml",
        "Pod Topology Spread Constraints",
        FINDING,
    ),
    Case(
        "pod-topology-spread-constraints-invalid-maxskew.yaml",
        "Pod Topology Spread Constraints",
        FINDING,
    ),
    Case(
        "pod-topology-spread-constraints-invalid-mindomains.yaml",
        "Pod Topology Spread Constraints",
        FINDING,
    ),
    Case(
        "pod-topology-spread-constraints-no-topologykey.yaml",
        "Pod Topology Spread Constraints",
        FINDING,
    ),
    Case(
        "pod-topology-spread-constraints-invalid-whenunsatisfiable.yaml",
        "Pod Topology Spread Constraints",
        FINDING,
    ),
]

NOT_A_CHECK = "asserts kube-score's own machinery, not a check's grade"
NO_TEST = "no version of kube-score's tests readable here asserts a grade on it"

#: Fixtures of the PROVENANCE commit that no case uses, with the reason.
UNASSERTED: dict[str, str] = {
    "all-ok.yaml": NO_TEST,
    "configmap-multi-dash.yaml": NOT_A_CHECK + " (TestConfigMapMultiDash: it parses)",
    "helm/app1/Chart.yaml": NOT_A_CHECK + " (the chart behind linenumbers-helm.yaml)",
    "helm/app1/templates/deployment.yaml": NOT_A_CHECK + " (as above)",
    "hpa-autoscalingv2beta1-targets-deployment.yaml": NO_TEST,
    "hpa-autoscalingv2beta2-targets-deployment.yaml": NO_TEST,
    "ingress_issue388.yaml": NO_TEST,
    "linenumbers-helm.yaml": NOT_A_CHECK + " (TestFileLocationHelm: reported file names)",
    "linenumbers.yaml": NOT_A_CHECK + " (TestFileLocation: reported line numbers)",
    "list.yaml": NOT_A_CHECK + " (TestList: a kind: List is read)",
    "pod-ephemeral-storage-annotation-ignore.yaml": NOT_A_CHECK
    + " (kube-score/ignore skips the check)",
    "pod-probes-both.yaml": NO_TEST + " (added with the 'Pod Probes Identical' split)",
    "pod-probes-missing-live.yaml": NO_TEST + " (added with the 'Pod Probes Identical' split)",
    "pod-seccomp-container-securecontext-ok.yaml": NO_TEST
    + " (added after the test versions read)",
    "pod-seccomp-container-securecontext-warning.yaml": NO_TEST + " (as above)",
    "pod-seccomp-securecontext-ok.yaml": NO_TEST + " (as above)",
    "pod-seccomp-securecontext-warning.yaml": NO_TEST + " (as above)",
    "pod-security-context-high-ids.yaml": NO_TEST
    + " (only the removed 'Container Security Context' check's tests used it)",
    "security-inherit-pod-security-context.yaml": NO_TEST + " (as above)",
    "statefulset-nested-ignores.yaml": NOT_A_CHECK + " (kube-score/ignore on a pod template)",
    "statefulset-service-name-different-namespace.yaml": NO_TEST
    + " (TestStatefulsetHasServiceNameDifferentNamespace reads the not-headless fixture)",
}

REQUESTS_DEFAULT = (
    "kube-score is wrong about Kubernetes: a container that sets limits but no requests gets"
    " requests equal to its limits, key by key (pkg/apis/core/v1/defaults.go, SetDefaults_Pod:"
    " 'If limits are specified, but requests are not, default requests to limits'; applied to"
    " every Pod a controller creates from the template), so nothing is missing"
)
SECCOMP_ANNOTATION = (
    "kube-score is wrong about Kubernetes: the pod's only seccomp setting is the annotation"
    " seccomp.security.alpha.kubernetes.io/defaultProfileName, a PodSecurityPolicy annotation"
    " that the kubelet never read on pods; even the pod annotation"
    " seccomp.security.alpha.kubernetes.io/pod is 'non-functional in v1.27+; use the"
    ' "seccompProfile" field instead\' (pkg/api/pod/warnings.go). The containers run'
    " Unconfined unless the kubelet defaults to RuntimeDefault, as seccomp-profile-missing says"
)
NAMESPACE_SCOPE = (
    "deliberate: the Service's namespace holds no workload of the input (its pods are in another"
    " namespace), and service-selector-no-match does not judge a namespace whose pods the input"
    " does not show, since they are usually deployed from another file (see the rule's docs);"
    " kube-score compares with every pod it was given"
)
VERSION = (
    "kube-score's test targets Kubernetes {version}; kubelint's oldest bundled version is 1.25"
    " (KUBERNETES_VERSIONS), where {api} is removed ({removed}), so kubelint reports it: the"
    " configuration cannot be expressed"
)

#: Cases where kubelint answers otherwise, with the reason.
DISAGREEMENTS: dict[str, str] = {
    "pod-test-resources-only-limits.yaml / Container Resources": REQUESTS_DEFAULT,
    "deployment-test-resources.yaml / Container Resources": REQUESTS_DEFAULT,
    "statefulset-test-resources.yaml / Container Resources": REQUESTS_DEFAULT,
    "pod-ephemeral-storage-missing-request.yaml / Container Ephemeral Storage Request and Limit": REQUESTS_DEFAULT
    + " (ephemeral-storage too: 2Gi requested)",
    "pod-seccomp-annotated.yaml / Container Seccomp Profile": SECCOMP_ANNOTATION,
    "pod-seccomp-annotated-annotation-optional.yaml / Container Seccomp Profile": SECCOMP_ANNOTATION,
    "statefulset-host-antiaffinity-undefined-replicas.yaml / StatefulSet has host PodAntiAffinity": "kube-score is wrong about Kubernetes: a StatefulSet without spec.replicas runs one"
    " replica (pkg/apis/apps/v1/defaults.go, SetDefaults_StatefulSet sets Replicas to 1),"
    " and one pod has nothing to be kept apart from",
    "service-not-target-deployment.yaml / Deployment Replicas": "deliberate: kube-score grades replicas only for Deployments a Service targets;"
    " single-replica reports every Deployment that runs one pod (info), since a worker"
    " behind no Service also stops on every node drain",
    "service-target-pod-different-namespace.yaml / Service Targets Pod": NAMESPACE_SCOPE,
    "service-target-deployment-different-namespace.yaml / Service Targets Pod": NAMESPACE_SCOPE,
    "statefulset-appsv1beta1.yaml / Stable version [KubernetesVersion=1.4]": VERSION.format(
        version="1.4", api="apps/v1beta1 StatefulSet", removed="since 1.16"
    ),
    "cronjob-batchv1beta1.yaml / Stable version": VERSION.format(
        version="1.18 (kube-score's test default)",
        api="batch/v1beta1 CronJob",
        removed="since 1.25",
    ),
}


@cache
def _findings(file: str, rule: str, options_json: str) -> tuple[tuple[str, str], ...]:
    """(path, message) of every finding of ``rule`` on the fixture, with those options."""
    options = json.loads(options_json)
    reg = registry()
    config = Config(
        cli_enable=frozenset({rule} | CORE_RULES),
        cli_disable=frozenset(set(reg.rules) - {rule} - CORE_RULES),
        kubernetes_version=KUBERNETES_VERSION,
        rules={rule: RuleSetting(enabled=True, options=options)} if options else {},
    )
    text = (FIXTURES / file).read_text(encoding="utf-8")
    loaded = load_text(text, SourceFile(file, text))
    return tuple(
        (f.path, f.message) for f in Linter(config, reg).run([loaded]).findings if f.rule == rule
    )


def reported(case: Case) -> bool:
    """Does kubelint report what the case's kube-score check grades?"""
    for cover in COVERAGE[case.check]:
        if cover.rule in case.options and case.options[cover.rule] is OFF:
            continue
        options = {**cover.options, **(case.options.get(cover.rule) or {})}
        for path, message in _findings(case.file, cover.rule, json.dumps(options, sort_keys=True)):
            if cover.where is None or cover.where in path or cover.where in message:
                return True
    return False


def verdicts() -> dict[str, bool]:
    return {case.key: reported(case) == case.finding for case in CASES}


def test_every_fixture_is_a_case_or_explained():
    keys = [case.key for case in CASES]
    assert len(keys) == len(set(keys))
    for case in CASES:
        assert (FIXTURES / case.file).is_file(), case.file
        assert case.check in COVERAGE, case.check
    files = {path.relative_to(FIXTURES).as_posix() for path in FIXTURES.rglob("*.yaml")}
    used = {case.file for case in CASES}
    assert files - used == set(UNASSERTED)
    assert not used & set(UNASSERTED)


def test_agreement_with_kube_score():
    results = verdicts()
    disagreeing = {key for key, agrees in results.items() if not agrees}
    # Pinned exactly: a change either way (a fix or a regression) must update this table.
    assert disagreeing == set(DISAGREEMENTS)
    # 177 of 189 cases agree (93.7%). Of the 12 pinned, 7 are kube-score assertions that are
    # wrong about Kubernetes (cited); without them agreement is 177 of 182 (97.3%).
    assert len(results) == 189
    assert len(results) - len(disagreeing) == 177
