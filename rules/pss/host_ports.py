"""## What it does
Reports each container port with a non-zero `hostPort`: the PSS control *Host Ports*
(PSA check `hostPorts`). PSA has no list of allowed host ports (the docs' "known list" is
not supported by the built-in admission controller), so every one is reported.

PSA sees a Pod after the API server's defaulting, which gives every container port of a
Pod with `hostNetwork: true` a `hostPort`; such a pod already fails *Host Namespaces*
(`pss-host-namespaces`), and this rule does not report the defaulted ports.

## Why is this bad?
A host port binds the node's network interface: the pod is reachable on every
address of the node, outside Services and often outside NetworkPolicies, and only one
pod per node can use a given port. The baseline level forbids it.

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
      ports:
        - {containerPort: 8080, hostPort: 80}
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
      ports:
        - {containerPort: 8080}
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

CONTROL = "pss-host-ports"


@rule(
    id=CONTROL,
    severity="error",
    kinds=pss.PSA_KINDS,
    enabled=False,
    summary="a container uses a host port",
    options=pss.rule_options(CONTROL),
    controls=("pss:baseline/host-ports", "cis:5.2.13"),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    return pss.control_violations(obj, ctx, CONTROL)
