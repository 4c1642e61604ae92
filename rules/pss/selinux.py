"""## What it does
The PSS control *SELinux* (PSA check `seLinuxOptions`): in the pod's and each
container's `securityContext.seLinuxOptions`, `type` must be empty, `container_t`,
`container_init_t`, `container_kvm_t` or (policy 1.31 and later) `container_engine_t`,
and `user` and `role` must not be set. The pod and each container are checked
independently.

## Why is this bad?
The SELinux type decides what a container process may touch on the node;
`spc_t` ("super privileged container") or `unconfined_t` lift the confinement, and a
custom user or role can grant more than the container types. The baseline level allows
only the container types.

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
      securityContext:
        seLinuxOptions: {type: spc_t}
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
      securityContext:
        seLinuxOptions: {level: "s0:c123,c456"}
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

CONTROL = "pss-selinux"


@rule(
    id=CONTROL,
    severity="error",
    kinds=pss.PSA_KINDS,
    enabled=False,
    summary="a pod or container sets a forbidden SELinux type, user or role",
    options=pss.rule_options(CONTROL),
    controls=("pss:baseline/selinux",),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    return pss.control_violations(obj, ctx, CONTROL)
