"""The Pod Security Standards, evaluated as the Pod Security Admission controller does.

One evaluator serves the ``pss-*`` rules (one per PSS control), the
``pod-security-admission`` rule (namespace labels) and the per-workload level of the
reports. It follows PSA's policy package check by check (docs/pod-security-standards.md
names the upstream source of each, version by version):

- checks and their revisions by policy version; a restricted revision may override
  baseline checks (``capabilities_restricted`` replaces ``capabilities_baseline``);
- ``latest``, and any version above the newest revision, mean the newest revision;
- containers are visited as PSA visits them: init containers, containers, ephemeral
  containers; pod-level and container-level values are checked independently;
- messages are PSA's ``reason (detail)``, in PSA's words, with PSA's sorting.

What PSA has no notion of is where a problem is: kubelint reports each place the user
edits (a ``Spot``) with the detail PSA would give if that place were the pod's only
problem of the check; ``CheckResult.detail`` keeps PSA's detail for the whole pod.
The newest PSA code is modelled (AppArmor fields checked, image volumes allowed, the
user-namespace relaxations tied to policy 1.35, not to a feature gate).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, TypeGuard

from kubelint.constants import POD_SPEC_PATHS
from kubelint.patterns import lazy_compile
from kubelint.rule import version_minor

if TYPE_CHECKING:
    from kubelint.model import Manifest, Path
    from kubelint.rule import RuleContext, Violation

#: The levels, weakest first. ``privileged`` runs no check.
LEVELS = ("privileged", "baseline", "restricted")
#: The newest policy version with a check revision: what ``latest`` means.
NEWEST_POLICY_MINOR = 35
#: The kinds PSA evaluates (its ``DefaultPodSpecExtractor``); custom resources are not,
#: only the pods their controllers create.
PSA_KINDS = frozenset(POD_SPEC_PATHS)

DOCS = "https://kubernetes.io/docs/concepts/security/pod-security-standards/"
_VERSION = lazy_compile(r"v?1\.(0|[1-9][0-9]*)\Z")


# -- what an evaluation returns ---------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Spot:
    """One place the user edits, and what PSA would say if it were the only problem."""

    path: Path
    reason: str
    detail: str

    @property
    def message(self) -> str:
        return f"{self.reason} ({self.detail})" if self.detail else self.reason


@dataclass(frozen=True, eq=False)
class CheckResult:
    """A failed PSA check: its id, the PSS control, PSA's reason and detail for the whole
    pod, and the places to edit."""

    check: str
    control: str
    level: str
    reason: str
    detail: str
    spots: tuple[Spot, ...]

    @property
    def url(self) -> str:
        return f"{DOCS}#{self.level}"

    @property
    def message(self) -> str:
        return f"{self.reason} ({self.detail})" if self.detail else self.reason


class Atom(NamedTuple):
    """One offending value: where it is, who set it (``pod``, ``container``,
    ``annotation``, ``volume``), which container or volume (its path, and its name as
    PSA prints it), the value and, for checks with several kinds of problem, which."""

    path: Path
    setter: str
    owner: Path | None = None
    name: str = ""
    value: str = ""
    tag: str = ""


# -- PSA's text helpers -----------------------------------------------------------------
def join_quote(items: Sequence[str]) -> str:
    """PSA's ``joinQuote``: ``"a", "b"`` (no escaping)."""
    return '"' + '", "'.join(items) + '"' if items else ""


def pluralize(singular: str, plural: str, count: int) -> str:
    return singular if count == 1 else plural


_GO_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
}


