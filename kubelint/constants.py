"""Limits and shared vocabulary, in one place."""

from __future__ import annotations

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

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")

#: The annotation that silences rules for one object.
IGNORE_ANNOTATION = "kubelint.io/ignore"

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

POD_SPEC_KINDS = frozenset(POD_SPEC_PATHS)

#: Kinds with no namespace (cluster-scoped) among the built-in API.
CLUSTER_SCOPED_KINDS = frozenset({
    "APIService", "CertificateSigningRequest", "ClusterRole", "ClusterRoleBinding",
    "ComponentStatus", "CSIDriver", "CSINode", "CustomResourceDefinition",
    "FlowSchema", "IngressClass", "MutatingWebhookConfiguration", "Namespace", "Node",
    "PersistentVolume", "PodSecurityPolicy", "PriorityClass", "PriorityLevelConfiguration",
    "RuntimeClass", "StorageClass", "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding", "ValidatingWebhookConfiguration", "VolumeAttachment",
    "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding", "IPAddress", "ServiceCIDR",
    "DeviceClass", "StorageVersionMigration", "VolumeAttributesClass",
})
