"""## What it does
Reports a `hostPath` volume that mounts a single file of the node, judging by its path
(a socket such as `/var/run/docker.sock`, a `*.conf`, `*.crt`, `*.pem`, `*.json`,
`*.yaml`, `*.lock` file, `/etc/localtime`, `/etc/hosts`, ...), without a `type`.

A path that does not look like a file (`/var/log`, `/var/lib/kubelet/plugins/csi.example.io`)
is not reported, nor a volume with any `type`.

## Why is this bad?
Without a `type` (the empty default) the kubelet checks nothing before mounting. When
the file is there, all is well; when it is not (the node runs containerd and has no
`/var/run/docker.sock`, its distribution keeps the CA bundle as `ca-certificates.crt`
rather than `ca-bundle.crt`), the container runtime creates an empty **directory** at that
path on the node and mounts it. The container then finds a directory where it expected a
file and fails in a confusing way, and the stray directory stays on the node, where it
blocks the real file later: a Docker daemon installed afterwards cannot create its socket.

With `type: File` (or `Socket`, `CharDevice`, `BlockDevice`) the kubelet refuses to start
the pod with a clear event (`hostPath type check failed: ... is not a file`), and with
`FileOrCreate` it creates an empty file, not a directory.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: cluster-autoscaler
spec:
  selector:
    matchLabels: {app: cluster-autoscaler}
  template:
    metadata:
      labels: {app: cluster-autoscaler}
    spec:
      containers:
        - name: cluster-autoscaler
          image: registry.k8s.io/autoscaling/cluster-autoscaler:v1.31.0
          volumeMounts:
            - {name: ssl-certs, mountPath: /etc/ssl/certs/ca-certificates.crt, readOnly: true}
      volumes:
        - name: ssl-certs
          hostPath:
            path: /etc/ssl/certs/ca-bundle.crt
```

## Use instead
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: cluster-autoscaler
spec:
  selector:
    matchLabels: {app: cluster-autoscaler}
  template:
    metadata:
      labels: {app: cluster-autoscaler}
    spec:
      containers:
        - name: cluster-autoscaler
          image: registry.k8s.io/autoscaling/cluster-autoscaler:v1.31.0
          volumeMounts:
            - {name: ssl-certs, mountPath: /etc/ssl/certs/ca-certificates.crt, readOnly: true}
      volumes:
        - name: ssl-certs
          hostPath:
            path: /etc/ssl/certs/ca-bundle.crt
            type: File
```

## References
- https://kubernetes.io/docs/concepts/storage/volumes/#hostpath-volume-types
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint.api import (
    POD_SPEC_KINDS,
    Manifest,
    RuleContext,
    Violation,
    looks_like_file,
    normalise_host_path,
    rule,
)


def _suggested(path: str) -> str:
    if path.endswith((".sock", ".socket")):
        return "Socket"
    if path.endswith(".lock"):
        return "FileOrCreate"  # a lock file is the pod's to create
    return "File"


@rule(
    id="hostpath-file-type-missing",
    severity="warning",
    kinds=POD_SPEC_KINDS,
    summary="a hostPath volume mounts a single file without a type",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec_path = obj.pod_spec_path()
    spec = obj.pod_spec()
    if spec_path is None or spec is None:
        return
    volumes = spec.get("volumes")
    if not isinstance(volumes, list):
        return
    for index, volume in enumerate(volumes):
        if not isinstance(volume, Mapping):
            continue
        host_path = volume.get("hostPath")
        if not isinstance(host_path, Mapping) or host_path.get("type") not in (None, ""):
            continue
        raw = host_path.get("path")
        normal = normalise_host_path(raw) if isinstance(raw, str) else None
        if normal is None or not looks_like_file(normal):
            continue
        name = volume.get("name")
        which = f"volume {name!r}" if isinstance(name, str) and name else f"volume #{index}"
        where = (
            *spec_path,
            "volumes",
            index,
            "hostPath",
            "type" if "type" in host_path else "path",
        )
        yield ctx.violation(
            where,
            f"{which} mounts the node's file {raw!r} without a type:"
            " where it is missing, the container runtime creates an"
            " empty directory in its place and mounts that; set type:"
            f" {_suggested(normal)}",
        )
