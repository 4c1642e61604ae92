"""## What it does
Reports `securityContext.windowsOptions.hostProcess: true` on the pod or on a
container, init container or ephemeral container: the PSS control *HostProcess*
(PSA check `windowsHostProcess`), at every policy version. It applies whatever
`spec.os.name` says.

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
- `level` (`baseline`, the default, or `restricted`): both run the same check for this
  control.
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

CONTROL = "pss-host-process"


@rule(
    id=CONTROL,
    severity="error",
    kinds=pss.PSA_KINDS,
    enabled=False,
    summary="a pod or container runs as a Windows HostProcess",
    options=pss.rule_options(CONTROL),
    controls=("pss:baseline/host-process", "cis:5.2.11"),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    return pss.control_violations(obj, ctx, CONTROL)
