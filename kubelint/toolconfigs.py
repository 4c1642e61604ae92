"""Configuration files of Kubernetes tools: documents shaped like objects that no API
server serves.

A kustomization, a kubeconfig, a kind cluster config or a Helm ``Chart.yaml`` carries an
``apiVersion`` (most a ``kind`` too), but linting it as an object only reports an unknown
kind or a missing ``metadata.name``. ``tool_of`` names the tool such a document belongs
to; the loader skips and counts it like any other non-Kubernetes document.

The decision is by API group and kind, never by kind alone: Flux's
``kustomize.toolkit.fluxcd.io`` Kustomization, Cluster API's ``cluster.x-k8s.io``
Cluster and Argo CD's Application are custom resources and stay linted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["tool_of"]

#: API groups that exist only in tools' files: no API server serves them, so every kind
#: in them is a tool's, including kinds added after this list was written. The comments
#: name the kinds known today, from each project's API types and reference docs.
_CONFIG_GROUPS: dict[str, str] = {
    # kustomization.yaml and kustomize components (Kustomization, Component)
    "kustomize.config.k8s.io": "kustomize",
    # kind create cluster --config (Cluster); kind.sigs.k8s.io before kind 0.6
    "kind.x-k8s.io": "kind",
    "kind.sigs.k8s.io": "kind",
    # InitConfiguration, ClusterConfiguration, JoinConfiguration, ResetConfiguration,
    # UpgradeConfiguration (and MasterConfiguration, NodeConfiguration of old kubeadm)
    "kubeadm.k8s.io": "kubeadm",
    # KubeletConfiguration, SerializedNodeConfigSource, CredentialProviderConfig
    "kubelet.config.k8s.io": "kubelet",
    # what the kubelet and an image credential provider plugin exchange on stdin/stdout
    "credentialprovider.kubelet.k8s.io": "kubelet",
    "kubeproxy.config.k8s.io": "kube-proxy",
    "kubescheduler.config.k8s.io": "kube-scheduler",
    "kubecontrollermanager.config.k8s.io": "kube-controller-manager",
    "cloudcontrollermanager.config.k8s.io": "cloud-controller-manager",
    # AdmissionConfiguration, EncryptionConfiguration, AuthenticationConfiguration,
    # AuthorizationConfiguration, TracingConfiguration, EgressSelectorConfiguration,
    # WebhookAdmission(Configuration), ...; apiserver.k8s.io is the group's older name
    "apiserver.config.k8s.io": "kube-apiserver",
    "apiserver.k8s.io": "kube-apiserver",
    # --audit-policy-file (Policy); Event/EventList are the audit log's records
    "audit.k8s.io": "kube-apiserver",
    # admission plugin configurations referenced from an AdmissionConfiguration
    "pod-security.admission.config.k8s.io": "kube-apiserver",
    "eventratelimit.admission.k8s.io": "kube-apiserver",
    "podtolerationrestriction.admission.k8s.io": "kube-apiserver",
    # ExecCredential: what a client-go credential plugin prints for kubectl
    "client.authentication.k8s.io": "kubectl",
    # kuberc (Preference)
    "kubectl.config.k8s.io": "kubectl",
    # ControllerManagerConfig(uration) scaffolded by kubebuilder and operator-sdk
    "controller-runtime.sigs.k8s.io": "controller-runtime",
    # skaffold.yaml: apiVersion skaffold/v4beta11 (Config)
    "skaffold": "skaffold",
    # Cluster, Registry
    "ctlptl.dev": "ctlptl",
    # k3d cluster create --config (Simple)
    "k3d.io": "k3d",
    # TestSuite, TestStep, TestAssert
    "kuttl.dev": "kuttl",
    # chainsaw, kuttl's successor in the Kyverno project (Test, TestStep, Configuration)
    "chainsaw.kyverno.io": "chainsaw",
    # kyverno test files (Test, Values, UserInfo, Context); kyverno.io policies are CRDs
    "cli.kyverno.io": "kyverno-cli",
}

#: Tools' kinds in groups whose other kinds are served objects or custom resources.
_CONFIG_KINDS: dict[tuple[str, str], str] = {
    # The core group serves no Config, Policy or EncryptionConfig. client-go reads
    # kubeconfigs as v1 Config; kube-scheduler read its policy file (until 1.23) as v1
    # Policy and kube-apiserver still reads v1 EncryptionConfig (an old docs mistake).
    ("", "Config"): "kubeconfig",
    ("", "Policy"): "kube-scheduler",
    ("", "EncryptionConfig"): "kube-apiserver",
    # kpt.dev also holds ResourceGroup, a CRD (kpt live's inventory)
    ("kpt.dev", "Kptfile"): "kpt",
    # a config management plugin's plugin.yaml, read by the repo-server sidecar; Argo CD
    # says it only looks like a custom resource (Application and AppProject are ones)
    ("argoproj.io", "ConfigManagementPlugin"): "argo-cd",
}

#: Helm's file formats (Chart.yaml's apiVersion v1 and v2, a repository index's v1).
_HELM_API_VERSIONS = ("v1", "v2")


def tool_of(document: Mapping[str, Any]) -> str | None:
    """The tool whose configuration ``document`` (a YAML mapping) is, e.g. ``"kustomize"``
    or ``"kubeconfig"``; None when it may be a Kubernetes object (or is no document of a
    known tool)."""
    api_version = document.get("apiVersion")
    if not isinstance(api_version, str):
        return None
    if "kind" not in document:
        return "helm" if _is_helm_file(document, api_version) else None
    kind = document["kind"]
    if not isinstance(kind, str):
        return None
    if api_version == "builtin":  # kustomize's builtin generator and transformer configs
        return "kustomize"
    group, slash, version = api_version.rpartition("/")
    if not slash and version != "v1":
        return None  # no core version other than v1 ("v2" is no group's)
    return _CONFIG_GROUPS.get(group) or _CONFIG_KINDS.get((group, kind))


def _is_helm_file(document: Mapping[str, Any], api_version: str) -> bool:
    """Helm's files with an apiVersion and no kind: Chart.yaml (name and version), a chart
    repository's index.yaml (entries), a requirements.yaml that carries an apiVersion
    (dependencies)."""
    # An object that merely lacks its kind has metadata; Helm's files never do.
    if api_version not in _HELM_API_VERSIONS or "metadata" in document:
        return False
    return ("name" in document and "version" in document) or any(
        key in document for key in ("entries", "dependencies")
    )
