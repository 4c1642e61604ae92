"""## What it does
Reports `securityContext.privileged: true` on a container, init container or
ephemeral container: the PSS control *Privileged Containers* (PSA check `privileged`).
Windows pods are checked too, as PSA checks them.

Each place to edit is reported with the warning PSA would give for it
(`would violate PodSecurity "LEVEL:VERSION": reason (detail)`), in PSA's words. Pods,
PodTemplates, ReplicationControllers, ReplicaSets, Deployments, DaemonSets,
StatefulSets, Jobs and CronJobs are checked, as PSA checks them.

## Why is this bad?
A privileged container gets every capability, every device of the node and no
seccomp, AppArmor or SELinux confinement: root in it is root on the node. The baseline
level forbids it.

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
      securityContext: {privileged: true}
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
      securityContext: {privileged: false}
```

## Options
- `level` (`baseline` or `restricted`, default `baseline`): the level whose checks run.
  Both levels run the same check for this control.
- `version` (default: the target Kubernetes version): the policy version, written as
  PSA's `enforce-version` label: `latest` or `v1.N`. Versions above the newest policy
  revision (and above the target Kubernetes version) are evaluated as the newest, as a
  cluster of the target version does; the message names the version as given.

## References
- https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
- https://kubernetes.io/docs/concepts/security/pod-security-admission/
- docs/pod-security-standards.md (the PSA source followed, version by version)
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import Manifest, RuleContext, Violation, pss, rule

CONTROL = "pss-privileged-containers"


@rule(id=CONTROL, severity="error", kinds=pss.PSA_KINDS, enabled=False,
      summary="a container runs privileged",
      options=pss.rule_options(CONTROL))
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    return pss.control_violations(obj, ctx, CONTROL)
