"""Limits and shared vocabulary, in one place."""

from __future__ import annotations

import os
import re

#: Nodes that aliases may add to one document (counted as if expanded). Real manifests
#: stay far below; a "billion laughs" file reaches it within microseconds.
ALIAS_EXPANSION_LIMIT = 100_000

#: Deepest nesting kubelint reads. The deepest document in a corpus of 3,272 real
#: manifests nests 35 levels; rules and schema validators recurse, so stay well below
#: Python's recursion limit.
MAX_NESTING_DEPTH = 200

#: Larger files are reported (yaml-limits) instead of read: the biggest real-world
#: bundles (whole-cluster install manifests) are a few MB.
MAX_FILE_BYTES = 64 * 1024 * 1024

#: YAML nodes (scalars, mappings, sequences, aliases) kubelint reads of one file. Each
#: costs about 200 bytes once parsed, so this bounds a file to about 1 GiB of memory
#: however it is written: a 64 MiB file of ``[1,1,...]`` is 32 million nodes (6 GB).
#: Real files stay far below (the largest of the two corpora, a bundle of CRDs, has
#: 65,699 nodes in 2 MB).
MAX_NODES_PER_FILE = 4_000_000

#: What each severity means; every rule's default severity (and each finding's, where a
#: rule reports some cases more severely than others) follows it.
SEVERITY_MEANING = {
    "error": "the API server rejects it, it will certainly break at run time, or it hands"
    " a workload control of the node or cluster",
    "warning": "a real risk that a reviewer would ask to change",
    "info": "hygiene and opinion",
}


def _bundled_versions() -> tuple[str, ...]:
    """The Kubernetes minor versions with a schema bundle, ``schemas/kubernetes/v1.N.json.gz``
    (the ``kubelint.schemas`` package data), oldest first: a directory listed once, no
    file read, so that adding a bundle is all it takes to support a version."""
    from importlib.util import find_spec

    spec = find_spec("kubelint.schemas")  # found, not imported: it has no code
    names: list[str] = []
    for location in (spec and spec.submodule_search_locations) or ():
        directory = os.path.join(location, "kubernetes")
        if os.path.isdir(directory):
            names = os.listdir(directory)
            break
    else:  # installed in a zip: only the loader can list it (importlib.resources costs ~8 ms)
        from importlib.resources import files

        names = [item.name for item in files("kubelint.schemas").joinpath("kubernetes").iterdir()]
    found = [
        name[1 : -len(".json.gz")] for name in names if re.fullmatch(r"v1\.[0-9]+\.json\.gz", name)
    ]
    if not found:
        raise ImportError(
            "kubelint's Kubernetes schemas (kubelint/schemas/kubernetes/) are"
            " missing: reinstall kubelint"
        )
    return tuple(sorted(found, key=lambda version: int(version.partition(".")[2])))


#: Kubernetes minor versions with a schema bundle in schemas/kubernetes/ (oldest first).
KUBERNETES_VERSIONS = _bundled_versions()
NEWEST_KUBERNETES_VERSION = KUBERNETES_VERSIONS[-1]

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")

#: kubelint's own policy documents (``Policy``, validated against schemas/policy.schema.json).
POLICY_GROUP = "kubelint.dev"
POLICY_API_VERSION = f"{POLICY_GROUP}/v1"

#: The annotation that silences rules for one object.
IGNORE_ANNOTATION = "kubelint.io/ignore"
#: What every ``# kubelint: disable=...`` comment holds: a text without it has none, so
#: the loader lets such a text go after parsing and the engine reads nothing from it.
DIRECTIVE_MARKER = "kubelint:"

#: The rules about suppressions themselves (``kubelint.decisions``): ``all`` does not
#: name them, so that a blanket suppression cannot hide that another one expired.
UNUSED_RULE = "unused-suppression"
EXPIRED_RULE = "suppression-expired"
INVALID_RULE = "invalid-suppression"
REASON_RULE = "suppression-without-reason"
SUPPRESSION_RULES = frozenset({UNUSED_RULE, EXPIRED_RULE, INVALID_RULE, REASON_RULE})

#: Where each workload kind keeps its pod spec.
POD_SPEC_PATHS: dict[str, tuple[str, ...]] = {
    "Pod": ("spec",),
    "PodTemplate": ("template", "spec"),
    "Deployment": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}

#: Custom resources of widely used controllers that carry a pod template, by (API group,
#: kind): the pod-spec rules check them as they check the built-in controllers.
CUSTOM_POD_SPEC_PATHS: dict[tuple[str, str], tuple[str, ...]] = {
    ("argoproj.io", "Rollout"): ("spec", "template", "spec"),  # Argo Rollouts
    ("apps.openshift.io", "DeploymentConfig"): ("spec", "template", "spec"),  # OpenShift
    ("apps.kruise.io", "CloneSet"): ("spec", "template", "spec"),  # OpenKruise
    ("keda.sh", "ScaledJob"): ("spec", "jobTargetRef", "template", "spec"),  # KEDA
}
#: Of those, the controllers whose pods run forever, like a Deployment's.
CUSTOM_LONG_RUNNING = frozenset(
    {
        ("argoproj.io", "Rollout"),
        ("apps.openshift.io", "DeploymentConfig"),
        ("apps.kruise.io", "CloneSet"),
    }
)

