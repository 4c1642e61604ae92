# ruff: noqa: E501 -- a data table of reasons
"""Agreement with kube-linter's own check fixtures (../shared/corpus/peers/kube-linter-fixtures,
its tests/checks at the commit in PROVENANCE.md).

kube-linter's end-to-end tests (e2etests/bats-tests.sh) run one check over one fixture and
assert which objects get a finding: the kind and message of the first reports (the message
names the container, port or role) and, in most tests, the number of reports. ASSERTED
restates those assertions as items: an object (``Kind/name``, ``#2`` for the second object
of that identity in the file) or, for checks about one container, a container
(``Kind/name:container``). An item named in an asserted message must get a finding of the
mapped kubelint rule(s); when a test asserts the count, every other object of the file must
get none. Agreement is counted per item, as their tests assert it. Disagreements are pinned,
each with its reason; agreement must stay at or above the figure in the test.

The expectations are those of bats-tests.sh at kube-linter commit 8d689190 (the newest
version the team could read; PROVENANCE.md's commit is newer). Fixtures that file does not
test (NOT_COUNTED), and objects added to a fixture after it (``unasserted``), are not
counted.

Reproduce: ``python -m pytest -q tests/test_kube_linter_peers.py``; ``verdicts()`` returns
every item with its verdict.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import pytest
import yaml

from tests.helpers import CORE_RULES, SHARED, lint_only

FIXTURES = SHARED / "corpus" / "peers" / "kube-linter-fixtures"
pytestmark = pytest.mark.skipif(
    not (FIXTURES / "PROVENANCE.md").is_file(),
    reason="../shared/corpus/peers/kube-linter-fixtures not present",
)

#: The bats-tests.sh version the expectations come from.
BATS_COMMIT = "8d689190b7dcd63a8bbb50d05e1739273dbc1e9a"


@dataclass(frozen=True)
class Case:
    """One bats test: the fixture, the items its messages name, whether it asserts the
    number of reports (then every other item of the file is asserted quiet), and whether
    the check is about containers (items name the container) rather than objects."""

    file: str
    fire: tuple[str, ...]
    complete: bool = True
    containers: bool = False
    #: Items of the fixture the test does not speak about (added to the file later).
    unasserted: tuple[str, ...] = field(default=())


#: kube-linter check -> the kubelint rules (with options, and where needed the path their
#: findings must be under) whose findings answer it. Options
#: only express kube-linter's deliberately different defaults (or turn on what kubelint
#: makes opt-in). Checks left out measure what kubelint deliberately does not:
#: scc-deny-privileged-container (OpenShift SecurityContextConstraints, not a Kubernetes
#: API), template-forbidden-annotation (a custom check from a config file: a user policy).
COVERAGE: dict[str, tuple[tuple, ...]] = {
    # kube-linter reports the binding that hands the grant out: report-on: bindings.
    "access-to-create-pods": (("rbac-create-pods", {"report-on": "bindings"}),),
    "access-to-secrets": (("rbac-secrets-access", {"report-on": "bindings"}),),
    "cluster-admin-role-binding": (("rbac-cluster-admin-binding", {}),),
    "dangling-horizontalpodautoscaler": (("hpa-target-missing", {}),),
    "dangling-ingress": (("ingress-backend-missing", {}),),
    # kube-linter judges what the input cannot show: the rules' always options.
    "dangling-networkpolicy": (("networkpolicy-selects-nothing", {"always": True}),),
    "dangling-networkpolicypeer-podselector": (
        ("networkpolicy-selects-nothing", {"always": True}),
    ),
    "dangling-service": (("service-selector-no-match", {}),),
    "dangling-servicemonitor": (("monitor-selects-nothing", {"always": True}),),
    "default-service-account": (("default-service-account", {}),),
    "deprecated-service-account-field": (("deprecated-service-account-field", {}),),
    "dnsconfig-options": (("dns-config-options", {}),),
    "docker-sock": (("sensitive-host-mount", {}),),
    "drop-net-raw-capability": (("capabilities-not-dropped", {}), ("capabilities-added", {})),
    "duplicate-env-var": (("env-var-duplicate", {}),),
    "env-var-secret": (("env-secret-literal", {}),),
    "exposed-services": (("service-type-exposed", {}),),
    "host-ipc": (("host-namespace", {}),),
    "host-network": (("host-namespace", {}),),
    "host-pid": (("host-namespace", {}),),
    "hpa-minimum-three-replicas": (("hpa-min-replicas-low", {"min": 3}),),
    "invalid-target-ports": (
        ("service-target-port-invalid", {}),
        ("container-port-name-invalid", {}),
    ),
    "latest-tag": (("image-tag-latest", {}),),
    "liveness-port": (("probe-port-unknown", {}),),
    "minimum-three-replicas": (("single-replica", {"min-replicas": 3}),),
    "mismatching-selector": (("selector-mismatch", {}),),
    "no-anti-affinity": (("anti-affinity-missing", {}),),
    "no-extensions-v1beta": (("api-removed", {}),),
    "no-liveness-probe": (("liveness-probe-missing", {}),),
    "no-node-affinity": (("node-affinity-missing", {}),),
    "no-read-only-root-fs": (("readonly-root-fs", {}),),
    "no-readiness-probe": (("readiness-probe-missing", {"require-for-all": True}),),
    # Only schema findings about the strategy (a type other than Recreate and RollingUpdate).
    "no-rolling-update-strategy": (
        ("deployment-strategy-recreate", {}),
        ("schema", {}, "spec.strategy"),
    ),
    "non-existent-service-account": (("service-account-missing", {}),),
    "non-isolated-pod": (("networkpolicy-missing", {}),),
    "pdb-max-unavailable": (("pdb-blocks-eviction", {}),),
    "pdb-min-available": (("pdb-blocks-eviction", {}), ("pdb-exceeds-hpa-min", {})),
    "pdb-unhealthy-pod-eviction-policy": (("pdb-unhealthy-policy-missing", {}),),
    "privilege-escalation-container": (("privilege-escalation", {}),),
    "privileged-container": (("privileged-container", {}),),
    "privileged-ports": (("privileged-port", {}),),
    "read-secret-from-env-var": (("env-secret-ref", {}),),
    "readiness-port": (("probe-port-unknown", {}),),
    "required-annotation-email": (
        ("required-annotations", {"annotations": ["email"], "kinds": []}),
    ),
    "required-label-owner": (("required-labels", {"labels": ["owner"], "kinds": []}),),
    "run-as-non-root": (("run-as-root", {}),),
    "sensitive-host-mounts": (("sensitive-host-mount", {}),),
    "ssh-port": (("ssh-port", {}),),
    "startup-port": (("probe-port-unknown", {}),),
    "unsafe-proc-mount": (("proc-mount-unmasked", {}),),
    "unsafe-sysctls": (("unsafe-sysctls", {}),),
    "unset-cpu-requirements": (("resources-requests-missing", {"resources": ["cpu"]}),),
    "unset-memory-requirements": (("resources-limits-missing", {}),),
    "use-namespace": (("namespace-missing", {"allow-default": False}),),
    "wildcard-in-rules": (("rbac-wildcard", {}),),
    "writable-host-mount": (("writable-host-mount", {}),),
}

D, DC = "Deployment", "DeploymentConfig"

#: What each bats test asserts (bats-tests.sh at BATS_COMMIT).
ASSERTED: dict[str, Case] = {
    "access-to-create-pods": Case("access-to-create-pods.yml", ("RoleBinding/role-binding1",)),
    "access-to-secrets": Case("access-to-secrets.yml", ("RoleBinding/role-binding1",)),
    "cluster-admin-role-binding": Case(
        "cluster-admin-role-binding.yml", ("ClusterRoleBinding/role-binding1",)
    ),
    "dangling-horizontalpodautoscaler": Case("dangling-hpa.yml", ("HorizontalPodAutoscaler/hpa1",)),
    "dangling-ingress": Case(
        "dangling-ingress.yml", ("Ingress/missing-service", "Ingress/bad-port")
    ),
    "dangling-networkpolicy": Case("dangling-networkpolicy.yml", ("NetworkPolicy/app",)),
    "dangling-networkpolicypeer-podselector": Case(
        "dangling-networkpolicypeer-podselector.yml", ("NetworkPolicy/app",)
    ),
    "dangling-service": Case("dangling-service.yml", ("Service/app1", "Service/app2")),
    "dangling-servicemonitor": Case(
        "dangling-servicemonitor.yml",
        (
            "ServiceMonitor/app1",
            "ServiceMonitor/app2",
            "ServiceMonitor/app1#2",
            "ServiceMonitor/app1#3",
        ),
    ),
    "default-service-account": Case("default-service-account.yml", (f"{D}/app", f"{DC}/app")),
    "deprecated-service-account-field": Case(
        "deprecated-service-account-field.yml", (f"{D}/app", f"{DC}/app")
    ),
    "dnsconfig-options": Case(
        "dnsconfig-options-ndots.yml", (f"{D}/app1", f"{D}/app2", f"{D}/app3")
    ),
    "docker-sock": Case("docker-sock.yml", (f"{D}/app", f"{DC}/app")),
    # Four reports: two for each 'app' object (NET_RAW added, and not dropped).
    "drop-net-raw-capability": Case("drop-net-raw-capability.yml", (f"{D}/app", f"{DC}/app")),
    "duplicate-env-var": Case(
        "duplicate-env-var.yaml",
        (f"{D}/?:fire-deployment", "StatefulSet/?:fire-stateful"),
        containers=True,
    ),
    "env-var-secret": Case("env-var-secret.yml", (f"{D}/app", f"{DC}/app")),
    "exposed-services": Case("exposed-services.yml", ("Service/app",)),
    "host-ipc": Case("host-ipc.yml", (f"{D}/app", f"{DC}/app")),
    "host-network": Case("host-network.yml", (f"{D}/app", f"{DC}/app")),
    "host-pid": Case("host-pid.yml", (f"{D}/app", f"{DC}/app")),
    "hpa-minimum-three-replicas": Case(
        "hpa-minimum-three-replicas.yml", ("HorizontalPodAutoscaler/app",)
    ),
    # Four reports: the Service's targetPorts 123456 and 'n234567890123456', the
    # Deployment's port names 'n234567890123456' and '123456'.
    "invalid-target-ports": Case(
        "invalid-target-ports.yaml", ("Service/invalid-target-ports", f"{D}/invalid-target-ports")
    ),
    "latest-tag": Case("latest-tag.yml", (f"{D}/app", f"{DC}/app")),
    "liveness-port": Case(
        "liveness-port.yml",
        (
            f"{D}/?:fire-deployment-name",
            f"{D}/?:fire-deployment-int",
            f"{D}/?:fire-deployment-udp",
            "StatefulSet/?:fire-stateful-name",
        ),
        containers=True,
    ),
    "minimum-three-replicas": Case("minimum-three-replicas.yml", (f"{D}/app", f"{DC}/app")),
    "mismatching-selector": Case("mismatching-selector.yml", (f"{D}/app1", f"{DC}/app2")),
    "no-anti-affinity": Case(
        "no-anti-affinity.yml",
        (f"{D}/app1", f"{DC}/app2", f"{D}/fire-namespaced-with-namespaces-selector-not-matching"),
    ),
    "no-extensions-v1beta": Case("no-extensions-v1beta.yml", ("NetworkPolicy/app#2",)),
    "no-liveness-probe": Case("no-liveness-probe.yml", (f"{D}/app1", f"{DC}/app2")),
    "no-node-affinity": Case("no-node-affinity.yml", (f"{D}/nginx-deployment",)),
    "no-read-only-root-fs": Case("no-read-only-root-fs.yml", (f"{D}/app1", f"{DC}/app2")),
    "no-readiness-probe": Case("no-readiness-probe.yml", (f"{D}/app1", f"{DC}/app2")),
    "no-rolling-update-strategy": Case(
        "no-rolling-update-strategy.yml", (f"{D}/app1", f"{DC}/app2")
    ),
    "non-existent-service-account": Case(
        "non-existent-service-account.yml", (f"{D}/app", f"{DC}/app")
    ),
    "non-isolated-pod": Case("non-isolated-pod.yml", (f"{D}/app1", f"{DC}/app2")),
    # Only the first report is asserted, not their number.
    "pdb-max-unavailable": Case(
        "pdb-max-unavailable.yaml", ("PodDisruptionBudget/foo",), complete=False
    ),
    "pdb-min-available": Case(
        "pdb-min-available.yaml",
        ("PodDisruptionBudget/baz", "PodDisruptionBudget/baz2", "PodDisruptionBudget/baz3"),
    ),
    "pdb-unhealthy-pod-eviction-policy": Case(
        "pdb-unhealthy-pod-eviction-policy.yaml", ("PodDisruptionBudget/fire",)
    ),
    "privilege-escalation-container": Case(
        "privilege-escalation-container.yml", (f"{D}/app1", f"{DC}/app2")
    ),
    "privileged-container": Case("privileged-container.yml", (f"{D}/app1", f"{DC}/app2")),
    "privileged-ports": Case("privileged-ports.yml", (f"{D}/app1", f"{DC}/app2")),
    "read-secret-from-env-var": Case("read-secret-from-env-var.yml", (f"{D}/app1", f"{DC}/app2")),
    "readiness-port": Case(
        "readiness-port.yml",
        (
            f"{D}/?:fire-deployment-name",
            f"{D}/?:fire-deployment-int",
            f"{D}/?:fire-deployment-udp",
            f"{D}/?:fire-deployment-grpc",
        ),
        containers=True,
    ),
    "required-annotation-email": Case("required-annotation-email.yml", (f"{D}/app1", f"{DC}/app2")),
    "required-label-owner": Case("required-label-owner.yml", (f"{D}/app1", f"{DC}/app2")),
    # The 'group-zero' objects (runAsGroup 0) came with a later version of the check.
    "run-as-non-root": Case(
        "run-as-non-root.yml",
        (f"{D}/app1", f"{DC}/app2"),
        unasserted=(f"{D}/group-zero", f"{DC}/group-zero"),
    ),
    "sensitive-host-mounts": Case("sensitive-host-mounts.yml", (f"{D}/app1", f"{DC}/app2")),
    "ssh-port": Case("ssh-port.yml", (f"{D}/app1", f"{DC}/app2", f"{DC}/app3")),
    "startup-port": Case(
        "startup-port.yml",
        (
            f"{D}/?:fire-deployment-name",
            f"{D}/?:fire-deployment-int",
            f"{D}/?:fire-deployment-udp",
            f"{D}/?:fire-deployment-grpc",
        ),
        containers=True,
    ),
    "unsafe-proc-mount": Case("unsafe-proc-mount.yml", (f"{D}/app1", f"{DC}/app2")),
    "unsafe-sysctls": Case("unsafe-sysctls.yml", (f"{D}/app1", f"{DC}/app2")),
    "unset-cpu-requirements": Case("unset-cpu-requirements.yml", (f"{D}/app1", f"{DC}/app2")),
    "unset-memory-requirements": Case("unset-memory-requirements.yml", (f"{D}/app1", f"{DC}/app2")),
    "use-namespace": Case("use-namespace.yml", (f"{D}/app1",)),
    "wildcard-in-rules": Case("wildcard-in-rules.yml", ("Role/role1#2",)),
    "writable-host-mount": Case("writable-host-mount.yml", (f"{D}/app1", f"{DC}/app2")),
}

#: Items where kubelint answers otherwise ("check item" -> reason).
DISAGREEMENTS: dict[str, str] = {
    "dangling-servicemonitor ServiceMonitor/dont-fire": "kube-linter is wrong about prometheus-operator: a ServiceMonitor without namespaceSelector only looks in its own namespace (API reference, NamespaceSelector: 'If matchNames is empty and any is false, it means that the objects are selected from the current namespace'); this one is in 'default', its Service in 'dontfire', so it scrapes nothing",
    "docker-sock Deployment/dont-fire": "sensitive-host-mount reports every hostPath under the node's /var/run, where node daemons keep their sockets (containerd, CRI-O, the kubelet's pod-resources): a socket of any daemon hands the pod that daemon's API; kube-linter's docker-sock only looks for docker.sock",
    "drop-net-raw-capability Deployment/dont-fire": "kube-linter is wrong about the runtime: 'capabilities:' left empty drops nothing, and the container keeps NET_RAW, which container runtimes grant by default (containerd pkg/oci/spec.go defaultUnixCaps lists CAP_NET_RAW); kube-linter only looks when capabilities has a value",
    "pdb-min-available PodDisruptionBudget/baz": "Deployment 'foo' has no pod template (the API server rejects it: spec.selector must match spec.template.metadata.labels), so no pod of the input carries the labels the budget selects; kube-linter matches the budget against the Deployment's selector instead of its pods",
}

#: OpenShift DeploymentConfigs (apps.openshift.io) get the pod-spec rules like the built-in
#: controllers (kubelint.constants.CUSTOM_POD_SPEC_PATHS); rules about a controller's own
#: fields (replicas, selector, strategy) know only the built-in kinds' API.
OPENSHIFT_FIELDS = (
    "the rule reads the built-in controllers' own fields; a DeploymentConfig's"
    " {what} are OpenShift's API (apps.openshift.io), which kubelint checks only"
    " through its pod template"
)
DISAGREEMENTS.update(
    {
        "docker-sock DeploymentConfig/dont-fire": DISAGREEMENTS["docker-sock Deployment/dont-fire"],
        "drop-net-raw-capability DeploymentConfig/dont-fire": DISAGREEMENTS[
            "drop-net-raw-capability Deployment/dont-fire"
        ],
        "mismatching-selector DeploymentConfig/app2": OPENSHIFT_FIELDS.format(
            what="selector (a plain map of labels)"
        ),
        "no-rolling-update-strategy DeploymentConfig/app2": OPENSHIFT_FIELDS.format(
            what="strategy (type Rolling, not RollingUpdate)"
        ),
    }
)

_CONTAINER = re.compile(r"\b(containers|initContainers)\[(\d+)\]")
_SEPARATOR = re.compile(r"^---", re.M)


@dataclass(frozen=True)
class Document:
    """One object of a fixture: its item name, its lines (1-based, ``last`` excluded) and data."""

    item: str
    first: int
    last: int
    data: dict


def documents(text: str) -> list[Document]:
    """The fixture's objects, named as ASSERTED names them."""
    starts = [0] + [match.start() for match in _SEPARATOR.finditer(text)]
    starts = sorted(set(starts))
    seen: Counter[str] = Counter()
    out = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(text)
        data = yaml.safe_load(text[start:end])
        if not isinstance(data, dict):
            continue
        metadata = data.get("metadata") or {}
        identity = f"{data.get('kind')}/{metadata.get('name') or '?'}"
        seen[identity] += 1
        name = identity if seen[identity] == 1 else f"{identity}#{seen[identity]}"
        first = text.count("\n", 0, start) + 1
        # The next document's separator line, or past the end of the file.
        last = text.count("\n", 0, end) + 1 if end < len(text) else len(text) + 2
        out.append(Document(name, first, last, data))
    return out


