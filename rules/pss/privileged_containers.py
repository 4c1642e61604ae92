"""## What it does
Reports `securityContext.privileged: true` on a container, init container or
ephemeral container: the PSS control *Privileged Containers* (PSA check `privileged`).
Windows pods are checked too, as PSA checks them.

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

CONTROL = "pss-privileged-containers"


@rule(
    id=CONTROL,
    severity="error",
    kinds=pss.PSA_KINDS,
    enabled=False,
    summary="a container runs privileged",
    options=pss.rule_options(CONTROL),
    controls=("pss:baseline/privileged-containers", "cis:5.2.2"),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    return pss.control_violations(obj, ctx, CONTROL)
