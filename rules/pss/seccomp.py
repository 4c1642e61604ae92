"""## What it does
The PSS control *Seccomp*, at the level of the `level` option:

- **baseline** (PSA check `seccompProfile_baseline`): from policy 1.19, the pod's and
  each container's `securityContext.seccompProfile.type`, when set, must be
  `RuntimeDefault` or `Localhost`; before 1.19, the annotations
  `seccomp.security.alpha.kubernetes.io/pod` and
  `container.seccomp.security.alpha.kubernetes.io/<container>` must be
  `runtime/default`, `docker/default` or `localhost/<profile>`.
- **restricted** (PSA check `seccompProfile_restricted`, policy 1.19 and later):
  additionally every container must have one, its own or the pod's. When no container
  sets it, the pod's `securityContext` is reported once; otherwise each container without
  one. From policy 1.25, pods with `spec.os.name: windows` are exempt. The annotations
  do not count.

## Why is this bad?
Without a seccomp profile most runtimes run the container `Unconfined`: every
system call of the kernel is available, including those most container escapes use.
`RuntimeDefault` blocks them while letting ordinary programs run unchanged.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  securityContext:
    seccompProfile: {type: Unconfined}
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
    seccompProfile: {type: RuntimeDefault}
  containers:
    - name: web
      image: registry.example.com/web:1.0
```

## Options
- `level` (`baseline`, the default, or `restricted`): `baseline` forbids bad profiles;
  `restricted` also requires one for every container.
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

from kubelint.api import Control, Manifest, RuleContext, Violation, pss, rule

CONTROL = "pss-seccomp"


@rule(
    id=CONTROL,
    severity="error",
    kinds=pss.PSA_KINDS,
    enabled=False,
    summary="a seccomp profile is forbidden, or missing at the restricted level",
    options=pss.rule_options(CONTROL),
    controls=(
        "pss:baseline/seccomp",
        Control("pss:restricted/seccomp", partial="with level: restricted"),
        Control(
            "cis:5.7.2", partial="with level: restricted; at baseline only Unconfined is reported"
        ),
    ),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    return pss.control_violations(obj, ctx, CONTROL)
