"""Compliance mappings: the controls of published benchmarks that a rule implements.

A rule declares the controls it implements (``@rule(controls=[...])``) as references
``FRAMEWORK:ID``: ``cis:5.2.2``, ``nsa:pod-security-enforcement``,
``pss:restricted/capabilities``. ``FRAMEWORKS`` is the catalogue of the frameworks
kubelint maps its rules to, each control with its title, so that a rule names a control
once and every report shows the same words. A plugin may map its rules to these or to a
framework of its own (then no title is known).

Where a rule checks only part of a control, its ``Control.partial`` says what is left
out; a rule that checks something merely related is not mapped at all.

The same references select rules: ``--enable cis:5.2.*`` (see ``matches``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fnmatch import translate
from functools import lru_cache
from typing import NamedTuple

from kubelint.patterns import lazy_compile

# Compiled when first used: every rule module imports this one, and most runs never
# check a reference or a selector.
_REF = lazy_compile(r"(?P<framework>[a-z][a-z0-9-]*):(?P<id>[A-Za-z0-9][A-Za-z0-9._/-]*)\Z")
#: A selector: a framework and a glob over its control ids (``*``, ``?``, ``[...]``).
_SELECTOR = lazy_compile(r"(?P<framework>[a-z][a-z0-9-]*):(?P<pattern>[^\s,:]+)\Z")


@dataclass(frozen=True)
class Control:
    """A control a rule implements: ``ref`` is ``FRAMEWORK:ID``; ``partial`` says what
    the rule leaves out of the control (empty: the rule implements all of it)."""

    ref: str
    partial: str = ""

    def __post_init__(self) -> None:
        if not _REF.match(self.ref):
            raise ValueError(f"control {self.ref!r} is not FRAMEWORK:ID (e.g. cis:5.2.2)")

    @property
    def framework(self) -> str:
        return self.ref.partition(":")[0]

    @property
    def id(self) -> str:
        return self.ref.partition(":")[2]

    def to_dict(self) -> dict[str, str]:
        """The control as reports give it (JSON, SARIF): its reference, framework and
        title when kubelint knows them, and ``partial`` when the rule has one."""
        out = {"id": self.ref}
        framework = FRAMEWORKS.get(self.framework)
        if framework is not None:
            out["framework"] = framework.name
        if self.title:
            out["title"] = self.title
        if self.partial:
            out["partial"] = self.partial
        return out

    @property
    def title(self) -> str | None:
        """The control's title in the catalogue (None: a framework kubelint does not
        know, or a control it does not list)."""
        framework = FRAMEWORKS.get(self.framework)
        return framework.controls.get(self.id) if framework else None


class Framework(NamedTuple):
    """A published benchmark: its name with the version followed, where to read it, and
    its controls (id -> title)."""

    name: str
    url: str
    controls: Mapping[str, str]


# The CIS Kubernetes Benchmark v1.10.0, section 5 (Policies): the part that manifests
# decide. Ids and titles as in kube-bench's cfg/cis-1.10/policies.yaml, without the
# "(Manual)"/"(Automated)" suffix.
_CIS = {
    "5.1.1": "Ensure that the cluster-admin role is only used where required",
    "5.1.2": "Minimize access to secrets",
    "5.1.3": "Minimize wildcard use in Roles and ClusterRoles",
    "5.1.4": "Minimize access to create pods",
    "5.1.5": "Ensure that default service accounts are not actively used",
    "5.1.6": "Ensure that Service Account Tokens are only mounted where necessary",
    "5.1.7": "Avoid use of system:masters group",
    "5.1.8": "Limit use of the Bind, Impersonate and Escalate permissions in the Kubernetes"
    " cluster",
    "5.1.9": "Minimize access to create persistent volumes",
    "5.1.10": "Minimize access to the proxy sub-resource of nodes",
    "5.1.11": "Minimize access to the approval sub-resource of certificatesigningrequests objects",
    "5.1.12": "Minimize access to webhook configuration objects",
    "5.1.13": "Minimize access to the service account token creation",
    "5.2.1": "Ensure that the cluster has at least one active policy control mechanism in place",
    "5.2.2": "Minimize the admission of privileged containers",
    "5.2.3": "Minimize the admission of containers wishing to share the host process ID namespace",
    "5.2.4": "Minimize the admission of containers wishing to share the host IPC namespace",
    "5.2.5": "Minimize the admission of containers wishing to share the host network namespace",
    "5.2.6": "Minimize the admission of containers with allowPrivilegeEscalation",
    "5.2.7": "Minimize the admission of root containers",
    "5.2.8": "Minimize the admission of containers with the NET_RAW capability",
    "5.2.9": "Minimize the admission of containers with added capabilities",
    "5.2.10": "Minimize the admission of containers with capabilities assigned",
    "5.2.11": "Minimize the admission of Windows HostProcess containers",
    "5.2.12": "Minimize the admission of HostPath volumes",
    "5.2.13": "Minimize the admission of containers which use HostPorts",
    "5.3.1": "Ensure that the CNI in use supports NetworkPolicies",
    "5.3.2": "Ensure that all Namespaces have NetworkPolicies defined",
    "5.4.1": "Prefer using Secrets as files over Secrets as environment variables",
    "5.4.2": "Consider external secret storage",
    "5.5.1": "Configure Image Provenance using ImagePolicyWebhook admission controller",
    "5.7.1": "Create administrative boundaries between resources using namespaces",
    "5.7.2": "Ensure that the seccomp profile is set to docker/default in your Pod definitions",
    "5.7.3": "Apply SecurityContext to your Pods and Containers",
    "5.7.4": "The default namespace should not be used",
}

# The NSA/CISA Kubernetes Hardening Guide numbers none of its sections: an id is the
# kebab-case of a section heading (v1.2), for the chapters on pods, network separation
# and authorization, the ones manifests decide.
_NSA = {
    "non-root-containers": "Kubernetes Pod security: \u201cNon-root\u201d containers and"
    " \u201crootless\u201d container engines",
    "immutable-container-file-systems": "Kubernetes Pod security: Immutable container file systems",
    "building-secure-container-images": "Kubernetes Pod security: Building secure container images",
    "pod-security-enforcement": "Kubernetes Pod security: Pod security enforcement",
    "protecting-pod-service-account-tokens": "Kubernetes Pod security: Protecting Pod service"
    " account tokens",
    "hardening-container-environments": "Kubernetes Pod security: Hardening container environments",
    "namespaces": "Network separation and hardening: Namespaces",
    "network-policies": "Network separation and hardening: Network policies",
    "resource-policies": "Network separation and hardening: Resource policies",
    "control-plane-hardening": "Network separation and hardening: Control plane hardening",
    "worker-node-segmentation": "Network separation and hardening: Worker node segmentation",
    "encryption": "Network separation and hardening: Encryption",
    "secrets": "Network separation and hardening: Secrets",
    "protecting-sensitive-cloud-infrastructure": "Network separation and hardening:"
    " Protecting sensitive cloud infrastructure",
    "authentication": "Authentication and authorization: Authentication",
    "role-based-access-control": "Authentication and authorization: Role-based access control",
}

# The Pod Security Standards: ``LEVEL/CONTROL``, a row of the level's table (the
# restricted table lists only what it adds to baseline).
_PSS = {
    "baseline/host-process": "Baseline: HostProcess",
    "baseline/host-namespaces": "Baseline: Host Namespaces",
    "baseline/privileged-containers": "Baseline: Privileged Containers",
    "baseline/capabilities": "Baseline: Capabilities",
    "baseline/host-path-volumes": "Baseline: HostPath Volumes",
    "baseline/host-ports": "Baseline: Host Ports",
    "baseline/host-probes": "Baseline: Host Probes / Lifecycle Hooks",
    "baseline/apparmor": "Baseline: AppArmor",
    "baseline/selinux": "Baseline: SELinux",
    "baseline/proc-mount-type": "Baseline: /proc Mount Type",
    "baseline/seccomp": "Baseline: Seccomp",
    "baseline/sysctls": "Baseline: Sysctls",
    "restricted/volume-types": "Restricted: Volume Types",
    "restricted/privilege-escalation": "Restricted: Privilege Escalation",
    "restricted/running-as-non-root": "Restricted: Running as Non-root",
    "restricted/running-as-non-root-user": "Restricted: Running as Non-root user",
    "restricted/seccomp": "Restricted: Seccomp",
    "restricted/capabilities": "Restricted: Capabilities",
}

FRAMEWORKS: dict[str, Framework] = {
    "cis": Framework(
        "CIS Kubernetes Benchmark v1.10.0", "https://www.cisecurity.org/benchmark/kubernetes", _CIS
    ),
    "nsa": Framework(
        "NSA/CISA Kubernetes Hardening Guide v1.2 (August 2022)",
        "https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/"
        "CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF",
        _NSA,
    ),
    "pss": Framework(
        "Pod Security Standards",
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/",
        _PSS,
    ),
}


def as_controls(items: Iterable[str | Control]) -> tuple[Control, ...]:
    """``@rule(controls=...)`` as written (references or ``Control``) -> the record, in
    one order everywhere: by framework, then by id with numbers compared as numbers
    (``cis:5.2.9`` before ``cis:5.2.10``)."""
    found = [item if isinstance(item, Control) else Control(item) for item in items]
    refs = [control.ref for control in found]
    if len(set(refs)) != len(refs):
        raise ValueError(f"a control is listed twice: {refs}")
    return tuple(sorted(found, key=lambda control: sort_key(control.ref)))


def sort_key(ref: str) -> tuple[tuple[int, int | str], ...]:
    """``cis:5.2.10`` -> parts to sort by, numbers as numbers."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"[:./]", ref)
    )


