"""## What it does
Reports `securityContext.windowsOptions.hostProcess: true` on the pod or on a
container, init container or ephemeral container: the PSS control *HostProcess*
(PSA check `windowsHostProcess`), at every policy version. It applies whatever
`spec.os.name` says.

Each place to edit is reported with the warning PSA would give for it
(`would violate PodSecurity "LEVEL:VERSION": reason (detail)`), in PSA's words. Pods,
PodTemplates, ReplicationControllers, ReplicaSets, Deployments, DaemonSets,
StatefulSets, Jobs and CronJobs are checked, as PSA checks them.

## Why is this bad?
A HostProcess container runs directly on the Windows node, in the node's network
namespace and with the privileges of a node administrator if it asks for them: it is the
Windows equivalent of a privileged container with host namespaces. The baseline level
forbids it.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: agent
spec:
  securityContext:
    windowsOptions: {hostProcess: true}
  hostNetwork: true
  os: {name: windows}
  containers:
    - name: agent
      image: registry.example.com/agent:1.0
```

## Use instead
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: agent
spec:
  os: {name: windows}
  containers:
    - name: agent
      image: registry.example.com/agent:1.0
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

CONTROL = "pss-host-process"


@rule(id=CONTROL, severity="error", kinds=pss.PSA_KINDS, enabled=False,
      summary="a pod or container runs as a Windows HostProcess",
      options=pss.rule_options(CONTROL))
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    return pss.control_violations(obj, ctx, CONTROL)