POD_SPEC_KINDS = frozenset(POD_SPEC_PATHS) | {kind for _, kind in CUSTOM_POD_SPEC_PATHS}
#: Kinds that run ``spec.replicas`` copies of one pod (see Manifest.is_replicated).
REPLICATED_KINDS = frozenset(
    {"Deployment", "StatefulSet"} | {kind for _, kind in CUSTOM_LONG_RUNNING}
)

#: Controllers whose pods are meant to run forever (a bare Pod is long-running only when
#: its restartPolicy is Always; see Manifest.is_long_running).
LONG_RUNNING_KINDS = frozenset(
    {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController"}
)

#: The kinds that run pods, for options that name kinds to check (PodTemplate excluded:
#: it runs nothing).
WORKLOAD_KINDS = (
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
    "Pod",
)

#: Kinds an HPA or a PodDisruptionBudget can act on through their replicas.
SCALABLE_KINDS = frozenset({"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"})

#: API groups that serve each built-in kind that rules name. A rule written for
#: "StatefulSet" must not run on a custom resource of the same kind in another group
#: (OpenKruise's apps.kruise.io StatefulSet, Knative's serving.knative.dev Service).
BUILTIN_KIND_GROUPS: dict[str, frozenset[str]] = {
    kind: frozenset(groups.split(",")) if groups else frozenset({""})
    for kind, groups in {
        "Pod": "",
        "PodTemplate": "",
        "ReplicationController": "",
        "Service": "",
        "Endpoints": "",
        "ConfigMap": "",
        "Secret": "",
        "ServiceAccount": "",
        "PersistentVolume": "",
        "PersistentVolumeClaim": "",
        "Namespace": "",
        "LimitRange": "",
        "ResourceQuota": "",
        "Node": "",
        "Deployment": "apps,extensions",
        "ReplicaSet": "apps,extensions",
        "DaemonSet": "apps,extensions",
        "StatefulSet": "apps",
        "Job": "batch",
        "CronJob": "batch",
        "StorageClass": "storage.k8s.io",
        "HorizontalPodAutoscaler": "autoscaling",
        "PodDisruptionBudget": "policy",
        "Ingress": "networking.k8s.io,extensions",
        "NetworkPolicy": "networking.k8s.io,extensions",
        "EndpointSlice": "discovery.k8s.io",
        "Role": "rbac.authorization.k8s.io",
        "ClusterRole": "rbac.authorization.k8s.io",
        "RoleBinding": "rbac.authorization.k8s.io",
        "ClusterRoleBinding": "rbac.authorization.k8s.io",
    }.items()
}

#: Kinds with no namespace (cluster-scoped) among the built-in API.
CLUSTER_SCOPED_KINDS = frozenset(
    {
        "APIService",
        "CertificateSigningRequest",
        "ClusterRole",
        "ClusterRoleBinding",
        "ComponentStatus",
        "CSIDriver",
        "CSINode",
        "CustomResourceDefinition",
        "FlowSchema",
        "IngressClass",
        "MutatingWebhookConfiguration",
        "Namespace",
        "Node",
        "PersistentVolume",
        "PodSecurityPolicy",
        "PriorityClass",
        "PriorityLevelConfiguration",
        "RuntimeClass",
        "StorageClass",
        "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding",
        "ValidatingWebhookConfiguration",
        "VolumeAttachment",
        "MutatingAdmissionPolicy",
        "MutatingAdmissionPolicyBinding",
        "IPAddress",
        "ServiceCIDR",
        "DeviceClass",
        "StorageVersionMigration",
        "VolumeAttributesClass",
    }
)

#: Labels each controller adds to the pods it creates, beyond its pod template's
#: (``ObjectIndex.added_pod_labels`` knows the values they take).
CONTROLLER_POD_LABELS: dict[str, tuple[str, ...]] = {
    "Deployment": ("pod-template-hash",),
    "DaemonSet": ("controller-revision-hash", "pod-template-generation"),
    "StatefulSet": (
        "statefulset.kubernetes.io/pod-name",
        "apps.kubernetes.io/pod-index",
        "controller-revision-hash",
    ),
    "Job": (
        "job-name",
        "batch.kubernetes.io/job-name",
        "controller-uid",
        "batch.kubernetes.io/controller-uid",
        "batch.kubernetes.io/job-completion-index",
    ),
}
CONTROLLER_POD_LABELS["CronJob"] = CONTROLLER_POD_LABELS["Job"]  # through its Jobs

#: Every label a controller adds to pods: a selector naming one cannot be compared with
#: a pod template's labels.
CONTROLLER_LABELS = frozenset(
    label for labels in CONTROLLER_POD_LABELS.values() for label in labels
)
