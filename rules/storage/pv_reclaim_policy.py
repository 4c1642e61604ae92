"""## What it does
Checks what happens to a volume when its claim is deleted:

- a `PersistentVolume` with `persistentVolumeReclaimPolicy: Recycle` is a warning (the
  policy is deprecated, and scrubs the data);
- a `PersistentVolume` with `persistentVolumeReclaimPolicy: Delete` is a warning (its data
  is destroyed with the claim);
- a `StorageClass` with `reclaimPolicy: Recycle` is an error (the API server accepts only
  `Delete` or `Retain` there);
- a `StorageClass` without `reclaimPolicy` is reported as info (it defaults to `Delete`).

`Retain` is never reported, nor is a `PersistentVolume` without a policy: a manually
created PersistentVolume defaults to `Retain`. An explicit `reclaimPolicy: Delete` on a
StorageClass is not reported either: writing it down is a deliberate choice, common and
reasonable for scratch or easily rebuilt data.

## Why is this bad?
With `Delete`, deleting the PersistentVolumeClaim (a `kubectl delete -f` of the wrong file,
a namespace or Helm release removed, a StatefulSet claim cleaned up) makes Kubernetes
delete the PersistentVolume and the storage asset behind it (the cloud disk, the backing
volume): the data is gone, with no Released phase to recover from. With `Retain` the
volume becomes `Released` and an administrator decides what to do with the data.

Dynamically provisioned volumes inherit the reclaim policy of their StorageClass, which
defaults to `Delete` when the class does not set one, so a class without `reclaimPolicy`
provisions volumes that are deleted with their claims; say so explicitly if that is what
you want. `Recycle` is deprecated: it only scrubs the volume with `rm -rf` so another
claim can bind it, only NFS and hostPath volumes ever supported it, and dynamic
provisioning is the recommended replacement. The API server rejects `Recycle` on a
StorageClass.

The source notes (001, "pv 的回收策略 有哪几种？" and "存储类的资源回收策略") describe the
same three policies: Recycle "会对卷执行 rm -rf 清理该 pv ... 目前只有NFS 和HostPath
支持该策略（弃用了）", and dynamic volumes default to Delete.

## Example
```yaml
apiVersion: v1
kind: PersistentVolume
metadata:
  name: shared-data
spec:
  capacity:
    storage: 100Gi
  accessModes: [ReadWriteMany]
  persistentVolumeReclaimPolicy: Recycle
  nfs:
    server: nfs.example.com
    path: /exports/shared
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: fast
provisioner: ebs.csi.aws.com
parameters:
  type: gp3
```

## Use instead
```yaml
apiVersion: v1
kind: PersistentVolume
metadata:
  name: shared-data
spec:
  capacity:
    storage: 100Gi
  accessModes: [ReadWriteMany]
  persistentVolumeReclaimPolicy: Retain
  nfs:
    server: nfs.example.com
    path: /exports/shared
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: fast
provisioner: ebs.csi.aws.com
reclaimPolicy: Retain
parameters:
  type: gp3
```

## References
- https://kubernetes.io/docs/concepts/storage/persistent-volumes/#reclaiming
- https://kubernetes.io/docs/concepts/storage/storage-classes/#reclaim-policy
- https://kubernetes.io/docs/tasks/administer-cluster/change-pv-reclaim-policy/
- Source notes 001 (pv 的回收策略 有哪几种？): Retain, Delete, and the deprecated Recycle
- Source notes 001 (存储类的资源回收策略): StorageClasses default to Delete; their volumes
  inherit the class's policy
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint.api import Fix, Manifest, RuleContext, Violation, rule


def _name(obj: Manifest) -> str:
    return repr(obj.display_name) if obj.display_name else "(unnamed)"


@rule(
    id="pv-reclaim-policy",
    severity="error",
    kinds=("PersistentVolume", "StorageClass"),
    fixable=True,
    summary="a volume is deleted or recycled when its claim is deleted",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    if obj.kind == "PersistentVolume":
        yield from _persistent_volume(obj, ctx)
    elif obj.kind == "StorageClass":
        yield from _storage_class(obj, ctx)


def _persistent_volume(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec = obj.get(("spec",))
    if not isinstance(spec, Mapping):
        return
    policy = spec.get("persistentVolumeReclaimPolicy")
    path = ("spec", "persistentVolumeReclaimPolicy")
    if policy == "Recycle":
        yield ctx.violation(
            path,
            f"PersistentVolume {_name(obj)} uses the deprecated Recycle"
            " reclaim policy (an rm -rf scrub, NFS and hostPath only); use"
            " Retain",
            severity="warning",
            fix=Fix(path, "Retain"),
        )
    elif policy == "Delete":
        yield ctx.violation(
            path,
            f"PersistentVolume {_name(obj)} has reclaim policy Delete:"
            " its volume and data are destroyed when its claim is deleted",
            severity="warning",
        )


def _storage_class(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    policy = obj.data.get("reclaimPolicy")
    if policy is None:
        yield ctx.violation(
            (),
            f"StorageClass {_name(obj)} sets no reclaimPolicy: it defaults"
            " to Delete, so the volumes it provisions are deleted with their"
            " claims",
            severity="info",
        )
    elif policy == "Recycle":
        yield ctx.violation(
            ("reclaimPolicy",),
            f"StorageClass {_name(obj)} sets reclaimPolicy"
            " Recycle, which StorageClasses do not accept (only Delete or"
            " Retain)",
        )
