"""## What it does
Reports each `hostPath` volume of the pod: the PSS control *HostPath Volumes*
(PSA check `hostPathVolumes`). At the restricted level PSA replaces this check by *Volume
Types* (`pss-volume-types`), which reports hostPath volumes among the others, so with
`level: restricted` this rule reports nothing.

Each place to edit is reported with the warning PSA would give for it
(`would violate PodSecurity "LEVEL:VERSION": reason (detail)`), in PSA's words. Pods,
PodTemplates, ReplicationControllers, ReplicaSets, Deployments, DaemonSets,
StatefulSets, Jobs and CronJobs are checked, as PSA checks them.

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
- `level` (`baseline` or `restricted`, default `baseline`): the level whose checks run.
  `restricted` leaves hostPath volumes to `pss-volume-types`, as PSA does.
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

CONTROL = "pss-host-path-volumes"


@rule(id=CONTROL, severity="error", kinds=pss.PSA_KINDS, enabled=False,
      summary="a pod mounts a hostPath volume",
      options=pss.rule_options(CONTROL))
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    return pss.control_violations(obj, ctx, CONTROL)
