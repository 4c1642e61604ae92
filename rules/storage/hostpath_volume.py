"""## What it does
Reports a pod spec volume of type `hostPath` (in Pods, pod templates of workloads, and
CronJobs), naming the volume and the node path it mounts.

DaemonSets are reported too. A node agent (a log shipper reading `/var/log`, a CNI or
CSI plugin, a node exporter reading `/proc` and `/sys`) is the legitimate user of
`hostPath`: there the host path is the point, and the pod never moves off its node. Silence
the rule for such an object with an annotation, which documents the decision where it is
made:

```yaml
metadata:
  name: fluent-bit
  annotations:
    kubelint.io/ignore: hostpath-volume
```

or with `# kubelint: disable=hostpath-volume` at the end of the volume's line.

## Why is this bad?
A `hostPath` volume mounts a directory of the node the pod happens to run on. Its data
belongs to that node, not to the workload: when the pod is rescheduled (a node drain or
failure, a rolling update, an eviction) it lands on another node and finds that node's
directory, empty or holding someone else's files, and the data it wrote is left behind.
Replicas on different nodes see different data, and two pods on one node share and can
overwrite the same files. The source notes' volume table (001, "有哪些存储卷，作用分别是
什么？") says as much of `hostPath` ("pod的调度是不固定的 ... 那么该pod 就不能访问之前的
数据"), and notes 004 ("存储") call it unfit for production ("不推荐用于生产环境").

`hostPath` is also a security boundary: a writable host path (or the container runtime's
socket) lets the container change the node itself, which is why restricted Pod Security
Standards forbid it. Use a PersistentVolumeClaim for data that must survive the pod,
`emptyDir` for scratch space shared by the pod's containers, and a ConfigMap or Secret
for configuration.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: uploads
spec:
  selector:
    matchLabels: {app: uploads}
  template:
    metadata:
      labels: {app: uploads}
    spec:
      containers:
        - name: app
          image: registry.example.com/uploads:3.2.0
          volumeMounts:
            - {name: data, mountPath: /data}
      volumes:
        - name: data
          hostPath:
            path: /srv/uploads
            type: DirectoryOrCreate
```

## Use instead
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: uploads
spec:
  selector:
    matchLabels: {app: uploads}
  template:
    metadata:
      labels: {app: uploads}
    spec:
      containers:
        - name: app
          image: registry.example.com/uploads:3.2.0
          volumeMounts:
            - {name: data, mountPath: /data}
      volumes:
        - name: data
          persistentVolumeClaim:
            claimName: uploads
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: uploads
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 20Gi
```

## References
- https://kubernetes.io/docs/concepts/storage/volumes/#hostpath
- https://kubernetes.io/docs/concepts/security/pod-security-standards/
- Source notes 001 (有哪些存储卷，作用分别是什么？, the hostPath row)
- Source notes 004 (存储: "HostPath ... 不推荐用于生产环境")
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint.api import POD_SPEC_KINDS, Manifest, RuleContext, Violation, rule


@rule(
    id="hostpath-volume",
    severity="warning",
    kinds=POD_SPEC_KINDS,
    summary="a pod mounts a directory of its node through a hostPath volume",
    controls=("pss:baseline/host-path-volumes", "cis:5.2.12"),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec_path = obj.pod_spec_path()
    spec = obj.pod_spec()
    if spec_path is None or spec is None:
        return
    volumes = spec.get("volumes")
    if not isinstance(volumes, list):
        return
    daemonset = obj.kind == "DaemonSet"
    for index, volume in enumerate(volumes):
        if not isinstance(volume, Mapping):
            continue
        host_path = volume.get("hostPath")
        if not isinstance(host_path, Mapping):
            continue  # absent, or malformed (schema validation reports it)
        name = volume.get("name")
        which = f"volume {name!r}" if isinstance(name, str) and name else f"volume #{index}"
        path = host_path.get("path")
        mounts = f"host path {path!r}" if isinstance(path, str) and path else "a host path"
        if daemonset:
            advice = (
                "; if this node agent needs it, silence the rule with the annotation"
                " kubelint.io/ignore: hostpath-volume"
            )
        else:
            advice = (
                ": its contents differ from node to node and what the pod writes"
                " stays behind when it is rescheduled; use a PersistentVolumeClaim,"
                " emptyDir, ConfigMap or Secret"
            )
        yield ctx.violation(
            (*spec_path, "volumes", index, "hostPath"),
            f"{which} mounts {mounts} of the node it runs on{advice}",
        )
