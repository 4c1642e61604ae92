"""## What it does
Reports each `hostPath` volume of the pod: the PSS control *HostPath Volumes*
(PSA check `hostPathVolumes`). At the restricted level PSA replaces this check by *Volume
Types* (`pss-volume-types`), which reports hostPath volumes among the others, so with
`level: restricted` this rule reports nothing.

## Why is this bad?
A hostPath volume puts a file or directory of the node inside the container: the
container runtime's socket, the kubelet's credentials, `/etc` or `/var/log` are all a
mount away, and writes land on the node. The baseline level forbids hostPath volumes
altogether.

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
      volumeMounts: [{name: logs, mountPath: /var/log/host}]
  volumes:
    - name: logs
      hostPath: {path: /var/log}
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
      volumeMounts: [{name: logs, mountPath: /var/log/app}]
  volumes:
    - name: logs
      emptyDir: {}
```

## Options
- `level` (`baseline`, the default, or `restricted`): `restricted` leaves hostPath
  volumes to `pss-volume-types`, as PSA does.
- `version` (`latest` or `v1.N`, as PSA's `enforce-version` label; default: the target
  Kubernetes version): the policy version.

## References
- https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
- https://kubernetes.io/docs/concepts/security/pod-security-admission/
- docs/pod-security-standards.md: the PSA source followed, version by version; findings
  carry PSA's warning for each place to edit
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import Manifest, RuleContext, Violation, pss, rule

CONTROL = "pss-host-path-volumes"


@rule(
    id=CONTROL,
    severity="error",
    kinds=pss.PSA_KINDS,
    enabled=False,
    summary="a pod mounts a hostPath volume",
    options=pss.rule_options(CONTROL),
    controls=("pss:baseline/host-path-volumes", "cis:5.2.12"),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    return pss.control_violations(obj, ctx, CONTROL)