def unknown_control(control: Control) -> str | None:
    """Why a rule may not name ``control`` (a control of a catalogued framework that the
    framework does not have); None when it may."""
    framework = FRAMEWORKS.get(control.framework)
    if framework is None or control.id in framework.controls:
        return None
    return f"{framework.name} has no control {control.id!r}"


def is_selector(name: str) -> bool:
    """Does ``name`` (an ``--enable`` value) select by control rather than name a rule?"""
    return ":" in name


def matches(selector: str, control: Control) -> bool:
    """Does ``selector`` (``cis:5.2.*``, ``pss:restricted/*``) select ``control``?"""
    match = _SELECTOR.match(selector)
    if match is None or match["framework"] != control.framework:
        return False
    return _glob(match["pattern"]).match(control.id) is not None


@lru_cache(maxsize=256)
def _glob(pattern: str) -> re.Pattern[str]:
    return re.compile(translate(pattern))


def describe(control: Control) -> str:
    """``cis:5.2.2 (CIS Kubernetes Benchmark v1.10.0): Minimize ...; partial: ...``: the
    reference first, as selectors name it."""
    framework = FRAMEWORKS.get(control.framework)
    text = f"{control.ref} ({framework.name})" if framework else control.ref
    if control.title:
        text += f": {control.title}"
    return text + (f"; partial: {control.partial}" if control.partial else "")


def bad_selector(selector: str) -> str | None:
    """Why ``selector`` is not the shape of a control selector (None: it is)."""
    if _SELECTOR.match(selector):
        return None
    return (
        f"{selector!r} is not a control selector: write FRAMEWORK:ID, with * and ? as"
        " wildcards (cis:5.2.7, cis:5.2.*, nsa:*, pss:restricted/*)"
    )
