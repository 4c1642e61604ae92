"""## What it does
Reports a `volumeMounts` entry of a container or init container that mounts a `hostPath`
volume without `readOnly: true`.

## Why is this bad?
A writable host mount lets the container change files of the node itself, and those
changes outlive the pod: it can plant binaries, configuration or cron jobs that the node or
the next pod on it will run, fill the node's disk, or overwrite the data of other pods that
mount the same path. If the container is compromised, a read-write host path is usually the
shortest way from the container to the node. Most uses of `hostPath` only need to read (log
shippers reading `/var/log`, node exporters reading `/proc` and `/sys`): mount those
`readOnly: true`. The source notes (001, the `hostPath` row of the volume table) point out
that what a pod writes to a host path stays on that node when the pod moves.

`readOnly: true` makes the bind mount read-only; it does not make a mounted socket (the
container runtime's) harmless. `sensitive-host-mount` reports those paths whatever the mount
mode.

## Example
```yaml
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: log-shipper
spec:
  selector:
    matchLabels: {app: log-shipper}
  template:
    metadata:
      labels: {app: log-shipper}
    spec:
      containers:
        - name: shipper
          image: registry.example.com/fluent-bit:3.1
          volumeMounts:
            - {name: logs, mountPath: /var/log}
      volumes:
        - name: logs
          hostPath: {path: /var/log}
```

## Use instead
```yaml
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: log-shipper
spec:
  selector:
    matchLabels: {app: log-shipper}
  template:
    metadata:
      labels: {app: log-shipper}
    spec:
      containers:
        - name: shipper
          image: registry.example.com/fluent-bit:3.1
          volumeMounts:
            - {name: logs, mountPath: /var/log, readOnly: true}
      volumes:
        - name: logs
          hostPath: {path: /var/log}
```

## References
- https://kubernetes.io/docs/concepts/storage/volumes/#hostpath
- https://kubernetes.io/docs/concepts/security/pod-security-standards/
- Source notes 001 (有哪些存储卷，作用分别是什么？, the hostPath row)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint.api import POD_SPEC_KINDS, Manifest, RuleContext, Violation, rule


@rule(
    id="writable-host-mount",
    severity="warning",
    kinds=POD_SPEC_KINDS,
    summary="a hostPath volume is mounted writable",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec = obj.pod_spec()
    if spec is None:
        return
    volumes = spec.get("volumes")
    if not isinstance(volumes, list):
        return
    host_paths: dict[str, str] = {}
    for volume in volumes:
        if isinstance(volume, Mapping) and isinstance(volume.get("hostPath"), Mapping):
            name = volume.get("name")
            path = volume["hostPath"].get("path")
            if isinstance(name, str) and name:
                host_paths[name] = path if isinstance(path, str) else "?"
    if not host_paths:
        return
    for ref in obj.containers(include_init=True):
        mounts = ref.container.get("volumeMounts")
        if not isinstance(mounts, list):
            continue
        for index, mount in enumerate(mounts):
            if not isinstance(mount, Mapping):
                continue
            name = mount.get("name")
            read_only = mount.get("readOnly")
            if (
                not isinstance(name, str)
                or name not in host_paths
                or read_only not in (None, False)
            ):
                continue  # read-only, or a malformed readOnly (schema validation)
            where = mount.get("mountPath")
            at = f" at {where!r}" if isinstance(where, str) and where else ""
            yield ctx.violation(
                (*ref.path, "volumeMounts", index, "readOnly"),
                f"{ref.label} mounts hostPath volume {name!r} (host path"
                f" {host_paths[name]!r}){at} writable; set readOnly: true"
                " unless it must change the node's files",
            )
