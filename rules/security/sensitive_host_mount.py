"""## What it does
Reports a `hostPath` volume that reaches a sensitive location of the node, at a severity
that says what the pod can do with it:

- **error**, the pod can take over the node:
  - the container runtime's socket (`/var/run/docker.sock`, `/run/containerd/containerd.sock`,
    `/var/run/crio/crio.sock`, and any `docker.sock`, `containerd.sock`, `crio.sock`,
    `cri-dockerd.sock` or `podman.sock`), writable or read-only: `readOnly` does not stop
    a process from connecting to a socket;
  - a directory that contains such a socket (`/`, `/run`, `/var/run`, `/run/containerd`),
    even read-only, unless every container that mounts it runs as non-root
    (`runAsNonRoot: true` or a non-zero `runAsUser`, which keeps it off the root-owned
    socket): then a warning;
  - a writable mount of `/`, `/etc`, `/etc/kubernetes`, `/root`, `/boot`, `/proc`, `/sys`,
    `/run`, `/var/lib/kubelet` or the runtime's state (`/var/lib/docker`,
    `/var/lib/containerd`, `/var/lib/containers`), of anything under them, or of a
    directory that contains them (`/var`, `/var/lib`);
- **warning**, the pod can read the node's secrets or disturb it: read-only mounts of
  `/etc` (outside the public files below), `/etc/kubernetes`, `/root`,
  `/var/lib/kubelet` and the runtime's state; the kubelet's plugin registration
  directories (`/var/lib/kubelet/plugins_registry`, `/var/lib/kubelet/device-plugins`,
  `/var/lib/kubelet/plugins`) in any mode; a writable `/dev`; a writable single file
  under `/etc`, `/root`, `/var/lib/kubelet` or the runtime's state;
- **info**, the pod reads what a node agent reads: read-only `/proc`, `/sys`, `/boot`,
  `/dev` and `/run` (a node exporter's mounts), and single files under `/run` or `/dev`
  (`/run/xtables.lock`).

Not reported: read-only mounts of the node's public files (the CA bundles under
`/etc/ssl/certs`, `/etc/pki/ca-trust`, `/etc/pki/tls/certs`, `/etc/ca-certificates`;
`/etc/localtime`, `/etc/timezone`, `/etc/hosts`, `/etc/resolv.conf`, `/etc/os-release`,
`/etc/machine-id`, `/etc/passwd`, `/etc/group`), a CSI driver's own socket directory under
`/var/lib/kubelet/plugins/`, paths outside these locations, and volumes no container
mounts.

A volume is writable when any container or init container mounts it without
`readOnly: true`. Whether it is a single file comes from its `type` (`File`,
`FileOrCreate`, `Socket`, `CharDevice`, `BlockDevice`) or, without one, from the path's
shape (`*.sock`, `*.conf`, `*.crt`, `/etc/localtime`, ...). Paths are normalised first
(`//`, trailing slashes, `.` and `..`), and `/var/run` is read as `/run`, which it is a
link to on current distributions. The option `extra-paths` adds locations of your own
(e.g. `/opt/secrets`), reported as errors in any mode.

`hostpath-volume` reports every `hostPath` volume as a portability problem and
`writable-host-mount` every writable one; this rule is the security check, reported even
when `hostpath-volume` is silenced for a node agent.

## Why is this bad?
These paths are the node's control surfaces. The container runtime socket gives whoever
can connect to it the power to start a privileged container on the node: root on the
node, in one API call. Writing to `/etc/kubernetes/manifests` makes the kubelet run a
static pod of your choosing; writing to `/etc` adds users, sudoers entries or cron jobs;
writing `/proc/sys/kernel/core_pattern` runs a program as root on the node; writing to
`/var/lib/kubelet` changes other pods' volumes. Reading is less, but not nothing:
`/var/lib/kubelet` holds the Secrets and service account tokens of every pod on the node,
`/etc/kubernetes` and `/root` the kubelet's and the administrators' credentials, and
`/etc` the password hashes. A read-only `/proc` or `/sys` exposes command lines and
kernel settings, which node exporters need and which rarely hold secrets. The Pod
Security Standards forbid `hostPath` from the *baseline* level up. The source notes (004,
"存储") also warn that `HostPath` is unfit for production.

Node agents that genuinely need one of these (a CSI driver under `/var/lib/kubelet`, a
monitoring agent that talks to the runtime) should be reviewed and silenced with the
annotation `kubelint.io/ignore: sensitive-host-mount`.

## Example
```yaml
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: builder
spec:
  selector:
    matchLabels: {app: builder}
  template:
    metadata:
      labels: {app: builder}
    spec:
      containers:
        - name: builder
          image: registry.example.com/builder:1.2
          volumeMounts:
            - {name: docker, mountPath: /var/run/docker.sock}
      volumes:
        - name: docker
          hostPath:
            path: /var/run/docker.sock
            type: Socket
```

## Use instead
```yaml
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: builder
spec:
  selector:
    matchLabels: {app: builder}
  template:
    metadata:
      labels: {app: builder}
    spec:
      containers:
        - name: builder
          image: registry.example.com/buildkit:0.15
          volumeMounts:
            - {name: cache, mountPath: /var/lib/buildkit}
      volumes:
        - name: cache
          emptyDir: {}
```

## Options
- `extra-paths` (list of strings, default `[]`): further absolute node paths to treat as
  sensitive; they, everything under them and directories containing them are reported as
  errors, read-only or not.

## References
- https://kubernetes.io/docs/concepts/storage/volumes/#hostpath
- https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
- Source notes 004 (存储: "HostPath ... 不推荐用于生产环境")
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from kubelint.api import (
    POD_SPEC_KINDS,
    Manifest,
    RuleContext,
    Violation,
    effective_security_context,
    host_path_is_file,
    normalise_host_path,
    rule,
)

TAKEOVER = ", and so take over the node"


class Location(NamedTuple):
    """A sensitive place of the node and what a pod can do with it."""

    path: str
    holds: str
    read: str | None  # severity of a read-only mount (None: not reported)
    read_effect: str
    write: str  # severity of a writable mount
    write_effect: str
    write_file: str  # severity of a writable single file below it


_RUNTIME_STATE = (
    "the container runtime's state, every container's files",
    "warning",
    "a container there can read every container's files",
    "error",
    "a container there can change every container's files" + TAKEOVER,
    "warning",
)
LOCATIONS = [
    Location(
        "/etc",
        "the node's configuration (users, password hashes, sudoers, cron)",
        "warning",
        "a container there can read the node's password hashes and credentials",
        "error",
        "a container there can add users, cron jobs or kubelet settings" + TAKEOVER,
        "warning",
    ),
    Location(
        "/etc/kubernetes",
        "the kubelet's credentials and static pod manifests",
        "warning",
        "a container there can read the kubelet's credentials",
        "error",
        "a container there can add a static pod that the kubelet runs" + TAKEOVER,
        "error",
    ),
    Location(
        "/root",
        "root's home (SSH keys, kubeconfigs)",
        "warning",
        "a container there can read root's SSH keys and kubeconfigs",
        "error",
        "a container there can add SSH keys for root" + TAKEOVER,
        "warning",
    ),
    Location(
        "/var/lib/kubelet",
        "the kubelet's state, with every pod's volumes, Secrets and service account tokens",
        "warning",
        "a container there can read every pod's Secrets and tokens on the node",
        "error",
        "a container there can change other pods' volumes and the kubelet's state" + TAKEOVER,
        "warning",
    ),
    Location("/var/lib/docker", *_RUNTIME_STATE),
    Location("/var/lib/containerd", *_RUNTIME_STATE),
    Location("/var/lib/containers", *_RUNTIME_STATE),
    Location(
        "/boot",
        "the node's kernel and boot loader",
        "info",
        "a container there can read the node's kernel images",
        "error",
        "a container there can replace the kernel the node boots" + TAKEOVER,
        "error",
    ),
    Location(
        "/proc",
        "every process of the node and the kernel's settings",
        "info",
        "a container there can read every process's command line and the kernel's settings",
        "error",
        "a container there can change kernel settings such as kernel.core_pattern" + TAKEOVER,
        "error",
    ),
    Location(
        "/sys",
        "the kernel's and the devices' settings",
        "info",
        "a container there can read kernel and device settings",
        "error",
        "a container there can change kernel and device settings" + TAKEOVER,
        "error",
    ),
    Location(
        "/dev",
        "the node's devices",
        "info",
        "a container there sees the node's"
        " device nodes; opening them is up to the device cgroup, which only a"
        " privileged container bypasses",
        "warning",
        "a container there can create and delete the node's device nodes",
        "info",
    ),
    Location(
        "/run",
        "the runtime state and control sockets of the node's services",
        "info",
        "a container there can read the runtime state of the node's services",
        "error",
        "a container there can plant state and sockets that the"
        " node's services, running as root, trust" + TAKEOVER,
        "info",
    ),
]
_PLUGINS = (
    "the kubelet's plugin registration sockets",
    "warning",
    "a container there can"
    " register CSI or device plugins that the kubelet trusts (readOnly does not"
    " stop a socket connection)",
    "warning",
    "a container there can register CSI or device plugins that the kubelet trusts",
    "warning",
)
LOCATIONS += [
    Location(path, *_PLUGINS)
    for path in (
        "/var/lib/kubelet/plugins_registry",
        "/var/lib/kubelet/device-plugins",
        "/var/lib/kubelet/plugins",
    )
]

#: Where the container runtimes keep their sockets (``/var/run`` read as ``/run``).
RUNTIME_SOCKETS = (
    "/run/containerd/containerd.sock",
    "/run/crio/crio.sock",
    "/run/docker.sock",
    "/run/cri-dockerd.sock",
    "/run/dockershim.sock",
    "/run/podman/podman.sock",
    "/run/k3s/containerd/containerd.sock",
)
RUNTIME_SOCKET_NAMES = frozenset(
    {
        "docker.sock",
        "containerd.sock",
        "crio.sock",
        "cri-dockerd.sock",
        "dockershim.sock",
        "podman.sock",
    }
)
#: Files every user of the node may read: nothing to protect from a read-only mount.
PUBLIC = (
    "/etc/ssl/certs",
    "/etc/ssl/cert.pem",
    "/etc/pki/ca-trust",
    "/etc/pki/tls/certs",
    "/etc/pki/tls/cert.pem",
    "/etc/ca-certificates",
    "/etc/ca-certificates.conf",
    "/etc/localtime",
    "/etc/timezone",
    "/etc/hosts",
    "/etc/hostname",
    "/etc/resolv.conf",
    "/etc/os-release",
    "/etc/machine-id",
    "/etc/passwd",
    "/etc/group",
    "/etc/nsswitch.conf",
)
#: A CSI driver's own socket directory (/var/lib/kubelet/plugins/<driver>).
DRIVER_DIRECTORIES = "/var/lib/kubelet/plugins"

_RANK = {"info": 0, "warning": 1, "error": 2}


def canonical(path: str) -> str:
    """``/var/run`` is a link to ``/run`` on current distributions."""
    if path == "/var/run" or path.startswith("/var/run/"):
        return "/run" + path[len("/var/run") :]
    return path


def _under(path: str, location: str) -> bool:
    return location == "/" or path.startswith(location + "/")


def _is_socket(path: str, host_path_type: Any) -> bool:
    name = path.rpartition("/")[2]
    return path in RUNTIME_SOCKETS or (
        name in RUNTIME_SOCKET_NAMES and host_path_type in (None, "", "Socket", "File")
    )


def _mounts(spec: Mapping[str, Any], obj: Manifest, name: str) -> tuple[bool, bool, bool]:
    """(mounted, writable, all non-root) for the volume ``name``: writable when a container
    mounts it without readOnly: true; non-root when every container that mounts it has
    runAsNonRoot: true or a non-zero runAsUser (its own or the pod's)."""
    mounted = writable = False
    non_root = True
    for ref in obj.containers(include_init=True):
        mounts = ref.container.get("volumeMounts")
        if not isinstance(mounts, list):
            continue
        uses = [
            mount for mount in mounts if isinstance(mount, Mapping) and mount.get("name") == name
        ]
        if not uses:
            continue
        mounted = True
        writable = writable or any(mount.get("readOnly") is not True for mount in uses)
        sc = effective_security_context(spec, ref.container)
        uid = sc.get("runAsUser")
        if not (
            (isinstance(uid, int) and not isinstance(uid, bool) and uid > 0)
            or (uid is None and sc.get("runAsNonRoot") is True)
        ):
            non_root = False
    return mounted, writable, non_root


class Verdict(NamedTuple):
    severity: str
    message: str


def _judge(
    path: str,
    is_file: bool,
    writable: bool,
    non_root: bool,
    locations: Sequence[Location],
    host_path_type: Any,
) -> Verdict | None:
    """How bad a mount of ``path`` (canonical) is, and why; None when it is harmless."""
    mode = "writable" if writable else "read-only"
    if _is_socket(path, host_path_type):
        return Verdict(
            "error",
            f"{mode}; it is the container runtime's socket: through it"
            " the container can start privileged containers"
            + TAKEOVER
            + " (readOnly does not stop a socket connection)",
        )
    if not writable and any(path == public or path.startswith(public + "/") for public in PUBLIC):
        return None
    if path.startswith(DRIVER_DIRECTORIES + "/"):
        return None
    within = [loc for loc in locations if path == loc.path or _under(path, loc.path)]
    verdict: Verdict | None = None
    if within:
        loc = max(within, key=lambda loc: len(loc.path))
        if not writable and loc.read is None:
            return None
        verdict = _inside(path, is_file, writable, mode, loc)
    elif path == "/":
        verdict = _whole_filesystem(writable)
    elif not is_file:
        verdict = _around(path, writable, mode, locations)
    if not writable and not is_file:
        return _runtime_socket_below(path, non_root, verdict) or verdict
    return verdict


def _inside(path: str, is_file: bool, writable: bool, mode: str, loc: Location) -> Verdict:
    """A mount of ``loc`` itself or of a path under it (read-only ones reported)."""
    how = "is" if path == loc.path else "is under"
    single_file = is_file and path != loc.path
    if writable and single_file:
        severity = loc.write_file
        effect = "a container there can change that file of the node" + (
            TAKEOVER if severity == "error" else ""
        )
    elif writable:
        severity, effect = loc.write, loc.write_effect
    else:
        assert loc.read is not None  # _judge returns before
        severity = loc.read
        effect = (
            "a container there can read that file of the node" if single_file else loc.read_effect
        )
    return Verdict(severity, f"{mode}; it {how} {loc.path}, {loc.holds}: {effect}")


def _whole_filesystem(writable: bool) -> Verdict:
    if writable:
        return Verdict(
            "error",
            "writable; it is the node's whole filesystem: a container"
            " there can change any file of the node" + TAKEOVER,
        )
    return Verdict(
        "warning",
        "read-only; it is the node's whole filesystem: a"
        " container there can read the node's credentials and"
        " every pod's Secrets on it",
    )


def _around(path: str, writable: bool, mode: str, locations: Sequence[Location]) -> Verdict | None:
    """A directory that contains sensitive locations: the worst of them; None if none."""
    contained = [loc for loc in locations if _under(loc.path, path)]
    if not contained:
        return None

    def rank(loc: Location) -> int:
        return _RANK[loc.write if writable else loc.read or "info"]

    loc = max(contained, key=rank)
    severity = loc.write if writable else loc.read or "info"
    effect = loc.write_effect if writable else loc.read_effect
    return Verdict(severity, f"{mode}; it contains {loc.path}, {loc.holds}: {effect}")


def _runtime_socket_below(path: str, non_root: bool, verdict: Verdict | None) -> Verdict | None:
    """A read-only directory holding a runtime socket, unless ``verdict`` (what the
    directory is otherwise) is an error already: None when neither."""
    sockets = [socket for socket in RUNTIME_SOCKETS if _under(socket, path)]
    if not sockets or (verdict is not None and verdict.severity == "error"):
        return None
    socket = sockets[0] + (" among others" if len(sockets) > 1 else "")
    if non_root:
        return Verdict(
            "warning" if verdict is None or verdict.severity == "info" else verdict.severity,
            f"read-only; it contains the container runtime's socket"
            f" ({socket}), but every container that mounts it runs as"
            " non-root, which keeps it off the root-owned socket; it can"
            " still read whatever the node lets any user read",
        )
    return Verdict(
        "error",
        f"read-only; it contains the container runtime's socket"
        f" ({socket}), which a read-only mount does not protect:"
        " a container running as root there can start privileged"
        " containers" + TAKEOVER,
    )


@rule(
    id="sensitive-host-mount",
    severity="error",
    kinds=POD_SPEC_KINDS,
    summary="a hostPath volume exposes a sensitive location of the node",
    options={
        "extra-paths": {
            "type": "array",
            "items": {"type": "string"},
            "default": [],
            "description": "further absolute node paths to treat as sensitive (they,"
            " everything under them and directories containing them)",
        }
    },
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec_path = obj.pod_spec_path()
    spec = obj.pod_spec()
    if spec_path is None or spec is None:
        return
    volumes = spec.get("volumes")
    if not isinstance(volumes, list):
        return
    locations = list(LOCATIONS)
    known = {loc.path for loc in locations}
    extra = ctx.options.get("extra-paths")
    for item in extra if isinstance(extra, list) else []:
        normal = normalise_host_path(item) if isinstance(item, str) else None
        if normal and normal != "/" and canonical(normal) not in known:
            known.add(canonical(normal))
            effect = "a container there can use what you marked sensitive (extra-paths)"
            locations.append(
                Location(
                    canonical(normal),
                    "a location listed in extra-paths",
                    "error",
                    effect,
                    "error",
                    effect,
                    "error",
                )
            )
    for index, volume in enumerate(volumes):
        if not isinstance(volume, Mapping):
            continue
        host_path = volume.get("hostPath")
        name = volume.get("name")
        if not isinstance(host_path, Mapping) or not isinstance(name, str):
            continue
        raw = host_path.get("path")
        normal = normalise_host_path(raw) if isinstance(raw, str) else None
        if normal is None:
            continue
        mounted, writable, non_root = _mounts(spec, obj, name)
        if not mounted:
            continue  # no container sees it
        kind = host_path.get("type")
        verdict = _judge(
            canonical(normal), host_path_is_file(normal, kind), writable, non_root, locations, kind
        )
        if verdict is None:
            continue
        shown = repr(raw) if normal == raw else f"{raw!r} ({normal})"
        yield ctx.violation(
            (*spec_path, "volumes", index, "hostPath", "path"),
            f"volume {name!r} mounts host path {shown} {verdict.message}",
            severity=verdict.severity,
        )