def _pod_spec(data: dict) -> dict:
    spec = data.get("spec") or {}
    if data.get("kind") == "Pod":
        return spec
    if data.get("kind") == "CronJob":
        spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    return (spec.get("template") or {}).get("spec") or {}


def _items(document: Document, containers: bool) -> list[str]:
    if not containers:
        return [document.item]
    spec = _pod_spec(document.data)
    names: Counter[str] = Counter()
    out = []
    for group in ("containers", "initContainers"):
        for container in spec.get(group) or ():
            names[container.get("name")] += 1
            suffix = "" if names[container.get("name")] == 1 else f"#{names[container.get('name')]}"
            out.append(f"{document.item}:{container.get('name')}{suffix}")
    return out


def _finding_item(finding, docs: list[Document], containers: bool) -> str | None:
    document = next((doc for doc in docs if doc.first <= finding.line < doc.last), None)
    if document is None:
        return None
    if not containers:
        return document.item
    match = _CONTAINER.search(finding.path or "")
    if match is None:
        return document.item
    spec = _pod_spec(document.data)
    group, index = match[1], int(match[2])
    entries = list(spec.get("containers") or ()) + list(spec.get("initContainers") or ())
    offset = 0 if group == "containers" else len(spec.get("containers") or ())
    return _items(document, True)[offset + index] if offset + index < len(entries) else None


