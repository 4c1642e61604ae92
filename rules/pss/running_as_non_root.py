"""## What it does
The PSS control *Running as Non-root* (PSA check `runAsNonRoot`): the pod's
`securityContext.runAsNonRoot` must be `true`, or every container must set it to `true`;
`false` is reported wherever it is set (at pod level even when every container sets
`true`). A non-zero `runAsUser` does not count, as in PSA. When no container sets it,
the pod's `securityContext` is reported once; otherwise each container without it.

From policy 1.35, pods with `hostUsers: false` pass (their root is not the node's).
Windows pods are checked too.

## Why is this bad?
Without `runAsNonRoot: true` the container runs as whatever user its image names,
which for most images is root, the node's UID 0. With it, the kubelet refuses to start a
container whose user is root.

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
  securityContext:
    runAsNonRoot: true
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

from kubelint.api import Manifest, RuleContext, Violation, pss, rule

CONTROL = "pss-running-as-non-root"


@rule(
    id=CONTROL,
    severity="error",
    kinds=pss.PSA_KINDS,
    enabled=False,
    summary="a container may run as root: runAsNonRoot is not true",
    options=pss.rule_options(CONTROL),
    controls=("pss:restricted/running-as-non-root", "cis:5.2.7", "nsa:non-root-containers"),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    return pss.control_violations(obj, ctx, CONTROL)
