"""## What it does
Reports a claim that asks for a StorageClass that does not exist: the
`spec.storageClassName` of a PersistentVolumeClaim, or of a StatefulSet's
`spec.volumeClaimTemplates[i]` (and the deprecated
`volume.beta.kubernetes.io/storage-class` annotation, which the volume controllers read
before `storageClassName`).

The known classes are the `StorageClass` objects of the input, the `storageClassName` of
the PersistentVolumes of the input (a claim binds statically to a volume of the same class
name even when no StorageClass object of that name exists), and the names in the
`storage-classes` option. A class name is reported only when the rule has something to
compare it with: the claim's unit (its chart rendering, kustomize build, or the plain
files of its directory) holds at least one StorageClass, or the option is set.
Otherwise (a single-file lint of a StatefulSet whose classes belong to the cluster)
nothing is reported.

Never reported:

- `storageClassName: ""`: no class, the claim binds only to a PersistentVolume without
  one;
- no `storageClassName`: the cluster's default StorageClass is used.

## Why is this bad?
The API server accepts a claim for a class that does not exist. No provisioner picks it
up, so the claim stays `Pending` forever, and so does every pod that mounts it: a
StatefulSet stops at its first replica, with only an event (`storageclass.storage.k8s.io
"fsat" not found`) to say why. The source notes (001, "pod 一直处于 pending 状态一般有哪些情况")
give exactly this case: a StatefulSet for a Redis cluster whose `storageClassName` is
mistyped cannot create its claims, and its pods stay Pending.

## Example
```yaml
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: fast
provisioner: ebs.csi.aws.com
reclaimPolicy: Retain
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  storageClassName: fsat
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 10Gi
```

## Use instead
```yaml
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: fast
provisioner: ebs.csi.aws.com
reclaimPolicy: Retain
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  storageClassName: fast
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 10Gi
```

## Options
- `storage-classes` (list of strings, default `[]`): the StorageClasses that exist in the
  target cluster. When set, every class a claim names must be in this list, among the
  StorageClasses of the input, or a PersistentVolume's `storageClassName` of the input.
  The empty list means "not configured": only the StorageClasses of the input are known
  then, and nothing is reported when there are none.

## References
- https://kubernetes.io/docs/concepts/storage/persistent-volumes/#class-1
- https://kubernetes.io/docs/concepts/storage/storage-classes/
- https://kubernetes.io/docs/concepts/storage/dynamic-provisioning/#defaulting-behavior
- Source notes 001 (pod 一直处于 pending 状态一般有哪些情况，怎么排查？): "定义的 storageClassName
  名称写错了，那么会造成无法创建 pvc，这种情况 pod 也会一直处于 pending 状态"
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.api import AFTER_SEMICOLON, Manifest, Path, RuleContext, Violation, did_you_mean, rule

BETA_ANNOTATION = "volume.beta.kubernetes.io/storage-class"

#: Classes that clusters of some providers have from the start: named in a message, as a
#: likely reason why a manifest names a class the input does not define.
PROVIDER_CLASSES = {
    "standard": "GKE, minikube and kind",
    "standard-rwo": "GKE",
    "premium-rwo": "GKE",
    "gp2": "older EKS clusters",
    "default": "AKS",
    "managed-premium": "AKS",
    "managed-csi": "AKS",
    "managed-csi-premium": "AKS",
    "azurefile": "AKS",
    "azurefile-csi": "AKS",
    "local-path": "k3s",
    "hostpath": "Docker Desktop",
}


def _claims(obj: Manifest) -> Iterator[tuple[Path, Mapping[str, Any], str]]:
    """(path of the claim, the claim, how messages name it)."""
    name = obj.display_name or "?"
    if obj.kind == "PersistentVolumeClaim":
        yield (), obj.data, f"PersistentVolumeClaim {name!r}"
        return
    templates = obj.get(("spec", "volumeClaimTemplates"))
    if not isinstance(templates, list):
        return
    for index, template in enumerate(templates):
        if not isinstance(template, Mapping):
            continue
        metadata = template.get("metadata")
        claim = metadata.get("name") if isinstance(metadata, Mapping) else None
        shown = repr(claim) if isinstance(claim, str) and claim else f"#{index}"
        yield (
            ("spec", "volumeClaimTemplates", index),
            template,
            f"StatefulSet {name!r} volumeClaimTemplate {shown}",
        )


def _class_of(claim: Mapping[str, Any]) -> tuple[Path, Any]:
    """The class the claim names and where, or (.., None) when it names none."""
    # The volume controllers read the beta annotation first, as here.
    metadata = claim.get("metadata")
    annotations = metadata.get("annotations") if isinstance(metadata, Mapping) else None
    if isinstance(annotations, Mapping) and BETA_ANNOTATION in annotations:
        return ("metadata", "annotations", BETA_ANNOTATION), annotations[BETA_ANNOTATION]
    spec = claim.get("spec")
    value = spec.get("storageClassName") if isinstance(spec, Mapping) else None
    return ("spec", "storageClassName"), value


def _known(ctx: RuleContext) -> tuple[set[str], set[str], list[str]]:
    """(StorageClass names of the input, PersistentVolume class names, option names)."""
    classes = [sc.metadata.get("name") for sc in ctx.index.of_kind("StorageClass")]
    volumes = [pv.get(("spec", "storageClassName")) for pv in ctx.index.of_kind("PersistentVolume")]
    option = ctx.options.get("storage-classes")
    configured = [c for c in option if isinstance(c, str)] if isinstance(option, list) else []
    return (
        {c for c in classes if isinstance(c, str) and c},
        {c for c in volumes if isinstance(c, str) and c},
        configured,
    )


@rule(
    id="pvc-storage-class-unknown",
    severity="warning",
    kinds=("PersistentVolumeClaim", "StatefulSet"),
    summary="a claim names a StorageClass that does not exist",
    options={
        "storage-classes": {
            "type": "array",
            "items": {"type": "string"},
            "default": [],
            "description": "StorageClasses that exist in the target cluster; empty: not"
            " configured (only the StorageClasses of the input are known)",
        }
    },
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    known: tuple[set[str], set[str], list[str]] | None = None
    for claim_path, claim, label in _claims(obj):
        path, wanted = _class_of(claim)
        if not isinstance(wanted, str) or not wanted:
            continue  # unset: the default class; "": no class, bound statically
        if known is None:
            known = _known(ctx)
        classes, volumes, configured = known
        if not configured and not ctx.index.unit(obj).has_kind("StorageClass"):
            return  # nothing to compare with: the classes belong to the cluster
        if wanted in classes or wanted in volumes or wanted in configured:
            continue
        candidates = sorted(classes | set(configured))
        sources = []
        if classes:
            sources.append("the StorageClasses of the input")
        if configured:
            sources.append("the storage-classes option")
        listed = ", ".join(map(repr, candidates[:8]))
        if len(candidates) > 8:
            listed += f" and {len(candidates) - 8} more"
        hint = did_you_mean(wanted, candidates, form=AFTER_SEMICOLON)
        if wanted in PROVIDER_CLASSES:
            hint += (
                f" ({wanted!r} is a built-in class of {PROVIDER_CLASSES[wanted]}: if the"
                " target cluster has it, list it in the storage-classes option)"
            )
        yield ctx.violation(
            (*claim_path, *path),
            f"{label} asks for StorageClass {wanted!r}, which is not among"
            f" {' or '.join(sources)} ({listed}): the claim stays Pending,"
            f" and so do the pods that mount it{hint}",
        )