def verdicts() -> dict[str, bool]:
    """Each asserted item ("check item") -> whether kubelint agrees with kube-linter."""
    out: dict[str, bool] = {}
    for check, case in ASSERTED.items():
        text = (FIXTURES / case.file).read_text(encoding="utf-8")
        docs = documents(text)
        reported: set[str] = set()
        for rule, options, *under in COVERAGE[check]:
            for finding in lint_only(text, rule, filename=case.file, options=options or None):
                if finding.rule in CORE_RULES or finding.rule != rule:
                    continue
                if under and not finding.path.startswith(under[0]):
                    continue
                item = _finding_item(finding, docs, case.containers)
                if item is not None:
                    reported.add(item)
        every = [item for doc in docs for item in _items(doc, case.containers)]
        for item in case.fire:
            assert item in every, f"{check}: {item} is not an object of {case.file}"
        asserted = (
            list(case.fire)
            if not case.complete
            else [item for item in every if item not in case.unasserted]
        )
        for item in asserted:
            out[f"{check} {item}"] = (item in reported) == (item in case.fire)
    return out


#: Fixtures no counted bats test speaks about, and why.
NOT_COUNTED: dict[str, str] = {
    "cel.yml": "no test at BATS_COMMIT (a CEL check from a config file: a user policy)",
    "env-var-value-from.yml": "no test at BATS_COMMIT",
    "forbidden-annotation.yml": "a custom check from a config file (forbidden annotations): a user policy, no built-in rule",
    "job-ttl-seconds-after-finished.yaml": "no test at BATS_COMMIT",
    "kubeconform.yml": "no test at BATS_COMMIT (schema validation through kubeconform)",
    "priority-class-name.yaml": "no test at BATS_COMMIT",
    "restart-policy.yaml": "no test at BATS_COMMIT",
    "scc-deny-privileged-container.yml": "OpenShift SecurityContextConstraints: not a Kubernetes API kubelint checks",
    "sorted-keys.yaml": "no test at BATS_COMMIT",
    "statefulset-volumeclaimtemplate-annotation.yml": "no test at BATS_COMMIT (a check from a config file)",
}


def test_every_check_is_asserted_and_covered():
    assert set(ASSERTED) == set(COVERAGE)
    fixtures = {path.name for path in FIXTURES.iterdir() if path.suffix in (".yml", ".yaml")}
    assert fixtures == {case.file for case in ASSERTED.values()} | set(NOT_COUNTED)


def test_agreement_with_kube_linter():
    results = verdicts()
    disagreeing = {name for name, agrees in results.items() if not agrees}
    # Pinned exactly: a change either way (a fix or a regression) must update this table.
    # Agreement is 210 of 218 asserted items (96.3%), 210 of 215 (97.7%) without the 3
    # where kube-linter is wrong about Kubernetes. The other 5: 2 on OpenShift's own
    # DeploymentConfig fields (selector, strategy), 2 on a socket under /var/run that is
    # not docker.sock, and a budget for a Deployment without a pod template.
    assert disagreeing == set(DISAGREEMENTS)
    assert len(results) == 218
