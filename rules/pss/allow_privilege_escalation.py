"""## What it does
Reports each container, init container and ephemeral container whose
`securityContext.allowPrivilegeEscalation` is not explicitly `false`: the PSS control
*Privilege Escalation* (PSA check `allowPrivilegeEscalation`, policy 1.8 and later).
From policy 1.25, pods with `spec.os.name: windows` are exempt.

## Why is this bad?
Unless it is `false`, a process in the container can gain privileges through
setuid binaries or file capabilities (the kernel's `no_new_privs` flag stays off). The
restricted level requires turning that off.

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
      securityContext: {allowPrivilegeEscalation: false}
```

## Options
- `version` (`latest` or `v1.N`, as PSA's `enforce-version` label; default: the target
  Kubernetes version): the policy version.

## References
- https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
- https://kubernetes.io/docs/concepts/security/pod-security-admission/
- docs/pod-security-standards.md: the PSA source followed, version by version; findings
  carry PSA's warning for each place to edit
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import Manifest, RuleContext, Violation, pss, rule

CONTROL = "pss-privilege-escalation"


@rule(
    id=CONTROL,
    severity="error",
    kinds=pss.PSA_KINDS,
    enabled=False,
    summary="a container does not set allowPrivilegeEscalation: false",
    options=pss.rule_options(CONTROL),
    controls=("pss:restricted/privilege-escalation", "cis:5.2.6"),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    return pss.control_violations(obj, ctx, CONTROL)