def go_quote(text: str) -> str:
    """Go's ``%q`` of a string, which PSA uses for annotation values."""
    out = []
    for char in text:
        if char in _GO_ESCAPES:
            out.append(_GO_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\x{ord(char):02x}")
        elif not char.isprintable():
            out.append(f"\\u{ord(char):04x}" if ord(char) < 0x10000 else f"\\U{ord(char):08x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _names(atoms: Sequence[Atom]) -> list[str]:
    """The containers (or volumes) of ``atoms`` in visit order, each once: PSA appends a
    container's name once however many of its values are bad."""
    seen: set[Path | None] = set()
    names = []
    for atom in atoms:
        if atom.owner not in seen:
            seen.add(atom.owner)
            names.append(atom.name)
    return names


def _containers(atoms: Sequence[Atom]) -> str:
    names = _names(atoms)
    return f"{pluralize('container', 'containers', len(names))} {join_quote(names)}"


def _setters(atoms: Sequence[Atom]) -> str:
    """``pod``, ``container(s) "a"`` or both joined with `` and `` (PSA's badSetters)."""
    parts = ["pod"] if any(atom.setter == "pod" for atom in atoms) else []
    containers = [atom for atom in atoms if atom.setter == "container"]
    if containers:
        parts.append(_containers(containers))
    return " and ".join(parts)


def _sorted_values(atoms: Sequence[Atom]) -> list[str]:
    """``sets.NewString(...).List()``: unique and sorted byte-wise."""
    return sorted({atom.value for atom in atoms})


# -- the pod as PSA sees it -------------------------------------------------------------
def _mapping(value: Any) -> Mapping[str, Any]:
    """A mapping, or an empty one for null and values of the wrong type (which never
    reach PSA: the API server's decoding rejects them, and schema validation reports
    them here)."""
    return value if isinstance(value, (dict, Mapping)) else {}


def _present(value: Any) -> TypeGuard[Mapping[str, Any]]:
    """A set pointer in Go: a mapping (``appArmorProfile: {}`` is set, ``null`` not)."""
    return isinstance(value, (dict, Mapping))


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class Pod:
    """A pod spec and the metadata PSA reads (a template's, for workloads)."""

    def __init__(
        self,
        spec: Mapping[str, Any],
        spec_path: Path,
        annotations: Mapping[str, Any],
        metadata_path: Path,
    ):
        self.spec = spec
        self.path = spec_path
        self.annotations = annotations
        self.annotations_path: Path = (*metadata_path, "annotations")
        self.security = _mapping(spec.get("securityContext"))
        self.security_path: Path = (*spec_path, "securityContext")
        self.windows = _mapping(spec.get("os")).get("name") == "windows"
        #: PSA's relaxPolicyForUserNamespacePod: hostUsers explicitly false.
        self.user_namespace = spec.get("hostUsers") is False
        #: (path, container, name) in PSA's visit order.
        self.containers: list[tuple[Path, Mapping[str, Any], str]] = []
        for group in ("initContainers", "containers", "ephemeralContainers"):
            items = spec.get(group)
            for index, container in enumerate(items if isinstance(items, list) else ()):
                if isinstance(container, (dict, Mapping)):
                    name = container.get("name")
                    self.containers.append(
                        (
                            (*spec_path, group, index),
                            container,
                            name if isinstance(name, str) else "",
                        )
                    )

    @classmethod
    def of(cls, obj: Manifest) -> Pod | None:
        spec_path = obj.pod_spec_path()
        spec = obj.pod_spec()
        if spec_path is None or spec is None:
            return None
        metadata_path = (*spec_path[:-1], "metadata")
        return cls(
            spec, spec_path, _mapping(obj.get((*metadata_path, "annotations"))), metadata_path
        )

    def security_contexts(self) -> Iterator[tuple[Path, Mapping[str, Any], str]]:
        """(securityContext path, securityContext, container name) per container."""
        for path, container, name in self.containers:
            yield (*path, "securityContext"), _mapping(container.get("securityContext")), name

    def volumes(self) -> Iterator[tuple[Path, Mapping[str, Any], str]]:
        items = self.spec.get("volumes")
        for index, volume in enumerate(items if isinstance(items, list) else ()):
            if isinstance(volume, (dict, Mapping)):
                name = volume.get("name")
                yield (*self.path, "volumes", index), volume, name if isinstance(name, str) else ""


Finder = Callable[[Pod], list[Atom]]
Describer = Callable[[Sequence[Atom]], tuple[str, str]]


def _contexts(pod: Pod) -> Iterator[tuple[Path, Mapping[str, Any], str, Path | None, str]]:
    """(securityContext path, securityContext, setter, owner, name): the pod's, then
    each container's, in PSA's order."""
    yield pod.security_path, pod.security, "pod", None, "pod"
    for sc_path, sc, name in pod.security_contexts():
        yield sc_path, sc, "container", sc_path[:-1], name


def _pod_and_containers(
    pod: Pod, field: str, bad: Callable[[Any], bool], value: Callable[[Any], str] = lambda _: ""
) -> list[Atom]:
    """Atoms for a securityContext ``field`` (dotted below it) that is set to a bad value
    at pod level or in a container, each checked on its own (PSA does not merge them)."""
    keys = tuple(field.split("."))
    atoms = []
    for sc_path, sc, setter, owner, name in _contexts(pod):
        found = _lookup(sc, keys)
        if found is not None and bad(found):
            atoms.append(Atom((*sc_path, *keys), setter, owner, name, value(found)))
    return atoms


def _lookup(node: Any, keys: Sequence[str]) -> Any:
    """The value at ``keys``; None when a step is missing or null."""
    for key in keys:
        if not isinstance(node, (dict, Mapping)):
            return None
        node = node.get(key)
    return node


def _unless_windows(find: Finder) -> Finder:
    """A revision from 1.25: pods with ``spec.os.name: windows`` pass."""
    return lambda pod: [] if pod.windows else find(pod)


def _unless_user_namespace(find: Finder) -> Finder:
    """A revision from 1.35: pods with ``hostUsers: false`` pass."""
    return lambda pod: [] if pod.user_namespace else find(pod)


# -- the checks -------------------------------------------------------------------------
def _host_namespaces(pod: Pod) -> list[Atom]:
    return [
        Atom((*pod.path, field), "pod", None, "pod", f"{field}=true")
        for field in ("hostNetwork", "hostPID", "hostIPC")
        if pod.spec.get(field) is True
    ]


def _describe_host_namespaces(atoms: Sequence[Atom]) -> tuple[str, str]:
    return "host namespaces", ", ".join(atom.value for atom in atoms)  # PSA's fixed order


def _privileged(pod: Pod) -> list[Atom]:
    return [
        atom
        for atom in _pod_and_containers(pod, "privileged", lambda v: v is True)
        if atom.setter == "container"
    ]  # a container field only


def _describe_privileged(atoms: Sequence[Atom]) -> tuple[str, str]:
    return "privileged", f"{_containers(atoms)} must not set securityContext.privileged=true"


#: The capabilities baseline allows to add (exact names: PSA neither upper-cases nor
#: strips a CAP_ prefix).
BASELINE_CAPABILITIES = frozenset(
    {
        "AUDIT_WRITE",
        "CHOWN",
        "DAC_OVERRIDE",
        "FOWNER",
        "FSETID",
        "KILL",
        "MKNOD",
        "NET_BIND_SERVICE",
        "SETFCAP",
        "SETGID",
        "SETPCAP",
        "SETUID",
        "SYS_CHROOT",
    }
)


def _added(
    sc_path: Path, capabilities: Mapping[str, Any], name: str, allowed: Collection[str]
) -> Iterator[Atom]:
    added = capabilities.get("add")
    for index, capability in enumerate(added if isinstance(added, list) else ()):
        if isinstance(capability, str) and capability not in allowed:
            yield Atom(
                (*sc_path, "capabilities", "add", index),
                "container",
                sc_path[:-1],
                name,
                capability,
                "add",
            )


def _capabilities_baseline(pod: Pod) -> list[Atom]:
    return [
        atom
        for sc_path, sc, name in pod.security_contexts()
        for atom in _added(sc_path, _mapping(sc.get("capabilities")), name, BASELINE_CAPABILITIES)
    ]


def _must_not_add(atoms: Sequence[Atom]) -> str:
    return (
        f"{_containers(atoms)} must not include {join_quote(_sorted_values(atoms))}"
        " in securityContext.capabilities.add"
    )


def _describe_capabilities_baseline(atoms: Sequence[Atom]) -> tuple[str, str]:
    return "non-default capabilities", _must_not_add(atoms)


def _capabilities_restricted(pod: Pod) -> list[Atom]:
    atoms = []
    for sc_path, sc, name in pod.security_contexts():
        capabilities = sc.get("capabilities")
        if not _present(capabilities):  # PSA then asks for drop ALL and looks no further
            atoms.append(
                Atom(
                    (*sc_path, "capabilities", "drop"), "container", sc_path[:-1], name, tag="drop"
                )
            )
            continue
        drop = capabilities.get("drop")
        if not (isinstance(drop, list) and "ALL" in drop):
            atoms.append(
                Atom(
                    (*sc_path, "capabilities", "drop"), "container", sc_path[:-1], name, tag="drop"
                )
            )
        atoms.extend(_added(sc_path, capabilities, name, {"NET_BIND_SERVICE"}))
    return atoms


def _describe_capabilities_restricted(atoms: Sequence[Atom]) -> tuple[str, str]:
    parts = []
    drop = [atom for atom in atoms if atom.tag == "drop"]
    if drop:
        parts.append(f'{_containers(drop)} must set securityContext.capabilities.drop=["ALL"]')
    added = [atom for atom in atoms if atom.tag == "add"]
    if added:
        parts.append(_must_not_add(added))
    return "unrestricted capabilities", "; ".join(parts)


def _host_path_volumes(pod: Pod) -> list[Atom]:
    return [
        Atom((*path, "hostPath"), "volume", path, name)
        for path, volume, name in pod.volumes()
        if _present(volume.get("hostPath"))
    ]


def _describe_host_path_volumes(atoms: Sequence[Atom]) -> tuple[str, str]:
    names = [atom.name for atom in atoms]
    return "hostPath volumes", f"{pluralize('volume', 'volumes', len(names))} {join_quote(names)}"


def _host_ports(pod: Pod) -> list[Atom]:
    atoms = []
    for path, container, name in pod.containers:
        ports = container.get("ports")
        for index, port in enumerate(ports if isinstance(ports, list) else ()):
            host_port = _mapping(port).get("hostPort")
            if _is_int(host_port) and host_port != 0:
                atoms.append(
                    Atom(
                        (*path, "ports", index, "hostPort"), "container", path, name, str(host_port)
                    )
                )
    return atoms


def _describe_host_ports(atoms: Sequence[Atom]) -> tuple[str, str]:
    containers = len(_names(atoms))
    ports = _sorted_values(atoms)  # as strings: "10000" sorts before "8080", as in PSA
    return "hostPort", (
        f"{_containers(atoms)} {pluralize('uses', 'use', containers)}"
        f" {pluralize('hostPort', 'hostPorts', len(ports))} {', '.join(ports)}"
    )


_PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
_HOOKS = ("postStart", "preStop")


def _host_probes(pod: Pod) -> list[Atom]:
    atoms = []
    for path, container, name in pod.containers:
        handlers = [((*path, probe), container.get(probe)) for probe in _PROBES]
        lifecycle = _mapping(container.get("lifecycle"))
        handlers += [((*path, "lifecycle", hook), lifecycle.get(hook)) for hook in _HOOKS]
        for handler_path, handler in handlers:
            for action in ("httpGet", "tcpSocket"):
                host = _lookup(handler, (action, "host"))
                if isinstance(host, str) and host:
                    atoms.append(
                        Atom((*handler_path, action, "host"), "container", path, name, host)
                    )
    return atoms


def _describe_host_probes(atoms: Sequence[Atom]) -> tuple[str, str]:
    # This check alone sorts its container names (a set in PSA).
    names = sorted({atom.name for atom in atoms})
    hosts = _sorted_values(atoms)
    return "probe or lifecycle host", (
        f"{pluralize('container', 'containers', len(names))} {join_quote(names)}"
        f" {pluralize('uses', 'use', len(names))}"
        f" {pluralize('probe or lifecycle host', 'probe or lifecycle hosts', len(hosts))}"
        f" {join_quote(hosts)}"
    )


APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"
_CONFINED = ("RuntimeDefault", "Localhost")


def _type_of(profile: Any) -> str:
    """A profile's type as Go reads it: "" when unset."""
    kind = _mapping(profile).get("type")
    return kind if isinstance(kind, str) else ""


def _bad_profiles(pod: Pod, field: str) -> list[Atom]:
    """Pod and containers whose ``field`` (appArmorProfile, seccompProfile) is set with a
    type other than RuntimeDefault or Localhost."""
    atoms = _pod_and_containers(
        pod,
        field,
        lambda profile: _present(profile) and _type_of(profile) not in _CONFINED,
        _type_of,
    )
    return [atom._replace(path=(*atom.path, "type")) for atom in atoms]


def _apparmor(pod: Pod) -> list[Atom]:
    atoms = _bad_profiles(pod, "appArmorProfile")
    # Every annotation with the prefix, even for a container the pod does not have.
    for key, value in pod.annotations.items():
        if (
            isinstance(key, str)
            and key.startswith(APPARMOR_ANNOTATION)
            and isinstance(value, str)
            and not (value in ("", "runtime/default") or value.startswith("localhost/"))
        ):
            atoms.append(
                Atom(
                    (*pod.annotations_path, key),
                    "annotation",
                    None,
                    "annotation",
                    f"{key}={go_quote(value)}",
                )
            )
    return atoms


def _describe_apparmor(atoms: Sequence[Atom]) -> tuple[str, str]:
    fields = [atom for atom in atoms if atom.setter != "annotation"]
    annotations = sorted(atom.value for atom in atoms if atom.setter == "annotation")
    setters = [_setters(fields)] if fields else []
    if annotations:
        setters.append(pluralize("annotation", "annotations", len(annotations)))
    values = _sorted_values(fields) + annotations
    return (
        pluralize("forbidden AppArmor profile", "forbidden AppArmor profiles", len(values)),
        f"{' and '.join(setters)} must not set AppArmor profile type to {join_quote(values)}",
    )


#: SELinux types baseline allows, by the policy version that allowed them.
SELINUX_TYPES = {0: frozenset({"", "container_t", "container_init_t", "container_kvm_t"})}
SELINUX_TYPES[31] = SELINUX_TYPES[0] | {"container_engine_t"}


def _selinux(allowed: Collection[str]) -> Finder:
    def find(pod: Pod) -> list[Atom]:
        atoms = []
        for sc_path, sc, setter, owner, name in _contexts(pod):
            options = sc.get("seLinuxOptions")
            if not _present(options):
                continue
            for part in ("type", "user", "role"):  # level is not restricted
                text = options.get(part)
                text = text if isinstance(text, str) else ""
                if (text not in allowed) if part == "type" else bool(text):
                    atoms.append(
                        Atom((*sc_path, "seLinuxOptions", part), setter, owner, name, text, part)
                    )
        return atoms

    return find


def _describe_selinux(atoms: Sequence[Atom]) -> tuple[str, str]:
    data = []
    types = _sorted_values([atom for atom in atoms if atom.tag == "type"])
    if types:
        data.append(f"{pluralize('type', 'types', len(types))} {join_quote(types)}")
    if any(atom.tag == "user" for atom in atoms):
        data.append("user may not be set")
    if any(atom.tag == "role" for atom in atoms):
        data.append("role may not be set")
    return (
        "seLinuxOptions",
        f"{_setters(atoms)} set forbidden securityContext.seLinuxOptions: {'; '.join(data)}",
    )


def _proc_mount(pod: Pod) -> list[Atom]:
    return [
        atom
        for atom in _pod_and_containers(
            pod, "procMount", lambda v: isinstance(v, str) and v != "Default", str
        )
        if atom.setter == "container"
    ]  # a container field only


def _describe_proc_mount(atoms: Sequence[Atom]) -> tuple[str, str]:
    return "procMount", (
        f"{_containers(atoms)} must not set securityContext.procMount to"
        f" {join_quote(_sorted_values(atoms))}"
    )


SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod"
SECCOMP_CONTAINER_ANNOTATION = "container.seccomp.security.alpha.kubernetes.io/"


def _seccomp_annotations(pod: Pod) -> list[Atom]:
    """Baseline before policy 1.19 reads the alpha annotations only (the pod's, and each
    visited container's)."""
    keys = [SECCOMP_POD_ANNOTATION] + [
        SECCOMP_CONTAINER_ANNOTATION + name for _, _, name in pod.containers
    ]
    atoms = []
    for key in keys:
        value = pod.annotations.get(key)
        if isinstance(value, str) and not (
            value in ("runtime/default", "docker/default") or value.startswith("localhost/")
        ):
            atoms.append(
                Atom(
                    (*pod.annotations_path, key),
                    "annotation",
                    None,
                    "annotation",
                    f"{key}={go_quote(value)}",
                )
            )
    return atoms


def _seccomp_restricted(pod: Pod) -> list[Atom]:
    explicit = _bad_profiles(pod, "seccompProfile")
    if explicit:  # PSA then names the explicit setters only
        return explicit
    pod_set = _present(pod.security.get("seccompProfile"))  # and valid: not explicit
    return _implicit(
        pod, "seccompProfile.type", lambda sc: pod_set or _present(sc.get("seccompProfile"))
    )


def _implicit(pod: Pod, field: str, satisfied: Callable[[Mapping[str, Any]], bool]) -> list[Atom]:
    """Containers that leave ``field`` to a pod that does not set it. When no container
    sets it, the place to edit is the pod's securityContext."""
    keys = tuple(field.split("."))
    missing = [
        (sc_path, name) for sc_path, sc, name in pod.security_contexts() if not satisfied(sc)
    ]
    everyone = len(missing) == len(pod.containers)
    return [
        Atom(
            (*pod.security_path, *keys) if everyone else (*sc_path, *keys),
            "container",
            sc_path[:-1],
            name,
            tag="implicit",
        )
        for sc_path, name in missing
    ]


def _describe_seccomp(atoms: Sequence[Atom]) -> tuple[str, str]:
    if atoms and atoms[0].setter == "annotation":
        values = _sorted_values(atoms)
        return "seccompProfile", (
            f"forbidden {pluralize('annotation', 'annotations', len(values))} {', '.join(values)}"
        )
    if atoms and atoms[0].tag == "implicit":
        return "seccompProfile", (
            f"pod or {_containers(atoms)} must set"
            ' securityContext.seccompProfile.type to "RuntimeDefault"'
            ' or "Localhost"'
        )
    return "seccompProfile", (
        f"{_setters(atoms)} must not set"
        " securityContext.seccompProfile.type to"
        f" {join_quote(_sorted_values(atoms))}"
    )


#: Sysctls baseline allows, by the policy version that allowed them.
SYSCTLS: dict[int, frozenset[str]] = {
    0: frozenset(
        {
            "kernel.shm_rmid_forced",
            "net.ipv4.ip_local_port_range",
            "net.ipv4.tcp_syncookies",
            "net.ipv4.ping_group_range",
            "net.ipv4.ip_unprivileged_port_start",
        }
    )
}
SYSCTLS[27] = SYSCTLS[0] | {"net.ipv4.ip_local_reserved_ports"}
SYSCTLS[29] = SYSCTLS[27] | {
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
}
SYSCTLS[32] = SYSCTLS[29] | {"net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"}


def _sysctls(allowed: Collection[str]) -> Finder:
    def find(pod: Pod) -> list[Atom]:
        entries = pod.security.get("sysctls")
        atoms = []
        for index, entry in enumerate(entries if isinstance(entries, list) else ()):
            name = _mapping(entry).get("name")
            if isinstance(name, str) and name not in allowed:  # exact: no a/b/c form
                atoms.append(
                    Atom((*pod.security_path, "sysctls", index, "name"), "pod", None, "pod", name)
                )
        return atoms

    return find


def _describe_sysctls(atoms: Sequence[Atom]) -> tuple[str, str]:
    return "forbidden sysctls", ", ".join(atom.value for atom in atoms)  # spec order, dupes


def _host_process(pod: Pod) -> list[Atom]:
    return _pod_and_containers(pod, "windowsOptions.hostProcess", lambda v: v is True)


def _describe_host_process(atoms: Sequence[Atom]) -> tuple[str, str]:
    return "hostProcess", (
        f"{_setters(atoms)} must not set securityContext.windowsOptions.hostProcess=true"
    )


#: Volume sources the restricted level allows (``image`` since the PSA of Kubernetes
#: 1.33, at every policy version).
ALLOWED_VOLUMES = (
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
)
#: The others, in the order PSA names a volume's type by.
RESTRICTED_VOLUMES = (
    "hostPath",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "nfs",
    "iscsi",
    "glusterfs",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "fc",
    "azureFile",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "portworxVolume",
    "scaleIO",
    "storageos",
)


def _restricted_volumes(pod: Pod) -> list[Atom]:
    atoms = []
    for path, volume, name in pod.volumes():
        if any(volume.get(source) is not None for source in ALLOWED_VOLUMES):
            continue
        # A volume without a known source is defaulted to emptyDir before PSA sees it.
        found = next(
            (source for source in RESTRICTED_VOLUMES if volume.get(source) is not None), None
        )
        if found is not None:
            atoms.append(Atom((*path, found), "volume", path, name, found))
    return atoms


def _describe_restricted_volumes(atoms: Sequence[Atom]) -> tuple[str, str]:
    names = [atom.name for atom in atoms]
    types = _sorted_values(atoms)
    return "restricted volume types", (
        f"{pluralize('volume', 'volumes', len(names))} {join_quote(names)}"
        f" {pluralize('uses', 'use', len(names))}"
        f" {pluralize('restricted volume type', 'restricted volume types', len(types))}"
        f" {join_quote(types)}"
    )


def _privilege_escalation(pod: Pod) -> list[Atom]:
    # Unset is as bad as true; a value of the wrong type never reaches PSA.
    return [
        Atom((*sc_path, "allowPrivilegeEscalation"), "container", sc_path[:-1], name)
        for sc_path, sc, name in pod.security_contexts()
        if sc.get("allowPrivilegeEscalation") is None or sc.get("allowPrivilegeEscalation") is True
    ]


def _describe_privilege_escalation(atoms: Sequence[Atom]) -> tuple[str, str]:
    return (
        "allowPrivilegeEscalation != false",
        f"{_containers(atoms)} must set securityContext.allowPrivilegeEscalation=false",
    )


def _run_as_non_root(pod: Pod) -> list[Atom]:
    explicit = _pod_and_containers(pod, "runAsNonRoot", lambda v: v is False)
    if explicit:  # PSA then names the explicit setters only
        return explicit
    pod_true = pod.security.get("runAsNonRoot") is True
    return _implicit(pod, "runAsNonRoot", lambda sc: pod_true or sc.get("runAsNonRoot") is not None)


def _describe_run_as_non_root(atoms: Sequence[Atom]) -> tuple[str, str]:
    if atoms and atoms[0].tag == "implicit":
        return "runAsNonRoot != true", (
            f"pod or {_containers(atoms)} must set securityContext.runAsNonRoot=true"
        )
    return "runAsNonRoot != true", (
        f"{_setters(atoms)} must not set securityContext.runAsNonRoot=false"
    )


def _run_as_user(pod: Pod) -> list[Atom]:
    return _pod_and_containers(pod, "runAsUser", lambda v: _is_int(v) and v == 0)


def _describe_run_as_user(atoms: Sequence[Atom]) -> tuple[str, str]:
    return "runAsUser=0", f"{_setters(atoms)} must not set runAsUser=0"


# -- the registry -----------------------------------------------------------------------
class Revision(NamedTuple):
    """A check's behaviour from policy version 1.``since`` on, and the baseline checks it
    replaces at the restricted level."""

    since: int
    find: Finder
    overrides: frozenset[str] = frozenset()


@dataclass(frozen=True, eq=False)
class Check:
    """A PSA check: its id, level, PSS control (the docs' table row) and revisions."""

    id: str
    level: str
    control: str
    describe: Describer
    revisions: tuple[Revision, ...]

    def at(self, minor: int) -> Revision | None:
        """The revision in force at policy version 1.``minor`` (None: not yet)."""
        found = None
        for revision in self.revisions:
            if revision.since <= minor:
                found = revision
        return found


def _versioned(
    allowed: Mapping[int, Collection[str]], finder: Callable[[Collection[str]], Finder]
) -> tuple[Revision, ...]:
    return tuple(Revision(since, finder(names)) for since, names in allowed.items())


_NO_SECCOMP_BASELINE = frozenset({"seccompProfile_baseline"})
_NO_CAPABILITIES_BASELINE = frozenset({"capabilities_baseline"})

#: Every PSA check of upstream Kubernetes through 1.35, by id. The sources, version by
#: version: docs/pod-security-standards.md.
CHECKS: dict[str, Check] = {
    check.id: check
    for check in (
        Check(
            "appArmorProfile", "baseline", "AppArmor", _describe_apparmor, (Revision(0, _apparmor),)
        ),
        Check(
            "capabilities_baseline",
            "baseline",
            "Capabilities",
            _describe_capabilities_baseline,
            (Revision(0, _capabilities_baseline),),
        ),
        Check(
            "hostNamespaces",
            "baseline",
            "Host Namespaces",
            _describe_host_namespaces,
            (Revision(0, _host_namespaces),),
        ),
        Check(
            "hostPathVolumes",
            "baseline",
            "HostPath Volumes",
            _describe_host_path_volumes,
            (Revision(0, _host_path_volumes),),
        ),
        Check(
            "hostPorts", "baseline", "Host Ports", _describe_host_ports, (Revision(0, _host_ports),)
        ),
        Check(
            "hostProbesAndHostLifecycle",
            "baseline",
            "Host Probes / Lifecycle Hooks",
            _describe_host_probes,
            (Revision(34, _host_probes),),
        ),
        Check(
            "privileged",
            "baseline",
            "Privileged Containers",
            _describe_privileged,
            (Revision(0, _privileged),),
        ),
        Check(
            "procMount",
            "baseline",
            "/proc Mount Type",
            _describe_proc_mount,
            (Revision(0, _proc_mount), Revision(35, _unless_user_namespace(_proc_mount))),
        ),
        Check(
            "seLinuxOptions",
            "baseline",
            "SELinux",
            _describe_selinux,
            _versioned(SELINUX_TYPES, _selinux),
        ),
        Check(
            "seccompProfile_baseline",
            "baseline",
            "Seccomp",
            _describe_seccomp,
            (
                Revision(0, _seccomp_annotations),
                Revision(19, lambda pod: _bad_profiles(pod, "seccompProfile")),
            ),
        ),
        Check("sysctls", "baseline", "Sysctls", _describe_sysctls, _versioned(SYSCTLS, _sysctls)),
        Check(
            "windowsHostProcess",
            "baseline",
            "HostProcess",
            _describe_host_process,
            (Revision(0, _host_process),),
        ),
        Check(
            "allowPrivilegeEscalation",
            "restricted",
            "Privilege Escalation",
            _describe_privilege_escalation,
            (
                Revision(8, _privilege_escalation),
                Revision(25, _unless_windows(_privilege_escalation)),
            ),
        ),
        Check(
            "capabilities_restricted",
            "restricted",
            "Capabilities",
            _describe_capabilities_restricted,
            (
                Revision(22, _capabilities_restricted, _NO_CAPABILITIES_BASELINE),
                Revision(25, _unless_windows(_capabilities_restricted), _NO_CAPABILITIES_BASELINE),
            ),
        ),
        # Restricted keeps procMount strict for pods with hostUsers: false.
        Check(
            "procMount_restricted",
            "restricted",
            "/proc Mount Type",
            _describe_proc_mount,
            (Revision(35, _proc_mount, frozenset({"procMount"})),),
        ),
        Check(
            "restrictedVolumes",
            "restricted",
            "Volume Types",
            _describe_restricted_volumes,
            (Revision(0, _restricted_volumes, frozenset({"hostPathVolumes"})),),
        ),
        Check(
            "runAsNonRoot",
            "restricted",
            "Running as Non-root",
            _describe_run_as_non_root,
            (Revision(0, _run_as_non_root), Revision(35, _unless_user_namespace(_run_as_non_root))),
        ),
        Check(
            "runAsUser",
            "restricted",
            "Running as Non-root user",
            _describe_run_as_user,
            (Revision(23, _run_as_user), Revision(35, _unless_user_namespace(_run_as_user))),
        ),
        Check(
            "seccompProfile_restricted",
            "restricted",
            "Seccomp",
            _describe_seccomp,
            (
                Revision(19, _seccomp_restricted, _NO_SECCOMP_BASELINE),
                Revision(25, _unless_windows(_seccomp_restricted), _NO_SECCOMP_BASELINE),
            ),
        ),
    )
}


@functools.cache  # a handful of (level, version) pairs, asked for every pod of a run
def checks_at(level: str, minor: int) -> tuple[tuple[Check, Revision], ...]:
    """The checks PSA runs for ``level`` at policy version 1.``minor`` (already clamped),
    in PSA's order: baseline ids sorted, then restricted ids sorted. Restricted is
    baseline, less what its revisions in force override, plus its own."""
    if level not in ("baseline", "restricted"):
        return ()
    active = [
        (check, revision)
        for check in CHECKS.values()
        if (revision := check.at(minor)) is not None
        and (check.level == "baseline" or level == "restricted")
    ]
    overridden = {
        name
        for check, revision in active
        if check.level == "restricted"
        for name in revision.overrides
    }
    kept = [(check, revision) for check, revision in active if check.id not in overridden]
    return tuple(sorted(kept, key=lambda item: (item[0].level != "baseline", item[0].id)))


def evaluate_pod(
    pod: Pod, level: str, minor: int, only: Collection[str] | None = None
) -> list[CheckResult]:
    """PSA's verdict on ``pod``: one result per failed check (of ``only``, when given)."""
    results = []
    for check, revision in checks_at(level, minor):
        if only is not None and check.id not in only:
            continue
        atoms = revision.find(pod)
        if not atoms:
            continue
        reason, detail = check.describe(atoms)
        spots: dict[Path, list[Atom]] = {}
        for atom in atoms:
            spots.setdefault(atom.path, []).append(atom)
        results.append(
            CheckResult(
                check.id,
                check.control,
                check.level,
                reason,
                detail,
                tuple(Spot(path, *check.describe(group)) for path, group in spots.items()),
            )
        )
    return results


def evaluate(
    obj: Manifest, level: str, minor: int, only: Collection[str] | None = None
) -> list[CheckResult]:
    """PSA's verdict on the pod (or pod template) of ``obj`` at ``level`` and policy
    version 1.``minor`` (see ``policy_minor``); [] for objects without one."""
    pod = Pod.of(obj)
    return [] if pod is None else evaluate_pod(pod, level, minor, only)


def highest_level(obj: Manifest, minor: int) -> str | None:
    """The strictest level the pod of ``obj`` meets at policy version 1.``minor``; None
    for objects without a pod spec."""
    pod = Pod.of(obj)
    if pod is None:
        return None
    if _meets(pod, "restricted", minor):
        return "restricted"
    return "baseline" if _meets(pod, "baseline", minor) else "privileged"


def _meets(pod: Pod, level: str, minor: int) -> bool:
    """``evaluate_pod(pod, level, minor) == []``, without describing what fails: every
    workload of a run asks (reports list its level)."""
    return not any(revision.find(pod) for _, revision in checks_at(level, minor))


# -- versions ---------------------------------------------------------------------------
def parse_version(text: str) -> int | None:
    """``latest`` -> -1, ``v1.33`` (or ``1.33``) -> 33; None when it is neither."""
    if text == "latest":
        return -1
    match = _VERSION.match(text)
    return int(match.group(1)) if match else None


def policy_minor(parsed: int, target: str) -> int:
    """The policy version a cluster of Kubernetes ``target`` ("1.33") evaluates for a
    parsed version (-1: latest): versions above its newest revision mean the newest, as
    in PSA, and the cluster's newest is at most its own version."""
    newest = min(version_minor(target), NEWEST_POLICY_MINOR)
    return newest if parsed < 0 else min(parsed, newest)


def pinned_minor(version: str | None, target: str) -> int:
    """The policy version evaluated for a pinned ``version`` (``v1.33``, ``latest``; None:
    the target's) on a cluster of Kubernetes ``target``."""
    parsed = parse_version(version) if version else None
    return policy_minor(-1 if parsed is None else parsed, target)


def level_version(level: str, version: str) -> str:
    """How PSA names a policy: ``restricted:v1.33``, ``baseline:latest``."""
    return f"{level}:{version}"


# -- namespace labels -------------------------------------------------------------------
LABEL_PREFIX = "pod-security.kubernetes.io/"
#: PSA's modes, strongest first.
MODES = ("enforce", "warn", "audit")
_LABEL_VERSION = lazy_compile(r"v1\.(0|[1-9][0-9]*)\Z")


class Policy(NamedTuple):
    """What a namespace asks of its pods in one mode: the level, the version as the label
    writes it (``latest``, ``v1.33``) and its minor (-1 for latest)."""

    mode: str
    level: str
    version: str
    parsed: int

    @property
    def name(self) -> str:
        return level_version(self.level, self.version)


def namespace_policies(labels: Mapping[str, Any]) -> tuple[list[Policy], list[tuple[str, str]]]:
    """The policies of a namespace's ``pod-security.kubernetes.io/*`` labels (modes at
    privileged, which check nothing, left out) and the invalid labels with the API
    server's message. Like PSA, an invalid ``enforce`` level fails closed (restricted),
    an invalid ``warn`` or ``audit`` level open (privileged), an invalid version is
    ``latest``; a missing level is privileged, a missing version ``latest``."""
    policies = []
    errors = []
    for mode in MODES:
        key = LABEL_PREFIX + mode
        level = "privileged"
        if key in labels:
            text = _label_text(labels[key])
            if text in LEVELS:
                level = text
            else:
                errors.append(
                    (
                        key,
                        f"metadata.labels[{key}]: Invalid value: {go_quote(text)}:"
                        " must be one of privileged, baseline, restricted",
                    )
                )
                level = "restricted" if mode == "enforce" else "privileged"
        version, parsed = "latest", -1
        if key + "-version" in labels:
            text = _label_text(labels[key + "-version"])
            match = _LABEL_VERSION.match(text)
            if text == "latest" or match:
                version, parsed = text, int(match.group(1)) if match else -1
            else:
                errors.append(
                    (
                        key + "-version",
                        f"metadata.labels[{key}-version]: Invalid value:"
                        f' {go_quote(text)}: must be "latest" or "v1.x"',
                    )
                )
        if level != "privileged":
            policies.append(Policy(mode, level, version, parsed))
    return policies, errors


def _label_text(value: Any) -> str:
    """A label value as the API server would read it (YAML may have made it a bool or
    a number; the label rules report that)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


# -- the rules --------------------------------------------------------------------------
class Control(NamedTuple):
    """A PSS control (a row of the docs' tables) and the PSA checks that implement it."""

    name: str
    checks: frozenset[str]
    #: The level its rule checks when no option says: the level whose table lists it.
    level: str


#: The rules of the ``pss-*`` family, one per PSS control.
CONTROLS: dict[str, Control] = {
    rule_id: Control(name, frozenset(checks), level)
    for rule_id, name, level, checks in (
        ("pss-host-process", "HostProcess", "baseline", ["windowsHostProcess"]),
        ("pss-host-namespaces", "Host Namespaces", "baseline", ["hostNamespaces"]),
        ("pss-privileged-containers", "Privileged Containers", "baseline", ["privileged"]),
        (
            "pss-capabilities",
            "Capabilities",
            "baseline",
            ["capabilities_baseline", "capabilities_restricted"],
        ),
        ("pss-host-path-volumes", "HostPath Volumes", "baseline", ["hostPathVolumes"]),
        ("pss-host-ports", "Host Ports", "baseline", ["hostPorts"]),
        (
            "pss-host-probes",
            "Host Probes / Lifecycle Hooks",
            "baseline",
            ["hostProbesAndHostLifecycle"],
        ),
        ("pss-apparmor", "AppArmor", "baseline", ["appArmorProfile"]),
        ("pss-selinux", "SELinux", "baseline", ["seLinuxOptions"]),
        (
            "pss-proc-mount-type",
            "/proc Mount Type",
            "baseline",
            ["procMount", "procMount_restricted"],
        ),
        (
            "pss-seccomp",
            "Seccomp",
            "baseline",
            ["seccompProfile_baseline", "seccompProfile_restricted"],
        ),
        ("pss-sysctls", "Sysctls", "baseline", ["sysctls"]),
        ("pss-volume-types", "Volume Types", "restricted", ["restrictedVolumes"]),
        (
            "pss-privilege-escalation",
            "Privilege Escalation",
            "restricted",
            ["allowPrivilegeEscalation"],
        ),
        ("pss-running-as-non-root", "Running as Non-root", "restricted", ["runAsNonRoot"]),
        ("pss-running-as-non-root-user", "Running as Non-root user", "restricted", ["runAsUser"]),
    )
}


def profile(level: str) -> dict[str, dict[str, str]]:
    """The rules (and their options) that check ``level``: every control of the level's
    table. At restricted, ``pss-host-path-volumes`` checks nothing (Volume Types replaces
    it, as in PSA) and is left out."""
    if level == "baseline":
        return {
            rule_id: {"level": "baseline"}
            for rule_id, control in CONTROLS.items()
            if control.level == "baseline"
        }
    return {
        rule_id: ({"level": "restricted"} if control.level == "baseline" else {})
        for rule_id, control in CONTROLS.items()
        if rule_id != "pss-host-path-volumes"
    }


VERSION_OPTION = {
    "type": ["string", "null"],
    "pattern": r"^(latest|v?1\.(0|[1-9][0-9]*))$",
    "default": None,
    "description": 'the policy version, as PSA\'s enforce-version label: "latest" or'
    ' "v1.N" (null: the target Kubernetes version)',
}


def rule_options(control: str) -> dict[str, Any]:
    """The options schema of a ``pss-*`` rule: ``version``, and ``level`` for the
    controls of the baseline table (restricted includes them)."""
    if CONTROLS[control].level == "restricted":
        return {"version": VERSION_OPTION}
    return {
        "level": {
            "enum": ["baseline", "restricted"],
            "default": "baseline",
            "description": "the level whose checks run (they differ for"
            " Capabilities, Seccomp, /proc Mount Type and"
            " HostPath Volumes)",
        },
        "version": VERSION_OPTION,
    }


def control_violations(obj: Manifest, ctx: RuleContext, control: str) -> Iterator[Violation]:
    """What the rule of ``control`` reports on ``obj``: each place to edit, with PSA's
    warning for it (``would violate PodSecurity "restricted:v1.35": …``)."""
    spec = CONTROLS[control]
    level = ctx.options.get("level") or spec.level
    option = ctx.options.get("version")
    version = option if isinstance(option, str) else f"v{ctx.kubernetes_version}"
    parsed = parse_version(version)
    if parsed is None or level not in LEVELS:
        return  # the options schema rejects these
    named = level_version(level, version if version == "latest" else f"v1.{parsed}")
    for result in evaluate(obj, level, policy_minor(parsed, ctx.kubernetes_version), spec.checks):
        for spot in result.spots:
            yield ctx.violation(spot.path, f'would violate PodSecurity "{named}": {spot.message}')
