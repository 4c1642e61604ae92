"""## What it does
Reports a container's `securityContext.procMount` set to anything but `Default`
(`Unmasked`): the PSS control */proc Mount Type* (PSA checks `procMount` and, at
restricted from policy 1.35, `procMount_restricted`).

From policy version 1.35 the baseline level allows any value in a pod with
`hostUsers: false` (a user namespace makes the unmasked `/proc` harmless); the
restricted level does not.

## Why is this bad?
The container runtime masks parts of `/proc` (such as `/proc/kcore`,
`/proc/sysrq-trigger`, `/proc/keys`) and makes others read-only, because they expose or
control the node's kernel. `Unmasked` removes that protection.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  hostUsers: true
  containers:
    - name: web
      image: registry.example.com/web:1.0
      securityContext: {procMount: Unmasked}
```

## Use instead
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  hostUsers: false
  containers:
    - name: web
      image: registry.example.com/web:1.0
      securityContext: {procMount: Unmasked}
```

## Options
- `level` (`baseline`, the default, or `restricted`): they differ from policy 1.35 on:
  `baseline` allows any value when `hostUsers` is `false`, `restricted` never does.
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

CONTROL = "pss-proc-mount-type"


@rule(
    id=CONTROL,
    severity="error",
    kinds=pss.PSA_KINDS,
    enabled=False,
    summary="a container unmasks /proc",
    options=pss.rule_options(CONTROL),
    controls=("pss:baseline/proc-mount-type",),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    return pss.control_violations(obj, ctx, CONTROL)
