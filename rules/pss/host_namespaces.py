"""## What it does
Reports `hostNetwork`, `hostPID` or `hostIPC` set to `true`: the PSS control *Host
Namespaces* (PSA check `hostNamespaces`), one finding per field.

## Why is this bad?
Sharing the node's network namespace lets the pod bind the node's ports, reach
services listening on the node's `localhost` and escape NetworkPolicies; the PID
namespace lets it see (and, as root, signal or trace) every process of the node; the IPC
namespace lets it read the node's shared memory. The baseline level forbids all three.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  hostNetwork: true
  hostPID: true
  containers:
    - name: web
      image: registry.example.com/web:1.0
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

CONTROL = "pss-host-namespaces"


@rule(
    id=CONTROL,
    severity="error",
    kinds=pss.PSA_KINDS,
    enabled=False,
    summary="a pod shares the node's network, PID or IPC namespace",
    options=pss.rule_options(CONTROL),
    controls=("pss:baseline/host-namespaces", "cis:5.2.3", "cis:5.2.4", "cis:5.2.5"),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    return pss.control_violations(obj, ctx, CONTROL)
