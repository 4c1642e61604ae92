"""## What it does
Reports a `hostPath` volume whose path is, or is under, a sensitive location of the node:

`/` (only itself), `/etc`, `/proc`, `/sys`, `/dev`, `/boot`, `/root`, `/var/run`, `/run`,
`/var/lib/kubelet`, `/var/lib/docker`, `/var/lib/containerd`, `/etc/kubernetes`, and the
container runtime sockets `/var/run/docker.sock`, `/run/containerd/containerd.sock`,
`/var/run/crio/crio.sock`.

A directory that *contains* one of them (`/var`, `/var/lib`, `/run/containerd`) is
reported too: mounting it exposes what is inside. Paths are normalised first (`//`,
trailing slashes, `.` and `..`), so `/etc/../var/run/` counts as `/var/run`. The option
`extra-paths` adds locations of your own (e.g. `/opt/secrets`).

`hostpath-volume` reports every `hostPath` volume as a portability problem; this rule is the
security check, reported even when `hostpath-volume` is silenced for a node agent.

## Why is this bad?
These paths are the node's control surfaces. The container runtime socket gives whoever
can write to it the power to start a privileged container on the node: root on the node,
in one API call. `/var/lib/kubelet` holds the Secrets and service account tokens of every
pod on the node, `/etc/kubernetes` the kubelet's credentials and static pod manifests,
`/etc` the node's users, sudoers and cron; `/proc`, `/sys` and `/dev` reach kernel
settings, other processes and the raw disks; `/boot` and `/root` speak for themselves. A
read-only mount still leaks the secrets and, for a socket, still lets the container talk
to the runtime. The Pod Security Standards forbid `hostPath` from the *baseline* level up.
The source notes (004, "存储") also warn that `HostPath` is unfit for production.

Node agents that genuinely need one of these (a CSI driver under `/var/lib/kubelet`, a
node exporter reading `/proc`) should be reviewed and silenced with the annotation
`kubelint.io/ignore: sensitive-host-mount`.

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
  sensitive; they and everything under them are reported.

## References
- https://kubernetes.io/docs/concepts/storage/volumes/#hostpath
- https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
- Source notes 004 (存储: "HostPath ... 不推荐用于生产环境")
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping

from kubelint.api import POD_SPEC_KINDS, Manifest, RuleContext, Violation, rule

SENSITIVE = (
    "/etc", "/proc", "/sys", "/dev", "/boot", "/root", "/var/run", "/run",
    "/var/lib/kubelet", "/var/lib/docker", "/var/lib/containerd", "/var/run/docker.sock",
    "/run/containerd/containerd.sock", "/var/run/crio/crio.sock", "/etc/kubernetes",
)


def normalise(path: str) -> str | None:
    """An absolute POSIX path without ``//``, ``.``, ``..`` or a trailing slash; None for
    anything that is not an absolute POSIX path (a Windows path, a relative one)."""
    if not path.startswith("/"):
        return None
    return posixpath.normpath(re.sub(r"/+", "/", path))


def _match(path: str, locations: list[str]) -> tuple[str, str] | None:
    """(how, location) when ``path`` is, is under, or contains a sensitive location."""
    if path == "/" or path in locations:
        return ("is", path)
    under = [location for location in locations if path.startswith(location + "/")]
    if under:
        return ("is under", max(under, key=len))
    for location in locations:
        if location.startswith(path + "/"):
            return ("contains", location)
    return None


@rule(id="sensitive-host-mount", severity="error", kinds=POD_SPEC_KINDS,
      summary="a hostPath volume mounts a sensitive location of the node",
      options={"extra-paths": {
          "type": "array", "items": {"type": "string"}, "default": [],
          "description": "further absolute node paths to treat as sensitive (they and"
                         " everything under them)"}})
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec_path = obj.pod_spec_path()
    spec = obj.pod_spec()
    if spec_path is None or spec is None:
        return
    volumes = spec.get("volumes")
    if not isinstance(volumes, list):
        return
    locations = list(SENSITIVE)
    extra = ctx.options.get("extra-paths")
    for item in extra if isinstance(extra, list) else []:
        normal = normalise(item) if isinstance(item, str) else None
        if normal and normal != "/" and normal not in locations:
            locations.append(normal)
    for index, volume in enumerate(volumes):
        if not isinstance(volume, Mapping):
            continue
        host_path = volume.get("hostPath")
        if not isinstance(host_path, Mapping):
            continue
        raw = host_path.get("path")
        normal = normalise(raw) if isinstance(raw, str) else None
        if normal is None:
            continue
        found = _match(normal, locations)
        if found is None:
            continue
        how, location = found
        name = volume.get("name")
        which = f"volume {name!r}" if isinstance(name, str) and name else f"volume #{index}"
        shown = repr(raw) if normal == raw else f"{raw!r} ({normal})"
        where = "is a sensitive location" if how == "is" else f"{how} {location}"
        yield ctx.violation((*spec_path, "volumes", index, "hostPath", "path"),
                            f"{which} mounts host path {shown}, which {where} of the node:"
                            " a container there can read node secrets or take over the node")
