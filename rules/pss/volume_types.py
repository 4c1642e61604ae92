"""## What it does
Reports each volume whose source is not one of `configMap`, `csi`, `downwardAPI`,
`emptyDir`, `ephemeral`, `image`, `persistentVolumeClaim`, `projected` or `secret`: the
PSS control *Volume Types* (PSA check `restrictedVolumes`, which replaces *HostPath
Volumes* at the restricted level). A volume without a source is an `emptyDir` (the API
server's default) and passes. `image` volumes are allowed at every policy version, as by
the PSA of Kubernetes 1.33 and later (the PSS page does not list them yet).

## Why is this bad?
The other sources (`hostPath`, `nfs`, `iscsi`, `rbd`, `cephfs`, `gitRepo`,
`flexVolume` and the in-tree cloud disks) mount storage chosen by the pod author with the
node's credentials or the node's files; the restricted level leaves those to
PersistentVolumes that an administrator controls.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: registry.example.com/web:1.0
      volumeMounts: [{name: shared, mountPath: /shared}]
  volumes:
    - name: shared
      nfs: {server: nfs.example.com, path: /exports}
```

## Use instead
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: registry.example.com/web:1.0
      volumeMounts: [{name: shared, mountPath: /shared}]
  volumes:
    - name: shared
      persistentVolumeClaim: {claimName: shared}
```

## Options
- `version` (`latest` or `v1.N`, as PSA's `enforce-version` label; default: the target
  Kubernetes version): the policy version.

## References
- https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
- https://kubernetes.io/docs/concepts/security/pod-security-admission/
- docs/pod-security-standards.md: the PSA source followed, version by version; findings
  carry PSA's warning for each place to edit
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import Manifest, RuleContext, Violation, pss, rule

CONTROL = "pss-volume-types"


@rule(
    id=CONTROL,
    severity="error",
    kinds=pss.PSA_KINDS,
    enabled=False,
    summary="a pod uses a volume type the restricted level forbids",
    options=pss.rule_options(CONTROL),
    controls=("pss:restricted/volume-types", "cis:5.2.12"),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    return pss.control_violations(obj, ctx, CONTROL)
