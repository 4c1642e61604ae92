"""## What it does
Reports `runAsUser: 0` in the pod's or a container's `securityContext`: the PSS
control *Running as Non-root user* (PSA check `runAsUser`, policy 1.23 and later). The
pod's value is reported even when every container overrides it, as in PSA. From policy
1.35, pods with `hostUsers: false` pass.

## Why is this bad?
UID 0 is root, the same root as the node's unless the pod runs in a user
namespace. The restricted level forbids asking for it explicitly.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  securityContext:
    runAsUser: 0
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
  securityContext:
    runAsUser: 10001
  containers:
    - name: web
      image: registry.example.com/web:1.0
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

from kubelint.api import Control, Manifest, RuleContext, Violation, pss, rule

CONTROL = "pss-running-as-non-root-user"


@rule(
    id=CONTROL,
    severity="error",
    kinds=pss.PSA_KINDS,
    enabled=False,
    summary="a pod or container sets runAsUser: 0",
    options=pss.rule_options(CONTROL),
    controls=(
        "pss:restricted/running-as-non-root-user",
        Control("cis:5.2.7", partial="only an explicit runAsUser: 0 is reported"),
        Control("nsa:non-root-containers", partial="only an explicit runAsUser: 0 is reported"),
    ),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    return pss.control_violations(obj, ctx, CONTROL)
